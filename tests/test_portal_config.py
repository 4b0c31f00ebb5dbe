"""site.yaml for a portal in mainland China: filing numbers and mourning ranges, validated for shape with errors
naming the key; `sitegen check --production` and the warning of a public site without an ICP number."""

from __future__ import annotations

import re
import textwrap
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from conftest import SITE_YAML, MakeSite, article

from sitegen.cli import main
from sitegen.config import parse_config
from sitegen.errors import ConfigError, ContentError
from sitegen.messages import is_translated, translate
from sitegen.portal import is_public_host, production_problems

SHANGHAI = ZoneInfo("Asia/Shanghai")
BASE = """\
title: 测试站
base_url: https://example.org/
columns:
  - slug: towns
    title: 镇街社区
"""


def config(extra: str):
    return parse_config(BASE + textwrap.dedent(extra))


def errors(extra: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        config(extra)
    return [str(e) for e in caught.value.errors]


def test_without_the_portal_keys_nothing_changes() -> None:
    plain = parse_config(BASE)
    assert not plain.filings.any
    assert plain.mourning == ()
    assert plain.accessibility_toolbar is True
    assert plain.lead_count == 3


def test_every_filing_is_read_and_the_police_number_gives_the_link_code() -> None:
    filings = config(
        """\
        filings:
          icp: 粤ICP备2023012345号-1
          police: 粤公网安备 44011102000123号
          conac_id: 0a1b2c3d4e5f60718293a4b5c6d7e8f9
          government_code: 4401110001
        """
    ).filings
    assert filings.icp == "粤ICP备2023012345号-1"
    assert filings.police == "粤公网安备 44011102000123号"
    assert filings.police_code == "44011102000123"
    assert filings.conac_id == "0A1B2C3D4E5F60718293A4B5C6D7E8F9"
    assert filings.government_code == "4401110001"  # unquoted: YAML's number is taken back as text
    assert config("filings: {icp: 京ICP证030173号}").filings.icp == "京ICP证030173号"  # a licence number
    assert config("filings: {government_code: bm04000001}").filings.government_code == "bm04000001"


@pytest.mark.parametrize(
    ("entry", "key"),
    [
        ("icp: ICP备12345678号", "filings.icp"),  # no province
        ("icp: 粤ICP备12345678", "filings.icp"),  # no 号
        ("police: 粤公网安备4401110200012号", "filings.police"),  # 13 digits
        ("conac_id: not-an-id", "filings.conac_id"),
        ("government_code: '44011'", "filings.government_code"),
        ("gov_code: '4401110001'", "filings.gov_code"),  # unknown key
    ],
)
def test_a_filing_of_the_wrong_shape_is_an_error_naming_the_key(entry: str, key: str) -> None:
    (message,) = errors(f"filings:\n  {entry}\n")
    assert message.startswith(f"site.yaml:7: {key}: "), message  # the key's own line, not the line of `filings:`


def test_filings_must_be_a_mapping() -> None:
    (message,) = errors("filings: 粤ICP备2023012345号-1\n")
    assert "filings: expected a mapping with icp, police, conac_id, government_code" in message


def test_mourning_ranges_in_every_form() -> None:
    ranges = config(
        """\
        mourning:
          - 2024-04-04
          - {start: 2024-12-13 08:00, end: 2024-12-13 18:00}
          - {start: 2025-01-01, end: 2025-01-02}
          - {start: "2025-05-12T14:28:00+08:00", end: "2025-05-12T14:31:00+08:00"}
        """
    ).mourning
    assert [(r.start, r.end) for r in ranges] == [
        (datetime(2024, 4, 4, tzinfo=SHANGHAI), datetime(2024, 4, 5, tzinfo=SHANGHAI)),  # the whole day
        (datetime(2024, 12, 13, 8, tzinfo=SHANGHAI), datetime(2024, 12, 13, 18, tzinfo=SHANGHAI)),
        (datetime(2025, 1, 1, tzinfo=SHANGHAI), datetime(2025, 1, 3, tzinfo=SHANGHAI)),  # a date ends with its day
        (datetime(2025, 5, 12, 14, 28, tzinfo=SHANGHAI), datetime(2025, 5, 12, 14, 31, tzinfo=SHANGHAI)),
    ]


def test_mourning_times_are_in_the_site_time_zone() -> None:
    (only,) = config("timezone: Europe/London\nmourning: [2024-04-04]\n").mourning
    assert only.start == datetime(2024, 4, 4, tzinfo=ZoneInfo("Europe/London"))


def test_the_config_tells_whether_a_moment_is_grey_and_when_that_next_changes() -> None:
    site = config("mourning: [2024-04-04, {start: 2024-12-13 08:00, end: 2024-12-13 18:00}]\n")
    assert site.mourning_at(datetime(2024, 4, 4, 23, 59, tzinfo=SHANGHAI))
    assert not site.mourning_at(datetime(2024, 4, 5, tzinfo=SHANGHAI))  # the end is not inside
    assert site.next_mourning_change(datetime(2024, 1, 1, tzinfo=SHANGHAI)) == datetime(2024, 4, 4, tzinfo=SHANGHAI)
    assert site.next_mourning_change(datetime(2024, 4, 4, 12, tzinfo=SHANGHAI)) == datetime(2024, 4, 5, tzinfo=SHANGHAI)
    assert site.next_mourning_change(datetime(2025, 1, 1, tzinfo=SHANGHAI)) is None


@pytest.mark.parametrize(
    ("entry", "key"),
    [
        ("- 2024-13-01", "mourning[0]"),
        ("- {start: 2024-04-04}", "mourning[0].end"),
        ("- {start: 2024-04-05, end: 2024-04-04 12:00}", "mourning[0].end"),  # ends before it starts
        ("- {begin: 2024-04-04, end: 2024-04-05}", "mourning[0].begin"),
        ("- [2024-04-04]", "mourning[0]"),
    ],
)
def test_a_bad_mourning_range_is_an_error_naming_its_entry(entry: str, key: str) -> None:
    (message,) = errors(f"mourning:\n  {entry}\n")
    assert message.startswith(f"site.yaml:7: {key}: "), message


def test_portal_keys_of_the_wrong_type_are_errors() -> None:
    found = errors("mourning: 2024-04-04\naccessibility_toolbar: maybe\nlead_count: -1\n")
    assert [m.split(": ")[1] for m in found] == ["mourning", "accessibility_toolbar", "lead_count"]


@pytest.mark.parametrize(
    ("url", "public"),
    [
        ("https://www.by.gov.cn/", True),
        ("https://news.example.cn/junhe/", True),
        ("http://203.0.113.9/", False),  # documentation addresses are not global
        ("http://8.8.8.8/", True),
        ("https://example.org/junhe/", False),
        ("https://www.example.com/", False),
        ("http://localhost:8000/", False),
        ("http://127.0.0.1/", False),
        ("http://192.168.1.10/", False),
        ("https://portal.test/", False),
        ("https://intranet.local/", False),
        ("http://[::1]/", False),
    ],
)
def test_public_hosts(url: str, public: bool) -> None:
    assert is_public_host(url) is public


def test_a_public_site_needs_an_icp_number() -> None:
    plain = parse_config(BASE.replace("https://example.org/", "https://www.by.gov.cn/"))
    (problem,) = production_problems(plain.base_url, plain.filings)
    assert "filings.icp" in problem
    assert is_translated(problem, "zh-CN"), problem
    filed = parse_config(
        BASE.replace("https://example.org/", "https://www.by.gov.cn/") + "filings: {icp: 粤ICP备2023012345号-1}\n"
    )
    assert production_problems(filed.base_url, filed.filings) == []


def test_every_portal_config_message_has_its_chinese_form() -> None:
    with pytest.raises(ConfigError) as caught:
        config(
            "filings: {icp: x, police: x, conac_id: x, government_code: x, other: 1}\n"
            "mourning: [x, {start: 2024-04-05, end: 2024-04-04}, {start: 2024-04-04}, {begin: 1}]\n"
        )
    assert len(caught.value.errors) == 9
    for error in caught.value.errors:
        chinese = error.text("zh-CN")
        assert not re.search(r"expected|unknown|valid keys|such as|mapping|a date|\bor\b|\band\b", chinese), chinese
    (alone,) = [e.text("zh-CN") for e in errors_of("mourning: 2024-04-04\n")]  # a date, not a list of them
    assert alone.endswith("实际是 2024-04-04"), alone  # as written, not datetime.date(2024, 4, 4)


def errors_of(extra: str) -> list[ContentError]:
    with pytest.raises(ConfigError) as caught:
        config(extra)
    return list(caught.value.errors)


def test_the_columns_message_is_in_the_sites_language() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config("title: t\nbase_url: https://example.org/\ncolumns: []\n")
    (chinese,) = [e.text("zh-CN") for e in caught.value.errors]
    assert "栏目列表" in chinese and "expected" not in chinese, chinese


PUBLIC_SITE = SITE_YAML.replace("https://example.org/sub/", "https://www.by.gov.cn/")


def test_check_production_fails_on_a_public_site_without_an_icp_number(make_site: MakeSite) -> None:
    site = make_site({"site.yaml": PUBLIC_SITE, "content/towns/a.md": article()})
    plain = CliRunner().invoke(main, ["check", "--site", str(site)])
    assert plain.exit_code == 0, plain.output
    assert "提示：" in plain.stderr and "ICP" in plain.stderr  # a warning without --production
    strict = CliRunner().invoke(main, ["check", "--production", "--site", str(site)])
    assert strict.exit_code == 2, strict.output
    assert "site.yaml: filings.icp:" in strict.stderr
    assert "没有写入任何文件" in strict.stderr


def test_check_production_passes_with_an_icp_number_or_a_private_address(make_site: MakeSite) -> None:
    filed = make_site(
        {"site.yaml": PUBLIC_SITE + "filings: {icp: 粤ICP备2023012345号-1}\n", "content/towns/a.md": article()}
    )
    result = CliRunner().invoke(main, ["check", "--production", "--site", str(filed)])
    assert result.exit_code == 0, result.output
    assert "ICP" not in result.stderr


def test_a_private_address_passes_the_production_check(make_site: MakeSite) -> None:
    site = make_site({"content/towns/a.md": article()})  # https://example.org/sub/
    result = CliRunner().invoke(main, ["check", "--production", "--site", str(site)])
    assert result.exit_code == 0, result.output
    assert translate("unknown key", "zh-CN") == "未知字段"
