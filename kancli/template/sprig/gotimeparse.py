"""Go's ``time.Parse``/``ParseInLocation`` for sprig's ``toDate``.

A port of the parser in Go's ``time/format.go``: the same layout elements as formatting, Go's
leniency (any one- or two-digit day for ``2``, a fractional second accepted after ``05`` even when
the layout has none, runs of spaces matching each other) and its zone resolution (an offset that
matches the local zone at that instant yields a Local time, anything else a fixed zone).
Deviation: Go accepts zone offsets of exactly 24 hours (``+24:00``); Python's datetime cannot
hold them, so such input fails to parse (``toDate`` then gives the zero time).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from kancli.template.gofmt import MONTH_NAMES, quote
from kancli.template.sprig.gotime import (
    DAY_NAMES,
    GoTime,
    LayoutElem,
    LocalZone,
    fixed_zone,
    go_date,
    next_chunk,
    shift_seconds,
    unix_time,
    wall_seconds,
    zone_at,
)

__all__ = ["TimeParseError", "parse_time"]


class TimeParseError(ValueError):
    """Go's ``*time.ParseError``; the message is Go's."""


def _parse_error(
    layout: str, value: str, elem: str, rest: str, message: str = ""
) -> TimeParseError:
    if message:
        return TimeParseError(f"parsing time {quote(value)}{message}")
    what = f"parsing time {quote(value)} as {quote(layout)}"
    return TimeParseError(f"{what}: cannot parse {quote(rest)} as {quote(elem)}")


def _digits(s: str) -> bool:
    return bool(s) and all("0" <= ch <= "9" for ch in s)


def _is_digit(s: str, i: int) -> bool:
    return i < len(s) and "0" <= s[i] <= "9"


def _getnum(s: str, fixed: bool) -> tuple[int, str]:
    if not _is_digit(s, 0):
        raise _Bad
    if not _is_digit(s, 1):
        if fixed:
            raise _Bad
        return int(s[0]), s[1:]
    return int(s[:2]), s[2:]


def _getnum3(s: str, fixed: bool) -> tuple[int, str]:
    i = 0
    while i < 3 and _is_digit(s, i):
        i += 1
    if i == 0 or (fixed and i != 3):
        raise _Bad
    return int(s[:i]), s[i:]


class _Bad(Exception):
    """errBad: the value does not match the layout element."""


def _skip(value: str, prefix: str) -> str:
    while prefix:
        if prefix[0] == " ":
            if value and value[0] != " ":
                raise _Bad
            prefix = prefix.lstrip(" ")
            value = value.lstrip(" ")
            continue
        if not value or value[0] != prefix[0]:
            raise _Bad
        prefix, value = prefix[1:], value[1:]
    return value


def _lookup(names: tuple[str, ...], value: str) -> tuple[int, str]:
    for i, name in enumerate(names):
        head = value[: len(name)]
        if len(head) == len(name) and head.lower() == name.lower():
            return i, value[len(name) :]
    raise _Bad


def _parse_nanos(value: str, nbytes: int) -> int:
    if value[0] not in ".,":
        raise _Bad
    if nbytes > 10:
        value, nbytes = value[:10], 10
    digits = value[1:nbytes]
    if not _digits(digits):
        raise _Bad
    return int(digits + "0" * (10 - nbytes))


def _leading_int(s: str) -> tuple[int, str]:
    i = 0
    while i < len(s) and "0" <= s[i] <= "9":
        i += 1
    value = int(s[:i]) if i else 0
    return value, s[i:]


def _parse_signed_offset(value: str) -> int:
    if not value or value[0] not in "+-":
        return 0
    x, rem = _leading_int(value[1:])
    if rem == value[1:] or x > 23:
        return 0
    return len(value) - len(rem)


def _parse_zone_name(value: str) -> int:
    """Go's ``parseTimeZone``: the length of the zone abbreviation at the start, or 0."""
    if len(value) < 3:
        return 0
    if value[:4] in ("ChST", "MeST"):
        return 4
    if value.startswith("GMT"):
        return 3 + (_parse_signed_offset(value[3:]) if len(value) > 3 else 0)
    if value[0] in "+-":
        return _parse_signed_offset(value)
    n_upper = 0
    while n_upper < 6 and n_upper < len(value) and "A" <= value[n_upper] <= "Z":
        n_upper += 1
    if n_upper == 3:
        return 3
    if n_upper == 4 and (value[3] == "T" or value[:4] == "WITA"):
        return 4
    if n_upper == 5 and value[4] == "T":
        return 5
    return 0


_MONTH_SHORT = tuple(m[:3] for m in MONTH_NAMES)
_DAY_SHORT = tuple(d[:3] for d in DAY_NAMES)


@dataclass
class _Fields:
    year: int = 0
    month: int = -1
    day: int = -1
    yday: int = -1
    hour: int = 0
    minute: int = 0
    second: int = 0
    nsec: int = 0
    am: bool = False
    pm: bool = False
    utc: bool = False
    zone_offset: int | None = None
    zone_name: str = ""


def _parse_zone_offset(kind: str, value: str, f: _Fields) -> str:
    body = kind[1:]
    if body == "07:00":
        if len(value) < 6 or value[3] != ":":
            raise _Bad
        sign, hh, mm, ss, value = value[0], value[1:3], value[4:6], "00", value[6:]
    elif body == "07":
        if len(value) < 3:
            raise _Bad
        sign, hh, mm, ss, value = value[0], value[1:3], "00", "00", value[3:]
    elif body == "07:00:00":
        if len(value) < 9 or value[3] != ":" or value[6] != ":":
            raise _Bad
        sign, hh, mm, ss, value = value[0], value[1:3], value[4:6], value[7:9], value[9:]
    elif body == "070000":
        if len(value) < 7:
            raise _Bad
        sign, hh, mm, ss, value = value[0], value[1:3], value[3:5], value[5:7], value[7:]
    else:
        if len(value) < 5:
            raise _Bad
        sign, hh, mm, ss, value = value[0], value[1:3], value[3:5], "00", value[5:]
    hr, _ = _getnum(hh, True)
    mi, _ = _getnum(mm, True)
    se, _ = _getnum(ss, True)
    if hr > 24:
        raise _Range("time zone offset hour", value)
    if mi > 60:
        raise _Range("time zone offset minute", value)
    if se > 60:
        raise _Range("time zone offset second", value)
    off = (hr * 60 + mi) * 60 + se
    if sign == "-":
        off = -off
    elif sign != "+":
        raise _Bad
    f.zone_offset = off
    return value


class _Range(Exception):
    def __init__(self, what: str, rest: str) -> None:
        super().__init__(what)
        self.what, self.rest = what, rest


def _parse_element(std: LayoutElem, value: str, layout_rest: str, f: _Fields) -> str:
    k = std.kind
    if k == "06":
        if len(value) < 2 or not _digits(value[:2]):
            raise _Bad
        year = int(value[:2])
        f.year = year + (1900 if year >= 69 else 2000)
        return value[2:]
    if k == "2006":
        if len(value) < 4 or not _digits(value[:4]):
            raise _Bad
        f.year = int(value[:4])
        return value[4:]
    if k in ("Jan", "January"):
        idx, value = _lookup(_MONTH_SHORT if k == "Jan" else MONTH_NAMES, value)
        f.month = idx + 1
        return value
    if k in ("1", "01"):
        f.month, value = _getnum(value, k == "01")
        if not 0 < f.month <= 12:
            raise _Range("month", value)
        return value
    if k in ("Mon", "Monday"):
        _, value = _lookup(_DAY_SHORT if k == "Mon" else DAY_NAMES, value)
        return value
    if k in ("2", "_2", "02"):
        if k == "_2" and value.startswith(" "):
            value = value[1:]
        f.day, value = _getnum(value, k == "02")
        return value
    if k in ("__2", "002"):
        for _ in range(2):
            if k == "__2" and value.startswith(" "):
                value = value[1:]
        f.yday, value = _getnum3(value, k == "002")
        return value
    if k == "15":
        f.hour, value = _getnum(value, False)
        if not 0 <= f.hour < 24:
            raise _Range("hour", value)
        return value
    if k in ("3", "03"):
        f.hour, value = _getnum(value, k == "03")
        if not 0 <= f.hour <= 12:
            raise _Range("hour", value)
        return value
    if k in ("4", "04"):
        f.minute, value = _getnum(value, k == "04")
        if not 0 <= f.minute < 60:
            raise _Range("minute", value)
        return value
    if k in ("5", "05"):
        f.second, value = _getnum(value, k == "05")
        if not 0 <= f.second < 60:
            raise _Range("second", value)
        if len(value) >= 2 and value[0] in ".," and _is_digit(value, 1):
            _, nxt, _ = next_chunk(layout_rest)
            if nxt is None or nxt.kind not in (".000", ".999"):
                n = 2
                while n < len(value) and _is_digit(value, n):
                    n += 1
                f.nsec = _parse_nanos(value, n)
                value = value[n:]
        return value
    if k in ("PM", "pm"):
        head = value[:2]
        if len(head) < 2:
            raise _Bad
        if head == ("PM" if k == "PM" else "pm"):
            f.pm = True
        elif head == ("AM" if k == "PM" else "am"):
            f.am = True
        else:
            raise _Bad
        return value[2:]
    if k.startswith("Z") and value.startswith("Z"):
        f.utc = True
        return value[1:]
    if k[0] in "-Z":
        return _parse_zone_offset(k, value, f)
    if k == "MST":
        if value.startswith("UTC"):
            f.utc = True
            return value[3:]
        n = _parse_zone_name(value)
        if n == 0:
            raise _Bad
        f.zone_name = value[:n]
        return value[n:]
    if k == ".000":
        ndigit = 1 + std.digits
        if len(value) < ndigit:
            raise _Bad
        f.nsec = _parse_nanos(value, ndigit)
        return value[ndigit:]
    # ".999": optional fractional second
    if len(value) < 2 or value[0] not in ".," or not _is_digit(value, 1):
        return value
    i = 0
    while i + 1 < len(value) and _is_digit(value, i + 1):
        i += 1
    f.nsec = _parse_nanos(value, 1 + i)
    return value[1 + i :]


def days_in(month: int, year: int) -> int:
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def parse_time(layout: str, value: str, default_loc: tzinfo, local: tzinfo) -> GoTime:
    """``time.ParseInLocation``'s algorithm (``time.Parse`` is ``default_loc=local=UTC``)."""
    alayout, avalue = layout, value
    f = _Fields()
    while True:
        prefix, std, suffix = next_chunk(layout)
        elem = layout[len(prefix) : len(layout) - len(suffix)]
        try:
            value = _skip(value, prefix)
        except _Bad:
            raise _parse_error(alayout, avalue, prefix, value) from None
        if std is None:
            if value:
                raise _parse_error(alayout, avalue, "", value, ": extra text: " + quote(value))
            break
        layout = suffix
        hold = value
        try:
            value = _parse_element(std, value, layout, f)
        except _Range as exc:
            msg = f": {exc.what} out of range"
            raise _parse_error(alayout, avalue, elem, exc.rest, msg) from None
        except (_Bad, ValueError):
            raise _parse_error(alayout, avalue, elem, hold) from None
    return _build(alayout, avalue, f, default_loc, local)


def _build(layout: str, value: str, f: _Fields, default_loc: tzinfo, local: tzinfo) -> GoTime:
    hour = f.hour
    if f.pm and hour < 12:
        hour += 12
    elif f.am and hour == 12:
        hour = 0
    month, day = f.month, f.day
    if f.yday >= 0:
        month, day = _yday_to_date(layout, value, f, month, day)
    else:
        month = 1 if month < 0 else month
        day = 1 if day < 0 else day
    if day < 1 or day > days_in(month, f.year):
        raise _parse_error(layout, value, "", "", ": day out of range")
    if f.zone_offset is not None and abs(f.zone_offset) >= 86400:
        raise _parse_error(layout, value, "", "", ": time zone offset out of range")
    shift = 400 if f.year < 1 else 0
    wall = datetime(f.year + shift, month, day, hour, f.minute, f.second)
    if f.utc:
        return GoTime.of(wall.replace(tzinfo=UTC), f.nsec, shift)
    base = wall_seconds(wall) - shift_seconds(shift)
    if f.zone_offset is not None:
        unix = base - f.zone_offset
        off, name = zone_at(local, unix)
        if off == f.zone_offset and (not f.zone_name or name == f.zone_name):
            return _in_zone(unix, f.nsec, local)
        return _in_zone(unix, f.nsec, fixed_zone(f.zone_name, f.zone_offset))
    if f.zone_name:
        unix = base
        found = local.lookup_name(f.zone_name) if isinstance(local, LocalZone) else None
        if found is None and local is UTC and f.zone_name == "UTC":
            found = 0
        if found is not None:
            return _in_zone(unix - found, f.nsec, local)
        offset = 0
        if len(f.zone_name) > 3 and f.zone_name.startswith("GMT"):
            offset = int(f.zone_name[3:]) * 3600
        return _in_zone(unix, f.nsec, fixed_zone(f.zone_name, offset))
    return go_date(wall, f.nsec, default_loc, shift)


def _yday_to_date(layout: str, value: str, f: _Fields, month: int, day: int) -> tuple[int, int]:
    yday = f.yday
    y = f.year
    leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
    m = d = 0
    if leap:
        if yday == 31 + 29:
            m, d = 2, 29
        elif yday > 31 + 29:
            yday -= 1
    if yday < 1 or yday > 365:
        raise _parse_error(layout, value, "", "", ": day-of-year out of range")
    if m == 0:
        cumulative = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365]
        m = next(i for i in range(1, 13) if yday <= cumulative[i])
        d = yday - cumulative[m - 1]
    if month >= 0 and month != m:
        raise _parse_error(layout, value, "", "", ": day-of-year does not match month")
    if day >= 0 and day != d:
        raise _parse_error(layout, value, "", "", ": day-of-year does not match day")
    return m, d


def _in_zone(unix: int, nsec: int, loc: tzinfo) -> GoTime:
    return unix_time(unix, nsec, loc)
