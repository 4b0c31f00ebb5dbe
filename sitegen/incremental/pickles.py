"""How the build cache's files are pickled and read back: as data, never as code.

A cache folder may come from a CI cache or a careless commit, so its files are read through an allow-list of
classes (`SafeUnpickler`); anything else (os.system, builtins.eval, ...) is refused. Files that hold plain data only
(the search index's state) are read by `DataUnpickler`, which allows no class at all. Articles are written by
`Pickler`, which saves a dataclass as its field values (read back by `_rebuild`, much faster than dataclasses'
generic state) and shares one Path object per picture; an article shard names its pictures by their key in the
shared picture table (`shard_pickler`, `ShardUnpickler`; sitegen.incremental.picturetable).
"""

from __future__ import annotations

import copyreg
import functools
import io
import operator
import os
import pickle
import zlib
from collections.abc import Callable, Mapping
from dataclasses import fields
from pathlib import Path
from typing import IO, Any, cast
from zoneinfo import ZoneInfo

from sitegen.model import Article, Image, ImageVariant

# what reading a damaged, foreign or hostile cache file can raise
READ_ERRORS = (OSError, EOFError, pickle.UnpicklingError, ValueError, KeyError, TypeError, AttributeError,
               IndexError, MemoryError)  # fmt: skip
# what saving can raise for a value the cache does not hold (front matter of an unexpected type)
WRITE_ERRORS = (pickle.PicklingError, TypeError, AttributeError)


class FormerLayout(pickle.UnpicklingError):
    """A file written by a sitegen whose cache classes lived elsewhere: made by another toolchain, not damaged."""


# The classes a cache file may name.
_ALLOWED = {
    ("sitegen.model.article", "Article"), ("sitegen.model.article", "Image"),
    ("sitegen.model.article", "ImageVariant"), ("sitegen.model.article", "FrozenMapping"),
    ("sitegen.errors", "ContentError"),
    ("markupsafe", "Markup"), ("datetime", "datetime"),
    ("datetime", "date"), ("datetime", "time"), ("datetime", "timedelta"), ("datetime", "timezone"),
    ("zoneinfo", "ZoneInfo"), ("zoneinfo._zoneinfo", "ZoneInfo"), ("pathlib", "PosixPath"),
    ("pathlib", "PurePosixPath"), ("builtins", "frozenset"), ("builtins", "set"),
    ("sitegen.incremental.pickles", "_rebuild"), ("sitegen.incremental.pickles", "_path"),
    ("sitegen.incremental.pickles", "_picture"),
}  # fmt: skip
# where the cached classes were before they moved (cache format 1): to the stores, and into the model package
_FORMER_MODULES = {"sitegen.incremental.cache", "sitegen.model"}

_KINDS: dict[str, type] = {"Article": Article, "Image": Image, "ImageVariant": ImageVariant}


def _rebuild(kind: str, values: tuple[Any, ...]) -> Any:
    """An Article, Image or ImageVariant from its field values (faster than dataclasses' generic __setstate__)."""
    return _MAKERS[kind](values)


def _maker(kind: type) -> Callable[[tuple[Any, ...]], Any]:
    """A function making a `kind` from its field values, each slot set by its descriptor in one unrolled line:
    about 40% less than the dataclass's __init__, whose frozen fields are set through object.__setattr__ (a
    cache at 100,000 articles reads back some 800,000 picture variants). None of these classes has a
    __post_init__; a wrong number of values is refused as __init__ would refuse it."""
    names = [f.name for f in fields(kind)]
    scope: dict[str, Any] = {"_new": object.__new__, "_kind": kind}
    lines = [
        "def make(values):",
        f"    if len(values) != {len(names)}:",
        f"        raise TypeError('{kind.__name__} takes {len(names)} values')",
        "    made = _new(_kind)",
    ]
    for index, name in enumerate(names):
        scope[f"_set{index}"] = kind.__dict__[name].__set__
        lines.append(f"    _set{index}(made, values[{index}])")
    lines.append("    return made")
    exec("\n".join(lines), scope)  # our own text: the field names of our own classes
    return cast(Callable[[tuple[Any, ...]], Any], scope["make"])


@functools.lru_cache(maxsize=4096)
def _path(text: str) -> Path:
    """Articles share a few hundred pictures: one Path object each, not one per use."""
    return Path(text)


def _reduce_dataclass(obj: Any) -> tuple[Any, ...]:
    kind = type(obj)
    return _rebuild, (kind.__name__, _FIELD_VALUES[kind](obj))


# every field's value as a tuple, read in C
_FIELD_VALUES = {kind: operator.attrgetter(*(f.name for f in fields(kind))) for kind in _KINDS.values()}
_MAKERS = {name: _maker(kind) for name, kind in _KINDS.items()}


# by exact type, looked up in C: much faster than reducer_override, which Python calls for every object
_DISPATCH: dict[type, Callable[[Any], Any]] = {
    **copyreg.dispatch_table,
    **dict.fromkeys(_KINDS.values(), _reduce_dataclass),
    ZoneInfo: lambda zone: (ZoneInfo, (zone.key,)),  # its own reduction goes through getattr, refused on reading
    type(Path()): lambda path: (_path, (str(path),)),
}


def register(kind: type) -> None:
    """Save and read another frozen dataclass of the cache by its field values, as Article's (a store's own record
    type, such as the kept Site's classes). Its class must be in _ALLOWED."""
    _KINDS[kind.__name__] = kind
    _MAKERS[kind.__name__] = _maker(kind)
    _FIELD_VALUES[kind] = operator.attrgetter(*(f.name for f in fields(kind)))
    _DISPATCH[kind] = _reduce_dataclass


class Pickler(pickle.Pickler):
    dispatch_table = _DISPATCH


def _picture(key: str) -> Image:
    """A picture of the shared table, by its key: what an article shard saves in its place. Only a shard's reader
    (ShardUnpickler) resolves it; anywhere else it is refused."""
    raise pickle.UnpicklingError(f"the picture {key!r} is named outside an article shard")


def shard_pickler(keys: Mapping[int, str]) -> Callable[..., pickle.Pickler]:
    """A Pickler saving each picture `keys` names (by the object's id) as a reference to its key in the picture
    table, any other one by value."""

    def reduce_image(image: Image) -> tuple[Any, ...]:
        key = keys.get(id(image))
        return (_picture, (key,)) if key is not None else _reduce_dataclass(image)

    dispatch = {**_DISPATCH, Image: reduce_image}

    def make(handle: IO[bytes], protocol: int) -> pickle.Pickler:
        pickler = pickle.Pickler(handle, protocol=protocol)
        pickler.dispatch_table = dispatch
        return pickler

    return make


def send_by_value() -> None:
    """Have multiprocessing's pickler (an article coming back from a Markdown worker) save the cache's dataclasses
    by their field values and a path as its text, as `Pickler` does, not by dataclasses' generic state and a Path
    built from its parts: read back several times faster (a micro-benchmark of 3,000 articles: 80 µs an article,
    not 500); a cold 10,000-article build spent some 1.5 s of the building process's CPU on it. Only what this
    process's own workers send is read so."""
    from multiprocessing.reduction import ForkingPickler

    for kind in (*_KINDS.values(), type(Path())):
        ForkingPickler.register(kind, _DISPATCH[kind])


class SafeUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _ALLOWED:
            if module in _FORMER_MODULES:
                raise FormerLayout(f"{module}.{name}")
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a build cache")
        return super().find_class(module, name)


class ShardUnpickler(SafeUnpickler):
    """Reads an article shard: each picture reference resolved from `pictures`, the table the index names; a key it
    does not hold makes the shard unreadable (its articles are rendered again)."""

    def __init__(self, file: IO[bytes], pictures: Mapping[str, Image]) -> None:
        super().__init__(file)
        # Not a method of this unpickler: its memo keeps what find_class gives, and a bound method there made a
        # cycle that held the unpickler, and through its memo every object of the shard, until the collector's
        # next full pass (after a build's frozen objects are given back: the process's exit, 0.9 s at 100,000
        # articles).
        self._picture = functools.partial(_table_picture, pictures)

    def find_class(self, module: str, name: str) -> Any:
        found = super().find_class(module, name)
        return self._picture if found is _picture else found


def _table_picture(pictures: Mapping[str, Image], key: object) -> Image:
    """The picture `key` names in the picture table `pictures` (ShardUnpickler)."""
    picture = pictures.get(key) if isinstance(key, str) else None
    if picture is None:
        raise pickle.UnpicklingError(f"the picture {key!r} is not in the picture table")
    return picture


class DataUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"{module}.{name}: the search state holds no objects")


# After the pickle of a sealed file: this, then the CRC-32 of the pickle's bytes. A byte changed inside a text or a
# number still unpickles (a title, a date, a search shard's postings): the checksum is what tells, as the body
# store's rows carry theirs. CRC-32 in C reads some 1.5 GB/s: 30-50 ms of a 10,000-article cache read.
_SEAL = b"sitegen-crc32:"


def dump_sealed(handle: IO[bytes], value: Any, pickler: Callable[..., pickle.Pickler] = Pickler) -> None:
    """Pickle `value` into `handle`, followed by its checksum (read back by `load_sealed`)."""
    data = pickled(value, pickler)
    handle.write(data)
    handle.write(_trailer(data))


def write_sealed(path: Path, value: Any, pickler: Callable[..., pickle.Pickler] = Pickler) -> None:
    """`value` pickled and sealed into a file beside `path`, renamed into place: a reader sees the old file or the
    new one."""
    write_pickled(path, pickled(value, pickler))


def pickled(value: Any, pickler: Callable[..., pickle.Pickler] = Pickler) -> memoryview:
    """The pickle of `value` (for `write_pickled`, when its size decides what is written)."""
    buffer = io.BytesIO()
    pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return buffer.getbuffer()


def write_pickled(path: Path, data: bytes | memoryview) -> None:
    """The pickle `data`, sealed, into a file beside `path`, renamed into place."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        with temporary.open("wb") as handle:
            handle.write(data)
            handle.write(_trailer(data))
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    os.replace(temporary, path)


def seal(data: bytes) -> bytes:
    """A sealed file's bytes for the pickle `data` (what dump_sealed writes; the tests forge cache files with it)."""
    return data + _trailer(data)


def _trailer(data: bytes | memoryview) -> bytes:
    return _SEAL + zlib.crc32(data).to_bytes(4, "big")


def load_sealed(handle: IO[bytes], unpickler: Callable[[IO[bytes]], pickle.Unpickler] = SafeUnpickler) -> Any:
    """What `dump_sealed` wrote; pickle.UnpicklingError when the bytes do not match their checksum (FormerLayout
    when there is none: a file of a sitegen that wrote none)."""
    data = handle.read()
    end = len(data) - len(_SEAL) - 4
    if end < 0 or data[end : end + len(_SEAL)] != _SEAL:
        if data[-1:] == pickle.STOP:
            raise FormerLayout("a file without a checksum")
        raise pickle.UnpicklingError("truncated: no checksum at its end")
    if zlib.crc32(memoryview(data)[:end]) != int.from_bytes(data[-4:], "big"):
        raise pickle.UnpicklingError("its bytes do not match their checksum")
    return unpickler(io.BytesIO(data)).load()  # reads up to the pickle's STOP: the seal after it is left alone
