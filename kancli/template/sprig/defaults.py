"""sprig v2.22's defaults, type reflection and flow-control functions (``defaults.go``,
``reflect.go``, ``fail``): ``default``/``empty``/``coalesce``/``ternary``, ``typeOf`` and friends,
``deepEqual``, and ``fail``, which makes the render fail with the given message."""

from __future__ import annotations

from typing import Any

from kancli.template.gofmt import type_name
from kancli.template.sprig.goconv import deep_equal, empty, kind_name
from kancli.template.sprig.registry import FuncTable
from kancli.template.values import FuncError

__all__ = ["FUNCS"]

FUNCS = FuncTable()
_ANY = "interface{}"
_S = "string"


@FUNCS.define("default", (_ANY, "...interface{}"), _ANY)
def default(d: Any, *given: Any) -> Any:
    if not given or empty(given[0]):
        return d
    return given[0]


@FUNCS.define("empty", (_ANY,), "bool")
def empty_(v: Any) -> bool:
    return empty(v)


@FUNCS.define("coalesce", ("...interface{}",), _ANY)
def coalesce(*values: Any) -> Any:
    return next((v for v in values if not empty(v)), None)


@FUNCS.define("ternary", (_ANY, _ANY, "bool"), _ANY)
def ternary(if_true: Any, if_false: Any, condition: bool) -> Any:
    return if_true if condition else if_false


@FUNCS.define("typeOf", (_ANY,), _S)
def type_of(v: Any) -> str:
    return type_name(v)


@FUNCS.define("typeIs", (_S, _ANY), "bool")
def type_is(target: str, v: Any) -> bool:
    return target == type_name(v)


@FUNCS.define("typeIsLike", (_S, _ANY), "bool")
def type_is_like(target: str, v: Any) -> bool:
    t = type_name(v)
    return target == t or "*" + target == t


@FUNCS.define("kindOf", (_ANY,), _S)
def kind_of(v: Any) -> str:
    return kind_name(v)


@FUNCS.define("kindIs", (_S, _ANY), "bool")
def kind_is(target: str, v: Any) -> bool:
    return target == kind_name(v)


@FUNCS.define("deepEqual", (_ANY, _ANY), "bool")
def deep_equal_(a: Any, b: Any) -> bool:
    return deep_equal(a, b)


@FUNCS.define("fail", (_S,), _S, returns_error=True)
def fail(message: str) -> str:
    raise FuncError(message)
