"""The pictures of articles: where a local picture is, its size and variants (through the image cache), and how
its `<img>` is written in an article body."""

from __future__ import annotations

import errno
import os
import posixpath
import re
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from sitegen.layout import ASSETS_DIR, CONTENT_DIR
from sitegen.model import Image, ImageVariant, Picture
from sitegen.pictures.cache import ImageStore, StoredImage, StoredVariant
from sitegen.pictures.variants import EXTENSION, MIME, UnreadablePicture
from sitegen.urls import DATA_PICTURE, path_problem, relative_url, safe_join

REMOTE = re.compile(r"^(https?:)?//", re.IGNORECASE)
NOT_IN_URLS = re.compile(r"[\"<>]")  # in a picture's URL only as markup that broke out of its attribute
TO_ENCODE = re.compile(r"[\s\\^`{|}]")  # a URL cannot hold these unescaped (RFC 3986); browsers percent-encode them
# What a local picture may be: it is copied into the public site, where an .html or .js "picture" would run.
PICTURE_TYPES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg")
SCRIPTABLE_PICTURES = (".svg",)  # an SVG opened on its own runs its scripts: not from untrusted columns
_MARKDOWN_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^\s)>]+)")


class ImageResolver:
    """Local picture paths -> site-relative output URLs, resolved against the article's folder, then assets/.

    Answers come from one directory listing per folder, kept for the build (a site with thousands of pictures
    would otherwise resolve every path on disk, one lstat per folder on the way, for every article). A path the
    listings cannot vouch for (a link, `..`, a name not listed) is resolved on disk by `safe_join`, as before."""

    def __init__(self, site_dir: Path) -> None:
        self.site_dir = site_dir.resolve()
        self._root = str(self.site_dir)
        self._joined: dict[str, Path | None] = {}  # safe_join's answers (it resolves links on disk), for the build
        self._plain_files: set[Path] = set()  # joined paths the listings show as regular files (not links)
        self._absent: set[Path] = set()  # joined paths found missing
        self._listings: dict[str, dict[str, str] | None] = {}  # folder -> {name: "dir", "file", "link", "other"}
        self._located: dict[tuple[str, str], tuple[str, Path] | None] = {}

    def locate(self, source_path: str, src: str) -> tuple[str, Path] | None:
        """(site-relative URL, file) of a local picture, or None when missing or outside the site."""
        key = (posixpath.dirname(source_path), src)  # the answer depends on the folder, not the file
        if key not in self._located:
            folder = PurePosixPath(source_path).parent.as_posix()
            self._located[key] = self._locate(folder, src.split("#")[0].split("?")[0])
        return self._located[key]

    def leaves_site(self, source_path: str, src: str) -> bool:
        """Whether `src` (from the article at `source_path`) points outside the site, lexically or through a link."""
        folder = PurePosixPath(source_path).parent.as_posix()
        return self._join(f"{folder}/{src}") is None

    def elsewhere(self, source_path: str, src: str) -> bool:
        """Whether `src` names a file of the site that is no picture source: outside content/ and assets/
        (site.yaml, templates/, .git/...) or in a hidden folder."""
        folder = PurePosixPath(source_path).parent.as_posix()
        file = self._join(f"{folder}/{src.split('#')[0].split('?')[0]}")
        return file is not None and file.is_file() and not _picture_place(file.relative_to(self.site_dir).as_posix())

    def is_source(self, file: Path) -> bool:
        """Whether `file` (read back from a cache) is a picture source this resolver could have found: inside the
        site, in content/ or assets/, of a picture type. Anything else names a file a build must never copy."""
        if not file.is_relative_to(self.site_dir) or file.suffix.lower() not in PICTURE_TYPES:
            return False
        found = self._join(file.relative_to(self.site_dir).as_posix())
        return found == file and _picture_place(file.relative_to(self.site_dir).as_posix())

    def _join(self, relative: str) -> Path | None:
        if relative not in self._joined:
            listed = self._listed(relative) if path_problem(relative) is None else None
            self._joined[relative] = listed if listed is not None else safe_join(self.site_dir, relative)
        return self._joined[relative]

    def _is_file(self, file: Path) -> bool:
        if file in self._plain_files:
            return True
        return file not in self._absent and file.is_file()

    def _listed(self, relative: str) -> Path | None:
        """What safe_join would answer for `relative`, from the listings: when every name on the way is a plain
        folder and the last a plain file or folder (no link, no `..`), or when a name is missing (realpath then
        joins the rest as it is). None when the listings cannot tell."""
        names = [name for name in relative.split("/") if name not in ("", ".")]  # realpath skips these too
        if not names or ".." in names:
            return None
        folder = self._root
        for index, name in enumerate(names):
            kind = self._listing(folder).get(name)
            if kind is None:
                return self._missing(folder, names[index:])
            if index == len(names) - 1:
                break
            if kind != "dir":
                return None
            folder = os.path.join(folder, name)
        if kind not in ("dir", "file"):
            return None
        file = Path(os.path.join(folder, names[-1]))
        if kind == "file":
            self._plain_files.add(file)
        return file

    def _missing(self, folder: str, names: list[str]) -> Path | None:
        """`folder` joined with `names`, whose first is not in the folder's listing: the path safe_join would give,
        once an lstat confirms the name is absent (on a case-insensitive disk `Photo.PNG` is `photo.png`, which
        the listing does not say: then None, and safe_join decides)."""
        try:
            os.lstat(os.path.join(folder, names[0]))
        except FileNotFoundError:
            missing = Path(os.path.join(folder, *names))
            self._absent.add(missing)
            return missing
        except OSError:
            return None
        return None

    def _listing(self, folder: str) -> dict[str, str]:
        listing = self._listings.get(folder)
        if listing is None:
            listing = {}
            try:
                with os.scandir(folder) as entries:
                    for entry in entries:
                        listing[entry.name] = _kind(entry)
            except OSError:  # unreadable: safe_join decides, on disk
                pass
            self._listings[folder] = listing
        return listing

    def _locate(self, folder: str, src: str) -> tuple[str, Path] | None:
        for base in (folder, ASSETS_DIR):
            file = self._join(f"{base}/{src}")
            if file is not None and self._is_file(file):
                relative = file.relative_to(self.site_dir).as_posix()
                if not _picture_place(relative):
                    continue
                content_prefix = CONTENT_DIR + "/"
                url = relative[len(content_prefix) :] if relative.startswith(content_prefix) else relative
                return url, file
        return None


def _kind(entry: os.DirEntry[str]) -> str:
    """A directory entry's kind, from the listing itself where the file system gives it (no stat)."""
    if entry.is_symlink():
        return "link"
    if entry.is_dir(follow_symlinks=False):
        return "dir"
    return "file" if entry.is_file(follow_symlinks=False) else "other"


class Pictures:
    """`src` as an article writes it -> an Image with size and variants, or the reason it cannot be used."""

    def __init__(self, site_dir: Path, store: ImageStore) -> None:
        self.resolver = ImageResolver(site_dir)
        self.store = store
        self._images: dict[tuple[str, str], Image] = {}  # by (url, name): one Image per picture
        self._found: dict[tuple[str, str, bool], Image | str] = {}  # articles of a folder share their pictures
        self._keys: dict[tuple[Path, ...], str] = {}  # by the files of a picture: asked for by every article showing it

    @property
    def site_dir(self) -> Path:
        return self.resolver.site_dir

    def find(self, source_path: str, src: str, untrusted: bool = False) -> Image | str:
        """The Image (without caption or alt), or what is wrong: "not found", "leaves the site folder", ..."""
        key = (posixpath.dirname(source_path), src, untrusted)  # the answer depends on the folder, not the file
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = self._find(source_path, src, untrusted)
        return found

    def _find(self, source_path: str, src: str, untrusted: bool) -> Image | str:
        if DATA_PICTURE.match(src):  # a picture inside the page (R Markdown's self-contained output): used as it is
            return "is a data: URI: not allowed in an untrusted column" if untrusted else Image(url=src)
        if REMOTE.match(src):
            bad = NOT_IN_URLS.search(src)
            if bad:
                return f"is not a valid URL: it holds {bad.group(0)!r}"
            return Image(url=TO_ENCODE.sub(lambda m: quote(m.group(0).encode("utf-8")), src.strip()))
        problem = (
            path_problem(src)
            or ("leaves the site folder" if self.resolver.leaves_site(source_path, src) else None)
            or picture_type_problem(src, untrusted)
        )
        if problem:
            return problem
        located = self.resolver.locate(source_path, src)
        if located is None:
            return "is outside content/ and assets/" if self.resolver.elsewhere(source_path, src) else "not found"
        url, file = located
        try:
            stored = self.store.get(file)
        except UnreadablePicture as exc:
            return f"cannot be decoded ({exc})"
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS):
                raise  # the image cache's disk is full or read-only, not the picture: the build stops and says so
            return f"cannot be read ({exc.strerror or exc})"
        image = self._images.get((url, stored.name))
        if image is None:
            image = self._images[url, stored.name] = image_from(url, file, stored)
        return image

    def prefetch(self, wanted: Iterable[tuple[str, str]]) -> None:
        """Process ahead, in parallel, the local pictures of (source path, src) pairs. A head start only: a picture
        missed here is processed when an article asks for it."""
        files = []
        for source_path, src in wanted:
            located = None if REMOTE.match(src) else self.resolver.locate(source_path, src)
            if located is not None:
                files.append(located[1])
        self.store.prefetch(files)

    def carry(self, images: Iterable[Image]) -> bool:
        """The local pictures of an article reused without a look (no picture file changed): used, as `keys` would
        have found them (see ImageStore.carry); False when one of them is not in the image cache as the article
        names it (the cache was cleared: the article is read again, which makes its pictures anew)."""
        for image in images:
            if image.source_file is None or self.store.carry(image.source_file):
                continue
            try:
                if not self.store.verified(image.source_file, image.paths):
                    return False
            except OSError:
                return False
        return True

    def keys(self, images: Iterable[Image]) -> tuple[str, ...]:
        """What the local pictures' variants depend on: their cache keys (changes when a picture is edited)."""
        keys = []
        for image in images:
            if image.source_file is None:
                continue
            files = tuple(image.paths)  # the picture and its variants in the image cache
            key = self._keys.get(files)
            if key is None:
                try:
                    # a cached article's picture outside the site, or a damaged entry (removed, with a warning): the
                    # article is rendered again, which finds its pictures anew
                    gone = (
                        any(file is None for file in files)  # the files themselves: stat'ed by `verified`
                        or not self.resolver.is_source(image.source_file)
                        or not self.store.verified(image.source_file, files)
                    )
                    key = "gone" if gone else self.store.key(image.source_file)
                except OSError:
                    key = "gone"
                self._keys[files] = key
            keys.append(key)
        return tuple(keys)


def _picture_place(relative: str) -> bool:
    """Pictures come from content/ and assets/, never from a hidden file or folder."""
    parts = relative.split("/")
    return parts[0] in (CONTENT_DIR, ASSETS_DIR) and not any(part.startswith(".") for part in parts)


def picture_type_problem(src: str, untrusted: bool) -> str | None:
    """Why a local picture path cannot be a picture copied into the site, or None."""
    suffix = PurePosixPath(src.split("#")[0].split("?")[0]).suffix.lower()
    if suffix not in PICTURE_TYPES:
        return f"is not a picture file ({', '.join(PICTURE_TYPES)})"
    if untrusted and suffix in SCRIPTABLE_PICTURES:
        return "is an SVG file, which can carry scripts: not allowed in an untrusted column"
    return None


def markdown_picture_srcs(body: str) -> list[str]:
    """The sources of `![alt](src)` pictures in Markdown text: a quick scan, for `Pictures.prefetch`."""
    return _MARKDOWN_IMAGE.findall(body)


def image_from(url: str, file: Path, stored: StoredImage) -> Image:
    """The model's Image of a stored picture; variant URLs are `<stem>-<hash8>-<width>.<ext>` beside `url`."""
    folder, name = posixpath.split(url)
    prefix = posixpath.join(folder, f"{PurePosixPath(name).stem}-{stored.name}")

    def variant(v: StoredVariant) -> ImageVariant:
        label = f"{v.width}x{v.height}" if v.kind == "thumb" else f"{v.width}"
        return ImageVariant(f"{prefix}-{label}.{EXTENSION[v.format]}", v.width, v.height, MIME[v.format], v.file)

    sizes = tuple(variant(v) for v in stored.variants if v.kind == "size")
    thumbs = tuple(variant(v) for v in stored.variants if v.kind == "thumb")
    thumb = None
    if thumbs:
        fallback = [t for t in thumbs if t.mime != MIME["webp"]]
        source = fallback[-1] if fallback else thumbs[-1]
        thumb = Image(url=source.url, width=source.width, height=source.height, variants=thumbs)
    published = next((v.file for v in stored.variants if v.kind == "original"), None)
    return Image(url, source_file=file, width=stored.width, height=stored.height, variants=sizes, thumb=thumb,
                 published=published)  # fmt: skip


def picture_markup(image: Image, page_url: str) -> Picture:
    """How the body of the article at `page_url` writes a picture: relative URLs, size, srcset per format."""

    def srcset(variants: Iterable[ImageVariant]) -> str:
        return ", ".join(f"{relative_url(page_url, v.url)} {v.width}w" for v in variants)

    return Picture(
        src=relative_url(page_url, image.src),
        width=image.width,
        height=image.height,
        srcset=srcset(image.fallback),
        webp_srcset=srcset(image.webp),
    )
