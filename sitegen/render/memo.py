"""A memo of `{% include %}`s for one Jinja environment (one build): what every page repeats (the toolbar, the header,
the column navigation, the footer) is rendered once per distinct output and reused on every page where it would be
the same bytes.

Nothing here knows the theme: any include of any template (a site's override included) is memoised, and an include
is reused only when its *trace* still holds. While an include is rendered, every variable it reads from a template
context (`labels`, `site`, `nav`, `search_url`, `href`...) is traced, and every link it makes (`href`): the entry is
found again by the template, the names it read and what they hold on this page (text and numbers by value, tuples
and frozen dataclasses of plain fields such as a navigation link by value, any other immutable object, a Config or
the labels, by identity, kept alive by the entry), and by what each link's text depends on from this page, its depth
and the folders it shares with the target (`urls.relative_depth`), not by the page's URL. An include that read a
mutable value (a list, a dict, a Namespace) is not kept. So a reused include can never give other bytes than
rendering it again: incremental output stays byte-identical to a cold build.

Includes are hooked where Jinja compiles them (`MemoCodeGenerator`): an include `with context` (the default) calls
`MemoEnvironment.render_include` instead of rendering the template itself.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import types
from collections.abc import Callable, Iterator, Mapping
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.runtime import Context, missing
from markupsafe import Markup

from sitegen.urls import relative_depth

_SCALARS = frozenset({int, bool, float, type(None)})
# immutable objects keyed by identity: the same object is the same content
_BY_IDENTITY = frozenset(
    {types.MappingProxyType, frozenset, datetime.datetime, datetime.date, datetime.timezone, ZoneInfo, type}
    | {types.FunctionType, types.BuiltinFunctionType, types.MethodType, functools.partial}
)
_PLAIN_ANNOTATIONS = frozenset({"str", "int", "bool", "float", "None"})
DEFAULT_LIMIT = 20_000  # entries kept (an include's output, a few kilobytes); then the oldest template's go

# what a rendering read: the variables, and its links (the target's folders, whether it passes through unchanged)
Shape = tuple[tuple[str, ...], tuple[tuple[tuple[str, ...], bool], ...]]


class _Ineligible(Exception):
    """A value the memo cannot key: the include is rendered, not kept."""


@functools.cache
def _frozen_kind(kind: type) -> tuple[bool, Callable[[Any], tuple[Any, ...]] | None]:
    """(whether `kind` is a frozen dataclass, and when its fields are all declared text, numbers or truth values, a
    function giving their values: such an object is keyed by value, any other by identity)."""
    if not dataclasses.is_dataclass(kind) or not kind.__dataclass_params__.frozen:  # type: ignore[attr-defined]
        return False, None
    fields = dataclasses.fields(kind)
    if not all({part.strip() for part in str(f.type).split("|")} <= _PLAIN_ANNOTATIONS for f in fields):
        return True, None
    names = [f.name for f in fields]
    return True, lambda value: tuple(getattr(value, name) for name in names)


def value_key(value: Any, keep: list[Any]) -> object:
    """A hashable key equal for two values only when a template sees the same in both; objects keyed by identity
    go into `keep` (so that their ids are not reused while the key lives). Raises _Ineligible for mutable values."""
    kind = type(value)
    if kind is str:
        return value
    if kind in _BY_IDENTITY:
        keep.append(value)
        return ("id", id(value))
    if kind in _SCALARS:
        return (kind, repr(value))  # typed: True and 1, 0.0 and -0.0 print differently
    if kind is Markup:
        return (Markup, str(value))
    if kind is tuple:
        return ("tuple", *(value_key(item, keep) for item in value))
    frozen, fields = _frozen_kind(kind)  # type: ignore[arg-type]  # a type is hashable
    if fields is not None:
        values = fields(value)
        if all(type(v) is str or type(v) in _SCALARS for v in values):  # a navigation link: equal by value
            return (kind, *(value_key(v, keep) for v in values))
    elif not frozen and value is not missing:
        raise _Ineligible(kind.__qualname__)
    keep.append(value)
    return ("id", id(value))


def context_value(context: Context, name: str) -> Any:
    """A context's variable, as the template would resolve it, without being traced."""
    if name in context.vars:
        return context.vars[name]
    return context.parent.get(name, missing)


def _link_depends(page_url: Any, folders: tuple[str, ...], through: bool) -> tuple[int, int] | str | None:
    """What a link's text depends on: on 404.html (no page URL) the site root (None); a full URL nothing; else the
    page's depth and the folders it shares with the target."""
    if not isinstance(page_url, str):
        return None
    return "through" if through else relative_depth(page_url, folders)


@functools.lru_cache(maxsize=1 << 10)  # a page asks for the same few shapes of links, once per include
def _links_depend(page_url: str | None, links: tuple[tuple[tuple[str, ...], bool], ...]) -> tuple[object, ...]:
    return tuple(_link_depends(page_url, folders, through) for folders, through in links)


@dataclasses.dataclass(slots=True)
class _Trace:
    """What a rendering read while it was made, as it came (sorted out when it is done: a read must be cheap)."""

    reads: list[tuple[str, Any]] = dataclasses.field(default_factory=list)  # (variable, its value)
    links: list[tuple[Any, tuple[str, ...], bool]] = dataclasses.field(default_factory=list)  # (page, folders, through)

    def settle(self, keep: list[Any]) -> tuple[Shape, tuple[object, ...]] | None:
        """The shape of what was read and what it was; None when a variable had two values or a link two texts
        (read from contexts that disagree), or a value cannot be keyed."""
        values: dict[str, Any] = {}
        try:
            for name, value in self.reads:
                known = values.setdefault(name, value)
                if known is not value and value_key(known, []) != value_key(value, []):
                    return None
            depends: dict[tuple[tuple[str, ...], bool], object] = {}
            for page_url, folders, through in self.links:
                now = _link_depends(page_url, folders, through)
                if depends.setdefault((folders, through), now) != now:
                    return None
            names = tuple(sorted(values))
            links = tuple(sorted(depends))
            return (names, links), (*(value_key(values[n], keep) for n in names), *(depends[k] for k in links))
        except _Ineligible:
            return None


def _observe(shape: Shape, lookup: Callable[[str], Any], keep: list[Any]) -> tuple[object, ...] | None:
    """What this page holds for the variables of `shape`, and what its links depend on from this page; None when
    a value cannot be keyed."""
    names, links = shape
    try:
        observed = tuple(value_key(lookup(name), keep) for name in names)
    except _Ineligible:
        return None
    if not links:
        return observed
    page_url = lookup("page_url")
    return observed + _links_depend(page_url if isinstance(page_url, str) else None, links)


def _once(text: str) -> Iterator[str]:
    yield text


class IncludeMemo:
    """The entries of one environment (by template, then each shape of trace it has had, then what the page holds
    for it: a dictionary look-up), and the traces of the includes being rendered (innermost last)."""

    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        self.entries: dict[jinja2.Template, dict[Shape, dict[tuple[object, ...], tuple[str, tuple[Any, ...]]]]] = {}
        self.recording: list[_Trace] = []
        self.limit = limit
        self.size = 0
        self.hits = self.misses = 0

    def link(self, page_url: str | None, target: str, through: bool) -> None:
        """A link made by the include being rendered, from `page_url` to `target` (site-relative, or a full URL that
        passes `through`)."""
        folders = () if through else tuple(target.partition("#")[0].split("/")[:-1])
        self.recording[-1].links.append((page_url, folders, through))

    def render(self, template: jinja2.Template, context: Context, local_vars: Mapping[str, Any]) -> Iterator[str]:
        """`{% include %}` with context: `template` rendered in a new context of `context`'s variables and the
        including template's `local_vars`, or its output on an earlier page that read the same."""

        def lookup(name: str) -> Any:  # as the include's context would resolve it
            value = local_vars.get(name, missing)
            return context_value(context, name) if value is missing else value

        for shape, table in self.entries.get(template, {}).items():
            observed = _observe(shape, lookup, [])
            found = table.get(observed) if observed is not None else None
            if found is not None:
                self.hits += 1
                if self.recording:  # the include around this one read what this one read
                    outer = self.recording[-1]
                    outer.reads += [(name, lookup(name)) for name in shape[0]]
                    outer.links += [(lookup("page_url"), folders, through) for folders, through in shape[1]]
                return _once(found[0])
        self.misses += 1
        trace = _Trace()
        self.recording.append(trace)
        try:
            output = "".join(template.root_render_func(template.new_context(context.get_all(), True, local_vars)))
        finally:
            self.recording.pop()
        if self.recording:
            self.recording[-1].reads += trace.reads
            self.recording[-1].links += trace.links
        keep: list[Any] = []
        settled = trace.settle(keep)
        # kept only when this page holds what the rendering read (no context along the way shadowed a variable)
        if settled is not None and _observe(settled[0], lookup, keep) == settled[1]:
            self._store(template, settled, (output, tuple(keep)))
        return _once(output)

    def _store(self, template: jinja2.Template, settled: tuple[Shape, tuple[object, ...]], entry: Any) -> None:
        if self.size >= self.limit:  # the oldest template's entries first
            self.size -= sum(len(table) for table in self.entries.pop(next(iter(self.entries))).values())
        shape, observed = settled
        self.entries.setdefault(template, {}).setdefault(shape, {})[observed] = entry
        self.size += 1

    def stats(self) -> dict[str, int]:
        return {"hits": self.hits, "misses": self.misses, "entries": self.size}


class MemoContext(Context):
    """A template context whose variable reads the memo traces while an include is being rendered."""

    include_memo: IncludeMemo  # set on the class made for each environment

    def resolve_or_missing(self, key: str) -> Any:
        value = self.vars[key] if key in self.vars else self.parent.get(key, missing)
        recording = self.include_memo.recording
        if recording:
            recording[-1].reads.append((key, value))
        return value


class MemoCodeGenerator(CodeGenerator):
    """Jinja's code generator, but an include with context goes through the environment's memo."""

    def visit_Include(self, node: nodes.Include, frame: Frame) -> None:
        if not node.with_context or self.environment.is_async or node.ignore_missing:
            super().visit_Include(node, frame)
            return
        function = "get_template"
        if not (isinstance(node.template, nodes.Const) and isinstance(node.template.value, str)):
            function = "get_or_select_template"
        self.writeline(f"template = environment.{function}(", node)
        self.visit(node.template, frame)
        self.write(f", {self.name!r})")
        local_vars = self.dump_local_context(frame)
        self.writeline(f"for event in environment.include_memo.render(template, context, {local_vars}):")
        self.indent()
        self.simple_write("event", frame)
        self.outdent()


class MemoEnvironment(jinja2.Environment):
    """A Jinja environment whose includes are memoised (one memo per environment: one build)."""

    code_generator_class = MemoCodeGenerator

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.include_memo = IncludeMemo()
        self.context_class = type("MemoContext", (MemoContext,), {"include_memo": self.include_memo})
