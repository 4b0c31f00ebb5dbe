"""The console script's way in (sitegen.command): Ctrl-C while the command's modules are still being imported ends
it as Ctrl-C during a build does, with exit 130 and one line, not Python's traceback."""

from __future__ import annotations

import subprocess
import sys

# A Ctrl-C that lands while `sitegen.cli` is imported (the first fifth of a second of every `sitegen` process),
# made deterministic: an import hook raises KeyboardInterrupt where the signal's handler would.
_INTERRUPTED_IMPORT = """
import sys

class CtrlC:
    def find_spec(self, name, path=None, target=None):
        if name == "sitegen.cli.building":
            raise KeyboardInterrupt
        return None

sys.meta_path.insert(0, CtrlC())
sys.argv = ["sitegen", "--version"]
from sitegen.command import console
console()
"""


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)


def test_ctrl_c_while_the_command_is_imported_exits_130_with_one_line() -> None:
    result = _run(_INTERRUPTED_IMPORT)
    assert result.returncode == 130, result.stderr
    assert result.stderr.strip() == "Interrupted (已中断)." and "Traceback" not in result.stderr


def test_without_ctrl_c_the_command_runs_as_sitegen_cli_console() -> None:
    result = _run("import sys; sys.argv = ['sitegen', '--version']\nfrom sitegen.command import console\nconsole()")
    assert result.returncode == 0 and "version" in result.stdout, result.stderr


def test_the_way_in_imports_none_of_sitegen_before_it_is_called() -> None:
    code = "import sys, sitegen.command\nprint(sorted(m for m in sys.modules if m.startswith('sitegen')))"
    assert _run(code).stdout.strip() == "['sitegen', 'sitegen.command']"
