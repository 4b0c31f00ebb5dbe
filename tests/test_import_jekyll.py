"""`sitegen import jekyll`: file-name dates and slugs, Jekyll's date form, categories and tags as lists or words,
`published: false` and _drafts/, excerpt separators, Liquid converted or kept visibly and reported; the fixture
site imports and builds."""

from __future__ import annotations

import os
import re
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from conftest import MakeSite, build_site, page
from importing import FIXTURES, article_body, text_of

from sitegen.importers.hugo import parse_hugo
from sitegen.importers.jekyll import parse_jekyll
from sitegen.importers.model import ImportFailed
from sitegen.importers.run import ImportRefused, import_jekyll
from sitegen.messages import is_translated

JEKYLL = FIXTURES / "jekyll"


def post(front: str, body: str = "Body.\n") -> str:
    return f"---\n{front.strip()}\n---\n{body}"


# --------------------------------------------------------------------------- front matter and file names


def test_the_file_name_gives_date_and_slug() -> None:
    a = parse_jekyll(post("title: Hello"), "_posts/2008-11-23-hello-world.md")
    assert (a.title, a.date, a.slug, a.draft) == ("Hello", date(2008, 11, 23), "hello-world", False)


def test_front_matter_date_in_jekylls_form_wins() -> None:
    a = parse_jekyll(post("title: x\ndate: 2008-11-23 17:22:34 +0000"), "_posts/2008-11-22-x.md")
    assert a.date == datetime(2008, 11, 23, 17, 22, 34, tzinfo=UTC)


def test_categories_and_tags_as_words_or_lists_with_folder_categories() -> None:
    a = parse_jekyll(post("title: x\ncategories: news community\ntags: [a, b]"), "blog/_posts/2020-01-01-x.md")
    assert a.tags == ("blog", "news", "community", "a", "b")
    b = parse_jekyll(post("title: x\ncategory: Events\ntags: party neighbours"), "_posts/2020-01-01-x.md")
    assert b.tags == ("Events", "party", "neighbours")


def test_a_themes_weight_is_kept_under_its_own_name_not_as_a_lead_story() -> None:
    a = parse_jekyll(post("title: Hello\nweight: 2\nlayout: post"), "_posts/2008-11-23-hello.md")
    assert dict(a.extra) == {"jekyll_weight": 2, "layout": "post"}


def test_a_picture_shown_twice_keeps_each_caption() -> None:
    body = (
        "![活动现场]({{ site.baseurl }}/assets/img/photo1.jpg)\n\n"
        '{% include figure.html image_path="/assets/img/photo1.jpg" caption="现场照片" %}\n\n'
        '{% include figure.html image_path="/assets/img/photo2.jpg" caption="合影" %}\n\n'
        "![合影](/assets/img/photo2.jpg)\n"
    )
    a = parse_jekyll(post("title: x", body), "_posts/2019-05-03-fang-zha.md")
    # photo1's entry has no caption, so that each figure shows its own words; photo2 has one caption
    assert [(p.src, p.caption) for p in a.images] == [
        ("/assets/img/photo1.jpg", ""),
        ("/assets/img/photo2.jpg", "合影"),
    ]
    assert "![活动现场](/assets/img/photo1.jpg)\n\n![现场照片](/assets/img/photo1.jpg)" in a.body_markdown
    assert not a.notices
    assert is_translated("redirect_from: [1] holds entries that are not paths; left out", "zh-CN")


def test_authors_excerpt_and_published() -> None:
    a = parse_jekyll(
        post("title: x\nauthor: {name: Jane, url: 'https://x'}\nexcerpt: Short.\npublished: false"),
        "_posts/2020-01-01-x.md",
    )
    assert (a.authors, a.summary, a.draft) == (("Jane",), "Short.", True)
    b = parse_jekyll(post("title: x\nauthors: [Li, Wang]\nlayout: post\npermalink: /x/"), "_posts/2020-01-01-x.md")
    assert b.authors == ("Li", "Wang") and dict(b.extra) == {"layout": "post"}
    assert b.aliases == ("/x/",)  # the permalink is the post's old URL


def test_a_custom_excerpt_separator_becomes_more() -> None:
    a = parse_jekyll(
        post('title: x\nexcerpt_separator: "<!-- excerpt -->"', "One.\n<!-- excerpt -->\nTwo.\n"),
        "_posts/2020-01-01-x.md",
    )
    assert a.body_markdown == "One.\n\n<!--more-->\n\nTwo.\n"
    site = {"excerpt_separator": "<!--more-->"}
    assert (
        "One.\n\n<!--more-->\n\nTwo."
        in parse_jekyll(post("title: x", "One.\n<!--more-->\nTwo.\n"), "_posts/2020-01-01-x.md", site).body_markdown
    )


def test_drafts_take_the_modification_date_and_undated_posts_fail() -> None:
    a = parse_jekyll(post("title: Plans"), "_drafts/plans.md", modified=date(2024, 3, 1))
    assert (a.date, a.draft, a.slug) == (date(2024, 3, 1), True, "plans")
    assert "modification date 2024-03-01" in a.notices[0].message
    with pytest.raises(ImportFailed, match="the file name does not start with YYYY-MM-DD-"):
        parse_jekyll(post("title: x"), "_posts/hello.md")
    with pytest.raises(ImportFailed, match="does not start with YYYY-MM-DD-"):
        parse_jekyll(post("title: x"), "_posts/2010-02-30-impossible.md")


def test_a_title_from_the_file_name_as_jekyll_makes_it() -> None:
    a = parse_jekyll("---\nlayout: post\n---\nText.\n", "_posts/2020-01-01-my-first-post.md")
    assert a.title == "My First Post" and "from the file name" in a.notices[0].message


# --------------------------------------------------------------------------- Liquid

LIQUID = """\
---
title: Liquid
---
{% highlight ruby linenos %}
puts "{{ x }}"
{% endhighlight %}

{% raw %}Use {{ page.title }} and {% if %}.{% endraw %}

{% comment %}
hidden
{% endcomment %}

![d]({{ site.baseurl }}/assets/d.png) ![e]({{ "/assets/e.png" | relative_url }})

[next]({% post_url 2009-01-05-first-meetup %}) [prev]({% link _posts/2008-11-23-hello.md %})

{% include figure image_path="/assets/f.png" alt="F" caption="The F" %}

{% include image.html url="/assets/g.png" description="The G" %}

{% include gallery.html id="x" %} {% include figure image_path=page.image %}

Title: {{ page.title }}. Members: {{ site.data.members | size }}.

```
{{ inside_code }}
```
"""


def test_liquid_converted_or_kept_visibly_and_reported() -> None:
    a = parse_jekyll(LIQUID, "_posts/2020-01-01-liquid.md")
    body = a.body_markdown
    assert '```ruby\nputs "{{ x }}"\n```' in body
    assert "Use {{ page.title }} and {% if %}." in body  # raw: verbatim, not reported
    assert "hidden" not in body
    assert "![d](/assets/d.png) ![e](/assets/e.png)" in body
    assert [(link.key, link.line) for link in a.post_links] == [
        ("2009-01-05-first-meetup", 16),
        ("2008-11-23-hello", 16),
    ]
    assert [(p.src, p.caption, p.alt) for p in a.images] == [
        ("/assets/f.png", "The F", "F"),
        ("/assets/g.png", "The G", ""),
    ]
    assert "![F](/assets/f.png)" in body and "![The G](/assets/g.png)" in body
    assert '`{% include gallery.html id="x" %}` `{% include figure image_path=page.image %}`' in body
    assert "Title: Liquid. Members: `{{ site.data.members | size }}`." in body
    assert "```\n{{ inside_code }}\n```" in body
    assert [(n.line, n.message) for n in a.notices] == [
        (22, 'kept as written, not converted: {% include gallery.html id="x" %}'),
        (22, "kept as written, not converted: {% include figure image_path=page.image %}"),
        (24, "kept as written, not converted: {{ site.data.members | size }}"),
        (27, "kept as written, not converted: {{ inside_code }}"),
    ]


def test_a_key_written_twice_is_imported_with_its_last_value_and_reported_with_both_lines() -> None:
    """Jekyll (and Hugo) take the last value of a repeated key without a word; the import says so, in both languages."""
    a = parse_jekyll(post("title: 初稿标题\ndate: 2019-05-03\ntitle: 定稿标题"), "_posts/2019-05-03-twice.md")
    assert a.title == "定稿标题"
    assert [(n.line, n.message) for n in a.notices] == [
        (4, "title written twice (lines 2 and 4); the last value imported")
    ]
    assert all(is_translated(n.message, "zh-CN") for n in a.notices)
    hugo = parse_hugo("---\ntitle: 甲\ndate: 2020-03-01\ntags: [a]\ntags: [b]\n---\nBody.\n", "posts/twice.md")
    assert [(n.line, n.message) for n in hugo.notices] == [
        (5, "tags written twice (lines 4 and 5); the last value imported")
    ]


# --------------------------------------------------------------------------- the fixture site


def test_the_fixture_site_imports_and_builds(make_site: MakeSite) -> None:
    site = make_site({})
    report = import_jekyll(site, JEKYLL, "towns")
    assert report.complete and not report.failed
    assert sorted(w.target for w in report.written)[:2] == [
        "content/towns/2008/hello.md",
        "content/towns/2009/first-meetup.md",
    ]
    assert [Path(w.origin).name for w in report.written] == [
        "autumn-plans.md",
        "2008-11-23-hello.md",
        "2009-01-05-first-meetup.markdown",
    ]
    hello = (site / "content/towns/2008/hello.md").read_text("utf-8")
    assert "[第一次街坊聚会](../2009/first-meetup.md)" in hello and "![投稿流程图](diagram.png)" in hello
    assert "tags:\n- news\n- community\n- 公告\n- 欢迎\n" in hello
    assert "aliases:\n- /hello/\n" in hello and "layout: post\ncomments: true\n" in hello
    meetup = (site / "content/towns/2009/first-meetup.md").read_text("utf-8")
    assert "updated: 2009-01-06 10:00:00+08:00" in meetup and "[开张公告](../2008/hello.md)" in meetup
    assert "- src: cover.png" in meetup and "![合影](cover.png)" in meetup  # image: and <img> with Liquid in it
    assert (site / "content/towns/2009/cover.png").read_bytes() == (JEKYLL / "assets/images/cover.png").read_bytes()
    draft = next(w for w in report.written if w.origin.endswith("autumn-plans.md"))
    assert "draft: true" in (site / draft.target).read_text("utf-8")

    build_site(site, drafts=True)
    out = site / "public"
    body = article_body(page(out, "towns/2008/11/hello/"))
    assert 'href="../../../2009/01/first-meetup/"' in body
    assert "模板里写 {{ page.title }} 就能显示标题。" in text_of(body)  # {% raw %} shows the braces
    assert '<code>{% include gallery.html id="opening" %}</code>' in body
    assert "本文标题是“街坊日志开张了”" in body
    assert '<pre><code class="language-ruby">' in body
    meetup_html = page(out, "towns/2009/01/first-meetup/")
    assert re.findall(r"<figcaption>(.*?)</figcaption>", article_body(meetup_html)) == ["榕树下的聚会", "合影"]


def test_redirect_from_adds_old_addresses_that_the_build_redirects(make_site: MakeSite, tmp_path: Path) -> None:
    jekyll = tmp_path / "jekyll"
    (jekyll / "_posts").mkdir(parents=True)
    (jekyll / "_config.yml").write_text("permalink: /:year/:month/:title/\n", "utf-8")
    listed = post("title: 防诈宣传\nredirect_from:\n  - /old/fangzha.html\n  - /news/123/", "正文\n")
    (jekyll / "_posts" / "2019-05-03-fang-zha.md").write_text(listed, "utf-8")
    one = post("title: 一条\nredirect_from: /news/124", "正文\n")  # one path as text
    (jekyll / "_posts" / "2019-05-04-one.md").write_text(one, "utf-8")
    site = make_site({})
    assert import_jekyll(site, jekyll, "towns").complete
    assert "aliases:\n- /2019/05/fang-zha/\n- /old/fangzha.html\n- /news/123/\n" in (
        site / "content/towns/2019/fang-zha.md"
    ).read_text("utf-8")
    assert "aliases:\n- /2019/05/one/\n- /news/124\n" in (site / "content/towns/2019/one.md").read_text("utf-8")
    assert "redirect_from" not in (site / "content/towns/2019/one.md").read_text("utf-8")
    build_site(site)
    out = site / "public"
    assert "towns/2019/05/fang-zha/" in (out / "old/fangzha.html").read_text("utf-8")
    assert (out / "news/123/index.html").is_file() and (out / "news/124/index.html").is_file()
    assert "/sub/old/fangzha.html /sub/towns/2019/05/fang-zha/ 301" in (out / "_redirects").read_text("utf-8")


def test_post_url_in_html_and_in_running_text_becomes_the_articles_url(make_site: MakeSite, tmp_path: Path) -> None:
    posts = tmp_path / "jekyll/_posts"
    posts.mkdir(parents=True)
    (posts / "2019-05-04-same-title.md").write_text(post("title: 乙"), "utf-8")
    linking = '<a href="{% post_url 2019-05-04-same-title %}">乙</a>\n\n'
    linking += "更多见 {% link _posts/2019-05-04-same-title.md %}。\n"
    (posts / "2019-05-03-md.md").write_text(post("title: 甲", linking), "utf-8")
    in_html = "<p>见 {% post_url 2019-05-04-same-title %}</p>\n"
    (posts / "2019-05-03-page.html").write_text(post("title: 丙", in_html), "utf-8")
    site = make_site({})
    assert import_jekyll(site, tmp_path / "jekyll", "towns").complete
    md = (site / "content/towns/2019/md.md").read_text("utf-8")
    assert '<a href="../same-title/">乙</a>' in md
    assert "更多见 [https://example.org/sub/towns/2019/05/same-title/](same-title.md)。" in md
    page_html = (site / "content/towns/2019/page.md").read_text("utf-8")
    assert '<p>见 <a href="../same-title/">https://example.org/sub/towns/2019/05/same-title/</a></p>' in page_html


def test_importing_the_posts_folder_or_one_post(make_site: MakeSite, tmp_path: Path) -> None:
    site = make_site({})
    report = import_jekyll(site, JEKYLL / "_posts", "tips")
    assert sorted(w.target for w in report.written) == [
        "content/tips/2008/hello.md",
        "content/tips/2009/first-meetup.md",
    ]
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(site / "site.yaml", other)
    single = import_jekyll(other, JEKYLL / "_posts/2008-11-23-hello.md", "towns")
    assert [w.target for w in single.written] == ["content/towns/2008/hello.md"]
    assert any("post_url 2009-01-05-first-meetup" in n.message for n in single.written[0].notices)


def test_a_folder_without_posts_is_refused(make_site: MakeSite, tmp_path: Path) -> None:
    (tmp_path / "site-src").mkdir()
    (tmp_path / "site-src/index.md").write_text("---\ntitle: x\n---\n", "utf-8")
    with pytest.raises(ImportRefused, match="no Jekyll posts under"):
        import_jekyll(make_site({}), tmp_path / "site-src", "towns")


def test_an_unreadable_post_is_named_with_its_reason(make_site: MakeSite, tmp_path: Path) -> None:
    src = tmp_path / "src/_posts"
    src.mkdir(parents=True)
    (src / "2020-01-01-good.md").write_text(post("title: Good"), "utf-8")
    (src / "2020-01-02-broken.md").write_text("---\ntitle: [unclosed\n---\n", "utf-8")
    (src / "notes.textile").write_text("h1. Old\n", "utf-8")
    report = import_jekyll(make_site({}), tmp_path / "src", "towns")
    assert [w.target for w in report.written] == ["content/towns/2020/good.md"]
    assert [(Path(f.origin).name, f.line, f.reason.split(":")[0]) for f in report.failed] == [
        ("2020-01-02-broken.md", 3, "invalid YAML"),
        ("notes.textile", None, "is .textile markup; only Markdown and HTML can be imported"),
    ]


def test_a_drafts_date_is_its_files_modification_date(make_site: MakeSite, tmp_path: Path) -> None:
    src = tmp_path / "src/_drafts"
    src.mkdir(parents=True)
    draft = src / "idea.md"
    draft.write_text(post("title: Idea"), "utf-8")
    moment = datetime(2023, 7, 8, 12, 0).timestamp()
    os.utime(draft, (moment, moment))
    report = import_jekyll(make_site({}), tmp_path / "src", "towns")
    assert [w.target for w in report.written] == ["content/towns/2023/idea.md"]


def test_a_draft_imported_again_after_a_fresh_clone_is_found_by_name_and_title(
    make_site: MakeSite, tmp_path: Path
) -> None:
    draft = tmp_path / "src/_drafts/draft-post.md"
    draft.parent.mkdir(parents=True)
    draft.write_text(post("title: 草稿文章", "草稿正文。\n"), "utf-8")
    site = make_site({})
    for year in (2024, 2025):  # a fresh clone gives the file a new modification time
        moment = datetime(year, 3, 1, 10, 0).timestamp()
        os.utime(draft, (moment, moment))
        report = import_jekyll(site, tmp_path / "src", "towns")
    assert not report.written and [s.reason for s in report.skipped] == ["already imported; unchanged"]
    assert [p.relative_to(site).as_posix() for p in site.rglob("draft-post*")] == ["content/towns/2024/draft-post.md"]
    imported = site / "content/towns/2024/draft-post.md"
    imported.write_text(imported.read_text("utf-8").replace("草稿正文", "改过的正文"), "utf-8")
    report = import_jekyll(site, tmp_path / "src", "towns")
    assert not report.written
    assert [s.reason for s in report.skipped] == ["already imported; edited since, not overwritten"]
    other = tmp_path / "src/_drafts/other.md"  # another draft of the same title is another post
    other.write_text(post("title: 草稿文章", "另一篇。\n"), "utf-8")
    os.utime(other, (moment, moment))
    assert [w.target for w in import_jekyll(site, other, "towns").written] == ["content/towns/2025/other.md"]


def test_a_kramdown_table_of_contents_becomes_markdowns() -> None:
    a = parse_jekyll(
        post("title: x", "* TOC\n{:toc}\n\n## One\n\n1. Contents\n{: .no_toc toc}\n"), "_posts/2020-01-01-x.md"
    )
    assert a.body_markdown == "[TOC]\n\n## One\n\n[TOC]\n"


def test_minimal_mistakes_captured_figures() -> None:
    text = """\
---
title: "Post: Image (Linked with Caption)"
---

{%- capture fig_img -%}
[![Foo]({{ "/assets/images/foo.jpg" | absolute_url }})](https://unsplash.com/)
{%- endcapture -%}

{%- capture fig_caption -%}
Image with a caption.
{%- endcapture -%}

<figure>
  {{ fig_img | markdownify | remove: "<p>" | remove: "</p>" }}
  <figcaption>{{ fig_caption | markdownify | remove: "<p>" | remove: "</p>" }}</figcaption>
</figure>
"""
    a = parse_jekyll(text, "_posts/2010-08-06-post-image-linked-caption.md")
    assert [(p.src, p.caption, p.alt) for p in a.images] == [("/assets/images/foo.jpg", "Image with a caption.", "Foo")]
    assert a.body_markdown.strip() == "![Foo](/assets/images/foo.jpg)" and not a.notices


@pytest.mark.parametrize(
    ("authors", "written"),
    [(("张三",), "张三"), (("Smith, John",), ["Smith, John"]), (("张三", "李四"), ["张三", "李四"])],
)
def test_an_imported_author_is_one_author_when_read_back(authors: tuple[str, ...], written: object) -> None:
    """A name holding a comma or 顿号 is written as a list of one: as text, the build would split it."""
    from sitegen.content.frontmatter import SourceText, parse_source
    from sitegen.importers.model import ImportedArticle
    from sitegen.importers.writer import front_matter, render

    imported = ImportedArticle("标题", datetime(2024, 1, 2, tzinfo=UTC), "正文", authors=authors)
    assert front_matter(imported)["author"] == written
    parsed = parse_source("content/towns/x.md", render(imported).encode(), UTC)
    assert isinstance(parsed, SourceText)
    assert parsed.front_matter.authors == authors
