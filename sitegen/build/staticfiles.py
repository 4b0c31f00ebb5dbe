"""The static files of a site: the theme's and the site's assets, every picture its articles show (the file as it
is, its variants and its thumbnail, from the image cache) and the authors' photos, each an OutputFile to copy."""

from __future__ import annotations

from pathlib import Path

from sitegen.content.authors import AuthorInfo
from sitegen.layout import ASSETS_DIR
from sitegen.model import Article, Image, OutputFile
from sitegen.pictures.cache import ImageStore
from sitegen.render.theme import Theme

PHOTOS = (".jpg", ".jpeg", ".png", ".webp")  # what a camera or phone writes metadata into


def static_files(
    site_dir: Path,
    theme: Theme,
    articles: list[Article],
    people: dict[str, AuthorInfo] | None = None,
    memo: dict[str, tuple[Article, tuple[tuple[str, Path], ...]]] | None = None,
    images: ImageStore | None = None,
) -> tuple[OutputFile, ...]:
    """Theme and site assets (the site's override the theme's), every picture the articles use, authors' photos.
    `memo`: each article's picture files by source path, kept while the article is the same object (sitegen serve
    keeps its unchanged articles from one load to the next). `images`: where a picture of the assets gets its copy
    without metadata, published instead (the site's assets/ is the web editor's media library: phone photos)."""
    files: dict[str, OutputFile] = {}
    for assets in (theme.assets, site_dir / ASSETS_DIR):
        if assets.is_dir():
            for path in sorted(assets.rglob("*")):
                if path.is_file() and not path.name.startswith("."):
                    relative = f"{ASSETS_DIR}/{path.relative_to(assets).as_posix()}"
                    copied = _without_metadata(images, path) if images and path.suffix.lower() in PHOTOS else path
                    files[relative] = OutputFile(relative, copy_from=copied)
    copies: dict[str, Path] = {}  # most pictures are shown by many articles: one OutputFile per picture file
    if memo is None:
        for picture in _pictures_shown(articles):
            copies.update(_files_of(picture))
    else:
        _remembered_copies(articles, memo, copies)
    for url, file in copies.items():
        files[url] = OutputFile(url, copy_from=file)
    for info in (people or {}).values():
        if info.photo_file is not None:
            files[info.photo] = OutputFile(info.photo, copy_from=info.photo_file)
    return tuple(files[path] for path in sorted(files))


def _pictures_shown(articles: list[Article]) -> list[Image]:
    """Every picture object the articles show, once, in the order of its last showing: taking their files in that
    order gives, for a URL two pictures name, the file of the one shown last, as a walk of every article's pictures in
    turn would (`_remembered_copies`), without the per-article lists (0.1 s at 100,000 articles)."""
    seen: set[int] = set()
    last_first: list[Image] = []
    for article in reversed(articles):
        for shown in (article.unplaced_images, article.images):  # all_pictures, backwards
            for picture in reversed(shown):
                if id(picture) not in seen:
                    seen.add(id(picture))
                    last_first.append(picture)
    last_first.reverse()
    return last_first


def _remembered_copies(
    articles: list[Article], memo: dict[str, tuple[Article, tuple[tuple[str, Path], ...]]], copies: dict[str, Path]
) -> None:
    """Each article's picture files into `copies`, from `memo` while the article is the same object (sitegen serve's
    loads), and `memo` left with this load's articles only."""
    current = {}
    by_picture: dict[int, tuple[Image, list[tuple[str, Path]]]] = {}  # the articles share their picture objects
    for article in articles:
        remembered = memo.get(article.source_path)
        if remembered is None or remembered[0] is not article:
            remembered = (article, _picture_files(article, by_picture))
        current[article.source_path] = remembered
        copies.update(remembered[1])
    memo.clear()
    memo.update(current)


def _picture_files(
    article: Article, by_picture: dict[int, tuple[Image, list[tuple[str, Path]]]]
) -> tuple[tuple[str, Path], ...]:
    """(site-relative URL, file) of each picture the article shows as it is, its variants and its thumbnail
    (Image.files; asked of every article of every build): each picture object walked once (`by_picture`, by id,
    the object kept so that its id stays its own)."""
    found: list[tuple[str, Path]] = []
    for picture in article.all_pictures:
        known = by_picture.get(id(picture))
        if known is None or known[0] is not picture:
            known = by_picture[id(picture)] = (picture, _files_of(picture))
        found.extend(known[1])
    return tuple(found)


def _files_of(picture: Image) -> list[tuple[str, Path]]:
    """Walked in place, without a tuple made per picture and thumbnail."""
    found: list[tuple[str, Path]] = []
    append = found.append
    image: Image | None = picture
    while image is not None:
        if image.source_file is not None:
            append((image.url, image.published or image.source_file))
        for variant in image.variants:
            if variant.file is not None:
                append((variant.url, variant.file))
        image = image.thumb
    return found


def _without_metadata(images: ImageStore, path: Path) -> Path:
    """A picture of the assets without its metadata (its header read, its pixels never decoded)."""
    try:
        return images.published(path, decode=False)
    except OSError:  # copied as it is: the writer says what it cannot read
        return path
