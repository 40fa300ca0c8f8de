"""sprig v2.22's date functions (``date.go``), with Kanister's quirks kept (reference §3.2).

``toDate`` parses in Local time and returns Go's zero time on a parse error. ``date`` formats in
Local time and only takes a ``time.Time`` or an integer of Unix seconds: any other argument,
including the string ``.Time``, silently formats the current time, so
``{{ .Time | date "2006-01-02" }}`` ignores ``.Time``; the documented idiom is
``{{ toDate "2006-01-02T15:04:05.999999999Z07:00" .Time | date "2006-01-02" }}``.
Layouts are Go reference-time layouts (``kancli.template.sprig.gotime``).
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Any

from kancli.template.gofmt import Uint8
from kancli.template.sprig.goduration import duration_string, parse_duration, round_duration, since
from kancli.template.sprig.gotime import (
    LOCAL,
    SECOND,
    ZERO_TIME,
    GoTime,
    add_duration,
    format_time,
    load_location,
    now,
    unix_seconds,
    unix_time,
)
from kancli.template.sprig.gotimeparse import TimeParseError, parse_time
from kancli.template.sprig.registry import FuncTable

__all__ = ["FUNCS"]

FUNCS = FuncTable()
_S = "string"
_ANY = "interface{}"
_TIME = "time.Time"


def _time_of(v: Any) -> datetime:
    """sprig's type switch: a time, Unix seconds as int/int64, or else the current time."""
    if isinstance(v, datetime):
        return v
    if isinstance(v, int) and not isinstance(v, bool | Uint8):
        return unix_time(int(v))
    return now()


def _zone(name: str) -> tzinfo:
    try:
        return load_location(name)
    except ValueError:
        return UTC


def _date_in_zone(layout: str, v: Any, zone: str) -> str:
    return format_time(_time_of(v), layout, _zone(zone))


@FUNCS.define("date", (_S, _ANY), _S)
def date(layout: str, v: Any) -> str:
    return _date_in_zone(layout, v, "Local")


FUNCS.define("dateInZone", (_S, _ANY, _S), _S)(_date_in_zone)
FUNCS.define("date_in_zone", (_S, _ANY, _S), _S)(_date_in_zone)


@FUNCS.define("htmlDate", (_ANY,), _S)
def html_date(v: Any) -> str:
    return _date_in_zone("2006-01-02", v, "Local")


@FUNCS.define("htmlDateInZone", (_ANY, _S), _S)
def html_date_in_zone(v: Any, zone: str) -> str:
    return _date_in_zone("2006-01-02", v, zone)


def _date_modify(duration: str, t: datetime) -> datetime:
    try:
        d = parse_duration(duration)
    except ValueError:
        return t
    return add_duration(t, d)


FUNCS.define("dateModify", (_S, _TIME), _TIME)(_date_modify)
FUNCS.define("date_modify", (_S, _TIME), _TIME)(_date_modify)


@FUNCS.define("now", (), _TIME)
def now_() -> GoTime:
    return now()


@FUNCS.define("ago", (_ANY,), _S)
def ago(v: Any) -> str:
    if isinstance(v, int) and isinstance(v, bool | Uint8):
        v = None
    return duration_string(round_duration(since(_time_of(v)), SECOND))


@FUNCS.define("toDate", (_S, _S), _TIME)
def to_date(layout: str, value: str) -> datetime:
    try:
        return parse_time(layout, value, LOCAL, LOCAL)
    except TimeParseError:
        return ZERO_TIME


@FUNCS.define("unixEpoch", (_TIME,), _S)
def unix_epoch(t: datetime) -> str:
    return str(unix_seconds(t))
