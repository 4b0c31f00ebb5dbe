"""What the build says about site.yaml: its keys, a portal's filings and mourning ranges, data/authors.yaml, the
editions (繁體版).

Entries: (English pattern, Chinese template), as sitegen.messages explains; merged there in a fixed order.
"""

from __future__ import annotations

ZH: tuple[tuple[str, str], ...] = (
    # site.yaml
    (
        r"is (?P<folder>.*) a sitegen site\? `sitegen init DIR` makes one",
        "{folder} 是 sitegen 网站吗？可用“sitegen init 目录”新建",
    ),
    (r"expected a mapping of keys such as `title:`", "应为“title:”这样的字段"),
    (r"expected a list of columns, each with `slug` and `title`", "应为栏目列表，每个栏目有 slug 和 title"),
    (r"unknown key", "未知字段"),
    (r"valid keys: (?P<keys>.*)", "可用的字段：{keys}"),
    (r"is required", "必填"),
    (r"add `(?P<key>[^`]+): \.\.\.` to site\.yaml", "在 site.yaml 中加上“{key}: ...”"),
    (r"an absolute http\(s\) URL such as (?P<url>\S+)", "以 http(s) 开头的完整网址，例如 {url}"),
    (r"one of (?P<values>.*)", "以下之一：{values}"),
    (r"unknown time zone (?P<zone>.*)", "未知时区 {zone}"),
    (r"use an IANA name such as Asia/Shanghai", "请用 IANA 时区名，例如 Asia/Shanghai"),
    (r"unknown field (?P<field>\{.*?\}); use (?P<fields>.*)", "未知的占位符 {field}；可用：{fields}"),
    (r"must contain \{slug\} so that every article gets its own URL", "必须含有 {{slug}}，每篇文章才有自己的网址"),
    (r"must end with '/' \(pretty URLs\) or '\.html'", "必须以“/”或“.html”结尾"),
    (r"must not contain '\.\.' or backslashes", "不能含有“..”或反斜杠"),
    (r"must not contain empty or '\.' segments", "不能含有空的或“.”路径段"),
    (
        r"may hold only letters, digits, Chinese characters, '-', '_', '\.', '~' and '/' besides its fields",
        "除占位符外只能含有字母、数字、汉字、“-”“_”“.”“~”和“/”",
    ),
    (r"a list of columns, each with `slug` and `title`", "栏目列表，每项有 slug 和 title"),
    (r"e\.g\. columns: (?P<example>.*)", "例如 columns: {example}"),
    (r"a mapping with `slug` and `title`", "含 slug 和 title 的映射"),
    (r"lower-case letters, digits and '-'", "小写字母、数字和“-”"),
    (
        r"the slug is the column's folder under content/ and its URL segment",
        "slug 是栏目在 content/ 下的文件夹名，也是它的网址",
    ),
    (r"column (?P<slug>.*) is listed twice", "栏目 {slug} 重复出现"),
    (r"(?P<slug>.*) is reserved for the site's own pages", "{slug} 已留作网站自身页面的地址"),
    (r"choose another slug", "换一个栏目名"),
    (
        r"/(?P<folder>\S+) is the web editor's, not a column's or an edition's",
        "/{folder} 是网页编辑器的地址，栏目和繁体版都不能用它",
    ),
    (r"rename that one", "请给那个栏目或版本换一个名字"),
    (r"a mapping with `backend:` and `repo:`", "含 backend 和 repo 的映射"),
    (r"the repository as owner/name", "owner/name 形式的仓库名"),
    (r"a port number \(1-65535\)", "端口号（1-65535）"),
    (r"a folder inside the site", "网站里的文件夹"),
    (
        r"install the editor in the site folder \(a link to it there is fine\)",
        "请把编辑器安装在网站文件夹里（也可以在那里放一个指向它的链接）",
    ),
    (
        r"the web editor's files are not in (?P<folder>.*)",
        "网页编辑器的文件不在 {folder}",
    ),
    (
        r"install them in the site folder: (?P<command>.*)",
        "请在网站文件夹里安装：{command}",
    ),
    # site.yaml: a portal's filings and mourning ranges; data/authors.yaml
    (r"a mapping with (?P<keys>[a-z_, ]+)", "含 {keys} 的映射"),
    (r"an ICP number such as (?P<example>\S+)", "ICP 备案号，例如 {example}"),
    (r"a public-security filing number such as (?P<example>\S+)", "公安机关备案号，例如 {example}"),
    (r"the site's 32-character id at bszs\.conac\.cn", "本网站在 bszs.conac.cn 的 32 位标识"),
    (
        r"a 10-digit 政府网站标识码 such as \"(?P<example>\d+)\" \(quoted\)",
        '10 位政府网站标识码，例如 "{example}"（加引号）',
    ),
    (r"a list of dates or \{start, end\} ranges", "日期或 {{start, end}} 时段的列表"),
    (r"a date such as (?P<a>\S+), or start: and end:", "日期（例如 {a}），或 start: 与 end:"),
    (r"a date such as (?P<a>\S+) or (?P<b>.+)", "日期，例如 {a} 或 {b}"),
    (r"a time after the start (?P<start>\S+)", "晚于开始时间 {start} 的时间"),
    (
        r"base_url (?P<url>\S+) is a public address but filings\.icp \(the ICP 备案号\) is not set",
        "base_url {url} 是公网地址，但没有设置 filings.icp（ICP 备案号）",
    ),
    (r"add `filings: \{icp: (?P<example>[^`]+)\}` to site\.yaml", "在 site.yaml 中加上“filings: {{icp: {example}}}”"),
    (r"a mapping of names to \{bio, photo, slug\}", "“姓名: {{bio, photo, slug}}”的映射"),
    (r"expected a mapping of names to \{bio, photo, slug\}", "应为“姓名: {{bio, photo, slug}}”的映射"),
    (r"a picture under (?P<folder>\S+), such as (?P<example>\S+)", "{folder} 下的图片，例如 {example}"),
    (r"no such file in (?P<folder>\S+)", "{folder} 中没有这个文件"),
    (r"(?P<file>\S+) cannot be read as a picture \((?P<why>.*)\)", "{file} 无法作为图片读取（{why}）"),
    (r"(?P<file>\S+): no published article names '(?P<name>.*)'", "{file}：没有已发布的文章署名“{name}”"),
    (
        r"tags (?P<names>.+) share one page, (?P<url>\S+): rename one to keep them apart",
        "标签 {names} 是同一个页面 {url}：要分开就给其中一个改名",
    ),
    # editions (繁體版)
    (r"a list of editions, each with `language`", "版本列表，每项有 language"),
    (r"e\.g\. editions: (?P<example>.*)", "例如 editions: {example}"),
    (r"a mapping with `language`", "含 language 的映射"),
    (r"a Traditional Chinese tag such as zh-Hant-HK", "繁体中文的语言标记，例如 zh-Hant-HK"),
    (
        r"one URL segment of lower-case letters, digits and '-', used by no column",
        "一个由小写字母、数字和“-”组成、未被栏目占用的网址路径段",
    ),
    (
        r"the edition's pages are <prefix>/<the page's own URL>: /zh-hant/ by default",
        "该版本的页面在“<前缀>/<页面原网址>”，默认前缀是 /zh-hant/",
    ),
    (r"a mapping of texts, 简体: 繁體", "“简体: 繁體”形式的映射"),
    (r"a list of names kept as written", "照原样保留的名称列表"),
    (
        r"a Traditional edition is converted from Simplified Chinese: the site needs language: zh-CN",
        "繁体版由简体中文转换而来：网站的 language 须为 zh-CN",
    ),
    (r"`简体<TAB>繁體` or one word", "“简体<TAB>繁體”或单独一个词"),
)
