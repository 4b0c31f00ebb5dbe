"""What `sitegen import` says: the pages and posts it reads, and what it writes.

Entries: (English pattern, Chinese template), as sitegen.messages explains; merged there in a fixed order.
"""

from __future__ import annotations

ZH: tuple[tuple[str, str], ...] = (
    # sitegen import
    (r"is not a text file", "不是文本文件"),
    (r"is neither UTF-8 nor GB18030 \(GBK\) text", "既不是 UTF-8 也不是 GB18030（GBK）编码的文本"),
    (r"read as GB18030 \(GBK\) text; written as UTF-8", "按 GB18030（GBK）编码读取，已存为 UTF-8"),
    (r"is empty", "是空的"),
    (r"cannot be written: (?P<why>.*)", "无法写入：{why}"),
    (r"holds no \.txt pages", "里面没有 .txt 页面"),
    (
        r"no title: expected the title on the line before 文章出处:/作者:/发表时间:",
        "没有标题：标题应在“文章出处:”“作者:”“发表时间:”的前一行",
    ),
    (r"no title: the page starts with its metadata", "没有标题：页面一开头就是文章信息"),
    (
        r"(?P<problem>.+), and the file name has no date such as 2022-12-12",
        "{problem}，文件名中也没有 2022-12-12 这样的日期",
    ),
    (r"no 发表时间", "没有发表时间"),
    (r"发表时间 '(?P<value>.*)' is not a date", "发表时间“{value}”不是日期"),
    (
        r"no usable 发表时间; took the date (?P<date>\S+) from the file name",
        "没有可用的发表时间，采用了文件名中的日期 {date}",
    ),
    (r"阅读量 '(?P<value>.*)' is not a number; wrote 0", "阅读量“{value}”不是数字，记为 0"),
    (r"picture '(?P<src>.*)' has no caption line after it", "图片“{src}”后面没有图片说明"),
    (
        r"a short line with no picture before it was kept as an italic line \(a caption whose picture is missing\?\); "
        r"start it with '## ' if it is a sub-heading",
        "这一短行前面没有图片，已保留为斜体（可能是丢了图片的图片说明）；如果它是小标题，请在行首加“## ”",
    ),
    (r"picture '(?P<src>.*)' left as a URL", "图片“{src}”保留为网址"),
    (r"a picture without a file, dropped: (?P<tag>.*)", "图片没有文件地址，已删去：{tag}"),
    (
        r"picture '(?P<src>.*)' not found; referenced as (?P<name>\S+): put the file beside the article",
        "找不到图片“{src}”；文章中写作 {name}：请把图片文件放在文章旁边",
    ),
    (
        r"picture '(?P<src>.*)' not found: put the file beside the article",
        "找不到图片“{src}”：请把图片文件放在文章旁边",
    ),
    (
        r"picture '(?P<src>.*)' saved as (?P<new>\S+): (?P<name>\S+) is taken by another picture",
        "图片“{src}”另存为 {new}：{name} 已被另一张图片占用",
    ),
    (r"already imported; unchanged", "已经导入过，内容相同"),
    (r"already exists; not overwritten", "文件已存在，没有覆盖"),
    (r"already imported; edited since, not overwritten", "已经导入过，之后改动过，没有覆盖"),
    (r"no free file name: too many posts of this name", "没有可用的文件名：同名文章太多"),
    (
        r"the HTML loads (?P<src>.*), which is not imported: copy it under assets/ or remove it",
        "HTML 中引用了 {src}，它没有导入：请复制到 assets/ 下，或删去这一行",
    ),
    (
        r"the old address (?P<url>.*) has a query \(\?\.\.\.\): a static site cannot redirect it",
        "旧地址 {url} 带有查询参数（?...）：静态网站无法跳转，请在服务器上设置",
    ),
    (r"cannot read (?P<path>.*): (?P<why>.*)", "无法读取 {path}：{why}"),
    (
        r"picture '(?P<src>.*)' stays inside HTML, where the build does not copy it: make it a Markdown picture",
        "图片“{src}”留在 HTML 里，生成网站时不会复制它：请改成 Markdown 图片",
    ),
    (
        r"the old address (?P<alias>.*) cannot be redirected: it must be (?P<expected>.*)",
        "旧地址 {alias} 无法跳转：它应是{expected}",
    ),
    (
        r"the old address (?P<alias>.*) is also that of (?P<other>.*): redirected there",
        "旧地址 {alias} 也是 {other} 的地址：跳转到那一篇",
    ),
    (
        r"a document without a date; used the file's modification date (?P<date>\S+)",
        "文档没有日期，采用了文件的修改日期 {date}",
    ),
    (r"the TOML front matter opened with \+\+\+ is never closed", "以 +++ 开始的 TOML 头信息没有结束"),
    (r"the YAML front matter opened with --- is never closed", "以 --- 开始的 YAML 头信息没有结束"),
    (r"invalid TOML: (?P<problem>.*)", "TOML 格式错误：{problem}"),
    (r"invalid JSON front matter: (?P<problem>.*)", "JSON 头信息格式错误：{problem}"),
    (r"the front matter is not a mapping of keys such as `title:`", "头信息应为“title:”这样的字段"),
    (
        r"(?P<key>[^:]+): '(?P<value>.*)' is not a date; kept as an extra field",
        "{key}：“{value}”不是日期，已作为其他字段保留",
    ),
    (r"kept as written, not converted: (?P<tag>.*)", "无法转换，已原样保留：{tag}"),
    (
        r"redirect_from: (?P<value>.*) holds entries that are not paths; left out",
        "redirect_from：{value} 中有不是路径的条目，已略去",
    ),
    (r"links to a draft, kept as written: (?P<tag>.*)", "链接指向一篇草稿，已原样保留：{tag}"),
    (
        r"links to a page that was not imported, kept as written: (?P<tag>.*)",
        "链接指向一篇没有导入的页面，已原样保留：{tag}",
    ),
    (
        r"a (?P<scheme>[a-z]+): link, which the build refuses; its text kept without the link: (?P<tag>.*)",
        "{scheme}: 链接（生成网站时不允许），只保留了链接文字：{tag}",
    ),
    (
        r"links to a draft; its text kept without the link: (?P<tag>.*)",
        "链接指向一篇草稿，只保留了链接文字：{tag}",
    ),
    (
        r"links to a page that was not imported; its text kept without the link: (?P<tag>.*)",
        "链接指向一篇没有导入的页面，只保留了链接文字：{tag}",
    ),
    (
        r"the old address (?P<alias>.*) cannot be redirected: it is the place of (?P<owner>.*)",
        "旧地址 {alias} 无法跳转：新网站里这个地址是 {owner}",
    ),
    (
        r"no date: neither date: nor publishDate: in the front matter, nor one in the file name; used the file's "
        r"modification date (?P<date>\S+): check it",
        "没有日期：头信息中没有 date: 或 publishDate:，文件名中也没有日期；采用了文件的修改日期 {date}，请核对",
    ),
    (
        r"draft: (?P<value>\S+) is text to newer Hugo, not true, so the old site published it; imported as a draft: "
        r"remove draft: to publish it",
        "draft: {value} 在较新的 Hugo 里是文字而不是 true，旧网站因此发布了这篇；导入为草稿：要发布请删去 draft:",
    ),
    (
        r"(?P<key>.+) written twice \(lines (?P<first>\d+) and (?P<line>\d+)\); the last value imported",
        "{key} 写了两次（第 {first} 行和第 {line} 行），导入的是后一个值",
    ),
    (r"no title in the front matter; took the first heading", "头信息中没有标题，采用了正文的第一个标题"),
    (
        r"no title in the front matter; took '(?P<title>.*)' from the file name",
        "头信息中没有标题，采用了文件名“{title}”",
    ),
    (
        r"no date: neither date: nor publishDate: in the front matter, nor one in the file name",
        "没有日期：头信息中没有 date: 或 publishDate:，文件名中也没有日期",
    ),
    (r"no date in the front matter; used (?P<date>\S+)", "头信息中没有日期，采用了 {date}"),
    (
        r"a draft without a date; used the file's modification date (?P<date>\S+)",
        "草稿没有日期，采用了文件的修改日期 {date}",
    ),
    (
        r"no date: none in the front matter, and the file name does not start with YYYY-MM-DD-",
        "没有日期：头信息中没有 date:，文件名也不以 YYYY-MM-DD- 开头",
    ),
    (r"a section page \(_index\), not a post", "栏目页（_index），不是文章"),
    (r"a headless page Hugo does not publish, not a post", "Hugo 不发布的无头页面（headless），不是文章"),
    (r"a resource of the page bundle (?P<folder>\S+), not a post", "页面包 {folder} 的附属文件，不是文章"),
    (
        r"is (?P<extension>\S+) markup; only Markdown and HTML can be imported",
        "是 {extension} 格式；只能导入 Markdown 和 HTML",
    ),
    (
        r"no content files under (?P<path>.*): expected \.md files, as in content/posts/",
        "{path} 下没有内容文件：应有 .md 文件，例如 content/posts/ 里的",
    ),
    (
        r"no Jekyll posts under (?P<path>.*): expected _posts/YYYY-MM-DD-title\.md files",
        "{path} 下没有 Jekyll 文章：应有 _posts/YYYY-MM-DD-标题.md 这样的文件",
    ),
)
