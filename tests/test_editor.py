"""The web editor's configuration (admin/config.yml) against the front-matter schema it is generated from, site.yaml's
`web_editor:` block, and the admin/ files a build writes (tests/test_editor_browser.py drives it in Chromium)."""

from __future__ import annotations

import os
import re
import threading
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from click.testing import CliRunner
from conftest import SITE_YAML, MakeSite, article

from sitegen.build.admin import INSTALL_COMMAND
from sitegen.build.api import BuildOptions, build
from sitegen.cli import main
from sitegen.config import parse_config
from sitegen.content import schema
from sitegen.content.frontmatter import IMAGE_KEYS, KNOWN_FIELDS, parse_moment
from sitegen.content.schema import slug_rule
from sitegen.errors import BuildFailed, ConfigError
from sitegen.messages import is_translated
from sitegen.render.editor import PINYIN_TABLE, config_yaml, editor_js, index_html, pinyin_table

UNTRUSTED_SITE = SITE_YAML.replace("    title: 身边爆料\n", "    title: 身边爆料\n    untrusted: true\n")
LOCAL = "web_editor:\n  backend: local\n"
# the widget each kind of front-matter value needs in Decap CMS
WIDGETS = {
    schema.TEXT: "string", schema.LONG_TEXT: "text", schema.TEXTS: "list", schema.DATETIME: "datetime",
    schema.WHOLE: "number", schema.FLAG: "boolean", schema.PICTURES: "list", schema.PICTURE: "image",
}  # fmt: skip


def generated(site_yaml: str = UNTRUSTED_SITE + LOCAL) -> dict:
    return yaml.safe_load(config_yaml(parse_config(site_yaml)).decode())


def fields_of(collection: dict) -> dict[str, dict]:
    return {field["name"]: field for field in collection["fields"]}


# --------------------------------------------------------------------------- config.yml against the schema


def test_every_front_matter_key_sitegen_reads_has_a_field_with_the_widget_of_its_kind() -> None:
    config = generated()
    assert [c["name"] for c in config["collections"]] == ["towns", "tips"]
    for collection in config["collections"]:
        fields = fields_of(collection)
        assert set(fields) == set(KNOWN_FIELDS) | {"body"}, collection["name"]
        for key in KNOWN_FIELDS:
            described = schema.field(key)
            assert fields[key]["widget"] == WIDGETS[described.kind], key
            assert fields[key]["required"] is described.required, key
        pictures = fields_of(fields["images"])
        assert tuple(pictures) == IMAGE_KEYS
        for key, spec in pictures.items():
            described = next(f for f in schema.PICTURE_FIELDS if f.key == key)
            assert spec["widget"] == WIDGETS[described.kind] and spec["required"] is described.required, key
        assert fields["body"]["widget"] == "markdown"
        assert fields["body"]["required"] is False  # sitegen check takes an article without text (a picture story)


def test_the_fields_follow_the_rules_of_the_front_matter() -> None:
    fields = fields_of(generated()["collections"][0])
    assert fields["title"] == {**fields["title"], "widget": "string", "required": True}
    assert fields["date"]["required"] is True and fields["date"]["picker_utc"] is False
    assert fields["views"]["value_type"] == "int" and fields["views"]["min"] == 0 and fields["views"]["step"] == 1
    assert fields["draft"]["widget"] == "boolean" and fields["draft"]["default"] is True  # new articles are drafts
    assert fields["author"]["widget"] == fields["tags"]["widget"] == "list"
    assert fields["summary"]["widget"] == "text"
    images = fields_of(fields["images"])
    assert images["src"]["widget"] == "image" and images["src"]["required"] is True
    assert images["width"]["min"] == images["height"]["min"] == 1
    assert fields["slug"]["pattern"][0] == slug_rule().pattern  # the rule sitegen checks, in the form
    for slug in ("jun-he", "均禾-2024", "a.b_c"):
        assert re.fullmatch(fields["slug"]["pattern"][0], slug)
    for slug in (".hidden", "a b", "a/b", "%E5%9D%87"):
        assert not re.fullmatch(fields["slug"]["pattern"][0], slug)


def test_the_date_the_editor_writes_is_one_sitegen_reads_in_the_sites_time_zone() -> None:
    fields = fields_of(generated()["collections"][0])
    assert fields["date"]["format"] == fields["updated"]["format"] == "YYYY-MM-DD HH:mm"
    written = "2026-03-15 09:30"  # that format, as the editor saves it
    shanghai = ZoneInfo("Asia/Shanghai")
    assert parse_moment(written, shanghai) == datetime(2026, 3, 15, 9, 30, tzinfo=shanghai)
    assert parse_moment(yaml.safe_load(f"date: {written}")["date"], shanghai) is not None
    assert "Asia/Shanghai" in fields["date"]["hint"]


def test_labels_and_hints_are_in_the_sites_language() -> None:
    labels = {name: field["label"] for name, field in fields_of(generated()["collections"][0]).items()}
    assert labels["source"] == "文章出处" and labels["author"] == "作者" and labels["views"] == "阅读量"
    assert labels["date"] == "发表时间" and labels["editor"] == "编辑"
    assert fields_of(fields_of(generated()["collections"][0])["images"])["caption"]["label"] == "图片说明"
    english = generated(UNTRUSTED_SITE.replace("language: zh-CN", "language: en") + LOCAL)
    assert english["locale"] == "en"
    assert fields_of(english["collections"][0])["source"]["label"] == "Source"
    assert generated()["locale"] == "zh_Hans"


def test_a_collection_per_column_saving_where_sitegen_new_does_with_pictures_beside() -> None:
    towns, tips = generated()["collections"]
    assert towns["folder"] == "content/towns" and towns["label"] == "镇街社区"
    assert towns["path"] == "{{year}}/{{slug}}" and towns["extension"] == "md"
    assert towns["format"] == "yaml-frontmatter" and towns["create"] is True
    # the file name is the slug field, which sitegen.js fills for a new article (pinyin, else date and time)
    assert towns["slug"] == "{{fields.slug}}"
    assert towns["media_folder"] == towns["public_folder"] == ""  # beside the article: sitegen looks there first
    assert "读者爆料" in tips["description"] and "description" not in towns  # the untrusted column says so
    assert "HTML 会被清理" in fields_of(tips)["body"]["hint"] and "HTML" not in fields_of(towns)["body"]["hint"]
    config = generated()
    assert config["slug"]["encoding"] == "unicode"  # a slug typed in Chinese stays Chinese, not %-encoded
    assert config["media_folder"] == "assets" and config["public_folder"] == ""  # sitegen's second place


def test_the_generated_files_are_deterministic_and_load_nothing_from_elsewhere() -> None:
    config = parse_config(UNTRUSTED_SITE + LOCAL)
    assert config_yaml(config) == config_yaml(parse_config(UNTRUSTED_SITE + LOCAL))
    page = index_html(config).decode()
    assert re.findall(r'src="([^"]+)"', page) == ["decap-cms.js", "sitegen.js"]
    assert "http" not in page and 'rel="cms-config-url"' in page
    preview = editor_js(config).decode()
    assert 'CMS.registerPreviewStyle("../assets/style.css")' in preview  # the site's own stylesheet
    assert '"towns"' in preview and "文章出处" in preview


# --------------------------------------------------------------------------- site.yaml's web_editor:


@pytest.mark.parametrize(
    ("block", "backend"),
    [
        ("  backend: github\n  repo: newsroom/junhe\n",
         {"name": "github", "repo": "newsroom/junhe", "branch": "main"}),
        ("  backend: gitlab\n  repo: newsroom/junhe\n  app_id: abc\n  api_root: https://git.example.org/api/v4\n",
         {"name": "gitlab", "repo": "newsroom/junhe", "branch": "main", "api_root": "https://git.example.org/api/v4",
          "app_id": "abc", "auth_type": "pkce"}),
        ("  backend: gitea\n  repo: newsroom/junhe\n  branch: site\n  app_id: abc\n"
         "  api_root: https://git.example.org/api/v1\n  auth_url: https://git.example.org\n",
         {"name": "gitea", "repo": "newsroom/junhe", "branch": "site", "api_root": "https://git.example.org/api/v1",
          "base_url": "https://git.example.org", "app_id": "abc"}),
        ("  backend: forgejo\n  repo: newsroom/junhe\n",
         {"name": "forgejo", "repo": "newsroom/junhe", "branch": "main"}),
        ("  backend: local\n", {"name": "proxy", "proxy_url": "http://127.0.0.1:8081/api/v1", "branch": "main"}),
    ],
)  # fmt: skip
def test_the_backend_comes_from_site_yaml(block: str, backend: dict) -> None:
    config = generated(SITE_YAML + "web_editor:\n" + block)
    assert config["backend"] == backend
    assert "local_backend" not in config and "publish_mode" not in config


def test_a_git_host_with_a_local_port_is_edited_locally_on_this_machine() -> None:
    config = generated(SITE_YAML + "web_editor:\n  backend: github\n  repo: a/b\n  local_port: 8082\n  review: true\n")
    local = {"url": "http://127.0.0.1:8082/api/v1", "allowed_hosts": ["127.0.0.1", "localhost"]}
    assert config["local_backend"] == local
    assert config["publish_mode"] == "editorial_workflow"


@pytest.mark.parametrize(
    ("block", "field"),
    [
        ("  backend: svn\n", "web_editor.backend"),
        ("  backend: github\n", "web_editor.repo"),
        ("  backend: github\n  repo: not a repo\n", "web_editor.repo"),
        ("  backend: local\n  local_port: 70000\n", "web_editor.local_port"),
        ("  backend: local\n  review: yes please\n", "web_editor.review"),
        ("  backend: local\n  colour: red\n", "web_editor.colour"),
        ("  backend: local\n  files: [a]\n", "web_editor.files"),
        ("  backend: local\n  files: /usr/lib/node_modules/decap-cms/dist\n", "web_editor.files"),
        ("  backend: local\n  files: ../shared/node_modules/decap-cms/dist\n", "web_editor.files"),
    ],
)
def test_a_bad_editor_block_is_an_error_naming_the_key(block: str, field: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(SITE_YAML + "web_editor:\n" + block)
    assert [error.field for error in caught.value.errors] == [field]
    assert all(is_translated(error.message, "zh-CN") for error in caught.value.errors)
    assert all(not error.hint or is_translated(error.hint, "zh-CN") for error in caught.value.errors)


# --------------------------------------------------------------------------- the build writes admin/


def fake_editor(site: Path) -> Path:
    """A stand-in for the npm package's dist/: the bundle, a chunk, a wasm, a source map that is not copied."""
    dist = site / "node_modules/decap-cms/dist"
    dist.mkdir(parents=True)
    for name in ("decap-cms.js", "103.decap-cms.js", "a1.wasm", "decap-cms.js.map", "decap-cms.js.LICENSE.txt"):
        (dist / name).write_text(f"/* {name} */\n", encoding="utf-8")
    (dist.parent / "package.json").write_text('{"name": "decap-cms", "version": "3.16.3", "license": "MIT"}')
    return dist


def test_a_build_writes_admin_with_the_editor_from_the_site(make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site({"site.yaml": UNTRUSTED_SITE + LOCAL, "content/towns/2024/a.md": article()})
    fake_editor(site)
    build(site, BuildOptions(output_dir=tmp_path / "out", disk_cache=False))
    admin = tmp_path / "out/admin"
    assert sorted(p.name for p in admin.iterdir()) == [
        "103.decap-cms.js", "LICENSE.txt", "a1.wasm", "config.yml", "decap-cms.js", "decap-cms.js.LICENSE.txt",
        "index.html", "pinyin.json", "sitegen.js",
    ]  # fmt: skip
    assert yaml.safe_load((admin / "config.yml").read_text(encoding="utf-8")) == generated()
    assert "decap-cms 3.16.3: MIT licence" in (admin / "LICENSE.txt").read_text(encoding="utf-8")
    assert "admin/" not in (tmp_path / "out/sitemap.xml").read_text(encoding="utf-8")


def test_without_editor_there_is_no_admin(make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site({"content/towns/2024/a.md": article()})
    build(site, BuildOptions(output_dir=tmp_path / "out", disk_cache=False))
    assert not (tmp_path / "out/admin").exists()


def test_the_editor_missing_from_the_site_is_an_error_telling_how_to_install_it(
    make_site: MakeSite, tmp_path: Path
) -> None:
    site = make_site({"site.yaml": SITE_YAML + LOCAL, "content/towns/2024/a.md": article()})
    with pytest.raises(BuildFailed) as caught:
        build(site, BuildOptions(output_dir=tmp_path / "out", disk_cache=False))
    [error] = caught.value.errors
    assert error.field == "web_editor.files" and INSTALL_COMMAND in error.hint
    result = CliRunner().invoke(main, ["check", "--site", str(site)])
    assert result.exit_code == 1
    assert "网页编辑器的文件不在 node_modules/decap-cms/dist" in result.output and INSTALL_COMMAND in result.output


def test_admin_is_the_editors_no_column_edition_or_article_may_take_it(make_site: MakeSite, tmp_path: Path) -> None:
    """A column `admin` (or an edition's prefix) replaced the editor's admin/index.html with its own page, silently;
    an article or alias under admin/ would have done the same."""
    column = SITE_YAML.replace("columns:\n", "columns:\n  - slug: admin\n    title: 管理\n")
    with pytest.raises(ConfigError) as caught:
        parse_config(column + LOCAL)
    assert [error.field for error in caught.value.errors] == ["web_editor"]
    assert all(is_translated(error.message, "zh-CN") for error in caught.value.errors)
    with pytest.raises(ConfigError):
        parse_config(SITE_YAML + "editions:\n  - language: zh-Hant-HK\n    prefix: /admin/\n" + LOCAL)
    parse_config(column)  # without the editor, admin is a column like any other
    site = make_site({
        "site.yaml": SITE_YAML + LOCAL,
        "content/towns/2024/a.md": article(slug="x", aliases="[/admin/]"),
    })  # fmt: skip
    fake_editor(site)
    with pytest.raises(BuildFailed) as failed:
        build(site, BuildOptions(output_dir=tmp_path / "out", disk_cache=False))
    assert [(error.field, "/admin/" in error.message) for error in failed.value.errors] == [("aliases", True)]


def test_the_development_server_adds_no_reload_script_to_the_editor(make_site: MakeSite) -> None:
    """A reload while an article is being written would lose the form: saving a picture rebuilds the site."""
    from sitegen.serve import EVENTS_PATH, DevServer

    site = make_site({"site.yaml": SITE_YAML + LOCAL, "content/towns/2024/a.md": article()})
    fake_editor(site)
    server = DevServer(site, port=0)
    server.start()
    try:
        import urllib.request

        with urllib.request.urlopen(server.url + "admin/", timeout=10) as response:
            page = response.read().decode()
        with urllib.request.urlopen(server.url, timeout=10) as response:
            home = response.read().decode()
    finally:
        stopping = threading.Thread(target=server.stop)
        stopping.start()
        stopping.join(timeout=10)
    assert 'src="decap-cms.js"' in page and EVENTS_PATH not in page
    assert EVENTS_PATH in home


def test_a_new_version_of_the_editor_is_copied_by_the_next_build(make_site: MakeSite, tmp_path: Path) -> None:
    """A build with no other change notices the npm package's reinstall (its package.json is rewritten)."""
    site = make_site({"site.yaml": SITE_YAML + LOCAL, "content/towns/2024/a.md": article()})
    dist = fake_editor(site)
    past = time.time() - 100  # older than the racy-time window: the up-to-date record trusts these stats
    for path in site.rglob("*"):
        os.utime(path, (past, past), follow_symlinks=False)
    options = BuildOptions(output_dir=tmp_path / "out", cache_dir=tmp_path / "cache")
    build(site, options)
    assert [phase for phase, _ in build(site, options).timings] == ["inputs unchanged"]  # nothing read
    (dist / "decap-cms.js").write_text("/* 3.17 */\n", encoding="utf-8")
    (dist.parent / "package.json").unlink()  # npm writes the package anew
    (dist.parent / "package.json").write_text('{"name": "decap-cms", "version": "3.17.0", "license": "MIT"}')
    build(site, options)
    assert (tmp_path / "out/admin/decap-cms.js").read_text(encoding="utf-8") == "/* 3.17 */\n"
    assert "decap-cms 3.17.0" in (tmp_path / "out/admin/LICENSE.txt").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- new articles' slugs (sitegen.js)

NODE_HARNESS = """
const fs = require("fs");
const handlers = [];
globalThis.CMS = {registerPreviewStyle() {}, registerPreviewTemplate() {},
                  registerEventListener(listener) { handlers.push(listener); }};
globalThis.createClass = (spec) => spec;
globalThis.h = () => null;
globalThis.fetch = async () => ({json: async () => JSON.parse(fs.readFileSync(process.argv[2], "utf8"))});
eval(fs.readFileSync(process.argv[1], "utf8"));
// just enough of Immutable.js: a Map of the entry's data, Lists for arrays
class List { constructor(items) { this.items = items; } toJS() { return [...this.items]; }
             clear() { return new List([]); } concat(more) { return new List([...this.items, ...more]); } }
const record = (values) => ({get: (key) => values[key], set: (key, value) => record({...values, [key]: value}),
                             values});
const plain = (values) => Object.fromEntries(
  Object.entries(values).map(([key, value]) => [key, value instanceof List ? value.items : value]));
(async () => {
  const saved = [];
  for (const {values, isNew} of JSON.parse(fs.readFileSync(0, "utf8"))) {
    const data = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Array.isArray(v) ? new List(v) : v]));
    const entry = {get: (key) => key === "newRecord" ? isNew : record(data)};
    const result = await handlers.find((listener) => listener.name === "preSave").handler({entry});
    saved.push(plain(result.values));
  }
  process.stdout.write(JSON.stringify(saved));
})();
"""


def run_presave(tmp_path: Path, entries: list[tuple[dict, bool]]) -> list[dict]:
    """The front matter sitegen.js's preSave hook makes of each (front matter, new article), run by node."""
    import json
    import shutil
    import subprocess

    from browser_support import unavailable

    node = shutil.which("node")
    if node is None:
        unavailable("node is missing (Debian: apt-get install nodejs)", "the editor's slug tests")
    script = tmp_path / "sitegen.js"
    script.write_bytes(editor_js(parse_config(SITE_YAML + LOCAL)))
    cases = [{"values": values, "isNew": is_new} for values, is_new in entries]
    result = subprocess.run(
        [node, "-e", NODE_HARNESS, str(script), str(PINYIN_TABLE)],
        input=json.dumps(cases), capture_output=True, text=True, check=True, timeout=60,
    )
    return json.loads(result.stdout)


def run_slugs(tmp_path: Path, cases: list[tuple[str, str, bool]]) -> list[str]:
    """The slug each (title, typed slug, new article) is saved with."""
    saved = run_presave(tmp_path, [({"title": title, "slug": slug}, is_new) for title, slug, is_new in cases])
    return [values["slug"] for values in saved]


def test_the_pinyin_table_is_what_pypinyin_reads() -> None:
    assert PINYIN_TABLE.read_bytes() == pinyin_table()


def test_new_articles_are_named_in_pinyin_like_sitegen_new(tmp_path: Path) -> None:
    from sitegen.scaffold import slugify

    titles = ["均禾街开展防诈宣传活动", "白云区2024年AI宣传周启动", "Hello 世界", "广州市白云区均禾街道党工委召开"
              "二〇二四年度基层党建工作述职评议会议暨全面从严治党工作会议并部署下一阶段重点任务"]  # fmt: skip
    assert run_slugs(tmp_path, [(title, "", True) for title in titles]) == [slugify(title) for title in titles]
    assert len(slugify(titles[-1])) <= schema.NEW_SLUG_LENGTH


def test_a_typed_slug_or_an_existing_article_is_left_alone_and_a_title_without_words_gets_a_date(
    tmp_path: Path,
) -> None:
    cases = [("均禾", "junhe-2024", True), ("均禾", "", False), ("！？", "", True)]
    typed, existing, symbols = run_slugs(tmp_path, cases)
    assert typed == "junhe-2024" and existing == ""
    assert re.fullmatch(r"\d{8}-\d{6}", symbols)  # still ASCII, never empty


def test_lists_typed_with_chinese_commas_are_split(tmp_path: Path) -> None:
    entries = [
        ({"title": "甲", "author": ["张三，李四", "王五"], "tags": ["防诈、宣传 ", ""]}, True),
        ({"title": "乙", "author": "赵六，钱七", "tags": ["民生"], "slug": "yi"}, False),  # a text by hand: kept
    ]
    new, existing = run_presave(tmp_path, entries)
    assert new["author"] == ["张三", "李四", "王五"] and new["tags"] == ["防诈", "宣传"]
    assert existing == entries[1][0]
