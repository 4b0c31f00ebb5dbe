"""The rules of the house (docs/architecture.md), read from the source with `ast`: imports point down.

The package is a stack of floors; a module may import modules of its own floor or of a floor below, never above:

    cli/, serve, command                           the top: the command line, its way in, the development server
    importers/                                     sitegen import (writes new sources through its own writer)
    scaffold                                       new sources: init, new (slugs the importers share)
    build/                                         the pipeline, serve's lazy site, parallel map, output writer, lock
    incremental/                                   what a build can reuse: build cache, body store, up-to-date record
    search/                                        the search index
    render/                                        Jinja, pages, feeds, JSON-LD, labels, the theme
    site, edition, related                         assembling the Site, an edition's (pure), related articles
    content/                                       sources -> Articles: front matter, Markdown, links
    pictures/                                      where pictures are, their variants, the image cache
    config, portal                                 site.yaml -> Config (portal: filings, mourning)
    content.text, content.yamltext, content.sanitize   leaves that config reads with
    model/, errors, messages/, layout, urls, stamps, toolchain   the bottom

Nothing outside `cli/` imports it; only `cli/` imports click, only `render/` jinja2, only `serve` watchdog, only
`content.sanitize` nh3, only `pictures.variants` Pillow, only `search.postings` numpy and only `content.chinese`
opencc. Imports inside functions count too.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "sitegen"


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts) or "__init__"


FILES = {_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
MODULES = sorted(FILES)

# (floor, the modules on it: a name, or "package.*" for every module of a subpackage), bottom first
FLOORS: list[tuple[str, tuple[str, ...]]] = [
    (
        "bottom",
        (
            "__init__",
            "model",
            "model.*",
            "errors",
            "messages",
            "messages.*",
            "layout",
            "urls",
            "stamps",
            "toolchain",
            "cachenotes",
            "helperprocess",
        ),
    ),
    ("leaves", ("content.text", "content.yamltext", "content.sanitize")),
    ("config", ("config", "portal")),
    ("pictures", ("pictures", "pictures.*")),
    ("content", ("content", "content.*")),
    ("site", ("site", "edition", "related", "collisions")),
    ("render", ("render", "render.*")),
    ("search", ("search", "search.*")),
    ("incremental", ("incremental", "incremental.*")),
    ("build", ("build", "build.*")),
    ("scaffold", ("scaffold",)),
    ("importers", ("importers", "importers.*")),
    ("top", ("serve", "cli", "cli.*", "command")),
]


def floor_of(module: str) -> int:
    """The floor of a module: an exact name wins over a package's `.*`."""
    for number, (_, names) in enumerate(FLOORS):
        if module in names:
            return number
    for number, (_, names) in enumerate(FLOORS):
        if any(n.endswith(".*") and module.startswith(n[:-1]) for n in names):
            return number
    raise AssertionError(f"sitegen.{module} is on no floor: add it to FLOORS in tests/test_architecture.py")


@cache
def imports(module: str) -> tuple[frozenset[str], frozenset[str]]:
    """(sitegen modules, other top-level packages) that a module imports, anywhere in the file."""
    path = FILES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    own: set[str] = set()
    other: set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]

    def add(dotted: str) -> None:
        parts = dotted.split(".")
        if parts[0] != "sitegen":
            other.add(parts[0])
        else:
            own.add(".".join(parts[1:]) or "__init__")

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = ["sitegen", *package.split(".")] if package else ["sitegen"]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            for alias in node.names:  # `from sitegen.build import pipeline`: pipeline may be a module
                candidate = f"{base}.{alias.name}"
                add(candidate if candidate.removeprefix("sitegen.") in FILES else base)
    own.discard(module)
    return frozenset(own), frozenset(other)


def package(name: str) -> set[str]:
    """A package's modules: `name` itself and every `name.*`."""
    return {m for m in MODULES if m == name or m.startswith(f"{name}.")}


CLI = package("cli")


def importers(target: str) -> set[str]:
    return {m for m in MODULES if target in imports(m)[0]}


def users_of(package: str) -> set[str]:
    return {m for m in MODULES if package in imports(m)[1]}


def test_the_walker_sees_imports_inside_functions_and_from_package_forms() -> None:
    assert {"build.api", "errors"} <= imports("cli.common")[0]
    assert "serve" in imports("cli.authoring")[0]  # imported inside a function
    assert "click" in imports("cli")[1]
    assert "cli.building" in imports("cli")[0]  # `from sitegen.cli.building import ...` in the package's __init__
    assert "jinja2" in imports("render.pages")[1]
    assert "model" in imports("site")[0]
    assert "build.pipeline" in imports("build.api")[0]  # `from sitegen.build import pipeline`


def test_every_module_is_on_a_floor() -> None:
    for module in MODULES:
        floor_of(module)


def test_imports_point_down_or_across_never_up() -> None:
    for module in MODULES:
        for target in imports(module)[0]:
            assert target in FILES, f"sitegen.{module} imports sitegen.{target}, which does not exist"
            assert floor_of(target) <= floor_of(module), (
                f"sitegen.{module} ({FLOORS[floor_of(module)][0]}) imports sitegen.{target}, "
                f"which is above it ({FLOORS[floor_of(target)][0]})"
            )


def test_nothing_imports_cli() -> None:
    for module in CLI:  # but the console script's way in, which guards it against an early Ctrl-C
        assert importers(module) <= CLI | {"command"}, f"sitegen.{module} is imported from outside the cli package"


@pytest.mark.parametrize(
    ("package", "allowed"),
    [
        ("click", CLI),
        # memo: the include memo hooks into Jinja's compiler; compiled: Jinja's cache of compiled templates
        ("jinja2", {"render.pages", "render.memo", "render.compiled"}),
        ("watchdog", {"serve"}),
        ("nh3", {"content.sanitize"}),
        ("PIL", {"pictures.variants"}),
        ("numpy", {"search.postings"}),
        ("opencc", {"content.chinese"}),
    ],
)
def test_only_one_module_imports_each_framework(package: str, allowed: set[str]) -> None:
    assert users_of(package) <= allowed, f"{package} is imported by {sorted(users_of(package) - allowed)}"


def test_build_and_serve_are_used_only_from_above() -> None:
    assert importers("build.api") - {"build"} <= CLI | {"serve"}
    assert importers("serve") <= CLI
    # the pipeline, and serve's lazy site beside it (which loads through the pipeline), are reached through build.api
    assert importers("build.pipeline") == {"build.api", "build.lazysite"}
    assert importers("build.lazysite") <= {"build.api", "serve"}


def test_the_way_in_stays_light_to_import() -> None:
    """A build with nothing to do must not pay for Markdown, Jinja, Pillow or nh3: cli, build and what they
    import at the top of the file stay clear of them (the pipeline is imported inside build's functions)."""
    heavy = {"markdown", "jinja2", "PIL", "nh3", "watchdog", "pypinyin", "markupsafe", "numpy", "opencc"}
    code = f"import sys, sitegen.cli\nprint(sorted(name for name in {sorted(heavy)!r} if name in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_the_bottom_imports_only_the_bottom() -> None:
    bottom = {m for m in MODULES if floor_of(m) == 0}
    for module in bottom:
        outside = imports(module)[0] - bottom
        assert not outside, f"{module} imports {sorted(outside)}"
    for module in package("model"):
        assert imports(module)[0] <= package("model") | {"errors"}
    for module in package("messages"):
        assert imports(module)[0] <= package("messages")  # the catalog is a leaf


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


# Who may write files: the built site's writer and its lock, the caches' own stores, the importers' writer and the
# scaffolding of new sources. Everything else is read-only or pure. (render.compiled has Jinja keep compiled templates
# in Jinja's own folder of the system's temporary folder: outside the site, written by Jinja, not by a call here.)
WRITERS = {
    "build.output": "the built site: staged, then committed",
    "build.staging": "a build's changed files, staged beside the output",
    "build.generations": "the output link and the build folders it points to",
    "build.recycle": "the spare build folder made the next build, and its record",
    "build.plainfolder": "the plain output folder and its commit journal",
    "build.lock": "the lock file beside the output folder",
    "build.faults": "the fault-injection tests' marker that a build waits at a fault point (never outside the tests)",
    "incremental.cache": "the build cache's index (build.pickle), naming every store's part",
    "incremental.articles": "the article store's shards (articles-*.pickle)",
    "incremental.picturetable": "the shards' pictures, saved once (pictures-*.pickle)",
    "incremental.pickles": "a sealed cache file, written beside and renamed into place (write_sealed)",
    "incremental.journal": "a journal beside its base (*.journal.pickle), removed once a new base is written",
    "incremental.searchrecord": "the search indexes' states (search*.pickle)",
    "incremental.bodies": "the body store (SQLite)",
    "incremental.pages": "the page store (SQLite)",
    "incremental.uptodate": "the up-to-date record",
    "incremental.inputs": "the up-to-date scan's entries, kept beside the record",
    "incremental.slugs": "the author slugs remembered between builds",
    "pictures.cache": "the image cache",
    "pictures.usage": "the image cache's usage record, and removing the entries no build used for a while",
    "importers.writer": "imported articles and their pictures",
    "scaffold": "sitegen init and new",
}
_WRITING_CALLS = {
    "write_text",
    "write_bytes",
    "mkdir",
    "makedirs",
    "unlink",
    "rmdir",
    "rmtree",
    "touch",
    "symlink_to",
    "hardlink_to",
    "link",
    "symlink",
    "rename",
    "replace",
    "copy",
    "copy2",
    "copyfile",
    "copytree",
    "move",
    "mkstemp",
    "mkdtemp",
    "NamedTemporaryFile",
    "TemporaryDirectory",
    "connect",
    "remove",
    "truncate",
}
_MODULE_OWNERS = {"os", "shutil", "tempfile", "sqlite3", "Path", "path"}  # `str.replace` is not a write


def writing_calls(module: str) -> set[str]:
    """The calls in a module that can change the file system: open(..., 'w'/'a'/'x'), pathlib and os writes."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(FILES[module].read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        is_open = isinstance(func, ast.Name) and func.id == "open"
        if is_open or (isinstance(func, ast.Attribute) and func.attr == "open"):
            # open(path, mode) or Path.open(mode)
            modes = [a.value for a in node.args[int(is_open) : int(is_open) + 1] if isinstance(a, ast.Constant)]
            modes += [k.value.value for k in node.keywords if k.arg == "mode" and isinstance(k.value, ast.Constant)]
            if any(isinstance(m, str) and set(m) & set("wax+") for m in modes):
                found.add("open")
        elif isinstance(func, ast.Attribute) and func.attr in _WRITING_CALLS:
            owner = func.value
            owner_name = ""
            if isinstance(owner, ast.Name):
                owner_name = owner.id
            elif isinstance(owner, ast.Attribute):
                owner_name = owner.attr
            ambiguous = {"replace", "remove", "connect", "copy", "link", "truncate"}
            if func.attr in ambiguous and owner_name not in _MODULE_OWNERS:
                continue  # str.replace, list.remove, dict.copy ...: not the file system
            found.add(func.attr)
    return found


def test_the_walker_sees_writes_and_every_named_writer_writes() -> None:
    assert all(writing_calls(module) == set() for module in package("model"))
    for module in WRITERS:
        assert writing_calls(module), f"sitegen.{module} is listed as a writer but writes nothing: update WRITERS"


def test_only_the_named_writers_write_files() -> None:
    for module in MODULES:
        if module not in WRITERS:
            assert not writing_calls(module), f"sitegen.{module} writes files ({sorted(writing_calls(module))})"


# Small modules and functions (docs/architecture.md, rule 7). A function that must stay one piece says why in a
# comment and is listed here with that reason; the list stays short.
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
LONG_ALLOWED: dict[str, str] = {}


def _long_functions(module: str) -> dict[str, int]:
    """`module.function` (methods and nested functions by their dotted path) -> lines from `def` to its end."""
    found: dict[str, int] = {}

    def walk(node: ast.AST, path: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = f"{path}.{child.name}"
                if not isinstance(child, ast.ClassDef):
                    assert child.end_lineno is not None
                    if child.end_lineno - child.lineno + 1 > MAX_FUNCTION_LINES:
                        found[name] = child.end_lineno - child.lineno + 1
                walk(child, name)

    walk(ast.parse(FILES[module].read_text(encoding="utf-8")), module)
    return found


def _allowed(name: str) -> bool:
    return any(name == entry or name.startswith(f"{entry}.") for entry in LONG_ALLOWED)


def test_the_size_walker_counts_lines_from_def_to_end(monkeypatch: pytest.MonkeyPatch) -> None:
    source = "def f():\n" + "    x = 1\n" * MAX_FUNCTION_LINES + "\n\ndef g():\n    pass\n"
    tree = ast.parse(source)
    lengths = {n.name: (n.end_lineno or n.lineno) - n.lineno + 1 for n in tree.body if isinstance(n, ast.FunctionDef)}
    assert lengths == {"f": MAX_FUNCTION_LINES + 1, "g": 2}
    monkeypatch.setitem(LONG_ALLOWED, "build.load", "an example entry")  # the list itself is empty today
    assert _allowed("build.load.load_site") and _allowed("build.load._Chosen.of")
    assert not _allowed("build.loader")


def test_no_module_is_over_400_lines() -> None:
    long = {}
    for module in MODULES:
        lines = len(FILES[module].read_bytes().splitlines())
        if lines > MAX_MODULE_LINES and not _allowed(module):
            long[module] = lines
    assert not long, f"modules over {MAX_MODULE_LINES} lines (split them, or list them in LONG_ALLOWED): {long}"


def test_no_function_is_over_60_lines() -> None:
    long = {name: n for module in MODULES for name, n in _long_functions(module).items() if not _allowed(name)}
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines (split them, or list them in LONG_ALLOWED): {long}"


def test_every_allowed_entry_still_needs_its_place() -> None:
    """An entry whose module or function got short (or went away) leaves the list."""
    for entry in LONG_ALLOWED:
        module = entry if entry in FILES else entry.rpartition(".")[0]
        assert module in FILES, f"LONG_ALLOWED names {entry}, which does not exist"
        if entry == module:
            assert len(FILES[module].read_bytes().splitlines()) > MAX_MODULE_LINES or any(
                name.startswith(f"{entry}.") for name in _long_functions(module)
            ), f"{entry} is short now: remove it from LONG_ALLOWED"
        else:
            assert any(name == entry or name.startswith(f"{entry}.") for name in _long_functions(module)), (
                f"{entry} is short now: remove it from LONG_ALLOWED"
            )
