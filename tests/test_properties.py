"""Property tests: any front matter and any Markdown give a built page or ContentErrors, never anything else.

Generated front matter mixes the known keys with random ones, with values of every YAML type (text with markup
and control characters, huge and negative numbers, NaN, dates out of range, lists, nested mappings); some sources
are raw text that is hardly YAML at all. Generated bodies mix Markdown syntax, raw HTML and arbitrary text.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from pathlib import Path

import yaml
from conftest import FIXED_NOW, SITE_YAML
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.build.api import BuildOptions, build
from sitegen.content.text import CONTROLS
from sitegen.errors import BuildFailed, ContentError

# the Traditional edition too: every generated text and body goes through OpenCC and the HTML conversion
EDITION_SITE_YAML = SITE_YAML + "editions:\n  - language: zh-Hant-HK\n"
UNTRUSTED_SITE_YAML = EDITION_SITE_YAML.replace("    title: 身边爆料\n", "    title: 身边爆料\n    untrusted: true\n")
EXAMPLES = int(os.environ.get("SITEGEN_PROPERTY_EXAMPLES", "100"))
SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)

# text: any character but lone surrogates (a file cannot hold them), with markup and control characters likely
characters = st.characters(exclude_categories=["Cs"])
tricky = st.sampled_from(["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "</script>", "javascript:",
                          "\x00", "\x01", "\x0b", "\x1b", "\x7f", "\x85", "\ufffe", "\u2028", "../", "..", "/", "\\",
                          "C:", "%00", "{{ x }}", "{% raw %}", "]]>", "&amp;", "#", ": ", "- ", "[", "'", '"', "\n",
                          "\t", "　", "。", "长" * 70])  # fmt: skip
text = st.lists(st.one_of(st.text(characters, max_size=12), tricky), max_size=6).map("".join)
ZONES = [dt.UTC, dt.timezone(dt.timedelta(hours=14)), dt.timezone(dt.timedelta(hours=-12))]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    text,
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30)),
    st.datetimes(timezones=st.sampled_from(ZONES)),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(text, inner, max_size=4)),
    max_leaves=12,
)
KNOWN = ["title", "date", "source", "author", "editor", "views", "images", "tags", "summary", "slug", "draft",
         "updated"]  # fmt: skip
image_entries = st.one_of(
    text,
    st.sampled_from(["pic.png", "./pic.png", "../pic.png", "/etc/passwd", "https://example.org/a.png", "missing.png"]),
    st.fixed_dictionaries(
        {"src": st.one_of(text, st.just("pic.png"))}, optional={"caption": values, "alt": values, "x": values}
    ),
)
front_matter = st.fixed_dictionaries(
    {"title": st.one_of(text, values), "date": st.one_of(scalars, st.just("2024-01-02"))},
    optional={
        **{key: values for key in KNOWN if key not in ("title", "date", "images", "slug")},
        "images": st.one_of(values, st.lists(image_entries, max_size=4)),
        "slug": st.one_of(text, st.from_regex(r"[a-z0-9][a-z0-9._-]{0,30}", fullmatch=True)),
        "extra": values,
    },
).flatmap(lambda known: st.dictionaries(text, values, max_size=3).map(lambda more: {**more, **known}))

markdown_bits = st.sampled_from(
    ["# ", "## 标题", "\n", "\n\n", "- ", "1. ", "    ", "> ", "*", "**", "_", "`", "```", "~~~", "[", "]", "(", ")",
     "![", "](pic.png)", "](../other.md)", "](javascript:alert(1))", "](#x)", "<!--more-->", "[^1]", "[^1]: 注",
     "{: #id .class onclick=x}", "| a | b |\n| - | - |\n| 1 | 2 |", "<div>", "</div>", "<script>alert(1)</script>",
     "<img src=x onerror=alert(1)>", '<a href="javascript:alert(1)">x</a>', "<iframe>", "&lt;", "&#0;", "&#x1;",
     "***", "---", "===", "<http://a.b>", "<a@b.c>", "\\", "  \n", "\t", "。", "汉字", "word"]
)  # fmt: skip
markdown = st.lists(st.one_of(markdown_bits, text), max_size=40).map("".join)


def _dump(data: dict) -> str | None:
    try:
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    except (yaml.YAMLError, ValueError, TypeError):
        return None


def _build(front: str, body: str, column: str, untrusted: bool) -> None:
    """Build a one-article site; anything but success or BuildFailed(ContentErrors) fails the test."""
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "site"
        (site / f"content/{column}/2024").mkdir(parents=True)
        (site / "site.yaml").write_text(UNTRUSTED_SITE_YAML if untrusted else EDITION_SITE_YAML, encoding="utf-8")
        (site / f"content/{column}/2024/pic.png").write_bytes(b"\x89PNG\r\n\x1a\n")
        source = f"---\n{front}---\n{body}"
        (site / f"content/{column}/2024/a.md").write_bytes(source.encode("utf-8", "surrogatepass"))
        output = Path(folder) / "public"
        try:
            build(site, BuildOptions(output_dir=output, now=FIXED_NOW, drafts=True, future=True))
        except BuildFailed as exc:
            assert exc.errors and all(isinstance(e, ContentError) for e in exc.errors)
            for error in exc.errors:
                assert "\n" not in error.text("zh-CN") and "\n" not in error.text("en"), error
            return
        pages = [p for p in output.rglob("*.html")]
        assert any(len(p.relative_to(output).parts) >= 4 for p in pages), pages  # the article's own page
        assert any(p.relative_to(output).parts[0] == "zh-hant" and len(p.relative_to(output).parts) >= 5 for p in pages)
        for page in pages:
            assert not CONTROLS.search(page.read_text(encoding="utf-8")), page


@SETTINGS
@given(data=front_matter, body=markdown, column=st.sampled_from(["towns", "tips"]), untrusted=st.booleans())
def test_generated_front_matter_and_markdown_build_or_fail_with_content_errors(
    data: dict, body: str, column: str, untrusted: bool
) -> None:
    front = _dump(data)
    if front is None:  # PyYAML cannot write it (e.g. a key that is a list): try the raw text instead
        front = repr(data) + "\n"
    _build(front, body, column, untrusted)


@SETTINGS
@given(front=st.lists(st.one_of(text, st.sampled_from(["title: 题", "date: 2024-01-02", "tags:", "  - a", "  x",
                                                        "- b", "? k", ": v", "&a x", "*a", "!!binary x", "|", ">",
                                                        "---", "...", "%YAML 1.1", "!!python/object:os.system"])),
                       max_size=12).map(lambda lines: "\n".join(lines) + "\n"),
       body=markdown)  # fmt: skip
def test_raw_front_matter_text_builds_or_fails_with_content_errors(front: str, body: str) -> None:
    _build(front, body, "towns", False)


@SETTINGS
@given(body=markdown)
def test_generated_markdown_in_a_plain_article_builds(body: str) -> None:
    """With valid front matter, a body fails only for a reason it states (a missing picture, a bad link...)."""
    _build("title: 题\ndate: 2024-01-02\n", body, "tips", True)


def test_every_chinese_message_template_formats() -> None:
    """Found by the property tests: a '{' in a template made translating an invalid-YAML hint crash."""
    from sitegen.messages import _ZH

    for pattern, template in _ZH:
        template.format(**{name: "x" for name in re.compile(pattern).groupindex})
