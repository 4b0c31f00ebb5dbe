"""Where the default theme lives: inside the installed package, or at the repository root in a checkout."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


@dataclass(frozen=True, slots=True)
class Theme:
    templates: Path
    assets: Path


def default_theme() -> Theme:
    packaged = _PACKAGE / "theme"  # the wheel puts templates/ and assets/ here
    root = packaged if (packaged / "templates").is_dir() else _PACKAGE.parent  # an editable checkout
    return Theme(templates=root / "templates", assets=root / "assets")
