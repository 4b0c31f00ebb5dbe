"""site.yaml -> Config. Every problem is reported at once; an unknown key is an error."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sitegen.content.text import without_controls
from sitegen.content.yamltext import YamlDocument, YamlSyntaxError, parse_yaml
from sitegen.errors import ConfigError, ContentError
from sitegen.layout import CONFIG_FILE, DATA_DIR, EDITOR_FILES
from sitegen.model import DEFAULT_KEEP_BUILDS, Column, Config, Edition, EditorConfig
from sitegen.portal import parse_filings, parse_mourning
from sitegen.urls import ADMIN_URL, DEFAULT_PERMALINK, permalink_problem, safe_join

LANGUAGES = ("zh-CN", "en")
DEFAULT_HOME_TITLE = {"zh-CN": "首页", "en": "Home"}
COLUMN_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
RESERVED_SLUGS = frozenset(
    {"assets", "page", "tags", "search", "authors", "archive", "feed.xml", "sitemap.xml", "404.html", "index.html"}
)

KNOWN_KEYS = (
    "title", "description", "base_url", "language", "timezone", "page_size", "permalink",
    "home_title", "columns", "home_per_column", "most_read_count", "latest_count",
    "feed_size", "feed_full_content", "related_count", "image_cache_keep_builds", "filings", "mourning",
    "accessibility_toolbar", "lead_count", "editions", "web_editor",
)  # fmt: skip
COLUMN_KEYS = ("slug", "title", "description", "untrusted")
EDITION_KEYS = ("language", "conversion", "prefix", "label", "source_label", "phrases", "keep")
# OpenCC's conversions from Simplified, and the one each Traditional language tag takes when site.yaml names none
CONVERSIONS = ("s2t", "s2hk", "s2tw", "s2twp")
DEFAULT_CONVERSION = {"zh-Hant-HK": "s2hk", "zh-Hant-MO": "s2hk", "zh-Hant-TW": "s2twp", "zh-Hant": "s2t"}
DEFAULT_EDITION_PREFIX = "zh-hant/"
LANGUAGE_TAG = re.compile(r"^zh-Hant(-[A-Z]{2})?$")
PHRASES_FILE = "opencc.txt"  # in data/: the site's own dictionary, one `简体<TAB>繁體` (or a word kept as it is) a line
EDITOR_BACKENDS = ("github", "gitlab", "gitea", "forgejo", "local")
EDITOR_KEYS = ("backend", "repo", "branch", "api_root", "auth_url", "app_id", "local_port", "files", "review")


class _Collector:
    """Gathers errors for one file so that all of them are reported together."""

    def __init__(self, doc: YamlDocument) -> None:
        self.doc = doc
        self.errors: list[ContentError] = []

    def add(self, key: str, message: str, hint: str = "", line: int | None = None) -> None:
        top, _, rest = key.split(".")[0].partition("[")
        line = line or self.doc.nested_lines.get(key)  # `filings.icp`, `editions[0].prefix`: that key's own line
        if line is None and rest[:-1].isdigit():  # `columns[2]...`: the line of that entry, not of `columns:`
            line = self.doc.item_line(top, int(rest[:-1]))
        self.errors.append(ContentError(CONFIG_FILE, line or self.doc.line_of(top), key, message, hint))

    def text(self, data: dict[str, Any], key: str, default: str | None = None) -> str:
        value = data.get(key, default)
        if value is None:
            self.add(key, "is required", f"add `{key}: ...` to {CONFIG_FILE}")
            return ""
        if not isinstance(value, str) or not value.strip():
            self.add(key, f"expected non-empty text, got {value!r}")
            return ""
        return value.strip()

    def flag(self, data: dict[str, Any], key: str, default: bool = False) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.add(key, f"expected true or false, got {value!r}")
            return False
        return value

    def whole(self, data: dict[str, Any], key: str, default: int, minimum: int) -> int:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.add(key, f"expected a whole number >= {minimum}, got {value!r}")
            return default
        return value


def site_language(site_dir: Path) -> str:
    """The site's language for messages, even when site.yaml has errors (zh-CN when unknown)."""
    try:
        data = parse_yaml((site_dir / CONFIG_FILE).read_text(encoding="utf-8-sig")).data
    except (OSError, UnicodeDecodeError, YamlSyntaxError):
        return "zh-CN"
    language = data.get("language") if isinstance(data, dict) else None
    return language if language in LANGUAGES else "zh-CN"


def load_config(site_dir: Path) -> Config:
    path = site_dir / CONFIG_FILE
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(
            [
                ContentError(
                    CONFIG_FILE, None, None, "not found", f"is {site_dir} a sitegen site? `sitegen init DIR` makes one"
                )
            ]
        ) from None
    except UnicodeDecodeError:
        raise ConfigError([ContentError(CONFIG_FILE, None, None, "is not UTF-8 text")]) from None
    phrases, errors = load_phrases(site_dir)
    try:
        config = parse_config(without_controls(text), phrases)  # as in articles: no page or feed carries controls
    except ConfigError as exc:
        raise ConfigError([*errors, *exc.errors]) from None
    if errors:
        raise ConfigError(errors)
    return config


def load_phrases(site_dir: Path) -> tuple[tuple[tuple[str, str], ...], list[ContentError]]:
    """data/opencc.txt: `简体<TAB>繁體` a line (or one word, kept as it is in every edition); `#` starts a comment."""
    name = f"{DATA_DIR}/{PHRASES_FILE}"
    if not (site_dir / name).exists():
        return (), []  # no dictionary (a data/ folder linked out of the site is reported with the sources)
    path = safe_join(site_dir, name)
    if path is None:
        return (), [ContentError(name, None, None, "is a link that points outside the site folder")]
    try:
        text = without_controls(path.read_text(encoding="utf-8-sig"))  # tabs and line ends stay
    except FileNotFoundError:
        return (), []
    except UnicodeDecodeError:
        return (), [ContentError(name, None, None, "is not UTF-8 text")]
    except OSError as exc:
        return (), [ContentError(name, None, None, f"cannot be read: {exc.strerror}")]
    phrases: list[tuple[str, str]] = []
    errors: list[ContentError] = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split("\t") if "\t" in line else line.split()
        parts = [part.strip() for part in parts if part.strip()]
        if len(parts) > 2:
            errors.append(ContentError(name, number, None, f"expected `简体<TAB>繁體` or one word, got {line!r}"))
            continue
        phrases.append((parts[0], parts[-1]))
    return tuple(phrases), errors


def parse_config(text: str, phrases: tuple[tuple[str, str], ...] = ()) -> Config:
    """site.yaml's text -> Config; `phrases`: the site dictionary of data/opencc.txt, added to every edition's."""
    data, check = _document(text)
    title = check.text(data, "title")
    description = data.get("description") or ""
    if not isinstance(description, str):
        check.add("description", f"expected text, got {description!r}")
        description = ""
    base_url = _base_url(data, check)
    language = check.text(data, "language", "zh-CN")
    if language and language not in LANGUAGES:
        check.add("language", f"expected one of {', '.join(LANGUAGES)}, got {language!r}")
        language = "zh-CN"
    timezone_name, timezone = _timezone(data, check)
    permalink = check.text(data, "permalink", DEFAULT_PERMALINK)
    if problem := permalink_problem(permalink):
        check.add("permalink", problem)
    home_title = check.text(data, "home_title", DEFAULT_HOME_TITLE.get(language, "Home"))
    columns = _columns(data.get("columns"), check)
    editions = _editions(data.get("editions"), check, {c.slug for c in columns}, phrases)
    if editions and language != "zh-CN":
        needs = "a Traditional edition is converted from Simplified Chinese: the site needs language: zh-CN"
        check.add("editions", needs)

    config = Config(
        title=title,
        description=description.strip(),
        base_url=base_url,
        language=language,
        timezone=timezone,
        timezone_name=timezone_name,
        page_size=check.whole(data, "page_size", 10, 1),
        permalink="/" + permalink.lstrip("/"),
        home_title=home_title,
        columns=columns,
        home_per_column=check.whole(data, "home_per_column", 5, 0),
        most_read_count=check.whole(data, "most_read_count", 10, 0),
        latest_count=check.whole(data, "latest_count", 10, 0),
        feed_size=check.whole(data, "feed_size", 20, 1),
        feed_full_content=check.flag(data, "feed_full_content"),
        related_count=check.whole(data, "related_count", 5, 0),
        image_cache_keep_builds=check.whole(data, "image_cache_keep_builds", DEFAULT_KEEP_BUILDS, 1),
        filings=parse_filings(data.get("filings"), check.add),
        mourning=parse_mourning(data.get("mourning"), timezone, check.add, check.doc.item_line),
        accessibility_toolbar=check.flag(data, "accessibility_toolbar", True),
        lead_count=check.whole(data, "lead_count", 3, 0),
        editions=editions,
        web_editor=_web_editor(data.get("web_editor"), check),
    )
    if config.web_editor and ADMIN_URL in {f"{c.slug}/" for c in columns} | {e.prefix for e in editions}:
        check.add("web_editor", f"/{ADMIN_URL} is the web editor's, not a column's or an edition's", "rename that one")
    if check.errors:
        raise ConfigError(check.errors)
    return config


def _document(text: str) -> tuple[dict[str, Any], _Collector]:
    """site.yaml's mapping and the collector of its errors (its unknown keys already in it); raises ConfigError when
    the text is no YAML mapping at all."""
    try:
        doc = parse_yaml(text)
    except YamlSyntaxError as exc:
        raise ConfigError([ContentError(CONFIG_FILE, exc.line, None, f"invalid YAML: {exc.problem}")]) from None
    if not isinstance(doc.data, dict):
        raise ConfigError([ContentError(CONFIG_FILE, 1, None, "expected a mapping of keys such as `title:`")])
    data: dict[str, Any] = doc.data
    check = _Collector(doc)
    for dup in doc.duplicates:  # at any depth: PyYAML would keep the last value without a word
        message = f"written twice, on lines {dup.first} and {dup.line}; only one value is read"
        check.add(dup.key, message, "keep one of them", line=dup.line)
    for key in data:
        if key not in KNOWN_KEYS:
            check.add(str(key), "unknown key", f"valid keys: {', '.join(KNOWN_KEYS)}")
    return data, check


def _base_url(data: dict[str, Any], check: _Collector) -> str:
    base_url = check.text(data, "base_url")
    if base_url and not re.match(r"^https?://[^/\s]+(/\S*)?$", base_url):
        check.add("base_url", f"expected an absolute http(s) URL such as https://example.org/news/, got {base_url!r}")
    return base_url.rstrip("/") + "/"


def _timezone(data: dict[str, Any], check: _Collector) -> tuple[str, ZoneInfo]:
    timezone_name = check.text(data, "timezone", "Asia/Shanghai")
    try:
        return timezone_name, ZoneInfo(timezone_name)
    except (ZoneInfoNotFoundError, ValueError):
        check.add("timezone", f"unknown time zone {timezone_name!r}", "use an IANA name such as Asia/Shanghai")
        return timezone_name, ZoneInfo("Asia/Shanghai")


def _columns(raw: object, check: _Collector) -> tuple[Column, ...]:
    if not isinstance(raw, list) or not raw:
        check.add(
            "columns",
            "expected a list of columns, each with `slug` and `title`",
            "e.g. columns: [{slug: towns, title: 镇街社区}]",
        )
        return ()
    columns: list[Column] = []
    seen: set[str] = set()
    for index, entry in enumerate(raw):
        where = f"columns[{index}]"
        if not isinstance(entry, dict):
            check.add(where, f"expected a mapping with `slug` and `title`, got {entry!r}")
            continue
        for key in entry:
            if key not in COLUMN_KEYS:
                check.add(f"{where}.{key}", "unknown key", f"valid keys: {', '.join(COLUMN_KEYS)}")
        slug, title = entry.get("slug"), entry.get("title")
        if isinstance(slug, str) and slug in RESERVED_SLUGS:
            check.add(f"{where}.slug", f"{slug!r} is reserved for the site's own pages", "choose another slug")
            continue
        if not isinstance(slug, str) or not COLUMN_SLUG.match(slug):
            check.add(
                f"{where}.slug",
                f"expected lower-case letters, digits and '-', got {slug!r}",
                "the slug is the column's folder under content/ and its URL segment",
            )
            continue
        if slug in seen:
            check.add(f"{where}.slug", f"column {slug!r} is listed twice")
            continue
        if not isinstance(title, str) or not title.strip():
            check.add(f"{where}.title", f"expected non-empty text, got {title!r}")
            continue
        description = entry.get("description") or ""
        untrusted = entry.get("untrusted", False)
        if not isinstance(untrusted, bool):
            check.add(f"{where}.untrusted", f"expected true or false, got {untrusted!r}")
            continue
        seen.add(slug)
        columns.append(
            Column(slug=slug, title=title.strip(), description=str(description).strip(), untrusted=untrusted)
        )
    return tuple(columns)


def _web_editor(raw: object, check: _Collector) -> EditorConfig | None:
    """`web_editor:`: which git host the web editor saves to (or this machine), and where its files are."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        check.add("web_editor", f"expected a mapping with `backend:` and `repo:`, got {raw!r}")
        return None
    for key in raw:
        if key not in EDITOR_KEYS:
            check.add(f"web_editor.{key}", "unknown key", f"valid keys: {', '.join(EDITOR_KEYS)}")
    backend = raw.get("backend")
    if backend not in EDITOR_BACKENDS:
        check.add("web_editor.backend", f"expected one of {', '.join(EDITOR_BACKENDS)}, got {backend!r}")
        return None
    texts = {}
    for key in ("repo", "branch", "api_root", "auth_url", "app_id", "files"):
        value = raw.get(key, "")
        if not isinstance(value, str):
            check.add(f"web_editor.{key}", f"expected text, got {value!r}")
            value = ""
        texts[key] = value.strip()
    if texts["files"].startswith(("/", "\\")) or ".." in re.split(r"[/\\]", texts["files"]):
        check.add("web_editor.files", f"expected a folder inside the site, got {texts['files']!r}",
                  "install the editor in the site folder (a link to it there is fine)")  # fmt: skip
        texts["files"] = ""
    if backend != "local" and not re.fullmatch(r"[\w.-]+(/[\w.-]+)+", texts["repo"]):
        check.add("web_editor.repo", f"expected the repository as owner/name, got {texts['repo']!r}")
    port = raw.get("local_port", 8081 if backend == "local" else None)
    if port is not None and (isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535):
        check.add("web_editor.local_port", f"expected a port number (1-65535), got {port!r}")
        port = None
    review = raw.get("review", False)
    if not isinstance(review, bool):
        check.add("web_editor.review", f"expected true or false, got {review!r}")
        review = False
    return EditorConfig(
        backend=backend,
        repo=texts["repo"],
        branch=texts["branch"] or "main",
        api_root=texts["api_root"],
        auth_url=texts["auth_url"],
        app_id=texts["app_id"],
        local_port=port,
        files=texts["files"] or EDITOR_FILES,
        review=review,
    )


def _editions(
    raw: object, check: _Collector, columns: set[str], phrases: tuple[tuple[str, str], ...]
) -> tuple[Edition, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        check.add(
            "editions", "expected a list of editions, each with `language`", "e.g. editions: [{language: zh-Hant-HK}]"
        )
        return ()
    editions: list[Edition] = []
    for index, entry in enumerate(raw):
        where = f"editions[{index}]"
        if not isinstance(entry, dict):
            check.add(where, f"expected a mapping with `language`, got {entry!r}")
            continue
        for key in entry:
            if key not in EDITION_KEYS:
                check.add(f"{where}.{key}", "unknown key", f"valid keys: {', '.join(EDITION_KEYS)}")
        language = entry.get("language")
        fine = isinstance(language, str) and LANGUAGE_TAG.match(language) is not None  # every error said, in one run
        if not fine:
            check.add(f"{where}.language", f"expected a Traditional Chinese tag such as zh-Hant-HK, got {language!r}")
        conversion = entry.get("conversion", DEFAULT_CONVERSION.get(str(language), "s2t"))
        if conversion not in CONVERSIONS:
            check.add(f"{where}.conversion", f"expected one of {', '.join(CONVERSIONS)}, got {conversion!r}")
            fine = False
        prefix = entry.get("prefix", DEFAULT_EDITION_PREFIX)
        segment = prefix.strip("/") if isinstance(prefix, str) else None
        taken = columns | RESERVED_SLUGS | {e.prefix.rstrip("/") for e in editions}
        if segment is None or not COLUMN_SLUG.match(segment) or segment in taken:
            check.add(
                f"{where}.prefix",
                f"expected one URL segment of lower-case letters, digits and '-', used by no column, got {prefix!r}",
                "the edition's pages are <prefix>/<the page's own URL>: /zh-hant/ by default",
            )
            fine = False
        own = _phrases(entry, where, check)
        label = entry.get("label", "繁體")
        source_label = entry.get("source_label", "简体")
        if not all(isinstance(x, str) and x.strip() for x in (label, source_label)):
            check.add(f"{where}.label", f"expected non-empty text, got {label!r} / {source_label!r}")
            fine = False
        if fine and own is not None and segment is not None:
            editions.append(
                Edition(str(language), conversion, segment + "/", label.strip(), source_label.strip(), (*phrases, *own))
            )
    return tuple(editions)


def _phrases(entry: dict[str, Any], where: str, check: _Collector) -> tuple[tuple[str, str], ...] | None:
    """`phrases:` (a mapping, Simplified -> the edition's words) and `keep:` (words never converted)."""
    phrases, keep = entry.get("phrases") or {}, entry.get("keep") or []
    fine_phrases = isinstance(phrases, dict) and all(
        isinstance(k, str) and k.strip() and isinstance(v, str) and v.strip() for k, v in phrases.items()
    )
    if not fine_phrases:
        check.add(f"{where}.phrases", f"expected a mapping of texts, 简体: 繁體, got {phrases!r}")
    if not isinstance(keep, list) or not all(isinstance(word, str) and word.strip() for word in keep):
        check.add(f"{where}.keep", f"expected a list of names kept as written, got {keep!r}")
        return None
    if not fine_phrases:
        return None
    return tuple((word.strip(), word.strip()) for word in keep) + tuple(
        (k.strip(), v.strip()) for k, v in phrases.items()
    )
