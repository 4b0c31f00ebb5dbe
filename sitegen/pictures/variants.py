"""Pictures for phones: bytes of a picture in, its size and resized, re-encoded variants out (Pillow).

The only module that imports Pillow. No I/O: caching the results on disk is `imagecache`'s job.

For a JPEG or PNG (and any other still picture Pillow can read, except GIF): EXIF orientation applied, metadata
stripped (EXIF, XMP and text chunks; the ICC colour profile is kept), then every width of `WIDTHS` narrower than
the picture plus the picture's own width (at most `MAX_WIDTH`), each as WebP and in a fallback format (JPEG for
JPEG sources, PNG otherwise), and a 4:3 thumbnail of at most `THUMB_SIZE`, cropped around the centre. Nothing is
ever upscaled. GIFs and animated pictures are used as they are; their size is read. SVG: the size comes from the
`width`/`height` attributes when they are plain numbers (or px), else from the `viewBox`, else it is unknown.
Encoders run with fixed parameters, so the same bytes in give the same bytes out. A JPEG, PNG or WebP with metadata
also gets an "original" variant: its own bytes without the metadata (sitegen.pictures.metadata), published in its
place.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import PIL  # the package alone is light: Image and the rest are imported when a picture is processed

from sitegen.pictures.metadata import without_metadata

if TYPE_CHECKING:
    from PIL import Image

WIDTHS = (480, 960)
MAX_WIDTH = 1920
THUMB_SIZE = (320, 240)
WEBP_QUALITY = 80
JPEG_QUALITY = 82
PNG_COMPRESS_LEVEL = 6  # zlib default: 9 is up to 3x slower for a few % smaller fallbacks
# What decides the variants: their names carry a hash of it and of the picture's bytes, so that changing either
# gives new URLs. The cache key adds Pillow's version (its encoders may change a byte), which names do not need.
SETTINGS = (
    f"sitegen-images v1 widths={WIDTHS} max={MAX_WIDTH} thumb={THUMB_SIZE} webp={WEBP_QUALITY} "
    f"jpeg={JPEG_QUALITY} png={PNG_COMPRESS_LEVEL}"
)
PARAMETERS = f"{SETTINGS} pillow={PIL.__version__}"
MIME = {"webp": "image/webp", "jpeg": "image/jpeg", "png": "image/png"}
EXTENSION = {"webp": "webp", "jpeg": "jpg", "png": "png"}
_ORIENTATION = 0x0112
OWN_FORMAT = {"JPEG": "jpeg", "MPO": "jpeg", "PNG": "png", "WEBP": "webp"}  # Pillow's name -> a key of MIME
_SVG_TAG_START = re.compile(rb"<svg[\s>]")
_SVG_TAG = re.compile(rb"<svg\b([^>]*)>", re.DOTALL)
_LENGTH = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(px)?\s*$")
_BUFFER = re.compile(r" ?<_io\.BytesIO object at 0x[0-9a-fA-F]+>")  # in Pillow's messages: the buffer read


class UnreadablePicture(Exception):
    """The bytes are not a picture Pillow can decode (or one too large to decode safely)."""


@dataclass(frozen=True, slots=True)
class Encoded:
    """One variant: `kind` is "size" (for srcset), "thumb", or "original" (the file itself without its metadata,
    sitegen.pictures.metadata: published in its place); `format` a key of MIME."""

    kind: str
    width: int
    height: int
    format: str
    data: bytes


@dataclass(frozen=True, slots=True)
class ProcessedImage:
    """A picture's displayed size (after EXIF orientation; None when unknown) and its variants, narrow to wide
    (empty: the picture is used as it is)."""

    width: int | None
    height: int | None
    variants: tuple[Encoded, ...] = ()


def is_svg(data: bytes) -> bool:
    """XML text (no picture format starts with '<') with an <svg> element near the start."""
    head = data[:4096]
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") and _SVG_TAG_START.search(head) is not None


def process(data: bytes, encode: bool = True) -> ProcessedImage:
    """Size and variants of a picture; with `encode=False` only decode it (to check it) and read its size."""
    if is_svg(data):
        return ProcessedImage(*svg_size(data))
    from PIL import Image, ImageOps  # here: a build whose pictures all come from the cache never needs them

    try:
        with Image.open(io.BytesIO(data)) as opened:
            animated = getattr(opened, "is_animated", False) and opened.format != "MPO"  # MPO: a camera's JPEG
            if opened.format == "GIF" or animated:
                opened.load()
                return ProcessedImage(*opened.size)
            fallback = "jpeg" if opened.format in ("JPEG", "MPO") else "png"
            own_format = OWN_FORMAT.get(opened.format or "")
            orientation = opened.getexif().get(_ORIENTATION)
            icc = opened.info.get("icc_profile") or None
            picture = ImageOps.exif_transpose(opened)
            picture.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        said = _BUFFER.sub("", str(exc))  # "cannot identify image file <_io.BytesIO object at 0x7f…>": no address
        raise UnreadablePicture(said or type(exc).__name__) from None
    width, height = picture.size
    if not encode:
        return ProcessedImage(width, height)
    picture, icc = _normalized(picture, fallback, icc)
    variants: list[Encoded] = []
    resized = [_resized(picture, w, max(1, round(height * w / width))) for w in widths_for(width)]
    for size in resized:
        variants += [_encode(size, "size", fmt, icc) for fmt in ("webp", fallback)]
    thumb_w, thumb_h = thumb_size(width, height)
    crop_from = next(r for r in [*resized, picture] if r.width >= thumb_w and r.height >= thumb_h)  # the smallest
    thumb = ImageOps.fit(crop_from, (thumb_w, thumb_h), Image.Resampling.LANCZOS)
    variants += [_encode(thumb, "thumb", fmt, icc) for fmt in ("webp", fallback)]
    published = without_metadata(data, orientation if isinstance(orientation, int) else None) if own_format else None
    if own_format is not None and published is not None:  # the file itself, published without its metadata
        variants.append(Encoded("original", width, height, own_format, published))
    return ProcessedImage(width, height, tuple(variants))


def without_metadata_only(data: bytes, encode: bool = True) -> ProcessedImage:
    """A picture's "original" variant alone, made without decoding its pixels (Pillow reads only the header, for
    the format and the orientation): for pictures no article shows, such as the media library's. No variant when
    there is nothing to leave out, or the bytes are not a JPEG, PNG or WebP Pillow recognises (copied as they are)."""
    if not encode or is_svg(data):
        return ProcessedImage(None, None)
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as opened:
            own_format = OWN_FORMAT.get(opened.format or "")
            orientation = opened.getexif().get(_ORIENTATION)
            width, height = opened.size
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return ProcessedImage(None, None)
    if isinstance(orientation, int) and orientation in (5, 6, 7, 8):  # shown turned a quarter: as process() says
        width, height = height, width
    published = without_metadata(data, orientation if isinstance(orientation, int) else None) if own_format else None
    if own_format is None or published is None or published == data:
        return ProcessedImage(width, height)
    return ProcessedImage(width, height, (Encoded("original", width, height, own_format, published),))


def widths_for(width: int) -> tuple[int, ...]:
    """The widths of a picture's variants: narrower steps, then its own width (capped), never wider."""
    return (*(w for w in WIDTHS if w < min(width, MAX_WIDTH)), min(width, MAX_WIDTH))


def thumb_size(width: int, height: int) -> tuple[int, int]:
    """The largest 4:3 size within THUMB_SIZE and within the picture itself (no upscaling)."""
    thumb_width, thumb_height = THUMB_SIZE
    w = min(thumb_width, width, height * thumb_width // thumb_height)
    return max(1, w), max(1, min(height, round(w * thumb_height / thumb_width)))


def svg_size(data: bytes) -> tuple[int | None, int | None]:
    tag = _SVG_TAG.search(data[:65536])
    if tag is None:
        return None, None
    attributes = dict(re.findall(r'([\w:-]+)\s*=\s*["\']([^"\']*)["\']', tag.group(1).decode("utf-8", "replace")))
    width, height = _length(attributes.get("width")), _length(attributes.get("height"))
    if width and height:
        return width, height
    box = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", attributes.get("viewBox", ""))]
    if len(box) == 4 and box[2] > 0 and box[3] > 0:
        if width:  # one of the two given: the other from the viewBox's proportions
            return width, round(width * box[3] / box[2])
        if height:
            return round(height * box[2] / box[3]), height
        return round(box[2]), round(box[3])
    return None, None


def _length(value: str | None) -> int | None:
    match = _LENGTH.match(value or "")
    return round(float(match.group(1))) or None if match else None


def _normalized(picture: Image.Image, fallback: str, icc: bytes | None) -> tuple[Image.Image, bytes | None]:
    """RGB, or RGBA when the picture has transparency that the fallback format can keep; no metadata. The colour
    profile is kept for RGB pictures; a CMYK one is converted to sRGB through its profile; other profiles (grey)
    would not fit the RGB result and are dropped."""
    if picture.mode.startswith("I"):  # 16- or 32-bit grey: scale to 8 bits, convert() alone would clip it to white
        picture = picture.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    if picture.mode == "CMYK" and icc:
        from PIL import ImageCms

        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            converted = ImageCms.profileToProfile(picture, source, ImageCms.createProfile("sRGB"), outputMode="RGB")
            if converted is not None:  # always, but for inPlace=True
                picture = converted
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # an unusable profile: the plain conversion below
    if picture.mode not in ("RGB", "RGBA", "RGBX", "P", "PA"):
        icc = None
    alpha = picture.mode in ("RGBA", "LA", "PA") or (picture.mode == "P" and "transparency" in picture.info)
    mode = "RGBA" if alpha and fallback == "png" else "RGB"
    converted = picture.convert(mode) if picture.mode != mode else picture.copy()
    converted.info = {}
    return converted, icc


def _resized(picture: Image.Image, width: int, height: int) -> Image.Image:
    if (width, height) == picture.size:
        return picture
    from PIL import Image

    return picture.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)


def _encode(picture: Image.Image, kind: str, fmt: str, icc: bytes | None) -> Encoded:
    buffer = io.BytesIO()
    extra = {"icc_profile": icc} if icc else {}
    if fmt == "webp":
        picture.save(buffer, "WEBP", quality=WEBP_QUALITY, method=4, **extra)
    elif fmt == "jpeg":
        picture.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True, **extra)
    else:
        picture.save(buffer, "PNG", compress_level=PNG_COMPRESS_LEVEL, **extra)
    return Encoded(kind, picture.width, picture.height, fmt, buffer.getvalue())
