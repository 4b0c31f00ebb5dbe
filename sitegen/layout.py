"""The names of a site folder's parts, in one place: every module that reads or watches them imports them here."""

from __future__ import annotations

CONFIG_FILE = "site.yaml"
CONTENT_DIR = "content"  # the articles, one folder a column, and pictures beside them
ASSETS_DIR = "assets"  # the site's own static files and pictures (over the theme's)
TEMPLATES_DIR = "templates"  # the site's templates (over the theme's)
DATA_DIR = "data"  # data/views.json
LINKED_FOLDERS = (ASSETS_DIR, TEMPLATES_DIR, DATA_DIR)  # besides content/: folders whose files a build reads
SITE_INPUTS = (CONFIG_FILE, CONTENT_DIR, *LINKED_FOLDERS)  # everything of the site folder a build reads
EDITOR_FILES = "node_modules/decap-cms/dist"  # the web editor's JavaScript, installed from npm beside site.yaml
EDITOR_PACKAGE = "node_modules/decap-cms/package.json"  # rewritten by every install: a new version rebuilds admin/
OUTPUT_DIR = "public"
CACHE_DIR = ".sitegen-cache"
