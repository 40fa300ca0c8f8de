"""Parsing of the subject, params and timeout options shared by ``run``, ``func`` and ``render``.

The forms follow kanctl where it has one (``NS/NAME``, ``k=v``, ``group/version/resource/ns/name``)
so that commands carry over; every parse error is a :class:`UsageError` naming the option.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from kancli.errors import UsageError

_DURATION = re.compile(r"(\d+(?:\.\d+)?)(h|m|s|ms)")


def parse_duration(text: str, option: str) -> float:
    """Seconds from ``90``, ``30s``, ``5m``, ``1h30m`` or ``250ms`` (Go's duration syntax)."""
    value = text.strip()
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    pos, total = 0, 0.0
    for match in _DURATION.finditer(value):
        if match.start() != pos:
            break
        number, unit = float(match.group(1)), match.group(2)
        total += number * {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}[unit]
        pos = match.end()
    if pos != len(value) or not value:
        raise UsageError(f"{option}: invalid duration {text!r} (use e.g. 30s, 5m, 1h30m)")
    return total


def parse_ref(text: str, option: str, default_namespace: str) -> tuple[str, str]:
    """``NS/NAME`` or ``NAME`` (in ``default_namespace``)."""
    parts = text.split("/")
    if len(parts) == 1 and parts[0]:
        return default_namespace, parts[0]
    if len(parts) == 2 and all(parts):
        return parts[0], parts[1]
    raise UsageError(f"{option}: expected NAMESPACE/NAME or NAME, got {text!r}")


def parse_pairs(values: Iterable[str], option: str) -> dict[str, str]:
    """Repeated ``key=value`` (one ``=`` splits; the value may contain more)."""
    out: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"{option}: expected KEY=VALUE, got {item!r}")
        out[key] = value
    return out


def parse_named_refs(
    values: Iterable[str], option: str, default_namespace: str
) -> dict[str, tuple[str, str]]:
    """Repeated ``NAME=NS/OBJECT`` (``--secrets``, ``--config-maps``)."""
    return {
        key: parse_ref(ref, option, default_namespace)
        for key, ref in parse_pairs(values, option).items()
    }


def parse_object(text: str, default_namespace: str) -> tuple[str, str, str, str, str]:
    """``--object``: ``GROUP/VERSION/RESOURCE/NS/NAME``, ``VERSION/RESOURCE/NS/NAME`` (core
    group) or ``G/V/R NS/NAME``; returns (group, version, resource, namespace, name)."""
    parts = [p for p in re.split(r"[\s/]+", text.strip())]
    if len(parts) == 4:
        parts.insert(0, "")
    if len(parts) == 3:  # version/resource/name: core group, default namespace
        parts = ["", parts[0], parts[1], default_namespace, parts[2]]
    if len(parts) != 5 or not all(parts[1:]):
        raise UsageError(
            f"--object: expected GROUP/VERSION/RESOURCE/NAMESPACE/NAME "
            f"(core group: VERSION/RESOURCE/NAMESPACE/NAME), got {text!r}"
        )
    group, version, resource, namespace, name = parts
    return group, version, resource, namespace, name


def parse_artifacts(values: Iterable[str], files: Iterable[Path]) -> dict[str, dict[str, str]]:
    """``--artifact NAME.KEY=VALUE`` and ``--artifacts-file F`` (YAML/JSON: ``{NAME: {keyValue:
    {KEY: VALUE}, kopiaSnapshot: ...}}`` or ``{NAME: {KEY: VALUE}}``)."""
    out: dict[str, dict[str, str]] = {}
    for path in files:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise UsageError(f"--artifacts-file {path}: {exc}") from None
        if not isinstance(data, Mapping):
            raise UsageError(f"--artifacts-file {path}: expected a map of artifact names")
        for name, body in data.items():
            out.setdefault(str(name), {}).update(_artifact_body(body, f"{path}: {name}"))
    for item in values:
        target, sep, value = item.partition("=")
        name, dot, key = target.partition(".")
        if not sep or not dot or not name or not key:
            raise UsageError(f"--artifact: expected NAME.KEY=VALUE, got {item!r}")
        out.setdefault(name, {})[key] = value
    return out


def _artifact_body(body: Any, where: str) -> dict[str, str]:
    if not isinstance(body, Mapping):
        raise UsageError(f"--artifacts-file {where}: expected a map")
    if "keyValue" in body or "kopiaSnapshot" in body:
        flat = {str(k): str(v) for k, v in (body.get("keyValue") or {}).items()}
        if body.get("kopiaSnapshot"):
            flat["kopiaSnapshot"] = str(body["kopiaSnapshot"])
        return flat
    return {str(k): str(v) for k, v in body.items()}


def parse_arg_value(text: str) -> Any:
    """``--arg key=value`` values: YAML scalars and flow collections (``2``, ``true``,
    ``["sh","-c","echo hi"]``); anything that does not parse is the plain string."""
    try:
        return yaml.safe_load(text) if text.strip() else text
    except yaml.YAMLError:
        return text
