"""The Blueprint as kancli holds it: frozen dataclasses that remember where each part came from.

A Kanister Blueprint (kanister-behaviour.md section 1.1) is ``actions -> phases -> function +
args``. kancli keeps the wire names' meaning but gives every node a :class:`SourceLocation`, and
every string that may be a Go template a :class:`TextSpan`, so that the loader, the validator,
the renderer and the runner can all say *where* in the file a problem is (``file:line:col``),
down to the character inside a template when the YAML scalar allows it.

Phase ``args`` stay raw JSON-like values (``str``, ``int``, ``float``, ``bool``, ``list``,
``dict``), exactly what Kanister's renderer receives; treat them as read-only. Their string
values and nested map keys are located through :attr:`Phase.arg_spans` and
:attr:`Phase.arg_key_spans`, keyed by :data:`ArgPath`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from kancli.errors import BlueprintError

#: A path into a phase's args: top-level key, then map keys (``str``) and list indexes (``int``).
ArgPath = tuple[str | int, ...]


@dataclass(frozen=True, order=True)
class SourceLocation:
    """A position in a source file; ``line`` and ``column`` are 1-based."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class TextSpan:
    """Where the characters of a YAML string scalar sit in the file.

    ``location`` is the scalar itself (including any quote). When ``is_exact`` is true, line ``k``
    of the string (1-based) is file line ``text_line + k - 1`` and its first character is at
    ``text_column``: this holds for single-line plain or quoted scalars without escapes, and for
    literal block scalars (``|``). Folded, escaped or multi-line flow scalars are not exact, and
    positions inside them map to the scalar's start.
    """

    location: SourceLocation
    text_line: int
    text_column: int
    is_exact: bool

    def locate(self, line: int | None, column: int | None) -> SourceLocation:
        """Map a 1-based (line, column) inside the string to a file location."""
        if not self.is_exact or line is None or line < 1:
            return self.location
        col = column if column is not None and column >= 1 else 1
        return SourceLocation(
            self.location.file, self.text_line + line - 1, self.text_column + col - 1
        )

    @classmethod
    def at(cls, location: SourceLocation) -> TextSpan:
        """A span that only knows the scalar's start (e.g. for Blueprints built in code)."""
        return cls(location, location.line, location.column, is_exact=False)


class Severity(enum.Enum):
    """How bad a :class:`Problem` is: errors stop a run, warnings are advice."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One finding of the loader or the validator, pointing at the Blueprint source."""

    location: SourceLocation
    path: str
    message: str
    severity: Severity = Severity.ERROR
    hint: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def format(self) -> str:
        """``file:line:col: [warning: ]path: message`` (the hint is not included)."""
        label = "" if self.is_error else "warning: "
        where = f"{self.path}: " if self.path else ""
        return f"{self.location}: {label}{where}{self.message}"

    def __str__(self) -> str:
        return self.format()


#: Wire names of :class:`ObjectReference` fields, in Kanister's declaration order.
OBJECT_REFERENCE_FIELDS = ("apiVersion", "group", "resource", "kind", "name", "namespace")


@dataclass(frozen=True)
class ObjectReference:
    """Kanister's ObjectReference. ``api_version`` holds the version only (``v1``)."""

    api_version: str = ""
    group: str = ""
    resource: str = ""
    kind: str = ""
    name: str = ""
    namespace: str = ""
    location: SourceLocation | None = None
    field_spans: Mapping[str, TextSpan] = field(default_factory=dict)

    def wire_fields(self) -> dict[str, str]:
        """The fields by wire name, in declaration order (what the renderer renders)."""
        return {
            "apiVersion": self.api_version,
            "group": self.group,
            "resource": self.resource,
            "kind": self.kind,
            "name": self.name,
            "namespace": self.namespace,
        }


@dataclass(frozen=True)
class Artifact:
    """An output artifact: ``keyValue`` templates and/or a ``kopiaSnapshot`` template."""

    key_value: Mapping[str, str] = field(default_factory=dict)
    kopia_snapshot: str = ""
    location: SourceLocation | None = None
    key_value_spans: Mapping[str, TextSpan] = field(default_factory=dict)
    kopia_snapshot_span: TextSpan | None = None


@dataclass(frozen=True)
class Phase:
    """One phase: a Kanister Function name, its raw args and its ``objects``.

    ``path`` names the phase in messages (``actions.backup.phases[2]`` or
    ``actions.backup.deferPhase``). ``name`` may be empty: Kanister allows a nameless phase.
    """

    name: str
    func: str
    args: Mapping[str, Any]
    objects: Mapping[str, ObjectReference]
    path: str
    location: SourceLocation
    func_location: SourceLocation
    args_location: SourceLocation
    arg_spans: Mapping[ArgPath, TextSpan] = field(default_factory=dict)
    arg_key_spans: Mapping[ArgPath, TextSpan] = field(default_factory=dict)

    def arg_location(self, path: ArgPath) -> SourceLocation:
        """Best location for an arg path: its value, else its key, else the args mapping."""
        for prefix_len in range(len(path), 0, -1):
            prefix = path[:prefix_len]
            span = self.arg_spans.get(prefix) or self.arg_key_spans.get(prefix)
            if span is not None:
                return span.location
        return self.args_location


@dataclass(frozen=True)
class Action:
    """One action: phases run in order, the deferPhase always, artifacts rendered last.

    ``config_map_names``, ``secret_names`` and ``input_artifact_names`` are ``None`` when the
    Blueprint does not declare them, which differs from an empty declaration.
    """

    name: str
    phases: tuple[Phase, ...]
    location: SourceLocation
    kind: str = ""
    config_map_names: tuple[str, ...] | None = None
    secret_names: tuple[str, ...] | None = None
    input_artifact_names: tuple[str, ...] | None = None
    output_artifacts: Mapping[str, Artifact] = field(default_factory=dict)
    defer_phase: Phase | None = None

    def all_phases(self) -> tuple[Phase, ...]:
        """The phases in run order, with the deferPhase last."""
        if self.defer_phase is None:
            return self.phases
        return (*self.phases, self.defer_phase)


@dataclass(frozen=True)
class Blueprint:
    """A loaded Blueprint. ``warnings`` holds what the loader noticed but tolerated."""

    name: str
    actions: Mapping[str, Action]
    source: str
    location: SourceLocation
    warnings: tuple[Problem, ...] = ()

    def action(self, name: str) -> Action:
        """The named action; raises :class:`BlueprintError` naming the known ones when absent."""
        try:
            return self.actions[name]
        except KeyError:
            known = ", ".join(sorted(self.actions)) or "none"
            raise BlueprintError(
                f"Action {name} not found in blueprint {self.name or self.source}",
                hint=f"actions in this Blueprint: {known}",
            ) from None

    def iter_phases(self) -> Iterator[tuple[Action, Phase]]:
        """Every (action, phase) pair, deferPhases included, in file order."""
        for action in self.actions.values():
            for phase in action.all_phases():
                yield action, phase
