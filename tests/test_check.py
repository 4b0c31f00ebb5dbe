"""`sitegen check [--site DIR]`: everything a build validates, exit 1 naming file and line, and nothing written."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner, Result
from conftest import REPO_ROOT, MakeSite, article

from sitegen.cli import main

EXAMPLE_PARTS = ("site.yaml", "content", "templates", "assets")


def check(site: Path) -> Result:
    return CliRunner().invoke(main, ["check", "--site", str(site)])


def snapshot(folder: Path, parts: tuple[str, ...] | None = None) -> dict[str, tuple[bytes | None, int]]:
    """Every file and folder below `folder` (or below the given parts of it) with its bytes and mtime."""
    roots = [folder / part for part in parts] if parts else [folder]
    found: dict[str, tuple[bytes | None, int]] = {}
    for root in roots:
        for path in [root, *sorted(root.rglob("*"))] if root.is_dir() else [root] if root.exists() else []:
            found[path.relative_to(folder).as_posix()] = (
                path.read_bytes() if path.is_file() else None,
                path.stat().st_mtime_ns,
            )
    return found


def test_a_link_to_a_missing_article_fails_naming_the_file_and_line(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": article("甲", body="第一段。\n\n见[乙](../tips/missing.md)。\n")})
    before = snapshot(site)
    result = check(site)
    assert result.exit_code == 1, result.output
    assert "content/towns/a.md:8" in result.output
    assert "missing.md" in result.output
    assert snapshot(site) == before
    assert not (site / "public").exists()


def test_every_error_is_listed_not_just_the_first(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/towns/a.md": article("甲", body="见[乙](nope.md)。\n"),
            "content/tips/b.md": "---\ntitle: 乙\ndate: 2024-02-30\n---\n\n正文。\n",
        }
    )
    result = check(site)
    assert result.exit_code == 1
    assert "content/towns/a.md:6" in result.output and "content/tips/b.md:3" in result.output


def test_a_template_error_fails_the_check(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/towns/a.md": article("甲"),
            "templates/article.html": '{% extends "theme/article.html" %}\n{% block content %}{{ x() }}{% endblock %}',
        }
    )
    result = check(site)
    assert result.exit_code == 1, result.output
    assert "article.html:2" in result.output
    assert not (site / "public").exists()


def test_a_clean_scratch_site_passes(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/towns/a.md": article("甲", body="见[乙](../tips/b.md#小标题)。\n"),
            "content/tips/b.md": article("乙", body="## 小标题\n\n正文。\n"),
        }
    )
    before = snapshot(site)
    result = check(site)
    assert result.exit_code == 0, result.output
    assert snapshot(site) == before


def test_the_example_site_passes_and_nothing_is_written(tmp_path: Path) -> None:
    """A copy of the repository's example site: the whole tree is compared, hidden files included."""
    site = tmp_path / "example"
    for part in EXAMPLE_PARTS:
        source = REPO_ROOT / part
        if source.is_dir():
            shutil.copytree(source, site / part)
        else:
            site.mkdir(exist_ok=True)
            shutil.copy2(source, site / part)
    before = snapshot(site)
    result = check(site)
    assert result.exit_code == 0, result.output
    assert snapshot(site) == before
    assert not (site / "public").exists()


def test_the_repository_root_passes_and_nothing_is_written() -> None:
    watched = (*EXAMPLE_PARTS, "public", ".sitegen-cache")
    before = snapshot(REPO_ROOT, watched)
    outputs = output_like(REPO_ROOT)
    result = check(REPO_ROOT)
    assert result.exit_code == 0, result.output
    assert snapshot(REPO_ROOT, watched) == before, "check changed the example site or its public/ folder"
    assert output_like(REPO_ROOT) == outputs, "check left an output or staging folder"


def output_like(folder: Path) -> list[str]:
    """Names a build would create beside the sources (the output, its staging folders, caches)."""
    return sorted(p.name for p in folder.iterdir() if p.name.lstrip(".").startswith(("public", "sitegen")))


def test_not_a_site_is_a_usage_error(tmp_path: Path) -> None:
    result = check(tmp_path)
    assert result.exit_code == 2
    assert not any(tmp_path.iterdir())
