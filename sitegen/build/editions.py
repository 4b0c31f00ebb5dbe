"""Loading an edition of the site (site.yaml `editions:`): every article's texts and body converted once and kept in
the body store beside its Simplified body, keyed by its fingerprint and the edition (its language, conversion,
dictionary and OpenCC's version): a rebuild converts only the articles whose body was rendered again."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from sitegen.build.load import LoadedSite
from sitegen.build.parallel import ordered_map
from sitegen.content.chinese import ScriptConverter
from sitegen.edition import (
    EditionTexts,
    article_texts,
    edition_body,
    edition_body_key,
    edition_config,
    edition_site,
    edition_texts_key,
    tag_slugs,
    with_texts,
)
from sitegen.incremental.bodies import BodyStore
from sitegen.model import Article, Body, Edition, Site, Tag
from sitegen.render.labels import labels_for
from sitegen.urls import tag_slug


@dataclass(frozen=True, slots=True)
class EditionView:
    """An edition ready to render: its Site (config, articles, listings converted), its bodies and the variables
    every one of its pages gets (the converted labels; tag links by the Simplified slugs)."""

    edition: Edition
    site: Site
    bodies: BodyStore
    shared: Mapping[str, Any]
    converted: int  # articles converted by this build (the others came from the cache)
    # converts an article's body again when its stored copy is lost or damaged (see body)
    remake: Callable[[Article], Body] | None = field(default=None, compare=False)

    def body(self, article: Article) -> Body:
        """The article's converted body: from the store, or, when its row there is lost or damaged (the store says
        so in a warning), converted again from the source's body, which gives the same bytes."""
        try:
            return self.bodies.get(edition_body_key(article.fingerprint, self.edition))
        except KeyError:
            if self.remake is None:
                raise
            return self.remake(article)

    def ensure_bodies(self, articles: Iterable[Article]) -> None:
        """Read the bodies the page workers will read, here, before they fork (as LoadedSite.ensure_bodies)."""
        if self.remake is None:
            return
        by_key = {edition_body_key(article.fingerprint, self.edition): article for article in articles}
        self.bodies.ensure(list(by_key), lambda key: self.body(by_key[key]))


def load_edition(loaded: LoadedSite, edition: Edition, jobs: int) -> EditionView:
    convert = ScriptConverter(edition.conversion, edition.phrases)
    source = loaded.site
    bodies = loaded.bodies
    stored = bodies.keys()
    todo = [
        a
        for a in source.articles
        if not {edition_body_key(a.fingerprint, edition), edition_texts_key(a.fingerprint, edition)} <= stored
    ]

    def work(index: int) -> tuple[Body, Body]:
        article = todo[index]
        body = edition_body(loaded.body(article), article.url, edition.prefix, convert)
        return article_texts(article, convert).to_body(), body

    for article, (texts, body) in zip(todo, ordered_map(work, len(todo), jobs), strict=True):
        bodies.put(edition_texts_key(article.fingerprint, edition), texts)
        bodies.put(edition_body_key(article.fingerprint, edition), body)
    bodies.flush()
    keys = {a.source_path: edition_texts_key(a.fingerprint, edition) for a in source.articles}
    try:
        stored_texts = bodies.get_many(list(keys.values()))
    except KeyError:  # a row listed above but lost or damaged (the store said so): those texts converted again
        stored_texts = {}
        for article in source.articles:
            key = keys[article.source_path]
            try:
                stored_texts[key] = bodies.get(key)
            except KeyError:
                stored_texts[key] = article_texts(article, convert).to_body()
                bodies.put(key, stored_texts[key])
        bodies.flush()
    articles = {
        a.source_path: with_texts(a, EditionTexts.from_body(stored_texts[keys[a.source_path]]))
        for a in source.articles
    }
    config = edition_config(source.config, edition, convert)
    slugs = tag_slugs(source, articles)
    labels = MappingProxyType({key: convert(text) for key, text in labels_for(source.config.language).items()})

    def tag_url(name: str) -> str:
        return Tag(name, slugs.get(name) or tag_slug(name)).url

    shared = {"labels": labels, "tag_url": tag_url}

    def remake(article: Article) -> Body:
        body = edition_body(loaded.body(article), article.url, edition.prefix, convert)
        bodies.put(edition_body_key(article.fingerprint, edition), body)
        return body

    return EditionView(edition, edition_site(source, config, articles, convert), bodies, shared, len(todo), remake)
