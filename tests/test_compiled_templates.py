"""Compiled templates kept between builds (sitegen/render/compiled.py): the same bytes, compiled once per source."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import jinja2
import pytest
from conftest import SITE_YAML, MakeSite, article, build_site, tree

from sitegen import toolchain
from sitegen.render import compiled
from sitegen.render.memo import MemoEnvironment
from sitegen.render.pages import make_environment
from sitegen.render.theme import default_theme


@pytest.fixture
def kept_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """sitegen's own cache of compiled templates (not the suite's shared one), in a temporary folder of this test:
    the folder it keeps them in."""
    monkeypatch.setattr(MemoEnvironment, "__init__", MemoEnvironment.__init__.__wrapped__)  # type: ignore[attr-defined]
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    compiled.kept_code.cache_clear()
    yield tmp_path / "tmp" / f"_jinja2-cache-{os.getuid()}"
    compiled.kept_code.cache_clear()


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates Jinja compiles from here on."""
    names: list[str] = []
    original = jinja2.Environment.compile

    def counting(self: jinja2.Environment, source: object, name: str | None = None, *args: object) -> object:
        names.append(str(name))
        return original(self, source, name, *args)  # type: ignore[call-overload]

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return names


def test_a_new_environment_runs_what_an_earlier_one_compiled(kept_in: Path, compiles: list[str]) -> None:
    first = make_environment(None, default_theme())
    first.get_template("article.html")
    assert compiles == ["article.html"]  # what it extends and includes: when it is rendered
    kept = sorted(kept_in.iterdir())
    assert len(kept) == 1
    assert all(file.name.startswith(f"sitegen-{toolchain.current().digest()[:16]}-") for file in kept)
    compiles.clear()
    second = make_environment(None, default_theme())
    second.get_template("article.html")
    assert compiles == []
    assert sorted(kept_in.iterdir()) == kept  # nothing written again


def test_builds_with_kept_templates_write_the_bytes_of_a_build_without(
    make_site: MakeSite, kept_in: Path, compiles: list[str], tmp_path: Path
) -> None:
    site = make_site({"site.yaml": SITE_YAML, "content/towns/a.md": article("甲", body="## 小标题\n\n正文。")})
    build_site(site, output_dir=tmp_path / "cold", cache_dir=tmp_path / "cache-1")  # each a build cache of its own
    assert compiles
    compiles.clear()
    build_site(site, output_dir=tmp_path / "warm", cache_dir=tmp_path / "cache-2")
    assert compiles == []
    with pytest.MonkeyPatch.context() as patch:  # no cache at all: Jinja compiles, as it did before
        patch.setattr("sitegen.render.pages.kept_code", lambda: None)
        build_site(site, output_dir=tmp_path / "plain", cache_dir=tmp_path / "cache-3")
    assert tree(tmp_path / "warm") == tree(tmp_path / "cold") == tree(tmp_path / "plain")


def test_a_build_without_its_cache_compiles_every_template(
    make_site: MakeSite, kept_in: Path, compiles: list[str], tmp_path: Path
) -> None:
    """`--no-cache` is the cold build every other build is held to: it neither reads nor writes kept code."""
    site = make_site({"site.yaml": SITE_YAML, "content/towns/a.md": article("甲")})
    build_site(site, output_dir=tmp_path / "warm")
    compiles.clear()
    kept = {file: file.read_bytes() for file in kept_in.iterdir()}
    build_site(site, output_dir=tmp_path / "cold", disk_cache=False)
    assert compiles
    assert {file: file.read_bytes() for file in kept_in.iterdir()} == kept


def test_a_changed_site_template_is_compiled_again(make_site: MakeSite, kept_in: Path, compiles: list[str]) -> None:
    site = make_site({"templates/404.html": "<p>甲</p>\n"})
    make_environment(site / "templates", default_theme()).get_template("404.html")
    (site / "templates/404.html").write_text("<p>乙</p>\n", encoding="utf-8")
    compiles.clear()
    env = make_environment(site / "templates", default_theme())
    assert env.get_template("404.html").render() == "<p>乙</p>\n"
    assert compiles == ["404.html"]


def _page_template(site: Path) -> jinja2.Template:
    """The site's own 404.html, which renders `<p>2</p>`."""
    return make_environment(site / "templates", default_theme()).get_template("404.html")


def test_a_damaged_kept_file_is_compiled_again_and_replaced(
    make_site: MakeSite, kept_in: Path, compiles: list[str]
) -> None:
    site = make_site({"templates/404.html": "<p>{{ 1 + 1 }}</p>"})
    _page_template(site)
    for file in kept_in.iterdir():
        file.write_bytes(file.read_bytes()[:40])  # cut inside the code
    compiles.clear()
    assert _page_template(site).render() == "<p>2</p>"
    assert compiles == ["404.html"]
    compiles.clear()
    assert _page_template(site).render() == "<p>2</p>"
    assert compiles == []  # the rewritten file holds


def test_a_byte_changed_in_the_compiled_code_is_compiled_again(
    make_site: MakeSite, kept_in: Path, compiles: list[str]
) -> None:
    """Jinja's format checks the source's checksum only: the template's text changed inside the code (it still
    loaded) was run by every build, `--no-cache` ones too (found by a QA pass). Each file ends in its digest."""
    site = make_site({"templates/404.html": "<p>甲乙{{ 1 + 1 }}</p>"})
    _page_template(site)
    for file in kept_in.iterdir():
        data = file.read_bytes()
        assert "甲乙".encode() in data
        file.write_bytes(data.replace("甲乙".encode(), "丙丁".encode()))
    compiles.clear()
    assert _page_template(site).render() == "<p>甲乙2</p>"
    assert compiles == ["404.html"]


def test_another_toolchain_never_reads_these_files(
    make_site: MakeSite, kept_in: Path, compiles: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site({"templates/404.html": "<p>{{ 1 + 1 }}</p>"})
    _page_template(site)
    other = toolchain.Toolchain(code="other", picture_code="", python="", libraries=())
    monkeypatch.setattr(toolchain, "current", lambda: other)
    compiled.kept_code.cache_clear()
    compiles.clear()
    assert _page_template(site).render() == "<p>2</p>"
    assert compiles == ["404.html"]


def test_a_folder_of_someone_else_is_not_used(
    make_site: MakeSite, kept_in: Path, tmp_path: Path, compiles: list[str]
) -> None:
    site = make_site({"templates/404.html": "<p>{{ 1 + 1 }}</p>"})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o777)
    kept_in.symlink_to(elsewhere)  # Jinja takes nothing but its own 0700 folder: not a link to another
    assert compiled.kept_code() is None
    assert _page_template(site).render() == "<p>2</p>"
    assert compiles == ["404.html"]
    assert list(elsewhere.iterdir()) == []


def test_a_file_that_cannot_be_written_leaves_the_build_as_it_was(
    make_site: MakeSite, kept_in: Path, compiles: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site({"templates/404.html": "<p>{{ 1 + 1 }}</p>"})

    def full(*args: object, **kwargs: object) -> object:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", full)  # how Jinja writes a kept file
    assert _page_template(site).render() == "<p>2</p>"
    assert compiles == ["404.html"]
    assert list(kept_in.iterdir()) == []


def test_an_environment_of_another_kind_compiles_its_own(
    make_site: MakeSite, kept_in: Path, compiles: list[str]
) -> None:
    """The include memo's environment compiles an include into a call of its memo: a plain Jinja environment given
    the same template must not run that code (it has no memo)."""
    site = make_site({"templates/404.html": "{% include 'part.html' %}", "templates/part.html": "<p>{{ 1 + 1 }}</p>"})
    assert _page_template(site).render() == "<p>2</p>"
    compiles.clear()
    plain = jinja2.Environment(loader=jinja2.FileSystemLoader(site / "templates"), bytecode_cache=compiled.kept_code())
    assert plain.get_template("404.html").render() == "<p>2</p>"
    assert sorted(compiles) == ["404.html", "part.html"]
