"""The front matter of a Hugo or Jekyll source (YAML ---, TOML +++, JSON {}) and case-insensitive access to its
keys, remembering which were mapped to sitegen fields. Pure."""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sitegen.content.yamltext import YamlSyntaxError, parse_yaml
from sitegen.importers.common import line_at, parse_when
from sitegen.importers.model import ImportFailed, Moment, Notice

_TOML_FENCE = re.compile(r"^\+\+\+[ \t]*$")
_YAML_FENCE = re.compile(r"^(---|\.\.\.)[ \t]*$")


@dataclass(frozen=True, slots=True)
class Split:
    data: dict[str, Any]
    body: str
    body_line: int  # line of the body's first line in the file
    notices: tuple[Notice, ...] = ()  # keys written twice in the YAML (the last value is taken, as Jekyll and Hugo do)


def split_front_matter(text: str) -> Split:
    """Front matter and body of a Hugo or Jekyll source; a file without front matter has an empty mapping."""
    lines = text.split("\n")
    if lines and _TOML_FENCE.match(lines[0]):
        end = next((i for i in range(1, len(lines)) if _TOML_FENCE.match(lines[i])), None)
        if end is None:
            raise ImportFailed("the TOML front matter opened with +++ is never closed", 1)
        try:
            data = tomllib.loads("\n".join(lines[1:end]))
        except tomllib.TOMLDecodeError as exc:
            where = re.search(r"line (\d+)", str(exc))
            raise ImportFailed(f"invalid TOML: {exc}", int(where.group(1)) + 1 if where else 1) from None
        return Split(data, "\n".join(lines[end + 1 :]), end + 2)
    if lines and _YAML_FENCE.match(lines[0]) and lines[0].startswith("---"):
        end = next((i for i in range(1, len(lines)) if _YAML_FENCE.match(lines[i])), None)
        if end is None:
            raise ImportFailed("the YAML front matter opened with --- is never closed", 1)
        try:
            doc = parse_yaml("\n".join(lines[1:end]))
        except YamlSyntaxError as exc:
            raise ImportFailed(f"invalid YAML: {exc.problem}", exc.line + 1) from None
        data = doc.data if doc.data is not None else {}
        if not isinstance(data, dict):
            raise ImportFailed("the front matter is not a mapping of keys such as `title:`", 2)
        twice = tuple(
            Notice(d.line + 1, f"{d.key} written twice (lines {d.first + 1} and {d.line + 1}); the last value imported")
            for d in doc.duplicates
        )  # lines of the file: the fence is its first
        return Split({str(k): v for k, v in data.items()}, "\n".join(lines[end + 1 :]), end + 2, twice)
    if text.startswith("{"):
        try:
            data, end_offset = json.JSONDecoder().raw_decode(text)
        except json.JSONDecodeError as exc:
            raise ImportFailed(f"invalid JSON front matter: {exc.msg}", exc.lineno) from None
        if isinstance(data, dict):
            rest = text[end_offset:]
            return Split(data, rest.lstrip("\n"), line_at(text, end_offset) + (len(rest) - len(rest.lstrip("\n"))))
    return Split({}, text, 1)


class Fields:
    """Case-insensitive access to front-matter keys (Hugo ignores case), remembering which were used."""

    def __init__(self, data: Mapping[str, Any], notices: tuple[Notice, ...] = ()) -> None:
        self.data = dict(data)
        self._by_lower = {key.lower(): key for key in reversed(list(data))}
        self.used: set[str] = set()
        self.notices: list[Notice] = list(notices)

    def get(self, *names: str) -> tuple[str, Any] | None:
        """(key as written, value) of the first of `names` present with a non-empty value; marks it used."""
        for name in names:
            key = self._by_lower.get(name.lower())
            if key is not None and self.data[key] not in (None, "", [], {}):
                self.used.add(key)
                return key, self.data[key]
        return None

    def value(self, *names: str) -> Any:
        found = self.get(*names)
        return found[1] if found else None

    def text(self, *names: str) -> str:
        value = self.value(*names)
        return str(value).strip() if isinstance(value, str | int | float) and not isinstance(value, bool) else ""

    def moment(self, *names: str) -> Moment | None:
        for name in names:
            found = self.get(name)
            if found is None:
                continue
            parsed = parse_when(found[1])
            if parsed is not None:
                return parsed
            self.used.discard(found[0])
            self.notices.append(Notice(None, f"{found[0]}: '{found[1]}' is not a date; kept as an extra field"))
        return None

    def flag(self, *names: str) -> bool | None:
        value = self.value(*names)
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "yes", "false", "no"):
            return value.strip().lower() in ("true", "yes")
        return None

    def views(self) -> int | None:
        value = self.value("views")
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        if isinstance(value, str) and value.strip().isdigit():
            return int(value.strip())
        if value is not None:
            self.used.discard("views")
        return None

    def extra(self) -> dict[str, Any]:
        """Every key not mapped to a sitegen field, as written."""
        return {key: value for key, value in self.data.items() if key not in self.used}
