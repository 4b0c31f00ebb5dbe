"""Measure what each content limit protects against, with the installed Python-Markdown (run by hand, never by tests).

    PYTHONPATH=. python bench/limits.py            # prints one line per case: size, seconds

Each case renders through sitegen's own MarkdownRenderer with the size checks switched off (the limits raised
out of the way), so that the time shown is Python-Markdown's own on that input.
"""

from __future__ import annotations

import base64
import os
import sys
import time
from collections.abc import Callable

import markdown

from sitegen.content import limits as checks
from sitegen.content import markup
from sitegen.content.markup import MarkdownRenderer, MarkupError, Picture, Targets

TARGETS = Targets(picture=Picture, link_url=str, captions={})


def timed(text: str, limits: bool = False) -> float | str:
    saved = (markup.MAX_RUN_CHARS, markup.MAX_RUN_COST, markup.MAX_BODY_COST)
    if not limits:  # both modules: the block pass is checked in limits, the inline pass in markup
        for module in (markup, checks):
            module.MAX_RUN_CHARS = module.MAX_RUN_COST = module.MAX_BODY_COST = 10**12
    started = time.perf_counter()
    try:
        MarkdownRenderer().render(text, TARGETS)
        return time.perf_counter() - started
    except MarkupError as exc:
        return f"refused in {time.perf_counter() - started:.3f} s ({exc.message[:40]})"
    finally:
        for module in (markup, checks):
            module.MAX_RUN_CHARS, module.MAX_RUN_COST, module.MAX_BODY_COST = saved


def data_uri(size: int) -> str:
    return "data:image/png;base64," + base64.b64encode(os.urandom(size * 3 // 4)).decode()


CASES: dict[str, Callable[[int], str]] = {
    "plain paragraph (chars)": lambda n: "均禾街道开展防诈宣传，居民积极参与。" * (n // 18),
    "one data: URI picture (chars)": lambda n: f"![音频封面]({data_uri(n)})",
    "data: URI inside <img> in a paragraph (chars)": lambda n: f'文字 <img src="{data_uri(n)}"> 文字',
    "LaTeX with [ in math (chars)": lambda n: "区间 $[0,1)$ 与 $x\\in[a,b)$，" * (n // 24),
    "unclosed [ (count)": lambda n: "[" * n,
    "unclosed ![ (count)": lambda n: "![" * n,
    "unclosed <a  (count)": lambda n: "<a " * n,
    "unclosed <https:// (count)": lambda n: "<https://" * n,
    "[x]( unclosed link (count)": lambda n: "[x](" * n,
    "* emphasis run (count)": lambda n: "*a " * n,
    "paragraphs of 1,000 [ (paragraphs)": lambda n: ("[" * 1000 + "\n\n") * n,
    "blogdown HTML page (bytes)": lambda n: (
        '<div class="section">\n'
        + ('<p>正文 <strong>加粗</strong> 和 <a href="https://example.org">链接</a>。</p>\n' * (n // 90))
        + "</div>\n"
    ),
    "blogdown HTML with a data: picture (bytes)": lambda n: (
        f'<div>\n<p><img src="{data_uri(n)}" alt="x"></p>\n</div>\n'
    ),
}
SIZES = {
    "unclosed": (1_000, 2_000, 5_000),
    "paragraphs": (50, 200, 800),
    "default": (20_000, 100_000, 1_000_000),
    "blogdown": (1_000_000, 5_000_000, 20_000_000),
}


def main() -> None:
    """`python bench/limits.py [--refusals] [CASE...]`: every case (or those whose name holds a CASE), timed
    without the limits and with them; --refusals only times how fast the limits refuse the largest sizes."""
    print(f"Python-Markdown {markdown.__version__}, Python {sys.version.split()[0]}")
    only = [a for a in sys.argv[1:] if a != "--refusals"]
    if "--refusals" in sys.argv:
        for name, make in CASES.items():
            if not only or any(o in name for o in only):
                size = 50_000 if name.startswith(("unclosed", "*", "[x]")) else 5_000 if "paragraphs" in name else 0
                if size:
                    print(f"{name:48} {size:>10,}  {timed(make(size), limits=True)}", flush=True)
        return
    for name, make in CASES.items():
        if only and not any(o in name for o in only):
            continue
        key = next((k for k in SIZES if k in name), "default")
        if name.startswith(("*", "[x]")):
            key = "unclosed"
        for size in SIZES[key]:
            text = make(size)
            seconds = timed(text)
            shown = f"{seconds:.3f} s" if isinstance(seconds, float) else seconds
            limited = timed(text, limits=True)
            verdict = "accepted" if isinstance(limited, float) else limited
            print(f"{name:48} {size:>10,}  {shown:>10}   with the limits: {verdict}", flush=True)
            if isinstance(seconds, float) and seconds > 30:
                break


if __name__ == "__main__":
    main()
