"""What loading freed is given back to the system before the page workers fork (sitegen.build.heap)."""

from __future__ import annotations

import platform
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import MakeSite, article, build_site

from sitegen.build import heap, pipeline


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_the_free_pages_are_given_back_on_glibc() -> None:
    assert heap.give_back()


def test_a_build_gives_them_back_once_the_site_is_loaded(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    site: Path = make_site({f"content/towns/{n}.md": article(f"第{n}篇", body="正文。") for n in range(3)})
    events: list[str] = []
    load_run = pipeline.load_run

    def loaded(*args: Any, **kwargs: Any) -> Any:
        events.append("loaded")
        return load_run(*args, **kwargs)

    def given_back() -> bool:
        events.append("given back")
        return True

    monkeypatch.setattr(pipeline, "load_run", loaded)
    monkeypatch.setattr(heap, "give_back", given_back)
    monkeypatch.setattr(pipeline, "page_files", _after(pipeline.page_files, events, "pages"))
    build_site(site)
    assert events == ["loaded", "given back", "pages"]


def _after(function: Callable[..., Any], events: list[str], name: str) -> Any:
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        events.append(name)
        return function(*args, **kwargs)

    return wrapped
