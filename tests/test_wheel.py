"""The wheel ships the default theme, and an unpacked wheel builds a site with the theme from inside the package.

The wheel is built once per module with `pip wheel --no-deps --no-build-isolation` (hatchling is in the test
extra); instead of installing it into a fresh virtualenv (slow), it is unzipped and put first on `sys.path` of a
separate Python process.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import REPO_ROOT, MakeSite, article

THEME_FILES = sorted(
    [f"sitegen/theme/templates/{p.relative_to(REPO_ROOT / 'templates').as_posix()}" for p in
     (REPO_ROOT / "templates").rglob("*") if p.is_file()]
    + [f"sitegen/theme/assets/{p.relative_to(REPO_ROOT / 'assets').as_posix()}" for p in
       (REPO_ROOT / "assets").rglob("*") if p.is_file()]
)  # fmt: skip

BUILD_WITH_THE_WHEEL = """
import json, sys
from pathlib import Path

unpacked, site, output = (Path(a) for a in sys.argv[1:4])
sys.path.insert(0, str(unpacked))
import sitegen
from sitegen.build.api import BuildOptions, build
from sitegen.render.theme import default_theme

theme = default_theme()
report = build(site, BuildOptions(output_dir=output))
print(json.dumps({"package": sitegen.__file__, "templates": str(theme.templates), "assets": str(theme.assets),
                  "articles": report.articles}))
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(folder),
            str(REPO_ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    (built,) = folder.glob("sitegen-*.whl")
    return built


def test_the_wheel_ships_the_theme(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "sitegen/theme/templates/article.html" in names
    assert "sitegen/theme/assets/style.css" in names
    assert set(THEME_FILES) <= names, sorted(set(THEME_FILES) - names)


def test_the_wheel_ships_the_theme_files_as_they_are(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        for name in THEME_FILES:
            source = REPO_ROOT / ("templates" if "/templates/" in name else "assets") / name.split("/", 3)[3]
            assert archive.read(name) == source.read_bytes(), name


def test_the_wheel_ships_every_module_and_the_command(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        modules = {p.relative_to(REPO_ROOT).as_posix() for p in (REPO_ROOT / "sitegen").rglob("*.py")}
        assert modules <= names
        entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
        assert "sitegen = sitegen.command:console" in archive.read(entry_points).decode("utf-8")


def test_an_unpacked_wheel_builds_a_site_with_its_own_theme(wheel: Path, make_site: MakeSite, tmp_path: Path) -> None:
    unpacked = tmp_path / "unpacked"
    zipfile.ZipFile(wheel).extractall(unpacked)
    marker = "<!-- the theme inside the wheel -->\n"
    base = unpacked / "sitegen/theme/templates/base.html"
    base.write_text(base.read_text(encoding="utf-8") + marker, encoding="utf-8")
    site = make_site({"content/towns/a.md": article("轮子里的主题")})

    result = subprocess.run(
        [sys.executable, "-I", "-c", BUILD_WITH_THE_WHEEL, str(unpacked), str(site), str(tmp_path / "out")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert Path(info["package"]).is_relative_to(unpacked)
    assert Path(info["templates"]) == unpacked / "sitegen/theme/templates"
    assert Path(info["assets"]) == unpacked / "sitegen/theme/assets"
    assert info["articles"] == 1
    for page in ("index.html", "404.html", "towns/index.html", "towns/2024/01/a/index.html"):
        assert (tmp_path / "out" / page).read_text(encoding="utf-8").endswith(marker), page
    assert (tmp_path / "out/assets/style.css").read_bytes() == (REPO_ROOT / "assets/style.css").read_bytes()
    assert "轮子里的主题" in (tmp_path / "out/towns/2024/01/a/index.html").read_text(encoding="utf-8")


def test_the_wheel_ships_the_web_editors_script_and_pinyin_table(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"sitegen/render/editor.js", "sitegen/render/editor-pinyin.json"} <= names
