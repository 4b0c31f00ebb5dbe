"""`sitegen new COLUMN "标题" [--slug SLUG]`: a draft with every front-matter key, an ASCII slug, never an overwrite."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import MakeSite, load

from sitegen.cli import main
from sitegen.content.frontmatter import KNOWN_FIELDS
from sitegen.scaffold import MAX_SLUG, slugify

TITLE = "均禾街开展防诈宣传"
SLUG = "jun-he-jie-kai-zhan-fang-zha-xuan-chuan"


def sitegen(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def new(site: Path, *args: str) -> Result:
    return sitegen("new", *args, "--site", site)


def created_file(result: Result) -> Path:
    assert result.exit_code == 0, result.output
    path = Path(result.stdout.strip().splitlines()[-1])
    assert path.is_file(), result.output
    return path


def files_below(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def site(make_site: MakeSite) -> Path:
    return make_site({})


def test_creates_a_draft_under_column_and_year_and_prints_its_path(site: Path) -> None:
    path = created_file(new(site, "towns", TITLE))
    assert path.name == f"{SLUG}.md"
    relative = path.relative_to(site).as_posix()
    assert re.fullmatch(rf"content/towns/(\d{{4}})/{SLUG}\.md", relative), relative
    text = path.read_text(encoding="utf-8")
    year = relative.split("/")[2]
    assert re.search(rf"^date: {year}-\d\d-\d\d \d\d:\d\d\b", text, re.M), "the folder's year is the article's year"
    assert re.search(r"^draft: true\b", text, re.M)


def test_the_new_file_has_every_front_matter_key(site: Path) -> None:
    text = created_file(new(site, "towns", TITLE)).read_text(encoding="utf-8")
    front_matter = text.split("\n---\n")[0]
    # optional keys whose empty value would be invalid (slug, updated) may be written commented out
    missing = [key for key in sorted(KNOWN_FIELDS) if not re.search(rf"^(# ?)?{key}:", front_matter, re.M)]
    assert missing == [], f"front-matter keys missing from the new article: {missing}"


def test_the_new_file_writes_each_list_as_a_list(site: Path) -> None:
    """The web editor's list widgets (作者, 标签...) expect a YAML list: an empty text made Decap warn on every
    article `sitegen new` wrote."""
    import yaml

    from sitegen.content.schema import FIELDS, TEXTS

    text = created_file(new(site, "towns", TITLE)).read_text(encoding="utf-8")
    data = yaml.safe_load(text.split("\n---\n")[0].removeprefix("---\n"))
    lists = {field.key for field in FIELDS if field.kind == TEXTS}
    assert {key: data[key] for key in lists if key in data} == {key: [] for key in lists if key in data}
    assert "author" in data


def test_the_new_file_parses_back_to_the_title_as_a_draft(site: Path) -> None:
    title = '他说："防诈" \\ 要记牢 #1: {重要} [通知]'
    path = created_file(new(site, "tips", title))
    articles = load(site, drafts=True, future=True)
    assert [(a.source_path, a.title, a.draft) for a in articles.articles] == [
        (path.relative_to(site).as_posix(), title, True)
    ]
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*\.md", path.name), path.name


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        (TITLE, SLUG),
        ("2024年Hello World！", "2024-nian-hello-world"),
        ("「社区」：乐龄 · 课堂", "she-qu-le-ling-ke-tang"),
    ],
)
def test_slug_is_the_title_in_pinyin(title: str, slug: str) -> None:
    assert slugify(title) == slug


@pytest.mark.parametrize("title", ["！？……", "“”——", "😀🎉", "###"])
def test_slug_is_never_empty(site: Path, title: str) -> None:
    slug = slugify(title)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug), slug
    path = created_file(new(site, "towns", title))
    assert path.stem == slug and path.stem


def test_a_long_title_gives_a_bounded_slug_that_ends_on_a_whole_syllable() -> None:
    slug = slugify("均禾街道" * 30)
    assert 0 < len(slug) <= MAX_SLUG
    assert not slug.endswith("-") and set(slug.split("-")) == {"jun", "he", "jie", "dao"}


def test_slug_option_names_the_file(site: Path) -> None:
    path = created_file(new(site, "tips", TITLE, "--slug", "anti-fraud_2024"))
    assert path.name == "anti-fraud_2024.md"


@pytest.mark.parametrize("slug", ["防诈", "-dash-first", "a b", "../escape", "x.md"])
def test_an_invalid_slug_is_refused_and_nothing_is_written(site: Path, slug: str) -> None:
    before = files_below(site)
    result = new(site, "towns", TITLE, "--slug", slug)
    assert result.exit_code != 0, result.output
    assert files_below(site) == before


def test_an_existing_file_is_never_overwritten(site: Path) -> None:
    path = created_file(new(site, "towns", TITLE))
    path.write_text(path.read_text(encoding="utf-8") + "\n编辑已经写了的正文。\n", encoding="utf-8")
    edited = path.read_bytes()

    again = new(site, "towns", TITLE)
    assert again.exit_code != 0, again.output
    assert path.name in again.output, "the message should name the file that is in the way"
    assert path.read_bytes() == edited

    other = created_file(new(site, "towns", TITLE, "--slug", "fang-zha-2"))
    assert other != path and path.read_bytes() == edited


def test_an_unknown_column_is_an_error_listing_the_valid_ones(site: Path) -> None:
    result = new(site, "news", TITLE)
    assert result.exit_code != 0
    assert "news" in result.output
    for column in ("towns", "tips"):
        assert column in result.output, f"the valid column {column} is not listed: {result.output}"
    assert not (site / "content").exists()


def test_an_empty_title_is_an_error(site: Path) -> None:
    result = new(site, "towns", "   ")
    assert result.exit_code != 0
    assert not (site / "content").exists()


def test_the_new_article_builds_only_as_a_draft(site: Path, tmp_path: Path) -> None:
    path = created_file(new(site, "towns", TITLE))
    page_of = lambda output: next(output.rglob(f"towns/*/*/{SLUG}/index.html"), None)  # noqa: E731

    with_drafts = tmp_path / "with-drafts"
    result = sitegen("build", "--site", site, "--output", with_drafts, "--drafts")
    assert result.exit_code == 0, result.output
    page = page_of(with_drafts)
    assert page is not None, sorted(p.relative_to(with_drafts).as_posix() for p in with_drafts.rglob("*.html"))
    html = page.read_text(encoding="utf-8")
    assert TITLE in html
    assert re.search(r'class="badge"[^>]*>草稿<', html), "a draft built with --drafts must be marked 草稿"

    without = tmp_path / "without"
    result = sitegen("build", "--site", site, "--output", without)
    assert result.exit_code == 0, result.output
    assert page_of(without) is None
    assert TITLE not in (without / "index.html").read_text(encoding="utf-8")
    assert path.is_file()
