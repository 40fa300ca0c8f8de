"""Go's ``strings``/``unicode`` rules that differ from Python's, for the sprig string functions.

Python's ``str.upper`` turns ``ß`` into ``SS`` and ``str.strip`` drops ASCII control separators;
Go maps one rune to one rune (simple case mapping) and trims only Unicode ``White_Space``. sprig's
helper library (goutils) also walks strings byte by byte in places (``nospace``, ``initials``,
``trunc``, ``substr``, ``abbrev``, ``wrap``), which these helpers reproduce on UTF-8 bytes.
"""

from __future__ import annotations

import unicodedata

from kancli.template.sprig.registry import go_panic

__all__ = [
    "GO_SPACE",
    "byte_slice",
    "go_split",
    "is_go_space",
    "rune_lower",
    "rune_title",
    "rune_upper",
    "to_lower",
    "to_upper",
]

# unicode.IsSpace: the Latin-1 spaces plus the White_Space property.
GO_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000"
)
_GO_SPACE_SET = frozenset(GO_SPACE)

# Simple case mappings where Python's full mapping would give several characters.
_LOWER_SPECIAL = {"\u0130": "i"}


def is_go_space(ch: str) -> bool:
    return ch in _GO_SPACE_SET


def rune_upper(ch: str) -> str:
    """``unicode.ToUpper`` for one rune."""
    up = ch.upper()
    return up if len(up) == 1 else ch


def rune_lower(ch: str) -> str:
    """``unicode.ToLower`` for one rune."""
    if ch in _LOWER_SPECIAL:
        return _LOWER_SPECIAL[ch]
    low = ch.lower()
    return low if len(low) == 1 else ch


def rune_title(ch: str) -> str:
    """``unicode.ToTitle`` for one rune."""
    title = ch.title()
    return title if len(title) == 1 else rune_upper(ch)


def to_upper(s: str) -> str:
    """``strings.ToUpper``."""
    return s.upper() if s.isascii() else "".join(rune_upper(c) for c in s)


def to_lower(s: str) -> str:
    """``strings.ToLower``."""
    return s.lower() if s.isascii() else "".join(rune_lower(c) for c in s)


def is_letter(ch: str) -> bool:
    return unicodedata.category(ch).startswith("L")


def is_upper(ch: str) -> bool:
    return unicodedata.category(ch) == "Lu"


def is_lower(ch: str) -> bool:
    return unicodedata.category(ch) == "Ll"


def is_title(ch: str) -> bool:
    return unicodedata.category(ch) == "Lt"


def is_number(ch: str) -> bool:
    """``unicode.IsNumber``: categories Nd, Nl, No."""
    return unicodedata.category(ch).startswith("N")


def is_digit(ch: str) -> bool:
    """``unicode.IsDigit``: category Nd."""
    return unicodedata.category(ch) == "Nd"


def go_split(s: str, sep: str, n: int = -1) -> list[str]:
    """``strings.SplitN(s, sep, n)`` (``n < 0``: all); an empty ``sep`` splits into runes."""
    if n == 0:
        return []
    if sep == "":
        if n < 0 or n > len(s):
            n = len(s)
        if n == 0:
            return []
        return [*list(s[: n - 1]), s[n - 1 :]]
    if n < 0:
        return s.split(sep)
    return s.split(sep, n - 1)


def _bounds_error(low: int | None, high: int | None, length: int) -> Exception:
    if high is not None and (high < 0 or high > length):
        if high < 0:
            return go_panic(f"runtime error: slice bounds out of range [:{high}]")
        return go_panic(f"runtime error: slice bounds out of range [:{high}] with length {length}")
    lo = 0 if low is None else low
    hi = length if high is None else high
    if lo < 0:
        return go_panic(f"runtime error: slice bounds out of range [{lo}:]")
    return go_panic(f"runtime error: slice bounds out of range [{lo}:{hi}]")


def byte_slice(s: str, low: int | None, high: int | None) -> str:
    """Go's ``s[low:high]`` on the UTF-8 bytes of ``s``, panicking as Go does when out of range."""
    b = s.encode("utf-8", "surrogatepass")
    length = len(b)
    lo = 0 if low is None else low
    hi = length if high is None else high
    if hi < 0 or hi > length or lo < 0 or lo > hi:
        raise _bounds_error(low, high, length)
    return b[lo:hi].decode("utf-8", "replace")
