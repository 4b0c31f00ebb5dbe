"""The front-matter keys sitegen reads, and the one a misspelt or translated key most likely meant. Pure."""

from __future__ import annotations

import functools

from sitegen.content import schema

KNOWN_FIELDS = frozenset(schema.KEYS)  # the one description of the front matter (the web editor's form too)
# keys editors write in Chinese, or take from other generators, for a field sitegen names otherwise
SYNONYMS = {
    "标题": "title", "题目": "title", "日期": "date", "时间": "date", "发表时间": "date", "发布时间": "date",
    "发布日期": "date", "来源": "source", "出处": "source", "文章出处": "source", "文章来源": "source",
    "作者": "author", "记者": "author", "authors": "author", "编辑": "editor", "责任编辑": "editor",
    "责编": "editor", "阅读量": "views", "浏览量": "views", "阅读数": "views", "图片": "images", "配图": "images",
    "image": "images", "标签": "tags", "关键词": "tags", "tag": "tags", "摘要": "summary", "简介": "summary",
    "导语": "summary", "草稿": "draft", "更新时间": "updated", "修改时间": "updated", "lastmod": "updated",
    "别名": "aliases", "旧网址": "aliases", "alias": "aliases", "头条": "featured", "置顶": "featured",
    "权重": "weight",
}  # fmt: skip


def _distance(a: str, b: str) -> int:
    """Edit distance (insertions, deletions, substitutions, and swaps of neighbours)."""
    previous_row: list[int] | None = None
    row = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        before, previous_row, row = previous_row, row, [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            row[j] = min(previous_row[j] + 1, row[j - 1] + 1, previous_row[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1] and before is not None:
                row[j] = min(row[j], before[j - 2] + 1)
    return row[-1]


@functools.lru_cache(maxsize=1024)  # every article of a site tends to carry the same few keys of its own
def suggested_key(key: str) -> str | None:
    """The known key an unknown `key` is most likely meant to be: another case (`Title`), a known synonym
    (`作者`, `authors`), or a slip of the keyboard (`autor`, `summery`); None when it looks like a key of its own."""
    if key in KNOWN_FIELDS:
        return None
    folded = key.strip().lower()
    if folded in KNOWN_FIELDS:
        return folded
    if folded in SYNONYMS or key.strip() in SYNONYMS:
        return SYNONYMS.get(folded) or SYNONYMS[key.strip()]
    allowed = 1 if len(folded) <= 5 else 2
    close = sorted((_distance(folded, known), known) for known in KNOWN_FIELDS)
    distance, known = close[0]
    return known if distance <= allowed and len(folded) >= 3 else None
