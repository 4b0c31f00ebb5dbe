"""The report of an import run, for a person (lines in the site's language) and for scripts (JSON data). Pure.

First the counts per outcome, then what needs a look: each renamed post, each post converted with notes, each
source skipped and each source that could not be read.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from sitegen.importers.model import ImportReport, Skipped, Written
from sitegen.messages import translate

UNCHANGED = "already imported; unchanged"
EDITED = "already imported; edited since, not overwritten"


def _say(language: str, english: str, chinese: str) -> str:
    return chinese if language == "zh-CN" else english


def _where(origin: str, line: int | None) -> str:
    return origin if line is None else f"{origin}:{line}"


def counts(report: ImportReport) -> dict[str, int]:
    skipped = [s.reason for s in report.skipped]
    return {
        "imported": len(report.written),
        "renamed": sum(1 for w in report.written if w.renamed_from),
        "with_notes": sum(1 for w in report.written if w.notices),
        "unchanged": skipped.count(UNCHANGED),
        "edited_since": skipped.count(EDITED),
        "not_posts": sum(1 for s in report.skipped if s.reason not in (UNCHANGED, EDITED)),
        "unreadable": len(report.failed),
        "missing_pictures": sum(len(w.missing) for w in report.written),
    }


def report_lines(report: ImportReport, language: str, dry_run: bool = False) -> list[tuple[str, bool]]:
    """(line, whether it belongs on stderr) of the report, in `language`."""
    c = counts(report)
    say = partial(_say, language)
    verb = say("Would import" if dry_run else "Imported", "将导入" if dry_run else "已导入")
    lines: list[tuple[str, bool]] = [
        (say("Import:", "导入结果："), False),
        (
            say(
                f"  {verb} {c['imported']} ({c['renamed']} renamed, {c['with_notes']} with notes to check)",
                f"  {verb} {c['imported']} 篇（其中改名 {c['renamed']} 篇，有待检查的提示 {c['with_notes']} 篇）",
            ),
            False,
        ),
        (say(f"  already imported, unchanged: {c['unchanged']}", f"  已导入过、内容相同：{c['unchanged']} 篇"), False),
        (
            say(
                f"  already imported, edited since (left alone): {c['edited_since']}",
                f"  已导入过、之后改动过（没有覆盖）：{c['edited_since']} 篇",
            ),
            False,
        ),
        (say(f"  skipped, not posts: {c['not_posts']}", f"  跳过（不是文章）：{c['not_posts']} 个"), False),
        (say(f"  could not be read: {c['unreadable']}", f"  无法读取：{c['unreadable']} 个"), c["unreadable"] > 0),
    ]
    if c["missing_pictures"]:
        text = say(
            f"  pictures missing: {c['missing_pictures']} (the build names them)",
            f"  缺少图片：{c['missing_pictures']} 张（生成网站时会逐一列出）",
        )
        lines.append((text, False))
    lines += _renamed(report, language) + _noted(report, language) + _skipped(report.skipped, language)
    if report.failed:
        lines.append((say("Could not be read:", "无法读取："), True))
        for failed in report.failed:
            lines.append((f"  {_where(failed.origin, failed.line)}: {translate(failed.reason, language)}", True))
    return lines


def _renamed(report: ImportReport, language: str) -> list[tuple[str, bool]]:
    renamed = [w for w in report.written if w.renamed_from]
    if not renamed:
        return []
    title = _say(language, "Renamed (name or URL taken by a different article):", "改名（文件名或网址被占用）：")
    lines = [(title, False)]
    for written in renamed:
        why = _say(
            language,
            f"{written.renamed_from} is taken by {written.taken_by}",
            f"{written.renamed_from} 已被 {written.taken_by} 占用",
        )
        lines.append((f"  {written.target} <- {written.origin} ({why})", False))
    return lines


def _noted(report: ImportReport, language: str) -> list[tuple[str, bool]]:
    noted = [w for w in report.written if w.notices]
    if not noted:
        return []
    lines = [(_say(language, "Converted with notes to check:", "已转换，有待检查的提示："), False)]
    for written in noted:
        lines.append((f"  {written.target} <- {written.origin}", False))
        for notice in written.notices:
            lines.append((f"    {_where(written.origin, notice.line)}: {translate(notice.message, language)}", False))
    return lines


def _skipped(skipped: tuple[Skipped, ...], language: str) -> list[tuple[str, bool]]:
    if not skipped:
        return []
    lines = [(_say(language, "Skipped:", "已跳过："), False)]
    for item in skipped:
        target = f"{item.target} <- " if item.target else ""
        separator = "：" if language == "zh-CN" else ": "
        lines.append((f"  {target}{item.origin}{separator}{translate(item.reason, language)}", item.clash))
    return lines


def report_data(report: ImportReport, language: str, dry_run: bool = False) -> dict[str, Any]:
    """Everything of the run for scripts: counts, then every source with its outcome (messages in English, and
    as `text` in the site's language)."""

    def written(item: Written) -> dict[str, Any]:
        return {
            "source": item.origin,
            "target": item.target,
            "renamed_from": item.renamed_from or None,
            "taken_by": item.taken_by or None,
            "pictures": list(item.pictures),
            "missing_pictures": list(item.missing),
            "notes": [
                {"line": n.line, "message": n.message, "text": translate(n.message, language)} for n in item.notices
            ],
        }

    return {
        "language": language,
        "dry_run": dry_run,
        "complete": report.complete,
        "counts": counts(report),
        "imported": [written(w) for w in report.written],
        "skipped": [
            {"source": s.origin, "target": s.target, "reason": s.reason, "text": translate(s.reason, language)}
            for s in report.skipped
        ],
        "unreadable": [
            {"source": f.origin, "line": f.line, "reason": f.reason, "text": translate(f.reason, language)}
            for f in report.failed
        ],
    }
