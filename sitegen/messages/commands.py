"""What the commands say: init and new (columns, slugs, existing files), the output folder, the lock, and a full
or read-only disk (sitegen.build.diskfull).

Entries: (English pattern, Chinese template), as sitegen.messages explains; merged there in a fixed order.
"""

from __future__ import annotations

ZH: tuple[tuple[str, str], ...] = (
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
)
