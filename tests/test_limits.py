"""Sizes and shapes: every oversized or pathological source builds or fails with a clear error, quickly.

A refused source is refused before Python-Markdown sees its text (the witness: no text over a few hundred characters
reaches the renderer), so a regression to Markdown's quadratic or recursive behaviour cannot hide behind a refusal.
Speed itself is measured in bench/limits.py, never asserted here; each test only has a generous timeout
(pytest-timeout), so that a regression shows up as a failure instead of a CI run that hangs.
"""

from __future__ import annotations

import base64
from pathlib import Path
from unittest import mock

import markdown
import pytest
from conftest import PNG, SITE_YAML, MakeSite, build_site, load
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.content import limits
from sitegen.content.articles import MAX_SOURCE_BYTES
from sitegen.content.frontmatter import MAX_FRONT_MATTER_BYTES, MAX_LIST_ITEMS
from sitegen.content.limits import MAX_HTML_DEPTH, MAX_NESTING, MAX_RUN_CHARS, run_cost
from sitegen.content.markup import MarkdownRenderer, Picture, Targets
from sitegen.content.sourcefile import read_limited
from sitegen.errors import BuildFailed

HEAD = "---\ntitle: 大文章\ndate: 2024-01-02\n"


pytestmark = pytest.mark.timeout(300)  # a hang guard, not a speed target: these take seconds

SHORT = 300  # characters: the longest text a refusing test hands the renderer (its ordinary first paragraph)


def failure(site: Path, before_markdown: bool = True) -> str:
    """The one error loading `site` gives. `before_markdown`: Python-Markdown (its `convert`) saw none of the refused
    text; the refusals that catch Markdown's own failure (a RecursionError) or check what it made (HTML depth, a
    paragraph's length, inside its block parser) say False."""
    seen: list[str] = []
    convert = markdown.Markdown.convert

    def recorded(self: markdown.Markdown, source: str) -> str:
        seen.append(source)
        return convert(self, source)

    with mock.patch.object(markdown.Markdown, "convert", recorded), pytest.raises(BuildFailed) as caught:
        load(site, jobs=1)  # in this process, where the renderer is watched
    if before_markdown:
        assert all(len(text) <= SHORT for text in seen), [len(text) for text in seen]
    (error,) = caught.value.errors
    return error.text("en")


def builds(site: Path) -> None:
    build_site(site)


def test_a_10_mb_article_is_refused_before_it_is_read_whole(make_site: MakeSite) -> None:
    body = ("这是一个很长的句子，用来把文章撑大。" * 50 + "\n\n") * 4000
    site = make_site({"content/towns/big.md": (HEAD + "---\n" + body).encode("utf-8")})
    assert (site / "content/towns/big.md").stat().st_size > 10 * 1024 * 1024
    message = failure(site)
    assert message.startswith(f"content/towns/big.md: is larger than {MAX_SOURCE_BYTES // 1024} KB"), message


def test_an_article_of_two_megabytes_builds(make_site: MakeSite) -> None:
    paragraph = "均禾街道开展*防诈*宣传，居民[积极参与](https://example.org/a)。" * 20 + "\n\n"
    body = paragraph * ((2 * 1024 * 1024) // len(paragraph.encode("utf-8")))
    site = make_site({"content/towns/big.md": (HEAD + "---\n" + body).encode("utf-8")})
    assert (site / "content/towns/big.md").stat().st_size > 2_000_000
    build_site(site)
    assert (site / "public/towns/2024/01/big/index.html").read_text("utf-8").count("积极参与") > 10_000


def test_a_100000_line_front_matter_is_refused_before_yaml_reads_it(make_site: MakeSite) -> None:
    lines = "summary: |\n" + "  x\n" * 100_000
    site = make_site({"content/towns/a.md": HEAD + lines + "---\n正文。\n"})
    message = failure(site)
    assert message.startswith("content/towns/a.md:2: the front matter is ")
    assert f"at most {MAX_FRONT_MATTER_BYTES} bytes" in message


def test_10000_tags_are_refused_with_the_limit(make_site: MakeSite) -> None:
    tags = "tags: [" + ", ".join(f"{i:x}" for i in range(10_000)) + "]\n"  # short: the front matter fits
    site = make_site({"content/towns/a.md": HEAD + tags + "---\n正文。\n"})
    message = failure(site)
    assert message == f"content/towns/a.md:4: tags: expected at most {MAX_LIST_ITEMS} entries, got 10000"


def test_the_most_tags_allowed_build(make_site: MakeSite) -> None:
    tags = "tags: [" + ", ".join(f"标签{i}" for i in range(MAX_LIST_ITEMS)) + "]\n"
    site = make_site({"content/towns/a.md": HEAD + tags + "---\n正文。\n"})
    builds(site)
    assert (site / "public/tags/标签99/index.html").is_file()


@pytest.mark.parametrize(
    ("body", "line"),
    [
        ("\n".join("    " * i + "- 项" for i in range(200)), 8 + MAX_NESTING),  # the first line too deep
        ("- " * 1000 + "项", 8),
        ("1. " * 1000 + "项", 8),
        (">" * 1000 + " 引文", 8),
        ("> - " * 500 + "项", 8),
    ],
    ids=["list", "list markers", "ordered list markers", "quotes", "quotes and lists"],
)
def test_deeply_nested_lists_and_quotes_are_an_error_naming_the_line(make_site: MakeSite, body: str, line: int) -> None:
    site = make_site({"content/towns/a.md": HEAD + "---\n\n第一段。\n\n" + body + "\n"})
    message = failure(site)
    assert message.startswith(f"content/towns/a.md:{line}: body: lists or quotes are nested more than"), message


def test_nesting_up_to_the_limit_builds(make_site: MakeSite) -> None:
    body = "\n".join("    " * i + f"- 第{i}层" for i in range(MAX_NESTING - 1))
    site = make_site({"content/towns/a.md": HEAD + "---\n" + body + "\n"})
    builds(site)
    assert (site / "public/towns/2024/01/a/index.html").read_text(encoding="utf-8").count("<ul>") == MAX_NESTING - 1


def test_deeply_nested_emphasis_is_an_error_not_a_recursion_error(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": HEAD + "---\n" + "*" * 3000 + "字" + "*" * 3000 + "\n"})
    assert "body: is nested too deeply for Python-Markdown" in failure(site, before_markdown=False)


def test_deeply_nested_raw_html_is_an_error(make_site: MakeSite) -> None:
    for column in ("towns", "tips"):  # trusted and untrusted
        site = make_site({f"content/{column}/a.md": HEAD + "---\n" + "<div>" * 100_000 + "字\n"})
        message = failure(site, before_markdown=False)
        assert f"HTML elements are nested more than {MAX_HTML_DEPTH} levels deep" in message
        (site / f"content/{column}/a.md").unlink()


def test_a_paragraph_over_the_limit_is_an_error_naming_its_line(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": HEAD + "---\n\n短段落。\n\n" + "a" * (MAX_RUN_CHARS + 1) + "\n"})
    message = failure(site, before_markdown=False)
    expected = f"content/towns/a.md:8: body: a paragraph of {MAX_RUN_CHARS + 1} characters; at most {MAX_RUN_CHARS}"
    assert message.startswith(expected), message


def test_a_million_character_line_in_a_code_block_builds(make_site: MakeSite) -> None:
    """Code is not read for Markdown: a long line there costs nothing."""
    site = make_site({"content/towns/a.md": HEAD + "---\n```\n" + "x" * 1_000_000 + "\n```\n"})
    builds(site)
    page = (site / "public/towns/2024/01/a/index.html").read_text(encoding="utf-8")
    assert "x" * 1_000_000 in page and run_cost("x" * 1_000_000) == 0


@pytest.mark.parametrize("opener", ["[", "<a ", "![", "[^", "<https://"])
def test_storms_of_unclosed_brackets_are_refused_quickly(make_site: MakeSite, opener: str) -> None:
    """Python-Markdown needs minutes for 20,000 unclosed '[' in one paragraph; the cost check refuses it."""
    line = (opener * (20_000 // len(opener)))[:20_000]
    site = make_site({"content/towns/a.md": HEAD + "---\n" + line + "\n"})
    assert "too many unclosed '[' or '<'" in failure(site)


def test_many_paragraphs_of_unclosed_brackets_are_refused_quickly(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": HEAD + "---\n" + ("[" * 1500 + "\n\n") * 300})
    assert "too many unclosed '[' or '<'" in failure(site)


def test_closed_links_and_tags_cost_little() -> None:
    link_heavy = "看[这里](https://example.org/x)和<b>那里</b>。" * 2000
    assert run_cost(link_heavy) < 100_000
    assert run_cost("[" * 1000) == sum(range(1, 1001))
    assert run_cost("<a " * 10) > run_cost("<a>" * 10) == 0


def test_link_heavy_long_paragraphs_render_quickly() -> None:
    renderer = MarkdownRenderer()
    text = ("看[这里](https://example.org/x)、`代码`、*强调*和<b>那里</b>。" * 400 + "\n\n") * 20
    html = renderer.render(text, Targets(picture=Picture, link_url=str, captions={})).html
    assert html.count("<a href") == 8000


# --------------------------------------------------------------------------- what real archives hold builds


def test_a_large_html_post_with_a_data_picture_builds(make_site: MakeSite) -> None:
    """A blogdown post: rendered HTML with a self-contained picture, over 1 MB, one line over 1,000,000 characters."""
    data = "data:image/png;base64," + base64.b64encode(PNG + bytes(range(256)) * 3000).decode() * 1
    data += "A" * (1_100_000 - len(data))
    body = f'<div>\n<h2 id="图">图</h2>\n<p><img src="{data}" alt="内嵌图"></p>\n</div>\n\n正文。\n'
    site = make_site({"content/towns/a.md": HEAD + "---\n" + body})
    assert (site / "content/towns/a.md").stat().st_size > 1024 * 1024
    build_site(site)
    assert f'<img src="{data}" alt="内嵌图">' in (site / "public/towns/2024/01/a/index.html").read_text("utf-8")


def test_a_markdown_data_picture_over_20000_characters_builds(make_site: MakeSite) -> None:
    data = "data:image/png;base64," + base64.b64encode(PNG).decode() + "A" * 30_000
    site = make_site({"content/towns/a.md": HEAD + "---\n" + f"![音频封面]({data})\n"})
    build_site(site)
    html = (site / "public/towns/2024/01/a/index.html").read_text("utf-8")
    assert f'src="{data}"' in html and "<figcaption>音频封面</figcaption>" in html


def test_a_data_picture_is_refused_in_an_untrusted_column(make_site: MakeSite) -> None:
    data = "data:image/png;base64," + base64.b64encode(PNG).decode()
    untrusted = SITE_YAML.replace("title: 身边爆料", "title: 身边爆料\n    untrusted: true")
    site = make_site({"site.yaml": untrusted, "content/tips/a.md": HEAD + f"images: ['{data}']\n---\n正文。\n"})
    assert "is a data: URI: not allowed in an untrusted column" in failure(site)


def test_a_post_full_of_latex_builds(make_site: MakeSite) -> None:
    paragraph = "设 $X\\sim U[0,1)$，则对 $[a,b)\\subset[0,1)$ 有 $P(X\\in[a,b))=b-a$，且 $x_i<y_i$。" * 300
    site = make_site({"content/towns/a.md": HEAD + "---\n" + (paragraph + "\n\n") * 20})
    build_site(site)
    html = (site / "public/towns/2024/01/a/index.html").read_text("utf-8")
    assert html.count("P(X&#92;in&#91;a,b))=b-a") == 6000  # shown as written: $P(X\in[a,b))=b-a$


HARMLESS = ["ftp://ftp.example.org/pub/a.pdf", "sms:10086", "weixin://dl/chat", "magnet:?xt=urn:btih:abc", "geo:2,3"]


@pytest.mark.parametrize("href", HARMLESS)
def test_harmless_schemes_are_links(make_site: MakeSite, href: str) -> None:
    site = make_site({"content/towns/a.md": HEAD + "---\n" + f"[资料]({href})\n"})
    build_site(site)
    assert f'href="{href}"' in (site / "public/towns/2024/01/a/index.html").read_text("utf-8").replace("&amp;", "&")


def test_remote_picture_urls_are_percent_encoded_as_browsers_do(make_site: MakeSite) -> None:
    images = "images:\n  - 'https://img.example.org/a b\\c|d.jpg'\n"
    site = make_site({"content/towns/a.md": HEAD + images + "---\n正文。\n"})
    build_site(site)
    html = (site / "public/towns/2024/01/a/index.html").read_text("utf-8")
    assert 'src="https://img.example.org/a%20b%5Cc%7Cd.jpg"' in html


def test_a_storm_of_unclosed_link_destinations_is_refused_quickly(make_site: MakeSite) -> None:
    """`[x](` repeated: Python-Markdown 3.11 looks for each ')' to the end (5,000 of them: 18 s)."""
    site = make_site({"content/towns/a.md": HEAD + "---\n" + "[x](" * 5000 + "\n"})
    assert "too many unclosed '[' or '<'" in failure(site)


def test_closed_tags_cost_nothing_however_long() -> None:
    assert run_cost('<img src="' + "A" * 1_000_000 + '">') == 0
    assert run_cost("<a " * 10) == sum(30 - 3 * i for i in range(10))


@given(st.text(st.sampled_from("[]()<>均 a"), max_size=40), st.sampled_from(["[<", "[", "<"]))
@settings(max_examples=500, deadline=None)
def test_the_quick_zero_cost_check_prices_as_the_bracket_count_does(text: str, openers: str) -> None:
    # a text without an opener is priced 0 at once; any text is priced as counting its brackets prices it
    assert run_cost(text, openers) == limits._priced(text, openers)


@pytest.mark.parametrize("size", [0, 5, 65_536, 200_001])
def test_read_limited_gives_a_file_up_to_its_limit(tmp_path: Path, size: int) -> None:
    data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    (tmp_path / "a.md").write_bytes(data)
    assert read_limited(tmp_path / "a.md", 1_000_000) == data
    assert read_limited(tmp_path / "a.md", 70_000) == data[:70_000]  # one byte over a limit says "too large"


def test_read_limited_refuses_a_folder_and_a_missing_file_as_open_does(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError):
        read_limited(tmp_path, 10)
    with pytest.raises(FileNotFoundError):
        read_limited(tmp_path / "gone.md", 10)
