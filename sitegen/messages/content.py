"""What the build says about a source file: reading it, its front-matter fields, its pictures, its body,
its links, the URLs it gets, the site's data files and the templates.

Entries: (English pattern, Chinese template), as sitegen.messages explains; merged there in a fixed order.
"""

from __future__ import annotations

ZH: tuple[tuple[str, str], ...] = (
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
    (r"changed while the site was loaded", "在读取站点的过程中被修改了"),
    (r"build again", "请重新构建"),
    # fields
    (r"expected (?P<expected>.+), got (?P<found>.*)", "应为{expected}，实际是 {found}"),
    (r"nothing", "空"),
    (r"non-empty text", "非空文本"),
    (r"text", "文本"),
    (r"a date such as (?P<forms>\S+, \S+ \S+, \S+ \S+ or \S+)", "日期，例如 {forms}"),  # DATE_FORMS
    (r"a date from the year (?P<first>\d+) to (?P<last>\d+)", "{first} 年至 {last} 年之间的日期"),
    (r"an earlier or later date cannot be moved between time zones", "更早或更晚的日期无法换算时区"),
    (
        r"written twice, on lines (?P<first>\d+) and (?P<line>\d+); only one value is read",
        "写了两次（第 {first} 行和第 {line} 行），只能有一个值",
    ),
    (r"keep one of them", "删掉其中一处"),
    (
        r"(?P<slug>'[^']*') is also the slug of (?P<name>.+) \(line (?P<line>\d+)\)",
        "{slug} 也是{name}的地址（第 {line} 行）",
    ),
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
)
