"""A page's key is a digest of its template and of the exact context it is rendered from: a field added to a
model class or a variable added to a page's context is in the key without anyone writing it there."""

from __future__ import annotations

import dataclasses
from functools import partial
from pathlib import Path

import pytest
from conftest import FIXED_NOW, article

from sitegen.build.api import BuildOptions, build
from sitegen.model import Tag
from sitegen.render import pagejobs, pages
from sitegen.render.frames import FrameKeys
from sitegen.render.keys import ContextKeys
from sitegen.render.theme import default_theme


def test_a_tag_differing_only_in_its_count_gives_another_key() -> None:
    """The tag listing's hand-written key used to leave out tag.count, which its template shows."""
    keys = ContextKeys()
    one, two = Tag("党建", "党建", 1), Tag("党建", "党建", 2)
    assert keys.page_key("t", {"tag": one}) == ContextKeys().page_key("t", {"tag": Tag("党建", "党建", 1)})
    assert keys.page_key("t", {"tag": one}) != keys.page_key("t", {"tag": two})


def test_every_field_of_a_dataclass_is_in_the_key_even_one_added_later() -> None:
    @dataclasses.dataclass(frozen=True)
    class Shown:
        title: str
        added_later: int = 0

    keys = ContextKeys()
    assert keys.page_key("t", {"x": Shown("a")}) != keys.page_key("t", {"x": Shown("a", 1)})
    assert keys.page_key("t", {"x": Shown("a")}) != keys.page_key("u", {"x": Shown("a")})  # the template counts


def test_values_of_every_kind_give_stable_keys_and_an_unknown_kind_is_an_error() -> None:
    keys = ContextKeys()
    context = {"s": frozenset({"b", "a"}), "m": {"k": [1, 2.5, None]}, "p": Path("/a"), "f": partial(max, 1)}
    assert keys.page_key("t", context) == ContextKeys().page_key("t", dict(context))
    assert keys.page_key("t", {"n": (1,)}) != keys.page_key("t", {"n": [1]})

    class Opaque:
        pass

    with pytest.raises(TypeError, match="Opaque"):
        keys.page_key("t", {"o": Opaque()})


def _site(root: Path) -> Path:
    site = root / "site"
    (site / "content" / "towns").mkdir(parents=True)
    (site / "site.yaml").write_text(
        "title: 测试站\nbase_url: https://example.org/\ncolumns:\n  - slug: towns\n    title: 镇街\n", encoding="utf-8"
    )
    (site / "content" / "towns" / "a.md").write_text(article(tags="[党建]"), encoding="utf-8")
    return site


def test_a_field_added_to_a_pages_context_renders_that_page_again(tmp_path: Path, monkeypatch) -> None:
    site = _site(tmp_path)
    options = BuildOptions(output_dir=tmp_path / "out", now=FIXED_NOW, jobs=1)
    first = build(site, options)
    assert first.pages_rendered > 2
    # without its record, the up-to-date check runs the pipeline, which computes every page's key again
    (tmp_path / "site" / ".sitegen-cache" / "up-to-date.json").unlink()
    real_jobs = pagejobs.page_jobs

    def with_a_new_field(site_model, search_url=None):
        jobs = real_jobs(site_model, search_url)
        return pagejobs.JobList([pagejobs.Stretch.made([
            dataclasses.replace(job, variables={**job.variables, "edition": "晚报"}) if job.path == "tags/index.html"
            else job
            for job in jobs
        ])])  # fmt: skip

    monkeypatch.setattr("sitegen.build.pageplan.page_jobs", with_a_new_field)
    # page_jobs is sitegen's code, which the site's frame covers through the toolchain's digest (a change of it
    # forgets the cache): patched here, the frame must be told that something changed, so every page is walked
    # (and what the frame is made of besides the sites, which a build whose Site was kept compares instead)
    real_frame, real_inputs = FrameKeys.site_frame, FrameKeys.frame_inputs
    monkeypatch.setattr(FrameKeys, "site_frame", lambda keys, *args: "another " + real_frame(keys, *args))
    monkeypatch.setattr(FrameKeys, "frame_inputs", lambda keys, *args: "another " + real_inputs(keys, *args))
    report = build(site, options)
    assert (report.pages_rendered, report.articles_rendered) == (1, 0)
    (tmp_path / "site" / ".sitegen-cache" / "up-to-date.json").unlink()
    assert build(site, options).pages_rendered == 0  # the same context again: the same key, the page is reused


def _views_site(root: Path) -> Path:
    site = _site(root)
    (site / "content" / "towns" / "b.md").write_text(article("乙", "2024-01-03", "又一篇。"), encoding="utf-8")
    (site / "data").mkdir()
    (site / "data" / "views.json").write_text('{"content/towns/a.md": 5}', encoding="utf-8")
    return site


def test_a_rebuild_keys_articles_from_their_saved_digests_and_still_sees_a_changed_view_count(tmp_path: Path) -> None:
    """An article the cache gave back is keyed by its base (saved digest) and the fields that changed since: with
    data/views.json replacing a count every build, an unchanged count renders nothing, a new one its pages."""
    from sitegen.build import pipeline
    from sitegen.render.keys import ContextKeys

    site = _views_site(tmp_path)
    options = BuildOptions(output_dir=tmp_path / "out", now=FIXED_NOW, jobs=1)
    build(site, options)
    walked: list[int] = []
    real = ContextKeys._dataclass

    def counting(self, value, fields):
        walked.append(1)
        return real(self, value, fields)

    record = tmp_path / "site" / ".sitegen-cache" / "up-to-date.json"
    record.unlink()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ContextKeys, "_dataclass", counting)
        again = build(site, options)
    assert again.pages_rendered == 0 and again.articles_reused == 2
    assert pipeline is not None and len(walked) > 0
    (site / "data" / "views.json").write_text('{"content/towns/a.md": 6}', encoding="utf-8")
    changed = build(site, options)
    assert changed.pages_rendered > 0 and changed.articles_rendered == 0
    cold = build(site, BuildOptions(output_dir=tmp_path / "cold", disk_cache=False, now=FIXED_NOW, jobs=1))
    assert cold.articles == 2
    from conftest import tree

    assert tree(tmp_path / "out") == tree(tmp_path / "cold")


def test_a_base_and_the_fields_changed_since_give_a_key_that_follows_the_content() -> None:
    from conftest import FIXED_NOW as NOW

    from sitegen.build.api import BuildOptions as Options  # noqa: F401  (the model comes with it)

    base = _article_model("甲", NOW)
    keys = ContextKeys({base.source_path: (base, "d" * 40)})
    same = keys.page_key("t", {"a": base})
    assert ContextKeys({base.source_path: (base, "d" * 40)}).page_key("t", {"a": base}) == same
    more_views = dataclasses.replace(base, views=base.views + 1)
    assert keys.page_key("t", {"a": more_views}) not in (same, keys.page_key("t", {"a": base}) + "x")
    equal_copy = dataclasses.replace(base)
    assert keys.page_key("t", {"a": equal_copy}) == same  # the same content through the same base: the same key


def _article_model(title: str, date):
    from sitegen.model import Article

    return Article("content/towns/a.md", "towns", title, date, "a", "towns/a/", "摘要", views=3, tags=("党建",))


def test_template_digests_take_what_a_template_refers_to_back_from_the_cache(tmp_path: Path, monkeypatch) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "article.html").write_text('{% extends "theme/article.html" %}', encoding="utf-8")
    env = pages.make_environment(templates, default_theme())
    names = {"article.html", "home.html"}
    references: dict[str, tuple[str, ...] | None] = {"0" * 40: ("gone.html",)}  # a source no longer met
    first = pages.template_digests(env, names, references)
    assert first == pages.template_digests(env, names)  # the same digests with or without the cache
    assert "0" * 40 not in references and ("theme/article.html",) in references.values()

    def parsed(*args: object) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(env, "parse", parsed)
    kept = dict(references)
    assert pages.template_digests(env, names, references) == first and references == kept
    (templates / "article.html").write_text('{% extends "theme/home.html" %}', encoding="utf-8")
    with pytest.raises(AssertionError, match="parsed again"):  # a changed source is parsed
        pages.template_digests(env, names, references)


def test_sequences_of_plain_values_are_keyed_as_a_walk_of_each_element_would_key_them() -> None:
    from sitegen.render.keys import ContextKeys

    keys = ContextKeys()
    pairs = tuple((f"towns/{i}/", f"2024-01-{i % 28 + 1:02}") for i in range(50))
    mixed = ((1, "a"), ["b", None], (2.5,))
    walked = ("tuple", [keys._item(v) for v in pairs])
    assert keys.value(pairs) == walked == ("tuple", [("tuple", list(pair)) for pair in pairs])
    assert keys.value(mixed) == ("tuple", [("tuple", [1, "a"]), ("list", ["b", None]), ("tuple", [2.5])])
    assert keys.value([1, "x", None]) == ("list", [1, "x", None])


def test_rebased_digests_are_those_the_walk_gives() -> None:
    """`rebase` takes the cache's own objects' digests from their bases and walks the others, as `value` does."""
    from conftest import FIXED_NOW as NOW

    base = _article_model("甲", NOW)
    changed = dataclasses.replace(_article_model("乙", NOW), source_path="content/towns/b.md")
    new = dataclasses.replace(base, source_path="content/towns/c.md")
    bases = {base.source_path: (base, "d" * 40), changed.source_path: (_article_model("丙", NOW), "e" * 40)}
    rebased = ContextKeys(bases).rebase([base, changed, new])
    walked = ContextKeys(bases)
    assert rebased == {a.source_path: walked.value(a) for a in (base, changed, new)}
    assert rebased[base.source_path] == "d" * 40 and rebased[changed.source_path] != "e" * 40
    keys = ContextKeys(bases)
    keys.rebase([changed])
    assert keys.article_digest(changed) == rebased[changed.source_path]  # looked up: walked once
