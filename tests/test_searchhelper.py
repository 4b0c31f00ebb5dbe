"""The search index updated by a helper process while the pages are made (incremental/searchhelper.py), and by the
building process itself wherever the helper cannot: the same files either way, a cold build's."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

import pytest
from conftest import MakeSite, article, build_site, tree

from sitegen.build import destination, searchfiles
from sitegen.incremental import searchhelper
from sitegen.incremental.searchhelper import DocumentFields, SearchHelper
from sitegen.incremental.searchrecord import SEARCH_FILE

BODIES = ["均禾街道开展防诈宣传。", "党建引领基层治理。", "长者饭堂开业了。", "垃圾分类志愿服务。", "防汛防风演练。"]


def news_site(make_site: MakeSite) -> Path:
    """Five articles, oldest first a.md ... e.md, in two columns."""
    return make_site(
        {
            f"content/{'towns' if i % 2 else 'tips'}/{name}.md": article(f"标题{name}", f"2024-0{i + 1}-01", body)
            for i, (name, body) in enumerate(zip("abcde", BODIES, strict=True))
        }
    )


def cold_tree(site: Path, output: Path) -> dict[str, bytes]:
    build_site(site, output_dir=output, disk_cache=False, jobs=1)
    return tree(output)


def edit(site: Path, name: str, text: str) -> None:
    with (site / f"content/towns/{name}.md").open("a", encoding="utf-8") as handle:
        handle.write(f"\n{text}\n")


@pytest.fixture
def helped(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[int]]:
    """A helper for every index, however small; how many were started, and how often this process read a state."""
    monkeypatch.setattr(searchfiles, "HELPER_DOCUMENTS", 0)
    counts: dict[str, list[int]] = {"started": [], "answered": [], "read here": []}
    real_result, real_init, real_load = SearchHelper.result, SearchHelper.__init__, destination.load_search_state

    def init(self: SearchHelper, *args: object) -> None:
        counts["started"].append(1)
        real_init(self, *args)  # type: ignore[arg-type]

    def result(self: SearchHelper) -> object:
        made = real_result(self)
        if made is not None:
            counts["answered"].append(1)
        return made

    def load(folder: Path, name: str, *args: object) -> object:
        if (folder / name).is_file():
            counts["read here"].append(1)
        return real_load(folder, name, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(SearchHelper, "__init__", init)
    monkeypatch.setattr(SearchHelper, "result", result)
    monkeypatch.setattr(destination, "load_search_state", load)
    return counts


def test_an_edit_is_indexed_by_the_helper_and_gives_a_cold_builds_files(
    make_site: MakeSite, tmp_path: Path, helped: dict[str, list[int]]
) -> None:
    site = news_site(make_site)
    build_site(site, jobs=2)
    assert helped == {"started": [], "answered": [], "read here": []}  # a cold build: no state to update
    for round_, text in enumerate(["新增的段落，社区志愿者参与清洁。", "再改一次：舞火龙。"]):
        edit(site, "b", text)
        build_site(site, jobs=2)
        assert len(helped["answered"]) == round_ + 1 and not helped["read here"]  # the state never read here
        assert tree(site / "public") == cold_tree(site, tmp_path / f"cold{round_}")
    build_site(site, jobs=2)  # nothing changed: no helper
    assert len(helped["started"]) == 2


def test_no_helper_with_one_core(make_site: MakeSite, helped: dict[str, list[int]]) -> None:
    site = news_site(make_site)
    build_site(site, jobs=1)
    edit(site, "b", "新增的段落。")
    build_site(site, jobs=1)
    assert not helped["started"] and helped["read here"]


def _without_documents(
    state: Path, folder: Path, keys: Sequence[str], documents: Mapping[int, DocumentFields], kept: Collection[str]
) -> SearchHelper:
    return SearchHelper(state, folder, keys, {}, kept)


@pytest.mark.parametrize("trouble", ["a changed document not given", "a damaged state", "no interpreter"])
def test_where_the_helper_cannot_the_build_updates_the_index_itself(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, helped: dict[str, list[int]], trouble: str
) -> None:
    site = news_site(make_site)
    build_site(site, jobs=2)
    edit(site, "b", "新增的段落，社区志愿者参与清洁。")
    if trouble == "a changed document not given":
        monkeypatch.setattr(searchfiles, "SearchHelper", _without_documents)
    elif trouble == "a damaged state":
        state = site / ".sitegen-cache" / SEARCH_FILE
        state.write_bytes(state.read_bytes()[:-10])
    else:
        monkeypatch.setattr(searchhelper.sys, "executable", str(tmp_path / "no-python"))
    report = build_site(site, jobs=2)
    assert helped["started"] and not helped["answered"] and helped["read here"] == [1]  # made here, read once
    said = [warning for warning in report.cache_warnings if SEARCH_FILE in warning]
    assert len(said) == (1 if trouble == "a damaged state" else 0), report.cache_warnings  # said once, here
    assert tree(site / "public") == cold_tree(site, tmp_path / "cold")
    edit(site, "b", "再改一次：舞火龙。")  # the state this build saved is the next one's
    build_site(site, jobs=2)
    assert tree(site / "public") == cold_tree(site, tmp_path / "cold-next")


def test_the_helper_answers_nothing_for_a_document_it_was_not_given(make_site: MakeSite) -> None:
    """In-process: the request of an edit without the edited document is refused (KeyError), never half answered."""
    site = news_site(make_site)
    build_site(site, jobs=1)
    state = site / ".sitegen-cache" / SEARCH_FILE
    from sitegen.incremental.searchrecord import load_search_state

    loaded = load_search_state(state.parent)
    assert loaded is not None
    keys = [*loaded.keys[:-1], loaded.keys[-1] + "|changed"]
    request = {"state": str(state), "folder": str(site / "public" / "search"), "keys": keys, "documents": {}}
    with pytest.raises(KeyError):
        searchhelper.updated({**request, "kept": []})
    unchanged = searchhelper.updated({**request, "keys": list(loaded.keys), "kept": ["shards/0.bin"]})
    assert unchanged is not None and all(data is None for path, data in unchanged[0] if path != "meta.json")


def test_no_helper_where_the_output_lacks_the_last_index(
    make_site: MakeSite, tmp_path: Path, helped: dict[str, list[int]]
) -> None:
    """The CI path with a commit: the output is new and empty, so every chunk of the index needs its documents,
    which the building process has: it makes the update itself."""
    site = news_site(make_site)
    output = tmp_path / "ci-public"
    build_site(site, jobs=2, output_dir=output)
    edit(site, "b", "新增的段落。")
    build_site(site, jobs=2, output_dir=tmp_path / "fresh-public")
    assert not helped["started"]
    assert tree(tmp_path / "fresh-public") == cold_tree(site, tmp_path / "cold")


def test_a_prepared_save_is_written_once(tmp_path: Path) -> None:
    """SearchRecord.save_states writes the helper's prepared save, and forgets it: a later save in the same process
    never writes that build's journal again over what came after."""
    from sitegen.incremental.journal import journal_path
    from sitegen.incremental.searchrecord import SearchRecord

    record = SearchRecord()
    record.prepared[SEARCH_FILE] = (b"journal bytes", False)
    record.save_states(tmp_path)
    written = journal_path(tmp_path / SEARCH_FILE)
    assert written.is_file() and not record.prepared
    written.unlink()
    record.save_states(tmp_path)
    assert not written.exists()
