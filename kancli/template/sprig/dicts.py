"""sprig v2.22's dict functions (``dict.go``): ``dict``, ``set``/``unset`` (which change the map
in place, as Go maps are references), ``merge``/``mergeOverwrite`` with mergo v0.3.12's rules,
``keys``/``values``/``pluck``/``pick``/``omit`` and ``deepCopy``.

Deliberate deviation: Go returns ``keys`` and ``values`` in random map order; kancli returns them in
sorted key order, the one order Go itself shows when it prints a map.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from kancli.template.sprig.goconv import copy_map, is_slice, strval
from kancli.template.sprig.registry import FuncTable, go_panic
from kancli.template.values import GoStruct, NilPointer

__all__ = ["FUNCS", "deep_copy", "mergo_merge"]

FUNCS = FuncTable()
_S = "string"
_ANY = "interface{}"
_MAP = "map[string]interface{}"
_MAPS = "...map[string]interface{}"


@FUNCS.define("dict", ("...interface{}",), _MAP)
def make_dict(*pairs: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for i in range(0, len(pairs), 2):
        key = strval(pairs[i])
        out[key] = pairs[i + 1] if i + 1 < len(pairs) else ""
    return out


@FUNCS.define("set", (_MAP, _S, _ANY), _MAP)
def set_(d: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    d[key] = value
    return d


@FUNCS.define("unset", (_MAP, _S), _MAP)
def unset(d: dict[str, Any], key: str) -> dict[str, Any]:
    d.pop(key, None)
    return d


@FUNCS.define("hasKey", (_MAP, _S), "bool")
def has_key(d: Mapping[str, Any], key: str) -> bool:
    return key in d


@FUNCS.define("pluck", (_S, _MAPS), "[]interface{}")
def pluck(key: str, *dicts: Mapping[str, Any]) -> list[Any]:
    return [d[key] for d in dicts if key in d]


@FUNCS.define("keys", (_MAPS,), "[]string")
def keys(*dicts: Mapping[str, Any]) -> list[str]:
    return [k for d in dicts for k in sorted(d)]


@FUNCS.define("pick", (_MAP, "...string"), _MAP)
def pick(d: Mapping[str, Any], *names: str) -> dict[str, Any]:
    return {k: d[k] for k in names if k in d}


@FUNCS.define("omit", (_MAP, "...string"), _MAP)
def omit(d: Mapping[str, Any], *names: str) -> dict[str, Any]:
    dropped = set(names)
    return {k: v for k, v in d.items() if k not in dropped}


@FUNCS.define("values", (_MAP,), "[]interface{}")
def values(d: Mapping[str, Any]) -> list[Any]:
    return [d[k] for k in sorted(d)]


def _mergo_empty(v: Any) -> bool:
    """mergo's ``isEmptyValue`` on an interface value."""
    if v is None or isinstance(v, NilPointer):
        return True
    if isinstance(v, bool):
        return not v
    if isinstance(v, int | float):
        return v == 0
    if isinstance(v, str | bytes | bytearray | list | tuple | Mapping):
        return len(v) == 0
    return False


def mergo_merge(dst: dict[str, Any], src: Mapping[str, Any], overwrite: bool) -> None:
    """mergo's ``deepMerge`` of two ``map[string]interface{}``, in place.

    Without ``overwrite`` a key is filled only when ``dst`` lacks it or holds an empty value;
    nested maps merge recursively; a nil in ``src`` is copied only with ``overwrite``. With
    ``overwrite`` every non-nil ``src`` value replaces ``dst``'s, except that a non-empty ``dst``
    value is kept when the ``src`` value is a map (nested maps still merge into it).
    """
    for key in sorted(src):
        s = src[key]
        present = key in dst
        d = dst.get(key)
        if s is None:
            if overwrite:
                dst[key] = None
            continue
        if isinstance(s, Mapping) and present and isinstance(d, dict):
            mergo_merge(d, s, overwrite)
        if present and not _mergo_empty(d) and (isinstance(s, Mapping) or is_slice(s)):
            if is_slice(s) and overwrite:
                dst[key] = s
            continue
        if overwrite or not present or _mergo_empty(d):
            dst[key] = s


@FUNCS.define("merge", (_MAP, _MAPS), _ANY)
def merge(dst: dict[str, Any], *srcs: Mapping[str, Any]) -> dict[str, Any]:
    for src in srcs:
        mergo_merge(dst, src, overwrite=False)
    return dst


@FUNCS.define("mergeOverwrite", (_MAP, _MAPS), _ANY)
def merge_overwrite(dst: dict[str, Any], *srcs: Mapping[str, Any]) -> dict[str, Any]:
    for src in srcs:
        mergo_merge(dst, src, overwrite=True)
    return dst


def deep_copy(v: Any) -> Any:
    """copystructure's ``Copy``: maps and slices copied deeply; times and scalars shared."""
    if isinstance(v, Mapping):
        out = copy_map(v)
        for k in out:
            out[k] = deep_copy(out[k])
        return out
    if isinstance(v, list | tuple):
        return [deep_copy(x) for x in v]
    if isinstance(v, bytearray):
        return bytes(v)
    if isinstance(v, GoStruct) and not isinstance(v, datetime):
        return copy.deepcopy(v)
    return v


@FUNCS.define("deepCopy", (_ANY,), _ANY)
def deep_copy_func(v: Any) -> Any:
    if v is None:  # copystructure walks reflect.ValueOf(nil)
        raise go_panic("reflect: call of reflect.Value.Type on zero Value")
    return deep_copy(v)
