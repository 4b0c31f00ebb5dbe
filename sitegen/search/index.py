"""The search package's face to the build: the names the pipeline, the cache and the tests use, from the modules
that hold them. Full-text search without a server: a character-bigram index, sharded so that a query fetches only
what it needs.

  format.py     the text rules (normalize, bigrams, shard_of) and the files (meta.json, shards/<i>.bin, docs/<n>.json)
  postings.py   postings as numpy arrays: from texts, into shard files and back
  documents.py  what the index holds of an article, and its key
  state.py      IndexState: what the next build needs of the last index (no numpy: the cache reads it)
  build.py      the index built cold
  update.py     the index updated from what changed; files restored without the output (the CI path)
"""

from sitegen.search.build import Part, Spread, build_new_index, index_part, new_index
from sitegen.search.documents import (
    DocumentShell,
    column_titles,
    document_key,
    search_document,
    search_documents,
    search_text,
    shell_fields,
)
from sitegen.search.format import (
    FORMAT,
    SEARCH_URL,
    TARGET_SHARD_BYTES,
    SearchDocument,
    bigrams,
    normalize,
    query_terms,
    shard_of,
    text_bigrams,
)
from sitegen.search.state import STATE_SCHEMA, IndexState, state_data, state_from_data
from sitegen.search.update import Files, Previous, restored, update_index

__all__ = [
    "FORMAT",
    "SEARCH_URL",
    "STATE_SCHEMA",
    "TARGET_SHARD_BYTES",
    "DocumentShell",
    "Files",
    "IndexState",
    "Part",
    "Previous",
    "SearchDocument",
    "Spread",
    "bigrams",
    "build_new_index",
    "column_titles",
    "document_key",
    "index_part",
    "new_index",
    "normalize",
    "query_terms",
    "restored",
    "search_document",
    "search_documents",
    "search_text",
    "shard_of",
    "shell_fields",
    "state_data",
    "state_from_data",
    "text_bigrams",
    "update_index",
]
