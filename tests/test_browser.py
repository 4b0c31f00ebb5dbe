"""Real-browser tests of the repository's example site (headless Debian Chromium driven by Playwright).

The repository root is the example site (``site.yaml`` + ``content/``). It is built once per module
through the library API into a temporary folder, served over HTTP on 127.0.0.1, and looked at through a
phone-sized viewport.

Playwright (PyPI) is only the driver: the browser is Debian's ``/usr/bin/chromium``; ``playwright install``
is never run. Without a usable Chromium these tests skip, except under ``CI=true``, where that is a failure
(tests/browser_support.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import browser_support
import pytest
from browser_support import VIEWPORT, Tab
from conftest import REPO_ROOT

NAV_TITLES = ["首页", "湾区九市", "镇街社区", "社区品牌", "身边爆料"]
SEED_LINK_TEXT = "白云均禾"
SEED_CAPTIONS = [
    ("equals", "党群应急突击队员杜律治"),
    ("equals", "党群应急突击队员黄国添"),
    ("equals", "党群突击队将发挥党员引领作用开展任务攻坚,助力构建平安稳定的社会环境"),
    ("startswith", "均禾街道办事处主任唐晓亮"),
    ("equals", "均禾街党工委副书记叶敏为宣传促进队授旗"),
    ("equals", "广东省应急协会策划部副部长叶兴讯导师给队员们进行现场急救培训演练"),
]
KEY_PAGES = ["home", "column", "article", "edition"]  # edition: the seed article in the Traditional edition


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# --------------------------------------------------------------------------- the built and served site


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example site built through the library API; the output folder."""
    from sitegen.build.api import BuildOptions, build
    from sitegen.errors import BuildFailed

    output_dir = tmp_path_factory.mktemp("browser-site") / "public"
    try:
        build(REPO_ROOT, BuildOptions(output_dir=output_dir, cache_dir=output_dir.parent / "cache"))
    except BuildFailed as exc:
        pytest.fail(f"the example site does not build: {exc}", pytrace=False)
    assert (output_dir / "index.html").is_file(), f"no index.html in {output_dir}"
    return output_dir


@pytest.fixture(scope="module")
def base_url(built_site: Path) -> Iterator[str]:
    """The built site served at / on 127.0.0.1.

    Its links are relative, so the sub-path of site.yaml's base_url does not matter.
    """
    with browser_support.serve(built_site) as url:
        yield url


# --------------------------------------------------------------------------- the browser (`browser`: conftest.py)


@pytest.fixture
def tab(browser, base_url: str) -> Iterator[Tab]:
    with browser_support.tab(browser, base_url) as opened:
        yield opened


def _follow_link(tab: Tab, link) -> None:
    """Click a link and wait until the page it points at has loaded."""
    target = link.evaluate("a => a.href").split("#")[0]
    link.click()
    tab.page.wait_for_url(lambda url: url.split("#")[0] == target, wait_until="load")


def _find_seed_article(tab: Tab) -> str:
    """Click through from /towns/ (following rel=next when needed) to the seed article; its path."""
    tab.goto("/towns/")
    for _ in range(50):
        link = tab.page.locator("main a", has_text=SEED_LINK_TEXT)
        if link.count():
            _follow_link(tab, link.first)
            return tab.path
        following = tab.page.locator("a[rel=next]")
        assert following.count(), f"no link containing {SEED_LINK_TEXT!r} on any /towns/ listing page"
        _follow_link(tab, following.first)
    raise AssertionError("gave up following rel=next through /towns/")


@pytest.fixture(scope="module")
def key_pages(browser, base_url: str) -> dict[str, str]:
    """Paths of the pages looked at: the home page, the /towns/ column and the seed article."""
    with browser_support.tab(browser, base_url) as t:
        article = _find_seed_article(t)
    return {"home": "/", "column": "/towns/", "article": article, "edition": f"/zh-hant{article}"}


# --------------------------------------------------------------------------- tests


_OVERFLOWING_JS = """() => {
  const w = window.innerWidth;
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width && r.right > w + 0.5) {
      const names = typeof el.className === 'string' ? el.className.trim() : '';
      const cls = names ? '.' + names.split(/\\s+/).join('.') : '';
      out.push(`${el.tagName.toLowerCase()}${cls} right=${Math.round(r.right)}`);
    }
  }
  return out.slice(0, 10);
}"""


@pytest.mark.parametrize("which", KEY_PAGES)
def test_no_horizontal_scrolling_at_390px(tab: Tab, key_pages: dict[str, str], which: str) -> None:
    tab.goto(key_pages[which])
    scroll_width, inner_width = tab.page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert inner_width == VIEWPORT["width"]
    if scroll_width > inner_width:
        culprits = tab.page.evaluate(_OVERFLOWING_JS)
        pytest.fail(
            f"{which} page {key_pages[which]} scrolls sideways at {inner_width}px: "
            f"scrollWidth={scroll_width}; elements past the right edge: {culprits}",
            pytrace=False,
        )


@pytest.mark.parametrize("which", KEY_PAGES)
def test_every_image_has_alt_text(tab: Tab, key_pages: dict[str, str], which: str) -> None:
    tab.goto(key_pages[which])
    images = tab.page.eval_on_selector_all("img", "els => els.map(e => [e.getAttribute('src'), e.getAttribute('alt')])")
    if which == "article":
        assert len(images) >= len(SEED_CAPTIONS), f"the seed article shows only {len(images)} images"
    missing = [src for src, alt in images if not (alt or "").strip()]
    assert not missing, f"{which} page {key_pages[which]}: <img> without alt text: {missing}"


# Lazy pictures below the fold would never load (and decode() would wait for ever): load every one now.
_LOAD_ALL_IMAGES_JS = """() => Promise.all([...document.images].map(i => {
  i.loading = "eager";
  return i.decode().catch(() => null);
}))"""


@pytest.mark.parametrize("which", KEY_PAGES)
def test_no_broken_local_resources(tab: Tab, key_pages: dict[str, str], which: str) -> None:
    tab.goto(key_pages[which])
    tab.page.evaluate(_LOAD_ALL_IMAGES_JS)
    stylesheets = tab.page.evaluate("() => document.styleSheets.length")
    assert stylesheets >= 1, f"{which} page has no stylesheet"
    assert not tab.broken, f"{which} page {key_pages[which]}: requests that failed: {tab.broken}"
    assert not tab.blocked, f"{which} page {key_pages[which]} reaches outside the site: {tab.blocked}"


def test_a_phone_gets_the_small_webp_and_no_layout_shift(tab: Tab, key_pages: dict[str, str]) -> None:
    tab.goto(key_pages["article"])
    tab.page.evaluate(_LOAD_ALL_IMAGES_JS)
    figures = tab.page.eval_on_selector_all(
        "figure img",
        """els => els.map(e => [e.currentSrc, e.naturalWidth, e.naturalHeight,
                                +e.getAttribute('width'), +e.getAttribute('height'),
                                e.getBoundingClientRect().width, e.getBoundingClientRect().height])""",
    )
    assert figures, "the seed article shows no figures"
    for current, natural_w, natural_h, width, height, shown_w, shown_h in figures:
        # 390 CSS px at 1x: the 480 px WebP is enough
        assert current.endswith("-480.webp"), f"a 390px phone loads {current}"
        # natural sizes are scaled by the srcset density (480 px for `sizes` 358 px): compare proportions
        assert abs(natural_w / natural_h - width / height) < 0.01, f"{current}: width/height off its proportions"
        assert abs(shown_w / shown_h - width / height) < 0.01, f"{current} is shown out of proportion"


def test_the_switch_leads_to_the_same_page_in_the_other_edition_and_back(tab: Tab, key_pages: dict[str, str]) -> None:
    """简/繁: from the seed article to its Traditional page (converted, lang zh-Hant-HK, same URL under /zh-hant/),
    by keyboard, and back by a click; on the home page and a column too."""
    for start in (key_pages["article"], "/", "/towns/"):
        tab.goto(start)
        assert tab.page.evaluate("() => document.documentElement.lang") == "zh-CN"
        switch = tab.page.locator("nav.edition-switch a[hreflang='zh-Hant-HK']")
        assert _norm(switch.inner_text()) == "繁體"
        switch.focus()
        with tab.page.expect_navigation(wait_until="load"):
            tab.page.keyboard.press("Enter")
        assert tab.path == f"/zh-hant{start}", f"the switch on {start} led to {tab.path}"
        assert tab.page.evaluate("() => document.documentElement.lang") == "zh-Hant-HK"
        current = tab.page.locator("nav.edition-switch [aria-current=page]")
        assert _norm(current.inner_text()) == "繁體"
        if start == key_pages["article"]:
            assert "白雲均禾" in _norm(tab.page.locator("h1").inner_text())
            assert _norm(tab.page.locator("header nav.site-nav [aria-current]").inner_text()) == "鎮街社區"
        back = tab.page.locator("nav.edition-switch a[hreflang='zh-CN']")
        _follow_link(tab, back)
        assert tab.path == start
    # (no check of tab.broken here: leaving a page aborts its pictures still loading; the edition's page is checked
    # for broken requests in test_no_broken_local_resources)


def test_header_navigation_leads_to_matching_pages(tab: Tab) -> None:
    tab.goto("/")
    nav_links = tab.page.locator("header nav.site-nav a")
    assert [_norm(t) for t in nav_links.all_inner_texts()] == NAV_TITLES

    for title in NAV_TITLES:
        tab.goto("/towns/" if title == NAV_TITLES[0] else "/")  # start somewhere else than the target
        link = tab.page.locator("header nav.site-nav a").filter(has_text=re.compile(rf"^\s*{re.escape(title)}\s*$"))
        assert link.count() == 1, f"header nav has {link.count()} links titled {title!r}"
        started_at, href = tab.path, link.get_attribute("href")
        _follow_link(tab, link)
        h1 = [_norm(t) for t in tab.page.locator("h1").all_inner_texts()]
        current = [_norm(t) for t in tab.page.locator("header nav.site-nav [aria-current]").all_inner_texts()]
        assert any(title in t for t in h1) or title in current, (
            f"nav item {title!r} (href={href!r} on {started_at}) led to {tab.path}, "
            f"whose <h1> is {h1} and aria-current nav item is {current}"
        )


def _listed_articles(tab: Tab, column: str) -> set[str]:
    """Paths of the article links in <main> of a column listing page."""
    hrefs = tab.page.eval_on_selector_all("main a[href]", "els => els.map(e => e.href)")
    paths = set()
    for href in hrefs:
        path = unquote(urlsplit(href).path)
        if not path.startswith(f"/{column}/") or path == f"/{column}/" or path.startswith(f"/{column}/page/"):
            continue
        paths.add(path)
    return paths


def test_column_pagination_reaches_page_two_with_other_articles(tab: Tab) -> None:
    tab.goto("/towns/")
    first = _listed_articles(tab, "towns")
    assert first, "/towns/ lists no articles"
    assert tab.page.locator("a[rel=prev]").count() == 0, "page 1 of /towns/ has a rel=prev link"
    following = tab.page.locator("a[rel=next]")
    assert following.count() >= 1, "/towns/ has no a[rel=next] link: no pagination"

    _follow_link(tab, following.first)
    assert tab.path == "/towns/page/2/"
    second = _listed_articles(tab, "towns")
    assert second, "/towns/page/2/ lists no articles"
    assert second.isdisjoint(first), f"articles on both pages: {sorted(second & first)}"
    back = tab.page.locator("a[rel=prev]")
    assert back.count() >= 1, "/towns/page/2/ has no a[rel=prev] link"


def test_seed_article_shows_meta_and_figures(
    tab: Tab, key_pages: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = key_pages["article"]
    assert path.startswith("/towns/"), f"the seed article is not under /towns/: {path}"
    tab.goto(path)

    h1 = _norm(tab.page.locator("h1").first.inner_text())
    assert SEED_LINK_TEXT in h1

    text = tab.page.locator("main").inner_text()
    for label, value in [("阅读量", "314"), ("发表时间", "2022-12-12"), ("编辑", "叶安怡")]:
        pattern = rf"{label}\s*[:：]?\s*{re.escape(value)}"
        assert re.search(pattern, text), f"the article page does not show {label} {value}"

    captions = [_norm(t) for t in tab.page.locator("figcaption").all_inner_texts()]
    assert len(captions) == len(SEED_CAPTIONS), f"expected {len(SEED_CAPTIONS)} figcaptions, got {captions}"
    for i, (caption, (how, expected)) in enumerate(zip(captions, SEED_CAPTIONS, strict=True), start=1):
        ok = caption == expected if how == "equals" else caption.startswith(expected)
        assert ok, f"figcaption {i} is {caption!r}, expected it to {how} {expected!r}"

    # For humans to look at; not asserted on.
    tab.page.evaluate(_LOAD_ALL_IMAGES_JS)
    shot = tmp_path_factory.mktemp("screenshots") / "article-390.png"
    tab.page.screenshot(path=str(shot), full_page=True)
    print(f"article screenshot at 390px: {shot}")


_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script\s*>|<script\b[^>]*/?>", re.IGNORECASE | re.DOTALL)


def test_no_live_reload_script_in_built_html(built_site: Path) -> None:
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) >= 3, f"only {len(pages)} HTML files were built"
    offenders = []
    for page in pages:
        html = page.read_text(encoding="utf-8")
        for script in _SCRIPT.findall(html):
            if "livereload" in script.lower() or "EventSource" in script:
                offenders.append(f"{page.relative_to(built_site)}: {script[:80]!r}")
    assert not offenders, f"live-reload scripts in the built site: {offenders}"
