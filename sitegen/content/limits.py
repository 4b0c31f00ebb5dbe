"""The limits that keep Python-Markdown within seconds and within Python's recursion limit on hostile text, checked
before it runs (the block pass) and between its passes (see markup._CostProcessor). Figures: bench/limits.py."""

from __future__ import annotations

import re

MAX_NESTING = 40  # lists and quotes inside each other (four columns of indentation count as one level)
MAX_HTML_DEPTH = 256  # elements inside each other in the finished body, raw HTML included
# One paragraph, list item or table cell: Python-Markdown 3.11 reads plain text, emphasis and a data: URI in linear
# time (about 1.5 s for a million characters; the quadratic cases are priced by run_cost), so this only bounds the
# time one paragraph may take: a 3 MB picture written inline fits.
MAX_RUN_CHARS = 4_000_000
# Python-Markdown looks for the end of an unclosed '[' or '<' up to the end of its paragraph: the sum of those
# distances (our "cost") predicts its time, about half a microsecond per unit.
MAX_RUN_COST = 2_000_000
MAX_BODY_COST = 10_000_000
_NESTING_PREFIX = re.compile(r"(?:[ \t]|>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t]))*")
_MARKS = re.compile(r">|(?:[-*+]|\d{1,9}[.)])(?=[ \t])")
_OPENERS_CLOSERS = re.compile(r"\]\(|[\[\]<>)]")
_ANGLES = re.compile(r"[<>]")
_BRACKETS = re.compile(r"\]\(|[\[\])]")
# what must be in a text for its cost to be above 0 (closers alone cost nothing): most runs of text have none
_COSTLY = {"[<": re.compile(r"[\[<]|\]\("), "[": re.compile(r"\[|\]\("), "<": re.compile("<")}


class MarkupError(ValueError):
    """A body Markdown cannot render within the limits: `line` is 1-based in the text given to render()."""

    def __init__(self, message: str, hint: str = "", line: int | None = None, snippet: str = "") -> None:
        super().__init__(message)
        self.message, self.hint, self.line, self.snippet = message, hint, line, snippet


def source_check(text: str) -> None:
    """Refuse what Python-Markdown's block pass cannot take: deep nesting, and '<' storms that its HTML parser
    reads in quadratic time (the inline pass is checked by _CostProcessor)."""
    total, brackets, line = 0, 0, 1
    for block in re.split(r"(\n[ \t]*\n)", _without_fenced_code(text)):
        if block.startswith("\n"):
            line += block.count("\n")
            continue
        cost = run_cost(block, "<") if "<" in block else 0
        total += cost
        # '[' is priced exactly in the inline pass; this rough sum (outside fenced code) only spares a hostile
        # body of thousands of such paragraphs the block pass before it is refused
        brackets += run_cost(block, "[") if "[" in block else 0
        if cost > MAX_RUN_COST or total > MAX_BODY_COST or brackets > 2 * MAX_BODY_COST:
            raise MarkupError(COST_MESSAGE, COST_HINT, line=line)
        line += block.count("\n")
    for number, line_text in enumerate(text.split("\n"), start=1):
        prefix = _NESTING_PREFIX.match(line_text)
        if prefix is None or len(prefix.group(0)) < MAX_NESTING:
            continue
        head = prefix.group(0).expandtabs(4)
        marks = len(_MARKS.findall(head))
        depth = marks + max(0, head.count(" ") - marks) // 4  # four columns of indentation nest a list
        if depth > MAX_NESTING:
            raise MarkupError(
                f"lists or quotes are nested more than {MAX_NESTING} levels deep",
                "flatten the list or quote",
                line=number,
            )


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def _without_fenced_code(text: str) -> str:
    """`text` with the lines of fenced code blocks emptied (line numbers kept)."""
    if "```" not in text and "~~~" not in text:
        return text
    lines, fence = text.split("\n"), ""
    for index, line in enumerate(lines):
        match = _FENCE.match(line)
        if fence:
            lines[index] = ""
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = ""
        elif match:
            fence, lines[index] = match.group(1), ""
    return "\n".join(lines)


COST_MESSAGE = "too many unclosed '[' or '<' for Python-Markdown to read in reasonable time"
COST_HINT = "close the brackets, or write them as \\[ and &lt;"


def run_cost(text: str, openers: str = "[<") -> int:
    """What Python-Markdown spends on `text` beyond reading it: for every '[' the distance to the ']' that closes
    it, for every link destination `](` the distance to its ')', and for every '<' that no '>' closes (those in
    `openers`) the distance to the end of the text."""
    if _COSTLY.get(openers, _COSTLY["<"]).search(text) is None:
        return 0
    return _priced(text, openers)


def _priced(text: str, openers: str) -> int:
    """run_cost, bracket by bracket."""
    cost = 0
    brackets: list[int] = []
    parens: list[int] = []
    angle = -1
    pattern = _OPENERS_CLOSERS if openers == "[<" else _BRACKETS if openers == "[" else _ANGLES
    for match in pattern.finditer(text):
        char, at = match.group(0), match.start()
        if char == "[":
            brackets.append(at)
        elif char in ("]", "]("):
            if brackets:
                cost += at - brackets.pop()
            if char == "](":
                parens.append(at)
        elif char == ")":
            if parens:
                cost += at - parens.pop()
        elif char == "<":
            if angle >= 0:  # the '<' before was never closed: read to the end
                cost += len(text) - angle
            angle = at
        elif angle >= 0:  # a closed tag is read once, whatever its length (a data: URI in an <img>)
            angle = -1
    cost += sum(len(text) - at for at in (*brackets, *parens))
    return cost + (len(text) - angle if angle >= 0 else 0)
