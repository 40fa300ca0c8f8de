"""Go's ``time`` package as sprig's date functions see it: zones, instants and layouts.

Blueprints format and parse times with Go layouts (``2006-01-02T15:04:05.999999999Z07:00``,
``Mon Jan _2``, ``.000``), never strftime patterns, so this module ports Go's layout scanner
(``nextStdChunk``) and formatter (``gotimeparse`` ports the parser) rather than translating to
``strftime``, which cannot express ``_2``, ``.999`` trimming or ``Z07:00``.

Values are aware ``datetime`` objects. Go keeps nanoseconds; a ``GoTime`` carries them in
``nanosecond``. Go's ``time.Local`` is the process's zone as the C library reports it (``TZ``, else
``/etc/localtime``), which is also what Go reads. Formatting works from the instant, so times that
fall outside Python's year range once moved into a zone (Go's zero time shown in a zone west of
UTC) still format as Go prints them.
"""

from __future__ import annotations

import time as _time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kancli.template.gofmt import (
    MONTH_NAMES,
    quote,
    time_nanosecond,
    time_year_shift,
    zone_abbrev,
)

__all__ = [
    "LOCAL",
    "SECOND",
    "SECONDS_400_YEARS",
    "ZERO_TIME",
    "GoTime",
    "add_duration",
    "fixed_zone",
    "format_time",
    "go_date",
    "load_location",
    "now",
    "shift_seconds",
    "unix_seconds",
    "unix_time",
    "zone_at",
]

SECOND = 1_000_000_000
SECONDS_400_YEARS = 146097 * 86400


def shift_seconds(year_shift: int) -> int:
    """The seconds in ``year_shift`` years, a multiple of the 400-year Gregorian cycle."""
    return year_shift // 400 * SECONDS_400_YEARS


DAY_NAMES = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
_EPOCH_ORDINAL = datetime(1970, 1, 1).toordinal()
# The instants whose wall clock stays within Python's years 1..9999 in every zone.
_MIN_SAFE = -62135596800 + 2 * 86400
_MAX_SAFE = 253402300799 - 2 * 86400


class GoTime(datetime):
    """A ``datetime`` that keeps Go's nanosecond precision (``nanosecond`` is 0..999999999).

    Go also has year 0 and earlier (``toDate "15:04" "10:30"`` is in year 0); such a time is
    stored 400 years later, which keeps weekdays and leap years, with ``year_shift`` = 400.
    """

    @property
    def nanosecond(self) -> int:
        return self.microsecond * 1000 + int(self.__dict__.get("_sub_us", 0))

    @property
    def year_shift(self) -> int:
        return int(self.__dict__.get("_shift", 0))

    @classmethod
    def of(
        cls, t: datetime, nanosecond: int | None = None, year_shift: int | None = None
    ) -> GoTime:
        """``t`` with its sub-second part set to ``nanosecond`` (default: keep ``t``'s)."""
        ns = time_nanosecond(t) if nanosecond is None else nanosecond
        out = cls(
            t.year, t.month, t.day, t.hour, t.minute, t.second, ns // 1000, t.tzinfo, fold=t.fold
        )
        out.__dict__["_sub_us"] = ns % 1000
        shift = time_year_shift(t) if year_shift is None else year_shift
        if shift:
            out.__dict__["_shift"] = shift
        return out


class LocalZone(tzinfo):
    """Go's ``time.Local``: the rules the C library applies for this process."""

    go_name = "Local"

    def _lookup(self, unix: int) -> tuple[int, str]:
        try:
            tm = _time.localtime(unix)
        except (OverflowError, ValueError, OSError):
            tm = _time.localtime(min(max(unix, _MIN_SAFE), _MAX_SAFE))
        return int(tm.tm_gmtoff), str(tm.tm_zone)

    def fromutc(self, dt: datetime) -> datetime:
        unix = wall_seconds(dt)
        offset, _ = self._lookup(unix)
        local = (dt + timedelta(seconds=offset)).replace(tzinfo=self)
        valid = self._valid_offsets(unix + offset)
        return local.replace(fold=1) if len(valid) > 1 and offset == min(valid) else local

    def _valid_offsets(self, wall: int) -> list[int]:
        """The offsets under which the wall clock ``wall`` exists (two in a repeated hour)."""
        candidates = {self._lookup(wall - 86400)[0], self._lookup(wall + 86400)[0]}
        return sorted(o for o in candidates if self._lookup(wall - o)[0] == o)

    def _offset_for_wall(self, dt: datetime | None) -> int:
        if dt is None:
            return self._lookup(int(_time.time()))[0]
        wall = wall_seconds(dt)
        valid = self._valid_offsets(wall)
        if not valid:  # a skipped wall clock: read it with the offset in force before the gap
            return self._lookup(wall - 86400)[0]
        return valid[0] if dt.fold else valid[-1]

    def utcoffset(self, dt: datetime | None) -> timedelta:
        return timedelta(seconds=self._offset_for_wall(dt))

    def dst(self, dt: datetime | None) -> timedelta | None:
        return None

    def tzname(self, dt: datetime | None) -> str:
        if dt is None:
            return self._lookup(int(_time.time()))[1]
        wall = wall_seconds(dt)
        return self._lookup(wall - self._offset_for_wall(dt))[1]

    def lookup_name(self, name: str) -> int | None:
        """The offset of the local zone's abbreviation ``name`` (Go's ``lookupName``)."""
        std, dst = _time.tzname
        if name == std:
            return -_time.timezone
        if name == dst and _time.daylight:
            return -_time.altzone
        return None

    def __repr__(self) -> str:
        return "Local"


LOCAL = LocalZone()
ZERO_TIME = GoTime(1, 1, 1, tzinfo=UTC)


def fixed_zone(name: str, offset: int) -> tzinfo:
    """``time.FixedZone``; ``name`` may be empty (Go then prints the offset for ``MST``)."""
    if name == "UTC" and offset == 0:
        return UTC
    return timezone(timedelta(seconds=offset), name)


def load_location(name: str) -> tzinfo:
    """``time.LoadLocation``: ``""``/``UTC``, ``Local`` or an IANA name; ValueError otherwise."""
    if name in ("", "UTC"):
        return UTC
    if name == "Local":
        return LOCAL
    if name.startswith("/") or ".." in name or "\\" in name:
        raise ValueError(f"time: invalid location name {quote(name)}")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ValueError(f"unknown time zone {name}") from exc


# ---------------------------------------------------------------------------------------------
# Instants and civil time


def _days_from_civil(y: int, m: int, d: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date (any year)."""
    y -= m <= 2
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _civil_from_days(z: int) -> tuple[int, int, int]:
    z += 719468
    era = (z if z >= 0 else z - 146096) // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + (3 if mp < 10 else -9)
    return y + (m <= 2), m, d


def wall_seconds(dt: datetime) -> int:
    """Seconds since the epoch of ``dt``'s wall clock read as UTC."""
    days = dt.toordinal() - _EPOCH_ORDINAL
    return days * 86400 + dt.hour * 3600 + dt.minute * 60 + dt.second


def _offset(t: datetime) -> int:
    off = t.utcoffset()
    return int(off.total_seconds()) if off is not None else 0


def unix_seconds(t: datetime) -> int:
    """``t.Unix()``."""
    return wall_seconds(t) - _offset(t) - shift_seconds(time_year_shift(t))


def zone_at(loc: tzinfo, unix: int) -> tuple[int, str]:
    """The offset and abbreviation ``loc`` has at the instant ``unix``."""
    if isinstance(loc, LocalZone):
        return loc._lookup(unix)
    clamped = min(max(unix, _MIN_SAFE), _MAX_SAFE)
    local = datetime.fromtimestamp(clamped, tz=UTC).astimezone(loc)
    return _offset(local), zone_abbrev(local)


def unix_time(sec: int, nsec: int = 0, loc: tzinfo = LOCAL) -> GoTime:
    """``time.Unix(sec, nsec)`` shown in ``loc`` (Go's default is Local)."""
    sec += nsec // SECOND
    nsec %= SECOND
    for shift in (0, 400):
        try:
            delta = timedelta(seconds=sec + shift_seconds(shift))
            utc = datetime(1970, 1, 1, tzinfo=UTC) + delta
            return GoTime.of(utc.astimezone(loc), nsec, shift)
        except OverflowError:
            continue
    return GoTime.of(ZERO_TIME if sec < 0 else datetime.max.replace(tzinfo=UTC), nsec)


def go_date(wall: datetime, nsec: int, loc: tzinfo, year_shift: int = 0) -> GoTime:
    """``time.Date`` from a naive wall clock in ``loc`` (``year_shift`` years earlier than
    ``wall`` says). A wall clock that a zone transition skips or repeats resolves as Go resolves
    it: the offset in force at the wall clock read as UTC, corrected once if the resulting
    instant falls in another period."""
    if isinstance(loc, LocalZone):
        wall_unix = wall_seconds(wall) - shift_seconds(year_shift)
        offset = loc._lookup(wall_unix)[0]
        corrected = loc._lookup(wall_unix - offset)[0]
        return unix_time(wall_unix - corrected, nsec, loc)
    return GoTime.of(wall.replace(tzinfo=loc), nsec, year_shift)


def now() -> GoTime:
    """``time.Now()`` in Local, with nanoseconds."""
    ns = _time.time_ns()
    return unix_time(ns // SECOND, ns % SECOND, LOCAL)


def add_duration(t: datetime, d: int) -> GoTime:
    """``t.Add(d)``: moves the instant (not the wall clock) and keeps ``t``'s zone."""
    total = unix_seconds(t) * SECOND + time_nanosecond(t) + d
    sec, nsec = divmod(total, SECOND)
    return unix_time(sec, nsec, t.tzinfo or UTC)


@dataclass(frozen=True)
class _Civil:
    year: int
    month: int
    day: int
    hour: int
    minute: int
    second: int
    nsec: int
    weekday: int  # 0 = Sunday
    yday: int
    offset: int
    zone: str


def _civil(t: datetime, loc: tzinfo | None) -> _Civil:
    nsec = time_nanosecond(t)
    if loc is None or loc is t.tzinfo:
        y, mo, d, h, mi, s = t.year, t.month, t.day, t.hour, t.minute, t.second
        y -= time_year_shift(t)
        offset, zone = _offset(t), zone_abbrev(t)
    else:
        unix = unix_seconds(t)
        offset, zone = zone_at(loc, unix)
        days, secs = divmod(unix + offset, 86400)
        y, mo, d = _civil_from_days(days)
        h, mi, s = secs // 3600, secs // 60 % 60, secs % 60
    days = _days_from_civil(y, mo, d)
    return _Civil(
        y, mo, d, h, mi, s, nsec, (days + 4) % 7, days - _days_from_civil(y, 1, 1) + 1, offset, zone
    )


# ---------------------------------------------------------------------------------------------
# Layouts (time/format.go)


@dataclass(frozen=True)
class LayoutElem:
    kind: str  # the layout element, e.g. "2006", "Jan", "Z07:00", ".999"
    digits: int = 0  # fractional second digits
    sep: str = "."


_TZ_ELEMENTS = (
    ("-070000", 7),
    ("-07:00:00", 9),
    ("-0700", 5),
    ("-07:00", 6),
    ("-07", 3),
)


def next_chunk(layout: str) -> tuple[str, LayoutElem | None, str]:
    """Go's ``nextStdChunk``: the literal prefix, the next layout element, and the rest."""
    n = len(layout)
    for i, c in enumerate(layout):
        rest = layout[i:]
        if c == "J" and rest.startswith("Jan"):
            if rest.startswith("January"):
                return layout[:i], LayoutElem("January"), layout[i + 7 :]
            if not _starts_lower(layout[i + 3 :]):
                return layout[:i], LayoutElem("Jan"), layout[i + 3 :]
        elif c == "M" and n >= i + 3:
            if rest.startswith("Mon"):
                if rest.startswith("Monday"):
                    return layout[:i], LayoutElem("Monday"), layout[i + 6 :]
                if not _starts_lower(layout[i + 3 :]):
                    return layout[:i], LayoutElem("Mon"), layout[i + 3 :]
            if rest.startswith("MST"):
                return layout[:i], LayoutElem("MST"), layout[i + 3 :]
        elif c == "0":
            if n >= i + 2 and "1" <= layout[i + 1] <= "6":
                return layout[:i], LayoutElem("0" + layout[i + 1]), layout[i + 2 :]
            if rest.startswith("002"):
                return layout[:i], LayoutElem("002"), layout[i + 3 :]
        elif c == "1":
            if rest.startswith("15"):
                return layout[:i], LayoutElem("15"), layout[i + 2 :]
            return layout[:i], LayoutElem("1"), layout[i + 1 :]
        elif c == "2":
            if rest.startswith("2006"):
                return layout[:i], LayoutElem("2006"), layout[i + 4 :]
            return layout[:i], LayoutElem("2"), layout[i + 1 :]
        elif c == "_":
            if rest.startswith("_2"):
                if rest.startswith("_2006"):
                    return layout[: i + 1], LayoutElem("2006"), layout[i + 5 :]
                return layout[:i], LayoutElem("_2"), layout[i + 2 :]
            if rest.startswith("__2"):
                return layout[:i], LayoutElem("__2"), layout[i + 3 :]
        elif c in "345":
            return layout[:i], LayoutElem(c), layout[i + 1 :]
        elif c == "P" and rest.startswith("PM"):
            return layout[:i], LayoutElem("PM"), layout[i + 2 :]
        elif c == "p" and rest.startswith("pm"):
            return layout[:i], LayoutElem("pm"), layout[i + 2 :]
        elif c in "-Z":
            for elem, size in _TZ_ELEMENTS:
                candidate = c + elem[1:]
                if rest.startswith(candidate):
                    return layout[:i], LayoutElem(candidate), layout[i + size :]
        elif c in ".," and i + 1 < n and layout[i + 1] in "09":
            ch = layout[i + 1]
            j = i + 1
            while j < n and layout[j] == ch:
                j += 1
            if not (j < n and "0" <= layout[j] <= "9"):
                kind = ".000" if ch == "0" else ".999"
                return layout[:i], LayoutElem(kind, j - (i + 1), c), layout[j:]
    return layout, None, ""


def _starts_lower(s: str) -> bool:
    return bool(s) and "a" <= s[0] <= "z"


def _append_int(x: int, width: int) -> str:
    s = str(abs(x)).rjust(width, "0")
    return "-" + s if x < 0 else s


def _format_zone(kind: str, offset: int) -> str:
    if offset == 0 and kind.startswith("Z"):
        return "Z"
    zone = _go_div(offset, 60)
    absoffset = offset
    out = "+"
    if zone < 0:
        out, zone, absoffset = "-", -zone, -offset
    out += _append_int(zone // 60, 2)
    body = kind[1:]
    if body.startswith("07:"):
        out += ":"
    if body not in ("07",):
        out += _append_int(zone % 60, 2)
    if body in ("070000", "07:00:00"):
        if body == "07:00:00":
            out += ":"
        out += _append_int(_go_rem(absoffset, 60), 2)
    return out


def _go_div(a: int, b: int) -> int:
    """Go's integer division truncates toward zero."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def _go_rem(a: int, b: int) -> int:
    return a - _go_div(a, b) * b


def _format_std(std: LayoutElem, c: _Civil) -> str:
    k = std.kind
    hour12 = c.hour % 12 or 12
    simple: dict[str, Any] = {
        "06": lambda: _append_int(abs(c.year) % 100, 2),
        "2006": lambda: _append_int(c.year, 4),
        "Jan": lambda: MONTH_NAMES[c.month - 1][:3],
        "January": lambda: MONTH_NAMES[c.month - 1],
        "1": lambda: str(c.month),
        "01": lambda: _append_int(c.month, 2),
        "Mon": lambda: DAY_NAMES[c.weekday][:3],
        "Monday": lambda: DAY_NAMES[c.weekday],
        "2": lambda: str(c.day),
        "_2": lambda: (" " if c.day < 10 else "") + str(c.day),
        "02": lambda: _append_int(c.day, 2),
        "__2": lambda: str(c.yday).rjust(3, " "),
        "002": lambda: _append_int(c.yday, 3),
        "15": lambda: _append_int(c.hour, 2),
        "3": lambda: str(hour12),
        "03": lambda: _append_int(hour12, 2),
        "4": lambda: str(c.minute),
        "04": lambda: _append_int(c.minute, 2),
        "5": lambda: str(c.second),
        "05": lambda: _append_int(c.second, 2),
        "PM": lambda: "PM" if c.hour >= 12 else "AM",
        "pm": lambda: "pm" if c.hour >= 12 else "am",
    }
    if k in simple:
        return str(simple[k]())
    if k == "MST":
        if c.zone:
            return c.zone
        zone = _go_div(c.offset, 60)
        sign = "-" if zone < 0 else "+"
        zone = abs(zone)
        return sign + _append_int(zone // 60, 2) + _append_int(zone % 60, 2)
    if k in (".000", ".999"):
        return _format_nano(c.nsec, std)
    return _format_zone(k, c.offset)


def _format_nano(nsec: int, std: LayoutElem) -> str:
    trim = std.kind == ".999"
    n = std.digits
    if trim and (n == 0 or nsec == 0):
        return ""
    digits = f"{nsec:09d}"[: min(n, 9)]
    if trim:
        digits = digits.rstrip("0")
        return std.sep + digits if digits else ""
    return std.sep + digits


def format_time(t: datetime, layout: str, loc: tzinfo | None = None) -> str:
    """``t.In(loc).Format(layout)`` (``loc=None`` keeps ``t``'s own zone)."""
    c = _civil(t, loc)
    out: list[str] = []
    while layout:
        prefix, std, layout = next_chunk(layout)
        out.append(prefix)
        if std is None:
            break
        out.append(_format_std(std, c))
    return "".join(out)
