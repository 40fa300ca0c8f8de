"""sprig v2.22's string functions (``strings.go`` and the string entries of ``functions.go``).

The functions Blueprints use most (``toString``, ``quote``, ``upper``/``lower``, ``replace``,
``trim*``, ``split*``, ``join``) and the rest of the set, with sprig's argument order (the piped
value last: ``"foo" | contains "o"``) and its quirks: ``split`` returns a map keyed ``_0``, ``_1``;
``trunc``/``substr`` slice bytes and panic out of range; ``quote`` and ``squote`` skip nil.
"""

from __future__ import annotations

from typing import Any

from kancli.template.gofmt import format_value, quote
from kancli.template.sprig.goconv import is_slice, slice_items, strval
from kancli.template.sprig.gostrings import GO_SPACE, byte_slice, go_split, to_lower, to_upper
from kancli.template.sprig.registry import FuncTable, go_panic
from kancli.template.values import GoMap, string_map

__all__ = ["FUNCS", "strslice"]

FUNCS = FuncTable()
_S = "string"
_I = "int"
_ANY = "interface{}"


@FUNCS.define("hello", (), _S)
def hello() -> str:
    return "Hello!"


@FUNCS.define("trim", (_S,), _S)
def trim(s: str) -> str:
    return s.strip(GO_SPACE)


@FUNCS.define("upper", (_S,), _S)
def upper(s: str) -> str:
    return to_upper(s)


@FUNCS.define("lower", (_S,), _S)
def lower(s: str) -> str:
    return to_lower(s)


def _repeat(s: str, count: int) -> str:
    if count < 0:
        raise go_panic("strings: negative Repeat count")
    return s * count


@FUNCS.define("repeat", (_I, _S), _S)
def repeat(count: int, s: str) -> str:
    return _repeat(s, count)


def _trim_all(cutset: str, s: str) -> str:
    return s.strip(cutset) if cutset else s


FUNCS.define("trimall", (_S, _S), _S)(_trim_all)
FUNCS.define("trimAll", (_S, _S), _S)(_trim_all)


@FUNCS.define("trimSuffix", (_S, _S), _S)
def trim_suffix(suffix: str, s: str) -> str:
    return s.removesuffix(suffix)


@FUNCS.define("trimPrefix", (_S, _S), _S)
def trim_prefix(prefix: str, s: str) -> str:
    return s.removeprefix(prefix)


@FUNCS.define("contains", (_S, _S), "bool")
def contains(substr: str, s: str) -> bool:
    return substr in s


@FUNCS.define("hasPrefix", (_S, _S), "bool")
def has_prefix(prefix: str, s: str) -> bool:
    return s.startswith(prefix)


@FUNCS.define("hasSuffix", (_S, _S), "bool")
def has_suffix(suffix: str, s: str) -> bool:
    return s.endswith(suffix)


@FUNCS.define("quote", ("...interface{}",), _S)
def quote_all(*values: Any) -> str:
    return " ".join(quote(strval(v)) for v in values if v is not None)


@FUNCS.define("squote", ("...interface{}",), _S)
def squote(*values: Any) -> str:
    return " ".join(f"'{format_value(v)}'" for v in values if v is not None)


@FUNCS.define("cat", ("...interface{}",), _S)
def cat(*values: Any) -> str:
    return " ".join(format_value(v) for v in values if v is not None)


@FUNCS.define("indent", (_I, _S), _S)
def indent(spaces: int, s: str) -> str:
    pad = _repeat(" ", spaces)
    return pad + s.replace("\n", "\n" + pad)


@FUNCS.define("nindent", (_I, _S), _S)
def nindent(spaces: int, s: str) -> str:
    return "\n" + indent(spaces, s)


@FUNCS.define("replace", (_S, _S, _S), _S)
def replace(old: str, new: str, src: str) -> str:
    return src.replace(old, new)


@FUNCS.define("plural", (_S, _S, _I), _S)
def plural(one: str, many: str, count: int) -> str:
    return one if count == 1 else many


@FUNCS.define("toString", (_ANY,), _S)
def to_string(v: Any) -> str:
    return strval(v)


@FUNCS.define("trunc", (_I, _S), _S)
def trunc(c: int, s: str) -> str:
    if len(s.encode("utf-8", "surrogatepass")) <= c:
        return s
    return byte_slice(s, None, c)


@FUNCS.define("substr", (_I, _I, _S), _S)
def substr(start: int, end: int, s: str) -> str:
    if start < 0:
        return byte_slice(s, None, end)
    if end < 0 or end > len(s.encode("utf-8", "surrogatepass")):
        return byte_slice(s, start, None)
    return byte_slice(s, start, end)


def _index_map(parts: list[str]) -> GoMap:
    return string_map({f"_{i}": part for i, part in enumerate(parts)})


@FUNCS.define("split", (_S, _S), "map[string]string")
def split(sep: str, orig: str) -> GoMap:
    return _index_map(go_split(orig, sep))


@FUNCS.define("splitn", (_S, _I, _S), "map[string]string")
def splitn(sep: str, n: int, orig: str) -> GoMap:
    return _index_map(go_split(orig, sep, n))


@FUNCS.define("splitList", (_S, _S), "[]string")
def split_list(sep: str, orig: str) -> list[str]:
    return go_split(orig, sep)


def strslice(v: Any) -> list[str]:
    """sprig's ``strslice``: a slice's non-nil elements as strings; nil gives []; else [v]."""
    if is_slice(v):
        return [strval(x) for x in slice_items(v) if x is not None]
    if v is None:
        return []
    return [strval(v)]


@FUNCS.define("toStrings", (_ANY,), "[]string")
def to_strings(v: Any) -> list[str]:
    return strslice(v)


@FUNCS.define("join", (_S, _ANY), _S)
def join(sep: str, v: Any) -> str:
    return sep.join(strslice(v))


@FUNCS.define("sortAlpha", (_ANY,), "[]string")
def sort_alpha(v: Any) -> list[str]:
    if is_slice(v):
        return sorted(strslice(v), key=lambda s: s.encode("utf-8", "surrogatepass"))
    return [strval(v)]
