"""Golden files: the rendered HTML of the seed article page, byte for byte, of the same page in the Traditional
edition (繁體版, under /zh-hant/: converted text, the 简/繁 switch, hreflang links, pictures shared with the source),
and of the portal's own layouts (the home page with its lead stories, an author page, a month of the archive).

The page whose layout matters most is compared with `tests/golden/seed-article.html` (and
`tests/golden/seed-article.zh-Hant-HK.html`), which are committed; the others with `tests/golden/<name>.html`. When a
change to the theme or the renderer is meant to change the page, regenerate the file on purpose and review the diff:

    SITEGEN_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
    git diff tests/golden/

Without that variable the test never writes; it fails with a unified diff of the first differences.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

from sitegen.build.api import BuildReport

GOLDEN = Path(__file__).parent / "golden" / "seed-article.html"
SEED_PAGE = "towns/2022/12/junhe-party-building/index.html"
UPDATE = os.environ.get("SITEGEN_UPDATE_GOLDEN") == "1"
PAGES = {
    GOLDEN: SEED_PAGE,
    GOLDEN.with_name("seed-article.zh-Hant-HK.html"): f"zh-hant/{SEED_PAGE}",
}


@pytest.mark.parametrize("golden_file", sorted(PAGES), ids=lambda path: path.name)
def test_seed_article_page_matches_the_golden_file(built_example: tuple[Path, BuildReport], golden_file: Path) -> None:
    rendered = (built_example[0] / PAGES[golden_file]).read_bytes()
    if UPDATE:
        golden_file.parent.mkdir(parents=True, exist_ok=True)
        golden_file.write_bytes(rendered)
    assert golden_file.is_file(), f"{golden_file} is missing; create it with SITEGEN_UPDATE_GOLDEN=1"
    golden = golden_file.read_bytes()
    if rendered != golden:
        diff = difflib.unified_diff(
            golden.decode("utf-8").splitlines(),
            rendered.decode("utf-8").splitlines(),
            f"golden/{golden_file.name}",
            "rendered",
            lineterm="",
        )
        lines = list(diff)
        raise AssertionError(
            "the seed article page differs from the golden file "
            "(if intended: SITEGEN_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py, then review git diff):\n"
            + "\n".join(lines[:60])
            + ("\n..." if len(lines) > 60 else "")
        )


@pytest.mark.parametrize(
    ("golden_file", "title", "lang"),
    [
        (GOLDEN, "白云均禾:激活党建引擎强动力,提升治理效能促发展", "zh-CN"),
        (
            GOLDEN.with_name("seed-article.zh-Hant-HK.html"),
            "白雲均禾:激活黨建引擎強動力,提升治理效能促發展",
            "zh-Hant-HK",
        ),
    ],
)
def test_the_golden_file_is_a_complete_lf_utf8_page(golden_file: Path, title: str, lang: str) -> None:
    golden = golden_file.read_bytes()
    text = golden.decode("utf-8")
    assert b"\r" not in golden
    assert text.startswith(f'<!doctype html>\n<html lang="{lang}">')
    assert text.rstrip().endswith("</html>")
    assert title in text


PORTAL_PAGES = {
    "home": "index.html",  # lead stories (头条) in a row, the footer's filings, the toolbar
    "author": "authors/ye-an-yi/index.html",  # bio, photo, feed, paginated articles
    "archive-month": "archive/2023/07/index.html",  # a month of the archive, with the year's other months
}


@pytest.mark.parametrize("name", sorted(PORTAL_PAGES))
def test_portal_pages_match_their_golden_files(built_example: tuple[Path, BuildReport], name: str) -> None:
    golden = GOLDEN.parent / f"{name}.html"
    rendered = (built_example[0] / PORTAL_PAGES[name]).read_bytes()
    if UPDATE:
        golden.write_bytes(rendered)
    assert golden.is_file(), f"{golden} is missing; create it with SITEGEN_UPDATE_GOLDEN=1"
    expected = golden.read_bytes()
    if rendered != expected:
        lines = list(
            difflib.unified_diff(
                expected.decode("utf-8").splitlines(),
                rendered.decode("utf-8").splitlines(),
                f"golden/{name}.html",
                "rendered",
                lineterm="",
            )
        )
        raise AssertionError(f"{PORTAL_PAGES[name]} differs from its golden file:\n" + "\n".join(lines[:60]))
