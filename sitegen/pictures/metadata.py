"""A picture's file without its metadata: what a phone or camera writes beside the pixels (the GPS position, the
camera, the owner's name, comments, a thumbnail of the uncropped photo) is not published with it. Pure, no Pillow.

The pixels are not touched: the file's own segments (JPEG) or chunks (PNG, WebP) are copied, those of metadata left
out. Kept: what decoding needs and the colour profile (ICC), and the EXIF orientation, when it is not the default,
as a minimal EXIF of that one field, so that a browser shows the picture upright as before. Other formats (GIF,
TIFF, BMP, SVG) are published as they are.
"""

from __future__ import annotations

import struct
import zlib

_ORIENTATION_TAG = 0x0112
# JPEG: the APPn segments kept: JFIF (APP0), the ICC profile (APP2 "ICC_PROFILE"), Adobe's colour transform (APP14)
_ICC_APP2 = b"ICC_PROFILE\x00"
# PNG: the chunks that hold metadata (EXIF, text and XMP, the time of the last edit)
_PNG_METADATA = frozenset({b"eXIf", b"tEXt", b"zTXt", b"iTXt", b"tIME"})
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_WEBP_EXIF_FLAG, _WEBP_XMP_FLAG = 0x08, 0x04


def without_metadata(data: bytes, orientation: int | None) -> bytes | None:
    """`data` (a JPEG, PNG or WebP file) without its metadata; None when it has none to leave out, or is of another
    format, or is not laid out as its format says (the file is then published as it is: Pillow read it)."""
    try:
        if data.startswith(b"\xff\xd8"):
            stripped = _jpeg(data, orientation)
        elif data.startswith(_PNG_SIGNATURE):
            stripped = _png(data, orientation)
        elif data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            stripped = _webp(data, orientation)
        else:
            return None
    except (struct.error, ValueError, IndexError):  # cut short, or not laid out as its format says
        return None
    return None if stripped == data else stripped


def minimal_exif(orientation: int) -> bytes:
    """A big-endian TIFF structure holding the one orientation field."""
    entry = struct.pack(">HHIHH", _ORIENTATION_TAG, 3, 1, orientation, 0)  # SHORT, one value, left-aligned
    return b"MM\x00\x2a" + struct.pack(">I", 8) + struct.pack(">H", 1) + entry + struct.pack(">I", 0)


def _upright(orientation: int | None) -> bool:
    return orientation is None or not 2 <= orientation <= 8


def _jpeg(data: bytes, orientation: int | None) -> bytes:
    out = [b"\xff\xd8"]
    if not _upright(orientation):
        assert orientation is not None
        exif = b"Exif\x00\x00" + minimal_exif(orientation)
        out.append(b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif)
    at = 2
    while True:
        if data[at] != 0xFF:
            raise ValueError("not a marker")
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker == 0xDA:  # start of scan: the image data to the first end of image (a camera's second picture of
            end = data.find(b"\xff\xd9", at)  # an MPO, or bytes appended after it, are left out)
            if end < 0:
                raise ValueError("no end of image")
            out.append(data[at : end + 2])
            return b"".join(out)
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # no length
            out.append(data[at : at + 2])
            at += 2
            continue
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        segment = data[at : at + 2 + length]
        if len(segment) != 2 + length or length < 2:
            raise ValueError("a segment runs past the end")
        at += 2 + length
        if marker == 0xFE or (0xE0 <= marker <= 0xEF and not _kept_app(marker, segment[4:])):
            continue  # a comment, or an APPn of metadata (EXIF, XMP, IPTC, a multi-picture index...)
        out.append(segment)


def _kept_app(marker: int, payload: bytes) -> bool:
    return marker in (0xE0, 0xEE) or (marker == 0xE2 and payload.startswith(_ICC_APP2))


def _png(data: bytes, orientation: int | None) -> bytes:
    out, at = [_PNG_SIGNATURE], len(_PNG_SIGNATURE)
    oriented = _upright(orientation)  # whether the orientation is said (or needs not be)
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at : at + 8])
        chunk = data[at : at + 12 + length]
        if len(chunk) != 12 + length:
            raise ValueError("a chunk runs past the end")
        at += 12 + length
        if kind == b"IDAT" and not oriented:
            assert orientation is not None
            out.append(_png_chunk(b"eXIf", minimal_exif(orientation)))  # before the image data, as the spec asks
            oriented = True
        if kind not in _PNG_METADATA:
            out.append(chunk)
        if kind == b"IEND":
            break
    return b"".join(out)


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _webp(data: bytes, orientation: int | None) -> bytes:
    chunks, at = [], 12
    end = min(len(data), 8 + struct.unpack("<I", data[4:8])[0])
    while at + 8 <= end:
        kind, length = data[at : at + 4], struct.unpack("<I", data[at + 4 : at + 8])[0]
        padded = length + (length & 1)
        if at + 8 + length > end:
            raise ValueError("a chunk runs past the end")
        chunks.append((kind, data[at + 8 : at + 8 + length]))
        at += 8 + padded
    kept = [(kind, body) for kind, body in chunks if kind not in (b"EXIF", b"XMP ")]
    if kept and kept[0][0] == b"VP8X":  # the extended format's flags say which chunks follow
        flags = kept[0][1][0] & ~(_WEBP_EXIF_FLAG | _WEBP_XMP_FLAG)
        if not _upright(orientation):
            assert orientation is not None
            flags |= _WEBP_EXIF_FLAG
            kept.append((b"EXIF", minimal_exif(orientation)))  # the EXIF chunk comes last
        kept[0] = (b"VP8X", bytes([flags]) + kept[0][1][1:])
    body = b"".join(kind + struct.pack("<I", len(b)) + b + (b"\x00" if len(b) & 1 else b"") for kind, b in kept)
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WEBP" + body
