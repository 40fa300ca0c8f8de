"""sprig v2.22's list functions (``list.go``) and ``until``/``untilStep`` (``numeric.go``).

They accept any slice (``[]interface{}``, ``[]string``, ``[]byte``), return new
``[]interface{}`` slices without touching their input, compare elements with
``reflect.DeepEqual``, and panic on a non-slice with sprig's own message
(``Cannot push on type string``), which the engine reports as ``error calling push: ...``.
"""

from __future__ import annotations

from typing import Any

from kancli.template.sprig.goconv import deep_equal, empty, require_slice, to_int
from kancli.template.sprig.registry import NIL_DEREF, FuncTable, go_panic

__all__ = ["FUNCS"]

FUNCS = FuncTable()
_ANY = "interface{}"
_LIST = "[]interface{}"


@FUNCS.define("list", ("...interface{}",), _LIST)
def make_list(*values: Any) -> list[Any]:
    return list(values)


FUNCS.define("tuple", ("...interface{}",), _LIST)(make_list)


def _push(seq: Any, v: Any) -> list[Any]:
    return [*require_slice(seq, "Cannot push on type %s"), v]


FUNCS.define("append", (_ANY, _ANY), _LIST)(_push)
FUNCS.define("push", (_ANY, _ANY), _LIST)(_push)


@FUNCS.define("prepend", (_ANY, _ANY), _LIST)
def prepend(seq: Any, v: Any) -> list[Any]:
    return [v, *require_slice(seq, "Cannot prepend on type %s")]


@FUNCS.define("first", (_ANY,), _ANY)
def first(seq: Any) -> Any:
    items = require_slice(seq, "Cannot find first on type %s")
    return items[0] if items else None


@FUNCS.define("last", (_ANY,), _ANY)
def last(seq: Any) -> Any:
    items = require_slice(seq, "Cannot find last on type %s")
    return items[-1] if items else None


@FUNCS.define("rest", (_ANY,), _LIST)
def rest(seq: Any) -> list[Any]:
    # An empty input gives a nil slice in Go; it prints and ranges exactly like [].
    return require_slice(seq, "Cannot find rest on type %s")[1:]


@FUNCS.define("initial", (_ANY,), _LIST)
def initial(seq: Any) -> list[Any]:
    return require_slice(seq, "Cannot find initial on type %s")[:-1]


@FUNCS.define("reverse", (_ANY,), _LIST)
def reverse(seq: Any) -> list[Any]:
    return require_slice(seq, "Cannot find reverse on type %s")[::-1]


@FUNCS.define("compact", (_ANY,), _LIST)
def compact(seq: Any) -> list[Any]:
    return [x for x in require_slice(seq, "Cannot compact on type %s") if not empty(x)]


def _contains(haystack: list[Any], needle: Any) -> bool:
    return any(deep_equal(needle, h) for h in haystack)


@FUNCS.define("uniq", (_ANY,), _LIST)
def uniq(seq: Any) -> list[Any]:
    out: list[Any] = []
    for item in require_slice(seq, "Cannot find uniq on type %s"):
        if not _contains(out, item):
            out.append(item)
    return out


@FUNCS.define("without", (_ANY, "...interface{}"), _LIST)
def without(seq: Any, *omit: Any) -> list[Any]:
    items = require_slice(seq, "Cannot find without on type %s")
    return [x for x in items if not _contains(list(omit), x)]


@FUNCS.define("has", (_ANY, _ANY), "bool")
def has(needle: Any, haystack: Any) -> bool:
    if haystack is None:
        return False
    return _contains(require_slice(haystack, "Cannot find has on type %s"), needle)


@FUNCS.define("slice", (_ANY, "...interface{}"), _ANY)
def slice_(seq: Any, *indices: Any) -> Any:
    items = require_slice(seq, "list should be type of slice or array but %s")
    length = len(items)
    if length == 0:
        return None
    start = to_int(indices[0]) if indices else 0
    end = to_int(indices[1]) if len(indices) >= 2 else length
    if start < 0 or end < start or end > length:
        raise go_panic("reflect.Value.Slice: slice index out of bounds")
    out = items[start:end]
    if isinstance(seq, bytes | bytearray):
        return bytes(int(b) for b in out)
    return out


@FUNCS.define("concat", ("...interface{}",), _ANY)
def concat(*lists: Any) -> list[Any]:
    out: list[Any] = []
    for seq in lists:
        if seq is None:
            raise go_panic(NIL_DEREF)
        out += require_slice(seq, "Cannot concat type %s as list")
    return out


@FUNCS.define("until", ("int",), "[]int")
def until(count: int) -> list[int]:
    return until_step(0, count, 1 if count >= 0 else -1)


@FUNCS.define("untilStep", ("int", "int", "int"), "[]int")
def until_step(start: int, stop: int, step: int) -> list[int]:
    if stop < start:
        return list(range(start, stop, step)) if step < 0 else []
    return list(range(start, stop, step)) if step > 0 else []
