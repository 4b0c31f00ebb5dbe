"""Pictures for phones: variants (sizes, formats, no upscaling, thumbnails), determinism, the disk cache, and the
markup of every <img> of the built site (width/height, srcset, lazy loading, <picture> structure)."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import cast

import pytest
from conftest import PNG, MakeSite, article, articles_with_bodies, build_site, load, only_article, picture_bytes, tree
from PIL import Image

from sitegen.build.api import BuildOptions, build_in_memory, check
from sitegen.errors import BuildFailed
from sitegen.incremental.cache import BuildCache
from sitegen.pictures.variants import (
    MAX_WIDTH,
    ProcessedImage,
    UnreadablePicture,
    process,
    svg_size,
    thumb_size,
    widths_for,
)


def opened(data: bytes) -> Image.Image:
    picture = Image.open(io.BytesIO(data))
    picture.load()
    return picture


def sizes(result: ProcessedImage, kind: str = "size") -> list[tuple[int, int, str]]:
    return [(v.width, v.height, v.format) for v in result.variants if v.kind == kind]


# --------------------------------------------------------------------------- variants


def test_a_wide_jpeg_gets_480_960_and_its_own_width_as_webp_and_jpeg() -> None:
    result = process(picture_bytes(1200, 800, "JPEG"))
    assert (result.width, result.height) == (1200, 800)
    assert sizes(result) == [
        (480, 320, "webp"),
        (480, 320, "jpeg"),
        (960, 640, "webp"),
        (960, 640, "jpeg"),
        (1200, 800, "webp"),
        (1200, 800, "jpeg"),
    ]
    for variant in result.variants:
        picture = opened(variant.data)
        assert picture.format == {"webp": "WEBP", "jpeg": "JPEG", "png": "PNG"}[variant.format]
        assert picture.size == (variant.width, variant.height)


def test_a_640_pixel_png_is_never_upscaled() -> None:
    result = process(picture_bytes(640, 427))
    assert sizes(result) == [(480, 320, "webp"), (480, 320, "png"), (640, 427, "webp"), (640, 427, "png")]
    assert widths_for(300) == (300,)
    assert widths_for(480) == (480,)
    assert widths_for(5000) == (480, 960, MAX_WIDTH)


def test_thumbnails_are_4_by_3_crops_and_never_upscaled() -> None:
    result = process(picture_bytes(1200, 800, "JPEG"))
    assert sizes(result, "thumb") == [(320, 240, "webp"), (320, 240, "jpeg")]
    assert thumb_size(64, 48) == (64, 48)
    assert thumb_size(300, 100) == (133, 100)  # a wide strip: as high as it is, 4:3
    assert thumb_size(100, 400) == (100, 75)  # a tall one: cropped, not stretched


def test_exif_orientation_is_applied_and_metadata_stripped() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    exif[0x010F] = "Camera maker"
    result = process(picture_bytes(600, 400, "JPEG", exif=exif.tobytes()))
    assert (result.width, result.height) == (400, 600)
    assert sizes(result)[-1] == (400, 600, "jpeg")
    for variant in result.variants:
        picture = opened(variant.data)
        if variant.kind == "original":  # the file itself, not turned: it keeps its orientation, and that alone
            assert dict(picture.getexif()) == {0x0112: 6} and b"Camera maker" not in variant.data
            continue
        assert not picture.getexif(), f"{variant.format} {variant.width} keeps EXIF"
        assert "exif" not in picture.info and "xmp" not in picture.info
    assert [v.kind for v in result.variants].count("original") == 1


def test_transparency_survives_in_the_png_fallback() -> None:
    picture = Image.new("RGBA", (500, 200), (10, 20, 30, 0))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    result = process(buffer.getvalue())
    fallback = [v for v in result.variants if v.format == "png"]
    assert fallback and all(opened(v.data).mode == "RGBA" for v in fallback)


def test_16_bit_grey_and_cmyk_pictures_keep_their_tones() -> None:
    grey = Image.linear_gradient("L").resize((600, 40)).convert("I").point(lambda v: v * 257).convert("I;16")
    buffer = io.BytesIO()
    grey.save(buffer, "PNG")
    extrema = opened(process(buffer.getvalue()).variants[1].data).getextrema()
    (low, high), *_ = cast("tuple[tuple[int, int], ...]", extrema)  # per band: the variant is RGB
    assert low < 10 and high > 245  # not clipped to white
    cmyk = io.BytesIO()
    Image.new("CMYK", (600, 40), (0, 255, 255, 0)).save(cmyk, "JPEG")
    pixel = opened(process(cmyk.getvalue()).variants[1].data).getpixel((300, 20))
    red, green, blue = cast("tuple[int, int, int]", pixel)  # an RGB variant
    assert red > 200 and green < 60 and blue < 60


def test_gifs_and_animations_are_used_as_they_are_with_their_size() -> None:
    frames = [Image.new("P", (40, 30), i) for i in range(3)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:])
    assert process(buffer.getvalue()) == ProcessedImage(40, 30, ())
    assert process(picture_bytes(40, 30, "GIF")) == ProcessedImage(40, 30, ())


@pytest.mark.parametrize(
    ("svg", "size"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg" width="120" height="80"></svg>', (120, 80)),
        (b'<?xml version="1.0"?>\n<svg width="120px" height="80.4px" viewBox="0 0 1 1"></svg>', (120, 80)),
        (b'<svg viewBox="0 0 300 150" xmlns="http://www.w3.org/2000/svg"/>', (300, 150)),
        (b'<svg width="600" viewBox="0 0 300 150"/>', (600, 300)),
        (b'<svg width="100%" height="10em"/>', (None, None)),
        (b'\xef\xbb\xbf<?xml-stylesheet href="a.css"?>\n<!-- logo -->\n<svg width="10" height="5"/>', (10, 5)),
    ],
)
def test_svg_size_comes_from_simple_attributes_or_the_viewbox(svg: bytes, size: tuple[int | None, ...]) -> None:
    assert svg_size(svg) == size
    assert process(svg).variants == ()


def test_processing_is_deterministic() -> None:
    data = picture_bytes(1000, 700, "JPEG")
    assert process(data) == process(data)


def test_bytes_that_are_no_picture_are_refused() -> None:
    with pytest.raises(UnreadablePicture):
        process(b"\x89PNG\r\n\x1a\n not really")
    with pytest.raises(UnreadablePicture):
        process(PNG[: len(PNG) // 2])  # truncated


# --------------------------------------------------------------------------- the build and the cache


@pytest.fixture
def photo_site(make_site: MakeSite) -> Path:
    body = "导语。\n\n![第一张](one.jpg)\n\n正文。\n\n![第二张](two.png)\n\n行内 ![小图](small.png) 图。\n"
    return make_site(
        {
            "content/towns/2024/a.md": article("甲", "2024-01-02", body=body, images="[extra.png]"),
            "content/towns/2024/one.jpg": picture_bytes(1200, 800, "JPEG"),
            "content/towns/2024/two.png": picture_bytes(640, 427, colour=(9, 9, 9)),
            "content/towns/2024/small.png": picture_bytes(100, 50, colour=(1, 1, 1)),
            "content/towns/2024/extra.png": picture_bytes(800, 600, colour=(5, 5, 5)),
            "content/towns/b.md": article("乙", "2024-01-01", body="![远](https://example.org/p.jpg)\n"),
        }
    )


def test_a_second_build_processes_no_picture_and_a_changed_one_is_processed_again(photo_site: Path) -> None:
    first = build_site(photo_site)
    assert (first.images_processed, first.images_reused) == (4, 0)
    second = build_site(photo_site)
    assert second.images_processed == 0  # its articles were reused: only the pictures' keys were checked
    assert second.files_written == 0
    (photo_site / ".sitegen-cache/build.pickle").unlink()  # articles rendered again, pictures from the image cache
    # (and the up-to-date record: on a slow machine the sources are old enough by now for it to end the build early)
    (photo_site / ".sitegen-cache/up-to-date.json").unlink(missing_ok=True)
    third = build_site(photo_site)
    assert (third.images_processed, third.images_reused) == (0, 4)
    assert build_site(photo_site, disk_cache=False).images_processed == 4  # --no-cache: a cold build
    (photo_site / "content/towns/2024/two.png").write_bytes(picture_bytes(640, 427, colour=(200, 9, 9)))
    fourth = build_site(photo_site)
    assert (fourth.images_processed, fourth.images_reused) == (1, 3)
    html = (photo_site / "public/towns/2024/01/a/index.html").read_text(encoding="utf-8")
    assert html.count("two-") and all((photo_site / "public/towns/2024" / name).is_file() for name in srcs(html))


def srcs(html: str) -> set[str]:
    """File names of every picture an article page (two folders below its pictures) refers to."""
    found = set(re.findall(r'src="\.\./\.\./([^"/]+)"', html))
    for srcset in re.findall(r'srcset="([^"]+)"', html):
        found |= {c.strip().split(" ")[0].removeprefix("../../") for c in srcset.split(",")}
    return found


def test_the_cache_is_in_the_site_folder_unless_told_otherwise(photo_site: Path, tmp_path: Path) -> None:
    build_site(photo_site)
    assert any((photo_site / ".sitegen-cache/images").rglob("meta.json"))
    report = build_site(photo_site, output_dir=tmp_path / "out", cache_dir=tmp_path / "elsewhere")
    assert report.images_processed == 4
    assert len(list((tmp_path / "elsewhere/images").rglob("meta.json"))) == 4


def test_two_cold_builds_are_byte_identical(photo_site: Path, tmp_path: Path) -> None:
    build_site(photo_site, output_dir=tmp_path / "a", cache_dir=tmp_path / "cache-a")
    build_site(photo_site, output_dir=tmp_path / "b", cache_dir=tmp_path / "cache-b")
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def test_a_damaged_cache_entry_is_made_again(photo_site: Path) -> None:
    build_site(photo_site)
    victim = next((photo_site / ".sitegen-cache/images").rglob("size-480x320.webp"))
    victim.unlink()
    assert build_site(photo_site).images_processed == 1
    assert victim.is_file()


def test_check_reads_every_picture_but_writes_no_cache(photo_site: Path) -> None:
    report = check(photo_site, BuildOptions())
    assert report.images_processed == 4
    assert not (photo_site / ".sitegen-cache").exists()


def test_the_article_gets_sizes_variants_and_a_thumbnail(photo_site: Path) -> None:
    a = next(x for x in load(photo_site).articles if x.title == "甲")
    extra, one = a.images[0], a.images[1]
    assert (extra.url, extra.width, extra.height) == ("towns/2024/extra.png", 800, 600)
    assert [(v.width, v.mime) for v in one.variants] == [
        (480, "image/webp"),
        (480, "image/jpeg"),
        (960, "image/webp"),
        (960, "image/jpeg"),
        (1200, "image/webp"),
        (1200, "image/jpeg"),
    ]
    assert re.fullmatch(r"towns/2024/one-[0-9a-f]{8}-480\.webp", one.webp[0].url)
    assert one.src == one.fallback[-1].url and one.src.endswith("-1200.jpg")
    assert one.thumb is not None and (one.thumb.width, one.thumb.height) == (320, 240)
    assert re.fullmatch(r"towns/2024/one-[0-9a-f]{8}-320x240\.jpg", one.thumb.url)
    assert a.thumbnail is extra
    assert a.body_image_count == 3


def test_an_unreadable_picture_is_an_error_at_its_line(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": article(body="甲。\n\n![坏](bad.png)\n"), "content/towns/bad.png": b"no"})
    with pytest.raises(BuildFailed) as caught:
        load(site)
    (error,) = caught.value.errors
    assert str(error).startswith("content/towns/a.md:8: images: picture 'bad.png' cannot be decoded (")
    assert error.text("zh-CN").startswith("content/towns/a.md:8: images: 图片“bad.png”无法解码，不是可用的图片（")
    assert "请重新保存为 JPEG、PNG、WebP、GIF 或 SVG 格式" in error.text("zh-CN")
    assert "0x" not in str(error) and "BytesIO" not in str(error)  # Pillow's words, not its buffer's address


def test_the_development_server_sees_a_picture_edited_in_place(photo_site: Path) -> None:
    options = BuildOptions(cache=BuildCache(), drafts=True, future=True)
    _, before = build_in_memory(photo_site, options)
    (photo_site / "content/towns/2024/two.png").write_bytes(picture_bytes(640, 427, colour=(0, 200, 0)))
    _, after = build_in_memory(photo_site, options)
    page_before = before["towns/2024/01/a/index.html"].data or b""
    page_after = after["towns/2024/01/a/index.html"].data or b""
    assert page_before != page_after
    assert all(f"towns/2024/{name}" in after for name in srcs(page_after.decode()))


def test_a_remote_picture_is_left_alone(photo_site: Path) -> None:
    b = next(x for x in articles_with_bodies(photo_site) if x.title == "乙")
    assert (b.images[0].url, b.images[0].width, b.images[0].variants) == ("https://example.org/p.jpg", None, ())
    assert '<img alt="远" decoding="async" src="https://example.org/p.jpg">' in b.body_html


def test_the_front_matter_may_give_the_size_of_a_remote_picture(make_site: MakeSite) -> None:
    images = "\n  - src: https://example.org/p.jpg\n    width: 800\n    height: 600\n  - https://example.org/q.jpg"
    site = make_site({"content/towns/a.md": article(body="![远](https://example.org/p.jpg)\n", images=images)})
    a = only_article(site)
    assert [(i.width, i.height) for i in a.images] == [(800, 600), (None, None)]
    assert re.search(r'<img [^>]*height="600"[^>]*src="https://example.org/p.jpg"[^>]*width="800"', a.body_html)
    build_site(site)
    html = (site / "public/towns/2024/01/a/index.html").read_text(encoding="utf-8")
    assert '<img src="https://example.org/q.jpg" alt="" loading="lazy" decoding="async">' in html  # no size known


def test_a_picture_shared_by_articles_is_processed_once(make_site: MakeSite) -> None:
    site = make_site(
        {
            "content/towns/a.md": article("甲", body="![图](logo.png)\n"),
            "content/tips/b.md": article("乙", body="![图](logo.png)\n"),
            "assets/logo.png": PNG,
        }
    )
    assert build_site(site).images_processed == 1


# --------------------------------------------------------------------------- every <img> of the example site


class _Pictures(HTMLParser):
    """Every <img> with its attributes, and every <picture> with the tags directly inside it."""

    def __init__(self) -> None:
        super().__init__()
        self.images: list[dict[str, str | None]] = []
        self.pictures: list[list[str]] = []
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._open and self._open[-1] == "picture" and self.pictures:
            self.pictures[-1].append(tag)
        if tag == "img":
            self.images.append(dict(attrs))
        elif tag == "picture":
            self.pictures.append([])
        if tag not in ("img", "source", "meta", "link", "br", "hr", "input"):
            self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._open:
            while self._open.pop() != tag:
                pass


def parsed(path: Path) -> _Pictures:
    parser = _Pictures()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_every_img_of_the_example_site_has_width_and_height(built_example: tuple[Path, object]) -> None:
    output, _ = built_example
    pages = sorted(output.rglob("*.html"))
    missing = [
        f"{page.relative_to(output)}: {img.get('src')}"
        for page in pages
        for img in parsed(page).images
        if not (img.get("width") and img.get("height"))
    ]
    assert not missing, missing
    assert sum(len(parsed(page).images) for page in pages) > 20


def test_every_picture_element_is_sources_then_one_img(built_example: tuple[Path, object]) -> None:
    output, _ = built_example
    shapes = {tuple(shape) for page in output.rglob("*.html") for shape in parsed(page).pictures}
    assert shapes == {("source", "img")}


def test_the_first_picture_of_a_page_loads_at_once_the_others_lazily(built_example: tuple[Path, object]) -> None:
    output, _ = built_example
    for url in ("towns/2022/12/junhe-party-building/", ""):
        assert len(parsed(output / url / "index.html").images) >= 2, url
    for page in output.rglob("*.html"):
        images = parsed(page).images
        assert [img.get("loading") for img in images] == ([None] + ["lazy"] * len(images))[: len(images)], page


def test_every_picture_url_of_the_example_site_exists(built_example: tuple[Path, object]) -> None:
    output, _ = built_example
    checked = 0
    for page in output.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        urls = re.findall(r'<img [^>]*?src="([^"]+)"', html)
        for srcset in re.findall(r'srcset="([^"]+)"', html):
            urls += [candidate.strip().split(" ")[0] for candidate in srcset.split(",")]
        for url in urls:
            assert (page.parent / url).resolve().is_file(), f"{page.relative_to(output)}: {url}"
            checked += 1
    assert checked > 50


def test_phones_get_smaller_files(built_example: tuple[Path, object]) -> None:
    output, _ = built_example
    original = output / "towns/2022/3a922899d3684f2d93979b56e7d47fbf.png"
    (phone,) = output.glob("towns/2022/3a922899d3684f2d93979b56e7d47fbf-*-480.webp")
    assert phone.stat().st_size < original.stat().st_size
