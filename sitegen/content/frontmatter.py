"""One source file's text -> FrontMatter + body, with every problem reported by line and field."""

from __future__ import annotations

import re
import reprlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import Any
from urllib.parse import unquote

from sitegen.content import schema
from sitegen.content.flatyaml import parse_flat
from sitegen.content.keys import KNOWN_FIELDS, suggested_key
from sitegen.content.moments import DATE_FORMS, OUT_OF_RANGE, OUT_OF_RANGE_HINT, as_written, parse_moment, read_moment
from sitegen.content.sourcefile import decode, split
from sitegen.content.yamltext import YamlDocument, YamlSyntaxError, parse_yaml
from sitegen.errors import ContentError
from sitegen.model import EMPTY_MAPPING, FrozenMapping
from sitegen.urls import alias_problem, segment_problem

IMAGE_KEYS = schema.PICTURE_KEYS
ALIAS_HINT = "an old address of this article on this site, such as /2008/11/23/hello.html or /old/page/"
MAX_FRONT_MATTER_BYTES = 64 * 1024  # a generous article needs 2 KB; 100,000 lines of keys are refused before parsing
MAX_LIST_ITEMS = 100  # tags, authors or pictures of one article
MAX_ALIASES = 1000  # old addresses of one article: an archive that merged posts gave one post 118 of them
# keys whose one text may name several: split at commas (ASCII or full-width) and the 顿号, as the form's hint says
SEPARATED_KEYS = frozenset({"author", "tags"})
SEPARATORS = re.compile(r"[,，、]")
URL_FIELDS = frozenset({"slug", "date"})  # what the permalink is made of, besides the column
_SHORT = reprlib.Repr()  # error messages show a bounded sketch of a value, never a megabyte (or a cycle) of it
_SHORT.maxstring = _SHORT.maxother = 80


@dataclass(frozen=True, slots=True)
class ImageEntry:
    src: str
    caption: str
    alt: str
    line: int
    width: int | None = None  # as written, for pictures that cannot be measured (remote ones)
    height: int | None = None


@dataclass(frozen=True, slots=True)
class FrontMatter:
    title: str
    date: datetime
    updated: datetime | None = None
    source: str = ""
    authors: tuple[str, ...] = ()
    editor: str = ""
    views: int = 0
    images: tuple[ImageEntry, ...] = ()
    tags: tuple[str, ...] = ()
    summary: str = ""
    slug: str = ""
    draft: bool = False
    featured: bool = False
    weight: int = 0
    aliases: tuple[str, ...] = ()  # old site paths that redirect here, site-relative ("2008/11/hello.html")
    extra: Mapping[str, Any] = field(default_factory=lambda: EMPTY_MAPPING)


@dataclass(frozen=True, slots=True)
class SourceText:
    front_matter: FrontMatter
    body: str
    body_line: int  # line number of the body's first line in the file
    # errors of the front matter: the body is still checked (read_body), so that a file's errors come in one run
    problems: tuple[ContentError, ...] = ()
    warnings: tuple[ContentError, ...] = ()  # keys that look misspelt; errors under --strict

    @property
    def url_known(self) -> bool:
        """Whether the article's URL can be told: the fields it is made of (and the YAML as a whole) are right."""
        return not any(problem.field is None or problem.field in URL_FIELDS for problem in self.problems)


def parse_source(path: str, raw: bytes, timezone: tzinfo) -> SourceText | list[ContentError]:
    """The front matter and body, or every error of the front matter."""
    result = read_body(path, raw, timezone)
    if isinstance(result, list) or not result.problems:
        return result
    return list(result.problems)


def read_body(path: str, raw: bytes, timezone: tzinfo) -> SourceText | list[ContentError]:
    """The front matter and body; when only the front matter's keys or YAML are wrong, the body still, with the
    front matter's errors as `problems` (a stand-in FrontMatter), so that the body is checked in the same run."""
    text, errors = decode(path, raw)
    if text is None:
        return errors
    parts = split(path, text)
    if isinstance(parts, ContentError):
        return [parts]
    yaml_text, body, body_line = parts
    size = len(yaml_text.encode("utf-8"))
    if size > MAX_FRONT_MATTER_BYTES:
        return [
            ContentError(
                path,
                2,
                None,
                f"the front matter is {size} bytes long; at most {MAX_FRONT_MATTER_BYTES} bytes are read",
                "keep long text in the body, below the second ---",
            )
        ]
    stand_in = FrontMatter(title="", date=datetime(2000, 1, 1, tzinfo=timezone))
    try:
        doc = parse_flat(yaml_text)  # the common form, read without PyYAML; anything else, and every error, is PyYAML's
        if doc is None:
            doc = parse_yaml(yaml_text)
    except YamlSyntaxError as exc:
        problem = ContentError(
            path,
            exc.line + 1,
            None,
            f"invalid YAML: {exc.problem}",
            "check quotes and indentation; quote values containing ': ' or starting with [ { * &",
        )
        return SourceText(stand_in, body, body_line, (problem,))
    if doc.data is None:
        doc = YamlDocument({}, {}, {})
    if not isinstance(doc.data, dict):
        problem = ContentError(path, 2, None, "expected front-matter keys such as `title: ...`")
        return SourceText(stand_in, body, body_line, (problem,))
    checker = _FieldChecker(path, doc, timezone)
    # with errors, the fields that are right still serve the body's checks (its pictures, its links); a wrong one
    # holds its default, and `problems` names it (the loader asks whether the URL is known: see url_known)
    front_matter = checker.front_matter()
    return SourceText(front_matter, body, body_line, tuple(checker.errors), checker.warnings())


class _FieldChecker:
    def __init__(self, path: str, doc: YamlDocument, timezone: tzinfo) -> None:
        self.path, self.doc, self.timezone = path, doc, timezone
        self.data: dict[Any, Any] = doc.data
        self.errors = [  # PyYAML would keep the last value without a word; both readers name the repeats
            ContentError(
                path,
                dup.line + 1,
                dup.key,
                f"written twice, on lines {dup.first + 1} and {dup.line + 1}; only one value is read",
                "keep one of them",
            )
            for dup in doc.duplicates
        ]

    def fail(self, key: str, expected: str, got: object, hint: str = "", line: int | None = None) -> None:
        # strings in single quotes with line breaks and tabs escaped: one error is always one line
        found = _shown(got)
        self.errors.append(
            ContentError(
                self.path,
                (line or self.doc.line_of(key.split("[")[0])) + 1,
                key,
                f"expected {expected}, got {found}",
                hint,
            )
        )

    def text(self, key: str, required: bool = False) -> str:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                self.fail(key, "non-empty text", value, f"add `{key}: ...` to the front matter")
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.fail(key, "text", value)
            return ""
        value = str(value).strip()
        if required and not value:
            self.fail(key, "non-empty text", value)
        return value

    def texts(self, key: str, limit: int = MAX_LIST_ITEMS) -> tuple[str, ...]:
        value = self.data.get(key)
        if value is None or value == "":
            return ()
        items = value if isinstance(value, list) else [value]
        if isinstance(value, str) and key in SEPARATED_KEYS:  # `作者: 张三、李四`, as the form's hint says
            items = SEPARATORS.split(value)
        if len(items) > limit:
            self.fail(key, f"at most {limit} entries", len(items))
            return ()
        result = []
        for index, item in enumerate(items):
            if isinstance(item, bool) or not isinstance(item, str | int | float):
                self.fail(f"{key}[{index}]", "text", item, line=self.doc.item_line(key, index))
            elif str(item).strip():
                result.append(str(item).strip())
        return tuple(dict.fromkeys(result))

    def moment(self, key: str, required: bool = False) -> datetime | None:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                self.fail(key, f"a date such as {DATE_FORMS}", value, f"add `{key}: 2022-12-12`")
            return None
        parsed = parse_moment(value, self.timezone)
        if parsed is None and read_moment(value) is not None:  # a date, but too early or late to convert
            self.fail(key, OUT_OF_RANGE, value, OUT_OF_RANGE_HINT)
        elif parsed is None:
            self.fail(key, f"a date such as {DATE_FORMS}", value)
        return parsed

    def views(self) -> int:
        value = self.data.get("views", 0)
        if value is None:
            return 0
        if (
            isinstance(value, str)
            and value.strip().replace(",", "").isascii()
            and value.strip().replace(",", "").isdigit()
        ):
            return int(value.strip().replace(",", ""))
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.fail("views", "a whole number >= 0", value)
            return 0
        return value

    def weight(self) -> int:
        value = self.data.get("weight", 0)
        if value is None:
            return 0
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.fail("weight", "a whole number >= 0", value)
            return 0
        return value

    def flag(self, key: str) -> bool:
        value = self.data.get(key, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.fail(key, "true or false", value)
            return False
        return value

    def slug(self) -> str:
        slug = self.text("slug")
        if slug and not schema.slug_rule().match(slug):
            self.fail(
                "slug",
                "letters, digits, Chinese characters, '-', '_' or '.', not starting with '.'",
                slug,
                "the slug becomes part of the URL",
            )
            return ""
        if slug and (problem := segment_problem(slug)):
            self.fail("slug", problem, slug, "the slug becomes a folder or file name of the output")
            return ""
        return slug

    def images(self) -> tuple[ImageEntry, ...]:
        raw = self.data.get("images")
        if raw is None or raw == "":
            return ()
        if not isinstance(raw, list):
            self.fail("images", "a list of pictures, each a path or {src, caption, alt}", raw)
            return ()
        if len(raw) > MAX_LIST_ITEMS:
            self.fail("images", f"at most {MAX_LIST_ITEMS} entries", len(raw))
            return ()
        entries = []
        for index, item in enumerate(raw):
            where, line = f"images[{index}]", self.doc.item_line("images", index)
            if isinstance(item, str) and item.strip():
                entries.append(ImageEntry(item.strip(), "", "", line + 1))
                continue
            if not isinstance(item, dict):
                self.fail(where, "a path or a mapping with src, caption and alt", item, line=line)
                continue
            unknown = [k for k in item if k not in IMAGE_KEYS]
            if unknown:
                self.fail(f"{where}.{unknown[0]}", f"one of the keys {', '.join(IMAGE_KEYS)}", unknown[0], line=line)
            src = item.get("src")
            if not isinstance(src, str) or not src.strip():
                self.fail(f"{where}.src", "the picture's path or URL", src, line=line)
                continue
            caption, alt = item.get("caption") or "", item.get("alt") or ""
            if not isinstance(caption, str | int | float) or not isinstance(alt, str | int | float):
                self.fail(f"{where}.caption", "text", caption if not isinstance(caption, str) else alt, line=line)
                continue
            width, height = (self._pixels(item, key, f"{where}.{key}", line) for key in ("width", "height"))
            if ("width" in item) != ("height" in item):
                missing = "width" if "height" in item else "height"
                self.fail(f"{where}.{missing}", "a whole number >= 1", None, "give both width and height", line=line)
            if width is None or height is None:
                width = height = None
            entries.append(ImageEntry(src.strip(), str(caption).strip(), str(alt).strip(), line + 1, width, height))
        return tuple(entries)

    def _pixels(self, item: dict[str, Any], key: str, where: str, line: int) -> int | None:
        value = item.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.fail(where, "a whole number >= 1", value, line=line)
            return None
        return value

    def aliases(self) -> tuple[str, ...]:
        result = []
        for index, alias in enumerate(self.texts("aliases", MAX_ALIASES)):
            problem = alias_problem(alias)
            if problem:
                line = self.doc.item_line("aliases", index) if isinstance(self.data.get("aliases"), list) else None
                self.fail(f"aliases[{index}]", problem, alias, ALIAS_HINT, line=line)
            else:
                result.append(unquote(alias.strip()).lstrip("/"))
        return tuple(dict.fromkeys(result))

    def warnings(self) -> tuple[ContentError, ...]:
        """A warning for every key that is not sitegen's but looks meant to be (`autor`, `Title`, `作者`)."""
        found = []
        for key in self.data:
            suggestion = suggested_key(str(key))
            if suggestion is not None:
                found.append(
                    ContentError(
                        self.path,
                        self.doc.line_of(key) + 1,
                        str(key),
                        f"unknown key; did you mean `{suggestion}`?",
                        f"it is kept as article.extra['{key}'] for templates; rename it to `{suggestion}` if meant",
                    )
                )
        return tuple(found)

    def front_matter(self) -> FrontMatter:
        title = self.text("title", required=True)
        published = self.moment("date", required=True)
        extra = {str(k): v for k, v in self.data.items() if k not in KNOWN_FIELDS}
        front_matter = FrontMatter(
            title=title,
            date=published or datetime(2000, 1, 1, tzinfo=self.timezone),
            updated=self.moment("updated"),
            source=self.text("source"),
            authors=self.texts("author"),
            editor=self.text("editor"),
            views=self.views(),
            images=self.images(),
            tags=self.texts("tags"),
            summary=self.text("summary"),
            slug=self.slug(),
            draft=self.flag("draft"),
            featured=self.flag("featured"),
            weight=self.weight(),
            aliases=self.aliases(),
            extra=FrozenMapping(extra),
        )
        return front_matter


def _shown(value: object) -> str:
    """What a field holds, for a message: text quoted, a date as written, anything else as a short repr."""
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return _quoted(value)
    return as_written(value) if isinstance(value, date) else _SHORT.repr(value)


def _quoted(text: str) -> str:
    """A string in single quotes, line breaks and tabs escaped (one error is one line), long ones shortened."""
    shown = repr(text if len(text) <= 80 else text[:60] + "…" + text[-10:])[1:-1]
    return f"'{shown}'"
