"""data/authors.yaml: what an author page may say about a 作者 or 编辑 beyond their articles (a bio, a photo, a
fixed slug). Optional; an entry for a name no article carries is a warning, as in data/views.json. Photos are
files under data/ (an SVG is refused: it may carry scripts), copied to assets/authors/."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sitegen.content.text import without_controls
from sitegen.content.yamltext import YamlSyntaxError, parse_yaml
from sitegen.errors import ContentError
from sitegen.layout import ASSETS_DIR, DATA_DIR
from sitegen.urls import safe_join

AUTHORS_FILE = f"{DATA_DIR}/authors.yaml"
AUTHOR_KEYS = ("bio", "photo", "slug")
AUTHOR_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
PHOTO_TYPES = (".jpg", ".jpeg", ".png", ".webp", ".gif")
PHOTO_URL = f"{ASSETS_DIR}/authors/"  # where photos are copied to: assets/authors/<path under data/>


@dataclass(frozen=True, slots=True)
class AuthorInfo:
    bio: str = ""
    photo: str = ""  # site-relative URL of the photo in the output: assets/authors/<path under data/>
    slug: str = ""  # "" for the pinyin of the name
    photo_file: Path | None = None  # the photo's file, under data/; once loaded, the file published in its place
    line: int = 0  # the line of data/authors.yaml that names the person


def load_authors(site_dir: Path) -> tuple[dict[str, AuthorInfo], list[ContentError]]:
    path = site_dir / AUTHORS_FILE
    if not path.is_file():
        return {}, []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        hint = "save the file as UTF-8 in your editor"
        return {}, [ContentError(AUTHORS_FILE, None, None, "is not UTF-8 text", hint)]
    return parse_authors(without_controls(text), site_dir)


def parse_authors(text: str, site_dir: Path) -> tuple[dict[str, AuthorInfo], list[ContentError]]:
    """{name: AuthorInfo} and every problem, each naming the file, the line and the field."""
    try:
        doc = parse_yaml(text)
    except YamlSyntaxError as exc:
        return {}, [ContentError(AUTHORS_FILE, exc.line, None, f"invalid YAML: {exc.problem}")]
    if doc.data is None:
        return {}, []
    if not isinstance(doc.data, dict):
        return {}, [ContentError(AUTHORS_FILE, 1, None, "expected a mapping of names to {bio, photo, slug}")]
    authors: dict[str, AuthorInfo] = {}
    errors = [
        ContentError(AUTHORS_FILE, dup.line, dup.key, f"written twice, on lines {dup.first} and {dup.line}; "
                     "only one value is read", "keep one of them")
        for dup in doc.duplicates
    ]  # fmt: skip
    slug_lines: dict[str, tuple[str, int]] = {}  # each fixed slug: the name that has it, and its line
    for name, entry in doc.data.items():
        line = doc.line_of(name)

        def fail(field: str, message: str, hint: str = "", line: int = line, name: object = name) -> None:
            errors.append(ContentError(AUTHORS_FILE, line, f"{name}.{field}" if field else str(name), message, hint))

        if not isinstance(entry, dict):
            fail("", f"expected a mapping with {', '.join(AUTHOR_KEYS)}, got {entry!r}")
            continue
        for key in entry:
            if key not in AUTHOR_KEYS:
                fail(str(key), "unknown key", f"valid keys: {', '.join(AUTHOR_KEYS)}")
        bio, photo, slug = (entry.get(key) or "" for key in AUTHOR_KEYS)
        if not isinstance(bio, str):
            fail("bio", f"expected text, got {bio!r}")
            bio = ""
        if not isinstance(slug, str) or (slug and not AUTHOR_SLUG.match(slug)):
            fail("slug", f"expected lower-case letters, digits and '-', got {slug!r}")
            slug = ""
        elif slug in slug_lines:  # two people at one address: neither may be moved without a word
            fail("slug", f"{slug!r} is also the slug of {slug_lines[slug][0]} (line {slug_lines[slug][1]})")
            slug = ""
        elif slug:
            slug_lines[slug] = (str(name), line)
        found = _photo(photo, site_dir, fail)
        url = f"{PHOTO_URL}{photo.strip()}" if found else ""
        authors[str(name).strip()] = AuthorInfo(bio.strip(), url, slug, found, line)
    return authors, errors


def _photo(photo: object, site_dir: Path, fail: Callable[..., None]) -> Path | None:
    """The photo's file (under data/), or None after reporting why it cannot be used."""
    if not photo:
        return None
    expected = f"a picture under {DATA_DIR}/, such as photos/ye-an-yi.jpg"
    if not isinstance(photo, str) or not photo.lower().endswith(PHOTO_TYPES):
        fail("photo", f"expected {expected}, got {photo!r}")
        return None
    found = safe_join(site_dir / DATA_DIR, photo.strip())
    if found is None or not found.is_file():
        fail("photo", f"expected {expected}, got {photo!r}", f"no such file in {DATA_DIR}/")
        return None
    return found
