"""Python-Markdown's inline pass, with the runs of text that no inline pattern can match left as they are.

The inline pass tries every pattern (about fifteen) on every run of text, each try a few Python calls; most runs
of Chinese news text hold none of the characters the patterns need, and a pattern that does not match leaves the
text unchanged. So a run in which one quick scan finds none of them is returned at once: the same text the pass
would have returned, after fifteen tries.

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

    The pass stays where it is, with its priority: only its method for one run of text is wrapped, on the instance
    (the pass calls it as `self.__handleInline`, which finds the instance's attribute first)."""
    needed = may_match(md)
    if needed is None or "inline" not in md.treeprocessors:  # (a Registry has no .get)
        return False
    inline = md.treeprocessors["inline"]
    if type(inline) is not InlineProcessor or not hasattr(inline, _HANDLE):
        return False
    handle = cast(Callable[[str, int], str], getattr(inline, _HANDLE))

    def handle_inline(data: str, pattern_index: int = 0) -> str:
        return data if needed.search(data) is None else handle(data, pattern_index)

    setattr(inline, _HANDLE, handle_inline)
    return True


def installed(md: markdown.Markdown) -> bool:
    """Whether `md`'s inline pass has the shortcut."""
    return "inline" in md.treeprocessors and _HANDLE in vars(md.treeprocessors["inline"])
