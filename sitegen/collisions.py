"""Which output path each article, alias, column and page of sitegen's own takes: two claims on one path are an
error of the build (url_collisions), remembered free between builds (CollisionMemo). Pure."""

from __future__ import annotations

import hashlib
import operator
from collections.abc import Sequence

from sitegen.errors import ContentError
from sitegen.model import Article, Config, output_path_for
from sitegen.urls import ADMIN_URL, REDIRECT_MAPS, alias_output_path

GENERATED_FILES = ("404.html", "feed.xml", "sitemap.xml", "robots.txt", *REDIRECT_MAPS)  # written by render
# static files, tag pages, the search page and its index, author pages, the date archive
GENERATED_FOLDERS = ("assets/", "tags/", "search/", "authors/", "archive/")
GENERATED = "a page sitegen makes itself"


def url_collisions(articles: Sequence[Article], config: Config) -> list[ContentError]:
    """Two articles on one URL, or an article on a URL sitegen uses itself (home, column index, feeds, tag pages,
    404, sitemap; also a URL that would need one of those files to be a folder): an error naming both files.
    Then the same for every alias (an old address whose redirect page would take a page's or another alias's
    place)."""
    taken, generated = _generated_places(config)
    folders: dict[str, str] = {}  # folder path -> the first article whose output lies inside it
    errors = []
    ordered = sorted(articles, key=lambda a: a.source_path)
    for article in ordered:
        owner = _owner(article.output_path, article.source_path, taken, folders, generated)
        if owner is not None:
            errors.append(
                ContentError(
                    article.source_path,
                    None,
                    "slug",
                    f"its URL /{article.url} is already taken by {owner}",
                    "give one of them a different `slug:` in the front matter",
                )
            )
    for article in ordered:
        for alias in article.aliases:
            path = alias_output_path(alias)
            if path == article.output_path:
                continue  # the article's own address: nothing to redirect
            owner = _owner(path, f"{article.source_path} (alias /{alias})", taken, folders, generated)
            if owner is not None:
                errors.append(
                    ContentError(
                        article.source_path,
                        None,
                        "aliases",
                        f"the alias /{alias} is already taken by {owner}",
                        "remove the alias from one of them",
                    )
                )
    return errors


def _generated_places(config: Config) -> tuple[dict[str, str], tuple[str, ...]]:
    """(output path -> who holds it, folders sitegen fills) of the pages sitegen makes itself: the home page, each
    column's index and feed, 404, feeds, sitemap, the redirect maps; tags, search, authors, archive, an edition."""
    taken: dict[str, str] = {name: GENERATED for name in GENERATED_FILES}
    for column in config.columns:
        taken[output_path_for(column.url)] = f"the index of column '{column.slug}'"
        taken[f"{column.url}feed.xml"] = GENERATED
    taken[output_path_for("")] = "the home page"
    editor = (ADMIN_URL,) if config.web_editor is not None else ()  # admin/: the web editor
    return taken, (*GENERATED_FOLDERS, *editor, *(edition.prefix for edition in config.editions))  # an edition's pages


def generated_owner(path: str, config: Config) -> str | None:
    """Which of sitegen's own pages holds the output `path` (or a folder it needs), None when none does: an alias
    there is refused by the build (an importer leaves such an old address out, and reports it)."""
    taken, generated = _generated_places(config)
    return _owner(path, "", taken, {}, generated)


class CollisionMemo:
    """The published articles of the last url_collisions that found none, kept from one load to the next (sitegen
    serve): not checked again while the config is equal and each article is the same object, or has the same
    source path, output path and aliases. `checked`: a digest of those places when they were last found free
    (kept in the build cache, for the next build: computing it costs a tenth of the check)."""

    def __init__(self, checked: str = "") -> None:
        self.config: Config | None = None
        self.articles: tuple[Article, ...] = ()
        self.checked = checked
        self.changed = False  # whether `checked` differs from the build cache's copy

    def collisions(self, articles: Sequence[Article], config: Config) -> list[ContentError]:
        same = config == self.config and len(articles) == len(self.articles)
        if same and all(map(_same_place, articles, self.articles)):
            return []
        places = _places_digest(articles, config)
        errors = [] if places == self.checked else url_collisions(articles, config)
        self.config, self.articles = (None, ()) if errors else (config, tuple(articles))
        checked = "" if errors else places
        if checked != self.checked:
            self.checked, self.changed = checked, True
        return errors


def _places_digest(articles: Sequence[Article], config: Config) -> str:
    """A digest of all that url_collisions reads: the columns' and editions' places and each article's source path,
    URL (which gives its output path) and aliases, in source-path order, as it checks them. Each field is read for
    all articles at once and joined, in C (0.17 s at 100,000 articles a tuple at a time and through repr)."""
    ordered = sorted(articles, key=_SOURCE_PATH)
    places = (
        [(column.slug, column.url) for column in config.columns],
        [edition.prefix for edition in config.editions],
        [(n, aliases) for n, aliases in enumerate(map(_ALIASES, ordered)) if aliases],
    )
    digest = hashlib.sha1(repr(places).encode("utf-8", "surrogateescape"))
    for field in (_SOURCE_PATH, _URL):  # no path or URL holds a NUL: one joined text tells the list
        digest.update(b"\1" + "\0".join(map(field, ordered)).encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


_SOURCE_PATH, _URL, _ALIASES = map(operator.attrgetter, ("source_path", "url", "aliases"))


def _same_place(article: Article, before: Article) -> bool:
    return article is before or (
        article.source_path == before.source_path
        and article.output_path == before.output_path
        and article.aliases == before.aliases
    )


def _owner(
    path: str, claimant: str, taken: dict[str, str], folders: dict[str, str], generated: tuple[str, ...]
) -> str | None:
    """Who holds the output `path` already (None: it is free, and now `claimant`'s); `generated`: the folders
    sitegen fills itself (GENERATED_FOLDERS and the editions' prefixes)."""
    parents = ["/".join(path.split("/")[:n]) for n in range(1, path.count("/") + 1)]
    owner = (
        taken.get(path)
        or next((taken[p] for p in parents if p in taken), None)
        or folders.get(path)
        or (GENERATED if path.startswith(generated) else None)
    )
    if owner is not None and owner != claimant:
        return owner
    taken[path] = claimant
    for parent in parents:
        folders.setdefault(parent, claimant)
    return None
