"""What the build says across articles (front-matter keys, aliases, redirects) and about the build cache
(sitegen.cachenotes).

Entries: (English pattern, Chinese template), as sitegen.messages explains; merged there in a fixed order.
"""

from __future__ import annotations

ZH: tuple[tuple[str, str], ...] = (
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
)
