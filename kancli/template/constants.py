"""Numeric constants in templates, as Go's parser reads them (``parse.newNumber``).

Go stores a literal under every type that can represent it (``1`` is an int, a uint and a
float; ``1.0`` is an int too; ``'a'`` is the int 97), and the type a function parameter asks
for picks which one is used. Literals too large for int64 or uint64 are errors
(``integer overflow``), as are complex and imaginary constants, which kancli does not support.
"""

from __future__ import annotations

from kancli.template import nodes as n
from kancli.template.gostrconv import (
    RangeErr,
    SyntaxErr,
    parse_float,
    parse_int,
    parse_uint,
    unquote_char,
)
from kancli.template.tokens import T, go_quote


class NumberError(Exception):
    """A number literal Go's parser rejects; the message is Go's."""


def parse_number(text: str, typ: T) -> n.NumberValue:
    """Go's ``newNumber``: the value under every type that can hold it."""
    num = n.NumberValue()
    if typ == T.CHAR_CONSTANT:
        try:
            r, _, tail = unquote_char(text[1:], text[0])
        except SyntaxErr as exc:
            raise NumberError(str(exc)) from None
        if tail != "'":
            raise NumberError(f"malformed character constant: {text}")
        num.is_int = num.is_uint = num.is_float = True
        num.int64 = num.uint64 = r
        num.float64 = float(r)
        return num
    if typ == T.COMPLEX or text.endswith("i"):
        raise NumberError(f"complex and imaginary constants are not supported: {text}")
    try:
        num.uint64 = parse_uint(text)
        num.is_uint = True
    except (SyntaxErr, RangeErr):
        pass
    try:
        num.int64 = parse_int(text)
        num.is_int = True
        if num.int64 == 0:
            num.is_uint = True
    except (SyntaxErr, RangeErr):
        pass
    if num.is_int:
        num.is_float = True
        num.float64 = float(num.int64)
    elif num.is_uint:
        num.is_float = True
        num.float64 = float(num.uint64)
    else:
        try:
            f = parse_float(text)
        except (SyntaxErr, RangeErr):
            f = None
        if f is not None:
            if not any(c in text for c in ".eEpP"):
                raise NumberError(f"integer overflow: {go_quote(text)}")
            num.is_float = True
            num.float64 = f
            if f.is_integer() and -(2**63) <= f < 2**63:
                num.is_int = True
                num.int64 = int(f)
            if f.is_integer() and 0 <= f < 2**64:
                num.is_uint = True
                num.uint64 = int(f)
    if not (num.is_int or num.is_uint or num.is_float):
        raise NumberError(f"illegal number syntax: {go_quote(text)}")
    return num
