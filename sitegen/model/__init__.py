"""The data sitegen works on: frozen, slotted dataclasses with no I/O.

One module per part: `settings` (site.yaml's Config), `article` (an Article, its pictures and body, output files),
`pages` (what the Site is assembled into). Every name is importable from here: `from sitegen.model import Article`.
"""

from __future__ import annotations

from sitegen.model.article import (
    EMPTY_MAPPING,
    READ_ONLY_THROUGH_THE_ARTICLE,
    SHAPING_FIELDS,
    Article,
    Body,
    BodyOf,
    FrozenMapping,
    Image,
    ImageVariant,
    OutputFile,
    WrittenStat,
    output_path_for,
)
from sitegen.model.pages import (
    ArchivePeriod,
    ArticlePage,
    Author,
    ColumnBlock,
    HomePage,
    Listing,
    PageLink,
    Picture,
    Site,
    Tag,
)
from sitegen.model.settings import (
    DEFAULT_KEEP_BUILDS,
    Column,
    Config,
    Edition,
    EditorConfig,
    Filings,
    MourningRange,
)

__all__ = [
    "DEFAULT_KEEP_BUILDS",
    "EMPTY_MAPPING",
    "READ_ONLY_THROUGH_THE_ARTICLE",
    "SHAPING_FIELDS",
    "ArchivePeriod",
    "Article",
    "ArticlePage",
    "Author",
    "Body",
    "BodyOf",
    "Column",
    "ColumnBlock",
    "Config",
    "Edition",
    "EditorConfig",
    "Filings",
    "FrozenMapping",
    "HomePage",
    "Image",
    "ImageVariant",
    "Listing",
    "MourningRange",
    "OutputFile",
    "PageLink",
    "Picture",
    "Site",
    "Tag",
    "WrittenStat",
    "output_path_for",
]
