"""`sitegen import` through click's CliRunner: what it prints (in the site's language), exit codes 0/1/2, clashes,
--dry-run; and every message an import can produce has its Chinese translation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import SITE_YAML, MakeSite
from importing import FIXTURES, SEED, SEED_PICTURES, write_pictures

from sitegen.cli import main
from sitegen.importers.legacy import parse_legacy
from sitegen.importers.model import ImportFailed, ImportReport
from sitegen.importers.run import ImportRefused, import_hugo, import_jekyll, import_legacy
from sitegen.messages import is_translated

EN_SITE_YAML = SITE_YAML.replace("language: zh-CN", "language: en")
SEED_TARGET = "content/towns/2022/bai-yun-jun-he-ji-huo-dang-jian-yin-qing-qiang-dong-li-ti.md"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def test_import_lists_its_three_sources() -> None:
    result = run("import", "--help")
    assert result.exit_code == 0
    assert all(re.search(rf"^\s+{name}\s", result.output, re.M) for name in ("legacy", "hugo", "jekyll"))


def test_the_seed_with_its_pictures(make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site({})
    images = write_pictures(tmp_path / "images", SEED_PICTURES)
    result = run("import", "legacy", SEED, "--column", "towns", "--images", images, "--site", site)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:7] == [
        "导入结果：",
        "  已导入 1 篇（其中改名 0 篇，有待检查的提示 1 篇）",
        "  已导入过、内容相同：0 篇",
        "  已导入过、之后改动过（没有覆盖）：0 篇",
        "  跳过（不是文章）：0 个",
        "  无法读取：0 个",
        "已转换，有待检查的提示：",
    ]
    assert lines[7] == f"  {SEED_TARGET} <- {SEED}"
    assert lines[8].startswith(f"    {SEED}:22: 这一短行前面没有图片，已保留为斜体")
    assert result.stderr == ""
    assert all((site / "content/towns/2022" / name).is_file() for name in SEED_PICTURES)
    assert run("build", "--site", site).exit_code == 0


def test_missing_pictures_are_counted_and_the_build_names_them(make_site: MakeSite) -> None:
    site = make_site({})
    result = run("import", "legacy", SEED, "--column", "towns", "--site", site)
    assert result.exit_code == 0
    assert f"    {SEED}:37: 找不到图片“{SEED_PICTURES[0]}”：请把图片文件放在文章旁边" in result.stdout
    assert "  缺少图片：6 张（生成网站时会逐一列出）" in result.stdout.splitlines()
    build = run("build", "--site", site)
    assert build.exit_code == 1 and f"图片“{SEED_PICTURES[0]}”找不到" in build.stderr


def test_an_english_site_gets_english_messages(make_site: MakeSite) -> None:
    site = make_site({"site.yaml": EN_SITE_YAML})
    result = run("import", "legacy", SEED, "--column", "towns", "--site", site)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[:2] == ["Import:", "  Imported 1 (0 renamed, 1 with notes to check)"]
    assert "  pictures missing: 6 (the build names them)" in lines
    assert f"    {SEED}:37: picture '{SEED_PICTURES[0]}' not found: put the file beside the article" in lines


def test_unreadable_pages_are_named_and_exit_1(make_site: MakeSite) -> None:
    site = make_site({})
    result = run("import", "legacy", FIXTURES / "legacy", "--column", "towns", "--site", site)
    assert result.exit_code == 1
    no_date = FIXTURES / "legacy" / "no-date.txt"
    assert result.stderr.splitlines() == [
        "  无法读取：1 个",
        "无法读取：",
        f"  {no_date}: 没有发表时间，文件名中也没有 2022-12-12 这样的日期",
    ]
    assert "  已导入 2 篇（其中改名 0 篇，有待检查的提示 1 篇）" in result.stdout.splitlines()
    assert len(list((site / "content/towns/2023").glob("*.md"))) == 2


def test_a_rerun_and_an_edited_import_are_left_alone_and_exit_0(make_site: MakeSite) -> None:
    site = make_site({})
    assert run("import", "legacy", SEED, "--column", "towns", "--site", site).exit_code == 0
    again = run("import", "legacy", SEED, "--column", "towns", "--site", site)
    assert again.exit_code == 0
    assert f"  {SEED_TARGET} <- {SEED}：已经导入过，内容相同" in again.stdout.splitlines()
    target = site / SEED_TARGET
    target.write_text(target.read_text("utf-8").replace("views: 314", "views: 400"), encoding="utf-8")
    edited = run("import", "legacy", SEED, "--column", "towns", "--site", site)
    assert edited.exit_code == 0
    assert f"  {SEED_TARGET} <- {SEED}：已经导入过，之后改动过，没有覆盖" in edited.stdout.splitlines()
    assert "views: 400" in target.read_text("utf-8")


def test_dry_run_writes_nothing(make_site: MakeSite) -> None:
    site = make_site({})
    result = run("import", "legacy", SEED, "--column", "towns", "--dry-run", "--site", site)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1].startswith("  将导入 1 篇")
    assert f"  {SEED_TARGET} <- {SEED}" in result.stdout.splitlines()
    assert not (site / "content").exists()


def test_bad_usage_exits_2(make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site({})
    unknown = run("import", "legacy", SEED, "--column", "news", "--site", site)
    assert (
        unknown.exit_code == 2
        and unknown.stderr.strip() == "未知栏目 'news'；可用的栏目：towns (镇街社区), tips (身边爆料)"
    )
    no_site = run("import", "legacy", SEED, "--column", "towns", "--site", tmp_path / "nowhere")
    assert no_site.exit_code == 2 and "site.yaml" in no_site.stderr
    assert run("import", "legacy", "--column", "towns", "--site", site).exit_code == 2  # no FILE
    assert run("import", "legacy", SEED, "--site", site).exit_code == 2  # no --column


def test_hugo_and_jekyll_through_the_command(make_site: MakeSite) -> None:
    site = make_site({"site.yaml": EN_SITE_YAML})
    hugo = run("import", "hugo", FIXTURES / "hugo/content/posts", "--column", "towns", "--site", site)
    assert hugo.exit_code == 1  # the .org file cannot be imported
    assert f"  {FIXTURES / 'hugo/content/posts/emacs-notes.org'}: is .org markup" in hugo.stderr
    assert f"  {FIXTURES / 'hugo/content/posts/_index.md'}: a section page (_index), not a post" in hugo.stdout
    assert "kept as written, not converted: {{< notice warning >}}" in hugo.stdout
    assert hugo.stdout.splitlines()[1:5] == [
        "  Imported 4 (0 renamed, 1 with notes to check)",
        "  already imported, unchanged: 0",
        "  already imported, edited since (left alone): 0",
        "  skipped, not posts: 2",
    ]
    jekyll = run("import", "jekyll", FIXTURES / "jekyll", "--column", "tips", "--site", site)
    assert jekyll.exit_code == 0, jekyll.output
    assert jekyll.stdout.splitlines()[1].startswith("  Imported 3 (0 renamed,")
    assert run("build", "--site", site, "--drafts").exit_code == 0


# --------------------------------------------------------------------------- every message has its Chinese


def _messages(report: ImportReport) -> list[str]:
    found = [n.message for w in report.written for n in w.notices]
    found += [s.reason for s in report.skipped] + [f.reason for f in report.failed]
    return found


def test_every_import_message_is_in_the_chinese_catalog(make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site({"content/towns/2023/photo-1.jpg": b"another picture"})
    pages = tmp_path / "pages"
    pages.mkdir()
    cases = {
        "empty.txt": "",
        "binary.txt": "\x00\x01",
        "meta-first.txt": "作者：张三\n发表时间：2022-12-12\n\n正文。",
        "bad-date.txt": "标题行\n发表时间：某天\n\n正文。",
        "views.txt": "标题行\n阅读量：很多\n发表时间：2023-01-02\n\n正文很长很长的一段。\n\nphoto-1.jpg\n\n"
        + "正文。" * 40,
        "2023-01-03-file-date.txt": "标题行二\n\n正文。\n\nhttp://old.example.org/x.png\n\n说明",
        "missing.txt": "标题行五\n发表时间：2023-01-06\n\n正文。\n\nnope.png\n\n说明",
        "remote.txt": "标题行三\n发表时间：2023-01-04\n\n正文。\n\nhttp://old.example.org/y.png\n\n说明",
        "asp.txt": "标题行六\n发表时间：2023-01-07\n\n正文。\n\n原文地址：http://old.example.org/show.asp?id=6",
    }
    for name, text in cases.items():
        (pages / name).write_text(text, "utf-8")
    (pages / "gbk.txt").write_bytes("标题行四\n发表时间：2023-01-05\n\n正文。".encode("gbk"))
    images = tmp_path / "images"
    images.mkdir()
    (images / "photo-1.jpg").write_bytes(b"a picture")
    nothing = tmp_path / "nothing"
    nothing.mkdir()
    reports = [import_legacy(site, [pages, nothing], "towns", images)]
    edited = site / "content/towns/2023/biao-ti-xing-er.md"
    edited.write_text(edited.read_text("utf-8") + "\nedited\n", "utf-8")
    reports.append(import_legacy(site, [pages], "towns", images))  # everything again: clashes and unchanged
    reports.append(import_hugo(site, FIXTURES / "hugo", "towns"))
    reports.append(import_jekyll(site, FIXTURES / "jekyll", "tips"))
    reports.append(import_hugo(site, FIXTURES / "hugo-archive", "towns"))  # renamed, HTML that loads scripts
    reports.append(import_jekyll(site, FIXTURES / "jekyll-archive", "tips"))  # drafts, collections
    broken = tmp_path / "broken"
    (broken / "content/posts").mkdir(parents=True)
    for name, text in {
        "toml.md": "+++\ntitle = \n+++\n",
        "open.md": "+++\ntitle = 'x'\n",
        "yaml.md": "---\ntitle: [x\n---\n",
        "open-yaml.md": "---\ntitle: x\n",
        "list.md": "---\n- a\n---\n",
        "json.md": '{"title": }\n',
        "dates.md": '---\ntitle: x\ndate: someday\nlastmod: 2020-01-01\n---\n[a]({{< ref "b" >}})\n',
        "b.md": "---\ntitle: B\ndate: 2020-01-01\ndraft: true\n---\n",
        "headless.md": "---\ntitle: W\ndate: 2020-01-01\nheadless: true\n---\n",
        "2020-01-01-untitled.md": "---\ndraft: true\n---\n# Heading\n",
    }.items():
        (broken / "content/posts" / name).write_text(text, "utf-8")
    reports.append(import_hugo(site, broken, "tips"))
    jekyll_broken = tmp_path / "jb"
    (jekyll_broken / "_posts").mkdir(parents=True)
    (jekyll_broken / "_posts/undated.md").write_text("---\ntitle: x\n---\n", "utf-8")
    (jekyll_broken / "_posts/2020-01-01-untitled.md").write_text("---\nlayout: post\n---\n", "utf-8")
    reports.append(import_jekyll(site, jekyll_broken, "tips"))

    messages = {m for report in reports for m in _messages(report)}
    for text in ("", "标题\n\n正文。"):
        try:
            parse_legacy(text, "x.txt")
        except ImportFailed as exc:
            messages.add(exc.message)
    for importer in (import_hugo, import_jekyll):
        with pytest.raises(ImportRefused) as caught:
            importer(site, nothing, "towns")
        messages.add(str(caught.value))
    untranslated = sorted(m for m in messages if not is_translated(m, "zh-CN"))
    assert untranslated == []
    expected_kinds = ("is empty", "is not a text file", "GB18030", "no title", "is not a date", "not a number",
                      "has no caption", "left as a URL", "saved as", "already imported",
                      "invalid TOML", "never closed", "invalid YAML", "not a mapping", "invalid JSON",
                      "kept as written", "links to a draft", "took the first heading", "from the file name",
                      "section page", "page bundle", "markup", "no content files", "no Jekyll posts",
                      "holds no .txt", "no date", "not found", "headless", "edited since", "the HTML loads",
                      "has a query")  # fmt: skip
    assert [kind for kind in expected_kinds if not any(kind in m for m in messages)] == []
