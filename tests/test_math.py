"""TeX math between dollars is kept away from Python-Markdown: the page shows it as written."""

from __future__ import annotations

import pytest
from text_support import html_to_text

from sitegen.content.limits import MAX_RUN_COST, run_cost
from sitegen.content.markup import MarkdownRenderer, Picture, Targets
from sitegen.content.math import protect_math

TARGETS = Targets(picture=Picture, link_url=str, captions={})


def shown(markdown: str) -> str:
    return html_to_text(MarkdownRenderer().render(markdown, TARGETS).html)


@pytest.mark.parametrize(
    "text",
    [
        "区间 $[0,1)$ 上的均匀分布 $U[0,1)$",
        "$x_1 * y_2 = z_1 * w_2$",
        r"$\{a, b\} \subset [c, d)$",
        "$$\n\\sum_{i=1}^n a_i [x_i < y_i]\n$$",
        "$a<b$ 与 $b>a$",
    ],
)
def test_math_is_shown_as_written(text: str) -> None:
    assert " ".join(shown(text).split()) == " ".join(text.split())


def test_money_and_code_are_not_math() -> None:
    assert protect_math("售价$5，优惠$10，见[说明](x.md)") == "售价$5，优惠$10，见[说明](x.md)"
    assert protect_math("`$[x$` 和\n\n```\n$[y$\n```\n") == "`$[x$` 和\n\n```\n$[y$\n```\n"
    assert protect_math("没有美元符号 [x") == "没有美元符号 [x"


def test_a_long_paragraph_of_half_open_intervals_costs_nothing() -> None:
    paragraph = "区间 $[0,1)$ 与 $x\\in[a,b)$，" * 2000  # Python-Markdown alone: minutes (bench/limits.py)
    assert run_cost(paragraph) > MAX_RUN_COST * 10 and run_cost(protect_math(paragraph)) == 0
    assert shown(paragraph).count("$[0,1)$") == 2000
