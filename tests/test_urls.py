"""The one URL scheme: permalinks, pagination, links that work under a sub-path, and joins that cannot escape."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sitegen.model import output_path_for
from sitegen.urls import (
    DEFAULT_PERMALINK,
    absolute_url,
    article_url,
    listing_url,
    permalink_problem,
    relative_url,
    safe_join,
)

DATE = datetime(2022, 12, 12, 8, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.parametrize(
    ("pattern", "url"),
    [
        (DEFAULT_PERMALINK, "towns/2022/12/junhe-party-building/"),
        ("/{column}/{yyyy}/{mm}/{dd}/{slug}/", "towns/2022/12/12/junhe-party-building/"),
        ("/{column}/{slug}.html", "towns/junhe-party-building.html"),
        ("/news/{yyyy}{mm}{dd}-{slug}/", "news/20221212-junhe-party-building/"),
    ],
)
def test_article_url(pattern: str, url: str) -> None:
    assert permalink_problem(pattern) is None
    assert article_url(pattern, "towns", "junhe-party-building", DATE) == url


def test_month_and_day_are_zero_padded() -> None:
    early = datetime(2024, 1, 5, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert article_url(DEFAULT_PERMALINK, "tips", "x", early) == "tips/2024/01/x/"


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("/{column}/{yyyy}/", "must contain {slug}"),
        ("/{column}/{year}/{slug}/", "unknown field {year}"),
        ("/{column}/{slug}", "must end with '/'"),
        ("/../{slug}/", "must not contain '..'"),
        ("/{column}\\{slug}/", "must not contain '..' or backslashes"),
    ],
)
def test_unusable_permalinks_are_explained(pattern: str, problem: str) -> None:
    assert problem in (permalink_problem(pattern) or "")


def test_listing_urls() -> None:
    assert listing_url("towns", 1) == "towns/"
    assert listing_url("towns", 2) == "towns/page/2/"
    assert listing_url("towns", 12) == "towns/page/12/"


@pytest.mark.parametrize(
    ("url", "path"),
    [("", "index.html"), ("towns/", "towns/index.html"), ("towns/page/2/", "towns/page/2/index.html"),
     ("towns/x.html", "towns/x.html")],
)  # fmt: skip
def test_output_paths_of_pretty_urls_end_in_index_html(url: str, path: str) -> None:
    assert output_path_for(url) == path


@pytest.mark.parametrize(
    ("page", "target", "link"),
    [
        ("towns/2022/12/x/", "", "../../../../"),
        ("towns/2022/12/x/", "towns/", "../../../"),
        ("towns/2022/12/x/", "assets/style.css", "../../../../assets/style.css"),
        ("towns/2022/12/x/", "towns/2022/12/x/", "./"),
        ("towns/2022/12/x/", "towns/2022/8a.png", "../../8a.png"),
        ("towns/2022/12/x/", "towns/2023/01/y/#小结", "../../../2023/01/y/#小结"),
        ("", "towns/", "towns/"),
        ("", "", "./"),
        ("towns/page/2/", "towns/", "../../"),
        ("towns/x.html", "tips/y.html", "../tips/y.html"),
        ("towns/", "towns/2024/01/长者饭堂/", "2024/01/%E9%95%BF%E8%80%85%E9%A5%AD%E5%A0%82/"),
    ],
)
def test_relative_links_work_from_any_page(page: str, target: str, link: str) -> None:
    assert relative_url(page, target) == link


@pytest.mark.parametrize(
    "target", ["https://example.org/x.png", "http://example.org/", "//cdn.example.org/a.js", "mailto:a@b.c", "#top"]
)
def test_absolute_urls_and_fragments_pass_through(target: str) -> None:
    assert relative_url("towns/2022/12/x/", target) == target


def test_relative_links_resolve_to_the_target_under_a_sub_path() -> None:
    """Resolving the link against the page's absolute URL gives the target's absolute URL."""
    from urllib.parse import urljoin

    base = "https://example.org/junhe/"
    for page, target in [("towns/2022/12/x/", "brands/"), ("", "assets/style.css"), ("towns/page/2/", "towns/")]:
        assert urljoin(base + page, relative_url(page, target)) == base + target


def test_absolute_url_keeps_the_base_sub_path() -> None:
    assert (
        absolute_url("https://example.org/junhe/", "towns/2022/12/x/") == "https://example.org/junhe/towns/2022/12/x/"
    )
    assert absolute_url("https://example.org/junhe/", "") == "https://example.org/junhe/"
    assert absolute_url("https://example.org/", "towns/长者/") == "https://example.org/towns/%E9%95%BF%E8%80%85/"
    assert absolute_url("https://example.org/", "https://other.org/x") == "https://other.org/x"


def test_safe_join_stays_inside_the_root(tmp_path: Path) -> None:
    root = tmp_path / "site"
    (root / "content").mkdir(parents=True)
    assert safe_join(root, "content/a.png") == (root / "content" / "a.png").resolve()
    assert safe_join(root, "content/../assets/a.png") == (root / "assets" / "a.png").resolve()
    assert safe_join(root, "content/../../outside.png") is None
    assert safe_join(root, "/etc/passwd") is None
    assert safe_join(root, "\\windows") is None
    assert safe_join(root, "C:/windows") is None
    assert safe_join(root, "a\x00b") is None


def test_safe_join_refuses_a_link_that_points_out(tmp_path: Path) -> None:
    root = tmp_path / "site"
    root.mkdir()
    (tmp_path / "secret.png").write_bytes(b"x")
    (root / "link.png").symlink_to(tmp_path / "secret.png")
    assert safe_join(root, "link.png") is None


def _relative_by_loop(from_url: str, target: str) -> str:
    """relative_url as it was before its fast path (every link walked segment by segment): the oracle."""
    import posixpath
    from urllib.parse import quote

    from_dir = from_url if from_url.endswith("/") or from_url == "" else posixpath.dirname(from_url) + "/"
    path, hash_sign, fragment = target.partition("#")
    from_parts = from_dir.split("/")[:-1]
    to_parts = path.split("/")
    common = 0
    for mine, theirs in zip(from_parts, to_parts[:-1], strict=False):
        if mine != theirs:
            break
        common += 1
    rel = "../" * (len(from_parts) - common) + "/".join(to_parts[common:])
    return (quote(rel, safe="/:.-_~%") if rel else "./") + (hash_sign + fragment if hash_sign else "")


_SEGMENT = st.sampled_from(["towns", "tags", "2024", "05", "page", "2", "x", "新闻", "a b"])


@given(
    st.lists(_SEGMENT, max_size=4).map(lambda parts: "".join(p + "/" for p in parts)),
    st.lists(_SEGMENT, min_size=1, max_size=4),
    st.sampled_from(["", "/", "/index.html", ".xml"]),
    st.sampled_from(["", "#top"]),
)
def test_relative_url_fast_path_agrees_with_the_segment_loop(
    page: str, parts: list[str], end: str, fragment: str
) -> None:
    target = "/".join(parts) + end + fragment
    for from_url in (page, page + "index.html", page + "feed.xml"):
        assert relative_url(from_url, target) == _relative_by_loop(from_url, target)
