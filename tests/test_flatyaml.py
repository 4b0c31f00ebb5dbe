"""The flat front-matter reader gives PyYAML's document, or leaves the text to PyYAML."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.content.flatyaml import parse_flat
from sitegen.content.yamltext import Duplicate, YamlDocument, YamlSyntaxError, parse_yaml

KEYS = ["title", "date", "tags", "author", "images", "views", "draft", "summary", "src", "caption", "作者", "Title",
        "x-y", "_k", "yes", "No", "null", "on", "y", "k" * 120, "1a", "a b", "<<", "'q'"]  # fmt: skip
PLAIN = ["均禾街道", "a b", "a  b", "yes", "No", "ON", "true", "False", "~", "null", "Null", "0", "7", "194", "007",
         "0x1F", "0b1", "1_000", "12:30", "-5", "+5", "1.5", ".5", ".inf", ".NaN", "1e3", "2019-02-12", "2022-02-30",
         "0000-01-01", "2022-12-12 08:30", "2022-12-12 08:30:00", "2022-12-12T08:30:00+08:00", "2022-1-2",
         "http://x.org/a", "a: b", "a:", "a:b", "a #b", "C#", "- x", "-x", "? x", "[a", "a]", "{a}", "a, b", "&a", "*a",
         "!t", "|", ">", "%x", "@x", "`x", "=", "<<", "\u3000x", "x\u3000", '他说"好"', "it's", "a\\b", "\ufeffx",
         "", " "]  # fmt: skip
QUOTED = ["均禾", "", " a ", "a: b", "a #b", "a, b", "[a]", "yes", "12", "it's", '他说"好"', "a\\nb", "''", "x\u2028y"]


def _quote(text: str, mark: str) -> str:
    return f"{mark}{text}{mark}"


VALUE = st.one_of(
    st.sampled_from(PLAIN),
    st.builds(_quote, st.sampled_from(QUOTED), st.sampled_from(['"', "'"])),
)
FLOW = st.builds(
    lambda items, gap: "[" + f",{gap}".join(items) + "]", st.lists(VALUE, max_size=4), st.sampled_from(["", " ", "  "])
)


def _key_line(key: str, gap: str, value: str, trailing: str) -> str:
    return f"{key}:{gap}{value}{trailing}"


def _item_line(indent: str, gap: str, value: str) -> str:
    return f"{indent}-{gap}{value}"


def _under_line(indent: str, key: str, value: str) -> str:
    return f"{indent}{key}: {value}"


INDENT = st.sampled_from(["", " ", "  ", "    ", "     "])
GAP = st.sampled_from([" ", "  ", "   ", ""])
ODD_LINES = ["", " ", "# note", "title: a # note", "---", "...", "\t- a", "%YAML 1.1", "? k", "  more text", "-"]
LINE = st.one_of(
    st.builds(_key_line, st.sampled_from(KEYS), GAP, VALUE | FLOW, st.sampled_from(["", " "])),
    st.builds(lambda key: f"{key}:", st.sampled_from(KEYS)),
    st.builds(_item_line, INDENT, GAP, VALUE),
    st.builds(_under_line, INDENT, st.sampled_from(KEYS), VALUE),
    st.sampled_from(ODD_LINES),
)


def _typed(value: Any) -> Any:
    """The value with every scalar's type beside it: True is not 1 here, nor a date a datetime."""
    if isinstance(value, dict):
        return {_typed(k): _typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v) for v in value]
    return (type(value).__name__, value)


def _same(flat: YamlDocument, text: str) -> None:
    full = parse_yaml(text)  # raises when PyYAML refuses the text: the flat reader may never accept it then
    assert _typed(flat.data) == _typed(full.data)
    assert flat.key_lines == full.key_lines
    assert flat.item_lines == full.item_lines
    assert flat.duplicates == full.duplicates


@given(st.lists(LINE, min_size=1, max_size=12).map("\n".join))
@settings(max_examples=1500, deadline=None)
def test_what_the_flat_reader_accepts_pyyaml_reads_alike(text: str) -> None:
    flat = parse_flat(text)
    if flat is not None:
        _same(flat, text)


SAFE_QUOTED = st.builds(
    _quote, st.sampled_from(["均禾", "", " a ", "a: b", "a, b", "[a]", "12"]), st.sampled_from("\"'")
)
SAFE_IN_LIST = st.sampled_from(["均禾街道", "a b", "yes", "false", "~", "0", "194", "2019-02-12", "C"]) | SAFE_QUOTED
SAFE_VALUE = SAFE_IN_LIST | st.sampled_from(["http://x.org/a", "a:b", "a, b", "b [a] {c}", '他说"好"'])


@st.composite
def flat_front_matter(draw: st.DrawFn) -> str:
    """Front matter in the form the flat reader takes: scalars, [lists], - lists of scalars or of mappings."""
    lines = []
    for key in draw(st.lists(st.sampled_from(KEYS[:13]), unique=True, min_size=1)):
        form = draw(st.sampled_from(["scalar", "flow", "items", "mappings", "empty"]))
        if form == "scalar":
            lines.append(f"{key}: {draw(SAFE_VALUE)}")
        elif form == "flow":
            lines.append(f"{key}: [{', '.join(draw(st.lists(SAFE_IN_LIST, max_size=4)))}]")
        elif form == "empty":
            lines.append(f"{key}:")
        else:
            lines.append(f"{key}:")
            indent = draw(st.sampled_from(["", "  ", "    "]))
            for _ in range(draw(st.integers(1, 3))):
                if form == "items":
                    lines.append(f"{indent}- {draw(SAFE_VALUE)}")
                    continue
                fields = draw(st.lists(st.sampled_from(["src", "caption", "alt", "width"]), unique=True, min_size=1))
                lines.append(f"{indent}- {fields[0]}: {draw(SAFE_VALUE)}")
                lines.extend(f"{indent}  {name}: {draw(SAFE_VALUE)}" for name in fields[1:])
        if draw(st.booleans()):
            lines.append("")
    return "\n".join(lines)


@given(flat_front_matter())
@settings(max_examples=500, deadline=None)
def test_flat_front_matter_is_read_without_pyyaml_and_as_pyyaml_reads_it(text: str) -> None:
    flat = parse_flat(text)
    assert flat is not None, text
    _same(flat, text)


def test_a_typical_front_matter() -> None:
    text = (
        'title: "聚焦民生 松岗街道"\nauthor: 袁强\nviews: 194\ndate: 2019-02-12\ndraft: false\n'
        'tags: ["志愿服务", 体育]\nimages:\n  - src: images/b3.png\n    caption: 孩子们\n  - images/a0.png\nsummary:'
    )
    flat = parse_flat(text)
    assert flat is not None
    assert flat.data == {
        "title": "聚焦民生 松岗街道",
        "author": "袁强",
        "views": 194,
        "date": date(2019, 2, 12),
        "draft": False,
        "tags": ["志愿服务", "体育"],
        "images": [{"src": "images/b3.png", "caption": "孩子们"}, "images/a0.png"],
        "summary": None,
    }
    assert flat.key_lines["images"] == 7
    assert flat.item_lines == {"tags": (6, 6), "images": (8, 10)}


@pytest.mark.parametrize(
    "text",
    [
        "images:\n  - src: a\n    src: b",  # a key written twice inside a picture
        "title: |\n  text",
        "title: a # comment",
        'title: "a\\"b"',
        "date: 2022-12-12 08:30:00",
        "views: 1_000",
        "tags:\n  - a\n    b",  # a folded item
        "images:\n  - src: a\n    size:\n      width: 1",
        "title: a\n  folded",
        "- a\n- b",
        "title: [a, ]",
        "date: 2022-02-30",  # an impossible date: yamltext keeps it as text
        "  title: a",
        "title:a",  # a plain scalar, not a mapping
        "tags:\n- a\n - b",  # ['a - b']
        "title: a\n  - b",  # 'a - b'
    ],
)
def test_other_forms_are_left_to_pyyaml(text: str) -> None:
    assert parse_flat(text) is None


def test_a_key_written_twice_is_read_by_both_readers_alike_and_named_with_both_lines() -> None:
    text = "title: 正确的标题\ndate: 2025-01-01\ntags:\n  - a\ntitle: 2024\ndate: 2022-12-12\ntags: b\ntitle: c"
    flat = parse_flat(text)
    assert flat is not None
    _same(flat, text)
    assert flat.data == {"title": "c", "date": date(2022, 12, 12), "tags": "b"}
    assert flat.key_lines == {"title": 8, "date": 6, "tags": 7}  # the lines of the values kept
    assert flat.item_lines == {}
    assert flat.duplicates == (
        Duplicate("title", 1, 5),
        Duplicate("date", 2, 6),
        Duplicate("tags", 3, 7),
        Duplicate("title", 1, 8),
    )


def test_pyyaml_names_keys_written_twice_at_any_depth_but_not_merged_ones() -> None:
    doc = parse_yaml("images:\n  - src: a.jpg\n    src: b.jpg\nbase: &b {x: 1}\nother:\n  <<: *b\n  x: 2")
    assert doc.duplicates == (Duplicate("src", 2, 3),)
    assert parse_yaml("a: {k: 1, k: 2}").duplicates == (Duplicate("k", 1, 1),)
    assert parse_yaml("1: a\n'1': b").duplicates == ()  # a number and a text are two keys


def test_invalid_yaml_is_never_accepted() -> None:
    for text in ["title: a: b", "title: [a", "title: 'a", "a\nb: c", 'title: "a" b']:
        assert parse_flat(text) is None
        with pytest.raises(YamlSyntaxError):
            parse_yaml(text)


@st.composite
def nearly_flat_front_matter(draw: st.DrawFn) -> str:
    """Flat front matter with one change: a line put in or replaced, or a character put in anywhere."""
    text = draw(flat_front_matter())
    change = draw(st.sampled_from(["line", "replace", "character"]))
    if change == "character":
        at = draw(st.integers(0, len(text)))
        return text[:at] + draw(st.sampled_from([*" -:#'\"[]{},&*!|>%@`?\n\t\\~=<", "  ", ": ", "- "])) + text[at:]
    lines = text.split("\n")
    at = draw(st.integers(0, len(lines) - (change == "replace")))
    lines[at : at + (change == "replace")] = [draw(LINE)]
    return "\n".join(lines)


@given(nearly_flat_front_matter())
@settings(max_examples=1500, deadline=None)
def test_nearly_flat_front_matter_is_read_as_pyyaml_reads_it_or_left_to_it(text: str) -> None:
    flat = parse_flat(text)
    if flat is not None:
        _same(flat, text)
