"""What readers get, checked by real tools on the example site: the Nu Html Checker and axe-core.

- Every HTML page of the built example site goes through the Nu Html Checker (`vnu.jar` from the npm package
  `vnu-jar`, run with Java, one JVM for all pages of both sites): zero errors.
- axe-core (npm) runs in headless Chromium on the home page, a column, an article and the same article in the
  Traditional edition (/zh-hant/), at 390 px and 1280 px:
  no violation of impact "serious" or "critical".

`.ci/run` installs both and exports SITEGEN_VNU_JAR and SITEGEN_AXE_JS. Without them (or without Java or the
browser) these tests skip, except under CI=true, where that is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn
from urllib.parse import unquote, urlsplit

import browser_support
import pytest
from test_browser import base_url, built_site, key_pages  # noqa: F401 (fixtures)
from test_hostile import output  # noqa: F401 (fixture: the hostile site, built)

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
BLOCKING_IMPACTS = ("serious", "critical")


def _missing(reason: str) -> NoReturn:
    """Fail under CI=true, skip elsewhere."""
    browser_support.unavailable(reason, "validators")


def _tool(variable: str, what: str) -> Path:
    value = os.environ.get(variable, "")
    if not value:
        _missing(f"{variable} is not set: {what} (bash .ci/run installs it)")
    path = Path(value)
    if not path.is_file():
        _missing(f"{variable}={value} is not a file: {what}")
    return path


# --------------------------------------------------------------------------- the Nu Html Checker


@dataclass(frozen=True)
class NuRun:
    """One run of the Nu Html Checker (one JVM) over the pages of several folders."""

    pages: dict[Path, list[Path]]  # folder -> its pages
    messages: list[dict] | None  # None: vnu gave no JSON report
    returncode: int
    report_text: str


@pytest.fixture(scope="module")
def nu_run(built_site: Path, output: Path) -> NuRun:  # noqa: F811
    """The example site and tests/test_hostile.py's site checked in one JVM: it starts once, not once per site."""
    jar = _tool("SITEGEN_VNU_JAR", "the Nu Html Checker (npm package vnu-jar)")
    java = shutil.which("java")
    if java is None:
        _missing("java is not on PATH (Debian: apt-get install default-jre-headless)")
    pages = {folder: sorted(folder.rglob("*.html")) for folder in (built_site, output)}
    every_page = [str(page) for folder_pages in pages.values() for page in folder_pages]
    result = subprocess.run(
        [java, "-Xss1m", "-jar", str(jar), "--errors-only", "--format", "json", *every_page],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report_text = result.stderr.strip() or result.stdout.strip()  # vnu writes its report to stderr
    try:
        messages = json.loads(report_text)["messages"]
    except (json.JSONDecodeError, KeyError):
        messages = None
    return NuRun(pages, messages, result.returncode, report_text)


def test_every_page_passes_the_nu_html_checker(nu_run: NuRun, built_site: Path) -> None:  # noqa: F811
    pages = _nu_check(nu_run, built_site)
    assert len(pages) >= 20, f"only {len(pages)} pages were built"


def test_the_hostile_site_passes_the_nu_html_checker_too(nu_run: NuRun, output: Path) -> None:  # noqa: F811
    """tests/test_hostile.py's site: hostile strings in every field, escaped, still make valid pages."""
    assert len(_nu_check(nu_run, output)) >= 10


def _nu_check(run: NuRun, folder: Path) -> list[Path]:
    """The pages under `folder` that the run checked; fails listing every error the checker found in them."""
    if run.messages is None:
        pytest.fail(f"vnu gave no JSON report (exit {run.returncode}): {run.report_text[:2000]}", pytrace=False)
    errors = [(m, _page_of(m)) for m in run.messages if m.get("type") in ("error", "non-document-error")]
    errors = [(m, page) for m, page in errors if page is None or page.is_relative_to(folder)]  # None: any folder's
    if errors:
        lines = [
            f"{page.relative_to(folder) if page else '?'}:{m.get('lastLine', '?')}: {m.get('message')}"
            f" [{(m.get('extract') or '').strip()[:80]!r}]"
            for m, page in errors
        ]
        pytest.fail(f"the Nu Html Checker found {len(errors)} errors:\n" + "\n".join(lines[:100]), pytrace=False)
    assert run.returncode == 0, run.report_text[:2000]
    print(f"Nu Html Checker: {len(run.pages[folder])} pages of {folder}, 0 errors")
    return run.pages[folder]


def _page_of(message: dict) -> Path | None:
    """The page a message is about (vnu names it by a file: URL), or None."""
    url = message.get("url")
    return Path(unquote(urlsplit(url).path)) if url else None


# --------------------------------------------------------------------------- axe-core


@pytest.fixture(scope="module")
def axe_script() -> str:
    return _tool("SITEGEN_AXE_JS", "axe-core's axe.min.js (npm package axe-core)").read_text(encoding="utf-8")


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
@pytest.mark.parametrize("which", ["home", "column", "article", "edition"])
def test_axe_finds_no_serious_or_critical_violation(
    browser,
    base_url: str,  # noqa: F811
    key_pages: dict[str, str],  # noqa: F811
    axe_script: str,
    which: str,
    viewport: str,
) -> None:
    with browser_support.tab(browser, base_url) as tab:
        tab.page.set_viewport_size(VIEWPORTS[viewport])
        tab.goto(key_pages[which])
        tab.page.add_script_tag(content=axe_script)
        results = tab.page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    blocking = [v for v in results["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    others = [f"{v['id']} ({v.get('impact')})" for v in results["violations"] if v not in blocking]
    if others:
        print(f"axe on {which} at {viewport}: minor/moderate: {others}")
    if blocking:
        lines = []
        for violation in blocking:
            targets = [", ".join(node["target"]) for node in violation["nodes"][:5]]
            lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} -> {targets}")
        pytest.fail(
            f"axe-core on the {which} page {key_pages[which]} at {viewport} width:\n" + "\n".join(lines),
            pytrace=False,
        )
    assert "violations" in results


# every mode of the accessibility toolbar (tests/test_portal_browser.py), with the toolbar open
TOOLBAR_MODES: dict[str, dict[str, object]] = {
    "text 200%": {"text": 200},
    "high contrast": {"contrast": True},
    "large cursor": {"cursor": True},
    "reading view": {"reading": True},
    "all at once": {"text": 200, "contrast": True, "cursor": True, "reading": True},
}


@pytest.mark.parametrize("mode", sorted(TOOLBAR_MODES))
@pytest.mark.parametrize("which", ["home", "article"])
def test_axe_finds_no_serious_or_critical_violation_in_any_toolbar_mode(
    browser,
    base_url: str,  # noqa: F811
    key_pages: dict[str, str],  # noqa: F811
    axe_script: str,
    which: str,
    mode: str,
) -> None:
    settings = json.dumps(json.dumps(TOOLBAR_MODES[mode]))
    with browser_support.tab(browser, base_url) as tab:
        tab.context.add_init_script(f"localStorage.setItem('sitegen-a11y', {settings});")
        tab.goto(key_pages[which])
        tab.page.locator("details.a11y summary").click()
        assert tab.page.evaluate("() => document.documentElement.hasAttribute('data-text')") == (
            "text" in TOOLBAR_MODES[mode]
        )
        tab.page.add_script_tag(content=axe_script)
        results = tab.page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    blocking = [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[', '.join(n['target']) for n in v['nodes'][:5]]}"
        for v in results["violations"]
        if v.get("impact") in BLOCKING_IMPACTS
    ]
    assert blocking == [], f"axe-core on the {which} page in the {mode} mode:\n" + "\n".join(blocking)
