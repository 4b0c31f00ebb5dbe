"""Sources -> Articles: slugs and URLs, summaries, pictures (resolved, captioned, checked), extra keys."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import FIXED_NOW, PNG, MakeSite, article, build_site, load, only_article, picture_bytes

from sitegen.errors import BuildFailed


def failures(site: Path, **options: object) -> list[str]:
    with pytest.raises(BuildFailed) as caught:
        load(site, **options)
    return [str(e) for e in caught.value.errors]


# --------------------------------------------------------------------------- slugs and URLs


def test_slug_and_url_come_from_the_file_name_and_date(make_site: MakeSite) -> None:
    site = make_site({"content/towns/2022/junhe-party-building.md": article(date="2022-12-12")})
    a = only_article(site)
    assert (a.slug, a.column, a.url) == ("junhe-party-building", "towns", "towns/2022/12/junhe-party-building/")
    assert a.source_path == "content/towns/2022/junhe-party-building.md"


def test_front_matter_slug_wins(make_site: MakeSite) -> None:
    site = make_site({"content/tips/a.md": article(date="2024-03-01 09:00", slug="streetlights")})
    assert only_article(site).url == "tips/2024/03/streetlights/"


def test_a_page_bundle_takes_its_folder_name(make_site: MakeSite) -> None:
    site = make_site({"content/towns/2024/canteen/index.md": article(date="2024-01-16")})
    assert only_article(site).url == "towns/2024/01/canteen/"


def test_chinese_and_spaced_file_names_make_usable_slugs(make_site: MakeSite) -> None:
    site = make_site({"content/towns/长者 饭堂.md": article(date="2024-01-16")})
    a = only_article(site)
    assert a.slug == "长者-饭堂"
    build_site(site)
    assert (site / "public/towns/2024/01/长者-饭堂/index.html").is_file()


def test_the_url_date_is_the_date_in_the_site_time_zone(make_site: MakeSite) -> None:
    site = make_site({"content/towns/new-year.md": article(date="2022-12-31T20:00:00+00:00")})
    a = only_article(site)
    assert a.url == "towns/2023/01/new-year/"
    assert a.date == datetime(2023, 1, 1, 4, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_a_markdown_file_outside_a_column_is_an_error(make_site: MakeSite) -> None:
    site = make_site({"content/stray.md": article(), "content/sports/a.md": article()})
    assert failures(site) == [
        "content/sports/a.md: is not inside a column folder (move it under content/<column>/; columns: tips, towns)",
        "content/stray.md: is not inside a column folder (move it under content/<column>/; columns: tips, towns)",
    ]


def test_non_markdown_files_in_content_are_not_articles(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": article(), "content/towns/notes.txt": "x", "content/towns/a.png": PNG})
    assert [a.source_path for a in load(site).articles] == ["content/towns/a.md"]


# --------------------------------------------------------------------------- fields carried over


def test_front_matter_fields_reach_the_article(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/towns/a.md": article(
                "家门口的长者饭堂",
                "2024-01-16 12:00",
                source="均禾街道",
                author="[李嘉欣, 周晓彤]",
                editor="叶安怡",
                views="1583",
                tags="[长者服务, 民生实事]",
                updated="2024-01-17",
                layout="wide",
                头条="true",
            )
        }
    )
    a = only_article(site)
    assert (a.title, a.source, a.authors, a.editor, a.views) == (
        "家门口的长者饭堂",
        "均禾街道",
        ("李嘉欣", "周晓彤"),
        "叶安怡",
        1583,
    )
    assert a.tags == ("长者服务", "民生实事")
    assert a.date == datetime(2024, 1, 16, 12, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert a.updated == datetime(2024, 1, 17, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert dict(a.extra) == {"layout": "wide", "头条": True}
    assert (a.draft, a.future) == (False, False)


def test_draft_and_future_flags(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/towns/draft.md": article(draft="true"),
            "content/towns/future.md": article(date="2026-01-01 12:00:01"),
            "content/towns/now.md": article(date="2026-01-01 12:00"),
        }
    )
    flags = {a.slug: (a.draft, a.future) for a in load(site, drafts=True, future=True).articles}
    assert flags == {"draft": (True, False), "future": (False, True), "now": (False, False)}
    assert datetime(2026, 1, 1, 12, tzinfo=ZoneInfo("Asia/Shanghai")) == FIXED_NOW


def test_body_html_is_rendered_markdown(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": article(body="## 小标题\n\n正文**加粗**。\n")})
    a = only_article(site)
    assert '<h2 id="小标题">小标题</h2>' in a.body_html
    assert "<strong>加粗</strong>" in a.body_html


# --------------------------------------------------------------------------- summaries


def test_summary_field_wins(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": article(summary="编辑写的摘要。", body="甲。\n\n<!--more-->\n\n乙。\n")})
    assert only_article(site).summary == "编辑写的摘要。"


def test_text_before_the_more_marker_is_the_summary(make_site: MakeSite) -> None:
    body = "第一段，**很短**。\n\n第二段 &amp; 续。\n\n<!--more-->\n\n第三段不在摘要里。\n"
    site = make_site({"content/towns/a.md": article(body=body)})
    assert only_article(site).summary == "第一段，很短。 第二段 & 续。"


def test_without_marker_the_summary_is_cut_at_a_sentence_end(make_site: MakeSite) -> None:
    first = "均" * 99 + "。"
    body = f"## 小标题不进摘要\n\n{first}{'禾' * 99}。\n"
    site = make_site({"content/towns/a.md": article(body=body)})
    assert only_article(site).summary == first


# --------------------------------------------------------------------------- pictures


def seed_like(images: str, body: str) -> str:
    return f"---\ntitle: 图片\ndate: 2022-12-12\nimages:\n{images}---\n\n{body}"


def test_local_pictures_resolve_beside_the_article_then_in_assets(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/towns/2022/a.md": article(date="2022-12-12", body="![旁边](here.png)\n\n![共用](logo.png)\n"),
            "content/towns/2022/here.png": PNG,
            "assets/logo.png": PNG,
        }
    )
    a = only_article(site)
    # from towns/2022/12/a/ to towns/2022/here-<hash>-64.png, a variant beside the picture
    assert re.search(r'<img alt="旁边" [^>]*src="../../here-[0-9a-f]{8}-64.png"', a.body_html)
    assert re.search(r'<img alt="共用" [^>]*src="../../../../assets/logo-[0-9a-f]{8}-64.png"', a.body_html)
    assert [i.url for i in a.images] == ["towns/2022/here.png", "assets/logo.png"]
    assert a.thumbnail is not None and a.thumbnail.url == "towns/2022/here.png"
    build_site(site)
    assert (site / "public/towns/2022/here.png").read_bytes() == PNG
    assert (site / "public/assets/logo.png").read_bytes() == PNG


def test_a_picture_beside_the_article_wins_over_assets(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/towns/a.md": article(body="![x](logo.png)\n"),
            "content/towns/logo.png": picture_bytes(colour=(1, 2, 3)),
            "assets/logo.png": picture_bytes(colour=(4, 5, 6)),
        }
    )
    assert only_article(site).images[0].url == "towns/logo.png"


def test_front_matter_caption_and_alt_for_a_picture_in_the_body(make_site: MakeSite) -> None:
    images = "  - src: a.png\n    caption: 党群应急突击队员杜律治\n    alt: 突击队员在述职\n"
    site = make_site(
        {"content/towns/x.md": seed_like(images, "段落。\n\n![述职](a.png)\n"), "content/towns/a.png": PNG}
    )
    a = only_article(site)
    assert re.search(
        r'<figure><picture>.*<img alt="述职" [^>]*src="../../../a-[0-9a-f]{8}-64.png"[^>]*></picture>'
        "<figcaption>党群应急突击队员杜律治</figcaption></figure>",
        a.body_html,
    )
    assert [(i.url, i.caption, i.alt) for i in a.images] == [
        ("towns/a.png", "党群应急突击队员杜律治", "突击队员在述职")
    ]
    assert a.unplaced_images == ()


def test_front_matter_pictures_not_in_the_body_are_offered_as_extra_images(make_site: MakeSite) -> None:
    images = "  - src: a.png\n    caption: 在正文里\n  - src: b.png\n    caption: 不在正文里\n  - https://example.org/c.jpg\n"
    site = make_site(
        {
            "content/towns/x.md": seed_like(images, "![a](a.png)\n"),
            "content/towns/a.png": PNG,
            "content/towns/b.png": PNG,
        }
    )
    a = only_article(site)
    assert [(i.url, i.caption) for i in a.unplaced_images] == [
        ("towns/b.png", "不在正文里"),
        ("https://example.org/c.jpg", ""),
    ]
    assert a.thumbnail is not None and a.thumbnail.url == "towns/a.png"
    build_site(site)
    assert (site / "public/towns/b.png").is_file()


def test_remote_pictures_are_left_alone(make_site: MakeSite) -> None:
    site = make_site(
        {"content/towns/a.md": article(body="![远](https://example.org/p.png)\n\n![近](//cdn.org/q.png)\n")}
    )
    a = only_article(site)
    assert 'src="https://example.org/p.png"' in a.body_html
    assert 'src="//cdn.org/q.png"' in a.body_html
    assert [(i.url, i.source_file) for i in a.images] == [
        ("https://example.org/p.png", None),
        ("//cdn.org/q.png", None),
    ]


def test_a_missing_picture_is_an_error_naming_article_line_and_path(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": article(body="甲。\n\n![丢了](missing.png)\n")})
    (message,) = failures(site)
    assert message.startswith("content/towns/a.md:8: images: picture 'missing.png' not found")


def test_a_missing_front_matter_picture_is_an_error_at_its_entry(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": seed_like("  - src: gone.png\n    caption: 说明\n", "正文。\n")})
    (message,) = failures(site)
    assert message.startswith("content/towns/a.md:5: images: picture 'gone.png' not found")


def test_a_picture_outside_the_site_folder_is_an_error_even_when_it_exists(make_site: MakeSite) -> None:
    site = make_site({"content/towns/2024/a.md": article(body="![外](../../../../outside.png)\n")})
    (site.parent / "outside.png").write_bytes(PNG)
    (message,) = failures(site)
    assert message.startswith("content/towns/2024/a.md:")
    assert "'../../../../outside.png' leaves the site folder" in message


def test_all_picture_errors_of_an_article_are_reported(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": article(body="![一](one.png)\n\n![二](two.png)\n")})
    messages = failures(site)
    assert len(messages) == 2
    assert "'one.png'" in messages[0] and "'two.png'" in messages[1]


def test_a_missing_picture_inside_the_site_is_reported_as_not_found(make_site: MakeSite) -> None:
    """`../../../x.png` from content/towns/2024/ is the site folder's own x.png: missing, not outside."""
    site = make_site({"content/towns/2024/a.md": article(body="![根](../../../missing.png)\n")})
    (message,) = failures(site)
    assert message.startswith("content/towns/2024/a.md:6: images: picture '../../../missing.png' not found"), message


def test_a_picture_that_links_out_of_the_site_is_reported_as_leaving_it(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": article(body="![链](linked.png)\n")})
    (site.parent / "secret.png").write_bytes(PNG)
    (site / "content/towns/linked.png").symlink_to(site.parent / "secret.png")
    (message,) = failures(site)
    assert message.startswith("content/towns/a.md:6: images: picture 'linked.png' leaves the site folder"), message


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_article_without_a_body_has_no_summary_or_words_of_another_article(make_site: MakeSite, jobs: int) -> None:
    """Rendered after an article with a body by the same Markdown instance, an empty body took that article's
    summary, word count and search text: on its page, in the listings and in the feeds."""
    files = {f"content/towns/{name}.md": article(title=name, date=f"2024-03-0{n + 1}", body="第一篇的正文。")
             for n, name in enumerate(("a", "c", "e"))}  # fmt: skip
    files |= {f"content/towns/{name}.md": article(title=name, date="2024-03-05", body="") for name in ("b", "d", "f")}
    site = make_site(files)
    by_title = {a.title: a for a in load(site, jobs=jobs).articles}
    for empty in ("b", "d", "f"):
        assert (by_title[empty].summary, by_title[empty].char_count) == ("", 0)
    assert by_title["a"].summary == "第一篇的正文。"
