"""The warnings a build gives about its cache: one line each, naming the file and the reason, in English here and
translated by sitegen.messages. A damaged, foreign or hostile cache never fails a build and never changes its output:
what it held is dropped and made again in the same build, and said (`--profile` counts these lines).
"""

from __future__ import annotations


def discarded(file: str, reason: str) -> str:
    """A whole cache file set aside (another toolchain, a damaged file): everything it held is made again."""
    return f"{file}: cache discarded ({reason}); rebuilt"


def dropped(file: str, reason: str) -> str:
    """One entry of a cache file set aside: made again."""
    return f"{file}: cache entry dropped ({reason}); made again"


def cold_search(file: str, reason: str) -> str:
    return f"{file}: the search index could not be updated ({reason}); built anew"


def damaged(detail: object) -> str:
    text = " ".join(str(detail).split())[:120] or type(detail).__name__
    return f"damaged: {text}"


def outside(name: str) -> str:
    return f"names a path outside the cache folder or of the wrong kind: {name}"


def changed() -> str:
    return "its bytes changed since it was made"


OTHER_TOOLCHAIN = "made by another version of sitegen, Python or a library"
