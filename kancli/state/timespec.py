"""Parse the time arguments of ``kancli runs``: ``--since 7d``, ``--since 2026-11-01``,
``--older-than 30d``. Pure functions: the caller passes "now"."""

from __future__ import annotations

import datetime as dt
import re

from kancli.errors import UsageError

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_AGE = re.compile(r"^(\d+)([smhdw])$")


def parse_age(text: str) -> float:
    """``90s``, ``15m``, ``12h``, ``7d``, ``2w`` as seconds."""
    match = _AGE.match(text.strip())
    if not match:
        raise UsageError(
            f"invalid age {text!r}", hint="use a number and a unit s, m, h, d or w, e.g. 7d"
        )
    return int(match.group(1)) * _UNITS[match.group(2)]


def parse_since(text: str, now: dt.datetime) -> float:
    """An age (``7d``: that long before ``now``) or an ISO date/time (UTC if no zone): epoch."""
    if _AGE.match(text.strip()):
        return now.timestamp() - parse_age(text)
    try:
        when = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(
            f"invalid time {text!r}", hint="use an age such as 7d or a date such as 2026-11-01"
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.timestamp()
