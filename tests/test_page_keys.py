"""A page's key is a digest of its template and of the exact context it is rendered from: a field added to a
model class or a variable added to a page's context is in the key without anyone writing it there."""

from __future__ import annotations

import dataclasses
from functools import partial
from pathlib import Path

import pytest

from sitegen.build.api import BuildOptions, build
from sitegen.model import Tag
from sitegen.render import pages
from sitegen.render.keys import ContextKeys
from tests.conftest import FIXED_NOW, article


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
    real_jobs = pages.page_jobs

    def with_a_new_field(site_model, search_url=None):
        jobs = real_jobs(site_model, search_url)
        return [
            dataclasses.replace(job, variables={**job.variables, "edition": "晚报"}) if job.path == "tags/index.html"
            else job
            for job in jobs
        ]  # fmt: skip

    monkeypatch.setattr("sitegen.build.pipeline.page_jobs", with_a_new_field)
    report = build(site, options)
    assert (report.pages_rendered, report.articles_rendered) == (1, 0)
    (tmp_path / "site" / ".sitegen-cache" / "up-to-date.json").unlink()
    assert build(site, options).pages_rendered == 0  # the same context again: the same key, the page is reused
