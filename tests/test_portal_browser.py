"""Real-browser tests of a portal's extras on the example site (headless Debian Chromium through Playwright):
the elder-mode and accessibility toolbar (keyboard, text up to 200%, high contrast, large cursor, reading aloud,
reading view, localStorage, no layout shift, no overflow at 390 px, nothing without JavaScript) and the grey pages
of a mourning day, told from screenshots.

axe-core in every toolbar mode is in tests/test_validators.py, with the other validator runs."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import browser_support
import pytest
from browser_support import Tab
from conftest import FIXED_NOW, REPO_ROOT
from PIL import Image
from test_browser import _OVERFLOWING_JS, base_url, built_site, key_pages  # noqa: F401 (fixtures)

from sitegen.build.api import BuildOptions, build

SETTINGS = "sitegen-a11y"
MODES: dict[str, dict[str, object]] = {
    "text 200%": {"text": 200},
    "high contrast": {"contrast": True},
    "large cursor": {"cursor": True},
    "reading view": {"reading": True},
    "all at once": {"text": 200, "contrast": True, "cursor": True, "reading": True},
}


def preset(tab: Tab, settings: dict[str, object]) -> None:
    """The reader's saved settings, in localStorage before any page of the site runs."""
    tab.context.add_init_script(f"localStorage.setItem({SETTINGS!r}, {json.dumps(json.dumps(settings))});")


@pytest.fixture
def tab(browser, base_url: str) -> Iterator[Tab]:  # noqa: F811
    with browser_support.tab(browser, base_url) as opened:
        yield opened


def root_attribute(tab: Tab, name: str) -> str | None:
    return tab.page.evaluate(f"() => document.documentElement.getAttribute({name!r})")


def root_font_px(tab: Tab) -> float:
    return tab.page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)")


def focused(tab: Tab) -> str:
    return tab.page.evaluate(
        "() => { const e = document.activeElement; return e.tagName.toLowerCase() + ':' + e.textContent.trim(); }"
    )


# --------------------------------------------------------------------------- the toolbar


def test_the_toolbar_is_reached_by_keyboard_and_text_grows_in_four_steps_to_200(
    tab: Tab,
    key_pages: dict[str, str],  # noqa: F811
) -> None:
    tab.goto(key_pages["article"])
    assert root_font_px(tab) == 16
    tab.page.keyboard.press("Tab")
    assert focused(tab) == "a:跳到正文"
    tab.page.keyboard.press("Tab")
    assert focused(tab) == "summary:长者模式 · 无障碍"
    tab.page.keyboard.press("Enter")
    assert tab.page.locator("details.a11y").evaluate("d => d.open")
    tab.page.keyboard.press("Tab")  # 缩小字号 is disabled at 100%: the next stop is 放大字号
    assert focused(tab) == "button:放大字号"
    sizes = []
    for _ in range(4):
        tab.page.keyboard.press("Enter")
        sizes.append(root_font_px(tab))
    assert sizes == [20, 24, 28, 32]  # 125%, 150%, 175%, 200% of 16 px
    assert tab.page.locator(".a11y-size").inner_text() == "字号 200%"
    assert tab.page.locator("[data-a11y=larger]").is_disabled()
    assert focused(tab) == "button:缩小字号"  # the focus is not lost on the disabled button
    body_px = tab.page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.article-body')).fontSize)")
    assert body_px == 34  # the text itself: 17 px at 200%
    tab.page.keyboard.press("Enter")
    assert root_font_px(tab) == 28


def test_settings_are_kept_in_local_storage_across_pages_and_reloads(
    tab: Tab,
    key_pages: dict[str, str],  # noqa: F811
) -> None:
    tab.goto(key_pages["home"])
    tab.page.locator("details.a11y summary").click()
    tab.page.locator("[data-a11y=larger]").click()
    tab.page.locator("[data-a11y=larger]").click()
    tab.page.locator("[data-a11y=contrast]").click()
    stored = json.loads(tab.page.evaluate(f"() => localStorage.getItem({SETTINGS!r})"))
    assert stored == {"text": 150, "contrast": True}
    tab.goto(key_pages["article"])
    assert root_attribute(tab, "data-text") == "150" and root_attribute(tab, "data-contrast") == "high"
    assert tab.page.locator("[data-a11y=contrast]").get_attribute("aria-pressed") == "true"
    tab.page.reload()
    assert root_font_px(tab) == 24
    tab.page.locator("details.a11y summary").click()
    tab.page.locator("[data-a11y=reset]").click()
    assert root_attribute(tab, "data-text") is None and root_attribute(tab, "data-contrast") is None
    assert json.loads(tab.page.evaluate(f"() => localStorage.getItem({SETTINGS!r})")) == {}


_LAYOUT_SHIFT_JS = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
  }).observe({type: 'layout-shift', buffered: true});
  setTimeout(() => resolve(total), 500);
})"""


@pytest.mark.parametrize("which", ["home", "article"])
def test_saved_settings_apply_before_the_first_paint_without_layout_shift(
    tab: Tab,
    key_pages: dict[str, str],  # noqa: F811
    which: str,
) -> None:
    preset(tab, MODES["all at once"])
    tab.goto(key_pages[which])
    assert tab.page.evaluate(_LAYOUT_SHIFT_JS) == 0
    # the <head> script set the attributes while the page was parsed, before a11y.js (deferred) ran
    marks = tab.page.evaluate("() => performance.getEntriesByType('paint').map(p => p.name)")
    assert root_attribute(tab, "data-text") == "200" and "first-paint" in marks


@pytest.mark.parametrize("which", ["home", "column", "article"])
def test_no_horizontal_overflow_at_390px_with_the_largest_text(
    tab: Tab,
    key_pages: dict[str, str],  # noqa: F811
    which: str,
) -> None:
    for settings in (MODES["text 200%"], MODES["all at once"]):
        preset(tab, settings)
        tab.goto(key_pages[which])
        tab.page.locator("details.a11y summary").click()  # the open toolbar must fit too
        assert root_font_px(tab) == 32
        assert tab.page.evaluate("() => document.documentElement.scrollWidth") <= 390
        assert tab.page.evaluate(_OVERFLOWING_JS) == [], (which, settings)


def test_other_pages_fit_at_390px_with_the_largest_text(tab: Tab) -> None:
    preset(tab, MODES["text 200%"])
    for path in ("/authors/ye-an-yi/", "/authors/", "/archive/", "/archive/2023/", "/archive/2023/07/", "/tags/"):
        tab.goto(path)
        assert tab.page.evaluate(_OVERFLOWING_JS) == [], path


# Each element holding text of its own that a layout has squeezed to under 3.5 characters a line (a card title
# beside its thumbnail, a most-read title beside its view count): what a reader sees, not an overflow.
_SQUEEZED_JS = """() => {
  const out = [];
  for (const el of document.querySelectorAll("header *, main *, footer *")) {
    const own = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent.trim()).join("");
    if (own.length < 4 || el.closest(".visually-hidden, details:not([open]), .table-wrap, pre")) continue;
    const box = el.getBoundingClientRect(), size = parseFloat(getComputedStyle(el).fontSize);
    const squeezed = box.width && box.width < 3.5 * size && box.height > 3 * size;
    if (squeezed) out.push(own.slice(0, 12) + " " + Math.round(box.width));
  }
  return out;
}"""


@pytest.mark.parametrize("width", [360, 390])
def test_titles_keep_whole_lines_with_the_largest_text_on_a_phone(
    tab: Tab,
    key_pages: dict[str, str],  # noqa: F811
    width: int,
) -> None:
    """At 200% a card's thumbnail (7.5rem) left its title 2 px on a 390 px phone, one character a line (found by a
    QA pass): the thumbnail, a date or a view count now goes below a title that would get less than 10rem."""
    preset(tab, MODES["text 200%"])
    tab.page.set_viewport_size({"width": width, "height": 844})
    for path in (key_pages["home"], key_pages["column"], key_pages["article"], "/authors/ye-an-yi/", "/tags/"):
        tab.goto(path)
        assert tab.page.evaluate(_SQUEEZED_JS) == [], path
        assert tab.page.evaluate("() => document.documentElement.scrollWidth") <= width, path


def test_high_contrast_is_light_on_black_with_yellow_links(tab: Tab, key_pages: dict[str, str]) -> None:  # noqa: F811
    tab.goto(key_pages["article"])
    style = "(s => getComputedStyle(document.querySelector(s)))"
    assert tab.page.evaluate(f"() => {style}('main').backgroundColor") == "rgba(0, 0, 0, 0)"
    tab.page.locator("details.a11y summary").click()
    tab.page.locator("[data-a11y=contrast]").click()
    assert tab.page.evaluate(f"() => {style}('body').backgroundColor") == "rgb(0, 0, 0)"
    assert tab.page.evaluate(f"() => {style}('.article-body').color") == "rgb(255, 255, 255)"
    assert tab.page.evaluate(f"() => {style}('.article-editor a').color") == "rgb(255, 255, 0)"
    assert tab.page.evaluate(f"() => {style}('.site-nav a').color") == "rgb(255, 255, 0)"


def test_the_large_cursor_is_the_themes_own_picture(tab: Tab, key_pages: dict[str, str]) -> None:  # noqa: F811
    tab.goto(key_pages["article"])
    tab.page.locator("details.a11y summary").click()
    tab.page.locator("[data-a11y=cursor]").click()
    cursor = "(s => getComputedStyle(document.querySelector(s)).cursor)"
    assert "assets/cursor-arrow.svg" in tab.page.evaluate(f"() => {cursor}('.article-body p')")
    assert "assets/cursor-hand.svg" in tab.page.evaluate(f"() => {cursor}('.site-nav a')")
    assert tab.page.locator("[data-a11y=cursor]").get_attribute("aria-pressed") == "true"
    assert tab.broken == [] and tab.blocked == []  # the cursor pictures load, from the site itself


def test_the_reading_view_leaves_the_text_alone(tab: Tab, key_pages: dict[str, str]) -> None:  # noqa: F811
    tab.goto(key_pages["article"])
    assert tab.page.locator(".site-nav").is_visible() and tab.page.locator(".related").is_visible()
    tab.page.locator("details.a11y summary").click()
    tab.page.locator("[data-a11y=reading]").click()
    for hidden in (".site-nav", ".site-search", ".related", ".prev-next", ".article-tags", ".footer-nav"):
        assert not tab.page.locator(hidden).first.is_visible(), hidden
    assert tab.page.locator(".article-title").is_visible() and tab.page.locator(".article-body").is_visible()
    assert tab.page.locator(".a11y-tools").is_visible()  # to leave it again
    tab.page.locator("[data-a11y=reading]").click()
    assert tab.page.locator(".site-nav").is_visible()


_FAKE_SPEECH = """
window.__spoken = []; window.__cancelled = 0;
Object.defineProperty(window, 'speechSynthesis', {configurable: true, value: {
  speak(u) { window.__spoken.push({text: u.text, lang: u.lang, rate: u.rate}); },
  cancel() { window.__cancelled += 1; },
  getVoices() { return []; },
}});
"""


def test_read_aloud_speaks_the_title_and_body_in_zh_cn(tab: Tab, key_pages: dict[str, str]) -> None:  # noqa: F811
    tab.goto(key_pages["article"])
    assert tab.page.evaluate("() => 'speechSynthesis' in window && typeof SpeechSynthesisUtterance")  # the real API
    tab.context.add_init_script(_FAKE_SPEECH)  # a recording synthesiser: the test machine has no voices
    tab.page.reload()
    tab.page.locator("details.a11y summary").click()
    button = tab.page.locator("[data-a11y=read]")
    button.click()
    spoken = tab.page.evaluate("() => window.__spoken")
    assert spoken[0]["text"] == "白云均禾:激活党建引擎强动力,提升治理效能促发展"
    text = "".join(s["text"] for s in spoken)
    assert "全面推行基层党建五项措施" in text and "叶兴讯导师" in text  # the body, to its end
    assert "栏目导航" not in text and "阅读量" not in text  # not the page around it
    assert {s["lang"] for s in spoken} == {"zh-CN"} and all(len(s["text"]) <= 200 for s in spoken)
    assert button.get_attribute("aria-pressed") == "true" and button.inner_text() == "停止朗读"
    button.click()
    assert tab.page.evaluate("() => window.__cancelled") >= 2
    assert button.get_attribute("aria-pressed") == "false" and button.inner_text() == "朗读"


def test_without_speech_synthesis_the_button_is_disabled(tab: Tab, key_pages: dict[str, str]) -> None:  # noqa: F811
    tab.context.add_init_script("Object.defineProperty(window, 'speechSynthesis', {value: undefined});")
    tab.goto(key_pages["article"])
    assert tab.page.locator("[data-a11y=read]").is_disabled()


def test_with_javascript_off_there_is_no_toolbar_and_the_site_works(browser, base_url: str) -> None:  # noqa: F811
    context = browser_support.local_context(browser, base_url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(base_url + "/", wait_until="load")
        assert page.locator(".a11y-bar").count() == 1 and not page.locator(".a11y-bar").is_visible()
        assert page.locator(".leads .lead-title a").first.is_visible()
        page.locator(".site-nav a", has_text="镇街社区").click()
        page.wait_for_url("**/towns/")
        assert page.locator("main .card-title").count() >= 2
        page.locator(".site-footer a", has_text="往期回顾").click()
        page.wait_for_url("**/archive/")
        assert page.locator("main h1").inner_text() == "文章归档"
    finally:
        context.close()


# --------------------------------------------------------------------------- grey pages on a mourning day


@pytest.fixture(scope="module")
def grey_and_colour(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example site built inside its mourning range (清明, 2024-04-04) and outside it."""
    folders = {}
    inside = datetime(2024, 4, 4, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    for name, now in (("grey", inside), ("colour", FIXED_NOW)):
        output = tmp_path_factory.mktemp(name) / "public"
        build(REPO_ROOT, BuildOptions(output_dir=output, now=now, disk_cache=False, cache_dir=output.parent / "c"))
        folders[name] = output
    return folders


def colourful_share(png: bytes) -> float:
    """The share of pixels whose channels differ by more than 24 (a grey pixel's are equal)."""
    picture = Image.open(io.BytesIO(png)).convert("RGB")
    flattened = getattr(picture, "get_flattened_data", None)  # Pillow 12.1+; getdata() goes in Pillow 14
    pixels = list(flattened() if flattened is not None else picture.getdata())
    return sum(1 for r, g, b in pixels if max(r, g, b) - min(r, g, b) > 24) / len(pixels)


@pytest.mark.parametrize("path", ["/", "/towns/2023/03/shima-peach-blossom-festival/"])
def test_a_screenshot_is_grey_inside_a_mourning_range_and_in_colour_outside(
    browser, grey_and_colour: dict[str, Path], path: str
) -> None:
    shares = {}
    for name, folder in grey_and_colour.items():
        with browser_support.serve(folder) as url, browser_support.tab(browser, url) as tab:
            tab.goto(path)
            assert tab.page.evaluate("() => getComputedStyle(document.documentElement).filter") == (
                "grayscale(1)" if name == "grey" else "none"
            )
            shares[name] = colourful_share(tab.page.screenshot(full_page=True))
    assert shares["colour"] > 0.05  # the red banner and navigation, the pictures
    assert shares["grey"] == 0


def test_sticky_and_fixed_elements_keep_their_place_on_grey_pages(browser, grey_and_colour: dict[str, Path]) -> None:
    with browser_support.serve(grey_and_colour["grey"]) as url, browser_support.tab(browser, url) as tab:
        tab.goto("/")
        top = tab.page.evaluate(
            """() => { const e = document.createElement('div');
                e.style.cssText = 'position:fixed;top:0;left:0;width:10px;height:10px';
                document.body.appendChild(e); window.scrollTo(0, 600);
                return e.getBoundingClientRect().top; }"""
        )
        assert top == 0  # a filter on the root element is no containing block for fixed elements


@pytest.mark.parametrize("contrast", [False, True])
def test_the_filing_badges_show_in_the_footer(tab: Tab, contrast: bool) -> None:
    if contrast:
        preset(tab, MODES["high contrast"])
    tab.goto("/")
    conac = tab.page.locator(".filing-conac a")
    assert conac.bounding_box() == {
        "x": conac.bounding_box()["x"],
        "y": conac.bounding_box()["y"],
        "width": 44,
        "height": 54,
    }
    assert "conac-badge.svg" in conac.evaluate("a => getComputedStyle(a).backgroundImage")
    police = tab.page.locator(".filing-police")
    assert "police-badge.svg" in police.evaluate("a => getComputedStyle(a, '::before').backgroundImage")
    assert tab.broken == []
