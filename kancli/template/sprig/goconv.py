"""The reflection-based helpers every sprig function builds on, for kancli's Go value model.

sprig v2.22 converts loosely (``toInt64``: strings parse in base 10, bools give 0/1, anything
else 0), decides emptiness the way ``text/template``'s ``isTrue`` does, compares with
``reflect.DeepEqual`` and turns values into strings with ``strval``. These rules decide what
``default``, ``add``, ``has``, ``uniq``, ``join`` and friends return, so they live in one place.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from kancli.template.gofmt import (
    Uint8,
    format_value,
    stringer_text,
    time_nanosecond,
    time_year_shift,
    type_name,
)
from kancli.template.sprig.registry import NIL_DEREF, go_panic
from kancli.template.values import GoFunc, GoInt64, GoMap, GoStruct, JSONStruct, NilPointer

__all__ = [
    "MAX_INT64",
    "MIN_INT64",
    "deep_equal",
    "empty",
    "go_bytes_text",
    "is_slice",
    "kind_name",
    "parse_float",
    "parse_int",
    "require_slice",
    "slice_items",
    "strval",
    "to_float64",
    "to_int",
    "to_int64",
    "wrap_int64",
]

MAX_INT64 = (1 << 63) - 1
MIN_INT64 = -(1 << 63)

_INT_RE = re.compile(r"[+-]?[0-9]+")
_DEC_FLOAT_RE = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_HEX_FLOAT_RE = re.compile(
    r"[+-]?0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][+-]?[0-9]+"
)
_SPECIAL_FLOATS = {"inf": math.inf, "infinity": math.inf, "nan": math.nan}


def wrap_int64(n: int) -> int:
    """Two's-complement wrap-around, as Go's int64 arithmetic overflows."""
    return ((n - MIN_INT64) % (1 << 64)) + MIN_INT64


def parse_int(s: str) -> int:
    """``strconv.ParseInt(s, 10, 64)``; ValueError on syntax or range errors."""
    if not _INT_RE.fullmatch(s):
        raise ValueError(f"invalid syntax: {s!r}")
    n = int(s)
    if not MIN_INT64 <= n <= MAX_INT64:
        raise ValueError(f"value out of range: {s!r}")
    return n


def parse_float(s: str) -> float:
    """``strconv.ParseFloat(s, 64)``; ValueError on syntax or range errors (Go returns ±Inf with
    ErrRange, which sprig treats as failure)."""
    body = s.lstrip("+-")
    if "_" in s:
        if not _underscores_ok(s):
            raise ValueError(f"invalid syntax: {s!r}")
        s = s.replace("_", "")
    if body.lower() in _SPECIAL_FLOATS and len(s) - len(body) <= 1:
        value = _SPECIAL_FLOATS[body.lower()]
        return -value if s.startswith("-") else value
    if _DEC_FLOAT_RE.fullmatch(s):
        value = float(s)
    elif _HEX_FLOAT_RE.fullmatch(s):
        value = float.fromhex(s)
    else:
        raise ValueError(f"invalid syntax: {s!r}")
    if math.isinf(value):
        raise ValueError(f"value out of range: {s!r}")
    return value


def _underscores_ok(s: str) -> bool:
    """strconv's ``underscoreOK``: ``_`` only between digits or after a base prefix."""
    s = s[1:] if s[:1] in ("+", "-") else s
    saw = "^"
    i = 0
    is_hex = False
    if len(s) >= 2 and s[0] == "0" and s[1].lower() in "box":
        i, saw, is_hex = 2, "0", s[1].lower() == "x"
    for ch in s[i:]:
        if "0" <= ch <= "9" or (is_hex and "a" <= ch.lower() <= "f"):
            saw = "0"
        elif ch == "_":
            if saw != "0":
                return False
            saw = "_"
        elif saw == "_":
            return False
        else:
            saw = "!"
    return saw != "_"


def _float_to_int64(f: float) -> int:
    """Go's float64 -> int64 conversion on amd64 (out of range and NaN give MinInt64)."""
    if math.isnan(f) or not MIN_INT64 <= f < 2.0**63:
        return MIN_INT64
    return int(f)


def to_int64(v: Any) -> int:
    """sprig's ``toInt64``: strings in base 10 (0 on error), floats truncated, bools 0/1; else 0."""
    if isinstance(v, str):
        try:
            return parse_int(v)
        except ValueError:
            return 0
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int):
        return wrap_int64(int(v))
    if isinstance(v, float):
        return _float_to_int64(v)
    return 0


def to_int(v: Any) -> int:
    """sprig's ``toInt``: ``int(toInt64(v))`` (int is 64 bits wide)."""
    return to_int64(v)


def to_float64(v: Any) -> float:
    """sprig's ``toFloat64``: strings via ParseFloat (0 on error), numbers, bools 0/1, else 0."""
    if isinstance(v, str):
        try:
            return parse_float(v)
        except ValueError:
            return 0.0
    if isinstance(v, bool):
        return float(v)
    if isinstance(v, int | float):
        return float(v)
    return 0.0


def go_bytes_text(b: bytes) -> str:
    """``string(b)``. Go keeps invalid UTF-8 bytes; a Python str cannot, so they become U+FFFD."""
    return b.decode("utf-8", "replace")


def strval(v: Any) -> str:
    """sprig's ``strval`` (``toString``): strings as is, ``[]byte`` as text, ``error`` and
    ``Stringer`` through their method, anything else as ``fmt.Sprintf("%v")``."""
    if isinstance(v, str):
        return v
    if isinstance(v, bytes | bytearray):
        return go_bytes_text(bytes(v))
    if isinstance(v, GoStruct):
        text = stringer_text(v)
        if text is not None:
            return text
    return format_value(v)


def kind_name(v: Any) -> str:
    """``reflect.ValueOf(v).Kind().String()`` (sprig's ``kindOf``)."""
    if v is None:
        return "invalid"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, Uint8):
        return "uint8"
    if isinstance(v, GoInt64):
        return "int64"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float64"
    if isinstance(v, str):
        return "string"
    if isinstance(v, bytes | bytearray | list | tuple):
        return "slice"
    if isinstance(v, Mapping):
        return "map"
    if isinstance(v, NilPointer):
        return "ptr"
    if isinstance(v, GoStruct):
        return "ptr" if v.go_type.startswith("*") else "struct"
    if isinstance(v, GoFunc):
        return "func"
    return "struct"


def empty(v: Any) -> bool:
    """sprig's ``empty``: nil, zero numbers, false, and empty strings, slices and maps."""
    if v is None or isinstance(v, NilPointer):
        return True
    if isinstance(v, bool):
        return not v
    if isinstance(v, int | float):
        return v == 0
    if isinstance(v, str | bytes | bytearray | list | tuple | Mapping):
        return len(v) == 0
    return False


def is_slice(v: Any) -> bool:
    """Whether ``reflect.TypeOf(v).Kind()`` is Slice or Array."""
    return isinstance(v, list | tuple | bytes | bytearray)


def slice_items(v: Any) -> list[Any]:
    """The elements of a slice as ``Index(i).Interface()`` yields them (bytes give uint8s)."""
    if isinstance(v, bytes | bytearray):
        return [Uint8(b) for b in v]
    return list(v)


def require_slice(v: Any, message: str) -> list[Any]:
    """The elements of ``v``, or sprig's panic ``message % kind`` for a non-slice
    (``reflect.TypeOf(nil).Kind()`` itself panics with a nil dereference)."""
    if v is None:
        raise go_panic(NIL_DEREF)
    if not is_slice(v):
        raise go_panic(message % kind_name(v))
    return slice_items(v)


def _same_time(a: datetime, b: datetime) -> bool:
    """DeepEqual on two time.Time: same wall clock, nanoseconds and location."""
    return (
        a.replace(tzinfo=None, fold=0) == b.replace(tzinfo=None, fold=0)
        and time_nanosecond(a) == time_nanosecond(b)
        and time_year_shift(a) == time_year_shift(b)
        and (a.tzinfo is b.tzinfo or a.tzinfo == b.tzinfo)
    )


def deep_equal(a: Any, b: Any) -> bool:
    """``reflect.DeepEqual``: identical types and deeply equal contents (NaN is never equal)."""
    if a is None or b is None:
        return a is None and b is None
    if type_name(a) != type_name(b):
        return False
    if isinstance(a, datetime):
        return _same_time(a, b)
    if isinstance(a, Mapping):
        return a.keys() == b.keys() and all(deep_equal(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(deep_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, GoStruct):
        if a is b:
            return True
        return deep_equal(dict(a.go_fields()), dict(b.go_fields()))
    if isinstance(a, GoFunc):
        return False
    result: bool = a == b
    return result


def map_items(m: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """A map's entries in Go's printing order (sorted keys); sprig's own iteration order is
    random, so kancli picks the one deterministic order Go ever shows."""
    return [(k, m[k]) for k in sorted(m)]


def copy_map(m: Mapping[str, Any]) -> dict[str, Any]:
    """A shallow copy that keeps the map's Go type (typed map, struct-ordered JSON object)."""
    if isinstance(m, GoMap):
        return GoMap(m, go_type=m.go_type, zero=m.zero)
    if isinstance(m, JSONStruct):
        return JSONStruct(m)
    return dict(m)


def as_sequence(v: Any) -> Sequence[Any]:
    return v if isinstance(v, list | tuple) else slice_items(v)
