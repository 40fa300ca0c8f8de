"""Read a YAML or JSON file given on the command line, turning every way it can be bad into one
:class:`~kancli.errors.UsageError` line (missing, a directory, too large, not UTF-8, bad syntax).

Shared by the params-file loader and the CLI so that all input files fail the same way. YAML is
read with PyYAML's safe loader minus timestamp resolution: Kubernetes decodes YAML through JSON,
so an unquoted ``2026-01-02T03:04:05Z`` is a string there, and must stay one here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from kancli.errors import UsageError

MAX_INPUT_BYTES = 4 * 1024 * 1024
"""Input files larger than this are refused: a Kubernetes object (a Blueprint, a Secret) cannot
exceed about 1.5 MiB in etcd, so a larger file is not what the user meant to pass."""


class _Loader(yaml.SafeLoader):
    """Safe loader that keeps timestamps as strings (as Kubernetes' YAML-to-JSON decoding does)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_input_text(path: Path, what: str, *, max_bytes: int = MAX_INPUT_BYTES) -> str:
    """The UTF-8 text of ``path``; ``what`` names the file's role in errors ("params file")."""
    try:
        if path.is_dir():
            raise UsageError(f"{path}: is a directory, not a {what}")
        size = path.stat().st_size
        if size > max_bytes:
            raise UsageError(
                f"{path}: {what} is too large ({size / 1048576:.1f} MiB; "
                f"the limit is {max_bytes // 1048576} MiB)"
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{path}: no such {what}") from None
    except PermissionError:
        raise UsageError(f"{path}: permission denied reading the {what}") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the {what}: {exc.strerror or exc}") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UsageError(
            f"{path}:{line}: {what} is not UTF-8 text (byte 0x{raw[exc.start]:02x} "
            f"at offset {exc.start})"
        ) from None


def parse_yaml_or_json(text: str, source: str) -> Any:
    """Parse ``text`` as JSON when ``source`` ends in ``.json``, else as YAML (one document).

    Errors name ``source`` with the line and column of the problem.
    """
    if source.endswith(".json"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise UsageError(
                f"{source}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}"
            ) from None
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
        parts = [part for part in (exc.context, exc.problem) if part]
        raise UsageError(f"{where}: invalid YAML: {', '.join(parts) or 'syntax error'}") from None
    except yaml.YAMLError as exc:
        raise UsageError(f"{source}: invalid YAML: {exc}") from None


def load_yaml_or_json_file(path: Path, what: str) -> Any:
    """Read and parse ``path`` (see :func:`read_input_text` and :func:`parse_yaml_or_json`)."""
    return parse_yaml_or_json(read_input_text(path, what), str(path))
