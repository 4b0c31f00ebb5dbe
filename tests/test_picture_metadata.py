"""A picture is published without what a phone writes beside its pixels (sitegen/pictures/metadata.py): the GPS
position, the camera, comments, text chunks, XMP; the pixels, the colour profile and the orientation stay."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from conftest import MakeSite, article, build_site, picture_bytes
from PIL import Image, PngImagePlugin

from sitegen.errors import BuildFailed
from sitegen.messages import is_translated
from sitegen.pictures.metadata import without_metadata
from sitegen.pictures.variants import process, without_metadata_only

_GPS_IFD, _MAKE, _ORIENTATION = 0x8825, 0x010F, 0x0112
_ICC = bytes(range(256)) * 2  # any bytes: a JPEG carries them as they are


def _phone_exif(orientation: int = 6) -> bytes:
    exif = Image.Exif()
    exif[_MAKE] = "PhoneMaker"
    exif[_ORIENTATION] = orientation
    gps = exif.get_ifd(_GPS_IFD)
    gps[1], gps[2] = "N", (22.0, 33.0, 44.0)  # latitude
    return exif.tobytes()


def _opened(data: bytes) -> Image.Image:
    picture = Image.open(io.BytesIO(data))
    picture.load()
    return picture


def _assert_clean(original: bytes, published: bytes, orientation: int) -> None:
    before, after = _opened(original), _opened(published)
    assert after.tobytes() == before.tobytes() and after.size == before.size  # the very same pixels
    exif = after.getexif()
    assert dict(exif) == {_ORIENTATION: orientation}
    assert not exif.get_ifd(_GPS_IFD)
    for secret in (b"PhoneMaker", b"secret", b"x:gps"):
        assert secret not in published


def test_a_phone_jpeg_loses_its_gps_camera_and_comment_and_keeps_pixels_profile_and_orientation() -> None:
    original = picture_bytes(60, 40, "JPEG", exif=_phone_exif(6), comment=b"secret", icc_profile=_ICC)
    assert b"PhoneMaker" in original and b"secret" in original
    published = without_metadata(original, 6)
    assert published is not None
    _assert_clean(original, published, 6)
    assert _opened(published).info.get("icc_profile") == _ICC


def test_an_upright_jpeg_keeps_no_exif_at_all() -> None:
    original = picture_bytes(60, 40, "JPEG", exif=_phone_exif(1))
    published = without_metadata(original, 1)
    assert published is not None
    assert not _opened(published).getexif() and b"Exif" not in published


def test_a_second_picture_after_the_first_is_left_out() -> None:
    """A camera's MPO stores a second picture (with its own EXIF) after the first one's end."""
    first = picture_bytes(60, 40, "JPEG", exif=_phone_exif(1))
    published = without_metadata(first + picture_bytes(30, 20, "JPEG", exif=_phone_exif(1)), 1)
    assert published is not None and published == without_metadata(first, 1)


def test_a_png_loses_its_text_xmp_and_exif_and_keeps_its_orientation() -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "secret")
    info.add_itxt("XML:com.adobe.xmp", "<x:gps>22</x:gps>")
    original = picture_bytes(60, 40, "PNG", pnginfo=info, exif=_phone_exif(8))
    published = without_metadata(original, 8)
    assert published is not None
    _assert_clean(original, published, 8)


def test_a_webp_loses_its_exif_and_xmp_chunks() -> None:
    original = picture_bytes(60, 40, "WEBP", exif=_phone_exif(3), xmp=b"<x:gps>22</x:gps>", lossless=True)
    published = without_metadata(original, 3)
    assert published is not None
    _assert_clean(original, published, 3)
    upright = without_metadata(picture_bytes(60, 40, "WEBP", exif=_phone_exif(1), lossless=True), 1)
    assert upright is not None and not _opened(upright).getexif()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "GIF"])
def test_a_picture_without_metadata_is_published_as_it_is(fmt: str) -> None:
    assert without_metadata(picture_bytes(60, 40, fmt), None) is None
    assert not [v for v in process(picture_bytes(60, 40, fmt)).variants if v.kind == "original"]


@pytest.mark.parametrize("cut", [3, 20, 200])
def test_a_file_cut_short_is_left_as_it_is(cut: int) -> None:
    for fmt in ("JPEG", "PNG", "WEBP"):
        data = picture_bytes(60, 40, fmt, exif=_phone_exif(6))
        assert without_metadata(data[:cut], 6) is None


def test_the_built_site_publishes_the_photo_without_its_gps(make_site: MakeSite, tmp_path: Path) -> None:
    photo = picture_bytes(1200, 800, "JPEG", exif=_phone_exif(6))
    clean = picture_bytes(640, 480, "JPEG")
    site = make_site({
        "content/tips/2024/a.md": article("爆料", "2024-01-02", body="![现场](scene.jpg)\n\n![另一张](plain.jpg)\n"),
        "content/tips/2024/scene.jpg": photo,
        "content/tips/2024/plain.jpg": clean,
    })  # fmt: skip
    build_site(site)
    published = (site / "public/tips/2024/scene.jpg").read_bytes()
    _assert_clean(photo, published, 6)
    assert (site / "public/tips/2024/plain.jpg").read_bytes() == clean  # nothing to leave out: the file itself
    leaked = [p for p in (site / "public").rglob("*") if p.is_file() and b"PhoneMaker" in p.read_bytes()]
    assert leaked == []
    assert (site / "content/tips/2024/scene.jpg").read_bytes() == photo  # the source is never touched
    again = build_site(site)
    assert again.files_written == 0


def test_an_authors_photo_is_published_without_its_gps(make_site: MakeSite) -> None:
    photo = picture_bytes(600, 800, "JPEG", exif=_phone_exif(6))
    site = make_site({
        "content/tips/2024/a.md": article("爆料", "2024-01-02", body="正文。\n", author="叶安怡"),
        "data/authors.yaml": "叶安怡:\n  bio: 本站记者。\n  photo: people/ye.jpg\n",
        "data/people/ye.jpg": photo,
    })  # fmt: skip
    build_site(site)
    published = (site / "public/assets/authors/people/ye.jpg").read_bytes()
    _assert_clean(photo, published, 6)
    leaked = [p for p in (site / "public").rglob("*") if p.is_file() and b"PhoneMaker" in p.read_bytes()]
    assert leaked == []
    assert (site / "data/people/ye.jpg").read_bytes() == photo
    assert build_site(site).files_written == 0


def test_an_authors_photo_that_is_no_picture_is_an_error_at_its_line_in_the_sites_language(make_site: MakeSite) -> None:
    site = make_site({
        "content/tips/2024/a.md": article("爆料", "2024-01-02", body="正文。\n", author="叶安怡"),
        "data/authors.yaml": "李四:\n  bio: 编辑。\n叶安怡:\n  photo: people/ye.png\n",
        "data/people/ye.png": b"not a picture",
    })  # fmt: skip
    with pytest.raises(BuildFailed) as failed:
        build_site(site)
    (error,) = failed.value.errors
    assert (error.path, error.line, error.field) == ("data/authors.yaml", 3, "叶安怡.photo")
    assert is_translated(error.message, "zh-CN"), error.message
    assert "0x" not in error.message


def test_a_picture_alone_loses_its_metadata_without_being_decoded_as_process_would_make_it() -> None:
    photo = picture_bytes(800, 600, "JPEG", exif=_phone_exif(6))
    (alone,) = without_metadata_only(photo).variants
    (made,) = [v for v in process(photo).variants if v.kind == "original"]
    assert (alone.kind, alone.width, alone.height, alone.format, alone.data) == (
        made.kind, made.width, made.height, made.format, made.data)  # fmt: skip
    assert (alone.width, alone.height) == (600, 800)  # shown turned a quarter, as its orientation says
    _assert_clean(photo, alone.data, 6)
    for nothing_to_leave_out in (picture_bytes(64, 48, "JPEG"), b"not a picture", b"<svg width='3'></svg>"):
        assert without_metadata_only(nothing_to_leave_out).variants == ()
    assert without_metadata_only(photo, encode=False).variants == ()  # sitegen check writes nothing


def test_the_media_librarys_pictures_are_published_without_their_metadata(make_site: MakeSite) -> None:
    """The web editor uploads to assets/ (its media library): a photo there that no article shows yet is published
    all the same, and must not say where it was taken; what is not such a picture is copied as it is."""
    photo = picture_bytes(1200, 800, "JPEG", exif=_phone_exif(6))
    site = make_site({
        "content/tips/2024/a.md": article("爆料", "2024-01-02", body="正文。\n"),
        "assets/uploads/scene.jpg": photo,
        "assets/uploads/broken.png": b"\x89PNG\r\n\x1a\n cut short",
        "assets/notes.txt": "文字",
    })  # fmt: skip
    build_site(site)
    public = site / "public/assets"
    _assert_clean(photo, (public / "uploads/scene.jpg").read_bytes(), 6)
    assert (public / "uploads/broken.png").read_bytes() == b"\x89PNG\r\n\x1a\n cut short"  # copied as it is
    assert (public / "notes.txt").read_text(encoding="utf-8") == "文字"
    theme = Path(__file__).resolve().parent.parent / "assets"
    assert (public / "favicon.svg").read_bytes() == (theme / "favicon.svg").read_bytes()
    assert (site / "assets/uploads/scene.jpg").read_bytes() == photo
    assert build_site(site).files_written == 0
