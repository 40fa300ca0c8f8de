"""sprig's word-level string functions, from its helper libraries goutils v1.1.1 and xstrings
v1.2.0: case conversion (``title``, ``camelcase``, ``snakecase`` ...), ``initials``, ``nospace``,
``abbrev``, ``wrap``, and the random strings (``randAlphaNum`` ...).

goutils walks several of these byte by byte (``initials``, ``nospace``, ``abbrev``, ``wrap``), so
non-ASCII text comes out as Go would produce it: each UTF-8 byte taken as a Latin-1 rune in
``nospace``/``initials``, and byte offsets in ``abbrev``/``wrap``.
"""

from __future__ import annotations

import random
import secrets
import string

from kancli.template.sprig.gostrings import (
    byte_slice,
    is_digit,
    is_go_space,
    is_letter,
    is_lower,
    is_number,
    is_title,
    is_upper,
    rune_lower,
    rune_title,
    rune_upper,
)
from kancli.template.sprig.registry import FuncTable

__all__ = ["FUNCS"]

FUNCS = FuncTable()
_S = "string"
_I = "int"


def _is_separator(ch: str) -> bool:
    """strings.Title's word boundary test."""
    if ch <= "\x7f":
        return not (ch.isalnum() or ch == "_")
    if is_letter(ch) or is_digit(ch):
        return False
    return is_go_space(ch)


@FUNCS.define("title", (_S,), _S)
def title(s: str) -> str:
    """``strings.Title``."""
    out = []
    prev = " "
    for ch in s:
        out.append(rune_title(ch) if _is_separator(prev) else ch)
        prev = ch
    return "".join(out)


@FUNCS.define("untitle", (_S,), _S)
def untitle(s: str) -> str:
    """goutils ``Uncapitalize``: lower-case the first rune of each whitespace-separated word."""
    out = []
    at_start = True
    for ch in s:
        if is_go_space(ch):
            at_start = True
            out.append(ch)
        elif at_start:
            out.append(rune_lower(ch))
            at_start = False
        else:
            out.append(ch)
    return "".join(out)


@FUNCS.define("swapcase", (_S,), _S)
def swapcase(s: str) -> str:
    """goutils ``SwapCase``: upper/title to lower; lower to title after whitespace, else upper."""
    out = []
    whitespace = True
    for ch in s:
        if is_upper(ch) or is_title(ch):
            out.append(rune_lower(ch))
            whitespace = False
        elif is_lower(ch):
            out.append(rune_title(ch) if whitespace else rune_upper(ch))
            whitespace = False
        else:
            out.append(ch)
            whitespace = is_go_space(ch)
    return "".join(out)


@FUNCS.define("camelcase", (_S,), _S)
def camelcase(s: str) -> str:
    """xstrings ``ToCamelCase``: ``foo_bar`` -> ``FooBar``; leading and doubled ``_`` kept."""
    if not s:
        return ""
    out = []
    i = 0
    while i < len(s) and s[i] == "_":
        out.append("_")
        i += 1
    if i == len(s):
        return "".join(out)
    r0 = rune_upper(s[i])
    for ch in s[i + 1 :]:
        r1, r0 = r0, ch
        if r1 == "_" and r0 == "_":
            out.append(r1)
            continue
        r0 = rune_upper(r0) if r1 == "_" else rune_lower(r0)
        if r1 != "_":
            out.append(r1)
    out.append(r0)
    return "".join(out)


_RUNE_ERROR = "\ufffd"


def _to_lower_case(s: str, connector: str) -> str:
    """xstrings ``camelCaseToLowerCase`` (``ToSnakeCase``/``ToKebabCase``)."""
    if not s:
        return ""
    out: list[str] = []
    r0 = connector
    i, n = 0, len(s)
    while i < n:
        prev, r0 = r0, s[i]
        i += 1
        if r0 == _RUNE_ERROR:
            out.append(r0)
        elif is_upper(r0):
            if prev != connector and not is_number(prev):
                out.append(connector)
            out.append(rune_lower(r0))
            if i >= n:
                break
            r0 = s[i]
            i += 1
            if not is_upper(r0):
                out.append(r0)
                continue
            while i < n:
                r1, r0 = r0, s[i]
                i += 1
                if r0 == _RUNE_ERROR:
                    out += [rune_lower(r1), r0]
                    break
                if not is_upper(r0):
                    if r0 in "_ -":
                        r0 = connector
                        out.append(rune_lower(r1))
                    elif is_number(r0):
                        out += [rune_lower(r1), connector, r0]
                    else:
                        out += [connector, rune_lower(r1), r0]
                    break
                out.append(rune_lower(r1))
            if i >= n or r0 == connector:
                out.append(rune_lower(r0))
        elif is_number(r0):
            if prev != connector and not is_number(prev):
                out.append(connector)
            out.append(r0)
        else:
            if r0 in " -_":
                r0 = connector
            out.append(r0)
    return "".join(out)


@FUNCS.define("snakecase", (_S,), _S)
def snakecase(s: str) -> str:
    return _to_lower_case(s, "_")


@FUNCS.define("kebabcase", (_S,), _S)
def kebabcase(s: str) -> str:
    return _to_lower_case(s, "-")


def _byte_runes(s: str) -> list[str]:
    """The UTF-8 bytes of ``s`` as Latin-1 runes, the way goutils indexes strings."""
    return [chr(b) for b in s.encode("utf-8", "surrogatepass")]


@FUNCS.define("initials", (_S,), _S)
def initials(s: str) -> str:
    out = []
    last_was_gap = True
    for ch in _byte_runes(s):
        if is_go_space(ch):
            last_was_gap = True
        elif last_was_gap:
            out.append(ch)
            last_was_gap = False
    return "".join(out)


@FUNCS.define("nospace", (_S,), _S)
def nospace(s: str) -> str:
    runes = _byte_runes(s)
    kept = [ch for ch in runes if not is_go_space(ch)]
    return s if len(kept) == len(runes) else "".join(kept)


def _blen(s: str) -> int:
    return len(s.encode("utf-8", "surrogatepass"))


def _abbreviate_full(s: str, offset: int, max_width: int) -> str:
    """goutils ``AbbreviateFull`` (widths already validated by the caller)."""
    n = _blen(s)
    if s == "" or n <= max_width:
        return s
    offset = min(offset, n)
    if n - offset < max_width - 3:
        offset = n - (max_width - 3)
    if offset <= 4:
        return byte_slice(s, 0, max_width - 3) + "..."
    if max_width < 7:
        return ""
    if offset + max_width - 3 < n:
        return "..." + _abbreviate_full(byte_slice(s, offset, None), 0, max_width - 3)
    return "..." + byte_slice(s, n - (max_width - 3), None)


@FUNCS.define("abbrev", (_I, _S), _S)
def abbrev(width: int, s: str) -> str:
    if width < 4:
        return s
    return _abbreviate_full(s, 0, width)


@FUNCS.define("abbrevboth", (_I, _I, _S), _S)
def abbrevboth(left: int, right: int, s: str) -> str:
    if right < 4 or (left > 0 and right < 7):
        return s
    return _abbreviate_full(s, left, right)


def _wrap_custom(s: str, length: int, newline: str, wrap_long: bool) -> str:
    """goutils ``WrapCustom`` over UTF-8 bytes."""
    if s == "":
        return ""
    data = s.encode("utf-8", "surrogatepass")
    nl = (newline or "\n").encode("utf-8", "surrogatepass")
    length = max(length, 1)
    n = len(data)
    offset = 0
    out = bytearray()
    while n - offset > length:
        if data[offset] == 0x20:
            offset += 1
            continue
        end = length + offset + 1
        space = data.rfind(b" ", offset, end)
        if space >= offset:
            out += data[offset:space] + nl
            offset = space + 1
        elif wrap_long:
            out += data[offset : offset + length] + nl
            offset += length
        else:
            space = data.find(b" ", length + offset)
            if space == -1:
                out += data[offset:]
                offset = n
            else:
                out += data[offset:space] + nl
                offset = space + 1
    out += data[offset:]
    return out.decode("utf-8", "replace")


@FUNCS.define("wrap", (_I, _S), _S)
def wrap(length: int, s: str) -> str:
    return _wrap_custom(s, length, "", False)


@FUNCS.define("wrapWith", (_I, _S, _S), _S)
def wrap_with(length: int, sep: str, s: str) -> str:
    return _wrap_custom(s, length, sep, True)


@FUNCS.define("shuffle", (_S,), _S)
def shuffle(s: str) -> str:
    runes = list(s)
    random.shuffle(runes)
    return "".join(runes)


def _random(count: int, alphabet: str) -> str:
    """goutils ``CryptoRandom*``: a negative count is an error sprig discards, giving ``""``."""
    if count <= 0:
        return ""
    return "".join(secrets.choice(alphabet) for _ in range(count))


@FUNCS.define("randAlphaNum", (_I,), _S)
def rand_alpha_num(count: int) -> str:
    return _random(count, string.ascii_letters + string.digits)


@FUNCS.define("randAlpha", (_I,), _S)
def rand_alpha(count: int) -> str:
    return _random(count, string.ascii_letters)


@FUNCS.define("randAscii", (_I,), _S)
def rand_ascii(count: int) -> str:
    return _random(count, "".join(chr(c) for c in range(32, 127)))


@FUNCS.define("randNumeric", (_I,), _S)
def rand_numeric(count: int) -> str:
    return _random(count, string.digits)
