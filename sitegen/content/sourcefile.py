"""A source file's bytes -> its text (UTF-8, LF line ends, no control characters) -> front matter and body."""

from __future__ import annotations

import os
import re

from sitegen.content.text import without_controls
from sitegen.errors import ContentError

_DELIMITER = re.compile(r"^(---|\.\.\.)[ \t]*$")
_CHUNK = 1 << 16  # a source is a few kilobytes: one read, most of the time


def read_limited(path: str | os.PathLike[str], limit: int) -> bytes:
    """The first `limit` bytes of a file (all of a source, or one byte over the size limit, which says it is too
    large), with plain system calls: a file object's read(limit) allocates the whole limit first (8 MB) and gives
    it back, some 50 µs a source where these reads take 7 (10,000 sources in every cold build). OSError as open."""
    handle = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        chunks = []
        left = limit
        while left > 0:
            chunk = os.read(handle, min(left, _CHUNK))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    finally:
        os.close(handle)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def decode(path: str, raw: bytes) -> tuple[str | None, list[ContentError]]:
    """UTF-8 (BOM or not) with LF line ends, or an error at the line of the first bad byte."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return None, [ContentError(path, line, None, "is not UTF-8 text", "save the file as UTF-8 in your editor")]
    # control characters are dropped (text.CONTROLS): no page, feed or sitemap may carry them
    return without_controls(text.replace("\r\n", "\n").replace("\r", "\n")), []


def split(path: str, text: str) -> tuple[str, str, int] | ContentError:
    """(front matter YAML, body, body's first line) of a decoded file."""
    lines = text.split("\n")
    if not lines or not _DELIMITER.match(lines[0]) or lines[0].startswith("..."):
        return ContentError(
            path,
            1,
            None,
            "expected front matter starting with a '---' line",
            "begin the file with ---, then title: and date:, then ---",
        )
    for index in range(1, len(lines)):
        if _DELIMITER.match(lines[index]):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    return ContentError(
        path,
        1,
        None,
        "the front matter block opened here is never closed",
        "add a line with --- after the last front-matter key",
    )
