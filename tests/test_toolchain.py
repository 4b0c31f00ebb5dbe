"""One toolchain digest (sitegen's code, Python, the libraries that shape output) is in every cache key and in the
up-to-date record: changing any part of it makes the work it shapes be done again, and only that work."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXED_NOW, article, picture_bytes, tree

from sitegen import toolchain
from sitegen.build.api import BuildOptions, build

REPO = Path(__file__).resolve().parent.parent


def test_the_toolchain_is_computed_once_per_process_and_names_every_output_library() -> None:
    assert toolchain.current() is toolchain.current()
    names = [name for name, _ in toolchain.current().libraries]
    assert names == list(toolchain.OUTPUT_LIBRARIES)
    assert {"Markdown", "Jinja2", "nh3", "PyYAML", "Pillow", "pypinyin", "opencc"} <= set(names)
    versions = dict(toolchain.current().libraries)
    assert versions["Markdown"] != "absent" and versions["Jinja2"] != "absent"


# the command line, serve's file watcher, and the page store's compression (its pages come back byte for byte)
NOT_SHAPING_OUTPUT = {"click", "watchdog", "zstandard"}


def test_every_runtime_dependency_that_shapes_output_is_in_the_toolchain() -> None:
    """A library added to pyproject.toml later must join OUTPUT_LIBRARIES (or this list, saying why)."""
    import re
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = {re.split(r"[<>=!~ \[;]", requirement, maxsplit=1)[0] for requirement in project["dependencies"]}
    assert names - NOT_SHAPING_OUTPUT <= set(toolchain.OUTPUT_LIBRARIES), names - set(toolchain.OUTPUT_LIBRARIES)


def test_versions_are_read_from_the_installed_metadata_folders(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "Some_Lib-1.2.3.dist-info").mkdir()
    (tmp_path / "other.lib-0.9-py3.11.egg-info").mkdir()
    monkeypatch.setattr(sys, "path", [str(tmp_path)])
    assert toolchain.installed_versions() == {"some_lib": "1.2.3", "other_lib": "0.9"}


def test_the_zone_data_is_known_by_its_release_or_else_by_its_folder(tmp_path: Path) -> None:
    versioned, bare, missing = tmp_path / "versioned", tmp_path / "bare", tmp_path / "missing"
    versioned.mkdir()
    bare.mkdir()
    (versioned / "tzdata.zi").write_text("# version 2025b\n# ddeps backzone\nR d 1916 o - Jun 14 23s 1 S\n")
    first = toolchain.zone_data((str(versioned), str(bare), str(missing)))
    assert first.startswith(f"{versioned}=# version 2025b|{bare}@")
    assert str(missing) not in first
    (versioned / "tzdata.zi").write_text("# version 2026a\n")
    assert toolchain.zone_data((str(versioned),)) == f"{versioned}=# version 2026a"
    os.utime(bare, ns=(1, 1))
    assert toolchain.zone_data((str(bare),)) == f"{bare}@1"


def test_the_code_digest_follows_every_python_file_and_nothing_else(tmp_path: Path) -> None:
    (tmp_path / "pkg" / "__pycache__").mkdir(parents=True)
    (tmp_path / "pkg" / "a.py").write_text("x = 1\n")
    first = toolchain.code_digest(str(tmp_path / "pkg"))
    (tmp_path / "pkg" / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"\0")
    (tmp_path / "pkg" / "notes.txt").write_text("not code")
    assert toolchain.code_digest(str(tmp_path / "pkg")) == first
    (tmp_path / "pkg" / "a.py").write_text("x = 2\n")
    assert toolchain.code_digest(str(tmp_path / "pkg")) != first


def _photo_site(root: Path) -> Path:
    site = root / "site"
    (site / "content" / "towns").mkdir(parents=True)
    (site / "site.yaml").write_text(
        "title: 测试站\nbase_url: https://example.org/\ncolumns:\n  - slug: towns\n    title: 镇街\n", encoding="utf-8"
    )
    (site / "content" / "towns" / "pic.png").write_bytes(picture_bytes(640, 427))
    (site / "content" / "towns" / "a.md").write_text(article(body="正文。\n\n![图](pic.png)\n"), encoding="utf-8")
    (site / "content" / "towns" / "b.md").write_text(article("二", "2024-01-03", "又一篇。"), encoding="utf-8")
    old = 1_600_000_000 * 10**9  # old time stamps: the up-to-date check may trust them
    for path in site.rglob("*"):
        os.utime(path, ns=(old, old))
    return site


CHANGES = [*(f"library:{name}" for name in toolchain.OUTPUT_LIBRARIES), "python", "code", "zones"]


@pytest.mark.parametrize("change", CHANGES)
def test_a_changed_toolchain_part_makes_the_work_it_shapes_be_done_again(tmp_path: Path, monkeypatch, change) -> None:
    site = _photo_site(tmp_path)
    options = BuildOptions(output_dir=tmp_path / "out", now=FIXED_NOW, jobs=1)
    build(site, options)
    unchanged = build(site, options)
    assert unchanged.timings[0][0] == "inputs unchanged"
    before = toolchain.current()
    if change.startswith("library:"):
        name = change.partition(":")[2]
        libraries = tuple((n, f"{v}.post-upgrade" if n == name else v) for n, v in before.libraries)
        upgraded = dataclasses.replace(before, libraries=libraries)
    elif change == "python":
        upgraded = dataclasses.replace(before, python=before.python + " (another build)")
    elif change == "zones":
        upgraded = dataclasses.replace(before, zones=before.zones + " (a new tzdata release)")
    else:
        upgraded = dataclasses.replace(before, code="an edited checkout", picture_code="an edited checkout")
    monkeypatch.setattr(toolchain, "current", lambda: upgraded)
    report = build(site, options)
    assert report.timings[0][0] != "inputs unchanged"  # the up-to-date record holds the toolchain
    assert (report.articles_rendered, report.articles_reused) == (2, 0)  # bodies were keyed by the old toolchain
    assert report.pages_reused == 0 and report.pages_rendered > 0  # every page's key changed
    shapes_pictures = change in ("library:Pillow", "python", "code")
    assert report.images_processed == (1 if shapes_pictures else 0)
    assert any("cache discarded" in w for w in report.cache_warnings)  # the old cache is said to be set aside
    cold = build(site, BuildOptions(output_dir=tmp_path / "cold", disk_cache=False, now=FIXED_NOW, jobs=1))
    assert cold.articles == 2
    assert tree(tmp_path / "out") == tree(tmp_path / "cold")
    again = build(site, options)
    assert again.timings[0][0] == "inputs unchanged"


def test_an_edited_checkout_renders_every_article_again_whatever_its_version_says(tmp_path: Path) -> None:
    """For real: a copy of sitegen, built with, then edited (a comment: `__version__` unchanged), built with."""
    checkout = tmp_path / "checkout"
    shutil.copytree(REPO / "sitegen", checkout / "sitegen", ignore=shutil.ignore_patterns("__pycache__"))
    for theme in ("templates", "assets"):  # a checkout holds the default theme at its root
        shutil.copytree(REPO / theme, checkout / theme)
    site = _photo_site(tmp_path)

    def build_with_checkout() -> str:
        env = {**os.environ, "PYTHONPATH": str(checkout)}
        command = [sys.executable, "-c", "from sitegen.cli import main; main()", "build", "--site", str(site)]
        command += ["--profile", "--jobs", "1"]
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=True, cwd=tmp_path)
        return done.stdout + done.stderr

    build_with_checkout()
    assert "输入未变" in build_with_checkout()
    markup = checkout / "sitegen" / "content" / "markup.py"
    markup.write_text(markup.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    output = build_with_checkout()
    assert "渲染 2 篇，复用 0 篇" in output, output
