"""Errors the library reports. Plain Python: the CLI decides how to print them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sitegen.messages import is_translated, translate


def printable(text: str) -> str:
    """`text` on one line: control characters shown as escapes, so one error is always one line."""
    return "".join(char if char.isprintable() or char == " " else repr(char)[1:-1] for char in text)


@dataclass(frozen=True, slots=True)
class ContentError:
    """One problem in one source file, pointing at the line and field an editor must fix."""

    path: str  # relative to the site folder, POSIX separators
    line: int | None
    field: str | None
    message: str
    hint: str = ""

    def __str__(self) -> str:
        return self.text("en")

    def text(self, language: str) -> str:
        """`path:line: field: message (hint)` in the given language; field names stay as written, on one line."""
        message, hint = translate(self.message, language), translate(self.hint, language)
        if self.line is None and not self.field and self.path:  # a warning written `path: message` (warning_error):
            whole = f"{self.path}: {self.message}"  # the catalog knows it whole, its file included
            if is_translated(whole, language):
                return translate(whole, language)
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        what = f"{printable(self.field)}: {message}" if self.field else message
        text = f"{where}: {what}"
        if not hint:
            return text
        return f"{text}（{hint}）" if language == "zh-CN" else f"{text} ({hint})"

    @property
    def sort_key(self) -> tuple[str, int, str]:
        return (self.path, self.line or 0, self.field or "")


def warning_error(warning: str) -> ContentError:
    """A build warning written `path: message` (see viewcounts) as the error it is under --strict."""
    path, _, message = warning.partition(": ")
    return ContentError(path, None, None, message) if message else ContentError("", None, None, warning)


class BuildFailed(Exception):
    """Raised when content errors stop a build; nothing has been written. `warnings`: what the build would have
    warned of (errors too under --strict), so that a failed run still says all it found."""

    def __init__(self, errors: Iterable[ContentError], warnings: Iterable[ContentError] = ()) -> None:
        self.errors: tuple[ContentError, ...] = tuple(sorted(errors, key=lambda e: e.sort_key))
        self.warnings: tuple[ContentError, ...] = tuple(sorted(warnings, key=lambda e: e.sort_key))
        super().__init__(f"{len(self.errors)} content error(s)")

    def __reduce__(self) -> tuple[type, tuple[tuple[ContentError, ...], tuple[ContentError, ...]]]:
        return (type(self), (self.errors, self.warnings))  # raised in a worker process, re-raised whole in the parent


class ConfigError(Exception):
    """The site configuration or the command's options are unusable (exit code 2)."""

    def __init__(self, errors: Iterable[ContentError]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(str(e) for e in self.errors))
