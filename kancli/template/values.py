"""How Go values are represented in Python for the template engine and its functions.

Kanister renders templates over Go values (structs, typed maps, byte slices, typed nil pointers),
and several visible behaviours depend on the Go type: a missing key in ``map[string]string`` indexes
to ``""`` while one in ``map[string]interface{}`` gives ``<no value>``; ``[]byte`` prints as a list
of numbers; a nil ``*param.DeploymentParams`` fails with "nil pointer evaluating ...". This module
is the contract between the engine (``kancli.template``), the sprig functions and the parameter
model (``kancli.params``):

============================  ===============================================================
Go                            Python
============================  ===============================================================
nil interface                 ``None``
bool, string                  ``bool``, ``str``
int, int64, ...               ``int`` (``GoInt64`` where the int64 type must show, e.g. from
                              unstructured JSON and sprig arithmetic)
float64                       ``float``
[]byte                        ``bytes``
[]T, []interface{}            ``list`` (``tuple`` is accepted as read-only)
map[string]interface{}        ``dict``
map[string]T (typed)          ``GoMap`` (carries the zero value of T and the type's name)
struct / *struct              a ``GoStruct`` subclass
typed nil pointer             ``NilPointer("*param.DeploymentParams")``
time.Time                     an aware ``datetime.datetime``
function value                ``GoFunc``
============================  ===============================================================
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar


class GoInt64(int):
    """An int whose Go type is ``int64`` (``typeOf`` and ``printf "%T"`` show it)."""

    __slots__ = ()


class GoMap(dict[str, Any]):
    """A typed Go map with string keys, e.g. ``map[string]string``.

    ``zero`` is what ``index`` returns for a missing key (Go returns the element type's zero value).
    """

    __slots__ = ("go_type", "zero")

    def __init__(self, items: Mapping[str, Any] | None = None, *, go_type: str, zero: Any) -> None:
        super().__init__(items or {})
        self.go_type = go_type
        self.zero = zero


def string_map(items: Mapping[str, str] | None = None) -> GoMap:
    """``map[string]string``: missing keys index to ``""``."""
    return GoMap(items, go_type="map[string]string", zero="")


def bytes_map(items: Mapping[str, bytes] | None = None) -> GoMap:
    """``map[string][]byte`` (Secret data): missing keys index to a nil byte slice."""
    return GoMap(items, go_type="map[string][]uint8", zero=b"")


class GoStruct:
    """Base of every Go struct exposed to templates.

    Subclasses set ``go_type`` (the name Go would print in errors, e.g. ``*param.Profile``) and
    implement ``go_fields`` returning the exported fields by their Go names, in declaration order
    (embedded structs' fields promoted, as Go does). ``go_json`` returns what ``encoding/json``
    would marshal: a ``JSONStruct`` for the struct itself (field order kept, json tag names used).
    """

    go_type: ClassVar[str] = "struct"

    def go_fields(self) -> Mapping[str, Any]:
        raise NotImplementedError

    def go_json(self) -> Any:
        return JSONStruct(self.go_fields())


class JSONStruct(dict[str, Any]):
    """A JSON object whose key order is kept when marshalled (Go structs marshal in field order;
    plain dicts and GoMaps marshal with sorted keys, as Go's maps do)."""

    __slots__ = ()


@dataclass(frozen=True)
class NilPointer:
    """A typed nil pointer such as ``(*param.DeploymentParams)(nil)``: false in ``if``, prints
    ``<nil>``, marshals to ``null``, and any field access fails with
    ``nil pointer evaluating *param.DeploymentParams.Name``."""

    go_type: str

    def __bool__(self) -> bool:
        return False


@dataclass(frozen=True)
class GoFunc:
    """A function callable from templates, with its Go signature.

    ``params`` are Go type names checked and converted by the engine the way Go's
    ``text/template`` does when it calls a function: ``"string"``, ``"int"``, ``"int64"``,
    ``"float64"``, ``"bool"``, ``"interface{}"``, ``"[]interface{}"``, ``"[]string"``,
    ``"map[string]interface{}"``, ``"time.Time"``, ``"[]byte"``; a final ``"...T"`` makes it
    variadic. ``returns_error`` mirrors a Go ``(T, error)`` result: the Python function then signals
    the error by raising ``FuncError``.
    """

    name: str
    fn: Callable[..., Any]
    params: tuple[str, ...]
    returns: str = "interface{}"
    returns_error: bool = False


class FuncError(Exception):
    """Raised by a template function to return a Go ``error``; the engine reports it as
    ``error calling NAME: <message>``."""


def iter_sorted_items(m: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """Go visits map entries in sorted key order wherever order is observable (range, printing)."""
    for k in sorted(m):
        yield k, m[k]
