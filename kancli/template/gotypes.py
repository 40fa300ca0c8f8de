"""Go's dynamic typing rules, as the template engine applies them to kancli's value model.

Several visible behaviours of Go templates depend on Go types rather than values: truthiness
(``isTrue``), which arguments a function accepts (``wrong type for value; expected int; got
int64``), the type named in errors (``can't evaluate field b in type interface {}``) and how
``eq`` compares. This module answers those questions for the Python values described in
``kancli.template.values``.

One extra wrapper exists only inside the engine: ``Iface`` marks a value read from an
``interface{}`` slot (an element of ``map[string]interface{}`` or ``[]interface{}``) until a
pipeline unwraps it, because Go reports such a value's static type, ``interface {}``, in errors,
and treats a nil stored there as a nil interface rather than as a missing value.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any, Final

from kancli.template import gofmt
from kancli.template.values import GoFunc, GoInt64, GoMap, GoStruct, NilPointer

Uint8 = gofmt.Uint8  # the element type of []byte and of string indexing


class _Missing:
    """Go's ``missingVal``: "no value was piped into this command"."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()


class Iface:
    """A value seen through an ``interface{}``-typed slot (see the module docstring)."""

    __slots__ = ("v",)

    def __init__(self, v: Any) -> None:
        self.v = v

    def __repr__(self) -> str:
        return f"Iface({self.v!r})"


class Kind(enum.Enum):
    """The ``reflect.Kind`` classes the engine distinguishes."""

    INVALID = "invalid"
    BOOL = "bool"
    INT = "int"
    UINT = "uint"
    FLOAT = "float"
    COMPLEX = "complex"
    STRING = "string"
    SLICE = "slice"
    MAP = "map"
    STRUCT = "struct"
    PTR = "ptr"
    FUNC = "func"
    INTERFACE = "interface"


def kind_of(v: Any) -> Kind:
    """The reflect kind of a (possibly ``Iface``-wrapped) value; ``None`` is INVALID."""
    if v is None:
        return Kind.INVALID
    t = type(v)
    if t is str:
        return Kind.STRING
    if t is bool:
        return Kind.BOOL
    if t is Iface:
        return Kind.INTERFACE
    if isinstance(v, Uint8):
        return Kind.UINT
    if isinstance(v, int):
        return Kind.INT
    if isinstance(v, float):
        return Kind.FLOAT
    if isinstance(v, complex):
        return Kind.COMPLEX
    if isinstance(v, str):
        return Kind.STRING
    if isinstance(v, dict):
        return Kind.MAP
    if isinstance(v, list | tuple | bytes | bytearray):
        return Kind.SLICE
    if isinstance(v, GoStruct):
        return Kind.PTR if v.go_type.startswith("*") else Kind.STRUCT
    if isinstance(v, NilPointer):
        return Kind.PTR
    if isinstance(v, datetime):
        return Kind.STRUCT
    if isinstance(v, GoFunc):
        return Kind.FUNC
    return Kind.STRUCT


def type_name(v: Any) -> str:
    """``reflect.Type.String()`` of a value (``Iface`` shows as ``interface {}``)."""
    if type(v) is Iface:
        return "interface {}"
    return gofmt.type_name(v)


def unwrap(v: Any) -> Any:
    """Go's ``indirectInterface``: the concrete value inside an interface (None if nil)."""
    return v.v if type(v) is Iface else v


def indirect(v: Any) -> tuple[Any, bool]:
    """Go's ``indirect``: follow interfaces and pointers; report whether a nil was hit.

    A non-nil pointer to a struct is represented by the struct itself, so only interfaces need
    following; a nil interface comes back as ``Iface(None)`` and a nil pointer as itself.
    """
    while type(v) is Iface:
        if v.v is None:
            return v, True
        v = v.v
    if isinstance(v, NilPointer):
        return v, True
    return v, False


def is_true(v: Any) -> bool:
    """Go's ``isTrue`` on an unwrapped value: empty and zero values are false, structs true."""
    if v is None:
        return False
    t = type(v)
    if t is str or t is list or t is dict:
        return len(v) > 0
    if t is bool:
        return v is True
    if isinstance(v, int | float | complex):
        return v != 0
    if isinstance(v, str | bytes | bytearray | list | tuple | dict):
        return len(v) > 0
    if isinstance(v, NilPointer):
        return False
    if type(v) is Iface:
        return is_true(v.v)
    return True


# -- function parameter types -------------------------------------------------------------------

REFLECT_VALUE = "reflect.Value"
_IFACE_NAMES = frozenset({"interface{}", "interface {}", "any"})


def display_type(param: str) -> str:
    """How Go prints a parameter type: ``interface {}``, ``[]uint8`` for ``[]byte``."""
    if param.startswith("..."):
        param = param[3:]
    return param.replace("interface{}", "interface {}").replace("[]byte", "[]uint8")


def is_iface_type(param: str) -> bool:
    return param in _IFACE_NAMES


def elem_is_iface(m: GoMap) -> bool:
    """Whether a typed map's element type is ``interface{}``."""
    return m.go_type.endswith(("interface {}", "interface{}"))


def can_be_nil(param: str) -> bool:
    """Go's ``canBeNil`` for a parameter type."""
    return (
        param in _IFACE_NAMES
        or param == REFLECT_VALUE
        or param.startswith(("[]", "map[", "*", "func", "chan "))
    )


def zero_value(param: str) -> Any:
    """The value passed for an untyped nil (or a missing value) of a nillable type."""
    if param.startswith("[]byte") or param == "[]uint8":
        return b""
    if param.startswith("[]"):
        return []
    if param.startswith("map["):
        return {}
    return None


def assignable(v: Any, param: str) -> bool:
    """Whether an unwrapped, non-nil value may be passed as ``param`` without conversion."""
    if param in _IFACE_NAMES or param == REFLECT_VALUE:
        return True
    t = type(v)
    if param == "string":
        return isinstance(v, str)
    if param == "int":
        return t is int
    if param == "int64":
        return t is GoInt64
    if param == "float64":
        return isinstance(v, float)
    if param == "bool":
        return t is bool
    if param in ("[]interface{}", "[]interface {}"):
        return isinstance(v, list | tuple)
    if param == "[]string":
        return isinstance(v, list | tuple) and all(isinstance(e, str) for e in v)
    if param in ("map[string]interface{}", "map[string]interface {}"):
        return (isinstance(v, dict) and not isinstance(v, GoMap)) or (
            isinstance(v, GoMap) and elem_is_iface(v)
        )
    if param in ("[]byte", "[]uint8"):
        return isinstance(v, bytes | bytearray)
    if param == "time.Time":
        return isinstance(v, datetime)
    if isinstance(v, GoMap | GoStruct | NilPointer):
        return v.go_type == param
    return True


def int_like(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def convert_int(v: int, param: str) -> Any:
    """Go's conversion between integer types (used by ``call``'s prepareArg)."""
    if param == "int64":
        return GoInt64(v)
    if param == "int":
        return int(v)
    return v
