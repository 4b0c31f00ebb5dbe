"""What site.yaml adds for a portal in mainland China: the footer's filing numbers (备案号, 党政机关网站标识,
政府网站标识码) and mourning ranges (全站变灰), checked for shape; and whether a base URL is on the public web."""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta, tzinfo
from urllib.parse import urlsplit

from sitegen.model import Filings, MourningRange

Report = Callable[..., None]  # (key, message, hint="", line=None): the config's error collector
ItemLine = Callable[[str, int], int]

FILING_KEYS = ("icp", "police", "conac_id", "government_code")
# The filings' shapes, as patterns compiled when a site has filings (`_compiled`): a class of CJK characters takes
# over a millisecond to compile, which the sites without filings need not pay at every build.
# 粤ICP备2023012345号-1, or an ICP licence: 京ICP证030173号
ICP = r"^[\u4e00-\u9fff]ICP[备证]\d{6,10}号(-\d{1,3})?$"
# 粤公网安备 44011102000123号: the 14 digits name the record at beian.mps.gov.cn
POLICE = r"^[\u4e00-\u9fff]公网安备\s?(\d{14})号$"
CONAC_ID = r"^[0-9A-Fa-f]{32}$"
# 6 digits of the administrative division and 4 of the site, or bm + 8 digits for a ministry's site
GOVERNMENT_CODE = r"^(\d{10}|bm\d{8})$"
SHAPES = {
    "icp": (ICP, "an ICP number such as 粤ICP备2023012345号-1"),
    "police": (POLICE, "a public-security filing number such as 粤公网安备44011102000123号"),
    "conac_id": (CONAC_ID, "the site's 32-character id at bszs.conac.cn"),
    "government_code": (GOVERNMENT_CODE, 'a 10-digit 政府网站标识码 such as "4401110001" (quoted)'),
}
MOURNING_KEYS = ("start", "end")
# names that never reach the public web (RFC 2606, RFC 6761, and the usual private suffixes)
PRIVATE_SUFFIXES = (".test", ".example", ".invalid", ".localhost", ".local", ".internal", ".lan", ".home.arpa")
PRIVATE_NAMES = ("localhost", "example.com", "example.net", "example.org")


def parse_filings(raw: object, report: Report) -> Filings:
    if raw is None:
        return Filings()
    if not isinstance(raw, dict):
        report("filings", f"expected a mapping with {', '.join(FILING_KEYS)}, got {raw!r}")
        return Filings()
    values: dict[str, str] = {}
    for key, value in raw.items():
        where = f"filings.{key}"
        if key not in SHAPES:
            report(where, "unknown key", f"valid keys: {', '.join(FILING_KEYS)}")
            continue
        if key == "government_code" and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # written unquoted: YAML read it as a number
        pattern, expected = SHAPES[key]
        if value is None or value == "":
            continue
        text = value.strip() if isinstance(value, str) else None
        if text is None or not _compiled(pattern).match(text):
            report(where, f"expected {expected}, got {value!r}")
            continue
        values[key] = text
    police = _compiled(POLICE).match(values.get("police", ""))
    return Filings(
        icp=values.get("icp", ""),
        police=values.get("police", ""),
        police_code=police.group(1) if police else "",
        conac_id=values.get("conac_id", "").upper(),
        government_code=values.get("government_code", ""),
    )


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def parse_mourning(raw: object, zone: tzinfo, report: Report, item_line: ItemLine) -> tuple[MourningRange, ...]:
    """`mourning:` a list of ranges: a date (that whole day), or {start, end} as dates or times in the site's zone.
    A start given as a date begins at 00:00; an end given as a date lasts to the end of that day."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        shown = raw.isoformat() if isinstance(raw, date) else repr(raw)  # a date as written, not its repr
        report("mourning", f"expected a list of dates or {{start, end}} ranges, got {shown}")
        return ()
    ranges: list[MourningRange] = []
    for index, entry in enumerate(raw):
        where, line = f"mourning[{index}]", item_line("mourning", index)
        if isinstance(entry, dict):
            unknown = [k for k in entry if k not in MOURNING_KEYS]
            if unknown:
                report(f"{where}.{unknown[0]}", "unknown key", "valid keys: start, end", line)
                continue
            start = _moment(entry.get("start"), zone, end=False)
            end = _moment(entry.get("end"), zone, end=True)
            for key, value in (("start", start), ("end", end)):
                if value is None:
                    report(f"{where}.{key}", f"expected a date such as 2026-04-04 or 2026-04-04 08:00, "
                           f"got {entry.get(key)!r}", "", line)  # fmt: skip
        else:
            start, end = _moment(entry, zone, end=False), _moment(entry, zone, end=True)
            if start is None or end is None:
                report(where, f"expected a date such as 2026-04-04, or start: and end:, got {entry!r}", "", line)
        if start is None or end is None:
            continue
        if end <= start:
            report(f"{where}.end", f"expected a time after the start {start.isoformat()}, got {end.isoformat()}",
                   "", line)  # fmt: skip
            continue
        ranges.append(MourningRange(start, end))
    return tuple(sorted(ranges, key=lambda r: (r.start, r.end)))


def _moment(value: object, zone: tzinfo, end: bool) -> datetime | None:
    """A date or a time as written in site.yaml; a bare date is the day's start, or for an end the next day's."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip()) if ":" in value else date.fromisoformat(value.strip())
        except ValueError:
            return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=zone) if value.tzinfo is None else value.astimezone(zone)
    if isinstance(value, date):
        day = value + timedelta(days=1) if end else value
        return datetime.combine(day, time(), tzinfo=zone)
    return None


def is_public_host(base_url: str) -> bool:
    """Whether `base_url` names a host on the public web: not a loopback, private or reserved address, nor a
    name that documentation and local networks use (example.org, *.test, *.local, localhost ...)."""
    host = (urlsplit(base_url).hostname or "").rstrip(".").lower()
    if not host:
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return (
            "." in host
            and host not in PRIVATE_NAMES
            and not host.endswith(PRIVATE_SUFFIXES + tuple("." + name for name in PRIVATE_NAMES))
        )
    return address.is_global


def production_problems(base_url: str, filings: Filings) -> list[str]:
    """What `sitegen check --production` refuses (and a build warns about): a public site without an ICP number."""
    if is_public_host(base_url) and not filings.icp:
        return [f"base_url {base_url} is a public address but filings.icp (the ICP 备案号) is not set"]
    return []
