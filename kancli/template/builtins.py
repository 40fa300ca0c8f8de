"""The functions every Go template has: ``index``, ``len``, ``eq``, ``printf``, ``html``, ...

Each is a ``GoFunc`` with Go's signature, so the engine checks and converts arguments for them
exactly as it does for sprig functions, and raises ``FuncError`` with Go's message (the engine
adds ``error calling NAME:``). Parameters typed ``reflect.Value`` receive the raw engine value,
possibly an ``Iface`` wrapper or ``None`` for Go's invalid value.

``and`` and ``or`` appear here for their signatures only: the engine evaluates them itself, as
they short-circuit. For ``call`` the engine passes the callee's name as an extra first argument,
as Go does, for its error messages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kancli.template import gofmt
from kancli.template.gotypes import (
    Iface,
    Kind,
    Uint8,
    assignable,
    can_be_nil,
    convert_int,
    display_type,
    elem_is_iface,
    indirect,
    is_true,
    kind_of,
    type_name,
    unwrap,
    zero_value,
)
from kancli.template.printing import html_escape, js_escape, urlquery_escape
from kancli.template.values import FuncError, GoFunc, GoMap, GoStruct, NilPointer

RV = "reflect.Value"


def _index_arg(index: Any, cap: int) -> int:
    k = kind_of(index)
    if k in (Kind.INT, Kind.UINT):
        x = int(index)
    elif k == Kind.INVALID:
        raise FuncError("cannot index slice/array with nil")
    else:
        raise FuncError(f"cannot index slice/array with type {type_name(index)}")
    if x < 0 or x > cap:
        raise FuncError(f"index out of range: {x}")
    return x


def _as_bytes(s: str) -> bytes:
    return s.encode("utf-8", "surrogateescape")


def _prepare_map_key(key: Any) -> str:
    if key is None:
        raise FuncError("value is nil; should be of type string")
    if not isinstance(key, str):
        raise FuncError(f"value has type {type_name(key)}; should be string")
    return key


def index(item: Any, *indexes: Any) -> Any:
    item = unwrap(item)
    if item is None:
        raise FuncError("index of untyped nil")
    for raw in indexes:
        idx = unwrap(raw)
        item, is_nil = indirect(item)
        if is_nil:
            raise FuncError("index of nil pointer")
        if isinstance(item, str):
            data = item.encode("utf-8", "surrogateescape") if not item.isascii() else item
            x = _index_arg(idx, len(data))
            if x == len(data):
                raise FuncError("reflect: string index out of range")
            item = Uint8(data[x] if isinstance(data, bytes) else ord(data[x]))
        elif isinstance(item, list | tuple | bytes | bytearray):
            x = _index_arg(idx, len(item))
            if x == len(item):
                raise FuncError("reflect: slice index out of range")
            elem = item[x]
            item = Uint8(elem) if isinstance(item, bytes | bytearray) else Iface(elem)
        elif isinstance(item, dict):
            key = _prepare_map_key(idx)
            if isinstance(item, GoMap):
                typed = item
                item = typed.get(key, typed.zero)
                if elem_is_iface(typed):
                    item = Iface(item)
            else:
                item = Iface(item.get(key))
        else:
            raise FuncError(f"can't index item of type {type_name(item)}")
    return item


def slice_(item: Any, *indexes: Any) -> Any:
    item = unwrap(item)
    if item is None:
        raise FuncError("slice of untyped nil")
    item, is_nil = indirect(item)
    if is_nil:
        raise FuncError("slice of nil pointer")
    if len(indexes) > 3:
        raise FuncError(f"too many slice indexes: {len(indexes)}")
    if isinstance(item, str):
        if len(indexes) == 3:
            raise FuncError("cannot 3-index slice a string")
        data: Any = item if item.isascii() else _as_bytes(item)
    elif isinstance(item, list | tuple | bytes | bytearray):
        data = item
    else:
        raise FuncError(f"can't slice item of type {type_name(item)}")
    cap = len(data)
    idx = [0, len(data), 0]
    for i, x in enumerate(indexes):
        idx[i] = _index_arg(x, cap)  # Go does not look inside interfaces here (index does)
    if idx[0] > idx[1]:
        raise FuncError(f"invalid slice index: {idx[0]} > {idx[1]}")
    if len(indexes) == 3 and idx[1] > idx[2]:
        raise FuncError(f"invalid slice index: {idx[1]} > {idx[2]}")
    part = data[idx[0] : idx[1]]
    if isinstance(item, str) and isinstance(part, bytes):
        return part.decode("utf-8", "surrogateescape")
    if isinstance(part, tuple):
        return list(part)
    return part


def length(item: Any) -> int:
    item, is_nil = indirect(item)
    if is_nil:
        raise FuncError("len of nil pointer")
    if item is None:
        raise FuncError("reflect: call of reflect.Value.Type on zero Value")
    if isinstance(item, str):
        return len(item) if item.isascii() else len(_as_bytes(item))
    if isinstance(item, list | tuple | dict | bytes | bytearray):
        return len(item)
    raise FuncError(f"len of type {type_name(item)}")


def not_(arg: Any) -> bool:
    return not is_true(unwrap(arg))


# -- comparison ---------------------------------------------------------------------------------

_BASIC = frozenset({Kind.BOOL, Kind.INT, Kind.UINT, Kind.FLOAT, Kind.COMPLEX, Kind.STRING})


def _basic_kind(v: Any) -> Kind:
    k = kind_of(v)
    return k if k in _BASIC else Kind.INVALID


def _is_nil(v: Any) -> bool:
    return v is None or isinstance(v, NilPointer)


def _comparable(v: Any) -> bool:
    """Go's ``Type.Comparable``, judged from the value (a struct by its fields' values)."""
    if kind_of(v) in (Kind.SLICE, Kind.MAP, Kind.FUNC):
        return False
    if isinstance(v, GoStruct) and not v.go_type.startswith("*"):
        return all(_comparable(f) for f in v.go_fields().values() if f is not None)
    return True


def _fmt(v: Any) -> str:
    return gofmt.format_value(v)


def eq(arg1: Any, *arg2: Any) -> bool:
    arg1 = unwrap(arg1)
    if not arg2:
        raise FuncError("missing argument for comparison")
    k1 = _basic_kind(arg1)
    for raw in arg2:
        arg = unwrap(raw)
        k2 = _basic_kind(arg)
        truth = False
        if k1 != k2:
            if {k1, k2} == {Kind.INT, Kind.UINT}:
                truth = int(arg1) == int(arg)
            elif arg1 is not None and arg is not None:
                raise FuncError(
                    f"incompatible types for comparison: {type_name(arg1)} and {type_name(arg)}"
                )
        elif k1 != Kind.INVALID:
            truth = arg1 == arg
        else:
            ka, kb = kind_of(arg1), kind_of(arg)
            if ka != kb and Kind.INVALID not in (ka, kb):
                raise FuncError(
                    gofmt.sprintf(
                        "non-comparable types %s: %v, %s: %v",
                        [arg1, type_name(arg1), type_name(arg), arg],
                    )
                )
            if _is_nil(arg1) or _is_nil(arg):
                truth = _is_nil(arg) == _is_nil(arg1)
            else:
                if not _comparable(arg):
                    raise FuncError(
                        gofmt.sprintf("non-comparable type %s: %v", [arg, type_name(arg)])
                    )
                truth = arg1 is arg or arg1 == arg
        if truth:
            return True
    return False


def ne(arg1: Any, arg2: Any) -> bool:
    return not eq(arg1, arg2)


def lt(arg1: Any, arg2: Any) -> bool:
    arg1 = unwrap(arg1)
    k1 = _basic_kind(arg1)
    if k1 == Kind.INVALID:
        raise FuncError("invalid type for comparison")
    arg2 = unwrap(arg2)
    k2 = _basic_kind(arg2)
    if k2 == Kind.INVALID:
        raise FuncError("invalid type for comparison")
    if k1 != k2:
        if {k1, k2} == {Kind.INT, Kind.UINT}:
            return bool(int(arg1) < int(arg2))
        raise FuncError(
            f"incompatible types for comparison: {type_name(arg1)} and {type_name(arg2)}"
        )
    if k1 in (Kind.BOOL, Kind.COMPLEX):
        raise FuncError("invalid type for comparison")
    return bool(arg1 < arg2)


def le(arg1: Any, arg2: Any) -> bool:
    return lt(arg1, arg2) or eq(arg1, arg2)


def gt(arg1: Any, arg2: Any) -> bool:
    return not le(arg1, arg2)


def ge(arg1: Any, arg2: Any) -> bool:
    return not lt(arg1, arg2)


def sprint(*args: Any) -> str:
    return gofmt.sprint(args)


def sprintf(fmt: str, *args: Any) -> str:
    return gofmt.sprintf(fmt, args)


def sprintln(*args: Any) -> str:
    return gofmt.sprintln(args)


def _unreachable(*_args: Any) -> Any:  # pragma: no cover - the engine special-cases these
    raise AssertionError("evaluated by the engine")


def call_value(name: str, fn: Any, *args: Any) -> Any:
    """Go's ``call`` builtin: invoke a function value (checked as ``prepareArg`` does)."""
    fn = unwrap(fn)
    if fn is None:
        raise FuncError("call of nil")
    if not isinstance(fn, GoFunc):
        raise FuncError(f"non-function {name} of type {type_name(fn)}")
    params = fn.params
    variadic = bool(params) and params[-1].startswith("...")
    n_in = len(params)
    if variadic:
        if len(args) < n_in - 1:
            raise FuncError(
                f"wrong number of args for {name}: got {len(args)} want at least {n_in - 1}"
            )
    elif len(args) != n_in:
        raise FuncError(f"wrong number of args for {name}: got {len(args)} want {n_in}")
    argv = []
    for i, raw in enumerate(args):
        arg = unwrap(raw)
        ptype = params[i] if (not variadic or i < n_in - 1) else params[-1][3:]
        argv.append(_prepare_arg(arg, ptype, i))
    return invoke(fn, argv)


def _prepare_arg(arg: Any, ptype: str, i: int) -> Any:
    if arg is None:
        if not can_be_nil(ptype):
            raise FuncError(f"arg {i}: value is nil; should be of type {display_type(ptype)}")
        return zero_value(ptype)
    if assignable(arg, ptype):
        return arg
    if kind_of(arg) in (Kind.INT, Kind.UINT) and ptype in ("int", "int64", "uint8"):
        return convert_int(int(arg), ptype)
    raise FuncError(f"arg {i}: value has type {type_name(arg)}; should be {display_type(ptype)}")


def invoke(fn: GoFunc, argv: list[Any]) -> Any:
    """Call a GoFunc's Python implementation, turning a Python failure into a Go error."""
    return fn.fn(*argv)


def _func(name: str, fn: Callable[..., Any], params: tuple[str, ...], returns: str) -> GoFunc:
    return GoFunc(name=name, fn=fn, params=params, returns=returns)


BUILTINS: dict[str, GoFunc] = {
    "and": _func("and", _unreachable, (RV, "..." + RV), RV),
    "or": _func("or", _unreachable, (RV, "..." + RV), RV),
    "call": _func("call", call_value, (RV, "..." + RV), RV),
    "html": _func("html", html_escape, ("...interface{}",), "string"),
    "index": _func("index", index, (RV, "..." + RV), RV),
    "slice": _func("slice", slice_, (RV, "..." + RV), RV),
    "js": _func("js", js_escape, ("...interface{}",), "string"),
    "len": _func("len", length, (RV,), "int"),
    "not": _func("not", not_, (RV,), "bool"),
    "print": _func("print", sprint, ("...interface{}",), "string"),
    "printf": _func("printf", sprintf, ("string", "...interface{}"), "string"),
    "println": _func("println", sprintln, ("...interface{}",), "string"),
    "urlquery": _func("urlquery", urlquery_escape, ("...interface{}",), "string"),
    "eq": _func("eq", eq, (RV, "..." + RV), "bool"),
    "ge": _func("ge", ge, (RV, RV), "bool"),
    "gt": _func("gt", gt, (RV, RV), "bool"),
    "le": _func("le", le, (RV, RV), "bool"),
    "lt": _func("lt", lt, (RV, RV), "bool"),
    "ne": _func("ne", ne, (RV, RV), "bool"),
}
