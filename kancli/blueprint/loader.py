"""Load a Blueprint file into :mod:`kancli.blueprint.model`, with errors that point at the line.

Accepted forms (kanister-behaviour.md section 1.1): a ``kind: Blueprint`` custom resource
(``apiVersion: cr.kanister.io/v1alpha1``, ``metadata``, ``actions`` at the top level: there is no
``spec``), or a bare Blueprint whose top level is ``actions:``. A multi-document file must hold
exactly one Blueprint; other Kubernetes objects in it are ignored with a warning.

Decisions, documented here because Kanister's own behaviour is the reference:

* Unknown fields are **warnings**, not errors. Kanister decodes Blueprints leniently (unknown JSON
  fields are dropped), and old Blueprints carry e.g. the legacy action ``type:``; refusing them
  would be stricter than Kanister. A misspelt field that leaves a required one missing (``Func``
  for ``func``) still fails, through the missing field, with a "did you mean" hint.
* Fields are typed as Kanister's Go structs type them: a ``name: 00`` is an integer in YAML and
  is rejected, as ``kubectl`` would reject it. Phase ``args`` are free-form JSON.
* A null (``key:`` with no value) inside ``args`` is an error: Kanister's renderer panics on it.
  A null for a typed field means "absent", as Go's JSON decoding treats it.
* Duplicate mapping keys are errors: YAML would silently keep the last one.
* Files larger than :data:`MAX_BLUEPRINT_BYTES` are refused (the API server's object limit is
  about 1.5 MiB; this cap only protects kancli from reading something that is not a Blueprint).

Every problem found is collected; :class:`BlueprintLoadError` carries them all and its message is
the first one, so a caller can print one line or all of them.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from kancli.blueprint.builder import API_VERSION, BlueprintBuilder
from kancli.blueprint.model import Blueprint, Problem, SourceLocation
from kancli.blueprint.yamlsource import NodeReader, compose_documents, is_null
from kancli.errors import BlueprintError, UsageError

MAX_BLUEPRINT_BYTES = 10 * 1024 * 1024


class BlueprintLoadError(BlueprintError):
    """The Blueprint could not be loaded; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        errors = [problem for problem in problems if problem.is_error]
        first = errors[0]
        message = first.format()
        if len(errors) > 1:
            message += f" (and {len(errors) - 1} more problems)"
        super().__init__(message, hint=first.hint)
        self.problems = tuple(problems)


def load_blueprint(path: str | os.PathLike[str]) -> Blueprint:
    """Read and load the Blueprint file at ``path``.

    Raises :class:`~kancli.errors.UsageError` when the path cannot be read and
    :class:`BlueprintLoadError` (a :class:`~kancli.errors.BlueprintError`) for bad content.
    """
    return load_blueprint_text(_read_text(Path(path)), source=str(path))


def load_blueprint_text(text: str, *, source: str = "<string>") -> Blueprint:
    """Load a Blueprint from YAML (or JSON) text; ``source`` names it in messages."""
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        documents = compose_documents(text, source)
    except yaml.YAMLError as exc:
        raise BlueprintError(_yaml_error_message(exc, source)) from None
    reader = NodeReader(source, text.splitlines())
    root = _select_document(documents, reader, source)
    blueprint = BlueprintBuilder(reader).blueprint(root)
    if any(problem.is_error for problem in reader.problems):
        raise BlueprintLoadError(reader.problems)
    return blueprint


def _read_text(path: Path) -> str:
    try:
        if path.is_dir():
            raise UsageError(f"{path} is a directory, not a Blueprint file")
        with path.open("rb") as handle:
            data = handle.read(MAX_BLUEPRINT_BYTES + 1)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise UsageError(f"cannot read Blueprint file {path}: {reason}") from None
    if len(data) > MAX_BLUEPRINT_BYTES:
        raise BlueprintError(
            f"{path}: the file is larger than {MAX_BLUEPRINT_BYTES // (1024 * 1024)} MiB, "
            "which no Blueprint is",
            hint="Kubernetes stores objects up to about 1.5 MiB; check that this is a Blueprint",
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise BlueprintError(
            f"{path}:{line}:{column}: the file is not valid UTF-8 (byte 0x{data[exc.start]:02x})",
            hint="Blueprints are YAML, which kancli reads as UTF-8",
        ) from None


def _yaml_error_message(exc: yaml.YAMLError, source: str) -> str:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    detail = f"{problem} ({context})" if context else problem
    if mark is None:
        return f"{source}: invalid YAML: {detail}"
    return f"{source}:{mark.line + 1}:{mark.column + 1}: invalid YAML: {detail}"


def _select_document(documents: list[yaml.Node], reader: NodeReader, source: str) -> yaml.Node:
    non_empty = [doc for doc in documents if not is_null(doc)]
    if not non_empty:
        raise BlueprintError(f"{source}: the file is empty (no YAML document)")
    candidates = []
    for doc in non_empty:
        kind = _shallow_scalar(doc, "kind")
        if kind == "Blueprint" or (kind is None and _has_key(doc, "actions")):
            candidates.append(doc)
        elif len(non_empty) > 1:
            what = f"kind: {kind}" if kind else "no kind"
            reader.warn(doc, "", f"document ({what}) is not a Blueprint and is ignored")
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        if len(non_empty) == 1:
            doc = non_empty[0]
            found = _describe(doc)
            raise BlueprintLoadError(
                [
                    Problem(
                        reader.location(doc),
                        "",
                        f"not a Blueprint: expected a mapping with `actions:`, found {found}",
                        hint="a Blueprint has `kind: Blueprint` or a top-level `actions:` map",
                    )
                ]
            )
        raise BlueprintError(f"{source}: no Blueprint among the {len(non_empty)} documents")
    lines = ", ".join(str(reader.location(doc).line) for doc in candidates)
    raise BlueprintError(
        f"{source}: {len(candidates)} Blueprints in one file (at lines {lines})",
        hint="kancli loads one Blueprint per file; split the file",
    )


def _has_key(node: yaml.Node, key: str) -> bool:
    return isinstance(node, yaml.MappingNode) and any(
        isinstance(k, yaml.ScalarNode) and k.value == key for k, _ in node.value
    )


def _shallow_scalar(node: yaml.Node, key: str) -> str | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return str(v.value) if isinstance(v, yaml.ScalarNode) else "<not a string>"
    return None


def _describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping without `actions:`"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return f"the value {str(node.value)[:40]!r}"


__all__ = [
    "API_VERSION",
    "MAX_BLUEPRINT_BYTES",
    "BlueprintLoadError",
    "SourceLocation",
    "load_blueprint",
    "load_blueprint_text",
]
