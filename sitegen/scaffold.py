"""Writing new sources for editors: `sitegen init` (a new site). Never overwrites a file."""

from __future__ import annotations

from pathlib import Path

SITE_YAML = {
    "zh-CN": """\
title: 共建美好社区
description: 社区新闻与身边事。
base_url: https://example.org/
language: zh-CN
timezone: Asia/Shanghai
page_size: 10
permalink: /{column}/{yyyy}/{mm}/{slug}/
home_title: 首页
columns:
  - slug: bay-area
    title: 湾区九市
  - slug: towns
    title: 镇街社区
  - slug: brands
    title: 社区品牌
  - slug: tips
    title: 身边爆料
""",
    "en": """\
title: Our Community
description: Community news.
base_url: https://example.org/
language: en
timezone: Asia/Shanghai
page_size: 10
permalink: /{column}/{yyyy}/{mm}/{slug}/
home_title: Home
columns:
  - slug: region
    title: Region
  - slug: towns
    title: Towns
  - slug: brands
    title: Community brands
  - slug: tips
    title: Tips
""",
}

FIRST_ARTICLE = {
    "zh-CN": """\
---
title: {title}
date: 2024-01-01 09:00
source: 本站
author: 编辑部
editor: 编辑部
views: 0
tags: [欢迎]
---

这是“{title}”栏目的第一篇文章。用 Markdown 写正文，用 `sitegen build` 生成网站。

## 小标题

正文段落。
""",
    "en": """\
---
title: {title}
date: 2024-01-01 09:00
source: Newsroom
author: Newsroom
editor: Newsroom
views: 0
tags: [welcome]
---

The first article of the column "{title}". Write Markdown, then run `sitegen build`.

## A sub-heading

A paragraph.
""",
}
COLUMN_TITLES = {
    "zh-CN": {"bay-area": "湾区九市", "towns": "镇街社区", "brands": "社区品牌", "tips": "身边爆料"},
    "en": {"region": "Region", "towns": "Towns", "brands": "Community brands", "tips": "Tips"},
}


class ScaffoldError(Exception):
    pass


def init_site(directory: Path, language: str = "zh-CN") -> list[Path]:
    """Create site.yaml and one article per column in `directory`; refuse if a site is already there."""
    if (directory / "site.yaml").exists():
        raise ScaffoldError(f"{directory / 'site.yaml'} already exists; nothing was changed")
    files = {directory / "site.yaml": SITE_YAML[language]}
    for slug, title in COLUMN_TITLES[language].items():
        files[directory / "content" / slug / "2024" / "welcome.md"] = FIRST_ARTICLE[language].format(title=title)
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    return list(files)
