"""The message catalog (sitegen.messages): each entry is compiled only when a message starts with its literal
prefix, so the prefix must be one that every message the pattern matches starts with."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.messages import _ZH, literal_prefix, translate


@pytest.mark.parametrize(
    ("pattern", "prefix"),
    [
        ("plain text", "plain text"),
        (r"picture '(?P<src>.*)' (?P<problem>.*)", "picture '"),
        ("ab?c", "a"),
        ("ab*c", "a"),
        ("ab{2}", "a"),
        ("ab+", "a"),
        (r"a\.b", "a"),
        ("one|two", ""),
        ("(?P<x>.*) tail", ""),
        ("[abc]d", ""),
    ],
)
def test_the_literal_prefix_stops_before_what_a_regular_expression_gives_a_meaning(pattern: str, prefix: str) -> None:
    assert literal_prefix(pattern) == prefix


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.data())
def test_every_message_a_catalog_pattern_matches_starts_with_its_prefix(data: st.DataObject) -> None:
    pattern, _ = data.draw(st.sampled_from(_ZH))
    text = data.draw(st.from_regex(re.compile(pattern, re.DOTALL), fullmatch=True))
    assert text.startswith(literal_prefix(pattern))


def test_translation_is_what_trying_every_compiled_pattern_in_order_gives() -> None:
    def eager(text: str) -> str | None:
        for pattern, template in _ZH:
            if re.fullmatch(pattern, text, re.DOTALL):
                return template
        return None

    samples = ["is not UTF-8 text", "picture 'a.png' is not found", "read the build cache", "nothing like it"]
    for text in samples:
        expected = eager(text)
        assert (translate(text, "zh-CN") != text) == (expected is not None), text
