"""Current view counts (阅读量) from an optional data file that overrides front-matter `views`.

`data/views.json` maps an article to its count; an article is named by its source path
(`content/towns/2022/x.md`), its site-relative URL (`towns/2022/12/x/`, with or without the leading slash) or its
absolute URL. Entries for unknown articles are warnings, not errors: analytics exports lag behind the content.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from sitegen.errors import ContentError
from sitegen.layout import DATA_DIR
from sitegen.model import Article, Config

VIEWS_FILE = f"{DATA_DIR}/views.json"


def load_view_counts(site_dir: Path) -> tuple[dict[str, int], list[ContentError]]:
    path = site_dir / VIEWS_FILE
    if not path.is_file():
        return {}, []
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        return {}, [ContentError(VIEWS_FILE, None, None, "is not UTF-8 text")]
    except json.JSONDecodeError as exc:
        return {}, [ContentError(VIEWS_FILE, exc.lineno, None, f"invalid JSON: {exc.msg}")]
    if not isinstance(data, dict):
        return {}, [ContentError(VIEWS_FILE, 1, None, "expected an object of article -> count")]
    counts, errors = {}, []
    for key, value in data.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            errors.append(ContentError(VIEWS_FILE, None, key, f"expected a whole number >= 0, got {value!r}"))
        else:
            counts[key] = value
    return counts, errors


def apply_view_counts(
    articles: Sequence[Article], counts: dict[str, int], config: Config
) -> tuple[list[Article], list[str]]:
    """Articles with their current counts, and a warning per entry that names no article."""
    if not counts:
        return list(articles), []
    by_key: dict[str, str] = {}
    for article in articles:
        for key in (article.source_path, article.url, "/" + article.url, config.base_url + article.url):
            by_key[key] = article.source_path
    current: dict[str, int] = {}
    warnings = []
    for key in sorted(counts):
        path = by_key.get(key)
        if path is None:
            warnings.append(f"{VIEWS_FILE}: '{key}' names no article; its count is ignored")
        else:
            current[path] = counts[key]
    updated = [replace(a, views=current[a.source_path]) if a.source_path in current else a for a in articles]
    return updated, warnings
