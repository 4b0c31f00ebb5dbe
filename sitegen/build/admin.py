"""The files of admin/, the web editor, when site.yaml has `web_editor:`: its generated configuration, page and
script (render/editor.py) with its pinyin table, and the editor's own JavaScript copied from the npm package
installed in the site."""

from __future__ import annotations

import json
from pathlib import Path

from sitegen.errors import BuildFailed, ContentError
from sitegen.layout import CONFIG_FILE
from sitegen.model import Config, OutputFile
from sitegen.render.editor import ADMIN_DIR, EDITOR_SCRIPT, PINYIN_TABLE, config_yaml, editor_js, index_html

EDITOR_PACKAGE = "decap-cms"
EDITOR_VERSION = "3.16.3"  # the version the generated configuration is tested with (tests/test_editor_browser.py)
INSTALL_COMMAND = f"npm install --no-save --prefix . {EDITOR_PACKAGE}@{EDITOR_VERSION}"
# from the package's dist/: the bundle, the chunks it loads on demand, its WebAssembly, its licences (no maps)
BUNDLE_PATTERNS = (EDITOR_SCRIPT, f"*.{EDITOR_SCRIPT}", "*.wasm", f"{EDITOR_SCRIPT}.LICENSE.txt")


def admin_files(site_dir: Path, config: Config) -> tuple[OutputFile, ...]:
    """Every file of admin/ (none without `web_editor:`); the editor's files missing from the site is an error."""
    editor = config.web_editor
    if editor is None:
        return ()
    dist = site_dir / editor.files
    if not (dist / EDITOR_SCRIPT).is_file():
        raise BuildFailed(
            [
                ContentError(
                    CONFIG_FILE,
                    None,
                    "web_editor.files",
                    f"the web editor's files are not in {editor.files}",
                    f"install them in the site folder: {INSTALL_COMMAND}",
                )
            ]
        )
    copies = {path.name: path for pattern in BUNDLE_PATTERNS for path in dist.glob(pattern) if path.is_file()}
    files = [OutputFile(f"{ADMIN_DIR}/{name}", copy_from=copies[name]) for name in sorted(copies)]
    files += [
        OutputFile(f"{ADMIN_DIR}/LICENSE.txt", _notice(dist)),
        OutputFile(f"{ADMIN_DIR}/config.yml", config_yaml(config)),
        OutputFile(f"{ADMIN_DIR}/index.html", index_html(config)),
        OutputFile(f"{ADMIN_DIR}/pinyin.json", copy_from=PINYIN_TABLE),
        OutputFile(f"{ADMIN_DIR}/sitegen.js", editor_js(config)),
    ]
    return tuple(sorted(files, key=lambda file: file.path))


def _notice(dist: Path) -> bytes:
    """Whose editor this is and under which licence (the npm package carries no LICENSE file of its own)."""
    try:
        package = json.loads((dist.parent / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        package = {}
    name, version = package.get("name", EDITOR_PACKAGE), package.get("version", "?")
    licence = package.get("license", "MIT")
    return (
        f"{name} {version}: {licence} licence, https://github.com/decaporg/decap-cms\n"
        f"The licences of the code bundled into {EDITOR_SCRIPT} are in {EDITOR_SCRIPT}.LICENSE.txt.\n"
    ).encode()
