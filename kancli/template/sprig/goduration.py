"""Go's ``time.Duration``: ``ParseDuration`` (sprig's ``dateModify``) and ``String``/``Round``
(sprig's ``ago``). Durations are plain ints of nanoseconds."""

from __future__ import annotations

import time as _time
from datetime import datetime

from kancli.template.gofmt import quote, time_nanosecond
from kancli.template.sprig.gotime import SECOND, unix_seconds

__all__ = ["duration_string", "parse_duration", "round_duration", "since"]


def _leading_int(s: str) -> tuple[int, str]:
    i = 0
    while i < len(s) and "0" <= s[i] <= "9":
        i += 1
    value = int(s[:i]) if i else 0
    return value, s[i:]


_UNITS = {
    "ns": 1,
    "us": 1_000,
    "µs": 1_000,
    "μs": 1_000,
    "ms": 1_000_000,
    "s": SECOND,
    "m": 60 * SECOND,
    "h": 3600 * SECOND,
}
_MAX_DURATION = (1 << 63) - 1


def parse_duration(s: str) -> int:
    """``time.ParseDuration`` in nanoseconds; ValueError with Go's message otherwise."""
    orig = s
    invalid = ValueError(f"time: invalid duration {quote(orig)}")
    neg = False
    if s and s[0] in "+-":
        neg, s = s[0] == "-", s[1:]
    if s == "0":
        return 0
    if not s:
        raise invalid
    total = 0
    while s:
        if not (s[0] == "." or "0" <= s[0] <= "9"):
            raise invalid
        v, rest = _leading_int(s)
        pre = rest != s
        s = rest
        frac, scale, post = 0, 1, False
        if s.startswith("."):
            s = s[1:]
            i = 0
            while i < len(s) and "0" <= s[i] <= "9":
                i += 1
            post = i > 0
            if post:
                frac, scale = int(s[:i]), 10**i
            s = s[i:]
        if not pre and not post:
            raise invalid
        i = 0
        while i < len(s) and not (s[i] == "." or "0" <= s[i] <= "9"):
            i += 1
        if i == 0:
            raise ValueError(f"time: missing unit in duration {quote(orig)}")
        unit_name, s = s[:i], s[i:]
        unit = _UNITS.get(unit_name)
        if unit is None:
            raise ValueError(f"time: unknown unit {quote(unit_name)} in duration {quote(orig)}")
        if v > (1 << 63) // unit:
            raise invalid
        v *= unit
        if frac:
            v += int(float(frac) * (float(unit) / scale))
        total += v
        if total > 1 << 63:
            raise invalid
    if neg:
        return -total
    if total > _MAX_DURATION:
        raise invalid
    return total


def round_duration(d: int, m: int) -> int:
    """``Duration.Round(m)``: halves away from zero."""
    if m <= 0:
        return d
    r = abs(d) % m
    if d < 0:
        if r + r < m:
            return d + r
        return max(d - m + r, -(1 << 63))
    if r + r < m:
        return d - r
    return min(d + m - r, _MAX_DURATION)


def _fmt_frac(v: int, prec: int) -> tuple[str, int]:
    digits = []
    printed = False
    for _ in range(prec):
        digit = v % 10
        printed = printed or digit != 0
        if printed:
            digits.append(str(digit))
        v //= 10
    text = "".join(reversed(digits))
    return ("." + text if printed else ""), v


def duration_string(d: int) -> str:
    """``Duration.String()``: ``72h3m0.5s``, ``1.5ms``, ``0s``."""
    u = abs(d)
    if u == 0:
        return "0s"
    if u < SECOND:
        if u < 1_000:
            frac, unit = "", "ns"
        elif u < 1_000_000:
            frac, u = _fmt_frac(u, 3)
            unit = "µs"
        else:
            frac, u = _fmt_frac(u, 6)
            unit = "ms"
        out = f"{u}{frac}{unit}"
    else:
        frac, u = _fmt_frac(u, 9)
        out = f"{u % 60}{frac}s"
        u //= 60
        if u > 0:
            out = f"{u % 60}m" + out
            u //= 60
            if u > 0:
                out = f"{u}h" + out
    return "-" + out if d < 0 else out


def since(t: datetime) -> int:
    """``time.Since(t)`` in nanoseconds."""
    now_ns = _time.time_ns()
    t_ns = unix_seconds(t) * SECOND + time_nanosecond(t)
    return now_ns - t_ns
