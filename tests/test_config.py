"""site.yaml -> Config: defaults, sub-path base URLs, languages, and an error naming the key for every bad entry."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from sitegen.config import load_config, parse_config
from sitegen.errors import ConfigError
from sitegen.render.labels import labels_for
from sitegen.urls import DEFAULT_PERMALINK

MINIMAL = """\
title: 测试站
base_url: https://example.org/
columns:
  - slug: towns
    title: 镇街社区
"""


def config_errors(text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_config(textwrap.dedent(text))
    return [str(e) for e in caught.value.errors]


def test_minimal_config_gets_the_documented_defaults() -> None:
    config = parse_config(MINIMAL)
    assert config.title == "测试站"
    assert config.language == "zh-CN"
    assert config.timezone_name == "Asia/Shanghai"
    assert str(config.timezone) == "Asia/Shanghai"
    assert config.page_size == 10
    assert config.permalink == DEFAULT_PERMALINK == "/{column}/{yyyy}/{mm}/{slug}/"
    assert config.home_title == "首页"


def test_every_documented_key_is_read() -> None:
    config = parse_config(
        textwrap.dedent(
            """\
            title: Our Town
            description: News.
            base_url: https://example.org/junhe/
            language: en
            timezone: Europe/London
            page_size: 3
            permalink: /{column}/{yyyy}/{mm}/{dd}/{slug}.html
            home_title: Front page
            columns:
              - slug: region
                title: Region
                description: Around us
              - slug: towns
                title: Towns
            """
        )
    )
    assert (config.title, config.description, config.base_url) == ("Our Town", "News.", "https://example.org/junhe/")
    assert (config.language, config.timezone_name, config.page_size) == ("en", "Europe/London", 3)
    assert config.permalink == "/{column}/{yyyy}/{mm}/{dd}/{slug}.html"
    assert config.home_title == "Front page"
    assert [(c.slug, c.title, c.description) for c in config.columns] == [
        ("region", "Region", "Around us"),
        ("towns", "Towns", ""),
    ]


def test_english_home_title_defaults_to_english() -> None:
    assert parse_config(MINIMAL + "language: en\n").home_title == "Home"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("https://example.org/junhe/", "https://example.org/junhe/"),
        ("https://example.org/junhe", "https://example.org/junhe/"),
        ("http://example.org", "http://example.org/"),
        ("https://example.org/a/b/", "https://example.org/a/b/"),
    ],
)
def test_base_url_keeps_its_sub_path_and_ends_in_a_slash(written: str, expected: str) -> None:
    config = parse_config(MINIMAL.replace("https://example.org/", written))
    assert config.base_url == expected


def test_columns_keep_their_order() -> None:
    config = parse_config(MINIMAL + "  - slug: bay-area\n    title: 湾区九市\n  - slug: tips\n    title: 身边爆料\n")
    assert [c.slug for c in config.columns] == ["towns", "bay-area", "tips"]
    assert config.columns[1].url == "bay-area/"
    assert config.column("tips") is config.columns[2]
    assert config.column("nope") is None


@pytest.mark.parametrize(
    ("language", "labels"),
    [
        ("zh-CN", ("文章出处", "作者", "阅读量", "发表时间", "编辑")),
        ("en", ("Source", "Author", "Views", "Published", "Editor")),
    ],
)
def test_each_language_has_its_labels(language: str, labels: tuple[str, ...]) -> None:
    config = parse_config(MINIMAL + f"language: {language}\n")
    words = labels_for(config.language)
    assert (words["source"], words["author"], words["views"], words["published"], words["editor"]) == labels


def test_unknown_key_is_an_error_naming_the_key_and_its_line() -> None:
    errors = config_errors(MINIMAL + "titel: typo\n")
    assert len(errors) == 1
    assert errors[0].startswith("site.yaml:6: titel: unknown key")


def test_a_key_written_twice_is_an_error_naming_both_lines() -> None:
    text = MINIMAL + "title: 另一个站\ncolumns:\n  - slug: tips\n    title: 提示\n    title: 贴士\n"
    assert config_errors(text) == [
        "site.yaml:6: title: written twice, on lines 1 and 6; only one value is read (keep one of them)",
        "site.yaml:7: columns: written twice, on lines 3 and 7; only one value is read (keep one of them)",
        "site.yaml:10: title: written twice, on lines 9 and 10; only one value is read (keep one of them)",
    ]


def test_unknown_key_inside_a_column_is_an_error() -> None:
    errors = config_errors(MINIMAL + "    colour: red\n")
    assert any("columns[0].colour: unknown key" in e for e in errors), errors


@pytest.mark.parametrize(
    ("line", "key", "found"),
    [
        ("language: fr", "language", "'fr'"),
        ("timezone: Mars/Olympus", "timezone", "'Mars/Olympus'"),
        ("page_size: 0", "page_size", "0"),
        ("page_size: ten", "page_size", "'ten'"),
        ("page_size: true", "page_size", "True"),
        ("permalink: /{column}/{yyyy}/", "permalink", "{slug}"),
        ("permalink: /{column}/{nope}/{slug}/", "permalink", "{nope}"),
        ("home_title: ''", "home_title", "''"),
        ("description: [a, b]", "description", "['a', 'b']"),
    ],
)
def test_bad_value_is_an_error_naming_the_key(line: str, key: str, found: str) -> None:
    errors = config_errors(MINIMAL + line + "\n")
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"site.yaml:6: {key}: "), errors
    assert found in errors[0]


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("title: 测试站\n", "", "title"),
        ("title: 测试站", "title: ''", "title"),
        ("https://example.org/", "example.org/news", "base_url"),
        ("base_url: https://example.org/\n", "", "base_url"),
        ("slug: towns", "slug: Towns", "columns[0].slug"),
        ("slug: towns", "slug: assets", "columns[0].slug"),
        ("title: 镇街社区", "title: ''", "columns[0].title"),
    ],
)
def test_bad_or_missing_required_value_is_an_error_naming_the_key(old: str, new: str, key: str) -> None:
    errors = config_errors(MINIMAL.replace(old, new))
    assert any(f": {key}: " in e for e in errors), errors


def test_columns_are_required() -> None:
    errors = config_errors("title: t\nbase_url: https://example.org/\n")
    assert any(": columns: " in e for e in errors), errors


def test_a_column_listed_twice_is_an_error() -> None:
    errors = config_errors(MINIMAL + "  - slug: towns\n    title: 又一个\n")
    assert "site.yaml:6: columns[1].slug: column 'towns' is listed twice" in errors, errors  # the entry's line


@pytest.mark.parametrize("slug", ["tags", "authors", "search", "assets", "archive", "page"])
def test_a_reserved_column_slug_is_an_error_saying_it_is_reserved(slug: str) -> None:
    """Not 'expected lower-case letters' (it is lower-case letters): the site's own pages take that address."""
    errors = config_errors(MINIMAL + f"  - slug: {slug}\n    title: 又一个\n")
    assert any(f"site.yaml:6: columns[1].slug: '{slug}' is reserved for the site's own pages" in e for e in errors)
    assert not any("lower-case" in e for e in errors), errors


def test_all_config_errors_are_reported_at_once() -> None:
    errors = config_errors(MINIMAL + "language: fr\npage_size: -1\nfoo: 1\n")
    assert sorted(e.split(": ")[1] for e in errors) == ["foo", "language", "page_size"]


def test_invalid_yaml_is_a_config_error_with_its_line() -> None:
    errors = config_errors(MINIMAL + "columns: [oops\n")
    assert len(errors) == 1
    assert errors[0].startswith("site.yaml:")
    assert "invalid YAML" in errors[0]


def test_a_list_instead_of_a_mapping_is_a_config_error() -> None:
    errors = config_errors("- title\n- base_url\n")
    assert errors == ["site.yaml:1: expected a mapping of keys such as `title:`"]


def test_load_config_reads_site_yaml_with_or_without_bom(tmp_path: Path) -> None:
    (tmp_path / "site.yaml").write_bytes(b"\xef\xbb\xbf" + MINIMAL.replace("\n", "\r\n").encode("utf-8"))
    assert load_config(tmp_path).title == "测试站"


def test_load_config_without_site_yaml_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert str(caught.value.errors[0]).startswith("site.yaml: not found")


def test_load_config_of_non_utf8_site_yaml_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "site.yaml").write_bytes(MINIMAL.encode("gbk"))
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert str(caught.value.errors[0]) == "site.yaml: is not UTF-8 text"
