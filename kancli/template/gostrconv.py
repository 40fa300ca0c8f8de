"""Go's ``strconv`` rules for the literals that appear inside template actions.

Go's template parser hands number, string and character literals to ``strconv``, so what a
template accepts (``0x1F``, ``1_000``, ``'\\n'``, ``"\\u00e9"``) and which literals are errors
(``08`` is "integer overflow", ``"\\q"`` is "invalid syntax") follow ``strconv``'s grammar, which
differs from Python's in many small ways. Strings may carry bytes that are not valid UTF-8
(``"\\xff"``); they are kept as lone surrogates (Python's ``surrogateescape``).
"""

from __future__ import annotations

import re

MAX_INT64 = (1 << 63) - 1
MIN_INT64 = -(1 << 63)
MAX_UINT64 = (1 << 64) - 1


class SyntaxErr(ValueError):
    """``strconv.ErrSyntax``; the message is Go's text."""

    def __init__(self) -> None:
        super().__init__("invalid syntax")


class RangeErr(ValueError):
    """``strconv.ErrRange``."""


def _underscore_ok(s: str) -> bool:
    saw = "^"
    i = 0
    if s[:1] in ("+", "-"):
        s = s[1:]
    is_hex = False
    if len(s) >= 2 and s[0] == "0" and s[1].lower() in "box":
        i = 2
        saw = "0"
        is_hex = s[1].lower() == "x"
    while i < len(s):
        c = s[i]
        if "0" <= c <= "9" or (is_hex and "a" <= c.lower() <= "f"):
            saw = "0"
        elif c == "_":
            if saw != "0":
                return False
            saw = "_"
        else:
            if saw == "_":
                return False
            saw = "!"
        i += 1
    return saw != "_"


def parse_uint(s: str) -> int:
    """``strconv.ParseUint(s, 0, 64)``."""
    if not s:
        raise SyntaxErr()
    s0 = s
    base = 10
    if s[0] == "0":
        if len(s) >= 3 and s[1].lower() == "b":
            base, s = 2, s[2:]
        elif len(s) >= 3 and s[1].lower() == "o":
            base, s = 8, s[2:]
        elif len(s) >= 3 and s[1].lower() == "x":
            base, s = 16, s[2:]
        else:
            base, s = 8, s[1:]
    n = 0
    underscores = False
    overflow = False
    for c in s:
        if c == "_":
            underscores = True
            continue
        if "0" <= c <= "9":
            d = ord(c) - 48
        elif "a" <= c.lower() <= "z" and c.isascii():
            d = ord(c.lower()) - ord("a") + 10
        else:
            raise SyntaxErr()
        if d >= base:
            raise SyntaxErr()
        n = n * base + d
        if n > MAX_UINT64:
            overflow = True
            break
    if overflow:
        raise RangeErr("value out of range")
    if underscores and not _underscore_ok(s0):
        raise SyntaxErr()
    return n


def parse_int(s: str) -> int:
    """``strconv.ParseInt(s, 0, 64)``."""
    if not s:
        raise SyntaxErr()
    neg = False
    body = s
    if s[0] == "+":
        body = s[1:]
    elif s[0] == "-":
        body = s[1:]
        neg = True
    try:
        un = parse_uint(body)
    except RangeErr:
        raise RangeErr("value out of range") from None
    n = -un if neg else un
    if n > MAX_INT64 or n < MIN_INT64:
        raise RangeErr("value out of range")
    return n


_DEC_FLOAT = re.compile(r"[+-]?(?:[0-9_]+\.?[0-9_]*|\.[0-9_]+)(?:[eE][+-]?[0-9][0-9_]*)?")
_HEX_FLOAT = re.compile(
    r"[+-]?0[xX](?:[0-9a-fA-F_]+\.?[0-9a-fA-F_]*|\.[0-9a-fA-F_]+)[pP][+-]?[0-9][0-9_]*"
)


def parse_float(s: str) -> float:
    """``strconv.ParseFloat(s, 64)`` for the literal forms the template lexer can produce."""
    if _HEX_FLOAT.fullmatch(s):
        is_hex = True
    elif _DEC_FLOAT.fullmatch(s):
        is_hex = False
    else:
        raise SyntaxErr()
    if "_" in s and not _underscore_ok(s):
        raise SyntaxErr()
    clean = s.replace("_", "")
    try:
        f = float.fromhex(clean) if is_hex else float(clean)
    except (ValueError, OverflowError):
        raise RangeErr("value out of range") from None
    if f in (float("inf"), float("-inf")):
        raise RangeErr("value out of range")
    return f


def _append_rune(buf: bytearray, r: int) -> None:
    buf.extend(chr(r).encode("utf-8", "surrogatepass"))


def unquote_char(s: str, quote: str) -> tuple[int, bool, str]:
    """``strconv.UnquoteChar``: (value, multibyte, tail). Raises SyntaxErr."""
    if not s:
        raise SyntaxErr()
    c = s[0]
    if c == quote and quote in ("'", '"'):
        raise SyntaxErr()
    if ord(c) >= 0x80:
        cp = ord(c)
        if 0xDC80 <= cp <= 0xDCFF:  # an escaped invalid byte decodes as RuneError
            return 0xFFFD, True, s[1:]
        return cp, True, s[1:]
    if c != "\\":
        return ord(c), False, s[1:]
    if len(s) <= 1:
        raise SyntaxErr()
    c = s[1]
    s = s[2:]
    simple = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11, "\\": 92}
    if c in simple:
        return simple[c], False, s
    if c in "xuU":
        n = {"x": 2, "u": 4, "U": 8}[c]
        if len(s) < n:
            raise SyntaxErr()
        digits = s[:n]
        if not all(d in "0123456789abcdefABCDEF" for d in digits):
            raise SyntaxErr()
        v = int(digits, 16)
        s = s[n:]
        if c == "x":
            return v, False, s
        if v > 0x10FFFF or 0xD800 <= v <= 0xDFFF:
            raise SyntaxErr()
        return v, True, s
    if "0" <= c <= "7":
        if len(s) < 2:
            raise SyntaxErr()
        v = ord(c) - 48
        for d in s[:2]:
            if not "0" <= d <= "7":
                raise SyntaxErr()
            v = (v << 3) | (ord(d) - 48)
        if v > 255:
            raise SyntaxErr()
        return v, False, s[2:]
    if c in ("'", '"'):
        if c != quote:
            raise SyntaxErr()
        return ord(c), False, s
    raise SyntaxErr()


def unquote(s: str) -> str:
    """``strconv.Unquote`` for "..." and `...` literals (single quotes are char constants)."""
    if len(s) < 2:
        raise SyntaxErr()
    quote = s[0]
    if quote == "`":
        if s[-1] != "`" or "`" in s[1:-1]:
            raise SyntaxErr()
        return s[1:-1].replace("\r", "")
    if quote != '"' or s[-1] != '"':
        raise SyntaxErr()
    body = s[1:-1]
    if "\\" not in body and "\n" not in body and '"' not in body:
        return body
    buf = bytearray()
    rest = body
    while rest:
        if rest[0] == "\n":
            raise SyntaxErr()
        r, multibyte, rest = unquote_char(rest, '"')
        if r < 0x80 or not multibyte:
            buf.append(r)
        else:
            _append_rune(buf, r)
    return buf.decode("utf-8", "surrogateescape")
