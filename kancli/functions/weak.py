"""Weak decoding of rendered args into typed values, as Kanister's ``mapstructure.WeakDecode``.

Kanister Functions read each rendered arg with ``mapstructure.WeakDecode`` (mitchellh/mapstructure
v1.5.0; kanister-behaviour.md section 3.3), so Blueprints rely on its conversions:

* to string: a bool gives ``"1"``/``"0"``, an int its decimal form, a float its shortest
  non-exponent form (``strconv.FormatFloat(f, 'f', -1, 64)``);
* to int: a numeric string with its base inferred from the prefix (``0x``, ``0o``, ``0b``, ``0``),
  ``""`` as 0, a float truncated, a bool as 1/0;
* to bool: ``strconv.ParseBool`` spellings (``1 t T TRUE true True`` and the false ones), ``""``
  as false, a number as ``!= 0``;
* to a list: a single value becomes a one-element list, an empty map an empty list;
* to a map: a list of maps is merged into one map;
* to a struct: keys are matched to field names case-insensitively, unknown keys are ignored.

A nil input leaves the target's zero value. Error texts follow mapstructure's; a multi-error is
flattened onto one line (``2 error(s) decoding: * '[0]' ...; * '[1]' ...``). The input values are
described with the Go types Kanister's renderer produces (``int64``, ``float64``, ``[]interface
{}``, ``map[interface {}]interface {}``).
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any


class DecodeError(Exception):
    """One or more decoding errors, worded as mapstructure words them."""

    def __init__(self, errors: list[str], *, multi: bool = False, bare: bool = False) -> None:
        self.errors = errors
        self.multi = multi or len(errors) > 1
        #: A function-specific error that Kanister does not prefix with "Failed to decode arg".
        self.bare = bare
        super().__init__(self.text())

    def text(self) -> str:
        if not self.multi:
            return self.errors[0]
        points = sorted(f"* {error}" for error in self.errors)
        return f"{len(self.errors)} error(s) decoding: " + "; ".join(points)


def go_type_name(value: Any) -> str:
    """The Go type a rendered arg value has in Kanister (for error messages)."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int64"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bytes):
        return "[]uint8"
    if isinstance(value, Mapping):
        return "map[interface {}]interface {}"
    if isinstance(value, Sequence):
        return "[]interface {}"
    return type(value).__name__


def go_kind_name(value: Any) -> str:
    """reflect.Kind's name for a rendered value (``expected a map, got 'string'``)."""
    name = go_type_name(value)
    if name.startswith("map["):
        return "map"
    if name.startswith("[]"):
        return "slice"
    return name


def format_go_value(value: Any) -> str:
    """Go's ``%v`` for rendered values: maps sorted ``map[k:v]``, lists ``[a b]``."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format_go_float(value)
    if isinstance(value, bytes):
        return "[" + " ".join(str(b) for b in value) + "]"
    if isinstance(value, Mapping):
        items = sorted(value.items(), key=lambda kv: str(kv[0]))
        return (
            "map[" + " ".join(f"{format_go_value(k)}:{format_go_value(v)}" for k, v in items) + "]"
        )
    if isinstance(value, (list, tuple)):
        return "[" + " ".join(format_go_value(item) for item in value) + "]"
    return str(value)


def format_go_float(value: float) -> str:
    """``strconv.FormatFloat(v, 'g', -1, 64)`` as ``%v`` prints it (``1e+06``, ``2.5``)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "-0" if math.copysign(1, value) < 0 else "0"
    digits, exponent = _shortest_digits(value)
    if exponent < -4 or exponent >= 6:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        sign = "-" if value < 0 else ""
        return f"{sign}{mantissa}e{'+' if exponent >= 0 else '-'}{abs(exponent):02d}"
    return ("-" if value < 0 else "") + _fixed(digits, exponent)


def _shortest_digits(value: float) -> tuple[str, int]:
    """Shortest round-tripping decimal digits of |value| and the exponent of the first digit."""
    text = repr(abs(value))
    mantissa, _, exp = text.partition("e")
    exponent = int(exp) if exp else 0
    whole, _, frac = mantissa.partition(".")
    digits = (whole + frac).lstrip("0")
    leading_zeros = len(whole + frac) - len((whole + frac).lstrip("0"))
    point = len(whole) + exponent - leading_zeros
    digits = digits.rstrip("0") or "0"
    return digits, point - 1


def _fixed(digits: str, exponent: int) -> str:
    if exponent < 0:
        return "0." + "0" * (-exponent - 1) + digits
    if exponent + 1 >= len(digits):
        return digits + "0" * (exponent + 1 - len(digits))
    return digits[: exponent + 1] + "." + digits[exponent + 1 :]


def format_float_fixed(value: float) -> str:
    """``strconv.FormatFloat(v, 'f', -1, 64)``: shortest digits, never an exponent."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    text = format(Decimal(repr(value)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" and math.copysign(1, value) > 0 else text


_GO_INT_SYNTAX = re.compile(
    r"[+-]?(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|0(?:_?[0-7])*|[1-9](?:_?[0-9])*)\Z"
)


def parse_go_int(text: str, bits: int = 64) -> int:
    """``strconv.ParseInt(text, 0, bits)``; raises ValueError with Go's message."""
    quoted = _go_quote(text)
    if not text or not _GO_INT_SYNTAX.match(text):
        raise ValueError(f"strconv.ParseInt: parsing {quoted}: invalid syntax")
    negative = text.startswith("-")
    body = text.lstrip("+-").replace("_", "")
    if len(body) > 1 and body[0] == "0" and body[1] not in "xXoObB":
        number = int(body, 8)
    else:
        number = int(body, 0)
    number = -number if negative else number
    if not -(2 ** (bits - 1)) <= number < 2 ** (bits - 1):
        raise ValueError(f"strconv.ParseInt: parsing {quoted}: value out of range")
    return number


_TRUE = frozenset(("1", "t", "T", "TRUE", "true", "True"))
_FALSE = frozenset(("0", "f", "F", "FALSE", "false", "False"))


def parse_go_bool(text: str) -> bool:
    """``strconv.ParseBool``; raises ValueError with Go's message."""
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"strconv.ParseBool: parsing {_go_quote(text)}: invalid syntax")


def _go_quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


# -- decoders ----------------------------------------------------------------------------------


def _unconvertible(name: str, go_type: str, value: Any) -> DecodeError:
    return DecodeError(
        [
            f"'{name}' expected type '{go_type}', got unconvertible type "
            f"'{go_type_name(value)}', value: '{format_go_value(value)}'"
        ]
    )


def decode_string(value: Any, name: str, go_type: str = "string") -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_float_fixed(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    raise _unconvertible(name, go_type, value)


def decode_int(value: Any, name: str, go_type: str = "int", bits: int = 64) -> int:
    if value is None:
        return 0
    if isinstance(value, bool):
        return 1 if value else 0
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise _unconvertible(name, go_type, value)
        return int(value)
    if isinstance(value, str):
        try:
            return parse_go_int(value or "0", bits)
        except ValueError as exc:
            raise DecodeError([f"cannot parse '{name}' as int: {exc}"]) from None
    raise _unconvertible(name, go_type, value)


def decode_bool(value: Any, name: str) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    if isinstance(value, str):
        if value == "":
            return False
        try:
            return parse_go_bool(value)
        except ValueError as exc:
            raise DecodeError([f"cannot parse '{name}' as bool: {exc}"]) from None
    raise _unconvertible(name, "bool", value)


def as_list(value: Any) -> list[Any] | None:
    """WeakDecode's view of a slice source: None (nil), or the elements to decode."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, Mapping) and not value:
        return []
    return [value]


def collect(items: list[tuple[str, Any]], decode: Any) -> list[Any]:
    """Decode each (name, value) pair, gathering every error as mapstructure does."""
    results: list[Any] = []
    errors: list[str] = []
    for item_name, item in items:
        try:
            results.append(decode(item, item_name))
        except DecodeError as exc:
            errors.extend(exc.errors)
    if errors:
        raise DecodeError(errors, multi=True)
    return results


def map_entries(value: Any, name: str) -> list[tuple[Any, Any]] | None:
    """WeakDecode's view of a map source: None (nil) or its entries; lists of maps merge."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        return list(value.items())
    if isinstance(value, (list, tuple)):
        merged: dict[Any, Any] = {}
        for index, item in enumerate(value):
            if not isinstance(item, Mapping):
                raise DecodeError([f"'{name}[{index}]' expected a map, got '{go_kind_name(item)}'"])
            merged.update(item)
        return list(merged.items())
    raise DecodeError([f"'{name}' expected a map, got '{go_kind_name(value)}'"])


def struct_fields(value: Any, name: str, fields: Sequence[str]) -> dict[str, Any]:
    """Map a struct source onto ``fields`` (Go field names), matching keys case-insensitively.

    An exact key wins; otherwise the first key equal under case folding, as mapstructure does.
    """
    if value is None:
        return {}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dict(value.__dict__)
    if not isinstance(value, Mapping):
        raise DecodeError([f"'{name}' expected a map, got '{go_kind_name(value)}'"])
    found: dict[str, Any] = {}
    for field_name in fields:
        if field_name in value:
            found[field_name] = value[field_name]
            continue
        for key, item in value.items():
            if isinstance(key, str) and key.lower() == field_name.lower():
                found[field_name] = item
                break
    return found
