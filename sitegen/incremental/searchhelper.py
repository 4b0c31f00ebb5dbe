"""The search index updated from its saved state in a helper process, on the other core, while the building process
plans, renders and writes the pages.

After an edit of one article at 100,000 articles, reading the index's state (80 MB: every document's key and digest,
and the shards) and updating it took 0.3 s of the building process, one core idle meanwhile. The update needs little
of the loaded site: the documents' keys (which say which documents changed) and the documents that did. So the
building process starts a helper (a fresh interpreter, `helperprocess.py`, as the output check does: a forked copy
of a process holding the loaded site made the parent pay for every page it wrote to afterwards, 170,000 page faults,
more than the update) and hands it the keys and the documents of the articles it rendered, the last output's index
folder and the shards still intact there. The helper reads the state, updates it, works out the save of the new
state against its base (`searchrecord.prepared_search_state`) and hands back the index's files and that save, as
plain data.

All or nothing: where the helper would need anything else (a changed document it was not given, a chunk the output
lost, an unreadable state, a damaged file: anything that makes a build say something or read a body), it answers
nothing and the building process makes the update itself, as without a helper. The helper writes nothing.
"""

from __future__ import annotations

import marshal
import sys
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

from sitegen.helperprocess import HelperProcess
from sitegen.incremental.journal import Base
from sitegen.incremental.searchrecord import PreparedState, load_search_state, prepared_search_state
from sitegen.search.format import SearchDocument
from sitegen.search.update import Files, restored, update_index

# what a helper's work raises when it cannot answer: the building process then does the work itself
_CANNOT = (OSError, EOFError, ValueError, TypeError, KeyError, IndexError, AttributeError, MemoryError)

# A document as it crosses: its SearchDocument fields, in order.
DocumentFields = tuple[str, str, str, str, str]


class SearchHelper:
    """The update of the index saved in `state_file` (its files under `folder` in the last output), made by a
    helper process started now. `keys`: every document's key by id; `documents`: the fields of the documents
    that may have changed, by id; `kept`: the shards (paths under `folder`) the output holds as the last build left
    them."""

    def __init__(
        self,
        state_file: Path,
        folder: Path,
        keys: Sequence[str],
        documents: Mapping[int, DocumentFields],
        kept: Collection[str],
    ) -> None:
        self._helper: HelperProcess | None = None
        request: dict[str, object] = {"state": str(state_file), "folder": str(folder), "keys": list(keys)}
        request |= {"documents": dict(documents), "kept": sorted(kept)}
        try:
            payload = marshal.dumps(request)
        except ValueError:  # not plain data: made by the building process
            return
        code = f"import sys; sys.path[:] = {sys.path!r}; from {__name__} import answer; answer()"
        self._helper = HelperProcess([sys.executable, "-c", code], payload)

    def result(self) -> tuple[Files, PreparedState] | None:
        """The updated index's files (path under the folder, bytes or None: as the last index had it) and the save
        of its state; None when the helper could not make them (the building process makes them)."""
        helper, self._helper = self._helper, None
        said = helper.answer() if helper is not None else None
        if not said:
            return None
        try:
            answered = marshal.loads(said)
        except (EOFError, ValueError, TypeError):
            return None
        if answered is None:
            return None
        files, save = answered
        return [(path, data) for path, data in files], (save[0], save[1])

    def close(self) -> None:
        """Stop the helper, if it still runs (the build stopped early)."""
        helper, self._helper = self._helper, None
        if helper is not None:
            helper.stop()


def answer() -> None:
    """The helper process: the request on its input (its size on a line, then marshalled), the answer on its output
    (marshalled: the files and the state's save, or None)."""
    length = int(sys.stdin.buffer.readline())
    request = marshal.loads(sys.stdin.buffer.read(length))
    try:
        answered: Any = updated(request)
    except _CANNOT:
        answered = None
    sys.stdout.buffer.write(marshal.dumps(answered))


def updated(request: dict[str, Any]) -> tuple[Files, PreparedState] | None:
    """The work of the helper (see the module's doc); None, or an exception of _CANNOT, when it cannot answer."""
    state_file, folder = Path(request["state"]), Path(request["folder"])
    warnings: list[str] = []
    bases: dict[str, Base] = {}
    state = load_search_state(state_file.parent, state_file.name, warnings, bases)
    if state is None or warnings:
        return None
    documents = {int(doc_id): SearchDocument(*fields) for doc_id, fields in request["documents"].items()}
    kept = set(request["kept"])

    def previous(path: str) -> bytes | None:
        try:
            return (folder / path).read_bytes()
        except OSError:
            return None

    in_output = previous("meta.json") == state.meta()  # else another index, or none: every file made
    changes = update_index(state, request["keys"], documents.__getitem__, previous)
    files: Files = []
    for path, data in changes:
        if data is None and (not in_output or (path.startswith("shards/") and path not in kept)):
            data = restored(state, path, documents.__getitem__)  # a chunk of documents not given: KeyError
        files.append((path, data))
    return files, prepared_search_state(state, state_file.name, bases)

