"""Go's ``encoding/json`` Marshal for sprig's ``toJson``/``toPrettyJson``.

``{{ toJson .Profile }}`` is how most Blueprints hand the Profile to ``kando``, which unmarshals it
with Go, so the output must be byte-identical to Kanister's (reference §2.4): struct fields in
declaration order under their JSON names (``GoStruct.go_json``), map keys sorted, ``[]byte`` as
base64, times as RFC 3339 with nanoseconds, ``<``, ``>``, ``&``, U+2028 and U+2029 escaped, and
floats in Go's shortest form (``1e+21``, ``1e-7``). Like sprig, a value Go cannot marshal (NaN,
a function) yields the empty string.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from kancli.template.gofmt import format_float, time_year_shift
from kancli.template.sprig.gotime import format_time
from kancli.template.sprig.registry import FuncTable
from kancli.template.values import GoFunc, GoStruct, JSONStruct, NilPointer

__all__ = ["FUNCS", "UnsupportedJSONError", "marshal"]

FUNCS = FuncTable()
RFC3339_NANO = "2006-01-02T15:04:05.999999999Z07:00"
_HEX = "0123456789abcdef"
_SIMPLE_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r"}
_SIMPLE_ESCAPES["\t"] = "\\t"


class UnsupportedJSONError(ValueError):
    """``json.UnsupportedValueError`` / ``UnsupportedTypeError``."""


def _escape_char(ch: str) -> str:
    if ch in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[ch]
    code = ord(ch)
    if code < 0x20 or ch in "<>&":
        return "\\u00" + _HEX[code >> 4] + _HEX[code & 0xF]
    if ch in "\u2028\u2029":
        return "\\u202" + _HEX[code & 0xF]
    if 0xD800 <= code <= 0xDFFF:  # an unpaired surrogate stands for invalid UTF-8
        return "\\ufffd"
    return ch


def encode_string(s: str) -> str:
    """Go's ``appendString`` with HTML escaping."""
    if s.isascii() and s.isprintable() and not any(c in s for c in '"\\<>&'):
        return '"' + s + '"'
    return '"' + "".join(_escape_char(c) for c in s) + '"'


def encode_float(f: float) -> str:
    if not math.isfinite(f):
        raise UnsupportedJSONError(f"json: unsupported value: {format_float(f, 'g', -1)}")
    a = abs(f)
    fmt = "e" if a != 0 and (a < 1e-6 or a >= 1e21) else "f"
    out = format_float(f, fmt, -1)
    if fmt == "e" and len(out) >= 4 and out[-4] == "e" and out[-3] == "-" and out[-2] == "0":
        out = out[:-2] + out[-1]
    return out


class _Encoder:
    def __init__(self, indent: str | None) -> None:
        self.indent = indent
        self.out: list[str] = []

    def newline(self, depth: int) -> None:
        if self.indent is not None:
            self.out.append("\n" + self.indent * depth)

    def encode(self, v: Any, depth: int) -> None:
        if v is None or isinstance(v, NilPointer):
            self.out.append("null")
        elif isinstance(v, bool):
            self.out.append("true" if v else "false")
        elif isinstance(v, int):
            self.out.append(str(int(v)))
        elif isinstance(v, float):
            self.out.append(encode_float(v))
        elif isinstance(v, str):
            self.out.append(encode_string(v))
        elif isinstance(v, bytes | bytearray):
            self.out.append('"' + base64.b64encode(bytes(v)).decode("ascii") + '"')
        elif isinstance(v, datetime):
            if not 0 <= v.year - time_year_shift(v) <= 9999:
                raise UnsupportedJSONError("Time.MarshalJSON: year outside of range [0,9999]")
            self.out.append('"' + format_time(v, RFC3339_NANO) + '"')
        elif isinstance(v, Mapping):
            keys = list(v) if isinstance(v, JSONStruct) else sorted(v)
            self.container("{", "}", [(k, v[k]) for k in keys], depth)
        elif isinstance(v, list | tuple):
            self.container("[", "]", [(None, x) for x in v], depth)
        elif isinstance(v, GoStruct):
            self.encode(v.go_json(), depth)
        elif isinstance(v, GoFunc):
            raise UnsupportedJSONError(f"json: unsupported type: {v.name}")
        else:
            raise UnsupportedJSONError(f"json: unsupported type: {type(v).__name__}")

    def container(
        self, open_: str, close: str, items: list[tuple[str | None, Any]], depth: int
    ) -> None:
        self.out.append(open_)
        for i, (key, value) in enumerate(items):
            if i:
                self.out.append(",")
            self.newline(depth + 1)
            if key is not None:
                self.out.append(encode_string(key))
                self.out.append(": " if self.indent is not None else ":")
            self.encode(value, depth + 1)
        if items:
            self.newline(depth)
        self.out.append(close)


def marshal(v: Any, indent: str | None = None) -> str:
    """``json.Marshal`` (or ``json.MarshalIndent(v, "", indent)``); UnsupportedJSONError for
    values Go refuses."""
    enc = _Encoder(indent)
    enc.encode(v, 0)
    return "".join(enc.out)


@FUNCS.define("toJson", ("interface{}",), "string")
def to_json(v: Any) -> str:
    try:
        return marshal(v)
    except (UnsupportedJSONError, RecursionError):
        return ""


@FUNCS.define("toPrettyJson", ("interface{}",), "string")
def to_pretty_json(v: Any) -> str:
    try:
        return marshal(v, "  ")
    except (UnsupportedJSONError, RecursionError):
        return ""
