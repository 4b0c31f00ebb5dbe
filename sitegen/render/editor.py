"""The web editor (Decap CMS) of a site: admin/config.yml generated from site.yaml and the front-matter schema,
admin/index.html that loads the editor from the site itself, and admin/sitegen.js (editor.js) that shows an article
with the site's own stylesheet and names new articles in pinyin. Pure: config in, bytes out (build/admin.py adds
the editor's own files from npm)."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import yaml

from sitegen.content import schema
from sitegen.model import Column, Config, EditorConfig
from sitegen.render.labels import labels_for
from sitegen.urls import ADMIN_URL

ADMIN_DIR = ADMIN_URL.rstrip("/")
EDITOR_JS = Path(__file__).with_name("editor.js")  # the preview and the slugs, run in the editor's page
PINYIN_TABLE = Path(__file__).with_name("editor-pinyin.json")  # pinyin_table(), made once
EDITOR_SCRIPT = "decap-cms.js"  # the editor's bundle, copied from the npm package's dist/
NEW_FILE_SLUG = "{{fields.slug}}"  # editor.js fills the slug of a new article: pinyin, else date and time
NEW_FILE_PATH = "{{year}}/{{slug}}"  # like `sitegen new`: content/<column>/<yyyy>/<slug>.md
SUMMARY = "{{title}} · {{date | date('YYYY-MM-DD HH:mm')}}{{draft | ternary('DRAFT', '')}}"  # a column's list

_WORDS = {
    "zh-CN": {
        "locale": "zh_Hans", "body": "正文",
        "body_hint": "小标题用工具栏的“标题 2”（`## 小标题`）；正文里的图片用“＋”→“图片”插入，图片说明写在“图片说明”里"
        "（`![图片说明](图片.jpg)`）；单独一行 `<!--more-->` 结束摘要",
        "untrusted": "读者爆料栏目：正文里的 HTML 会被清理", "one_article": "{0}文章", "editor": "编辑文章",
        "draft_mark": "（草稿）",
    },
    "en": {
        "locale": "en", "body": "Body", "body_hint": "a sub-heading is the toolbar's Heading 2 (`## sub-heading`); a "
        "picture in the body is + then Image, its caption typed as Caption (`![caption](picture.jpg)`); "
        "`<!--more-->` on a line of its own ends the summary",
        "untrusted": "readers' column: HTML in the body is cleaned",
        "one_article": "{0} article", "editor": "Edit articles", "draft_mark": " (draft)",
    },
}  # fmt: skip
# The body's components (＋ in the toolbar) and the picture component's fields, in the site's language: Decap labels
# them in English, and calls the text sitegen shows as the figure's caption "Alt Text" (editor.js relabels them).
_COMPONENTS: dict[str, dict[str, dict[str, str]]] = {
    "zh-CN": {
        "components": {"image": "图片", "code-block": "代码块"},
        "imageFields": {"image": "图片", "alt": "图片说明（显示在图片下方）", "title": "鼠标悬停提示（可不填）"},
    },
    "en": {
        "components": {"image": "Image", "code-block": "Code Block"},
        "imageFields": {"image": "Image", "alt": "Caption (shown under the picture)", "title": "Title (optional)"},
    },
}


def widget(field: schema.Field, language: str, timezone: str) -> dict[str, Any]:
    """One Decap field for one front-matter key: the widget its kind needs, with its rule, label and hint."""
    spec: dict[str, Any] = {"name": field.key, "label": field.label_in(language)}
    hint = field.hint_in(language).format(timezone=timezone)
    if hint:
        spec["hint"] = hint
    spec["required"] = field.required
    kind = field.kind
    if kind == schema.TEXT:
        spec["widget"] = "string"
    elif kind == schema.LONG_TEXT:
        spec["widget"] = "text"
    elif kind == schema.TEXTS:
        spec["widget"] = "list"  # a comma-separated line, saved as a YAML list
    elif kind == schema.DATETIME:
        spec.update(widget="datetime", format=schema.DATE_FORMAT, date_format="YYYY-MM-DD", time_format="HH:mm",
                    picker_utc=False)  # fmt: skip
        if field.required:
            spec["default"] = "{{now}}"  # a new article's 发表时间: the moment it is begun (Decap fills it in)
    elif kind == schema.WHOLE:
        spec.update(widget="number", value_type="int", step=1)
        if field.minimum is not None:
            spec["min"] = field.minimum
    elif kind == schema.FLAG:
        spec["widget"] = "boolean"
    elif kind == schema.PICTURE:
        spec.update(widget="image", choose_url=True)
    elif kind == schema.PICTURES:
        spec.update(widget="list", summary="{{fields.caption}}",
                    fields=[widget(f, language, timezone) for f in schema.PICTURE_FIELDS])  # fmt: skip
    else:
        raise ValueError(f"no editor widget for the kind {kind!r} of {field.key!r}")
    if field.pattern:
        spec["pattern"] = [field.pattern, hint or field.pattern]
    if field.default is not None:
        spec["default"] = field.default
    return spec


def _collection(column: Column, config: Config) -> dict[str, Any]:
    words = _WORDS[config.language]
    fields = [widget(f, config.language, config.timezone_name) for f in schema.FIELDS]
    body_hint = words["body_hint"]
    if column.untrusted:  # readers' tips: the writer should know their HTML will not survive
        body_hint += f"（{words['untrusted']}）" if config.language == "zh-CN" else f" ({words['untrusted']})"
    # optional, as for sitegen check: a picture story (图片新闻) may have no text; Decap requires a field unless told
    fields.append({"name": "body", "label": words["body"], "hint": body_hint, "widget": "markdown", "required": False})
    collection: dict[str, Any] = {
        "name": column.slug,
        "label": column.title,
        "label_singular": words["one_article"].format(column.title),
        "folder": f"content/{column.slug}",
        "path": NEW_FILE_PATH,
        "slug": NEW_FILE_SLUG,
        "extension": "md",
        "format": "yaml-frontmatter",
        "create": True,
        "media_folder": "",  # beside the article, where sitegen looks first (then under assets/)
        "public_folder": "",
        # the list of a column: newest first, each article with its date, and drafts marked (Decap's filters)
        "summary": SUMMARY.replace("DRAFT", words["draft_mark"]),
        "sortable_fields": [{"field": "date", "default_sort": "desc"}, "title", "views"],
        "fields": fields,
    }
    hint = " · ".join(text for text in (column.description, words["untrusted"] if column.untrusted else "") if text)
    if hint:
        collection["description"] = hint
    return collection


def _backend(editor: EditorConfig) -> dict[str, Any]:
    if editor.backend == "local":
        return {"name": "proxy", "proxy_url": _local_url(editor), "branch": editor.branch}
    backend: dict[str, Any] = {"name": editor.backend, "repo": editor.repo, "branch": editor.branch}
    if editor.api_root:
        backend["api_root"] = editor.api_root
    if editor.auth_url:
        backend["base_url"] = editor.auth_url
    if editor.app_id:
        backend["app_id"] = editor.app_id
        if editor.backend == "gitlab":
            backend["auth_type"] = "pkce"
    return backend


def _local_url(editor: EditorConfig) -> str:
    return f"http://127.0.0.1:{editor.local_port}/api/v1"


def editor_config(config: Config) -> dict[str, Any]:
    """admin/config.yml as data."""
    editor = config.web_editor
    assert editor is not None
    data: dict[str, Any] = {"backend": _backend(editor)}
    if editor.local_port is not None and editor.backend != "local":
        data["local_backend"] = {"url": _local_url(editor), "allowed_hosts": ["127.0.0.1", "localhost"]}
    if editor.review:
        data["publish_mode"] = "editorial_workflow"
    data.update(
        locale=_WORDS[config.language]["locale"],
        site_url=config.base_url,
        display_url=config.base_url,
        media_folder="assets",  # the shared media library: sitegen finds a picture there by its name
        public_folder="",
        slug={"encoding": "unicode", "clean_accents": False, "sanitize_replacement": "-"},  # a Chinese slug stays
        collections=[_collection(column, config) for column in config.columns],
    )
    return data


def config_yaml(config: Config) -> bytes:
    text = yaml.safe_dump(editor_config(config), allow_unicode=True, sort_keys=False, width=120)
    return ("# Generated by sitegen from site.yaml: edit site.yaml, not this file.\n" + text).encode()


def index_html(config: Config) -> bytes:
    words = _WORDS[config.language]
    title = html.escape(f"{words['editor']} · {config.title}")
    return f"""<!doctype html>
<html lang="{config.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{title}</title>
<link href="config.yml" type="text/yaml" rel="cms-config-url">
<link rel="icon" href="../assets/favicon.svg" type="image/svg+xml">
</head>
<body>
<script src="{EDITOR_SCRIPT}"></script>
<script src="sitegen.js"></script>
</body>
</html>
""".encode()


def editor_js(config: Config) -> bytes:
    """admin/sitegen.js: the preview pane in the theme's markup with the site's stylesheet, and new articles' slugs
    in pinyin like `sitegen new` (editor.js; the settings it needs come first)."""
    labels = labels_for(config.language)
    settings = {
        "columns": {column.slug: column.title for column in config.columns},
        "labels": {key: labels[key] for key in ("source", "author", "views", "published", "editor", "figures")},
        "colon": "：" if config.language == "zh-CN" else ": ",
        "separator": "、" if config.language == "zh-CN" else ", ",
        "maxSlug": schema.NEW_SLUG_LENGTH,
        "lists": [field.key for field in schema.FIELDS if field.kind == schema.TEXTS],
        **_COMPONENTS[config.language],
    }
    script = EDITOR_JS.read_text(encoding="utf-8")
    return ("const SITEGEN = " + json.dumps(settings, ensure_ascii=False, sort_keys=True) + ";\n" + script).encode()


def pinyin_table() -> bytes:
    """{syllable: its characters} for every CJK unified ideograph, as pypinyin reads each alone: what editor.js
    makes slugs with (PINYIN_TABLE holds it, made once: a test checks it against pypinyin)."""
    from pypinyin import Style, lazy_pinyin  # a second's import: only for the test and for making the table

    table: dict[str, list[str]] = {}
    for code in range(0x4E00, 0xA000):
        syllable = lazy_pinyin(chr(code), style=Style.NORMAL, errors=lambda _: "")
        if syllable and syllable[0] and syllable[0].isascii() and syllable[0].isalpha():
            table.setdefault(syllable[0], []).append(chr(code))
    text = json.dumps({k: "".join(v) for k, v in sorted(table.items())}, ensure_ascii=False, separators=(",", ":"))
    return (text + "\n").encode()
