"""The repository's example site, built once (`built_example`): the seed article page shows what the original page
showed, and every column's paginated index links every article of that column."""

from __future__ import annotations

import math
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from conftest import REPO_ROOT

from sitegen.build.api import BuildReport

SEED_SOURCE = REPO_ROOT / "content/towns/2022/junhe-party-building.md"
SEED_URL = "towns/2022/12/junhe-party-building/"
SEED_TITLE = "白云均禾:激活党建引擎强动力,提升治理效能促发展"
SEED_HEADINGS = ["全面推行五项措施,进一步夯实基层治理基础", "防控一线淬炼,锻造过硬应急尖兵"]
SEED_CAPTIONS = [
    "党群应急突击队员杜律治",
    "党群应急突击队员黄国添",
    "党群突击队将发挥党员引领作用开展任务攻坚,助力构建平安稳定的社会环境",
    "均禾街道办事处主任唐晓亮为均禾街河长制工作临时党支部、均禾街群防群治临时党支部、均禾街重点项目征拆临时党支部授牌",
    "均禾街党工委副书记叶敏为宣传促进队授旗",
    "广东省应急协会策划部副部长叶兴讯导师给队员们进行现场急救培训演练",
]


class Page(HTMLParser):
    """What the tests look at in a built page: text, headings, captions, links (href, rel, class, text)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []
        self.h1: list[str] = []
        self.h2: list[tuple[str | None, str]] = []
        self.captions: list[str] = []
        self.links: list[dict[str, str]] = []
        self._heading_id: str | None = None
        self._link: dict[str, str] | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        if tag == "a":
            self._link = {**attributes, "text": ""}
            self.links.append(self._link)
        if tag in ("h1", "h2", "figcaption"):
            self._heading_id = attributes.get("id")
            self.stack.append(tag)
            getattr(self, {"h1": "h1", "h2": "h2", "figcaption": "captions"}[tag]).append(
                (self._heading_id, "") if tag == "h2" else ""
            )

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._link = None
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._link is not None:
            self._link["text"] += data
        if self.stack:
            tag = self.stack[-1]
            if tag == "h2":
                heading_id, text = self.h2[-1]
                self.h2[-1] = (heading_id, text + data)
            elif tag == "h1":
                self.h1[-1] += data
            else:
                self.captions[-1] += data

    @property
    def plain(self) -> str:
        return " ".join("".join(self.text).split())


def site_path(page_url: str, href: str) -> str:
    """The site-relative path a relative link on the page at `page_url` points to."""
    return posixpath.normpath(posixpath.join("/" + page_url, href)).lstrip("/") + ("/" if href.endswith("/") else "")


@pytest.fixture(scope="module")
def output(built_example: tuple[Path, BuildReport]) -> Path:
    return built_example[0]


@pytest.fixture(scope="module")
def seed(output: Path) -> Page:
    return Page((output / SEED_URL / "index.html").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- the seed article


def test_the_seed_page_shows_its_title(seed: Page) -> None:
    assert seed.h1 == [SEED_TITLE]
    assert f'title: "{SEED_TITLE}"' in SEED_SOURCE.read_text(encoding="utf-8")


def test_the_seed_page_shows_views_and_publication_date(seed: Page) -> None:
    assert re.search(r"阅读量[:：]\s*314\b", seed.plain)
    assert re.search(r"发表时间[:：]\s*2022-12-12\b", seed.plain)


def test_the_seed_page_shows_the_column_and_the_editor(seed: Page) -> None:
    assert re.search(r"编辑[:：]\s*叶安怡", seed.plain)
    assert any(link["text"].strip() == "镇街社区" and link["href"] == "../../../" for link in seed.links)


def test_the_seed_page_shows_every_sub_heading(seed: Page) -> None:
    written = re.findall(r"^## (.+)$", SEED_SOURCE.read_text(encoding="utf-8"), re.M)
    assert written == SEED_HEADINGS
    shown = [text for heading_id, text in seed.h2 if heading_id and text in SEED_HEADINGS]
    assert shown == SEED_HEADINGS
    assert seed.plain.index(SEED_HEADINGS[0]) < seed.plain.index(SEED_HEADINGS[1])


def test_the_seed_page_shows_all_six_captions_in_order(seed: Page) -> None:
    assert seed.captions == SEED_CAPTIONS


def test_the_seed_pictures_are_copied_and_linked(seed: Page, output: Path) -> None:
    html = (output / SEED_URL / "index.html").read_text(encoding="utf-8")
    sources = re.findall(r'<img[^>]*src="([^"]+\.png)"', html)
    assert len(sources) == 6
    for src in sources:
        target = output / site_path(SEED_URL, src)
        assert target.is_file(), src
        original = re.sub(r"-[0-9a-f]{8}-\d+\.png$", ".png", site_path(SEED_URL, src))  # src is a variant of it
        assert (output / original).read_bytes() == (REPO_ROOT / "content" / original).read_bytes()


# --------------------------------------------------------------------------- the columns


def columns() -> list[tuple[str, str]]:
    config = yaml.safe_load((REPO_ROOT / "site.yaml").read_text(encoding="utf-8"))
    return [(c["slug"], c["title"]) for c in config["columns"]]


def page_size() -> int:
    return int(yaml.safe_load((REPO_ROOT / "site.yaml").read_text(encoding="utf-8")).get("page_size", 10))


def article_pages(output: Path, column: str) -> set[str]:
    """Site-relative URLs of the built article pages of a column (every index.html but the column's own pages)."""
    found = set()
    for path in (output / column).rglob("index.html"):
        url = path.parent.relative_to(output).as_posix() + "/"
        if url != f"{column}/" and not re.fullmatch(rf"{column}/page/\d+/", url):
            found.add(url)
    return found


@pytest.mark.parametrize(("column", "title"), columns())
def test_every_column_index_links_every_article_of_the_column(output: Path, column: str, title: str) -> None:
    sources = sorted((REPO_ROOT / "content" / column).rglob("*.md"))
    expected = article_pages(output, column)
    assert len(expected) == len(sources) > 0

    url: str | None = f"{column}/"
    seen_pages: list[str] = []
    linked: list[str] = []
    while url is not None:
        seen_pages.append(url)
        listing = Page((output / url / "index.html").read_text(encoding="utf-8"))
        assert title in listing.plain
        linked += [site_path(url, a["href"]) for a in listing.links if site_path(url, a["href"]) in expected]
        following = [a["href"] for a in listing.links if a.get("rel") == "next"]
        url = site_path(url, following[0]) if following else None
        assert len(seen_pages) < 50, "rel=next never ends"

    assert set(linked) == expected
    assert len(seen_pages) == math.ceil(len(sources) / page_size())
    assert seen_pages == [f"{column}/"] + [f"{column}/page/{n}/" for n in range(2, len(seen_pages) + 1)]


def test_the_seed_article_is_linked_from_the_towns_index(output: Path) -> None:
    pages = [output / "towns/index.html", *sorted((output / "towns/page").glob("*/index.html"))]
    assert any(SEED_TITLE in p.read_text(encoding="utf-8") for p in pages)


def test_the_build_report_counts_every_article(built_example: tuple[Path, BuildReport]) -> None:
    output, report = built_example
    sources = list((REPO_ROOT / "content").rglob("*.md"))
    assert report.articles == len(sources)
    assert (output / "index.html").is_file() and (output / "404.html").is_file()
