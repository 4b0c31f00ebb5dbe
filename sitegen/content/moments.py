"""Front-matter dates: the forms accepted, and a date shown as it was written. Pure."""

from __future__ import annotations

from datetime import date, datetime, time, tzinfo

DATE_FORMS = "2022-12-12, 2022-12-12 08:30, 2022-12-12 08:30:00 or 2022-12-12T08:30:00+08:00"
# far from the ends of datetime's range (years 1 to 9999): moving a time to another zone cannot overflow it
FIRST_YEAR, LAST_YEAR = 1000, 9998
OUT_OF_RANGE = f"a date from the year {FIRST_YEAR} to {LAST_YEAR}"
OUT_OF_RANGE_HINT = "an earlier or later date cannot be moved between time zones"


def read_moment(value: object) -> datetime | None:
    """A date in any accepted form, naive or aware as written, in datetime's whole range; None for anything else."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip().replace("/", "-"))
        except ValueError:
            return None
    return None


def parse_moment(value: object, timezone: tzinfo) -> datetime | None:
    """A front-matter date in any accepted form, as an aware datetime in `timezone` when naive."""
    moment = read_moment(value)
    if moment is None or not FIRST_YEAR <= moment.year <= LAST_YEAR:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone)
    return moment.astimezone(timezone)


def as_written(value: date) -> str:
    """A date or time read from YAML as the editor wrote it (`0001-01-01`, `9999-12-31 23:59:59`), not its repr."""
    return value.isoformat(" ") if isinstance(value, datetime) else value.isoformat()
