"""Writing new sources for editors: `sitegen init` (a new site). Never overwrites a file."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

from sitegen.content.pinyin import MAX_SLUG as MAX_SLUG  # re-exported: tests and importers use it here
from sitegen.content.pinyin import slugify
from sitegen.model import Config

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
    untrusted: true   # 读者爆料：正文里的 HTML 会被清理
# 繁体版（港澳读者）：整站在 /zh-hant/ 下再生成一份繁体页面；需要时去掉下面两行的 #
# editions:
#   - language: zh-Hant-HK
# 网页编辑器：build 时生成 admin/，编辑在浏览器里写稿（见 README“Editing in the browser”）
# web_editor:
#   backend: gitea    # github、gitlab、gitea、forgejo；local：只在本机
#   repo: newsroom/site
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
    untrusted: true   # readers' tips: HTML in their bodies is cleaned
# The web editor: the build writes admin/, where editors write in the browser (README: Editing in the browser)
# web_editor:
#   backend: gitea    # github, gitlab, gitea, forgejo; local: this machine only
#   repo: newsroom/site
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
    files = {directory / "site.yaml": SITE_YAML[language]}
    for slug, title in COLUMN_TITLES[language].items():
        files[directory / "content" / slug / "2024" / "welcome.md"] = FIRST_ARTICLE[language].format(title=title)
    for path in files:  # check every file first: never half a site
        if path.exists():
            raise ScaffoldError(f"{path} already exists; nothing was changed")
    if not (directory / ".gitignore").exists():  # the built site and the caches are made, not written
        # /public without a slash: it is a link to the last build (.public-builds/), which `public/` would not match;
        # node_modules/: the web editor from npm; a killed build's staging folder (--output-mode folder) and lock file
        files[directory / ".gitignore"] = (
            "/public\n/.public-builds/\n.sitegen-cache/\nnode_modules/\n/.public-building-*/\n/.public.lock\n"
        )
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    return list(files)


NEW_ARTICLE = """\
---
title: {title}
date: {date}
draft: true          # delete this line (or set false) to publish
source: ""           # 文章出处
author: []           # 作者, e.g. [张三] or [张三, 李四]
editor: ""           # 编辑
views: 0             # 阅读量
tags: []             # e.g. [党建引领, 志愿服务]
summary: ""          # optional; otherwise the text before <!--more--> or the first sentences
# slug: {slug}       # the URL segment, from the file name unless set
# updated: {date}
# featured: true     # a lead story (头条) at the top of the home page and of the column
# weight: 10         # among lead stories, a higher weight comes first
# aliases: []        # old addresses that redirect here, e.g. [/2008/11/23/hello.html]
images: []           # e.g. - {{src: photo.jpg, caption: 图片说明, alt: 图片描述}}
---

正文第一段。

<!--more-->

## 小标题

正文。
"""


def new_article(site_dir: Path, config: Config, column: str, title: str, slug: str | None, now: datetime) -> Path:
    """Create content/<column>/<yyyy>/<slug>.md as a draft with every front-matter key; never overwrite."""
    if config.column(column) is None:
        valid = ", ".join(f"{c.slug} ({c.title})" for c in config.columns)
        raise ScaffoldError(f"unknown column {column!r}; valid columns: {valid}")
    if not title.strip():
        raise ScaffoldError("the title is empty")
    slug = slug or slugify(title)
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", slug):
        raise ScaffoldError(f"invalid slug {slug!r}: use ASCII letters, digits, '-' and '_'")
    local = now.astimezone(config.timezone)
    path = site_dir / "content" / column / f"{local:%Y}" / f"{slug}.md"
    text = NEW_ARTICLE.format(
        title=json.dumps(title.strip(), ensure_ascii=False), date=f"{local:%Y-%m-%d %H:%M}", slug=slug
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        raise ScaffoldError(f"{path} already exists; choose another --slug") from None
    return path
