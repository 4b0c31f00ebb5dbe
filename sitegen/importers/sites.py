"""A Hugo or Jekyll site read the way its generator reads it: its configuration and its content files only.

Hugo: the content files under `contentDir` (from hugo.toml|yaml|json, config.toml|yaml|json or config/_default/,
default `content/`). Jekyll: `_posts/` and `_drafts/` (also below category folders) and the collections with
`output: true`. Layouts, themes, includes, READMEs, dot-folders and build outputs are never content.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitegen.content.yamltext import YamlSyntaxError, parse_yaml

MARKDOWN_EXTENSIONS = (".md", ".markdown", ".mdown", ".mkdn", ".mkd", ".mdwn", ".html", ".htm")
OTHER_MARKUP = (".org", ".adoc", ".asciidoc", ".rst", ".pandoc", ".pdc", ".textile", ".ipynb")
SKIPPED_FOLDERS = frozenset({"_site", "node_modules", "vendor", "_layouts", "_includes", "_sass", "_data"})
NOT_CONTENT = re.compile(r"^(?:readme|license|licence|changelog|contributing|code_of_conduct|security)(?:\..*)?$", re.I)
HUGO_CONFIGS = ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json", "config.toml", "config.yaml", "config.yml",
                "config.json")  # fmt: skip


def read_config(path: Path) -> dict[str, Any] | None:
    """A TOML, YAML or JSON configuration file as a mapping; None when it is missing or unreadable."""
    try:
        text = path.read_text(encoding="utf-8-sig")
        if path.suffix == ".toml":
            data: Any = tomllib.loads(text)
        elif path.suffix == ".json":
            data = json.loads(text)
        else:
            data = parse_yaml(text).data
    except (OSError, UnicodeDecodeError, ValueError, YamlSyntaxError):
        return None
    return data if isinstance(data, dict) else None


def content_files(folder: Path) -> list[tuple[Path, str]]:
    """Content files under `folder` (or `folder` itself), sorted, with the name the report gives each: no
    dot-folders, build outputs, dependencies, Jekyll's layouts and includes, or READMEs. (Hugo's layouts/ and
    themes/ lie outside contentDir, which is all that is read of a Hugo site.)"""
    if folder.is_file():
        return [(folder, str(folder))]
    found = []
    for file in sorted(folder.rglob("*")):
        parts = file.relative_to(folder).parts
        if any(p.startswith(".") or p in SKIPPED_FOLDERS for p in parts[:-1]) or NOT_CONTENT.match(file.name):
            continue
        if file.suffix.lower() in MARKDOWN_EXTENSIONS + OTHER_MARKUP and file.is_file():
            found.append((file, str(file)))
    return found


# --------------------------------------------------------------------------- Hugo


@dataclass(frozen=True, slots=True)
class HugoSite:
    root: Path  # the site folder (pictures may come from anywhere in it)
    content: Path  # contentDir
    static: Path | None
    config: dict[str, Any] = field(default_factory=dict)
    language_dirs: dict[str, Path] = field(default_factory=dict)  # a multilingual site's [languages.x] contentDir

    def place(self, file: Path) -> tuple[Path, str]:
        """(the contentDir `file` lies in, its language: `post.zh.md`'s suffix when zh is a language of the site,
        else that of the contentDir, else defaultContentLanguage), as Hugo assigns them."""
        from sitegen.importers.oldurls import default_language, hugo_languages

        folders = sorted(((d, lang) for lang, d in self.language_dirs.items() if file.is_relative_to(d)),
                         key=lambda pair: len(pair[0].parts))  # fmt: skip
        content, language = folders[-1] if folders else (self.content, default_language(self.config))
        suffix = file.name.split(".")[-2].lower() if file.name.count(".") >= 2 else ""
        return content, suffix if suffix in hugo_languages(self.config) else language

    @property
    def params(self) -> dict[str, Any]:
        params = next((v for k, v in self.config.items() if k.lower() == "params"), None)
        return params if isinstance(params, dict) else {}


def hugo_config(root: Path) -> dict[str, Any] | None:
    """The site's configuration: the first config file at the root, else config/_default/ (its hugo/config file
    with params.* and permalinks.* merged in); None when the folder has none."""
    folder = root / "config" / "_default"
    for name in HUGO_CONFIGS:
        data = read_config(root / name)
        if data is not None:
            if not any(k.lower() == "params" for k in data) and (params := _part(folder, "params")) is not None:
                data["params"] = params  # [params] kept in config/_default/params.toml beside a root config
            return data
    if not folder.is_dir():
        return None
    merged: dict[str, Any] = {}
    for name in HUGO_CONFIGS:
        merged.update(read_config(folder / name) or {})
    for key in ("params", "permalinks", "menus"):
        part = _part(folder, key)
        if part is not None:
            merged[key] = part
    return merged


def _part(folder: Path, key: str) -> dict[str, Any] | None:
    """config/_default/<key>.toml|yaml|yml|json: one table of a split configuration."""
    return next((d for s in (".toml", ".yaml", ".yml", ".json") if (d := read_config(folder / f"{key}{s}"))), None)


def hugo_site(source: Path) -> HugoSite:
    """The Hugo site `source` (the site, its content folder, a section or a file) belongs to."""
    resolved = source.resolve()
    start = resolved if resolved.is_dir() else resolved.parent
    for folder in (start, *start.parents):
        config = hugo_config(folder)
        name = next((v for k, v in (config or {}).items() if k.lower() == "contentdir"), None)
        content = folder / (name if isinstance(name, str) and name.strip() else "content")
        languages = _language_dirs(folder, config or {})
        inside = resolved.is_relative_to(content) or any(resolved.is_relative_to(d) for d in languages.values())
        if (config is not None or content.is_dir()) and (resolved == folder or inside):
            static = folder / "static"
            return HugoSite(folder, content.resolve(), static if static.is_dir() else None, config or {}, languages)
    return HugoSite(start, start, None, {})


def _language_dirs(root: Path, config: dict[str, Any]) -> dict[str, Path]:
    """language -> its contentDir, for the languages of `[languages]` that have one of their own."""
    languages = next((v for k, v in config.items() if k.lower() == "languages"), None)
    found = {}
    for code, settings in (languages.items() if isinstance(languages, dict) else []):
        folder = next((v for k, v in settings.items() if k.lower() == "contentdir"), None) if isinstance(
            settings, dict) else None  # fmt: skip
        if isinstance(folder, str) and folder.strip():
            found[str(code).lower()] = (root / folder.strip()).resolve()
    return found


def hugo_files(source: Path, site: HugoSite) -> list[tuple[Path, str]]:
    """The content files to import: contentDir's when `source` is the site folder, else those under `source`; less
    those the configuration's `ignoreFiles` patterns name (blogdown's `\\.Rmd$`, `_cache$`...)."""
    if source.resolve() == site.root and site.content != site.root:
        folders = dict.fromkeys([site.content, *site.language_dirs.values()])  # each once, nested ones too
        files = sorted({f for folder in folders if folder.is_dir() for f in content_files(folder)})
    else:
        files = content_files(source)
    patterns = []
    for pattern in next((v for k, v in site.config.items() if k.lower() == "ignorefiles"), None) or []:
        try:
            patterns.append(re.compile(str(pattern)))
        except re.error:
            continue  # a Go regular expression Python cannot read: not applied
    return [(file, origin) for file, origin in files if not any(p.search(str(file)) for p in patterns)]


# --------------------------------------------------------------------------- Jekyll


@dataclass(frozen=True, slots=True)
class JekyllSite:
    root: Path
    config: dict[str, Any]
    collections: dict[str, Path]  # name -> folder, for the collections with output: true

    @property
    def baseurl(self) -> str:
        return str(self.config.get("baseurl") or "").rstrip("/")


def jekyll_site(source: Path) -> JekyllSite:
    start = source if source.is_dir() else source.parent
    root = next((p for p in (start, *start.parents) if (p / "_config.yml").is_file() or (p / "_posts").is_dir()), start)
    if root.name in ("_posts", "_drafts"):
        root = root.parent
    config = read_config(root / "_config.yml") or read_config(root / "_config.yaml") or {}
    folder = root / str(config.get("collections_dir") or "")
    settings = config.get("collections")
    collections = {
        str(name): folder / f"_{name}"
        for name, options in (settings.items() if isinstance(settings, dict) else [])
        if isinstance(options, dict) and options.get("output") is True and str(name) not in ("posts", "drafts")
    }
    return JekyllSite(root, config, collections)


def jekyll_files(source: Path, site: JekyllSite) -> list[tuple[Path, str, str]]:
    """(file, name in the report, collection or "") of every post, draft and output collection document."""
    found = []
    root = site.root.resolve()
    folders = {name: folder.resolve() for name, folder in site.collections.items()}
    for file, origin in content_files(source):
        resolved = file.resolve()
        parts = resolved.relative_to(root).parts if resolved.is_relative_to(root) else (file.name,)
        if "_posts" in parts or "_drafts" in parts:
            found.append((file, origin, ""))
            continue
        collection = next((name for name, folder in folders.items() if resolved.is_relative_to(folder)), "")
        if collection:
            found.append((file, origin, collection))
    return found
