"""sprig v2.22's numeric functions (``numeric.go`` and the arithmetic in ``functions.go``).

Arithmetic is int64 (results are ``GoInt64``, which ``typeOf`` shows as ``int64``) and wraps on
overflow as Go does; operands go through sprig's loose ``toInt64`` (``add "1" 2`` is 3, ``add "x"
2`` is 2). Integer division and modulo by zero panic with Go's runtime error.
"""

from __future__ import annotations

import math
import re
from typing import Any

from kancli.template.gofmt import format_value
from kancli.template.sprig.goconv import (
    MAX_INT64,
    MIN_INT64,
    parse_int,
    to_float64,
    to_int,
    to_int64,
    wrap_int64,
)
from kancli.template.sprig.registry import FuncTable, go_panic
from kancli.template.values import GoInt64

__all__ = ["FUNCS"]

FUNCS = FuncTable()
_ANY = "interface{}"
_I64 = "int64"
_F64 = "float64"
_OCTAL = re.compile(r"[+-]?[0-7]+")


def _i64(n: int) -> GoInt64:
    return GoInt64(wrap_int64(n))


@FUNCS.define("atoi", ("string",), "int")
def atoi(s: str) -> int:
    try:
        return parse_int(s)
    except ValueError:
        return 0


@FUNCS.define("int64", (_ANY,), _I64)
def int64_(v: Any) -> GoInt64:
    return GoInt64(to_int64(v))


@FUNCS.define("int", (_ANY,), "int")
def int_(v: Any) -> int:
    return to_int(v)


@FUNCS.define("float64", (_ANY,), _F64)
def float64_(v: Any) -> float:
    return to_float64(v)


@FUNCS.define("toDecimal", (_ANY,), _I64)
def to_decimal(v: Any) -> GoInt64:
    """``strconv.ParseInt(fmt.Sprint(v), 8, 64)``, 0 on error: ``toDecimal "0777"`` is 511."""
    text = format_value(v)
    if not _OCTAL.fullmatch(text):
        return GoInt64(0)
    n = int(text, 8)
    return GoInt64(n if MIN_INT64 <= n <= MAX_INT64 else 0)


@FUNCS.define("add1", (_ANY,), _I64)
def add1(v: Any) -> GoInt64:
    return _i64(to_int64(v) + 1)


@FUNCS.define("add", ("...interface{}",), _I64)
def add(*values: Any) -> GoInt64:
    total = 0
    for v in values:
        total = wrap_int64(total + to_int64(v))
    return GoInt64(total)


@FUNCS.define("sub", (_ANY, _ANY), _I64)
def sub(a: Any, b: Any) -> GoInt64:
    return _i64(to_int64(a) - to_int64(b))


def _go_quotient(a: int, b: int) -> int:
    if b == 0:
        raise go_panic("runtime error: integer divide by zero")
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


@FUNCS.define("div", (_ANY, _ANY), _I64)
def div(a: Any, b: Any) -> GoInt64:
    return _i64(_go_quotient(to_int64(a), to_int64(b)))


@FUNCS.define("mod", (_ANY, _ANY), _I64)
def mod(a: Any, b: Any) -> GoInt64:
    x, y = to_int64(a), to_int64(b)
    return _i64(x - _go_quotient(x, y) * y)


@FUNCS.define("mul", (_ANY, "...interface{}"), _I64)
def mul(a: Any, *values: Any) -> GoInt64:
    total = to_int64(a)
    for v in values:
        total = wrap_int64(total * to_int64(v))
    return GoInt64(total)


def _max(a: Any, *values: Any) -> GoInt64:
    return GoInt64(max([to_int64(a), *(to_int64(v) for v in values)]))


FUNCS.define("biggest", (_ANY, "...interface{}"), _I64)(_max)
FUNCS.define("max", (_ANY, "...interface{}"), _I64)(_max)


@FUNCS.define("min", (_ANY, "...interface{}"), _I64)
def min_(a: Any, *values: Any) -> GoInt64:
    return GoInt64(min([to_int64(a), *(to_int64(v) for v in values)]))


def _go_floor(x: float) -> float:
    """``math.Floor``: keeps infinities, NaN and the sign of zero."""
    if not math.isfinite(x) or x == 0:
        return x
    return float(math.floor(x))


def _go_ceil(x: float) -> float:
    """``math.Ceil`` is ``-Floor(-x)``, so ``Ceil(-0.5)`` is ``-0``."""
    return -_go_floor(-x)


@FUNCS.define("ceil", (_ANY,), _F64)
def ceil(a: Any) -> float:
    return _go_ceil(to_float64(a))


@FUNCS.define("floor", (_ANY,), _F64)
def floor(a: Any) -> float:
    return _go_floor(to_float64(a))


@FUNCS.define("round", (_ANY, "int", "...float64"), _F64)
def round_(a: Any, places: int, *round_on: float) -> float:
    """sprig's ``round``: rounds up when the fraction reaches ``round_on`` (default .5), which
    for negative numbers means towards minus infinity unless the fraction is exactly zero."""
    threshold = round_on[0] if round_on else 0.5
    val = to_float64(a)
    try:
        pow_ = math.pow(10, float(places))
    except OverflowError:
        pow_ = math.inf
    digit = pow_ * val
    frac = math.modf(digit)[0] if math.isfinite(digit) else math.nan
    rounded = _go_ceil(digit) if frac >= threshold else _go_floor(digit)
    return rounded / pow_
