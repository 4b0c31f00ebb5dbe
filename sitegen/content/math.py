"""TeX math in Markdown (`$x$`, `$$x$$`): its characters kept away from Python-Markdown. Pure.

Archives of R Markdown, blogdown and Hugo sites write math between dollars. Python-Markdown knows no math: it
reads `_` and `*` there as emphasis, drops the backslash of `\\{`, and looks for the end of every `[` of a
half-open interval (`$[0,1)$`) up to the end of the paragraph, which takes it minutes in a long one (see
bench/limits.py). Inside math those characters are written as character references instead: the page shows
(and MathJax or KaTeX reads) exactly the same text, and Python-Markdown has nothing to scan.

Math as pandoc reads it: `$$...$$`, or `$...$` whose opening `$` has a non-space after it and whose closing
`$` has a non-space before it and no digit after it (so that 售价$5，优惠$10 stays money); never across a blank
line, never in code.
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_INLINE = re.compile(
    r"(?P<code>(`+)[\s\S]*?(?<!`)\2(?!`))"
    r"|(?P<display>\$\$(?:(?!\n[ \t]*\n)[^$])+?\$\$)"
    r"|(?P<inline>(?<![\\$])\$(?=[^\s$])(?:[^$\n\\]|\\[^\n])*?(?<=[^\s\\])\$(?!\d))"
)
_PROTECTED = {"\\": "&#92;", "[": "&#91;", "]": "&#93;", "<": "&lt;", "_": "&#95;", "*": "&#42;", "`": "&#96;"}
_PROTECTED_CHARS = re.compile(r"[\\\[\]<_*`]")


def _protect(match: re.Match[str]) -> str:
    if match.group("code") is not None:
        return match.group(0)
    return _PROTECTED_CHARS.sub(lambda m: _PROTECTED[m.group(0)], match.group(0))


def protect_math(text: str) -> str:
    """`text` with the Markdown-special characters inside math written as character references."""
    if "$" not in text:
        return text
    out: list[str] = []
    prose: list[str] = []
    fence = ""

    def flush() -> None:
        if prose:
            out.append(_INLINE.sub(_protect, "".join(prose)))
            prose.clear()

    for line in text.splitlines(keepends=True):
        match = _FENCE.match(line)
        if fence:
            out.append(line)
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = ""
        elif match:
            flush()
            fence = match.group(1)
            out.append(line)
        elif line.startswith(("    ", "\t")):
            flush()  # indented code (or a list's continuation): left as written
            out.append(line)
        else:
            prose.append(line)
    flush()
    return "".join(out)
