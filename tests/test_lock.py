"""Two builds into one output folder: one writes at a time, the other waits, or gives up with a clear message."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import MakeSite, article, build_site, tree
from output_support import litter

from sitegen.build.lock import OutputBusy, lock_path, output_lock
from sitegen.cli import main

ROUNDS = 10

BUILDER = textwrap.dedent(
    """
    import sys
    import time
    from datetime import datetime
    from pathlib import Path
    from zoneinfo import ZoneInfo
    from sitegen.build.api import BuildOptions, build

    # a slow disk: every rename (the swap of the output folder is two) takes a while, so that without the lock
    # two builds' swaps overlap on nearly every round
    rename = Path.rename
    def slow_rename(self, target):
        time.sleep(0.02)
        result = rename(self, target)
        time.sleep(0.02)
        return result
    Path.rename = slow_rename

    site, output, rounds = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    now = datetime(2026, 1, 1, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    for _ in range(rounds):
        build(site, BuildOptions(output_dir=output, now=now, lock_timeout=60))
    """
)


@pytest.fixture
def site(make_site: MakeSite) -> Path:
    files = {f"content/towns/2024/a{n}.md": article(title=f"文章{n}", date=f"2024-01-{n + 1:02d}", tags="[甲, 乙]")
             for n in range(12)}  # fmt: skip
    files.update({f"content/tips/b{n}.md": article(title=f"爆料{n}", date=f"2024-02-{n + 1:02d}") for n in range(6)})
    return make_site(files)


def test_two_processes_building_into_one_folder_never_corrupt_it(site: Path, tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    build_site(site, output_dir=clean)
    output = tmp_path / "shared" / "public"
    script = tmp_path / "builder.py"
    script.write_text(BUILDER, encoding="utf-8")
    processes = [
        subprocess.Popen(
            [sys.executable, str(script), str(site), str(output), str(ROUNDS)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    for process in processes:
        _, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr.decode()
    assert tree(output) == tree(clean)
    assert litter(output) == []  # no staging or retired folders, no lock file left


def test_a_build_waits_for_the_one_holding_the_lock(site: Path, tmp_path: Path) -> None:
    output = tmp_path / "public"
    told: list[str] = []
    released = threading.Event()

    def holder() -> None:
        with output_lock(output):
            time.sleep(0.5)
        released.set()

    thread = threading.Thread(target=holder)
    thread.start()
    time.sleep(0.1)
    build_site(site, output_dir=output, on_lock_wait=told.append, lock_timeout=30)
    thread.join()
    assert released.is_set()
    assert len(told) == 1 and told[0].startswith("waiting for another build (process "), told
    assert (output / "index.html").is_file()
    assert not lock_path(output).exists()  # removed by its holder as it let go


def test_a_build_gives_up_naming_the_build_that_holds_the_lock(site: Path, tmp_path: Path) -> None:
    output = tmp_path / "public"
    build_site(site, output_dir=output)
    before = tree(output)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom pathlib import Path\n"
         "from sitegen.build.lock import output_lock\n"
         "with output_lock(Path(sys.argv[1])):\n    print('locked', flush=True); time.sleep(30)", str(output)],
        stdout=subprocess.PIPE,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"locked"
        assert lock_path(output).read_text(encoding="utf-8").startswith(f"process {holder.pid} on ")
        started = time.perf_counter()
        with pytest.raises(OutputBusy) as caught:
            build_site(site, output_dir=output, lock_timeout=0.5)
        assert 0.5 <= time.perf_counter() - started < 5
        message = str(caught.value)
        assert message.startswith(f"gave up after 0.5 s: another build (process {holder.pid} on "), message
        assert str(output) in message
        assert tree(output) == before
    finally:
        holder.kill()
        holder.wait()
    build_site(site, output_dir=output, lock_timeout=5)  # the kernel released the lock of the killed process


def test_the_cli_says_it_waits_and_exits_2_when_it_gives_up(site: Path, tmp_path: Path) -> None:
    output = tmp_path / "public"
    with output_lock(output):
        result = CliRunner().invoke(main, ["build", "--site", str(site), "--output", str(output), "--wait", "0.3"])
    assert result.exit_code == 2, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("正在等待另一个生成进程（进程 "), lines
    assert lines[1].startswith("等待 0.3 秒后放弃：另一个生成进程（进程 "), lines
    assert not output.exists()
