"""Every error of a file in one run (front matter, pictures, body and links together); a front-matter key close to
a known one is a warning with the suggestion, in the site's language; `--strict` makes warnings errors."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from conftest import FIXED_NOW, MakeSite, article, build_site

from sitegen.build import BuildOptions, build
from sitegen.cli import main
from sitegen.content.keys import suggested_key
from sitegen.errors import BuildFailed
from sitegen.messages import is_translated


@pytest.mark.parametrize(
    ("key", "suggestion"),
    [
        ("autor", "author"),
        ("Title", "title"),
        ("TAGS", "tags"),
        ("作者", "author"),
        ("标题", "title"),
        ("发布时间", "date"),
        ("authors", "author"),
        ("summery", "summary"),
        ("imgaes", "images"),
        ("lastmod", "updated"),
        ("alias", "aliases"),
        ("daft", "draft"),
    ],
)
def test_a_key_close_to_a_known_one_gets_its_suggestion(key: str, suggestion: str) -> None:
    assert suggested_key(key) == suggestion


@pytest.mark.parametrize("key", ["title", "layout", "栏目编号", "weight", "related", "id", "toc", "categories"])
def test_a_key_of_its_own_gets_none(key: str) -> None:
    assert suggested_key(key) is None


def test_every_error_of_a_file_comes_in_one_run(make_site: MakeSite) -> None:
    body = "![丢了](missing.png)\n\n[点我](javascript:alert(1))\n\n见[另一篇](other.md)与[旧文](gone.md)。\n"
    site = make_site(
        {
            "content/towns/a.md": "---\ntitle: 甲\ndate: 明天\nviews: 很多\n---\n" + body,
            "content/towns/other.md": "---\ntitle: ''\ndate: 2024-01-02\n---\n正文。\n",
        }
    )
    with pytest.raises(BuildFailed) as caught:
        build_site(site)
    assert [(e.path, e.line, e.field) for e in caught.value.errors] == [
        ("content/towns/a.md", 3, "date"),
        ("content/towns/a.md", 4, "views"),
        ("content/towns/a.md", 6, "images"),
        ("content/towns/a.md", 8, "link"),  # javascript:
        ("content/towns/a.md", 10, "link"),  # gone.md; other.md exists, with an error of its own
        ("content/towns/other.md", 2, "title"),
    ]
    assert "gone.md" in caught.value.errors[4].message


def test_a_yaml_error_does_not_hide_the_bodys_errors(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": "---\ntitle: [甲\ndate: 2024-01-02\n---\n![x](missing.png)\n"})
    with pytest.raises(BuildFailed) as caught:
        build_site(site)
    assert [(e.line, e.field) for e in caught.value.errors] == [(3, None), (5, "images")]  # YAML: where it noticed


def test_a_wrong_field_hides_neither_the_pictures_nor_the_links_nor_their_headings(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/towns/target.md": "---\ntitle: 目标\ndate: 2025-02-02\n---\n## 有的标题\n",
            "content/towns/a.md": "---\ntitle: 甲\ndate: 2025-02-01\nviews: -1\nimages: [nothere.jpg]\n---\n"
            "[a](target.md#没有的标题)\n",
        }
    )
    with pytest.raises(BuildFailed) as caught:
        build_site(site)
    assert [(e.path, e.line, e.field) for e in caught.value.errors] == [
        ("content/towns/a.md", 4, "views"),
        ("content/towns/a.md", 5, "images"),  # the picture, though a field is wrong
        ("content/towns/a.md", 7, "link"),  # the heading, though the picture is missing
    ]
    assert "没有的标题" in caught.value.errors[2].message


def test_a_wrong_slug_leaves_the_url_unknown_but_the_rest_checked(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/towns/a.md": "---\ntitle: 甲\ndate: 2025-02-01\nslug: a/b\nimages: [../../../etc/passwd]\n---\n"
            "[c](nope.md)\n\n## 有\n",
            "content/towns/b.md": article("乙", body="[甲](a.md) [甲](a.md#有) [甲](a.md#没有)\n"),
            "content/towns/c.md": article("丙", date="2025-02-01", slug="a"),  # the URL a.md's file name gives
        }
    )
    with pytest.raises(BuildFailed) as caught:
        build_site(site)
    assert [(e.path, e.line, e.field) for e in caught.value.errors] == [
        ("content/towns/a.md", 4, "slug"),
        ("content/towns/a.md", 5, "images"),  # outside the site
        ("content/towns/a.md", 7, "link"),  # nope.md
        ("content/towns/b.md", 6, "link"),  # a heading a.md does not have; the links to a.md are no error else
    ]
    assert "#没有" in caught.value.errors[3].message


MISSPELT = article(autor="张三", 作者="李四", layout="wide")


def test_a_misspelt_key_is_a_warning_in_the_sites_language(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": MISSPELT})
    report = build_site(site)
    assert [(w.line, w.field, w.message) for w in report.content_warnings] == [
        (4, "autor", "unknown key; did you mean `author`?"),
        (5, "作者", "unknown key; did you mean `author`?"),
    ]
    assert all(is_translated(w.message, "zh-CN") and is_translated(w.hint, "zh-CN") for w in report.content_warnings)
    result = CliRunner().invoke(main, ["build", "--site", str(site)])
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "提示：content/towns/a.md:4: autor: 未知字段；是不是想写“author”？"
        "（它作为 article.extra['autor'] 留给模板使用；如果本意是“author”，请改名）",
        "提示：content/towns/a.md:5: 作者: 未知字段；是不是想写“author”？"
        "（它作为 article.extra['作者'] 留给模板使用；如果本意是“author”，请改名）",
    ]
    again = CliRunner().invoke(main, ["build", "--site", str(site)])  # nothing changed: still said
    assert again.exit_code == 0 and again.stderr == result.stderr


def test_strict_makes_warnings_errors_for_build_and_check(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": MISSPELT})
    assert CliRunner().invoke(main, ["build", "--site", str(site)]).exit_code == 0
    for command in ("build", "check"):
        result = CliRunner().invoke(main, [command, "--strict", "--site", str(site)])
        assert result.exit_code == 1, command
        assert "content/towns/a.md:4: autor: 未知字段" in result.stderr
        assert result.stderr.splitlines()[-1] == "共 2 个错误；没有写入任何文件。"
    fixed = site / "content/towns/a.md"
    fixed.write_text(article(author="张三", layout="wide"), encoding="utf-8")
    assert CliRunner().invoke(main, ["check", "--strict", "--site", str(site)]).exit_code == 0


def test_strict_lists_the_warnings_with_the_other_errors_and_a_failed_build_prints_them(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": "---\ntitle: 甲\ndate: 2025-02-01\nautor: 张三\n---\n[a](nope.md)\n"})
    for command in ("build", "check"):
        result = CliRunner().invoke(main, [command, "--strict", "--site", str(site)])
        assert result.exit_code == 1, command
        lines = result.stderr.splitlines()
        assert [line.split("（")[0] for line in lines[:2]] == [
            "content/towns/a.md:4: autor: 未知字段；是不是想写“author”？",
            "content/towns/a.md:6: link: 链接“nope.md”指向的 content/towns/nope.md 不存在",
        ]
        assert lines[2:] == ["共 2 个错误；没有写入任何文件。"]
        plain = CliRunner().invoke(main, [command, "--site", str(site)])
        assert plain.exit_code == 1, command
        assert plain.stderr.splitlines()[0].startswith("提示：content/towns/a.md:4: autor: 未知字段")
        assert plain.stderr.splitlines()[1:] == [lines[1], "共 1 个错误；没有写入任何文件。"]


def test_strict_refuses_an_unknown_view_count_too(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": article(), "data/views.json": '{"towns/nothing/": 3}'})
    assert CliRunner().invoke(main, ["check", "--site", str(site)]).exit_code == 0
    result = CliRunner().invoke(main, ["check", "--strict", "--site", str(site)])
    assert result.exit_code == 1 and "data/views.json" in result.stderr


def test_tags_that_share_one_page_are_a_warning_but_case_and_width_are_one_tag(make_site: MakeSite) -> None:
    """`C++` and `C` both make tags/c/: one page lists both under the first; `AI`, `ai` and `ＡＩ` are one tag."""
    site = make_site({
        "content/towns/a.md": article("甲", tags="['C++', AI]"),
        "content/towns/b.md": article("乙", tags="[C, ai, ＡＩ]"),
    })  # fmt: skip
    report = build_site(site)
    assert report.warnings == ("tags 'C++', 'C' share one page, tags/c/: rename one to keep them apart",)
    assert all(is_translated(w, "zh-CN") for w in report.warnings)
    result = CliRunner().invoke(main, ["check", "--strict", "--site", str(site)])
    assert result.exit_code == 1 and "tags/c/" in result.stderr


def test_a_cached_article_keeps_its_warnings(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": MISSPELT, "content/towns/b.md": article("乙")})
    assert len(build_site(site).content_warnings) == 2
    (site / "content/towns/b.md").write_text(article("乙", body="改过的正文。"), encoding="utf-8")
    again = build_site(site)  # a.md comes from the build cache (its pickle), b.md is read again
    assert again.articles_reused == 1
    assert [w.field for w in again.content_warnings] == ["autor", "作者"]


def test_a_key_with_a_line_break_inside_a_picture_entry_is_named_on_one_line(make_site: MakeSite) -> None:
    """Found by the property tests: a picture entry's key "\\n" made an error (or warning) of two lines."""
    source = '---\ntitle: 题\ndate: 2024-01-02\nimages:\n  - {src: p.png, "\\n": 1}\n---\n正文\n'
    site = make_site({"content/towns/a.md": source})
    with pytest.raises(BuildFailed) as failed:
        build(site, BuildOptions(output_dir=site / "out", now=FIXED_NOW))
    texts = [e.text(language) for e in failed.value.errors for language in ("zh-CN", "en")]
    assert texts and all("\n" not in text for text in texts)
    assert any("\\n" in text for text in texts)  # the key shown as an escape


def test_strict_says_the_site_wide_warnings_in_the_site_language(make_site: MakeSite) -> None:
    """Warnings written `file: message` (data/views.json, data/authors.yaml, tags sharing a page) were printed in
    English under --strict and by a failed build: the catalog's patterns hold the file, and the error split it off."""
    site = make_site({
        "content/towns/a.md": article("甲", tags="['C++']"),
        "content/towns/b.md": article("乙", tags="[C]"),
        "data/views.json": '{"towns/nothing/": 3}',
        "data/authors.yaml": "无名:\n  bio: 谁\n",
    })  # fmt: skip
    plain = CliRunner().invoke(main, ["check", "--site", str(site)])
    assert plain.exit_code == 0
    warned = sorted(line.removeprefix("提示：") for line in plain.stderr.splitlines())
    assert len(warned) == 3
    for command in ("build", "check"):
        result = CliRunner().invoke(main, [command, "--strict", "--site", str(site)])
        assert result.exit_code == 1, command
        lines = result.stderr.splitlines()
        assert sorted(lines[:-1]) == warned, command  # the same words as the warnings, in Chinese
        assert lines[-1] == "共 3 个错误；没有写入任何文件。"
    assert "data/authors.yaml：没有已发布的文章署名“无名”" in warned
