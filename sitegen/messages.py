"""Messages in the site's language. English is written where the error is found; this catalog gives Chinese.

Each entry maps an English message pattern (named groups for the variable parts) to its Chinese form; variable
parts are translated again when the catalog knows them (e.g. what a field expected). A message the catalog
does not know stays English: never lost, just untranslated (a test keeps the catalog complete).
"""

from __future__ import annotations

import re

_ZH: tuple[tuple[str, str], ...] = (
    # reading files
    (r"is not UTF-8 text", "不是 UTF-8 编码的文本"),
    (r"save the file as UTF-8 in your editor", "请在编辑器中把文件另存为 UTF-8 编码"),
    (r"expected front matter starting with a '---' line", "文件应以一行“---”开始头信息（front matter）"),
    (r"begin the file with ---, then title: and date:, then ---", "第一行写 ---，接着写 title: 和 date:，再写一行 ---"),
    (r"the front matter block opened here is never closed", "从这里开始的头信息没有结束"),
    (r"add a line with --- after the last front-matter key", "在最后一个头信息字段后加一行 ---"),
    (r"invalid YAML: (?P<problem>.*)", "YAML 格式错误：{problem}"),
    (
        r"check quotes and indentation; quote values containing ': ' or starting with \[ \{ \* &",
        "检查引号和缩进；含有“: ”或以 [ {{ * & 开头的值要加引号",
    ),
    (r"expected front-matter keys such as `title: \.\.\.`", "应为“title: ...”这样的头信息字段"),
    (r"cannot be read: (?P<why>.*)", "无法读取：{why}"),
    # fields
    (r"expected (?P<expected>.+), got (?P<found>.*)", "应为{expected}，实际是 {found}"),
    (r"nothing", "空"),
    (r"non-empty text", "非空文本"),
    (r"text", "文本"),
    (r"a date such as (?P<forms>.*)", "日期，例如 {forms}"),
    (r"(?P<a>\S+), (?P<b>\S+ \S+), (?P<c>\S+ \S+) or (?P<d>\S+)", "{a}、{b}、{c} 或 {d}"),
    (r"a whole number >= (?P<minimum>\d+)", "不小于 {minimum} 的整数"),
    (r"true or false", "true 或 false"),
    (
        r"letters, digits, Chinese characters, '-', '_' or '\.', not starting with '\.'",
        "字母、数字、汉字、“-”“_”或“.”，且不以“.”开头",
    ),
    (r"a list of pictures, each a path or \{src, caption, alt\}", "图片列表，每项是路径或 {{src, caption, alt}}"),
    (r"a path or a mapping with src, caption and alt", "路径，或含 src、caption、alt 的映射"),
    (r"one of the keys (?P<keys>.*)", "以下字段之一：{keys}"),
    (r"the picture's path or URL", "图片的路径或网址"),
    (r"give both width and height", "width 和 height 要一起写"),
    (r"add `(?P<key>[^`]+): \.\.\.` to the front matter", "在头信息中加上“{key}: ...”"),
    (r"add `(?P<key>[^`]+): (?P<value>[^`]+)`", "加上“{key}: {value}”"),
    (r"the slug becomes part of the URL", "slug 会成为网址的一部分"),
    # content files and pictures
    (r"is a link that points outside content/", "是指向 content/ 以外的链接"),
    (r"copy the file into the site instead of linking to it", "请把文件复制到网站里，不要用链接"),
    (r"is not inside a column folder", "不在任何栏目文件夹内"),
    (r"move it under content/<column>/; columns: (?P<columns>.*)", "请移到 content/<栏目>/ 下；栏目有：{columns}"),
    (r"is not a picture file \((?P<types>.*)\)", "不是图片文件（{types}）"),
    (
        r"is an SVG file, which can carry scripts: not allowed in an untrusted column",
        "是 SVG 文件，可能带有脚本：不信任的栏目不能用",
    ),
    (r"is outside content/ and assets/", "不在 content/ 或 assets/ 里"),
    (r"is not a valid URL: it holds (?P<char>.*)", "不是有效的网址：含有 {char}"),
    (r"not found", "找不到"),
    (r"is a data: URI: not allowed in an untrusted column", "是 data: 内嵌图片：不信任的栏目不能用"),
    (r"leaves the site folder", "在网站文件夹之外"),
    (r"contains a NUL byte", "含有 NUL 字节"),
    (r"is an absolute path", "是绝对路径"),
    (r"names a drive", "指定了盘符"),
    (r"contains a backslash", "含有反斜杠"),
    (r"is longer than (?P<n>\d+) characters", "超过 {n} 个字符"),
    (r"has a name longer than 255 bytes", "有超过 255 字节的文件名"),
    (r"is a broken link or a loop of links", "是失效的链接或循环链接"),
    (r"is a link that points outside the site folder", "是指向网站文件夹以外的链接"),
    (r"is larger than (?P<kb>\d+) KB", "超过 {kb} KB"),
    (
        r"split it into several articles; pictures belong in files of their own",
        "请拆成几篇文章；图片请另存为文件",
    ),
    (
        r"the file name gives the slug '(?P<slug>.*)', which must be (?P<expected>.*)",
        "由文件名得到的 slug“{slug}”应为{expected}",
    ),
    (
        r"rename the file or set a shorter `slug:` in the front matter",
        "请给文件改名，或在头信息里设置较短的“slug:”",
    ),
    (
        r"the front matter is (?P<size>\d+) bytes long; at most (?P<limit>\d+) bytes are read",
        "头信息长 {size} 字节；最多读取 {limit} 字节",
    ),
    (r"keep long text in the body, below the second ---", "长文字请写在正文里，即第二个 --- 之后"),
    (r"at most (?P<n>\d+) entries", "最多 {n} 项"),
    (r"no NUL byte", "不含 NUL 字节"),
    (r"at most (?P<n>\d+) bytes \(a Chinese character takes 3\)", "最多 {n} 字节（一个汉字占 3 字节）"),
    (r"the slug becomes a folder or file name of the output", "slug 会成为输出的文件夹名或文件名"),
    # the body
    (
        r"'(?P<href>.*)' is a (?P<scheme>\S+): link, which browsers would run or open as data",
        "链接“{href}”是 {scheme}: 链接，浏览器会执行它或把它当作数据打开",
    ),
    (
        r"link to http\(s\), mailto or tel addresses, or to files of the site",
        "请链接到 http(s)、mailto 或 tel 地址，或本站的文件",
    ),
    (r"lists or quotes are nested more than (?P<n>\d+) levels deep", "列表或引用嵌套超过 {n} 层"),
    (r"flatten the list or quote", "请减少列表或引用的嵌套"),
    (
        r"is nested too deeply for Python-Markdown \(lists, quotes or emphasis inside each other\)",
        "嵌套太深，Python-Markdown 无法处理（列表、引用或强调互相嵌套）",
    ),
    (r"flatten the list, quote or emphasis", "请减少列表、引用或强调的嵌套"),
    (r"HTML elements are nested more than (?P<n>\d+) levels deep", "HTML 元素嵌套超过 {n} 层"),
    (r"close your tags", "请闭合 HTML 标签"),
    (r"a paragraph of (?P<n>\d+) characters; at most (?P<limit>\d+)", "段落有 {n} 个字符；最多 {limit} 个"),
    (r"break it into shorter paragraphs with empty lines", "请用空行把它分成较短的段落"),
    (
        r"too many unclosed '\[' or '<' for Python-Markdown to read in reasonable time",
        "未闭合的“[”或“<”太多，Python-Markdown 无法在合理时间内处理",
    ),
    (r"close the brackets, or write them as \\\[ and &lt;", "请闭合括号，或写成 \\[ 和 &lt;"),
    (
        r"picture '(?P<src>.*)' (?P<problem>not found|leaves the site folder|cannot be (?:decoded|read) \(.*\))",
        "图片“{src}”{problem}",
    ),
    (r"not found", "找不到"),
    (r"leaves the site folder", "在网站文件夹之外"),
    (r"cannot be decoded \((?P<why>.*)\)", "无法解码，不是可用的图片（{why}）"),
    (r"cannot be read \((?P<why>.*)\)", "无法读取（{why}）"),
    (
        r"save it again as JPEG, PNG, WebP, GIF or SVG",
        "请重新保存为 JPEG、PNG、WebP、GIF 或 SVG 格式",
    ),
    (
        r"put the file beside the article or under assets/, or fix the path",
        "把图片放在文章旁边或 assets/ 下，或改正路径",
    ),
    # links
    (r"'(?P<href>.*)' points to (?P<target>\S+), which does not exist", "链接“{href}”指向的 {target} 不存在"),
    (r"check the file name; the path is relative to this article's folder", "检查文件名；路径相对于本文所在的文件夹"),
    (r"'(?P<href>.*)' points to a draft", "链接“{href}”指向一篇草稿"),
    (
        r"'(?P<href>.*)' points to an article not published yet \(dated (?P<date>.*)\)",
        "链接“{href}”指向一篇尚未发布的文章（定于 {date} 发布）",
    ),
    (r"publish that article first, or remove the link", "先发布那篇文章，或删除这个链接"),
    (
        r"'(?P<href>.*)': (?P<target>\S+) has no heading '#(?P<anchor>.*)'",
        "链接“{href}”：{target} 中没有标题“#{anchor}”",
    ),
    (r"headings there: (?P<ids>.*)", "那篇文章的标题有：{ids}"),
    (r"none", "无"),
    # URLs
    (r"its URL /(?P<url>.*) is already taken by (?P<owner>.*)", "网址 /{url} 已被 {owner} 占用"),
    (r"the index of column '(?P<slug>.*)'", "栏目“{slug}”的索引页"),
    (r"the home page", "首页"),
    (r"a page sitegen makes itself", "sitegen 自动生成的页面"),
    (r"give one of them a different `slug:` in the front matter", "在其中一篇的头信息里设置不同的“slug:”"),
    # data files
    (
        r"(?P<file>\S+): '(?P<key>.*)' names no article; its count is ignored",
        "{file}：“{key}”不对应任何文章，已忽略该阅读量",
    ),
    (r"invalid JSON: (?P<problem>.*)", "JSON 格式错误：{problem}"),
    (r"expected an object of article -> count", "应为“文章 -> 阅读量”的 JSON 对象"),
    # templates
    (r"template error: (?P<problem>.*)", "模板错误：{problem}"),
    # site.yaml
    (
        r"is (?P<folder>.*) a sitegen site\? `sitegen init DIR` makes one",
        "{folder} 是 sitegen 网站吗？可用“sitegen init 目录”新建",
    ),
    (r"expected a mapping of keys such as `title:`", "应为“title:”这样的字段"),
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
    (r"a date such as (?P<a>\S+) or (?P<b>.+)", "日期，例如 {a} 或 {b}"),
    (r"a date such as (?P<a>\S+), or start: and end:", "日期（例如 {a}），或 start: 与 end:"),
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
    (r"(?P<file>\S+): no published article names '(?P<name>.*)'", "{file}：没有已发布的文章署名“{name}”"),
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
    # commands
    (r"unknown column (?P<column>.*); valid columns: (?P<columns>.*)", "未知栏目 {column}；可用的栏目：{columns}"),
    (r"(?P<path>.*) already exists; choose another --slug", "{path} 已存在；请用 --slug 另取一个名字"),
    (r"(?P<path>.*) already exists; nothing was changed", "{path} 已存在；没有做任何改动"),
    (r"the title is empty", "标题为空"),
    (
        r"invalid slug (?P<slug>.*): use ASCII letters, digits, '-' and '_'",
        "slug {slug} 无效：只能用英文字母、数字、“-”和“_”",
    ),
    (
        r"refusing to build into (?P<path>.*): it holds the site or your files",
        "拒绝输出到 {path}：那里有网站源文件或您的文件",
    ),
    (
        r"refusing to build into (?P<path>.*): it is inside (?P<folder>content|assets|templates)/",
        "拒绝输出到 {path}：它在 {folder}/ 里面",
    ),
    (r"refusing to build into (?P<path>.*): it is a file", "拒绝输出到 {path}：它是一个文件"),
    # a full or read-only disk (sitegen.build.diskfull)
    (
        r"no space left in (?P<path>.*): the build needed at least (?P<needed>\S+ \S+), (?P<free>\S+ \S+) is free; "
        r"(?P<kept>the output folder .*)\. Make room or make it writable, then build again",
        "磁盘空间不足，无法写入 {path}：本次构建至少需要 {needed}，那里只剩 {free}；{kept}。"
        "请腾出空间或改为可写后重新构建",
    ),
    (
        r"cannot write (?P<path>.*): its file system is read-only \(the build needed at least (?P<needed>\S+ \S+)\); "
        r"(?P<kept>the output folder .*)\. Make room or make it writable, then build again",
        "无法写入 {path}：所在文件系统是只读的（本次构建至少需要 {needed}）；{kept}。请腾出空间或改为可写后重新构建",
    ),
    (r"the output folder was left as it was", "输出文件夹保持原样"),
    (
        r"the output folder holds the new build whole; only the build cache was not saved",
        "输出文件夹已是完整的新版本，只是构建缓存没有保存",
    ),
    (
        r"waiting for another build \((?P<holder>.*)\) to finish writing (?P<path>.*)",
        "正在等待另一个生成进程（{holder}）写完 {path}",
    ),
    (
        r"gave up after (?P<seconds>\S+) s: another build \((?P<holder>.*)\) is still writing (?P<path>.*)",
        "等待 {seconds} 秒后放弃：另一个生成进程（{holder}）仍在写入 {path}",
    ),
    (
        r"process (?P<pid>\d+) on (?P<host>\S+), since (?P<since>.*)",
        "进程 {pid}，主机 {host}，开始于 {since}",
    ),
    (r"a process that has just started", "一个刚启动的进程"),
    (
        r"refusing to build into (?P<path>.*): it is not empty and was not made by sitegen; "
        r"empty it or choose another --output",
        "拒绝输出到 {path}：该文件夹不是空的，也不是 sitegen 生成的；请清空它或换一个 --output",
    ),
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
    (r"links to a draft, kept as written: (?P<tag>.*)", "链接指向一篇草稿，已原样保留：{tag}"),
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
    # front-matter keys, aliases, redirects
    (r"unknown key; did you mean `(?P<key>[^`]+)`\?", "未知字段；是不是想写“{key}”？"),
    (
        r"it is kept as article\.extra\['(?P<key>.*)'\] for templates; rename it to `(?P<known>[^`]+)` if meant",
        "它作为 article.extra['{key}'] 留给模板使用；如果本意是“{known}”，请改名",
    ),
    (r"a path of the site, not a full URL", "本站的路径，而不是完整网址"),
    (
        r"a path without '\?', '#', quotes, '<', '>', backslashes or control characters",
        "不含“?”“#”、引号、“<”“>”、反斜杠或控制字符的路径",
    ),
    (
        r"a path of the site other than the home page, without empty, '\.' or '\.\.' segments",
        "首页以外的本站路径，不含空的、“.”或“..”的部分",
    ),
    (r"a path whose every segment is at most (?P<bytes>\d+) bytes", "每一段不超过 {bytes} 字节的路径"),
    (
        r"an old address of this article on this site, such as (?P<a>\S+) or (?P<b>\S+)",
        "本文在本站的旧地址，例如 {a} 或 {b}",
    ),
    (r"the alias /(?P<alias>.*) is already taken by (?P<owner>.*)", "别名 /{alias} 已被 {owner} 占用"),
    (r"remove the alias from one of them", "请从其中一篇删去这个别名"),
    (r"(?P<path>.*) \(alias /(?P<alias>.*)\)", "{path}（别名 /{alias}）"),
    # the build cache (sitegen.cachenotes): the file, then the reason, itself translated
    (r"(?P<file>.+): cache discarded \((?P<reason>.+)\); rebuilt", "{file}：缓存已弃用（{reason}），已重新生成"),
    (
        r"(?P<file>.+): cache entry dropped \((?P<reason>.+)\); made again",
        "{file}：缓存条目已丢弃（{reason}），已重新生成",
    ),
    (
        r"(?P<file>.+): the search index could not be updated \((?P<reason>.+)\); built anew",
        "{file}：无法增量更新搜索索引（{reason}），已重新生成整个索引",
    ),
    (r"made by another version of sitegen, Python or a library", "由另一版本的 sitegen、Python 或依赖库生成"),
    (r"damaged: (?P<detail>.*)", "文件已损坏：{detail}"),
    (
        r"names a path outside the cache folder or of the wrong kind: (?P<name>.*)",
        "指向缓存文件夹以外的路径或类型不对的文件：{name}",
    ),
    (r"its bytes changed since it was made", "生成后内容被改动"),
    # the general picture message last: the more specific ones above must match first
    (r"picture '(?P<src>.*)' (?P<problem>.*)", "图片“{src}”{problem}"),
)
# never user text
_TRANSLATED_PARTS = frozenset({"expected", "found", "problem", "owner", "ids", "forms", "holder", "kept", "reason"})
_CATALOG = {"zh-CN": tuple((re.compile(pattern, re.DOTALL), template) for pattern, template in _ZH)}


def translate(text: str, language: str) -> str:
    """`text` in `language`, or as written when the catalog has no entry for it."""
    for pattern, template in _CATALOG.get(language, ()):
        match = pattern.fullmatch(text)
        if match:
            parts = {
                name: translate(value, language) if name in _TRANSLATED_PARTS else value
                for name, value in match.groupdict().items()
            }
            return template.format(**parts)
    return text


def is_translated(text: str, language: str) -> bool:
    return any(pattern.fullmatch(text) for pattern, _ in _CATALOG.get(language, ()))
