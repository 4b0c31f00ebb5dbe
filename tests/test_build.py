"""The pipeline: where output goes, determinism, failed builds leaving the old output, drafts and future articles,
URL collisions, and every content error reported in one run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXED_NOW, PNG, MakeSite, article, build_site, page, tree
from output_support import litter

from sitegen.build.api import BuildOptions, build, check
from sitegen.build.output import MARKER, OutputRefused
from sitegen.errors import BuildFailed, ConfigError


@pytest.fixture
def small_site(make_site: MakeSite) -> Path:
    return make_site(
        {
            "content/towns/2024/a.md": article("甲", "2024-01-02", body="甲的正文。\n\n![图](a.png)\n"),
            "content/towns/2024/a.png": PNG,
            "content/towns/2024/b.md": article("乙", "2024-02-03 08:30", views="12"),
            "content/towns/2024/c.md": article("丙", "2024-03-04"),
            "content/tips/d.md": article("丁", "2023-05-06"),
            "assets/logo.png": PNG,
        }
    )


def test_output_goes_to_public_by_default(small_site: Path) -> None:
    report = build(small_site, BuildOptions(now=FIXED_NOW))
    out = small_site / "public"
    assert report.output_dir == out.parent.resolve() / out.name  # the link, not the build it shows
    assert {"index.html", "404.html", "towns/index.html", "towns/page/2/index.html", "tips/index.html"} <= set(
        tree(out)
    )
    assert {"towns/2024/01/a/index.html", "towns/2024/02/b/index.html", "tips/2023/05/d/index.html"} <= set(tree(out))
    assert (out / "towns/2024/a.png").read_bytes() == PNG
    assert (out / "assets/logo.png").read_bytes() == PNG
    assert (out / "assets/style.css").is_file()  # the theme's stylesheet
    pictures = (".png", ".webp")  # the pictures and their variants
    rendered = [p for p in tree(out) if p != MARKER and not p.startswith("assets/") and not p.endswith(pictures)]
    assert report.articles == 4
    assert report.pages == len(rendered) >= 4 + 3 + 1 + 1  # articles, column pages, home, 404 at least


def test_output_option_chooses_the_folder(small_site: Path, tmp_path: Path) -> None:
    report = build_site(small_site, output_dir=tmp_path / "www")
    assert report.output_dir == tmp_path.resolve() / "www"
    assert (tmp_path / "www/index.html").is_file()
    assert not (small_site / "public").exists()


def test_two_builds_are_byte_identical(small_site: Path, tmp_path: Path) -> None:
    build_site(small_site, output_dir=tmp_path / "one")
    build_site(small_site, output_dir=tmp_path / "two")
    one, two = tree(tmp_path / "one"), tree(tmp_path / "two")
    assert one.keys() == two.keys()
    assert [path for path in one if one[path] != two[path]] == []


def test_a_rebuild_changes_nothing_and_says_so(small_site: Path) -> None:
    first = build_site(small_site)
    before = tree(small_site / "public")
    second = build_site(small_site)
    assert tree(small_site / "public") == before
    assert (second.files_written, second.files_unchanged) == (0, first.files_written)


def test_output_is_lf_and_utf8(small_site: Path) -> None:
    build_site(small_site)
    for path, data in tree(small_site / "public").items():
        if path.endswith(".html"):
            assert b"\r\n" not in data, path
            data.decode("utf-8")


def test_a_failed_build_leaves_the_previous_output_as_it_was(small_site: Path) -> None:
    build_site(small_site)
    before = tree(small_site / "public")
    (small_site / "content/towns/2024/c.md").write_text("---\ntitle: 丙\ndate: 不知道\n---\n", encoding="utf-8")
    (small_site / "content/towns/2024/b.md").write_text(article("乙", views="很多"), encoding="utf-8")
    with pytest.raises(BuildFailed) as caught:
        build_site(small_site)
    assert len(caught.value.errors) == 2
    assert tree(small_site / "public") == before


def test_a_template_error_half_way_leaves_the_previous_output_as_it_was(small_site: Path) -> None:
    build_site(small_site)
    before = tree(small_site / "public")
    (small_site / "templates").mkdir()
    (small_site / "templates/404.html").write_text("{{ no_such_thing }}", encoding="utf-8")  # the last page rendered
    with pytest.raises(BuildFailed):
        build_site(small_site)
    assert tree(small_site / "public") == before
    assert litter(small_site / "public") == []


def test_a_deleted_article_disappears_from_the_output(small_site: Path) -> None:
    build_site(small_site)
    assert (small_site / "public/towns/2024/03/c/index.html").is_file()
    (small_site / "content/towns/2024/c.md").unlink()
    build_site(small_site)
    assert not (small_site / "public/towns/2024/03/c").exists()
    assert "丙" not in page(small_site / "public", "towns/")
    assert not (small_site / "public/towns/page/2").exists()  # three towns articles became two: one page


def test_a_removed_picture_disappears_from_the_output(small_site: Path) -> None:
    build_site(small_site)
    (small_site / "content/towns/2024/a.md").write_text(article("甲", "2024-01-02"), encoding="utf-8")
    build_site(small_site)
    assert not (small_site / "public/towns/2024/a.png").exists()


def test_two_articles_on_one_url_fail_the_build_naming_both_files(small_site: Path) -> None:
    (small_site / "content/towns/2024/e.md").write_text(article("戊", "2024-01-20", slug="a"), encoding="utf-8")
    with pytest.raises(BuildFailed) as caught:
        build_site(small_site)
    (error,) = caught.value.errors
    assert "content/towns/2024/a.md" in str(error)
    assert "content/towns/2024/e.md" in str(error)
    assert "/towns/2024/01/a/" in str(error)
    assert not (small_site / "public").exists()


def test_drafts_and_future_articles_are_left_out_by_default(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/towns/published.md": article("已发布"),
            "content/towns/draft.md": article("草稿", draft="true"),
            "content/towns/future.md": article("定时", "2026-03-01 09:00"),
        }
    )
    report = build_site(site)
    out = tree(site / "public")
    assert "towns/2024/01/published/index.html" in out
    assert "towns/2024/01/draft/index.html" not in out
    assert "towns/2026/03/future/index.html" not in out
    assert "草稿" not in page(site / "public", "towns/")
    assert "定时" not in page(site / "public", "")
    assert (report.articles, report.left_out_drafts, report.left_out_future) == (1, 1, 1)
    assert report.next_scheduled is not None and report.next_scheduled.isoformat() == "2026-03-01T09:00:00+08:00"


def test_drafts_option_includes_drafts_and_future_option_future_articles(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/towns/draft.md": article("草稿", draft="true"),
            "content/towns/future.md": article("定时", "2026-03-01 09:00"),
        }
    )
    build_site(site, drafts=True)
    assert set(tree(site / "public")) >= {"towns/2024/01/draft/index.html"}
    assert "towns/2026/03/future/index.html" not in tree(site / "public")
    build_site(site, future=True)
    assert "towns/2026/03/future/index.html" in tree(site / "public")
    assert "towns/2024/01/draft/index.html" not in tree(site / "public")
    report = build_site(site, drafts=True, future=True)
    assert report.articles == 2


def test_a_draft_and_an_article_on_the_same_url_collide_only_when_drafts_are_built(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/towns/a.md": article("正式"),
            "content/towns/b.md": article("草稿", draft="true", slug="a"),
        }
    )
    build_site(site)
    with pytest.raises(BuildFailed):
        build_site(site, drafts=True)


def test_every_content_error_is_reported_in_one_run_sorted_by_file_and_line(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/towns/b.md": "---\ntitle: ''\ndate: 2024-01-02\nviews: 三百\n---\n正文。\n",
            "content/towns/a.md": "---\ntitle: 甲\ndate: 明天\n---\n\n![x](missing.png)\n",
            "content/tips/c.md": "no front matter\n",
            "content/tips/ok.md": article(),
            "content/stray.md": article(),
        }
    )
    with pytest.raises(BuildFailed) as caught:
        build_site(site)
    assert [(e.path, e.line, e.field) for e in caught.value.errors] == [
        ("content/stray.md", None, None),
        ("content/tips/c.md", 1, None),
        ("content/towns/a.md", 3, "date"),
        ("content/towns/a.md", 6, "images"),  # the body is checked too, though the front matter failed
        ("content/towns/b.md", 2, "title"),
        ("content/towns/b.md", 4, "views"),
    ]
    assert not (site / "public").exists()


def test_picture_errors_are_reported_together_with_front_matter_errors(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/towns/a.md": article(body="![x](missing.png)\n"),
            "content/towns/b.md": article(views="-1"),
        }
    )
    with pytest.raises(BuildFailed) as caught:
        build_site(site)
    assert [(e.path, e.field) for e in caught.value.errors] == [
        ("content/towns/a.md", "images"),
        ("content/towns/b.md", "views"),
    ]


def test_a_bad_config_is_a_config_error_and_nothing_is_written(make_site: MakeSite) -> None:
    site = make_site({"site.yaml": "title: t\nbase_url: https://example.org/\ncolumns: []\nlanguage: fr\n"})
    with pytest.raises(ConfigError) as caught:
        build_site(site)
    assert {e.field for e in caught.value.errors} == {"columns", "language"}
    assert not (site / "public").exists()


def test_a_dangerous_output_folder_is_refused_before_anything_happens(small_site: Path) -> None:
    with pytest.raises(OutputRefused):
        build_site(small_site, output_dir=small_site / "content")
    assert (small_site / "content/towns/2024/a.md").is_file()


def test_check_finds_the_same_errors_and_writes_nothing(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": article(views="三百")})
    with pytest.raises(BuildFailed) as caught:
        check(site, BuildOptions(now=FIXED_NOW))
    assert [e.field for e in caught.value.errors] == ["views"]
    (site / "content/towns/a.md").write_text(article(), encoding="utf-8")
    report = check(site, BuildOptions(now=FIXED_NOW))
    assert report.articles == 1
    assert not (site / "public").exists()


BUILD_IN_A_FRESH_PROCESS = """
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo
from sitegen.build.api import BuildOptions, build
now = datetime(2026, 1, 1, 12, tzinfo=ZoneInfo("Asia/Shanghai"))
build(Path(sys.argv[1]), BuildOptions(output_dir=Path(sys.argv[2]), now=now))
"""


def test_output_depends_on_neither_hash_seed_nor_site_location(make_site: MakeSite, tmp_path: Path) -> None:
    """Set order, dict order from sets and absolute paths must not leak into the output."""
    site = make_site(
        {
            "content/towns/a.md": article(
                "甲", "2024-01-02", tags="[党建, 治理, 平安, 社区, 志愿]", body="## 一\n\n## 二\n"
            ),
            "content/towns/b.md": article("乙", "2024-01-02", tags="[治理, 社区, 志愿, 青年]", views="3"),
            "content/tips/c.md": article("丙", "2024-01-02", tags="[平安, 青年]", views="3"),
        }
    )
    moved = tmp_path / "elsewhere" / "renamed-site"
    shutil.copytree(site, moved)
    for seed, source, output in (("1", site, tmp_path / "one"), ("2", moved, tmp_path / "two")):
        subprocess.run(
            [sys.executable, "-c", BUILD_IN_A_FRESH_PROCESS, str(source), str(output)],
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            timeout=60,
        )
    one, two = tree(tmp_path / "one"), tree(tmp_path / "two")
    assert one.keys() == two.keys()
    assert [path for path in one if one[path] != two[path]] == []
    assert not [path for path, data in one.items() if str(tmp_path).encode() in data]
