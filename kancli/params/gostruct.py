"""Declare Go structs once, as frozen dataclasses, and expose them to templates and ``toJson``.

Kanister's template parameters are Go structs: templates reach their fields by Go name
(``.Profile.Credential.KeyPair.ID``) and ``toJson`` marshals them with their json tags
(``Location`` has lowercase tags, ``Profile`` has none). Rather than writing ``go_fields`` and
``go_json`` by hand for every struct, each field is declared once with :func:`gofield`, which
records its Go name, json name and ``omitempty``; :class:`GoDataclass` derives both views from
that declaration. Embedded structs (``v1.Secret`` embeds ``ObjectMeta``) are declared with
``embedded=True``: their fields are promoted, as Go does.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar, dataclass_transform

from kancli.template.values import GoMap, GoStruct, JSONStruct, NilPointer

_GO = "kancli.go"


@dataclasses.dataclass(frozen=True)
class GoFieldInfo:
    """How one dataclass field appears in Go: its name, json key and marshalling rules."""

    go_name: str
    json_name: str | None
    omitempty: bool
    embedded: bool
    inline: bool


def gofield(
    go_name: str,
    *,
    json: str | None = None,
    omitempty: bool = False,
    embedded: bool = False,
    inline: bool = False,
    default: Any = dataclasses.MISSING,
    default_factory: Any = dataclasses.MISSING,
) -> Any:
    """A dataclass field that is also Go field ``go_name``.

    ``json`` is the json tag name (``None``: the Go name, as ``encoding/json`` does without a
    tag); ``inline`` flattens an embedded struct into its parent's JSON object (``json:",inline"``).
    """
    info = GoFieldInfo(go_name, json, omitempty, embedded, inline)
    kwargs: dict[str, Any] = {"metadata": {_GO: info}}
    if default is not dataclasses.MISSING:
        kwargs["default"] = default
    if default_factory is not dataclasses.MISSING:
        kwargs["default_factory"] = default_factory
    return dataclasses.field(**kwargs)


_T = TypeVar("_T")


@dataclass_transform(frozen_default=True, field_specifiers=(gofield, dataclasses.field))
def godataclass(cls: type[_T]) -> type[_T]:
    """Make ``cls`` a frozen dataclass whose :func:`gofield` fields are Go fields."""
    return dataclasses.dataclass(frozen=True)(cls)


class GoDataclass(GoStruct):
    """Base of Go structs declared with :func:`godataclass` and :func:`gofield`."""

    go_type: ClassVar[str] = "struct"

    def _go_items(self) -> list[tuple[GoFieldInfo, Any]]:
        items: list[tuple[GoFieldInfo, Any]] = []
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            info = f.metadata.get(_GO)
            if isinstance(info, GoFieldInfo):
                items.append((info, getattr(self, f.name)))
        return items

    def go_fields(self) -> Mapping[str, Any]:
        # The instance is frozen, so the field view is computed once: templates read fields
        # of the same params for every argument of every phase.
        cached: Mapping[str, Any] | None = self.__dict__.get("_go_fields_cache")
        if cached is not None:
            return cached
        fields: dict[str, Any] = {}
        for info, value in self._go_items():
            if info.embedded and isinstance(value, GoStruct):
                # Go promotes the embedded struct's fields; the embedded struct itself stays
                # reachable under its type name (``.ObjectMeta.Name``).
                fields[info.go_name] = value
                for name, inner in value.go_fields().items():
                    fields.setdefault(name, inner)
            else:
                fields[info.go_name] = value
        self.__dict__["_go_fields_cache"] = fields
        return fields

    def go_json(self) -> Any:
        out = JSONStruct()
        for info, value in self._go_items():
            encoded = to_json_value(value)
            if info.inline and isinstance(encoded, dict):
                out.update(encoded)
                continue
            if info.omitempty and is_json_empty(value):
                continue
            out[info.json_name or info.go_name] = encoded
        return out


def is_json_empty(value: Any) -> bool:
    """``encoding/json``'s omitempty test: false, 0, "", nil, and empty maps/slices/strings.

    Structs are never empty for omitempty (hence ``creationTimestamp: null`` in Kubernetes JSON).
    """
    if value is None or isinstance(value, NilPointer):
        return True
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value == 0
    if isinstance(value, str | bytes | list | tuple | dict):
        return len(value) == 0
    return False


def to_json_value(value: Any) -> Any:
    """Reduce a Go value to what ``encoding/json`` would produce, as plain Python JSON values.

    Structs become ordered :class:`JSONStruct`; maps stay dicts (the marshaller sorts their keys);
    ``[]byte`` becomes standard base64, as Go encodes it; ``time.Time`` RFC 3339 (``null`` for
    the zero ``metav1.Time``).
    """
    if isinstance(value, GoStruct):
        return value.go_json()
    if isinstance(value, NilPointer) or value is None:
        return None
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, dt.datetime):
        if value == ZERO_TIME:
            return None
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, NilMap):
        return None
    if isinstance(value, GoMap):
        return {k: to_json_value(v) for k, v in value.items()}
    if isinstance(value, dict):
        return {str(k): to_json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json_value(v) for v in value]
    return value


class NilMap(GoMap):
    """A nil Go map: reads like an empty map (lookups fail with ``missingkey=error``, ``index``
    gives the zero value, ``len`` is 0) but marshals to ``null`` as Go's nil maps do."""

    __slots__ = ()

    def __init__(self, *, go_type: str, zero: Any) -> None:
        super().__init__(None, go_type=go_type, zero=zero)

    def __setitem__(self, key: str, value: Any) -> None:
        raise TypeError("assignment to entry in nil map")


ZERO_TIME = dt.datetime(1, 1, 1, tzinfo=dt.UTC)
"""Go's zero ``time.Time`` (``0001-01-01 00:00:00 +0000 UTC``)."""
