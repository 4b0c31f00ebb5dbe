"""Page keys derived from what a page is rendered from, never written by hand beside it.

A page's key is a digest of its template's digest and of the exact context its template is given: every variable,
walked down to plain values through every field of every dataclass (an Article, a Listing, a Tag with its count...).
So a field added to a model class or a variable added to a page's context is in the key by construction: a page is
reused only when everything its template could show is the same. A value of a type the walk does not know is an
error, not a silent hole in the key.

Objects shown on many pages (an article in listings, tags and its neighbours' pages) are walked once per build:
`ContextKeys` remembers each one's digest by identity, for as long as it holds them (one build).

Walking every article costs about 50 µs (its pictures and their variants included), half a second at 10,000. So an
article the last build walked is not walked again: the build cache keeps each saved article's digest, and an
article of this build is keyed by its *base* (the same source's article as the cache gave it, and that digest)
plus the fields in which it differs from the base, walked (`replace` keeps the other fields' objects, so they are
told apart by identity first). That digest determines the article's content as surely as a full walk: a page is
never reused for other content; the same content keyed through the same base gets the same key from build to build.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import hashlib
import operator
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import PurePath
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup

from sitegen import toolchain
from sitegen.model import Article, FrozenMapping

# Types whose repr is complete and the same in every process: they go into a key as they are. (A datetime's repr
# holds its time zone; Markup's holds its type.) A path is not: see `ContextKeys`.
PLAIN = frozenset(
    {type(None), bool, int, float, str, bytes, datetime.datetime, datetime.date, datetime.timezone, ZoneInfo, Markup}
)

_MAPPINGS = frozenset({dict, FrozenMapping})  # told apart from other types faster than by isinstance(value, Mapping)


class ContextKeys:
    """Digests of page contexts for one build; objects are remembered by identity while this lives.

    `folders`: where a page's files may lie (a picture's under content/, assets/ or the image cache). A path under
    one of them is keyed by the folder's place in this list and the rest of the path, so that a site built in
    another folder (a CI checkout elsewhere, its cache restored) keeps its page keys: no page shows such a path.
    """

    def __init__(
        self, bases: Mapping[str, tuple[Article, str]] | None = None, folders: Sequence[PurePath] = ()
    ) -> None:
        self._digests: dict[int, tuple[object, object]] = {}  # id -> (the object, kept alive so its id stays its own)
        self._bases = dict(bases or {})  # by source path: an article as the cache gave it, and its digest
        self._folders = tuple(os.path.join(str(folder), "") for folder in folders)

    def rebase(self, articles: Iterable[Article]) -> dict[str, str]:
        """Make these articles (as the cache will keep them) the bases of this build's article digests, and give
        their digests, for the cache to keep. Pages then show them, or them with a field replaced (a view count from
        data/views.json): keyed the same way in this build and the next, whose bases they are."""
        digests = {}
        bases, known = self._bases, self._digests
        for article in articles:
            base = bases.get(article.source_path)
            if base is not None and base[0] is article:  # the cache's own object (most): its digest, as `value` gives
                digest = base[1]
                known[id(article)] = (article, digest)
            else:
                digest = self.article_digest(article)
                bases[article.source_path] = (article, digest)
            digests[article.source_path] = digest
        return digests

    def article_digest(self, article: Article) -> str:
        """`value(article)`: an article walked already (every page and feed names some) is looked up at once."""
        known = self._digests.get(id(article))
        digest = known[1] if known is not None and known[0] is article else self.value(article)
        assert isinstance(digest, str)  # an Article has fields of many kinds: never one of plain fields only
        return digest

    def page_key(self, template_digest: str, context: Mapping[str, Any]) -> str:
        """The key of a page: its template (with every template it pulls in), the toolchain and its context."""
        shape = (toolchain.digest(), template_digest, self.value(dict(context)))
        return digest(shape)

    def value(self, value: Any) -> object:
        """`value` as plain, comparable data (tuples, str, numbers), with a digest standing for each dataclass."""
        kind: type = type(value)
        if kind in PLAIN:
            return value
        if kind is tuple or kind is list:
            plain = PLAIN
            if all([type(v) in plain for v in value]):  # no call per element
                return (kind.__name__, list(value))
            if all([type(v) is tuple for v in value]) and all([type(w) in plain for v in value for w in v]):
                return (kind.__name__, [("tuple", list(v)) for v in value])  # a sitemap's (URL, date) pairs
            return (kind.__name__, [self._item(v) for v in value])
        fields = _field_values(kind)
        if fields is not None:
            return self._dataclass(value, fields)
        return self._other(value, kind)

    def _item(self, value: Any) -> object:
        """An element of a sequence: most are plain, or objects walked already (the cards of a listing)."""
        if type(value) in PLAIN:
            return value
        known = self._digests.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        return self.value(value)

    def _other(self, value: Any, kind: type) -> object:
        if isinstance(value, str):  # Markup and other str subclasses render differently from str: keep the type
            return (kind.__qualname__, str(value))
        if kind in _MAPPINGS or isinstance(value, Mapping):  # in its own order: the same data gives the same order
            item = self._item
            return ("mapping", *[(item(k), item(v)) for k, v in value.items()])
        if isinstance(value, frozenset | set):  # sorted: the order of a set depends on the hash seed
            return ("set", *sorted((self.value(item) for item in value), key=repr))
        if isinstance(value, datetime.date | datetime.time | datetime.timedelta | datetime.tzinfo):
            return repr(value)  # with its time zone: two equal instants may print differently
        if isinstance(value, PurePath):
            return self._path(str(value))
        if isinstance(value, functools.partial):  # JSON-LD, made from these arguments when the page is rendered
            return ("call", _name(value.func), self.value(value.args), self.value(value.keywords))
        if callable(value) and hasattr(value, "__qualname__"):
            return ("call", _name(value))
        raise TypeError(f"a page context holds a {kind.__qualname__}, which its key cannot cover: add it to keys.py")

    def _path(self, text: str) -> object:
        for place, folder in enumerate(self._folders):
            if text.startswith(folder):
                return ("path", place, text[len(folder) :])
        return ("path", text)

    def _dataclass(self, value: Any, fields: Callable[[Any], tuple[Any, ...]]) -> object:
        """A digest of the object's fields; an object of plain fields only (a picture variant) stands as itself."""
        known = self._digests.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        base = self._bases.get(value.source_path) if type(value) is Article else None
        if base is not None and base[0] is value:  # the article as the cache gave it: its fields are not read
            self._digests[id(value)] = (value, base[1])
            return base[1]
        values = fields(value)
        shape = self._from_base(value, values, base, fields) if base is not None else self._fields(value, values)
        self._digests[id(value)] = (value, shape)
        return shape

    def _fields(self, value: Any, values: tuple[Any, ...]) -> object:
        plain = PLAIN
        if all([type(v) in plain for v in values]):
            return (type(value).__qualname__, values)
        walk = self.value
        walked = [v if type(v) in plain else walk(v) for v in values]
        return digest((type(value).__qualname__, walked))

    def _from_base(
        self, value: Any, values: tuple[Any, ...], base: tuple[Article, str], fields: Callable[[Any], tuple[Any, ...]]
    ) -> str:
        """An article's digest from its base's digest and the fields in which it differs from the base, walked."""
        article, base_digest = base
        if value is article:
            return base_digest
        changed = [
            (i, v if type(v) in PLAIN else self.value(v))
            for i, (v, b) in enumerate(zip(values, fields(article), strict=True))
            if v is not b and (type(v) is not type(b) or v != b)
        ]
        if not changed:  # the same content as the base: its digest
            return base_digest
        return digest(("Article", base_digest, changed))


def digest(shape: object) -> str:
    """The digest of plain data (what the walk makes of a context): SHA-1 of its repr."""
    return hashlib.sha1(repr(shape).encode("utf-8", "surrogatepass")).hexdigest()


@functools.cache
def _field_values(kind: type) -> Callable[[Any], tuple[Any, ...]] | None:
    """For a dataclass, a function giving every field's value as a tuple (read in C); None for other types."""
    if not dataclasses.is_dataclass(kind):
        return None
    names = [f.name for f in dataclasses.fields(kind)]
    getter = operator.attrgetter(*names)
    return getter if len(names) > 1 else lambda value: (getter(value),)


def _name(function: Callable[..., Any]) -> str:
    return f"{getattr(function, '__module__', '')}.{getattr(function, '__qualname__', repr(function))}"
