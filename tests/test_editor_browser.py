"""The web editor in a real browser: Decap CMS served from the built site's admin/, saving through its local
backend (decap-server, started here on 127.0.0.1 in file-system mode) into a site made by `sitegen init`.

The editor's npm packages (decap-cms, decap-server, pinned in .ci/run) are found through SITEGEN_DECAP_DIR, the
node_modules folder holding them; without them (or without node, or Chromium) these tests skip, except under
CI=true, where that is a failure.
"""

from __future__ import annotations

import difflib
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from browser_support import local_context, serve, unavailable
from click.testing import CliRunner
from conftest import picture_bytes

from sitegen.build.admin import EDITOR_VERSION
from sitegen.build.api import BuildOptions, build
from sitegen.cli import main
from sitegen.scaffold import init_site, slugify

TITLE = "均禾街开展防诈宣传活动"
BODY = "均禾街今天在文化广场开展防诈宣传活动。"
CAPTION = "志愿者在街头发放防诈资料"
EXISTING = """\
---
title: 社区长者饭堂开张
date: 2024-05-06 08:30
source: 区融媒体中心
author: 王五
editor: 叶安怡
views: 120
tags:
  - 民生
---

社区长者饭堂今天开张。

<!--more-->

## 菜单 {#menu}

| 星期 | 菜 |
| --- | --- |
| 一 | 两荤一素[^1] |

[^1]: 价格另计。
"""


@dataclass(frozen=True)
class Editor:
    site: Path
    output: Path
    base_url: str  # the built site, admin/ included, served on 127.0.0.1
    backend_url: str  # decap-server


def _decap_modules() -> Path:
    folder = os.environ.get("SITEGEN_DECAP_DIR", "")
    if not folder:
        unavailable("SITEGEN_DECAP_DIR is not set (npm install decap-cms decap-server, see .ci/run)", "editor tests")
    modules = Path(folder)
    for needed in ("decap-cms/dist/decap-cms.js", "decap-server/dist/index.js"):
        if not (modules / needed).is_file():
            unavailable(f"{modules / needed} is missing", "editor tests")
    version = (modules / "decap-cms/package.json").read_text(encoding="utf-8")
    assert f'"version": "{EDITOR_VERSION}"' in version, f"decap-cms in {modules} is not {EDITOR_VERSION}"
    return modules


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def editor(tmp_path: Path) -> Iterator[Editor]:
    """A new site with `web_editor: {backend: local}`, built, served, and decap-server writing into it."""
    modules = _decap_modules()
    node = shutil.which("node")
    if node is None:
        unavailable("node is missing (Debian: apt-get install nodejs)", "editor tests")
    site, output, port = tmp_path / "site", tmp_path / "public", _free_port()
    init_site(site)
    (site / "node_modules").symlink_to(modules)
    with (site / "site.yaml").open("a", encoding="utf-8") as config:
        config.write(f"web_editor:\n  backend: local\n  local_port: {port}\n")
    (site / "content/towns/2024/elders-canteen.md").write_text(EXISTING, encoding="utf-8")
    build(site, BuildOptions(output_dir=output, disk_cache=False))
    environment = {**os.environ, "MODE": "fs", "PORT": str(port), "BIND_HOST": "127.0.0.1",
                   "GIT_REPO_DIRECTORY": str(site), "LOG_LEVEL": "error"}  # fmt: skip
    server = subprocess.Popen(
        [node, str(modules / "decap-server/dist/index.js")], env=environment, stdin=subprocess.DEVNULL
    )
    try:
        _wait_for(port, server)
        with serve(output) as base_url:
            yield Editor(site, output, base_url, f"http://127.0.0.1:{port}")
    finally:
        server.terminate()
        server.wait(timeout=10)


def _wait_for(port: int, server: subprocess.Popen) -> None:
    """Until decap-server accepts connections (it needs about a second), or has exited."""
    for _ in range(300):
        assert server.poll() is None, f"decap-server exited with code {server.returncode}"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"decap-server does not listen on 127.0.0.1:{port}")


def _open_editor(browser, editor: Editor, route: str, blocked: list[str]):
    """The editor at `route`, logged in to the local backend; requests anywhere else are aborted into `blocked`."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    context.set_default_timeout(20_000)

    def only_local(request_route) -> None:
        url = request_route.request.url
        if url.startswith((editor.base_url + "/", editor.backend_url + "/")) or url.startswith(("blob:", "data:")):
            request_route.continue_()
        else:
            blocked.append(url)
            request_route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(editor.base_url + "/admin/")
    page.get_by_role("button", name="登录").click()
    page.get_by_text("镇街社区").first.wait_for()
    page.goto(editor.base_url + "/admin/" + route)
    page.get_by_label("标题", exact=True).wait_for()
    return context, page, errors


def _publish(page) -> None:
    saved = page.get_by_text("内容已保存")  # the notice once the backend has written the file
    assert saved.count() == 0
    page.get_by_role("button", name="发布").first.click()
    page.get_by_role("menuitem", name="立即发布").click()
    saved.first.wait_for()


def test_an_article_made_in_the_form_is_saved_beside_its_picture_checked_and_built(
    browser, editor: Editor, tmp_path: Path
) -> None:
    (tmp_path / "photo.jpg").write_bytes(picture_bytes(640, 480, "JPEG"))
    blocked: list[str] = []
    context, page, errors = _open_editor(browser, editor, "#/collections/towns/new", blocked)
    try:
        page.get_by_label("标题", exact=True).fill(TITLE)
        page.locator("input[type=datetime-local]").first.fill("2026-03-15T09:30")
        page.get_by_label("文章出处 (可选)").fill("区融媒体中心")
        page.get_by_label("作者 (可选)").fill("张三，李四")  # a Chinese comma: split on saving
        page.get_by_label("编辑 (可选)").fill("叶安怡")
        page.get_by_label("阅读量 (可选)").fill("314")
        page.get_by_label("标签 (可选)").fill("防诈宣传")
        page.get_by_role("button", name="新增图片").click()
        page.get_by_role("button", name="选择图片").click()
        page.locator("input[type=file]").set_input_files(tmp_path / "photo.jpg")
        page.get_by_role("button", name="选用已选中项目").click()
        page.get_by_label("图片说明 (可选)").fill(CAPTION)
        page.get_by_label("草稿 (可选)").click()  # published: the draft switch is on for a new article
        page.locator("[contenteditable=true]").first.click()
        page.keyboard.type(BODY)
        preview = page.frame_locator("iframe").first
        assert preview.locator("h1.article-title").inner_text() == TITLE  # the preview: the site's markup
        stylesheets = preview.locator("link[rel=stylesheet]").evaluate_all("links => links.map(l => l.href)")
        assert editor.base_url + "/assets/style.css" in stylesheets  # ... and its own stylesheet
        _publish(page)
    finally:
        context.close()
    assert errors == []
    assert blocked == []  # the editor loads nothing from elsewhere: no CDN

    saved = sorted((editor.site / "content/towns").rglob("*.md"))
    new = [path for path in saved if path.name not in ("welcome.md", "elders-canteen.md")]
    assert len(new) == 1, saved
    article = new[0]
    # named in pinyin like `sitegen new` (never empty or percent-encoded), in the year of its date
    assert article.relative_to(editor.site).as_posix() == f"content/towns/2026/{slugify(TITLE)}.md"
    assert (article.parent / "photo.jpg").is_file()  # the picture beside the article, where sitegen looks
    text = article.read_text(encoding="utf-8")
    assert "draft: true" not in text

    result = CliRunner().invoke(main, ["check", "--site", str(editor.site)])
    assert result.exit_code == 0, result.output
    build(editor.site, BuildOptions(output_dir=editor.output, disk_cache=False))
    page_file = editor.output / f"towns/2026/03/{article.stem}/index.html"
    assert page_file.is_file(), sorted(p.as_posix() for p in (editor.output / "towns").rglob("index.html"))

    context = local_context(browser, editor.base_url)
    try:
        reader = context.new_page()
        reader.goto(f"{editor.base_url}/towns/2026/03/{article.stem}/")
        assert reader.locator("h1.article-title").inner_text() == TITLE
        meta = reader.locator(".article-meta").inner_text()
        for shown in ("文章出处：区融媒体中心", "作者：张三、李四", "阅读量：314", "发表时间：2026-03-15 09:30"):
            assert shown in meta
        assert BODY in reader.locator(".article-body").inner_text()
        assert "编辑：叶安怡" in reader.locator(".article-editor").inner_text()
        assert reader.locator(".article-tags a[rel=tag]").all_inner_texts() == ["防诈宣传"]
        figure = reader.locator("figure", has=reader.locator("figcaption", has_text=CAPTION))
        assert figure.count() == 1
        image = figure.locator("img")
        assert image.evaluate("img => img.complete && img.naturalWidth") > 0  # the picture is there, loaded
    finally:
        context.close()


def test_changing_the_views_of_an_article_changes_only_that_line(browser, editor: Editor) -> None:
    path = editor.site / "content/towns/2024/elders-canteen.md"
    before = path.read_text(encoding="utf-8")
    blocked: list[str] = []
    context, page, errors = _open_editor(browser, editor, "#/collections/towns/entries/2024/elders-canteen", blocked)
    try:
        views = page.get_by_label("阅读量 (可选)")
        assert views.input_value() == "120"
        views.fill("121")
        _publish(page)
    finally:
        context.close()
    assert errors == []
    assert blocked == []  # the editor loads nothing from elsewhere: no CDN
    after = path.read_text(encoding="utf-8")
    changed = [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]  # fmt: skip
    assert changed == ["-views: 120", "+views: 121"]


def test_a_picture_placed_in_the_body_takes_its_caption_from_a_field_in_chinese(browser, editor: Editor) -> None:
    """Found by a QA pass: the body's ＋ menu offered "Image" with the fields "Alt Text" and "Title", so an editor
    left the caption empty; the list of a column was in file order without dates; a new article's 发表时间 was empty;
    and the body's hint lost its picture example (Decap reads hints as Markdown: it became a broken picture)."""
    picture = editor.site / "photo.jpg"
    picture.write_bytes(picture_bytes(640, 480, "JPEG"))
    (editor.site / "content/towns/2024/draft.md").write_text(
        "---\ntitle: 还没写完\ndate: 2024-06-01 08:00\ndraft: true\n---\n\n草稿。\n", encoding="utf-8"
    )
    blocked: list[str] = []
    context, page, errors = _open_editor(browser, editor, "#/collections/towns/new", blocked)
    try:
        page.get_by_label("标题", exact=True).fill("长者健康讲座")
        assert page.locator("input[type=datetime-local]").first.input_value() != ""  # now, not empty
        hint = page.get_by_text("正文里的图片用").inner_text()
        assert "![图片说明](图片.jpg)" in hint and "<!--more-->" in hint
        page.get_by_label("草稿 (可选)").click()
        page.locator("[contenteditable=true]").first.click()
        page.keyboard.type("社区举办长者健康讲座。")
        page.keyboard.press("Enter")
        page.get_by_role("button", name="添加组件").click()
        assert page.get_by_role("menuitem").all_inner_texts() == ["代码块", "图片"]
        page.get_by_role("menuitem", name="图片").click()
        page.get_by_role("button", name="选择图片").last.click()
        page.locator("input[type=file]").set_input_files(picture)
        page.get_by_role("button", name="选用已选中项目").click()
        page.get_by_label("图片说明（显示在图片下方）").fill("医生为长者测量血压")
        _publish(page)
        page.goto(editor.base_url + "/admin/#/collections/towns")
        page.reload()  # the column's list as an editor opens it, read afresh from the backend
        page.get_by_text("还没写完").first.wait_for()
        listed = [text.strip() for text in page.locator("a[href*='/entries/']").all_inner_texts()]
        assert listed[0].startswith("长者健康讲座 · ") and not listed[0].endswith("（草稿）")  # newest first
        assert listed[1:3] == ["还没写完 · 2024-06-01 08:00（草稿）", "社区长者饭堂开张 · 2024-05-06 08:30"]
    finally:
        context.close()
    assert errors == [] and blocked == []
    (saved,) = (editor.site / "content/towns").glob("*/zhang-zhe-jian-kang-jiang-zuo.md")  # 长 read alone
    assert "![医生为长者测量血压](photo.jpg)" in saved.read_text(encoding="utf-8")
    build(editor.site, BuildOptions(output_dir=editor.output, disk_cache=False))
    (built,) = editor.output.glob("towns/*/*/zhang-zhe-jian-kang-jiang-zuo/index.html")
    assert "<figcaption>医生为长者测量血压</figcaption>" in built.read_text(encoding="utf-8")
