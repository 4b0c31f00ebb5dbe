"""CJK-aware text: running text from HTML, summaries cut at sentence ends, character counts, reading time."""

from __future__ import annotations

import html as html_lib
import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from text_support import html_to_text

from sitegen.content.text import (
    CJK_CLASS,
    CJK_PER_MINUTE,
    CONTROLS,
    LATIN_WORD,
    SUMMARY_LENGTH,
    WORDS_PER_MINUTE,
    character_count,
    reading_minutes,
    summarize,
    without_controls,
)

SENTENCE_END = "。！？!?"


def sentence(length: int, end: str = "。") -> str:
    """A Chinese 'sentence' of exactly `length` characters ending with `end`."""
    return "均" * (length - 1) + end


# --------------------------------------------------------------------------- summaries


def test_short_text_is_its_own_summary() -> None:
    assert summarize("短短一句。") == "短短一句。"
    assert summarize("  多余的\n 空白  ") == "多余的 空白"


def test_long_text_is_cut_at_the_sentence_end_nearest_the_length() -> None:
    text = sentence(70) + sentence(45) + sentence(40) + sentence(40)
    summary = summarize(text)
    assert summary == sentence(70) + sentence(45)  # the last end before 120: the next one is past 150
    assert summarize(sentence(70) + sentence(55) + "其" * 100) == sentence(70) + sentence(55)  # the first past 120
    assert summarize(sentence(100) + sentence(100)) == sentence(100)


@pytest.mark.parametrize("end", list(SENTENCE_END))
def test_every_sentence_end_counts(end: str) -> None:
    text = sentence(110, end) + "其" * 200
    assert summarize(text) == sentence(110, end)


def test_closing_quotes_after_the_sentence_end_are_kept() -> None:
    text = "他表示，“" + "均" * 100 + "。”" + "其" * 100
    assert summarize(text).endswith("。”")


@pytest.mark.parametrize("not_an_end", ["；", ";", "，", "、", "：", "…"])
def test_only_real_sentence_ends_end_a_summary(not_an_end: str) -> None:
    text = sentence(100) + "其" * 22 + not_an_end + "其" * 200
    summary = summarize(text)
    assert summary == sentence(100), summary


def test_without_a_sentence_end_the_cut_is_marked_with_an_ellipsis() -> None:
    summary = summarize("均" * 500)
    assert summary == "均" * SUMMARY_LENGTH + "…"


def test_a_latin_word_is_never_cut() -> None:
    text = "均" * 115 + " Guangzhou Baiyun district " + "禾" * 100
    summary = summarize(text)
    assert summary.endswith("均…") or summary.endswith("Guangzhou…") or summary.endswith("Baiyun…")
    assert "Guangzh…" not in summary
    assert summary.rstrip("…").split()[-1] in {"均" * 115, "Guangzhou", "Baiyun", "district"}


def test_a_summary_never_ends_with_a_comma_before_the_ellipsis() -> None:
    text = ("均禾街道，" * 60).replace("。", "")
    summary = summarize(text)
    assert summary.endswith("…")
    assert not summary.endswith("，…")


def test_characters_outside_the_basic_plane_are_never_split() -> None:
    text = "𠀀𪚥" * 200
    summary = summarize(text)
    assert summary[:-1] == text[: len(summary) - 1]
    assert summary.encode("utf-8").decode("utf-8") == summary


@settings(max_examples=150, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("均禾街道社区新闻 abcXYZ&<>\"'。！？!?，、；\n𠀀")),
        max_size=400,
    )
)
def test_a_summary_of_html_is_a_prefix_of_its_text_never_cut_inside_a_tag_or_entity(text: str) -> None:
    source = "<p>" + html_lib.escape(text).replace("\n", "</p>\n<p><em>") + "</em></p>"
    summary = summarize(html_to_text(source))
    flat = " ".join(text.split())
    body = summary[:-1] if summary.endswith("…") and not flat.startswith(summary) else summary
    assert flat.startswith(body), (summary, flat)
    assert "<em" not in summary and "</" not in summary
    assert "&lt;" not in summary and "&quot;" not in summary
    assert len(summary) <= SUMMARY_LENGTH + SUMMARY_LENGTH // 4 + 1
    if summary != flat and not summary.endswith("…"):
        assert summary.rstrip("”’」』）)\"'")[-1] in SENTENCE_END


# --------------------------------------------------------------------------- running text


def test_html_to_text_decodes_entities_and_drops_tags() -> None:
    assert html_to_text("<p>AT&amp;T &lt;均禾&gt; <em>强调</em>&#12290;</p>") == "AT&T <均禾> 强调。"


def test_html_to_text_leaves_out_headings_figures_code_tables_and_footnotes() -> None:
    source = (
        "<h2>小标题</h2><p>正文一。</p>"
        '<figure><img alt="x" src="a.png"><figcaption>图注</figcaption></figure>'
        "<pre><code>code()</code></pre><table><tr><td>表格</td></tr></table>"
        '<p>正文二<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>。</p>'
        '<div class="footnote"><ol><li>注释</li></ol></div>'
    )
    assert html_to_text(source) == "正文一。\n正文二。"


def test_html_to_text_puts_each_block_on_its_own_line() -> None:
    assert (
        html_to_text("<p>甲</p><ul><li>乙</li><li>丙</li></ul><blockquote><p>丁</p></blockquote>") == "甲\n乙\n丙\n丁"
    )


# --------------------------------------------------------------------------- counts


def test_character_count_ignores_white_space() -> None:
    assert character_count("均禾 街道\n社区 ab") == 8


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("", 1), ("均" * 500, 1), ("均" * 501, 2), ("word " * 200, 1), ("word " * 201, 2), ("均" * 250 + " w" * 100, 1)],
)
def test_reading_minutes(text: str, minutes: int) -> None:
    assert reading_minutes(text) == minutes


_MIXED_TEXT = st.text(
    st.one_of(
        st.sampled_from("均禾街道社区 abc'’-\n\t。"),
        st.characters(codec="utf-8"),  # control characters, surrogates, noncharacters, beyond the BMP
    ),
    max_size=60,
)


@given(_MIXED_TEXT)
@settings(max_examples=300)
def test_reading_minutes_counts_as_the_two_scans_did(text: str) -> None:
    # counted by runs of CJK characters: the same as counting and replacing them one by one
    cjk = len(re.findall(CJK_CLASS, text))
    words = len(LATIN_WORD.findall(re.sub(CJK_CLASS, " ", text)))
    assert reading_minutes(text) == max(1, math.ceil(cjk / CJK_PER_MINUTE + words / WORDS_PER_MINUTE))


@given(st.text(st.characters(codec="utf-8") | st.characters(blacklist_categories=()), max_size=40))
@settings(max_examples=500)
def test_without_controls_removes_exactly_the_controls(text: str) -> None:
    # the quick pre-check may never let a control character through, nor change text without one
    assert without_controls(text) == CONTROLS.sub("", text)
    assert without_controls(text + "\U0010fffe\x01") == CONTROLS.sub("", text)


@pytest.mark.parametrize(
    "control", ["\x00", "\x1f", "\x7f", "\x85", "\ud800", "\ufdd0", "\uffff", "\U0001fffe", "\U0010ffff"]
)
def test_without_controls_drops_every_kind_of_control(control: str) -> None:
    assert without_controls(f"均{control}禾\U0001f600") == "均禾\U0001f600"
