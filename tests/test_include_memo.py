"""The include memo (sitegen.render.memo): an include is rendered once per distinct output and reused only where
rendering it again would give the same bytes; a site's own templates are memoised the same way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
import pytest
from conftest import SITE_YAML, MakeSite, article, build_site, load, page, tree

from sitegen.model import Config
from sitegen.render import pages
from sitegen.render.labels import labels_for
from sitegen.render.memo import IncludeMemo, MemoEnvironment, value_key
from sitegen.render.pages import NavLink, make_environment
from sitegen.render.theme import default_theme

LINKS = """\
{% include "_part.html" %}"""
PART = """\
<a href="{{ href('towns/') }}">{{ labels.home }}</a> <a href="{{ href('towns/2024/01/x/') }}">{{ word }}</a>
"""


def environment(tmp_path: Path, templates: dict[str, str]) -> MemoEnvironment:
    folder = tmp_path / "templates"
    folder.mkdir(exist_ok=True)
    for name, text in templates.items():
        (folder / name).write_text(text, encoding="utf-8")
    env = make_environment(folder, default_theme())
    assert isinstance(env, MemoEnvironment)
    return env


def twin(env: jinja2.Environment) -> jinja2.Environment:
    """The same templates, filters and globals in a plain Jinja environment: what rendering without a memo gives."""
    plain = jinja2.Environment(
        loader=env.loader, autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True
    )
    plain.filters.update(env.filters)
    plain.globals.update(env.globals)
    return plain


@pytest.fixture
def config(make_site: MakeSite) -> Config:
    return load(make_site({"content/towns/a.md": article()})).config


def render(env: jinja2.Environment, config: Config, page_url: str | None, **variables: Any) -> str:
    context = {"site": config, "labels": labels_for("zh-CN"), "page_url": page_url, "word": "词", **variables}
    return env.get_template("page.html").render(context)


def memo_of(env: MemoEnvironment) -> IncludeMemo:
    return env.include_memo


def test_an_include_is_rendered_once_for_pages_that_would_show_the_same(tmp_path: Path, config: Config) -> None:
    env = environment(tmp_path, {"page.html": LINKS, "_part.html": PART})
    plain = twin(env)
    pages = ["tags/a/", "authors/b/", "archive/2024/", "tags/a/feed.xml"]  # depth 2, no folder shared with towns/
    for url in pages:
        assert render(env, config, url) == render(plain, config, url)
    assert memo_of(env).stats() == {"hits": 3, "misses": 1, "entries": 1}
    assert render(env, config, "tags/a/") == '<a href="../../towns/">首页</a> <a href="../../towns/2024/01/x/">词</a>\n'


def test_links_that_depend_on_the_page_are_rendered_again(tmp_path: Path, config: Config) -> None:
    """Same depth, but a page inside towns/ links to towns/ differently: its own entry; a 404 page (no URL) too."""
    env = environment(tmp_path, {"page.html": LINKS, "_part.html": PART})
    plain = twin(env)
    for url in ["tags/a/", "towns/page/2/", "tips/page/2/", "towns/2024/01/y/", "", None]:
        assert render(env, config, url) == render(plain, config, url)
    assert render(env, config, "towns/page/2/") == '<a href="../../">首页</a> <a href="../../2024/01/x/">词</a>\n'
    assert memo_of(env).stats()["entries"] == 6  # depth 2, towns/ at 3, tips/ at 3, towns/ at 4, home, 404


def test_a_variable_read_with_another_value_gives_another_entry(tmp_path: Path, config: Config) -> None:
    env = environment(tmp_path, {"page.html": LINKS, "_part.html": PART})
    first = render(env, config, "tags/a/", word="甲")
    second = render(env, config, "tags/b/", word="乙")
    assert "甲" in first and "乙" in second and "甲" not in second
    assert render(env, config, "tags/c/", word="甲") == first
    assert memo_of(env).stats() == {"hits": 1, "misses": 2, "entries": 2}


def test_values_are_told_apart_by_type_and_navigation_links_by_value() -> None:
    assert value_key(True, []) != value_key(1, []) and value_key(0.0, []) != value_key(-0.0, [])
    home, other = NavLink("首页", "", True), NavLink("首页", "", False)
    assert value_key((home,), []) == value_key((NavLink("首页", "", True),), [])
    assert value_key((home,), []) != value_key((other,), [])


def test_an_include_that_read_a_mutable_value_is_not_kept(tmp_path: Path, config: Config) -> None:
    env = environment(tmp_path, {"page.html": LINKS, "_part.html": "{{ items|join(',') }}\n"})
    assert render(env, config, "tags/a/", items=["a"]) == "a\n"
    assert render(env, config, "tags/b/", items=["a", "b"]) == "a,b\n"
    assert memo_of(env).stats() == {"hits": 0, "misses": 2, "entries": 0}


def test_a_variable_shadowed_inside_the_include_is_not_mistaken_for_the_page_s(tmp_path: Path, config: Config) -> None:
    """The include sets `word` itself before an inner include reads it: what the inner one read is not the page's."""
    templates = {
        "page.html": LINKS,
        "_part.html": '{% set word = "内" %}{% include "_inner.html" %}',
        "_inner.html": "{{ word }}",
    }
    env = environment(tmp_path, templates)
    plain = twin(env)
    for url, word in [("tags/a/", "甲"), ("tags/b/", "乙")]:
        assert render(env, config, url, word=word) == render(plain, config, url, word=word) == "内"


def test_the_page_url_read_by_an_include_makes_it_each_page_s_own(tmp_path: Path, config: Config) -> None:
    env = environment(tmp_path, {"page.html": LINKS, "_part.html": "{{ page_url }}\n"})
    assert [render(env, config, url) for url in ["tags/a/", "tags/b/"]] == ["tags/a/\n", "tags/b/\n"]


SITE_FOOTER = """\
{% from "_nav.html" import site_nav with context %}
<footer class="site-footer"><p class="own-footer">{{ site.title }} {{ page_url }}</p>
{{ site_nav(nav, labels.navigation, "footer-nav") }}</footer>
"""


def test_a_site_s_own_footer_and_toolbar_are_used_and_each_page_gets_its_own(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/towns/a.md": article("甲", "2024-01-02"),
            "content/towns/b.md": article("乙", "2024-01-03"),
            "content/tips/c.md": article("丙", "2024-01-04"),
            "templates/_site_footer.html": SITE_FOOTER,
            "templates/_a11y_toolbar.html": '<div class="own-toolbar">{{ labels.toolbar }}</div>\n',
        }
    )
    build_site(site)
    output = site / "public"
    for url in ["", "towns/", "tips/", "towns/2024/01/a/", "towns/2024/01/b/", "tips/2024/01/c/"]:
        html = page(output, url)
        assert f'<p class="own-footer">测试站 {url}</p>' in html
        assert '<div class="own-toolbar">长者模式 · 无障碍</div>' in html and 'class="a11y-bar"' not in html
        own = {"": "首页", "towns": "镇街社区", "tips": "身边爆料"}[url.split("/")[0]]  # the page's column, marked
        assert f'aria-current="page">{own}</a>' in html.split('class="footer-nav"')[1]


def test_a_site_built_with_the_memo_equals_it_built_without(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {f"content/{c}/{n}.md": article(f"{c}{n}", f"2024-0{n}-02") for c in ("towns", "tips") for n in (1, 2, 3)}
    site = make_site({**files, "site.yaml": SITE_YAML_WITH_EDITION})
    build_site(site, output_dir=tmp_path / "memo", cache_dir=tmp_path / "cache-memo")
    monkeypatch.setattr(pages, "MemoEnvironment", jinja2.Environment)  # includes rendered every time
    build_site(site, output_dir=tmp_path / "plain", cache_dir=tmp_path / "cache-plain")
    memo, plain = tree(tmp_path / "memo"), tree(tmp_path / "plain")
    assert memo == plain and len([path for path in memo if path.startswith("zh-hant/")]) > 10


SITE_YAML_WITH_EDITION = (
    SITE_YAML
    + """\
editions:
  - language: zh-Hant-HK
    conversion: s2hk
"""
)
