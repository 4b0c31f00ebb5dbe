"""The `sitegen` command through click's CliRunner: exit codes 0/1/2, the summary line, every error listed one per
line with site-relative paths, nothing written on failure, `init`, and the invalid sample sites of
`tests/fixtures/invalid/` (see the README there)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import SITE_YAML, MakeSite, article, tree

from sitegen.cli import main

INVALID = Path(__file__).parent / "fixtures" / "invalid"
EN_SITE_YAML = SITE_YAML.replace("language: zh-CN", "language: en")


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def lines(text: str) -> list[str]:
    return text.splitlines()


@pytest.fixture
def en_site(make_site: MakeSite) -> Path:
    return make_site(
        {
            "site.yaml": EN_SITE_YAML,
            "content/towns/a.md": article("First", "2024-01-02"),
            "content/tips/b.md": article("Second", "2024-01-03"),
        }
    )


# --------------------------------------------------------------------------- success


def test_build_prints_one_summary_line_and_exits_0(en_site: Path) -> None:
    result = run("build", "--site", en_site)
    assert result.exit_code == 0, result.output
    (line,) = lines(result.stdout)
    assert re.fullmatch(r"Built 2 articles, \d+ pages in [\d.]+ s -> .*public .*", line), line
    assert result.stderr == ""
    assert (en_site / "public/towns/2024/01/a/index.html").is_file()


def test_build_prints_one_summary_line_also_when_articles_are_left_out(en_site: Path) -> None:
    """Left-out drafts and scheduled articles belong in the one summary line, not in lines of their own."""
    (en_site / "content/towns/draft.md").write_text(article("Draft", draft="true"), encoding="utf-8")
    (en_site / "content/towns/later.md").write_text(article("Later", "2999-01-01"), encoding="utf-8")
    result = run("build", "--site", en_site)
    assert result.exit_code == 0, result.output
    assert len(lines(result.stdout)) == 1, result.stdout
    assert lines(result.stdout)[0].startswith("Built 2 articles")


def test_a_chinese_site_gets_a_chinese_summary_line(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": article()})
    result = run("build", "--site", site)
    assert result.exit_code == 0, result.output
    (line,) = lines(result.stdout)
    assert line.startswith("已生成 1 篇文章")


def test_build_uses_the_current_folder_by_default(en_site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(en_site)
    result = run("build")
    assert result.exit_code == 0, result.output
    assert (en_site / "public/index.html").is_file()


def test_output_option(en_site: Path, tmp_path: Path) -> None:
    result = run("build", "--site", en_site, "--output", tmp_path / "www")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "www/towns/2024/01/a/index.html").is_file()
    assert not (en_site / "public").exists()


def test_drafts_and_future_articles_only_with_their_options(en_site: Path) -> None:
    (en_site / "content/towns/draft.md").write_text(article("Draft", draft="true"), encoding="utf-8")
    (en_site / "content/towns/later.md").write_text(article("Later", "2999-01-01"), encoding="utf-8")
    assert run("build", "--site", en_site).exit_code == 0
    built = tree(en_site / "public")
    assert "towns/2024/01/draft/index.html" not in built
    assert "towns/2999/01/later/index.html" not in built
    assert run("build", "--site", en_site, "--drafts", "--future").exit_code == 0
    built = tree(en_site / "public")
    assert {"towns/2024/01/draft/index.html", "towns/2999/01/later/index.html"} <= set(built)


def test_a_rebuild_replaces_the_previous_output(en_site: Path) -> None:
    assert run("build", "--site", en_site).exit_code == 0
    (en_site / "content/tips/b.md").unlink()
    assert run("build", "--site", en_site).exit_code == 0
    assert not (en_site / "public/tips/2024").exists()


# --------------------------------------------------------------------------- content errors: exit 1


def test_content_errors_are_all_listed_one_per_line_and_nothing_is_written(en_site: Path) -> None:
    (en_site / "content/towns/bad.md").write_text(
        "---\ntitle: x\ndate: 2024-01-01\nviews: 三百\n---\n", encoding="utf-8"
    )
    (en_site / "content/tips/worse.md").write_text("---\ntitle: ''\n---\n", encoding="utf-8")
    result = run("build", "--site", en_site)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert lines(result.stderr) == [
        "content/tips/worse.md:2: date: expected a date such as 2022-12-12, 2022-12-12 08:30, 2022-12-12 08:30:00 "
        "or 2022-12-12T08:30:00+08:00, got nothing (add `date: 2022-12-12`)",
        "content/tips/worse.md:2: title: expected non-empty text, got '' (add `title: ...` to the front matter)",
        "content/towns/bad.md:4: views: expected a whole number >= 0, got '三百'",
        "3 errors; nothing was written.",
    ]
    assert not (en_site / "public").exists()


def test_error_paths_are_relative_to_the_site_folder_wherever_the_command_runs(
    en_site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (en_site / "content/towns/bad.md").write_text(article(views="-1"), encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    for site_argument in (str(en_site), "../site", str(en_site) + "/"):
        result = run("build", "--site", site_argument)
        assert result.exit_code == 1
        assert lines(result.stderr)[0] == "content/towns/bad.md:4: views: expected a whole number >= 0, got -1"


def test_a_failed_build_leaves_the_previous_output(en_site: Path) -> None:
    assert run("build", "--site", en_site).exit_code == 0
    before = tree(en_site / "public")
    (en_site / "content/towns/a.md").write_text(article(date="someday"), encoding="utf-8")
    assert run("build", "--site", en_site).exit_code == 1
    assert tree(en_site / "public") == before


# --------------------------------------------------------------------------- usage and config: exit 2


def test_unknown_option_is_a_usage_error(en_site: Path) -> None:
    result = run("build", "--site", en_site, "--colour")
    assert result.exit_code == 2
    assert "No such option" in result.stderr
    assert not (en_site / "public").exists()


def test_a_config_error_exits_2_naming_the_key(en_site: Path) -> None:
    (en_site / "site.yaml").write_text(EN_SITE_YAML + "titel: typo\n", encoding="utf-8")
    result = run("build", "--site", en_site)
    assert result.exit_code == 2
    assert lines(result.stderr)[0].startswith("site.yaml:10: titel: unknown key")
    assert not (en_site / "public").exists()


def test_a_folder_without_site_yaml_exits_2(tmp_path: Path) -> None:
    result = run("build", "--site", tmp_path)
    assert result.exit_code == 2
    assert "site.yaml" in result.stderr


def test_a_dangerous_output_folder_exits_2(en_site: Path) -> None:
    result = run("build", "--site", en_site, "--output", en_site / "content")
    assert result.exit_code == 2
    assert "refusing to build into" in result.stderr
    assert (en_site / "content/towns/a.md").is_file()


def test_a_non_empty_foreign_output_folder_exits_2(en_site: Path, tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine/notes.txt").write_text("keep me", encoding="utf-8")
    result = run("build", "--site", en_site, "--output", tmp_path / "mine")
    assert result.exit_code == 2
    assert (tmp_path / "mine/notes.txt").read_text(encoding="utf-8") == "keep me"


# --------------------------------------------------------------------------- init


@pytest.mark.parametrize(("language", "label"), [("zh-CN", "阅读量"), ("en", "Views")])
def test_init_scaffolds_a_site_that_builds(tmp_path: Path, language: str, label: str) -> None:
    site = tmp_path / "new-site"
    result = run("init", site, "--language", language)
    assert result.exit_code == 0, result.output
    assert (site / "site.yaml").is_file()
    ignored = ["/public", "/.public-builds/", ".sitegen-cache/", "node_modules/"]  # + the web editor from npm
    ignored += ["/.public-building-*/", "/.public.lock"]  # what a killed build can leave
    assert (site / ".gitignore").read_text(encoding="utf-8").splitlines() == ignored
    articles = sorted(site.glob("content/*/*/*.md"))
    assert len(articles) >= 1
    result = run("build", "--site", site)
    assert result.exit_code == 0, result.output
    built = tree(site / "public")
    assert "index.html" in built
    pages = [path for path in built if path.count("/") >= 4 and path.endswith("/index.html")]
    assert len(pages) == len(articles)
    assert label in built[pages[0]].decode("utf-8")


def test_init_never_overwrites_a_site(tmp_path: Path) -> None:
    assert run("init", tmp_path / "s").exit_code == 0
    (tmp_path / "s/site.yaml").write_text("title: mine\n", encoding="utf-8")
    result = run("init", tmp_path / "s")
    assert result.exit_code == 2
    assert (tmp_path / "s/site.yaml").read_text(encoding="utf-8") == "title: mine\n"


# --------------------------------------------------------------------------- the invalid sample sites


def _hinted(printed: str, expected: str) -> bool:
    """`printed` is `expected`, perhaps followed by a hint in parentheses."""
    if printed == expected:
        return True
    rest = printed.removeprefix(expected)
    return rest != printed and (
        (rest.startswith(" (") and rest.endswith(")")) or (rest.startswith("（") and rest.endswith("）"))
    )


@pytest.mark.parametrize("case", sorted(p.name for p in INVALID.iterdir() if p.is_dir()))
def test_invalid_site(case: str, tmp_path: Path) -> None:
    site = INVALID / case
    expected = (site / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert expected, f"{case}: expected.txt is empty"
    result = run("build", "--site", site, "--output", tmp_path / "out")
    assert result.exit_code == (2 if case.startswith("config-") else 1), result.output
    printed = lines(result.stderr)
    assert len(printed) == len(expected) + 1, "\n".join(printed)
    for got, want in zip(printed, expected, strict=False):
        assert _hinted(got, want), f"\nprinted:  {got}\nexpected: {want}"
    count = len(expected)
    assert printed[-1] in {
        f"{count} error{'s' if count != 1 else ''}; nothing was written.",
        f"共 {count} 个错误；没有写入任何文件。",
    }
    assert result.stdout == ""
    assert not (tmp_path / "out").exists()
    assert not (site / "public").exists()


def test_init_into_a_folder_holding_one_of_its_files_changes_nothing(tmp_path: Path) -> None:
    mine = tmp_path / "s/content/towns/2024/welcome.md"
    mine.parent.mkdir(parents=True)
    mine.write_text("我自己的文章\n", encoding="utf-8")
    result = run("init", tmp_path / "s")
    assert result.exit_code == 2
    assert "welcome.md" in result.stderr
    assert mine.read_text(encoding="utf-8") == "我自己的文章\n"
    assert sorted(p.relative_to(tmp_path).as_posix() for p in (tmp_path / "s").rglob("*") if p.is_file()) == [
        "s/content/towns/2024/welcome.md"
    ]
