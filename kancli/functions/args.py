"""Argument declarations of Kanister Functions, and the coercion of rendered args into them.

Each function declares its arguments once, as a frozen, keyword-only dataclass whose fields are
made with :func:`arg`: wire key (``podOverride``), Python type (from the annotation), default (no
default means required) and help text. Everything else is derived from that declaration: the
supported and required argument sets, ``kancli functions describe`` and the generated reference.

:func:`decode_args` turns the rendered args of a phase into an instance of the declaration the
way Kanister does (kanister-behaviour.md sections 3.3, 3.8 and 7.3): unsupported arguments are
rejected first (``argument x is not supported``), then required ones checked in declaration order
(``Required arg missing: x``), then each value weakly decoded (``Failed to decode arg `x`: ...``,
see :mod:`kancli.functions.weak`).

Annotation to decoding: ``str``, ``int``, ``bool``, ``tuple[T, ...]`` (a Go slice),
``Mapping[str, str]`` (``map[string]string``), ``Mapping[str, Any]`` (a JSON map), a dataclass
made with :func:`go_field` fields (a Go struct), ``Any`` (``interface{}``), each optionally
``| None``. A field may give an explicit :class:`ArgType` with ``kind=`` when Kanister reads the
argument in its own way (ScaleWorkload's ``replicas``, the RDS functions' YAML lists).
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Union

from kancli.errors import BlueprintError
from kancli.functions import weak
from kancli.functions.weak import DecodeError

_ARG_META = "kancli.arg"
_GO_META = "kancli.go"


class ArgumentError(BlueprintError):
    """A phase's rendered args do not fit its function's declaration (Kanister's wording)."""


class ArgType:
    """How one argument is decoded and documented."""

    go_type = "interface {}"
    doc = "any value"

    def decode(self, value: Any, name: str) -> Any:
        return value

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.go_type})"


class AnyArg(ArgType):
    """``interface{}``: the value as rendered."""


class StringArg(ArgType):
    def __init__(self, go_type: str = "string") -> None:
        self.go_type = go_type
        self.doc = "string"

    def decode(self, value: Any, name: str) -> str:
        return weak.decode_string(value, name, self.go_type)


class IntArg(ArgType):
    go_type = "int"
    doc = "integer"

    def decode(self, value: Any, name: str) -> int:
        return weak.decode_int(value, name, self.go_type)


class BoolArg(ArgType):
    go_type = "bool"
    doc = "boolean"

    def decode(self, value: Any, name: str) -> bool:
        return weak.decode_bool(value, name)


class ListArg(ArgType):
    """A Go slice: a single value becomes a one-element list."""

    def __init__(self, item: ArgType) -> None:
        self.item = item
        self.go_type = f"[]{item.go_type}"
        self.doc = f"list of {item.doc}s" if isinstance(item, StringArg) else f"list of {item.doc}"

    def decode(self, value: Any, name: str) -> tuple[Any, ...] | None:
        items = weak.as_list(value)
        if items is None:
            return None
        named = [(f"{name}[{index}]", item) for index, item in enumerate(items)]
        return tuple(weak.collect(named, self.item.decode))


class MapArg(ArgType):
    """``map[string]T``; a list of maps is merged."""

    def __init__(self, item: ArgType) -> None:
        self.item = item
        self.go_type = f"map[string]{item.go_type}"
        self.doc = f"map of string to {item.doc}"

    def decode(self, value: Any, name: str) -> dict[str, Any] | None:
        entries = weak.map_entries(value, name)
        if entries is None:
            return None
        keys = weak.collect([(f"{name}[{k}]", k) for k, _ in entries], weak.decode_string)
        named = [(f"{name}[{k}]", v) for k, v in entries]
        return dict(zip(keys, weak.collect(named, self.item.decode), strict=True))


class JSONMapArg(MapArg):
    """``map[string]interface{}`` (Kanister's JSONMap): values kept as rendered."""

    def __init__(self) -> None:
        super().__init__(AnyArg())
        self.go_type = "map[string]interface {}"
        self.doc = "object"


class StructArg(ArgType):
    """A Go struct, declared as a frozen dataclass whose fields are made with :func:`go_field`."""

    def __init__(self, cls: type[Any]) -> None:
        self.cls = cls
        self.go_type = getattr(cls, "go_type", cls.__name__)
        self.doc = "object"

    @functools.cached_property
    def fields(self) -> tuple[tuple[str, str, ArgType], ...]:
        hints = typing.get_type_hints(self.cls)
        return tuple(
            (f.name, f.metadata[_GO_META], arg_type_for(hints[f.name]))
            for f in dataclasses.fields(self.cls)
        )

    def decode(self, value: Any, name: str) -> Any:
        if isinstance(value, self.cls):
            return value
        found = weak.struct_fields(value, name, [go for _, go, _ in self.fields])
        values = {}
        errors: list[str] = []
        for attr, go_name, kind in self.fields:
            if go_name in found:
                try:
                    values[attr] = kind.decode(found[go_name], f"{name}.{go_name}".lstrip("."))
                except DecodeError as exc:
                    errors.extend(exc.errors)
        if errors:
            raise DecodeError(errors, multi=True)
        return self.cls(**values)


def go_field(go_name: str, default: Any = dataclasses.MISSING) -> Any:
    """A field of a Go-struct argument value (see :class:`StructArg`), matched by ``go_name``."""
    if isinstance(default, (list, dict)):
        raise TypeError("use a tuple or None as the default of a struct field")
    return dataclasses.field(default=default, metadata={_GO_META: go_name})


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()


@dataclass(frozen=True)
class _ArgMeta:
    key: str
    help: str
    default_doc: str | None
    kind: ArgType | None


@dataclass(frozen=True)
class ArgSpec:
    """One declared argument of a Kanister Function."""

    key: str
    attr: str
    kind: ArgType
    required: bool
    default: Any
    help: str
    default_doc: str | None = None

    @property
    def default_text(self) -> str:
        """The default as the docs show it (``""`` when required)."""
        if self.required:
            return ""
        if self.default_doc is not None:
            return self.default_doc
        if self.default is None:
            return "none"
        if isinstance(self.default, bool):
            return "true" if self.default else "false"
        if isinstance(self.default, str):
            return f'"{self.default}"'
        if isinstance(self.default, tuple):
            return "[" + ", ".join(str(item) for item in self.default) + "]"
        return str(self.default)


def arg(
    key: str,
    *,
    help: str,
    default: Any = REQUIRED,
    default_doc: str | None = None,
    kind: ArgType | None = None,
) -> Any:
    """Declare an argument field: wire ``key``, ``help`` text, ``default`` (absent: required).

    ``default_doc`` describes a default computed at run time (e.g. "the target's namespace");
    ``kind`` overrides the decoding derived from the field's annotation.
    """
    if isinstance(default, (list, dict)):
        raise TypeError(f"argument {key}: use a tuple or None as default, not a mutable value")
    metadata = {_ARG_META: _ArgMeta(key, help, default_doc, kind)}
    if default is REQUIRED:
        return dataclasses.field(metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def arg_type_for(annotation: Any) -> ArgType:
    """The :class:`ArgType` a field annotation stands for."""
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType):
        inner = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(inner) == 1:
            return arg_type_for(inner[0])
    if annotation is str:
        return StringArg()
    if annotation is bool:
        return BoolArg()
    if annotation is int:
        return IntArg()
    if annotation is Any:
        return AnyArg()
    if origin is tuple:
        item, *rest = typing.get_args(annotation)
        if rest == [Ellipsis]:
            return ListArg(arg_type_for(item))
    if origin in (Mapping, dict, typing.Mapping):
        key_type, value_type = typing.get_args(annotation)
        if key_type is str and value_type is Any:
            return JSONMapArg()
        if key_type is str:
            return MapArg(arg_type_for(value_type))
    if isinstance(annotation, type) and dataclasses.is_dataclass(annotation):
        return StructArg(annotation)
    raise TypeError(f"no argument decoding for annotation {annotation!r}")


_SPECS: dict[type[Any], tuple[ArgSpec, ...]] = {}


def arg_specs(args_type: type[Any]) -> tuple[ArgSpec, ...]:
    """The declared arguments of ``args_type``, in declaration order (computed once)."""
    cached = _SPECS.get(args_type)
    if cached is None:
        cached = _SPECS[args_type] = _derive_specs(args_type)
    return cached


def _derive_specs(args_type: type[Any]) -> tuple[ArgSpec, ...]:
    if not dataclasses.is_dataclass(args_type):
        raise TypeError(f"{args_type!r} is not a dataclass of arguments")
    hints = typing.get_type_hints(args_type)
    specs = []
    for f in dataclasses.fields(args_type):
        meta = f.metadata.get(_ARG_META)
        if not isinstance(meta, _ArgMeta):
            raise TypeError(f"{args_type.__qualname__}.{f.name} is not declared with arg()")
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        kind = meta.kind or arg_type_for(hints[f.name])
        default = None if required else f.default
        specs.append(
            ArgSpec(meta.key, f.name, kind, required, default, meta.help, meta.default_doc)
        )
    keys = [spec.key for spec in specs]
    if len(set(keys)) != len(keys):
        raise TypeError(f"{args_type.__qualname__} declares a wire key twice")
    return tuple(specs)


def check_supported_args(supported: tuple[str, ...], args: Mapping[str, Any]) -> None:
    """Kanister's ``CheckSupportedArgs``: the first unknown key fails."""
    for key in args:
        if key not in supported:
            raise ArgumentError(f"argument {key} is not supported")


def check_required_args(required: tuple[str, ...], args: Mapping[str, Any]) -> None:
    """Kanister's ``CheckRequiredArgs``: the first missing key, in declaration order, fails."""
    for key in required:
        if key not in args:
            raise ArgumentError(f"Required arg missing: {key}")


def decode_args(args_type: type[Any], rendered: Mapping[str, Any]) -> Any:
    """Check and weakly decode rendered args into an ``args_type`` instance."""
    specs = arg_specs(args_type)
    check_supported_args(tuple(s.key for s in specs), rendered)
    check_required_args(tuple(s.key for s in specs if s.required), rendered)
    values = {}
    for spec in specs:
        if spec.key not in rendered:
            continue
        try:
            values[spec.attr] = spec.kind.decode(rendered[spec.key], "")
        except DecodeError as exc:
            if exc.bare:
                raise ArgumentError(exc.text()) from None
            raise ArgumentError(f"Failed to decode arg `{spec.key}`: {exc.text()}") from None
    return args_type(**values)
