"""The front matter sitegen reads, described once: its keys, their kinds, rules, labels and hints.

frontmatter.py takes its known keys, picture keys and slug rule from here, and the web editor's configuration
(render/editor.py) is generated from the same description, so the form and the checks cannot drift apart. A new
front-matter key is one `Field` line in FIELDS (with a check in frontmatter.py); the editor then shows it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

# The kinds of value a key holds; render/editor.py maps each to an editor widget.
TEXT = "text"  # one line of text
LONG_TEXT = "long text"  # several lines (a summary)
TEXTS = "texts"  # a list of texts (a single text is read as a list of one)
DATETIME = "datetime"  # a date and time, naive in the site's time zone
WHOLE = "whole number"  # an int >= `minimum`
FLAG = "flag"  # true / false
PICTURES = "pictures"  # a list of pictures, each a path or {src, caption, alt, width, height}
PICTURE = "picture"  # the path of one picture (a picture's src)
KINDS = (TEXT, LONG_TEXT, TEXTS, DATETIME, WHOLE, FLAG, PICTURES, PICTURE)

SLUG_PATTERN = r"^[A-Za-z0-9\u4e00-\u9fff][A-Za-z0-9\u4e00-\u9fff._-]{0,199}$"


@functools.cache
def slug_rule() -> re.Pattern[str]:
    """SLUG_PATTERN compiled, on first use: it takes milliseconds, and only an article that gives a slug needs it."""
    return re.compile(SLUG_PATTERN)


NEW_SLUG_LENGTH = 60  # the longest pinyin slug `sitegen new` and the web editor make for a new article
DATE_FORMAT = "YYYY-MM-DD HH:mm"  # what the editor writes (moment/dayjs tokens): a form frontmatter.py reads


@dataclass(frozen=True, slots=True)
class Field:
    """One front-matter key: its kind, its rule, and how a form names and explains it (zh-CN and en)."""

    key: str
    kind: str
    label: tuple[str, str]  # (zh-CN, en)
    hint: tuple[str, str] = ("", "")
    required: bool = False
    minimum: int | None = None  # whole numbers
    pattern: str = ""  # a regular expression the text matches (JavaScript and Python alike)
    default: object = None  # what a new article's form starts with

    def label_in(self, language: str) -> str:
        return self.label[0 if language == "zh-CN" else 1]

    def hint_in(self, language: str) -> str:
        return self.hint[0 if language == "zh-CN" else 1]


_REMOTE_ONLY = ("仅用于网络图片，单位像素", "remote pictures only, in pixels")

# A picture's own keys, in the order a form shows them.
PICTURE_FIELDS: tuple[Field, ...] = (
    Field("src", PICTURE, ("图片", "Picture"),
          ("保存在文章旁边：同名的图片会被替换，请用不重名的文件名", "stored beside the article, where a picture of "
           "the same name is replaced: give it a name of its own"), required=True),
    Field("caption", TEXT, ("图片说明", "Caption"), ("显示在图片下方", "shown under the picture")),
    Field("alt", TEXT, ("图片描述", "Alt text"), ("为看不见图片的读者描述画面", "for readers who cannot see it")),
    Field("width", WHOLE, ("宽度", "Width"), _REMOTE_ONLY, minimum=1),
    Field("height", WHOLE, ("高度", "Height"), _REMOTE_ONLY, minimum=1),
)  # fmt: skip

# Every key of an article's front matter, in the order a form shows them.
FIELDS: tuple[Field, ...] = (
    Field("title", TEXT, ("标题", "Title"), required=True),
    Field("date", DATETIME, ("发表时间", "Published"),
          ("按本站时区（{timezone}）填写；时间未到的文章到时才发布", "in the site's time zone ({timezone}); "
           "a future time is published when it comes"), required=True),
    Field("source", TEXT, ("文章出处", "Source"), ("如：区融媒体中心", "e.g. the district media centre")),
    Field("author", TEXTS, ("作者", "Author"), ("多位作者用逗号或顿号分隔", "several: separate them with commas")),
    Field("editor", TEXT, ("编辑", "Editor")),
    Field("views", WHOLE, ("阅读量", "Views"), ("不小于 0 的整数", "a whole number >= 0"), minimum=0, default=0),
    Field("tags", TEXTS, ("标签", "Tags"), ("用逗号或顿号分隔", "separate them with commas")),
    Field("images", PICTURES, ("图片", "Pictures"),
          ("每张图片都要写图片说明；正文里没有用到的图片显示在正文之后", "give each a caption; pictures the body "
           "does not place are shown after it")),
    Field("summary", LONG_TEXT, ("摘要", "Summary"),
          ("可不填：默认取 <!--more--> 之前的文字或正文开头", "optional: else the text before <!--more--> or the "
           "first sentences")),
    Field("slug", TEXT, ("网址名", "URL name"),
          ("可不填：网址里的文章名，只用字母、数字、汉字、- _ .", "optional: the article's name in its URL; letters, "
           "digits, Chinese characters, - _ ."), pattern=SLUG_PATTERN),
    Field("draft", FLAG, ("草稿", "Draft"), ("草稿不会发布；取消勾选即发布", "drafts are not published; untick to "
                                             "publish"), default=True),
    Field("updated", DATETIME, ("更新时间", "Updated"), ("可不填", "optional")),
    Field("featured", FLAG, ("头条", "Lead story"),
          ("显示在首页和本栏目的顶部", "shown at the top of the home page and of its column")),
    Field("weight", WHOLE, ("头条权重", "Lead weight"),
          ("不小于 0 的整数：大于 0 也算头条，数字大的排在前面", "a whole number >= 0: above 0 also makes a lead "
           "story, the heaviest first"), minimum=0),
    Field("aliases", TEXTS, ("旧网址", "Old addresses"),
          ("本文在本站的旧地址，如 /2008/11/23/hello.html，会跳转到本文；多个用逗号分隔", "old addresses of this "
           "article on this site, such as /2008/11/23/hello.html: each redirects here; separate them with commas")),
)  # fmt: skip

KEYS = tuple(field.key for field in FIELDS)
PICTURE_KEYS = tuple(field.key for field in PICTURE_FIELDS)


def field(key: str) -> Field:
    """The description of one front-matter key."""
    return next(f for f in FIELDS if f.key == key)
