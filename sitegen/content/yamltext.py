"""YAML parsing that remembers the line of every top-level key (for messages editors can act on)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from sitegen.content.text import CONTROLS

try:  # libyaml's C loader is ~8x faster; the pure-Python one gives the same data
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]  # the same API under the C one's name


class SafeLoader(_BaseLoader):
    """The safe loader, except that an impossible date (2022-02-30, 0000-01-01) stays text.

    PyYAML raises a bare ValueError for those; as text they reach the field checks, which name the field.
    """

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, AttributeError):
            return self.construct_scalar(node)


SafeLoader.add_constructor("tag:yaml.org,2002:timestamp", SafeLoader.construct_yaml_timestamp)


@dataclass(frozen=True, slots=True)
class Duplicate:
    """A key written again in the same mapping (invalid YAML 1.2; PyYAML keeps the last value without a word)."""

    key: str
    first: int  # 1-based line of its first occurrence, relative to the parsed text
    line: int  # 1-based line where it is written again


@dataclass(frozen=True, slots=True)
class YamlDocument:
    data: Any
    key_lines: dict[str, int]  # 1-based line of each top-level key (the last, whose value is kept), in the text
    item_lines: dict[str, tuple[int, ...]]  # for top-level lists: the line of each item
    duplicates: tuple[Duplicate, ...] = ()  # keys written twice in one mapping, at any depth, by line
    nested_lines: Mapping[str, int] = field(default_factory=dict)  # keys one level down: `filings.icp`, `a[0].b`

    def line_of(self, key: str, default: int = 1) -> int:
        return self.key_lines.get(key, default)

    def item_line(self, key: str, index: int) -> int:
        lines = self.item_lines.get(key, ())
        return lines[index] if index < len(lines) else self.line_of(key)


class YamlSyntaxError(ValueError):
    def __init__(self, line: int, problem: str) -> None:
        self.line = line
        self.problem = problem
        super().__init__(f"line {line}: {problem}")


def parse_yaml(text: str) -> YamlDocument:
    """Parse one YAML document; raise YamlSyntaxError with a 1-based line on bad syntax."""
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlDocument(None, {}, {})
        duplicates = _strip_controls(node)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise YamlSyntaxError(line, exc.problem or str(exc)) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(1, str(exc)) from None
    except (ValueError, TypeError) as exc:  # an explicit tag PyYAML cannot apply, e.g. `!!int abc`
        raise YamlSyntaxError(1, f"cannot read a value: {exc}") from None
    finally:
        loader.dispose()
    key_lines: dict[str, int] = {}
    item_lines: dict[str, tuple[int, ...]] = {}
    nested: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                key = str(key_node.value)
                key_lines[key] = key_node.start_mark.line + 1  # a key written twice: the last, as its value
                if isinstance(value_node, yaml.SequenceNode):
                    item_lines[key] = tuple(item.start_mark.line + 1 for item in value_node.value)
                    for index, item in enumerate(value_node.value):
                        nested.update(_key_lines(item, f"{key}[{index}]."))
                else:
                    item_lines.pop(key, None)
                    nested.update(_key_lines(value_node, f"{key}."))
    return YamlDocument(data, key_lines, item_lines, duplicates, nested)


def _key_lines(node: yaml.Node, prefix: str) -> dict[str, int]:
    """The line of each key of a mapping node, named `<prefix><key>`; none for other nodes."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {f"{prefix}{k.value}": k.start_mark.line + 1 for k, _ in node.value if isinstance(k, yaml.ScalarNode)}


def _strip_controls(root: yaml.Node) -> tuple[Duplicate, ...]:
    """Remove control characters (text.CONTROLS) from every scalar, also those written as escapes ("\\x01"), and
    give every key written twice in one mapping (found on the same walk: no second pass over the document).

    Walks the node graph without recursion and visits each node once: aliases may share nodes or form cycles.
    Merge keys (`<<: *base`) are no duplicates: the keys written beside them override the merged ones.
    """
    duplicates: list[Duplicate] = []
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            if isinstance(node.value, str) and CONTROLS.search(node.value):
                node.value = CONTROLS.sub("", node.value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            keys: dict[tuple[str, str], int] = {}
            for key, value in node.value:
                stack.extend((key, value))
                if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
                    name = CONTROLS.sub("", key.value)  # as it is read: without its control characters
                    line = key.start_mark.line + 1
                    if (key.tag, name) in keys:
                        duplicates.append(Duplicate(name, keys[key.tag, name], line))
                    else:
                        keys[key.tag, name] = line
    return tuple(sorted(duplicates, key=lambda d: (d.line, d.first)))
