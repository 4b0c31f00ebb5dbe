"""Readable ASCII slugs for Chinese text through pypinyin: for new articles (`sitegen new`) and author pages."""

from __future__ import annotations

import re

from sitegen.content.schema import NEW_SLUG_LENGTH

MAX_SLUG = NEW_SLUG_LENGTH  # the web editor's slugs (render/editor.js) follow the same rule


def slugify(title: str, fallback: str = "article") -> str:
    """A readable ASCII slug: Chinese through pinyin (a syllable a word), Latin text kept, never empty."""
    words = re.findall(r"[a-z0-9]+", title.lower())
    if not title.isascii():
        from pypinyin import Style, lazy_pinyin  # over half a second's import: only when there is Chinese

        words = []
        for piece in lazy_pinyin(title, style=Style.NORMAL, errors="default"):
            words.extend(re.findall(r"[a-z0-9]+", piece.lower()))
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > MAX_SLUG:
            break
        slug = f"{slug}-{word}" if slug else word
    return slug or fallback
