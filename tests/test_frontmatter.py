"""Front matter: every accepted date form, optional and typed fields, encodings, line ends, and precise errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sitegen.content.frontmatter import SourceText, parse_source
from sitegen.errors import ContentError

SHANGHAI = ZoneInfo("Asia/Shanghai")
PATH = "content/towns/x.md"


def parse(text: str | bytes, tz: ZoneInfo = SHANGHAI) -> SourceText | list[ContentError]:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return parse_source(PATH, raw, tz)


def ok(text: str | bytes, tz: ZoneInfo = SHANGHAI) -> SourceText:
    result = parse(text, tz)
    assert isinstance(result, SourceText), [str(e) for e in result]
    return result


def errors(text: str | bytes) -> list[str]:
    result = parse(text)
    assert isinstance(result, list), "expected errors, the file was accepted"
    assert all(isinstance(e, ContentError) for e in result)
    return [str(e) for e in result]


def doc(*lines: str, body: str = "正文。\n") -> str:
    return "\n".join(["---", *lines, "---", "", body])


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2022-12-12", datetime(2022, 12, 12, tzinfo=SHANGHAI)),
        ('"2022-12-12"', datetime(2022, 12, 12, tzinfo=SHANGHAI)),
        ("2022-12-12 08:30", datetime(2022, 12, 12, 8, 30, tzinfo=SHANGHAI)),
        ("'2022-12-12 08:30'", datetime(2022, 12, 12, 8, 30, tzinfo=SHANGHAI)),
        ("2022-12-12 08:30:00", datetime(2022, 12, 12, 8, 30, tzinfo=SHANGHAI)),
        ('"2022-12-12 08:30:00"', datetime(2022, 12, 12, 8, 30, tzinfo=SHANGHAI)),
        ("2022-12-12T08:30:00+08:00", datetime(2022, 12, 12, 8, 30, tzinfo=SHANGHAI)),
        ('"2022-12-12T08:30:00+08:00"', datetime(2022, 12, 12, 8, 30, tzinfo=SHANGHAI)),
        ("2022-12-12T00:30:00+00:00", datetime(2022, 12, 12, 8, 30, tzinfo=SHANGHAI)),
        ("'2022-12-12T00:30:00Z'", datetime(2022, 12, 12, 8, 30, tzinfo=SHANGHAI)),
        ("2022-12-11T19:30:00-05:00", datetime(2022, 12, 12, 8, 30, tzinfo=SHANGHAI)),
    ],
)
def test_every_date_form_quoted_or_not(written: str, expected: datetime) -> None:
    date = ok(doc("title: t", f"date: {written}")).front_matter.date
    assert date == expected
    assert date.utcoffset() == timedelta(hours=8)  # shown in the site time zone


def test_naive_times_are_in_the_site_time_zone() -> None:
    london = ZoneInfo("Europe/London")
    date = ok(doc("title: t", "date: 2022-07-01 08:30"), london).front_matter.date
    assert date == datetime(2022, 7, 1, 8, 30, tzinfo=london)
    assert date.utcoffset() == timedelta(hours=1)


def test_offset_times_are_converted_to_the_site_time_zone() -> None:
    date = ok(doc("title: t", "date: 2022-12-31T20:00:00+00:00")).front_matter.date
    assert (date.year, date.month, date.day, date.hour) == (2023, 1, 1, 4)
    assert date == datetime(2022, 12, 31, 20, tzinfo=UTC)


def test_updated_takes_the_same_forms() -> None:
    front = ok(doc("title: t", "date: 2024-02-20 21:15", "updated: 2024-02-23 10:00")).front_matter
    assert front.updated == datetime(2024, 2, 23, 10, tzinfo=SHANGHAI)
    assert ok(doc("title: t", "date: 2024-02-20")).front_matter.updated is None


@pytest.mark.parametrize(
    ("written", "found"),
    [("yesterday", "'yesterday'"), ("2022-12-12 25:00", "'2022-12-12 25:00'"), ("20221212", "20221212"),
     ("'2022-13-01'", "'2022-13-01'"), ("[2022, 12, 12]", "[2022, 12, 12]")],
)  # fmt: skip
def test_unreadable_date_is_an_error_showing_what_was_found(written: str, found: str) -> None:
    (message,) = errors(doc("title: t", f"date: {written}"))
    assert message.startswith(f"{PATH}:3: date: expected a date such as 2022-12-12, 2022-12-12 08:30, ")
    assert message.endswith(f", got {found}")


@pytest.mark.parametrize("written", ["2022-13-45", "2022-02-30", "2022-02-30 10:00:00", "0000-01-01"])
def test_impossible_unquoted_date_is_a_content_error_not_a_crash(written: str) -> None:
    (message,) = errors(doc("title: t", f"date: {written}"))
    assert message.startswith(f"{PATH}:3: date: expected a date")
    assert written in message


@pytest.mark.parametrize(
    ("written", "found"),
    [("0001-01-01", "0001-01-01"), ("9999-12-31 23:59:59", "9999-12-31 23:59:59"), ("'0999-12-31'", "'0999-12-31'"),
     ("9999-12-31T23:59:59+08:00", "9999-12-31 23:59:59+08:00")],
)  # fmt: skip
def test_a_date_too_early_or_late_says_so_and_shows_it_as_written(written: str, found: str) -> None:
    (message,) = errors(doc("title: t", f"date: {written}"))
    assert message == (
        f"{PATH}:3: date: expected a date from the year 1000 to 9998, got {found} "
        "(an earlier or later date cannot be moved between time zones)"
    )


def test_a_date_where_text_belongs_is_shown_as_written() -> None:
    (message,) = errors(doc("title: 2022-12-12", "date: 2022-12-12"))
    assert message == f"{PATH}:2: title: expected text, got 2022-12-12"


def test_missing_date_is_an_error_at_the_front_matter() -> None:
    (message,) = errors(doc("title: t"))
    assert message.startswith(f"{PATH}:2: date: expected a date such as ")
    assert "got nothing" in message


# --------------------------------------------------------------------------- title and text fields


def test_title_is_required() -> None:
    (message,) = errors(doc("date: 2022-12-12"))
    assert message.startswith(f"{PATH}:2: title: expected non-empty text, got nothing")


@pytest.mark.parametrize(("written", "found"), [("''", "got ''"), ("'   '", "got ''"), ("[a, b]", "got ['a', 'b']")])
def test_title_must_be_non_empty_text(written: str, found: str) -> None:
    (message,) = errors(doc("date: 2022-12-12", f"title: {written}"))
    assert message.startswith(f"{PATH}:3: title: expected ")
    assert found in message


def test_optional_text_fields_default_to_empty() -> None:
    front = ok(doc("title: 标题", "date: 2022-12-12")).front_matter
    assert (front.title, front.source, front.authors, front.editor, front.views) == ("标题", "", (), "", 0)
    assert (front.images, front.tags, front.summary, front.slug, front.draft, front.updated) == (
        (),
        (),
        "",
        "",
        False,
        None,
    )
    assert dict(front.extra) == {}


def test_all_known_fields_are_read() -> None:
    front = ok(
        doc(
            'title: "白云均禾:激活党建引擎"',
            "date: 2022-12-12",
            "source: 均禾街道",
            "author: 李嘉欣",
            "editor: 叶安怡",
            "views: 314",
            "tags: [党建引领, 基层治理]",
            "summary: 一句话摘要。",
            "slug: junhe",
            "draft: true",
        )
    ).front_matter
    assert front.title == "白云均禾:激活党建引擎"
    assert (front.source, front.authors, front.editor, front.views) == ("均禾街道", ("李嘉欣",), "叶安怡", 314)
    assert (front.tags, front.summary, front.slug, front.draft) == (
        ("党建引领", "基层治理"),
        "一句话摘要。",
        "junhe",
        True,
    )


@pytest.mark.parametrize(
    ("written", "authors"),
    [
        ("author: 李嘉欣", ("李嘉欣",)),
        ("author: [黄伟文, 周晓彤]", ("黄伟文", "周晓彤")),
        ("author:\n  - 黄伟文\n  - 周晓彤", ("黄伟文", "周晓彤")),
        ('author: ""', ()),
        # one text naming several, as the form's hint says: the 顿号, full-width and ASCII commas
        ("author: 张三、李四", ("张三", "李四")),
        ("author: 张三，李四, 王五", ("张三", "李四", "王五")),
        ("author: 街坊 梁女士", ("街坊 梁女士",)),
        ("author: 张三、、张三、", ("张三",)),
        ("author: [张三、李四]", ("张三、李四",)),  # a list says where each name ends
    ],
)
def test_author_is_text_or_a_list(written: str, authors: tuple[str, ...]) -> None:
    assert ok(doc("title: t", "date: 2022-12-12", written)).front_matter.authors == authors


def test_a_single_tag_may_be_written_as_text() -> None:
    assert ok(doc("title: t", "date: 2022-12-12", "tags: 党建")).front_matter.tags == ("党建",)
    several = ok(doc("title: t", "date: 2022-12-12", "tags: 党建、社区，民生")).front_matter
    assert several.tags == ("党建", "社区", "民生")


@pytest.mark.parametrize(
    ("line", "start"),
    [
        ("author: {name: x}", f"{PATH}:4: author[0]: expected text, got {{'name': 'x'}}"),
        ("source: [a]", f"{PATH}:4: source: expected text, got ['a']"),
        ("draft: maybe", f"{PATH}:4: draft: expected true or false, got 'maybe'"),
        ("slug: ../up", f"{PATH}:4: slug: expected letters, digits"),
        ("images: photo.png", f"{PATH}:4: images: expected a list of pictures"),
    ],
)
def test_wrongly_typed_field_is_an_error_with_line_field_and_what_was_found(line: str, start: str) -> None:
    (message,) = errors(doc("title: t", "date: 2022-12-12", line))
    assert message.startswith(start), message


# --------------------------------------------------------------------------- views


@pytest.mark.parametrize(("written", "views"), [("314", 314), ("'314'", 314), ("0", 0), ("~", 0)])
def test_views_is_a_whole_number(written: str, views: int) -> None:
    assert ok(doc("title: t", "date: 2022-12-12", f"views: {written}")).front_matter.views == views


def test_views_that_is_not_a_number_reports_the_exact_message() -> None:
    assert errors(doc("title: t", "date: 2022-12-12", "views: 三百")) == [
        "content/towns/x.md:4: views: expected a whole number >= 0, got '三百'"
    ]


@pytest.mark.parametrize(("written", "found"), [("-3", "-3"), ("3.5", "3.5"), ("true", "True"), ("[1]", "[1]")])
def test_views_must_be_a_whole_number_not_below_zero(written: str, found: str) -> None:
    assert errors(doc("title: t", "date: 2022-12-12", f"views: {written}")) == [
        f"content/towns/x.md:4: views: expected a whole number >= 0, got {found}"
    ]


# --------------------------------------------------------------------------- images


def test_images_are_paths_or_mappings_with_their_own_lines() -> None:
    front = ok(
        doc(
            "title: t",
            "date: 2022-12-12",
            "images:",
            "  - a.png",
            "  - src: b.png",
            "    caption: 说明",
            "    alt: 替代",
            "  - src: https://example.org/c.jpg",
        )
    ).front_matter
    assert [(i.src, i.caption, i.alt, i.line) for i in front.images] == [
        ("a.png", "", "", 5),
        ("b.png", "说明", "替代", 6),
        ("https://example.org/c.jpg", "", "", 9),
    ]


def test_image_entry_errors_name_the_item() -> None:
    messages = errors(
        doc("title: t", "date: 2022-12-12", "images:", "  - src: a.png", "    title: x", "  - caption: no src", "  - 5")
    )
    assert messages == [
        f"{PATH}:5: images[0].title: expected one of the keys src, caption, alt, width, height, got 'title'",
        f"{PATH}:7: images[1].src: expected the picture's path or URL, got nothing",
        f"{PATH}:8: images[2]: expected a path or a mapping with src, caption and alt, got 5",
    ]


def test_image_entries_may_give_the_size_of_a_remote_picture() -> None:
    front = ok(
        doc(
            "title: t",
            "date: 2022-12-12",
            "images:",
            "  - src: https://e.org/c.jpg",
            "    width: 800",
            "    height: 600",
        )
    ).front_matter
    assert [(i.src, i.width, i.height) for i in front.images] == [("https://e.org/c.jpg", 800, 600)]
    messages = errors(
        doc(
            "title: t",
            "date: 2022-12-12",
            "images:",
            "  - {src: a.jpg, width: 0, height: 5}",
            "  - {src: b.jpg, width: 5}",
        )
    )
    assert messages == [
        f"{PATH}:5: images[0].width: expected a whole number >= 1, got 0",
        f"{PATH}:6: images[1].height: expected a whole number >= 1, got nothing (give both width and height)",
    ]


# --------------------------------------------------------------------------- unknown keys


def test_unknown_keys_are_kept_in_extra_and_are_never_an_error() -> None:
    front = ok(doc("title: t", "date: 2022-12-12", "栏目编号: 7", "layout: wide", "related: [a, b]")).front_matter
    assert dict(front.extra) == {"栏目编号": 7, "layout": "wide", "related": ["a", "b"]}


# --------------------------------------------------------------------------- the file around the front matter


def test_body_and_its_first_line() -> None:
    result = ok("---\ntitle: t\ndate: 2022-12-12\n---\n\n第一段。\n")
    assert result.body == "\n第一段。\n"
    assert result.body_line == 5


def test_utf8_with_bom_and_crlf_line_ends() -> None:
    raw = "\ufeff---\r\ntitle: 标题\r\ndate: 2022-12-12\r\n---\r\n\r\n正文。\r\n".encode()
    result = ok(raw)
    assert result.front_matter.title == "标题"
    assert result.body == "\n正文。\n"


def test_delimiters_with_trailing_spaces() -> None:
    result = ok("---  \ntitle: t\ndate: 2022-12-12\n--- \t\n正文。\n")
    assert result.front_matter.title == "t"
    assert result.body == "正文。\n"


def test_a_later_dashes_line_stays_in_the_body() -> None:
    result = ok("---\ntitle: t\ndate: 2022-12-12\n---\n第一段。\n\n---\n\n第二段。\n")
    assert result.body == "第一段。\n\n---\n\n第二段。\n"


def test_more_marker_stays_in_the_body() -> None:
    assert "<!--more-->" in ok(doc("title: t", "date: 2022-12-12", body="甲。\n\n<!--more-->\n\n乙。\n")).body


def test_missing_front_matter_is_an_error_at_line_1() -> None:
    (message,) = errors("title: t\n\n正文。\n")
    assert message.startswith(f"{PATH}:1: expected front matter starting with a '---' line")


def test_unclosed_front_matter_is_an_error() -> None:
    (message,) = errors("---\ntitle: t\ndate: 2022-12-12\n\n正文。\n")
    assert message.startswith(f"{PATH}:1: the front matter block opened here is never closed")


def test_invalid_yaml_is_an_error_at_its_line_in_the_file() -> None:
    (message,) = errors("---\ntitle: t\ndate: 2022-12-12\nsource: a: b\n---\n正文。\n")
    assert message.startswith(f"{PATH}:4: invalid YAML: ")


def test_front_matter_that_is_not_a_mapping_is_an_error() -> None:
    (message,) = errors("---\n- a\n- b\n---\n正文。\n")
    assert message.startswith(f"{PATH}:2: expected front-matter keys")


def test_non_utf8_is_an_error_at_the_line_of_the_first_bad_byte() -> None:
    raw = b"---\ntitle: t\ndate: 2022-12-12\n---\n\n" + "正文。\n".encode("gbk")
    (message,) = errors(raw)
    assert message.startswith(f"{PATH}:6: is not UTF-8 text")


def test_every_field_error_of_a_file_is_reported_at_once() -> None:
    messages = errors(doc("title: ''", "date: someday", "views: 三百", "draft: 是"))
    assert [m.split(": ")[1] for m in messages] == ["title", "date", "views", "draft"]
    assert [m.split(":")[1] for m in messages] == ["2", "3", "4", "5"]


@pytest.mark.parametrize("flat", [True, False])
def test_a_key_written_twice_is_an_error_naming_both_lines(flat: bool) -> None:
    comment = "" if flat else "  # not flat: read by PyYAML"
    text = doc("title: 正确的标题" + comment, "date: 2025-01-01", "title: 2024", "date: 2022-12-12", "views: 3")
    result = parse_source(PATH, text.encode(), SHANGHAI)
    assert isinstance(result, list)
    assert [str(e) for e in result] == [
        f"{PATH}:4: title: written twice, on lines 2 and 4; only one value is read (keep one of them)",
        f"{PATH}:5: date: written twice, on lines 3 and 5; only one value is read (keep one of them)",
    ]


def test_a_picture_key_written_twice_is_an_error() -> None:
    (message,) = errors(doc("title: t", "date: 2022-12-12", "images:", "  - src: a.jpg", "    src: b.jpg"))
    assert message == f"{PATH}:6: src: written twice, on lines 5 and 6; only one value is read (keep one of them)"


@pytest.mark.parametrize(
    ("written", "found"),
    [('"三\\n百"', "'三\\n百'"), ('"三\\t百"', "'三\\t百'"), ("|\n  三\n  百", "'三\\n百'"), ("it's", "'it's'")],
)
def test_what_was_found_is_shown_on_one_line(written: str, found: str) -> None:
    (message,) = errors(doc("title: t", "date: 2022-12-12", f"views: {written}"))
    assert "\n" not in message and "\t" not in message
    assert message == f"{PATH}:4: views: expected a whole number >= 0, got {found}"
