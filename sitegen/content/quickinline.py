"""Python-Markdown's inline pass, with the runs of text that no inline pattern can match left as they are.

The inline pass tries every pattern (about fifteen) on every run of text, each try a few Python calls; most runs
of Chinese news text hold none of the characters the patterns need, and a pattern that does not match leaves the
text unchanged. So a run in which one quick scan finds none of them is returned at once: the same text the pass
would have returned, after fifteen tries; and in a run with some markup, a pattern is tried only where what it
needs is in the text left to read.

Each pattern is known here by its exact regular expression, with what every match of it must contain. A pattern
not in the table (another Python-Markdown release, another extension) switches the shortcut off for the whole
instance: the output is Python-Markdown's either way, and only the time differs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import cast

import markdown
from markdown import inlinepatterns
from markdown.inlinepatterns import Pattern
from markdown.treeprocessors import InlineProcessor

# Python-Markdown's pattern (its regex source) -> a regex that finds what any match of the pattern contains
NEEDS: dict[str, str] = {
    r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)": r"[\\`]",  # backtick: code spans, escaped backslashes before them
    r"\\(.)": r"\\",  # escape
    r"\[\^([^\]]*)\]": r"\[",  # footnote reference
    r"(?<!\!)\[": r"\[",  # reference, link, short_reference
    r"\!\[": r"\[",  # image_link, image_reference, short_image_ref
    r"<([A-Za-z][A-Za-z0-9+.-]*://[^<>]*)>": "<",  # autolink
    r"<([^<> !]+@[^@<> ]+)>": "<",  # automail
    r"  \n": r"  \n",  # linebreak
    r"(&(?:\#[0-9]+|\#x[0-9a-fA-F]+|[a-zA-Z0-9]+);)": "&",  # entity
    r"\*|_": r"[*_]",  # em_strong
    r"\*": r"\*",  # em_strong of Python-Markdown before 3.11
    r"_": "_",  # em_strong2 of Python-Markdown before 3.11
    (  # html
        r"""(<(\/?+[a-zA-Z][^\s"'<>@]*+(?:\s+[^\s"'=<>]++(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|[^\s"'=<>]++))?+)*+\s*+/?"""
        r"""|!--(?:(?!<!--|-->).)*--|[?](?:(?!<[?]|[?]>).)*[?]|!\[CDATA\[(?:(?!<!\[CDATA\[|\]\]>).)*\]\])>)"""
    ): "<",
}

_HANDLE = "_InlineProcessor__handleInline"  # InlineProcessor.__handleInline: the pass over one run of text
_APPLY = "_InlineProcessor__applyPattern"  # InlineProcessor.__applyPattern: one pattern on a run, from an index


def may_match(md: markdown.Markdown) -> re.Pattern[str] | None:
    """A regex that finds something in every text any of `md`'s inline patterns matches; None when a pattern is
    not in NEEDS (or not of the kind whose misses leave text unchanged)."""
    needs = []
    for pattern in md.inlinePatterns:
        source = getattr(getattr(pattern, "compiled_re", None), "pattern", None)
        if not isinstance(pattern, inlinepatterns.InlineProcessor) or source not in NEEDS:
            return None
        needs.append(NEEDS[source])
    return re.compile("|".join(dict.fromkeys(needs)) or "(?!)")


def install(md: markdown.Markdown) -> bool:
    """Give `md`'s inline pass the shortcut when every pattern is known; whether it was given.

    The pass stays where it is, with its priority: only its methods for one run of text and for one pattern on it
    are wrapped, on the instance (the pass calls them as `self.__handleInline` and `self.__applyPattern`, which find
    the instance's attributes first). A run is returned at once when no pattern can match it; in a run that some
    pattern can match, a pattern is skipped where what it needs is not in the text left to read (it would leave
    the text unchanged: `(data, False, 0)`, the pass's own answer for a pattern that does not match)."""
    needed = may_match(md)
    if needed is None or "inline" not in md.treeprocessors:  # (a Registry has no .get)
        return False
    inline = md.treeprocessors["inline"]
    if type(inline) is not InlineProcessor or not (hasattr(inline, _HANDLE) and hasattr(inline, _APPLY)):
        return False
    handle = cast(Callable[[str, int], str], getattr(inline, _HANDLE))
    apply = cast(Callable[[Pattern, str, int, int], tuple[str, bool, int]], getattr(inline, _APPLY))
    needs = {pattern: re.compile(NEEDS[pattern.compiled_re.pattern]) for pattern in md.inlinePatterns}

    def handle_inline(data: str, pattern_index: int = 0) -> str:
        return data if needed.search(data) is None else handle(data, pattern_index)

    def apply_pattern(pattern: Pattern, data: str, pattern_index: int, start: int = 0) -> tuple[str, bool, int]:
        if needs[pattern].search(data, start) is None:  # a match from `start` on holds what the pattern needs
            return data, False, 0
        return apply(pattern, data, pattern_index, start)

    setattr(inline, _HANDLE, handle_inline)
    setattr(inline, _APPLY, apply_pattern)
    return True


def installed(md: markdown.Markdown) -> bool:
    """Whether `md`'s inline pass has the shortcut."""
    return "inline" in md.treeprocessors and {_HANDLE, _APPLY} <= vars(md.treeprocessors["inline"]).keys()
