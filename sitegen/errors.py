"""Errors the library reports. Plain Python: the CLI decides how to print them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ContentError:
    """One problem in one source file, pointing at the line and field an editor must fix."""

    path: str  # relative to the site folder, POSIX separators
    line: int | None
    field: str | None
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        what = f"{self.field}: {self.message}" if self.field else self.message
        text = f"{where}: {what}"
        return f"{text} ({self.hint})" if self.hint else text

    @property
    def sort_key(self) -> tuple[str, int, str]:
        return (self.path, self.line or 0, self.field or "")


class BuildFailed(Exception):
    """Raised when content errors stop a build; nothing has been written."""

    def __init__(self, errors: Iterable[ContentError]) -> None:
        self.errors: tuple[ContentError, ...] = tuple(sorted(errors, key=lambda e: e.sort_key))
        super().__init__(f"{len(self.errors)} content error(s)")


class ConfigError(Exception):
    """The site configuration or the command's options are unusable (exit code 2)."""

    def __init__(self, errors: Iterable[ContentError]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(str(e) for e in self.errors))
