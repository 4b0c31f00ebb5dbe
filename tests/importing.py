"""Helpers shared by the import tests: the seed page, fixture folders, tiny real PNG files."""

from __future__ import annotations

import html
import re
import struct
import zlib
from pathlib import Path

TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "fixtures" / "import"
# the real portal page of ../shared/seed/, copied in so that the tests run from a clone of this repository alone
SEED = TESTS / "fixtures" / "seed" / "junhe-2022-12-12.txt"

SEED_PICTURES = (
    "3a922899d3684f2d93979b56e7d47fbf.png",
    "7cf9902525f3476099f2d06e2c5c0c7b.png",
    "41258c604d244ebb84c95e13ec979968.png",
    "7d588ad1ad0044f7a31a5fabcc6df30c.png",
    "2df475f0265a4c33ac9d25e768845e66.png",
    "f983d031cb84404c81859b353df0e526.png",
)
SEED_CAPTIONS = (
    "党群应急突击队员杜律治",
    "党群应急突击队员黄国添",
    "党群突击队将发挥党员引领作用开展任务攻坚,助力构建平安稳定的社会环境",
    "均禾街道办事处主任唐晓亮为均禾街河长制工作临时党支部、均禾街群防群治临时党支部、均禾街重点项目征拆临时党支部授牌",
    "均禾街党工委副书记叶敏为宣传促进队授旗",
    "广东省应急协会策划部副部长叶兴讯导师给队员们进行现场急救培训演练",
)
NAVIGATION = ("首页", "湾区九市", "镇街社区", "社区品牌", "身边爆料")


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def png(red: int = 200, green: int = 30, blue: int = 30) -> bytes:
    """A valid 1x1 PNG of one colour (different colours give different bytes)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(bytes([0, red, green, blue]))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def write_pictures(folder: Path, names: tuple[str, ...] | list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for number, name in enumerate(names):
        (folder / name).write_bytes(png(number * 40 % 256, 100, 150))
    return folder


def article_body(page_html: str) -> str:
    """The HTML of an article page's body (between <div class="article-body"> and its closing tag)."""
    match = re.search(r'<div class="article-body">(.*?)\n  </div>', page_html, re.DOTALL)
    assert match, "no article body in the page"
    return match.group(1)


def text_of(fragment: str) -> str:
    """Visible text of an HTML fragment, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))
