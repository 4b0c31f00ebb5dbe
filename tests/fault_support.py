"""The fault-injection suite's site and its figures: a real site in two editions, built by real processes."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SITE_YAML = """\
title: 故障测试站
base_url: https://example.org/
language: zh-CN
page_size: 10
columns:
  - slug: towns
    title: 镇街社区
  - slug: tips
    title: 身边爆料
"""
ARTICLES = 60


def make_fault_site(site: Path, png: bytes) -> None:
    """A site of ARTICLES articles with pictures, its base template overridden (editions switch it)."""
    for n in range(ARTICLES):
        column = "towns" if n % 3 else "tips"
        body = f"第{n}篇的正文。" * 30 + ("\n\n![图](photo.png)\n\n图片说明\n" if n % 20 == 0 else "\n")
        date = f"2024-{n % 12 + 1:02d}-{n % 27 + 1:02d}"
        text = f"---\ntitle: 第{n}篇文章\ndate: {date}\ntags: [标签{n % 7}]\n---\n\n{body}"
        path = site / f"content/{column}/2024/a{n:03d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for column in ("towns", "tips"):
        (site / f"content/{column}/2024/photo.png").write_bytes(png)
    (site / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    set_edition(site, "A")


def set_edition(site: Path, edition: str) -> None:
    """Edition A or B: another base template (every page changes) and, in B, one more article (A removes it)."""
    base = (REPO_ROOT / "templates/base.html").read_text(encoding="utf-8")
    templates = site / "templates"
    templates.mkdir(exist_ok=True)
    marked = base.replace("</body>", f"<!-- edition {edition} --></body>")
    (templates / "base.html").write_text(marked, encoding="utf-8")
    extra = site / "content/towns/2024/extra.md"
    if edition == "B":
        extra.write_text("---\ntitle: 只在B版\ndate: 2024-06-01\n---\n\nB版才有的文章。\n", encoding="utf-8")
    else:
        extra.unlink(missing_ok=True)


def build_command(site: Path, output: Path, cache: Path, mode: str = "link") -> list[str]:
    return [
        sys.executable, "-c", "from sitegen.cli import main; main()", "build", "--site", str(site),
        "--output", str(output), "--cache-dir", str(cache), "--output-mode", mode, "--jobs", "2",
    ]  # fmt: skip


def environment(fault: str = "") -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("SITEGEN_FAULT", None)
    if fault:
        env["SITEGEN_FAULT"] = fault
    return env


def run_build(site: Path, output: Path, cache: Path, mode: str = "link", fault: str = "") -> int:
    done = subprocess.run(build_command(site, output, cache, mode), env=environment(fault), capture_output=True,
                          timeout=300, check=False)  # fmt: skip
    if fault == "" and done.returncode != 0:
        raise AssertionError(done.stderr.decode("utf-8", "replace"))
    return done.returncode


@dataclass
class Figures:
    """What the suite tried and saw; printed at the end of the run."""

    kills_tried: int = 0  # builds killed while they ran (SIGKILL)
    killed_at_steps: int = 0
    random_kills: int = 0
    builds_ended_before_the_kill: int = 0  # random moments that fell after the build's end (checked all the same)
    faults_injected: int = 0  # kills plus full and read-only disks
    mixtures_seen: int = 0  # outputs (after a kill, or read during a build) that were neither edition
    reads_during_builds: int = 0
    folders_left: int = 0  # litter beside the output after the next build
    data_lost: int = 0  # next builds whose output was not the edition built, whole
    plain_mixtures_until_next_build: int = 0  # plain-folder mode: a commit cut short, completed by the next build
    notes: list[str] = field(default_factory=list)

    def line(self) -> str:
        fields = {k: v for k, v in vars(self).items() if k != "notes"}
        return "fault-injection figures: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in fields.items())
