"""A load keeps each source without its body until its article is rendered; the renderer reads the body again
(sitegen.content.rereading)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXED_NOW, SITE_YAML, MakeSite, article, load

from sitegen.build import load as loader
from sitegen.config import load_config
from sitegen.content.articles import Source, read_source
from sitegen.content.rereading import read_kept, with_body, without_body
from sitegen.errors import BuildFailed

BODY = "导语。\n\n![图](a.png)\n\n正文，[链接](b.md)。\n"


def _read(site: Path) -> Source:
    source = read_source(site, "content/towns/a.md", "towns", load_config(site))
    assert isinstance(source, Source)
    return source


def test_a_kept_source_has_no_body_but_the_pictures_it_shows(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": article(body=BODY)})
    kept = read_kept(site, "content/towns/a.md", "towns", load_config(site))
    assert isinstance(kept, Source)
    assert kept.text.body == "" and kept.body_pictures == ("a.png",)
    assert kept.text.front_matter == _read(site).text.front_matter


def test_the_body_read_again_is_the_body_read_first(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": article(body=BODY).replace("\n", "\r\n")})
    whole = _read(site)
    kept = without_body(whole)
    assert isinstance(kept, Source)
    again = with_body(site, kept)
    assert isinstance(again, Source)
    assert again.text == whole.text and again.digest == whole.digest


def test_a_source_edited_since_it_was_read_is_an_error(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": article(body=BODY)})
    kept = without_body(_read(site))
    assert isinstance(kept, Source)
    (site / "content/towns/a.md").write_text(article(body="别的正文。"), encoding="utf-8")
    (error,) = with_body(site, kept)  # type: ignore[misc]  # a list of errors
    assert "content/towns/a.md" in str(error) and "changed while the site was loaded" in str(error)
    assert "在读取站点的过程中被修改了" in error.text("zh-CN")


def test_the_loader_holds_no_body_while_it_renders(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every source the Markdown workers are handed (and the parent keeps) is without its body; the articles are
    rendered from the bodies read again."""
    files: dict[str, str | bytes] = {"site.yaml": SITE_YAML}
    for n in range(3):
        files[f"content/towns/a{n}.md"] = article(f"标题{n}", body=f"第{n}篇的正文。")
    site = make_site(files)
    handed: list[Source] = []
    render_kept = loader.render_kept

    def rendering(source: Source, *args: object) -> object:
        handed.append(source)
        return render_kept(source, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "render_kept", rendering)
    loaded = load(site, now=FIXED_NOW)
    assert sorted(s.path for s in handed) == [f"content/towns/a{n}.md" for n in range(3)]
    assert all(s.text.body == "" for s in handed)
    assert [a.char_count > 0 for a in loaded.articles] == [True] * 3


def test_an_edit_between_reading_and_rendering_fails_the_load(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site({"content/towns/a.md": article(body="正文。")})
    render_kept = loader.render_kept

    def edited_first(source: Source, *args: object) -> object:
        (site / source.path).write_text(article(body="改过的正文。"), encoding="utf-8")
        return render_kept(source, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "render_kept", edited_first)
    with pytest.raises(BuildFailed) as caught:
        load(site)
    assert any("changed while the site was loaded" in str(e) for e in caught.value.errors)
