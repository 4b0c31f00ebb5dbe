"""Paths: nothing from content reads or writes outside the site or the output folder.

File names, `slug`, the permalink pattern, picture `src`, links, symbolic links; and the output folder itself.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import PNG, SITE_YAML, MakeSite, article, build_site, load, tree

from sitegen.cli import main
from sitegen.config import parse_config
from sitegen.errors import BuildFailed, ConfigError
from sitegen.urls import MAX_SEGMENT_BYTES, path_problem, safe_join, unsafe_scheme


def failures(site: Path) -> list[str]:
    with pytest.raises(BuildFailed) as caught:
        load(site)
    return [error.text("en") for error in caught.value.errors]


# --------------------------------------------------------------------------- picture paths


@pytest.mark.parametrize(
    ("src", "problem"),
    [
        ("/etc/passwd", "is an absolute path"),
        ("//etc/passwd.png", "is an absolute path"),  # (content treats //host/x.png as a remote picture first)
        ("\\\\server\\share\\a.png", "is an absolute path"),
        ("C:/Windows/win.ini", "names a drive"),
        ("c:a.png", "names a drive"),
        ("a\\..\\..\\b.png", "contains a backslash"),
        ("a\x00.png", "contains a NUL byte"),
        ("x" * 300 + ".png", "has a name longer than 255 bytes"),
        ("a/" * 600 + "b.png", "is longer than 1000 characters"),
        ("../../../../../../etc/passwd", None),  # lexical checks pass; safe_join finds that it leaves
    ],
)
def test_path_problem(src: str, problem: str | None) -> None:
    assert path_problem(src) == problem


def test_safe_join_refuses_every_way_out(tmp_path: Path) -> None:
    root = tmp_path / "site"
    (root / "content").mkdir(parents=True)
    (tmp_path / "secret.png").write_bytes(PNG)
    (root / "content/link.png").symlink_to(tmp_path / "secret.png")
    (root / "content/loop-a").symlink_to(root / "content/loop-b")
    (root / "content/loop-b").symlink_to(root / "content/loop-a")
    for relative in ["../secret.png", "content/../../secret.png", "/etc/passwd", "C:x", "a\x00b",
                     "content/link.png", "content/loop-a", "y" * 5000]:  # fmt: skip
        assert safe_join(root, relative) is None, relative
    assert safe_join(root, "content/../content/x.png") == (root / "content/x.png").resolve()


@pytest.mark.parametrize(
    ("src", "problem"),
    [
        ("/etc/passwd", "is an absolute path"),
        ("C:/Windows/win.ini", "names a drive"),
        ("x" * 300 + ".png", "has a name longer than 255 bytes"),
        ("../../../../../../../../etc/passwd", "leaves the site folder"),
    ],
)
def test_pictures_outside_the_site_are_errors_in_the_body_and_in_front_matter(
    make_site: MakeSite, src: str, problem: str
) -> None:
    site = make_site(
        {
            "content/towns/body.md": article(body=f"![图]({src})\n"),
            "content/towns/listed.md": article(images=f"['{src}']"),
        }
    )
    messages = failures(site)
    assert len(messages) == 2, messages
    for message in messages:
        assert f"' {problem}" in message, message


def test_a_nul_byte_never_reaches_a_path(make_site: MakeSite) -> None:
    """Control characters, NUL included, are dropped when a source is read (also when written as YAML escapes)."""
    site = make_site({"content/towns/a.md": article(images='["a\\0.png"]'), "content/towns/a.png": PNG})
    build_site(site)
    assert (site / "public/towns/a.png").read_bytes() == PNG


# --------------------------------------------------------------------------- file names and slugs


def test_an_over_long_slug_is_an_error(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": article(slug="长" * 100)})  # 300 bytes of UTF-8
    (message,) = failures(site)
    assert message.startswith("content/towns/a.md:4: slug: expected at most 200 bytes"), message


def test_an_over_long_file_name_is_an_error_unless_a_slug_is_given(make_site: MakeSite) -> None:
    name = "文" * 80  # 240 bytes: a legal file name, too long for an output folder name plus .html
    site = make_site({f"content/towns/{name}.md": article()})
    (message,) = failures(site)
    assert message.startswith(f"content/towns/{name}.md: slug: the file name gives the slug"), message
    assert f"at most {MAX_SEGMENT_BYTES} bytes" in message
    (site / f"content/towns/{name}.md").write_text(article(slug="short"), encoding="utf-8")
    build_site(site)
    assert (site / "public/towns/2024/01/short/index.html").is_file()


@pytest.mark.parametrize("name", ["..", "C:evil", "a b", "-x-", "%2e%2e", "con.txt"])
def test_odd_file_names_become_harmless_slugs(make_site: MakeSite, name: str) -> None:
    site = make_site({f"content/towns/{name}.md": article()})
    build_site(site)
    out = site / "public"
    built = [p for p in tree(out) if p.startswith("towns/2024/")]
    assert len(built) == 1 and built[0].endswith("/index.html"), built
    slug = built[0].split("/")[3]
    assert slug not in ("", ".", "..") and "/" not in slug and ":" not in slug and "%" not in slug


@pytest.mark.parametrize("slug", ["../../etc", "/etc", "a/b", "C:x", ".hidden", "a\\b"])
def test_slugs_that_could_leave_the_output_are_errors(make_site: MakeSite, slug: str) -> None:
    site = make_site({"content/towns/a.md": article(slug=f"'{slug}'")})
    (message,) = failures(site)
    assert "slug: expected letters, digits" in message


# --------------------------------------------------------------------------- the permalink pattern


@pytest.mark.parametrize(
    "pattern",
    [
        "/../{slug}/",
        "/{column}/../../{slug}/",
        "/{column}/./{slug}/",
        "/{column}//{slug}/",
        "/{column}\\{slug}/",
        "/C:/{slug}/",
        "/{column}/%2e%2e/{slug}/",
        "/{column}/a b/{slug}/",
        "/{column}/?x=/{slug}/",
        "/{column}/#/{slug}/",
    ],
)
def test_permalink_patterns_that_could_leave_the_output_are_refused(pattern: str) -> None:
    text = SITE_YAML + f"permalink: {pattern!r}\n".replace("\x00", "\\0").replace("'", '"')
    with pytest.raises(ConfigError) as caught:
        parse_config(text)
    assert [e.field for e in caught.value.errors] == ["permalink"], caught.value.errors


def test_usual_permalink_patterns_are_accepted() -> None:
    for pattern in ["/{column}/{yyyy}/{mm}/{slug}/", "/{column}/{slug}.html", "/news/{yyyy}-{mm}-{dd}/{slug}/",
                    "/{column}/{yyyy}/{slug}~1/"]:  # fmt: skip
        assert parse_config(SITE_YAML + f"permalink: {pattern}\n").permalink == pattern


# --------------------------------------------------------------------------- symbolic links


def test_a_linked_article_outside_content_is_an_error(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": article()})
    (site.parent / "secret.md").write_text(article(title="机密"), encoding="utf-8")
    (site / "content/towns/b.md").symlink_to(site.parent / "secret.md")
    assert failures(site) == ["content/towns/b.md: is a link that points outside content/ "
                              "(copy the file into the site instead of linking to it)"]  # fmt: skip


def test_a_linked_folder_outside_content_is_an_error(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": article()})
    (site.parent / "elsewhere").mkdir()
    (site.parent / "elsewhere/x.md").write_text(article(title="机密"), encoding="utf-8")
    (site / "content/towns/more").symlink_to(site.parent / "elsewhere")
    (message,) = failures(site)
    assert message.startswith("content/towns/more: is a link that points outside content/")


def test_a_loop_of_links_is_an_error_not_a_hang(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": article()})
    (site / "content/towns/x.md").symlink_to(site / "content/towns/y.md")
    (site / "content/towns/y.md").symlink_to(site / "content/towns/x.md")
    (site / "content/towns/self").symlink_to(site / "content/towns")
    messages = failures(site)
    assert [m.split(" (")[0] for m in messages] == [
        "content/towns/x.md: is a broken link or a loop of links",
        "content/towns/y.md: is a broken link or a loop of links",
    ]


@pytest.mark.parametrize("folder", ["content", "assets", "data"])
def test_site_folders_linked_outside_the_site_are_errors(make_site: MakeSite, folder: str) -> None:
    site = make_site({"content/towns/a.md": article()})
    outside = site.parent / "outside"
    (outside / "towns").mkdir(parents=True)
    (outside / "passwd").write_text("root:x:0:0\n", encoding="utf-8")
    if folder == "content":
        (outside / "towns/a.md").write_text(article(), encoding="utf-8")
        os.rename(site / "content", site.parent / "old-content")
    (site / folder).symlink_to(outside)
    (message,) = failures(site)
    assert message.startswith(f"{folder}: is a link that points outside the site folder"), message


def test_an_asset_linked_outside_the_site_is_an_error_and_never_copied(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": article(), "assets/ok.css": "p{}"})
    (site.parent / "passwd").write_text("root:x:0:0\n", encoding="utf-8")
    (site / "assets/passwd.txt").symlink_to(site.parent / "passwd")
    (message,) = failures(site)
    assert message.startswith("assets/passwd.txt: is a link that points outside the site folder")
    assert not (site / "public").exists()


def test_links_inside_the_site_are_fine(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": article(body="![图](shared.png)\n"), "assets/pics/p.png": PNG})
    (site / "content/towns/shared.png").symlink_to(site / "assets/pics/p.png")
    (site / "assets/alias.png").symlink_to(site / "assets/pics/p.png")
    build_site(site)
    assert (site / "public/assets/alias.png").read_bytes() == PNG


# --------------------------------------------------------------------------- link targets


@pytest.mark.parametrize(
    "href",
    ["javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "&#106;avascript:alert(1)",
     "java&#x09;script:alert(1)", "javascript&colon;alert(1)", "vbscript:msgbox(1)", "data:text/html,<b>x</b>",
     "jav\tascript:alert(1)"],
)  # fmt: skip
def test_unsafe_schemes_are_seen_through_entities_and_white_space(href: str) -> None:
    assert unsafe_scheme(href) in {"javascript", "vbscript", "data"}


@pytest.mark.parametrize("href", ["https://example.org/", "mailto:a@example.org", "tel:+8620", "../x.md#a", "#top",
                                  "page/2/", "/abs/path", "?q=1"])  # fmt: skip
def test_ordinary_links_are_safe(href: str) -> None:
    assert unsafe_scheme(href) is None


def test_a_javascript_link_in_a_trusted_column_is_an_error_naming_its_line(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": article(body="第一段。\n\n[点我](&#106;avascript:alert(1))\n")})
    (message,) = failures(site)
    assert message.startswith("content/towns/a.md:8: link: '&#106;avascript:alert(1)' is a javascript: link"), message


def test_a_link_to_a_source_outside_the_site_reads_nothing(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": article(body="[机密](../../../secret.md)\n")})
    (site.parent / "secret.md").write_text(article(title="机密"), encoding="utf-8")
    (message,) = failures(site)
    assert "'../../../secret.md' points to ../secret.md, which does not exist" in message


# --------------------------------------------------------------------------- the output folder


@pytest.mark.parametrize("where", ["/", "~", "site", "site/content", "parent-of-site", "site/..", "home-link"])
def test_the_cli_refuses_dangerous_output_folders_and_deletes_nothing(
    make_site: MakeSite, tmp_path: Path, where: str
) -> None:
    site = make_site({"content/towns/a.md": article()})
    (tmp_path / "home-link").symlink_to(Path.home())
    output = {
        "/": Path("/"),
        "~": Path.home(),
        "site": site,
        "site/content": site / "content",
        "parent-of-site": site.parent,
        "site/..": site / "..",
        "home-link": tmp_path / "home-link",
    }[where]
    before = tree(site)
    result = CliRunner().invoke(main, ["build", "--site", str(site), "--output", str(output)])
    assert result.exit_code == 2, result.output
    assert "拒绝输出到" in result.output
    assert tree(site) == before


def test_a_folder_holding_the_home_folder_is_refused(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": article()})
    home_parent = Path.home().resolve().parent
    result = CliRunner().invoke(main, ["build", "--site", str(site), "--output", str(home_parent)])
    assert result.exit_code == 2, result.output
    assert Path.home().is_dir()


# --------------------------------------------------------------------------- what a picture may be


@pytest.mark.parametrize("name", ["evil.html", "evil.htm", "x.js", "notes.txt", "config", "a.png.html"])
def test_a_local_picture_must_be_a_picture_file(make_site: MakeSite, name: str) -> None:
    """A picture is copied into the public site: an .html "picture" would be a page of the site with its scripts."""
    site = make_site({"content/tips/a.md": article(body=f"![图]({name})\n"), f"content/tips/{name}": "<script>"})
    (message,) = failures(site)
    assert f"images: picture '{name}' is not a picture file (.png, .jpg" in message, message


def test_svg_pictures_are_refused_in_untrusted_columns_only(make_site: MakeSite) -> None:
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    yaml = SITE_YAML.replace("    title: 身边爆料\n", "    title: 身边爆料\n    untrusted: true\n")
    site = make_site({"site.yaml": yaml, "content/tips/a.md": article(body="![图](x.svg)\n"), "content/tips/x.svg": svg,
                      "content/towns/b.md": article(body="![图](y.svg)\n"), "content/towns/y.svg": svg})  # fmt: skip
    (message,) = failures(site)
    assert message.startswith("content/tips/a.md:6: images: picture 'x.svg' is an SVG file, which can carry scripts")


@pytest.mark.parametrize("place", [".git/x.png", "templates/x.png", "x.png", "data/x.png", "content/.hidden/x.png"])
def test_pictures_come_only_from_content_and_assets(make_site: MakeSite, place: str) -> None:
    site = make_site({"content/towns/a.md": article(body=f"![图](../../{place})\n"), place: PNG})
    (message,) = failures(site)
    assert f"picture '../../{place}' is outside content/ and assets/" in message or "not found" in message, message
    assert not (site / "public").exists()
