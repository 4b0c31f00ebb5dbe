"""`sitegen import hugo`: TOML/YAML/JSON front matter, dates, authors, categories and tags, drafts, <!--more-->,
page bundles with their pictures, shortcodes converted or kept visibly and reported; the fixture site imports and
builds."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import MakeSite, article, build_site, load, page
from importing import FIXTURES, article_body, png, text_of

from sitegen.importers.hugo import parse_hugo, post_keys, ref_key
from sitegen.importers.model import ImportFailed
from sitegen.importers.run import ImportRefused, import_hugo

HUGO = FIXTURES / "hugo"


def names(report_items: tuple, root: Path = HUGO) -> list[str]:
    return [Path(item.origin).resolve().relative_to(root).as_posix() for item in report_items]


# --------------------------------------------------------------------------- front matter


def test_toml_front_matter() -> None:
    text = """\
+++
title = 'Hello'
date = '2008-11-23T17:22:34+00:00'
lastmod = 2008-11-24T09:00:00+08:00
draft = false
tags = ['a', 'b']
categories = ['News']
author = 'Jane'
aliases = ['/old/']
weight = 3
+++

First.

<!--more-->

Rest.
"""
    a = parse_hugo(text, "posts/hello.md")
    assert (a.title, a.date) == ("Hello", datetime(2008, 11, 23, 17, 22, 34, tzinfo=UTC))
    assert a.updated == datetime(2008, 11, 24, 9, tzinfo=timezone(timedelta(hours=8)))
    assert (a.tags, a.authors, a.draft, a.slug) == (("News", "a", "b"), ("Jane",), False, "hello")
    assert dict(a.extra) == {"hugo_weight": 3}  # Hugo's list order, not sitegen's lead-story weight
    assert a.aliases == ("/posts/hello/", "/old/")  # its URL on the Hugo site, and its own aliases
    assert a.body_markdown.strip() == "First.\n\n<!--more-->\n\nRest."


def test_hugos_weight_orders_lists_and_makes_no_lead_story(make_site: MakeSite, tmp_path: Path) -> None:
    hugo = tmp_path / "hugo"
    (hugo / "content" / "posts").mkdir(parents=True)
    (hugo / "hugo.toml").write_text('baseURL = "https://old.example.cn/"\n', "utf-8")
    post = "---\ntitle: 排序靠后的旧文\ndate: 2015-01-01\nWeight: 5\n---\n正文\n"
    (hugo / "content" / "posts" / "old.md").write_text(post, "utf-8")
    site = make_site({})
    assert import_hugo(site, hugo, "towns").complete
    text = (site / "content/towns/2015/old.md").read_text("utf-8")
    assert "\nhugo_weight: 5\n" in text and "\nweight:" not in text and "\nWeight:" not in text
    (imported,) = load(site).articles
    assert not imported.lead and imported.extra["hugo_weight"] == 5  # still there for a template


def test_a_relative_alias_is_beside_the_pages_url_as_hugo_writes_it() -> None:
    permalinks = {"permalinks": {"posts": "/:year/:month/:slug/"}}
    front = "---\ntitle: 相对别名\ndate: 2020-03-04\nslug: rel\naliases: [old-name, ../up, /abs/]\n---\n正文\n"
    assert parse_hugo(front, "posts/rel.md", site=permalinks).aliases == (
        "/2020/03/rel/",
        "/2020/03/old-name/",  # not /posts/old-name: Hugo joins it to the page's URL, not its file's folder
        "/2020/up/",
        "/abs/",
    )
    assert parse_hugo(front, "posts/rel/index.md").aliases == ("/posts/rel/", "/posts/old-name/", "/up/", "/abs/")
    ugly = parse_hugo(front, "posts/rel.md", site={"uglyURLs": True}).aliases
    assert ugly == ("/posts/rel.html", "/posts/old-name.html", "/up.html", "/abs.html")


def test_refs_in_html_and_in_running_text_reach_the_article(make_site: MakeSite, tmp_path: Path) -> None:
    posts = tmp_path / "hugo/content/posts"
    posts.mkdir(parents=True)
    (tmp_path / "hugo/hugo.toml").write_text('baseURL = "https://old.example.cn/"\n', "utf-8")
    a = (
        '<a href="{{< ref "b.md" >}}">到乙</a>\n\n见 {{< relref "b#one" >}}。\n\n[乙]({{< ref "b" >}})\n\n'
        '<a href="{{< ref "gone.md" >}}">不在</a>\n'
    )
    (posts / "a.md").write_text(f"---\ntitle: 文章甲\ndate: 2021-01-01\n---\n{a}", "utf-8")
    (posts / "b.md").write_text("---\ntitle: 文章乙\ndate: 2020-12-02\n---\n## one\n\n乙\n", "utf-8")
    site = make_site({})
    report = import_hugo(site, tmp_path / "hugo", "towns")
    body = (site / "content/towns/2021/a.md").read_text("utf-8").split("---\n\n", 1)[1]
    assert body.startswith('<a href="../../../2020/12/b/">到乙</a>')  # the URL: the build leaves HTML alone
    assert "见 [https://example.org/sub/towns/2020/12/b/#one](../2020/b.md#one)。" in body  # shown as Hugo did
    assert "[乙](../2020/b.md)" in body  # a Markdown link: the build finds the URL
    (written_a,) = [w for w in report.written if w.target.endswith("/a.md")]
    assert [n.message for n in written_a.notices] == ['kept as written, not converted: {{< ref "gone.md" >}}']
    build_site(site)
    out = article_body(page(site / "public", "towns/2021/01/a/"))
    for href in re.findall(r'href="([^"]+)"', out)[:3]:
        assert (site / "public/towns/2021/01/a" / href.split("#")[0] / "index.html").resolve().is_file(), href


def test_yaml_front_matter_with_hugo_spellings() -> None:
    text = """\
---
Title: "Capitalised keys"
PublishDate: 2019-03-10T12:00:00Z
authors: [Li, Wang]
categories: Events
description: A description becomes the summary.
draft: true
---
Body text.<!--more--> More.
"""
    a = parse_hugo(text, "posts/2019-03-10-capitalised.md")
    assert a.title == "Capitalised keys" and a.date.isoformat() == "2019-03-10T12:00:00+00:00"
    assert (a.authors, a.tags, a.draft) == (("Li", "Wang"), ("Events",), True)
    assert a.summary == "A description becomes the summary." and a.slug == "capitalised"
    assert "Body text.\n\n<!--more-->\n\n More." in a.body_markdown
    assert dict(a.extra) == {}


def test_json_front_matter() -> None:
    text = '{\n  "title": "JSON post",\n  "date": "2020-01-02",\n  "tags": ["x"]\n}\n\nBody.\n'
    a = parse_hugo(text, "posts/json.md")
    assert (a.title, a.date, a.tags, a.body_markdown.strip()) == ("JSON post", date(2020, 1, 2), ("x",), "Body.")


def test_dates_from_the_file_name_and_failures_with_lines() -> None:
    assert parse_hugo("---\ntitle: x\n---\n", "posts/2021-04-05-spring.md").date == date(2021, 4, 5)
    with pytest.raises(ImportFailed, match="no date"):
        parse_hugo("---\ntitle: About\n---\nAbout us.\n", "about.md")
    with pytest.raises(ImportFailed) as caught:
        parse_hugo("+++\ntitle = 'x'\ndate = @\ndraft = true\n+++\n", "x.md")
    assert caught.value.message.startswith("invalid TOML") and caught.value.line == 3
    with pytest.raises(ImportFailed, match="never closed"):
        parse_hugo("---\ntitle: x\n", "x.md")


def test_a_title_from_the_first_heading_or_the_file_name() -> None:
    a = parse_hugo("---\ndate: 2020-01-01\n---\n# The heading\n\nText.\n", "posts/x.md")
    assert a.title == "The heading" and "# The heading" not in a.body_markdown
    assert parse_hugo("---\ndate: 2020-01-01\n---\nText.\n", "posts/my-first-post.md").title == "My First Post"


def test_keys_for_ref_and_relref() -> None:
    assert post_keys("posts/bundle/index.md") == ("posts/bundle", "bundle")
    assert post_keys("posts/hello.en.md") == ("posts/hello", "hello")
    assert [ref_key(t) for t in ("/posts/bundle/index.md", "posts/bundle", "hello.md#top", "bundle/")] == [
        "posts/bundle",
        "posts/bundle",
        "hello",
        "bundle",
    ]


# --------------------------------------------------------------------------- shortcodes


SHORTCODES = """\
---
title: Shortcodes
date: 2020-01-01
---
{{< figure src="/images/a.png" title="Title" caption="The <b>caption</b>" alt="Alt" >}}

{{% figure src="b.jpg" %}}

{{< highlight go "linenos=table" >}}
fmt.Println("```")
{{< /highlight >}}

{{< youtube w7Ft2ymGmfc >}} {{< vimeo id="146022717" >}} {{< gist spf13 7896402 >}} {{< tweet user="x" id="1" >}}

{{<notice warning>}}
Careful.
{{</notice>}}

```
{{</* figure src="x.png" */>}}
{{< param title >}}
```

Inline {{< param title >}} and {{< param nothing >}}.
"""


def test_shortcodes_converted_or_kept_visibly_and_reported() -> None:
    a = parse_hugo(SHORTCODES, "posts/s.md")
    body = a.body_markdown
    assert [(p.src, p.caption, p.alt, p.line) for p in a.images] == [
        ("/images/a.png", "The caption", "Alt", 5),
        ("b.jpg", "", "", 7),
    ]
    assert "![Alt](/images/a.png)" in body and "![](b.jpg)" in body
    assert '````go\nfmt.Println("```")\n````' in body
    assert "[YouTube: w7Ft2ymGmfc](https://www.youtube.com/watch?v=w7Ft2ymGmfc)" in body
    assert "(https://vimeo.com/146022717)" in body and "(https://gist.github.com/spf13/7896402)" in body
    assert "(https://x.com/x/status/1)" in body
    assert "`{{<notice warning>}}`\nCareful.\n`{{</notice>}}`" in body  # unknown: kept, visible as code
    assert '```\n{{< figure src="x.png" >}}\n{{< param title >}}\n```' in body  # inside code: as written
    assert "Inline Shortcodes and `{{< param nothing >}}`." in body
    assert [(n.line, n.message) for n in a.notices] == [
        (15, "kept as written, not converted: {{<notice warning>}}"),
        (21, "kept as written, not converted: {{< param title >}}"),
        (24, "kept as written, not converted: {{< param nothing >}}"),
    ]


def test_ref_becomes_a_link_marker() -> None:
    a = parse_hugo('---\ntitle: x\ndate: 2020-01-01\n---\n[a]({{< ref "posts/b.md#part" >}})\n', "posts/a.md")
    (link,) = a.post_links
    assert (link.key, link.original, link.line) == ("posts/b", '{{< ref "posts/b.md#part" >}}', 5)
    assert link.fragment == "#part"
    assert a.body_markdown.strip() == f"[a]({link.marker})"


def test_html_figures_and_lone_images_become_markdown_pictures() -> None:
    text = """\
---
title: x
date: 2020-01-01
---
<figure>
  <img src="a.png" alt="A">
  <figcaption>Caption <em>A</em></figcaption>
</figure>

<p><img src="b.png" alt="B" width="300"></p>

Text with <img src="inline.png"> inside stays HTML.
"""
    a = parse_hugo(text, "posts/x.md")
    assert [(p.src, p.caption, p.alt) for p in a.images] == [("a.png", "Caption A", "A")]
    assert "![A](a.png)" in a.body_markdown and "![B](b.png)" in a.body_markdown
    assert 'Text with <img src="inline.png"> inside' in a.body_markdown


def test_a_list_right_after_a_paragraph_gets_its_blank_line() -> None:
    a = parse_hugo(
        "---\ntitle: x\ndate: 2020-01-01\n---\nSteps:\n1. one\n2. two\n\n```\ntext\n- not a list\n```\n", "x.md"
    )
    assert "Steps:\n\n1. one\n2. two" in a.body_markdown
    assert "text\n- not a list" in a.body_markdown


# --------------------------------------------------------------------------- the fixture site


def test_the_fixture_site_imports_and_builds(make_site: MakeSite) -> None:
    site = make_site({})
    report = import_hugo(site, HUGO, "towns")
    modified = date.fromtimestamp((HUGO / "content/about.md").stat().st_mtime)
    assert {w.target: names((w,))[0] for w in report.written} == {
        "content/towns/2008/first-post.md": "content/posts/first-post.md",
        "content/towns/2019/yaml-post.md": "content/posts/yaml-post.md",
        "content/towns/2020/photo-album.md": "content/posts/bundle/index.md",
        "content/towns/2024/draft-idea.md": "content/posts/draft-idea.md",
        # undated: Hugo publishes it all the same, at /about/; dated by its file, reported for an editor to check
        f"content/towns/{modified.year}/about.md": "content/about.md",
    }
    about = next(w for w in report.written if w.target.endswith("/about.md"))
    assert f"used the file's modification date {modified}: check it" in about.notices[0].message
    assert {n: s.reason for n, s in zip(names(report.skipped), report.skipped, strict=True)} == {
        "content/_index.md": "a section page (_index), not a post",
        "content/posts/_index.md": "a section page (_index), not a post",
        "content/posts/bundle/notes.md": "a resource of the page bundle bundle/, not a post",
    }
    assert {n: f.reason for n, f in zip(names(report.failed), report.failed, strict=True)} == {
        "content/posts/emacs-notes.org": "is .org markup; only Markdown and HTML can be imported",
    }
    assert not report.complete  # a file could not be imported, and the report names it
    bundle = next(w for w in report.written if "photo-album" in w.target)
    assert bundle.pictures == ("content/towns/2020/chart.png", "content/towns/2020/cover.png")
    assert (site / "content/towns/2020/chart.png").read_bytes() == (
        HUGO / "content/posts/bundle/images/chart.png"
    ).read_bytes()
    assert (site / "content/towns/2008/logo.png").is_file()  # /images/logo.png from static/

    first = (site / "content/towns/2008/first-post.md").read_text("utf-8")
    assert "date: 2008-11-23 17:22:34+00:00\n" in first and "updated: 2008-11-25 09:00:00+08:00\n" in first
    assert "tags:\n- 社区生活\n- 读书\n- 志愿服务\n" in first
    assert "aliases:\n- /posts/first-post/\n- /old/library-corner/\n" in first
    assert "[活动相册](../2020/photo-album.md)" in first and "[报名须知](../2019/yaml-post.md)" in first
    draft = (site / "content/towns/2024/draft-idea.md").read_text("utf-8")
    assert "draft: true" in draft and "../2008/first-post.md" in draft

    build_site(site)
    out = site / "public"
    first_html = article_body(page(out, "towns/2008/11/first-post/"))
    assert 'href="../../../2020/05/photo-album/"' in first_html
    assert '<code class="language-python">' in first_html and "{{ not a template }}" in first_html
    yaml_html = article_body(page(out, "towns/2019/03/yaml-post/"))
    assert "<figcaption>亲子阅读活动海报</figcaption>" in yaml_html
    assert "<code>{{&lt; notice warning &gt;}}</code>" in yaml_html  # the reader sees what is left to do
    assert "本文作者：编辑部。" in text_of(yaml_html)  # {{< param author >}} from the site's [params]
    album = article_body(page(out, "towns/2020/05/photo-album/"))
    # cover.png twice, each figure with its own caption
    assert re.findall(r"<figcaption>(.*?)</figcaption>", album) == ["活动现场", "参加人数统计", "现场气氛热烈"]


def test_importing_one_section_or_one_file(make_site: MakeSite) -> None:
    site = make_site({})
    report = import_hugo(site, HUGO / "content/posts/first-post.md", "tips")
    assert [w.target for w in report.written] == ["content/tips/2008/first-post.md"]
    text = (site / "content/tips/2008/first-post.md").read_text("utf-8")
    # the linked posts were not imported: the refs stay visible, and are reported
    assert '`{{< ref "posts/bundle" >}}`' in text
    assert [n.message for n in report.written[0].notices] == [
        'kept as written, not converted: {{< ref "posts/bundle" >}}',
        'kept as written, not converted: {{< relref "yaml-post.md" >}}',
    ]
    assert (site / "content/tips/2008/logo.png").is_file()


def test_a_link_from_a_published_post_to_a_draft_is_kept_and_reported(make_site: MakeSite) -> None:
    site = make_site({})
    src = site.parent / "hugo-src"
    (src / "content/posts").mkdir(parents=True)
    (src / "content/posts/a.md").write_text('---\ntitle: A\ndate: 2020-01-01\n---\n[b]({{< ref "b" >}})\n', "utf-8")
    (src / "content/posts/b.md").write_text("---\ntitle: B\ndate: 2020-01-02\ndraft: true\n---\nB.\n", "utf-8")
    report = import_hugo(site, src, "towns")
    a = next(w for w in report.written if w.target.endswith("/a.md"))
    assert a.notices[0].message == 'links to a draft, kept as written: {{< ref "b" >}}'
    build_site(site)  # sitegen refuses links from published articles to drafts; the import avoided one


def test_pictures_outside_the_source_are_never_copied(make_site: MakeSite) -> None:
    site = make_site({})
    secret = site.parent / "secret.png"
    secret.write_bytes(png())
    src = site.parent / "hugo-src"
    (src / "content/posts").mkdir(parents=True)
    (src / "content/posts/a.md").write_text(
        "---\ntitle: A\ndate: 2020-01-01\n---\n![x](../../../secret.png)\n\n![remote](https://example.org/r.png)\n",
        "utf-8",
    )
    report = import_hugo(site, src, "towns")
    assert report.written[0].pictures == () and report.written[0].missing == ("secret.png",)
    text = (site / "content/towns/2020/a.md").read_text("utf-8")
    assert "![x](secret.png)" in text and "![remote](https://example.org/r.png)" in text


def test_an_empty_folder_is_refused(make_site: MakeSite, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(ImportRefused, match="no content files under"):
        import_hugo(make_site({}), tmp_path / "empty", "towns")


def test_import_beside_existing_articles_never_overwrites(make_site: MakeSite) -> None:
    site = make_site({"content/towns/2008/first-post.md": article("已有的文章", "2008-11-23")})
    before = (site / "content/towns/2008/first-post.md").read_bytes()
    report = import_hugo(site, HUGO / "content/posts", "towns")
    renamed = next(w for w in report.written if w.origin.endswith("first-post.md"))
    assert (renamed.target, renamed.renamed_from) == (
        "content/towns/2008/first-post-2008-11-24.md",  # 17:22 UTC is the 24th in Shanghai
        "content/towns/2008/first-post.md",
    )
    assert renamed.taken_by == "content/towns/2008/first-post.md"
    assert (site / "content/towns/2008/first-post.md").read_bytes() == before


def test_headless_pages_are_not_posts(make_site: MakeSite) -> None:
    site = make_site({})
    src = site.parent / "hugo-src"
    (src / "content/posts").mkdir(parents=True)
    (src / "content/posts/widget.md").write_text("---\ntitle: W\ndate: 2020-01-01\nheadless: true\n---\n", "utf-8")
    (src / "content/posts/hidden.md").write_text(
        "+++\ntitle = 'H'\ndate = 2020-01-01\n[build]\nrender = 'never'\n+++\n", "utf-8"
    )
    report = import_hugo(site, src, "towns")
    assert report.complete and not report.written
    assert {s.reason for s in report.skipped} == {"a headless page Hugo does not publish, not a post"}


def test_indented_code_is_code_but_a_list_continuation_is_not() -> None:
    text = """\
---
title: x
date: 2020-01-01
---
The shortcode's template:

    <img src="{{ .Get "src" }}" alt="x" />
    {{%/* fig src="a.jpg" */%}}

1. A step

    {{< youtube abc >}}

{{< twitter user="SanDiegoZoo" id="1453110110599868418" >}} {{< vimeo_simple 48912912 >}}
"""
    a = parse_hugo(text, "x.md")
    assert '    <img src="{{ .Get "src" }}" alt="x" />\n    {{% fig src="a.jpg" %}}\n' in a.body_markdown
    assert a.images == () and not a.notices
    assert "    [YouTube: abc](https://www.youtube.com/watch?v=abc)" in a.body_markdown
    assert "(https://x.com/SanDiegoZoo/status/1453110110599868418)" in a.body_markdown
    assert "(https://vimeo.com/48912912)" in a.body_markdown


# --------------------------------------------------------------------------- an import killed halfway

_KILLED_AT_LINK = """
import os, signal, sys
from sitegen.cli import main
from sitegen.importers import writer
linked, real, at = [0], os.link, int(sys.argv[1])
def link(source, target):
    linked[0] += 1
    if linked[0] == at:
        os.kill(os.getpid(), signal.SIGKILL)  # the temporary written, the file not yet in place
    real(source, target)
writer.os = type(os)("os")
writer.os.__dict__.update(os.__dict__, link=link)
sys.argv = ["sitegen", *sys.argv[2:]]
main()
"""


@pytest.mark.parametrize("killed_at", [1, 2, 4])  # a post's picture, the post itself, the second post's article
def test_an_import_killed_while_writing_leaves_no_half_file_and_a_run_again_completes_it(
    make_site: MakeSite, tmp_path: Path, killed_at: int
) -> None:
    """A half-written article or picture was kept by the next run ("already imported; edited since") and failed
    every build; an article written before its pictures was never given them."""
    import os
    import shutil
    import subprocess
    import sys

    hugo = tmp_path / "hugo"
    for n in (1, 2):
        bundle = hugo / "content" / "posts" / f"post-{n}"
        bundle.mkdir(parents=True)
        (bundle / "photo.png").write_bytes(png(n * 100, 30, 30))
        (bundle / "index.md").write_text(f"---\ntitle: 第{n}篇\ndate: 2023-0{n}-01\n---\n\n![照片](photo.png)\n")
    site = make_site({})
    clean = tmp_path / "clean"
    shutil.copytree(site, clean)
    import_hugo(clean, hugo, "towns")
    command = ["import", "hugo", str(hugo), "--column", "towns", "--site", str(site)]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    killed = subprocess.run([sys.executable, "-c", _KILLED_AT_LINK, str(killed_at), *command], env=env)
    assert killed.returncode == -9
    import_hugo(site, hugo, "towns")  # a run again
    files = {p.relative_to(site).as_posix(): p.read_bytes() for p in (site / "content").rglob("*") if p.is_file()}
    assert files == {p.relative_to(clean).as_posix(): p.read_bytes() for p in (clean / "content").rglob("*")
                     if p.is_file()}  # fmt: skip
    build_site(site)
