"""Which pages a site has (sitegen.render.pagejobs): every page's path and template listed without its job, each
job made when first asked for, and a rebuild after an edit making the jobs of the pages it renders only."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXED_NOW, REPO_ROOT, article

from sitegen.build.api import BuildOptions, build, load_site
from sitegen.model import Site
from sitegen.render import pagejobs
from sitegen.render.pagejobs import JobList, PageJob, Stretch, page_jobs
from sitegen.search.index import SEARCH_URL


@pytest.fixture(scope="module")
def example() -> Site:
    return load_site(REPO_ROOT, BuildOptions(disk_cache=False, now=FIXED_NOW)).site


def _job(path: str, template: str = "t.html") -> PageJob:
    return PageJob(path, template, path, None, {})


def test_the_listed_paths_and_templates_are_those_of_the_jobs(example: Site) -> None:
    for search_url in (SEARCH_URL, None):
        jobs = page_jobs(example, search_url)
        made = list(jobs)
        assert [job.path for job in made] == jobs.paths
        assert [job.template for job in made] == jobs.templates
        assert len(set(jobs.paths)) == len(jobs) == len(made)
        assert (made[0].template, made[-1].path) == ("home.html", "404.html")
        assert ("search.html" in jobs.templates) == (search_url is not None)
        articles = [job.variables["article"] for job in made if job.template == "article.html"]
        assert articles == [page.article for page in example.article_pages]
        listed = {job.variables["listing"] for job in made if "listing" in job.variables}
        assert listed == {*example.listings, *example.tag_listings, *example.author_listings, *example.archive_listings}


def test_no_listing_or_article_job_is_made_until_asked_for(example: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    made: Counter[str] = Counter()
    for name in ("_column_job", "_tag_job", "_article_job"):
        real = getattr(pagejobs, name)

        def counted(*args: Any, _real: Any = real, _name: str = name) -> PageJob:
            made[_name] += 1
            return _real(*args)

        monkeypatch.setattr(pagejobs, name, counted)
    jobs = page_jobs(example, SEARCH_URL)
    assert jobs.paths and jobs.templates and len(jobs) > len(example.article_pages)
    assert sum(made.values()) == 0
    place = jobs.templates.index("article.html")
    job = jobs[place]
    assert (job.template, job.variables["article"]) == ("article.html", example.article_pages[0].article)
    assert jobs[place] is job and jobs[place - len(jobs)] is job  # kept, and found from the end too
    assert made == Counter({"_article_job": 1})
    jobs[jobs.templates.index("column.html")]
    assert made == Counter({"_article_job": 1, "_column_job": 1})


def test_a_job_list_is_a_sequence_over_its_stretches() -> None:
    asked: list[int] = []

    def make(n: int) -> PageJob:
        asked.append(n)
        return _job(f"b{n}.html", "b.html")

    jobs = JobList(
        [Stretch.made([_job("a.html")]), Stretch.made([]), Stretch(["b0.html", "b1.html"], ["b.html"] * 2, make)]
    )
    assert (len(jobs), jobs.paths, jobs.templates) == (
        3,
        ["a.html", "b0.html", "b1.html"],
        ["t.html", "b.html", "b.html"],
    )
    assert jobs[2].path == "b1.html" and asked == [1]
    assert [job.path for job in jobs[1:]] == ["b0.html", "b1.html"] and asked == [1, 0]
    assert jobs[-3].path == "a.html"
    for wrong in (3, -4):
        with pytest.raises(IndexError):
            jobs[wrong]
    joined = jobs + JobList([Stretch.made([_job("c.html")])])
    assert joined.paths == ["a.html", "b0.html", "b1.html", "c.html"]
    assert joined[2] is jobs[2] and joined[3].path == "c.html" and asked == [1, 0]  # what was made is not made again


def test_a_job_made_for_another_path_than_listed_is_refused() -> None:
    jobs = JobList([Stretch(["a.html"], ["t.html"], lambda n: _job("b.html"))])
    with pytest.raises(AssertionError, match=r"b\.html where a\.html"):
        jobs[0]


def _site(root: Path, count: int) -> Path:
    site = root / "site"
    (site / "content" / "towns").mkdir(parents=True)
    (site / "site.yaml").write_text(
        "title: 测试站\nbase_url: https://example.org/\ncolumns:\n  - slug: towns\n    title: 镇街\n", encoding="utf-8"
    )
    for n in range(count):
        text = article(title=f"文章{n}", date=f"2024-01-{n + 1:02}", body=f"正文{n}。", tags="[党建]")
        (site / "content" / "towns" / f"a{n}.md").write_text(text, encoding="utf-8")
    return site


def test_an_edit_makes_the_jobs_of_the_pages_it_renders_only(tmp_path: Path, article_jobs_made: list[str]) -> None:
    site = _site(tmp_path, 12)
    options = BuildOptions(output_dir=tmp_path / "out", now=FIXED_NOW, jobs=1)
    made = article_jobs_made
    first = build(site, options)
    assert len(made) == 12 and first.pages_rendered > 12
    made.clear()
    edited = site / "content" / "towns" / "a5.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n又一段。\n", encoding="utf-8")
    report = build(site, options)
    assert report.articles_rendered == 1 and 1 <= report.pages_rendered < first.pages_rendered
    # its own page and its neighbours' (which show its summary); no job for any other article's page
    assert sorted(made) == [f"content/towns/a{n}.md" for n in (4, 5, 6)] and report.pages_rendered >= 3
    cold = build(site, BuildOptions(output_dir=tmp_path / "cold", now=FIXED_NOW, jobs=1, disk_cache=False))
    assert cold.pages_rendered == first.pages_rendered
    for page in (tmp_path / "cold").rglob("*.html"):
        assert (tmp_path / "out" / page.relative_to(tmp_path / "cold")).read_bytes() == page.read_bytes()
