"""The rules of the house (ARCHITECTURE.md), read from the source with `ast`: imports point down.

    cli -> build (-> pipeline), serve -> the rest (config, content, site, render, output, ...)
        -> markup, text, urls -> model, errors

Nothing imports `cli`; only `cli` imports click, only `render` imports jinja2, only `serve` imports watchdog,
only `images` imports Pillow (PIL).
`model` and `errors` sit at the bottom and import no other sitegen module except each other and `messages`
(the catalog that words errors in the site's language; a leaf that imports no sitegen module itself).
Imports inside functions count too.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "sitegen"
MODULES = sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__")
PIPELINE = {"cli", "build", "pipeline", "serve"}
STAGES = {"config", "content", "site", "render", "output"}
BELOW_STAGES = {"markup", "text", "urls"}
BOTTOM = {"model", "errors", "messages"}


@cache
def imports(module: str) -> tuple[frozenset[str], frozenset[str]]:
    """(sitegen modules, other top-level packages) that `sitegen/<module>.py` imports, anywhere in the file."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    own: set[str] = set()
    other: set[str] = set()

    def add(name: str) -> None:
        parts = name.split(".")
        if parts[0] != "sitegen":
            other.add(parts[0])
        elif len(parts) > 1:
            own.add(parts[1])
        else:
            own.add("__init__")

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = "sitegen" if node.level else (node.module or "")
            if node.level and node.module:
                base = f"sitegen.{node.module}"
            if base == "sitegen":  # `from sitegen import x` / `from . import x`: x may be a module
                for alias in node.names:
                    add(f"sitegen.{alias.name}" if (PACKAGE / f"{alias.name}.py").exists() else "sitegen")
            else:
                add(base)
    own.discard(module)
    return frozenset(own), frozenset(other)


def importers(target: str) -> set[str]:
    return {m for m in MODULES if target in imports(m)[0]}


def users_of(package: str) -> set[str]:
    return {m for m in MODULES if package in imports(m)[1]}


def test_the_walker_sees_imports_inside_functions_and_from_package_forms() -> None:
    assert {"build", "errors"} <= imports("cli")[0]
    assert "click" in imports("cli")[1]
    assert "jinja2" in imports("render")[1]
    assert "model" in imports("site")[0]


def test_nothing_imports_cli() -> None:
    assert importers("cli") == set()


@pytest.mark.parametrize(
    ("package", "allowed"),
    [("click", {"cli"}), ("jinja2", {"render"}), ("watchdog", {"serve"}), ("nh3", {"sanitize"}), ("PIL", {"images"})],
)
def test_only_one_module_imports_each_framework(package: str, allowed: set[str]) -> None:
    assert users_of(package) <= allowed, f"{package} is imported by {sorted(users_of(package) - allowed)}"


def test_build_and_serve_are_used_only_from_above() -> None:
    assert importers("build") <= {"cli", "serve"}
    assert importers("serve") <= {"cli"}
    assert importers("pipeline") == {"build"}


def test_the_way_in_stays_light_to_import() -> None:
    """A build with nothing to do must not pay for Markdown, Jinja, Pillow or nh3: cli, build and what they
    import at the top of the file stay clear of them (the pipeline is imported inside build's functions)."""
    heavy = {"markdown", "jinja2", "PIL", "nh3", "watchdog", "pypinyin", "markupsafe"}
    code = f"import sys, sitegen.cli\nprint(sorted(name for name in {sorted(heavy)!r} if name in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_the_stages_do_not_reach_up_to_the_pipeline() -> None:
    for module in set(MODULES) - PIPELINE:
        assert not imports(module)[0] & PIPELINE, f"{module} imports {sorted(imports(module)[0] & PIPELINE)}"


def test_markup_text_and_urls_do_not_import_the_stages() -> None:
    for module in BELOW_STAGES:
        assert not imports(module)[0] & STAGES, f"{module} imports {sorted(imports(module)[0] & STAGES)}"


def test_model_and_errors_import_no_other_sitegen_module() -> None:
    for module in BOTTOM & set(MODULES):
        outside = imports(module)[0] - BOTTOM - {"__init__"}
        assert not outside, f"{module} imports {sorted(outside)}"
    assert imports("model")[0] <= {"errors"}
    assert imports("messages")[0] == frozenset()  # the catalog is a leaf


def test_there_are_no_import_cycles() -> None:
    graph = {m: imports(m)[0] & set(MODULES) for m in MODULES}
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(module: str, path: tuple[str, ...]) -> None:
        if state.get(module) == 2:
            return
        assert state.get(module) != 1, "import cycle: " + " -> ".join((*path, module))
        state[module] = 1
        for target in sorted(graph[module]):
            visit(target, (*path, module))
        state[module] = 2

    for module in MODULES:
        visit(module, ())
