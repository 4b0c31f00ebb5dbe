"""The library's way in: build a site, check it, build it in memory, or load it to serve lazily.

build(site_dir, options)
  output.check_output_dir   refuse folders whose replacement would delete a user's files
  lock.output_lock          one build per output folder at a time
  output.recover            what builds that died left behind: removed, or a cut-short commit completed
  uptodate                  nothing changed since the last build (by file stats): done
  pipeline.build            load, render what changed on every core, write what changed

This module stays light to import: the pipeline (Markdown, Jinja, Pillow, ...) is imported only when a build has
work to do, so that a build with nothing to do takes a fraction of a second even on a large site.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen import toolchain
from sitegen.build.collector import leave, left_to_exit, spared
from sitegen.build.diskfull import disk_errors_in
from sitegen.build.lock import output_lock
from sitegen.build.options import BuildOptions, BuildReport
from sitegen.build.output import check_output_dir, output_location, recover
from sitegen.build.parallel import in_child
from sitegen.config import load_config
from sitegen.errors import BuildFailed, ConfigError, ContentError
from sitegen.incremental import uptodate
from sitegen.incremental.inputs import changed_inputs, load_inputs, save_inputs
from sitegen.layout import CACHE_DIR, CONFIG_FILE, EDITOR_PACKAGE, OUTPUT_DIR, SITE_INPUTS
from sitegen.model import OutputFile
from sitegen.portal import production_problems

if TYPE_CHECKING:
    from collections.abc import Callable, Collection

    from sitegen.build.lazysite import LazySite
    from sitegen.build.load import LoadedSite
    from sitegen.build.run import Run

_PACKAGE = Path(__file__).resolve().parent.parent  # sitegen's own code: a changed checkout must build again


def load_site(site_dir: Path, options: BuildOptions | None = None) -> LoadedSite:
    """The loaded and checked site, rendered nowhere."""
    from sitegen.build import pipeline

    return pipeline.load_site(site_dir, options)


def check(site_dir: Path, options: BuildOptions | None = None, production: bool = False) -> BuildReport:
    """Everything a build does but writing: content, links, pictures, templates. Writes nothing, not even the cache.

    `production`: also what a public site in mainland China must have (an ICP number when `base_url` is a public
    address), an error in site.yaml instead of a warning."""
    from sitegen.build import pipeline

    report = pipeline.check(site_dir, options)
    if production:
        config = load_config(site_dir)
        problems = production_problems(config.base_url, config.filings)
        if problems:
            hint = "add `filings: {icp: 粤ICP备…号}` to site.yaml"
            raise ConfigError([ContentError(CONFIG_FILE, None, "filings.icp", p, hint) for p in problems])
    return report


def build_in_memory(site_dir: Path, options: BuildOptions) -> tuple[BuildReport, dict[str, OutputFile]]:
    """The whole site as OutputFiles by path, written nowhere (for the development server)."""
    from sitegen.build import pipeline

    return pipeline.build_in_memory(site_dir, options)


def serve_site(
    site_dir: Path, options: BuildOptions, previous: LazySite | None = None, changed: Collection[Path] | None = None
) -> LazySite:
    """The site loaded, each file made when it is asked for (for the development server): see build.lazysite."""
    from sitegen.build import lazysite

    return lazysite.serve_site(site_dir, options, previous, changed)


def build(site_dir: Path, options: BuildOptions | None = None) -> BuildReport:
    options = options or BuildOptions()
    try:
        return _build(site_dir, options)
    finally:
        if not options.free_at_end:  # the process ends now: what the build left is never freed nor walked
            left_to_exit()


def _build(site_dir: Path, options: BuildOptions) -> BuildReport:
    output = output_location(options.output_dir or site_dir / OUTPUT_DIR)
    check_output_dir(output, site_dir)
    cache_dir = options.cache_dir or site_dir / CACHE_DIR
    recorded = options.disk_cache and options.cache is None  # a build that keeps its cache on disk
    # one build per output folder at a time, from reading the cache to saving it: the cache describes the output
    locked = output_lock(output, options.lock_timeout, options.on_lock_wait)
    with disk_errors_in(cache_dir, True, output.parent), locked:
        recover(output)  # before anything else: what builds that died left behind
        if not recorded:
            return _run_pipeline(site_dir, options, output)[0]
        with spared() as settle:  # a cache read ahead is kept to the build's end, as the pipeline keeps its own
            return _build_recorded(site_dir, options, output, cache_dir, settle)


def _build_recorded(
    site_dir: Path, options: BuildOptions, output: Path, cache_dir: Path, settle: Callable[[], None]
) -> BuildReport:
    """A build that keeps its record: ended early when nothing changed since the last one, else run and recorded."""
    started = time.perf_counter()
    key = _options_key(options, output, cache_dir)
    damaged: list[str] = []
    uptodate.remove_folders_named_as_files(cache_dir, damaged)
    uptodate.remove_dead_writers_files(cache_dir)
    record = uptodate.load_record(cache_dir, damaged)
    survey, run = _survey_inputs(site_dir, options, output, cache_dir, _last(record, key), record, settle)
    inputs, output_state, changed = _surveyed(survey)
    now = options.now or datetime.now(UTC)
    if uptodate.still_valid(record, key, inputs, output, now, output_state):
        assert record is not None
        if run is not None and not options.free_at_end:  # the cache read ahead, left to the exit: never freed
            leave(run)
        return _unchanged(record, output, time.perf_counter() - started)
    uptodate.save_record(cache_dir, None)  # this build may fail halfway: no record may outlive the output
    report, changes_at, output_state = _run_pipeline(site_dir, options, output, changed, run)
    report = replace(report, cache_warnings=tuple(dict.fromkeys((*damaged, *report.cache_warnings))))
    summary = _summary(report)
    with disk_errors_in(cache_dir, False, output.parent):
        record = uptodate.Record(key, inputs.digest, inputs.taken_ns, output_state, changes_at, summary)
        save_inputs(cache_dir, inputs)  # first: the record names their digest
        uptodate.save_record(cache_dir, record)
    return report


# what the survey gives: the scan's fields, the output's digest and the changed inputs (plain data, by marshal)
_Survey = tuple[str, int, int, tuple[str, ...], tuple[str, ...], str | None, list[str] | None]


# From this many files in the last build's output on, its survey takes about as long as importing the pipeline, so
# the two are made at once (on a small site, one with nothing to do would wait for an import it does not need).
_OVERLAP_FILES = 10_000
# From this many on, the survey outlasts the imports (the scan alone 0.57 s at 100,000 articles, 145,000 files, against
# 0.15 s) and the build cache is read meanwhile; a build with nothing to do has then read it for nothing, on the core
# that would otherwise wait for the survey.
_READ_AHEAD_FILES = 50_000


def _survey_inputs(
    site_dir: Path,
    options: BuildOptions,
    output: Path,
    cache_dir: Path,
    last: str | None,
    record: uptodate.Record | None,
    settle: Callable[[], None],
) -> tuple[_Survey, Run | None]:
    """The survey of the inputs (`_survey`); on a large site, or one whose build will run, made on the other core
    while this process imports the pipeline, and on a very large one reads the build cache too: the run the
    pipeline goes on with (a build found to have nothing to do leaves it)."""
    roots = [*(site_dir / name for name in (*SITE_INPUTS, EDITOR_PACKAGE)), options.theme.templates,
             options.theme.assets, _PACKAGE]  # fmt: skip
    arguments = (roots, [output, cache_dir], output, cache_dir, last)
    files = int(record.summary.get("files") or 0) if record is not None else 0
    if last is not None and files < _OVERLAP_FILES:
        return _survey(*arguments), None
    survey = in_child(_survey, *arguments)
    try:
        from sitegen.build import pipeline  # imported ahead of its use, while the survey runs

        run = pipeline.start_kept(settle, site_dir, options) if files >= _READ_AHEAD_FILES else None
        return survey.result(), run
    finally:
        survey.cancel()  # stopped early (Ctrl-C, an import that failed): no child left running


def _last(record: uptodate.Record | None, key: str) -> str | None:
    """The inputs' digest of the last complete build with these options, when there is one."""
    return record.inputs if record is not None and record.key == key else None


def _survey(roots: list[Path], skip: list[Path], output: Path, cache_dir: Path, last: str | None) -> _Survey:
    """The up-to-date scan of `roots`; when its digest is `last` (the last build's), the digest of the output
    (walked: the build may end here), else the input files changed since (incremental.inputs), when known."""
    inputs = uptodate.scan(roots, skip=skip)
    output_state = changed = None
    if last == inputs.digest:
        output_state = uptodate.output_digest(output)
    elif last is not None:
        before = load_inputs(cache_dir, last)
        found = changed_inputs(before, inputs) if before is not None else None
        changed = [str(path) for path in found] if found is not None else None
    return (inputs.digest, inputs.newest_ns, inputs.taken_ns, inputs.entries, inputs.racy, output_state, changed)


def _surveyed(survey: _Survey) -> tuple[uptodate.Scan, str | None, list[Path] | None]:
    digest, newest, taken, entries, racy, output_state, changed = survey
    paths = [Path(path) for path in changed] if changed is not None else None
    return uptodate.Scan(digest, newest, taken, tuple(entries), tuple(racy)), output_state, paths


def _run_pipeline(
    site_dir: Path,
    options: BuildOptions,
    output: Path,
    changed: list[Path] | None = None,
    started: Run | None = None,
) -> tuple[BuildReport, str | None, str]:
    """The build proper; also when the site next changes by the clock alone (ISO time), if ever, and the output's
    digest as the build left it (uptodate.output_digest). `changed`: the input files changed since the last build
    (when known); `started`: its run, the cache read ahead."""
    from sitegen.build import pipeline

    report, loaded, output_state = pipeline.build(site_dir, options, output, changed, started)
    return report, loaded.next_change.isoformat() if loaded.next_change else None, output_state


def _options_key(options: BuildOptions, output: Path, cache_dir: Path) -> str:
    """Everything besides the files that shapes the output."""
    shape = (
        toolchain.digest(),  # sitegen's code, Python and the libraries that shape output
        options.drafts,
        options.future,
        options.search,
        options.strict,
        str(options.theme.templates),
        str(options.theme.assets),
        str(output),
        options.output_mode,
        str(cache_dir.resolve()),
    )
    return hashlib.sha1(repr(shape).encode()).hexdigest()


def _summary(report: BuildReport) -> dict[str, object]:
    return {
        "articles": report.articles,
        "pages": report.pages,
        "files": report.files_written + report.files_unchanged,
        "html_pages": report.pages_rendered + report.pages_reused,
        "left_out_drafts": report.left_out_drafts,
        "left_out_future": report.left_out_future,
        "next_scheduled": report.next_scheduled.isoformat() if report.next_scheduled else None,
        "warnings": list(report.warnings),
        "content_warnings": [[w.path, w.line, w.field, w.message, w.hint] for w in report.content_warnings],
        "mourning": report.mourning,
        "next_mourning": report.next_mourning.isoformat() if report.next_mourning else None,
    }


def _unchanged(record: uptodate.Record, output: Path, seconds: float) -> BuildReport:
    """The report of a build that found nothing to do: the last build's counts, nothing written."""
    summary = record.summary
    articles, pages, files = (int(summary[name]) for name in ("articles", "pages", "files"))
    scheduled = summary.get("next_scheduled")
    warnings = summary.get("warnings")
    recorded = summary.get("content_warnings")
    content_warnings = (
        tuple(ContentError(*w) for w in recorded if isinstance(w, list) and len(w) == 5)
        if isinstance(recorded, list)
        else ()
    )
    mourning = summary.get("next_mourning")
    return BuildReport(
        articles=articles,
        pages=pages,
        files_written=0,
        files_unchanged=files,
        seconds=seconds,
        output_dir=output,
        left_out_drafts=int(summary.get("left_out_drafts") or 0),
        left_out_future=int(summary.get("left_out_future") or 0),
        next_scheduled=datetime.fromisoformat(scheduled) if isinstance(scheduled, str) else None,
        warnings=tuple(str(w) for w in warnings) if isinstance(warnings, list) else (),
        content_warnings=content_warnings,
        articles_reused=articles,
        pages_reused=int(summary.get("html_pages") or 0),
        timings=(("inputs unchanged", seconds),),
        mourning=summary.get("mourning") is True,
        next_mourning=datetime.fromisoformat(mourning) if isinstance(mourning, str) else None,
    )


__all__ = [
    "BuildFailed",
    "BuildOptions",
    "BuildReport",
    "ContentError",
    "build",
    "build_in_memory",
    "check",
    "load_site",
    "serve_site",
]
