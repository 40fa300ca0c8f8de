"""Static validation of a loaded Blueprint: every problem, each with file:line:col.

Kanister's ``kanctl validate`` (kanister-behaviour.md section 7.4) stops at the first problem and
checks only function names, argument sets, label/annotation args and blueprint-wide phase-name
uniqueness. kancli reports *all* of those, in Kanister's wording, and adds what users asked for
(users-and-peers.md section 1.2): Go template syntax in every rendered string, ``.Phases.X``
references to phases that do not run earlier in the same action, ``.DeferPhase.Output`` read
where it can never be set, phase ``objects`` that read ``.Phases`` (they render before any phase
runs), and ``.ArtifactsIn.X`` names missing from a declared ``inputArtifactNames`` (a warning
only: Kanister never enforces that list and corpus Blueprints read undeclared artifacts).

Deliberate differences from Kanister: label/annotation keys or values that contain a template
(``{{``) are not checked, since only their rendered form matters; and the function catalog and the
template checker are injected (this package imports nothing from kancli but ``errors``).
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from kancli.blueprint.labels import annotation_problems, label_problems
from kancli.blueprint.model import (
    Action,
    ArgPath,
    Blueprint,
    Phase,
    Problem,
    Severity,
    SourceLocation,
    TextSpan,
)
from kancli.blueprint.refs import TemplateRef, find_references
from kancli.errors import KancliError


@dataclass(frozen=True)
class FunctionSignature:
    """What the validator needs to know about one Kanister Function.

    ``untemplated_args`` are args whose values the function does not receive as rendered
    templates (WaitV2's ``conditions`` are evaluated against the live object); only the
    ``objectReference`` maps inside them are templates.
    """

    name: str
    required_args: tuple[str, ...]
    supported_args: tuple[str, ...]
    untemplated_args: frozenset[str] = field(default_factory=frozenset)


class FunctionCatalog(Protocol):
    """The registered Kanister Functions, for one preferred function version."""

    def signature(self, name: str) -> FunctionSignature:
        """The function's signature; raises a :class:`~kancli.errors.KancliError` whose message
        says why it is unavailable (``Requested function {X} has not been registered``)."""
        ...

    def function_names(self) -> Collection[str]:
        """Every registered function name (for "did you mean" hints)."""
        ...


class TemplateChecker(Protocol):
    """Checks Go template syntax; raises :class:`~kancli.errors.TemplateError`.

    The error may locate the problem inside the template text (1-based) with a ``position``
    attribute ``(line, column)`` or with ``line`` and ``column`` attributes.
    """

    def __call__(self, text: str, /) -> None: ...


_LABEL_ARGS = ("podLabels", "podAnnotations")


def validate_blueprint(
    blueprint: Blueprint, catalog: FunctionCatalog, check_template: TemplateChecker
) -> list[Problem]:
    """Every problem in ``blueprint`` (the loader's warnings included), in file order."""
    validator = _Validator(blueprint, catalog, check_template)
    validator.run()
    problems = list(blueprint.warnings) + validator.problems
    return sorted(problems, key=lambda p: (p.location.file, p.location.line, p.location.column))


def suggest(name: str, candidates: Collection[str]) -> str | None:
    """The closest candidate to ``name`` (case-insensitive match first), or None."""
    folded = {candidate.lower(): candidate for candidate in candidates}
    if name.lower() in folded:
        return folded[name.lower()]
    close = difflib.get_close_matches(name.lower(), list(folded), n=1, cutoff=0.6)
    return folded[close[0]] if close else None


def _did_you_mean(name: str, candidates: Collection[str]) -> str | None:
    match = suggest(name, candidates)
    return f'did you mean "{match}"?' if match and match != name else None


@dataclass
class _Scope:
    """Which phase outputs a template may read, and where it sits."""

    action: Action
    visible: tuple[str, ...]
    current: str | None
    later: tuple[str, ...]
    context: str  # "args", "objects" or "artifacts"


class _Validator:
    def __init__(
        self, blueprint: Blueprint, catalog: FunctionCatalog, check_template: TemplateChecker
    ) -> None:
        self.bp = blueprint
        self.catalog = catalog
        self.check_template = check_template
        self.problems: list[Problem] = []
        self.phase_actions: dict[str, list[str]] = {}
        for action in blueprint.actions.values():
            for phase in action.all_phases():
                self.phase_actions.setdefault(phase.name, []).append(action.name)

    def add(
        self,
        location: SourceLocation,
        path: str,
        message: str,
        *,
        severity: Severity = Severity.ERROR,
        hint: str | None = None,
    ) -> None:
        self.problems.append(Problem(location, path, message, severity, hint))

    def run(self) -> None:
        for action in self.bp.actions.values():
            names = [phase.name for phase in action.phases]
            for index, phase in enumerate(action.phases):
                scope = _Scope(
                    action, tuple(names[:index]), phase.name, tuple(names[index + 1 :]), "args"
                )
                self.phase(phase, scope)
            if action.defer_phase is not None:
                self.phase(
                    action.defer_phase,
                    _Scope(action, tuple(names), action.defer_phase.name, (), "args"),
                )
            self.artifacts(action)
        self.duplicate_phase_names()

    # -- phases ------------------------------------------------------------------------------
    def phase(self, phase: Phase, scope: _Scope) -> None:
        signature = self.function(phase)
        if signature is not None:
            self.arguments(phase, signature)
        untemplated = signature.untemplated_args if signature else frozenset()
        for path, span, text in _arg_strings(phase, untemplated):
            self.template(text, span, f"{phase.path}.args{_format_path(path)}", scope)
        object_scope = _Scope(scope.action, (), None, (), "objects")
        for key, ref in phase.objects.items():
            for wire, value in ref.wire_fields().items():
                field_span = ref.field_spans.get(wire)
                if field_span is not None:
                    where = f"{phase.path}.objects.{key}.{wire}"
                    self.template(value, field_span, where, object_scope)
            kind = ref.kind.lower()
            if kind not in ("secret", "configmap") and "{{" not in ref.kind:
                location = ref.location or phase.location
                self.add(
                    location,
                    f"{phase.path}.objects.{key}",
                    f'objects of kind "{ref.kind}" are ignored: Kanister fetches only '
                    "Secret and ConfigMap objects",
                    severity=Severity.WARNING,
                )

    def function(self, phase: Phase) -> FunctionSignature | None:
        if not phase.func:
            self.add(phase.location, phase.path, 'missing "func"')
            return None
        try:
            return self.catalog.signature(phase.func)
        except KancliError as exc:
            hint = _did_you_mean(phase.func, self.catalog.function_names())
            self.add(phase.func_location, f"{phase.path}.func", exc.message, hint=hint)
            return None

    def arguments(self, phase: Phase, signature: FunctionSignature) -> None:
        args_path = f"{phase.path}.args"
        if "podLabels" in signature.supported_args:
            self.labels(phase, args_path)
        for key in phase.args:
            if key not in signature.supported_args:
                key_span = phase.arg_key_spans.get((key,))
                self.add(
                    key_span.location if key_span else phase.arg_location((key,)),
                    f"{args_path}.{key}",
                    f"argument {key} is not supported",
                    hint=_did_you_mean(key, signature.supported_args),
                )
        for key in signature.required_args:
            if key not in phase.args:
                self.add(phase.args_location, args_path, f"Required arg missing: {key}")

    def labels(self, phase: Phase, args_path: str) -> None:
        for arg in _LABEL_ARGS:
            if arg not in phase.args:
                continue
            value = phase.args[arg]
            location = phase.arg_location((arg,))
            if not isinstance(value, Mapping):
                expected = "Expected" if arg == "podLabels" else "expected"
                wanted = "map[string]interface{}" if arg == "podLabels" else "map[string]string"
                self.add(
                    location,
                    f"{args_path}.{arg}",
                    f"{arg} are not in correct format. {expected} format is {wanted}.",
                )
                continue
            strings = {
                k: v
                for k, v in value.items()
                if isinstance(v, str) and "{{" not in k and "{{" not in v
            }
            found = label_problems(strings) if arg == "podLabels" else annotation_problems(strings)
            for message in found:
                self.add(location, f"{args_path}.{arg}", message)

    # -- templates ---------------------------------------------------------------------------
    def template(self, text: str, span: TextSpan, path: str, scope: _Scope) -> None:
        if "{{" not in text:
            return
        try:
            self.check_template(text)
        except KancliError as exc:
            line, column = _error_position(exc)
            self.add(span.locate(line, column), path, exc.message)
            return
        for ref in find_references(text):
            self.reference(ref, span, path, scope)

    def reference(self, ref: TemplateRef, span: TextSpan, path: str, scope: _Scope) -> None:
        location = span.locate(ref.line, ref.column)
        action = scope.action
        if ref.root == "ArtifactsIn":
            declared = action.input_artifact_names
            if declared is not None and ref.name not in declared:
                self.add(
                    location,
                    path,
                    f'artifact "{ref.name}" is not in inputArtifactNames of action "{action.name}"',
                    severity=Severity.WARNING,
                    hint=_did_you_mean(ref.name or "", declared),
                )
            return
        if ref.root == "DeferPhase":
            self.defer_reference(ref, location, path, scope)
            return
        if scope.context == "objects":
            self.add(
                location,
                path,
                "phase objects are rendered before any phase runs, when .Phases is empty",
            )
            return
        name = ref.name or ""
        if name in scope.visible:
            return
        if name == scope.current:
            if ref.rest[:1] == ("Output",):
                self.add(
                    location,
                    path,
                    f'phase "{name}" reads its own output, which is not set while it runs',
                )
            return
        self.add(
            location,
            path,
            self.unknown_phase_message(name, scope),
            hint=_did_you_mean(name, scope.visible),
        )

    def unknown_phase_message(self, name: str, scope: _Scope) -> str:
        action = scope.action.name
        if name in scope.later:
            return f'.Phases.{name} refers to phase "{name}", which runs after this one'
        if name in self.phase_actions:
            others = ", ".join(f'"{a}"' for a in self.phase_actions[name])
            return (
                f'.Phases.{name} refers to phase "{name}" of action {others}; .Phases holds '
                f'only phases of the running action "{action}"'
            )
        return f'.Phases.{name}: no phase named "{name}" runs before this in action "{action}"'

    def defer_reference(
        self, ref: TemplateRef, location: SourceLocation, path: str, scope: _Scope
    ) -> None:
        if ref.rest[:1] != ("Output",):
            return
        if scope.context == "artifacts":
            if scope.action.defer_phase is None:
                self.add(
                    location,
                    path,
                    f'.DeferPhase.Output is read but action "{scope.action.name}" has no '
                    "deferPhase",
                )
            return
        self.add(
            location,
            path,
            ".DeferPhase.Output is set only after the deferPhase succeeds; only "
            "outputArtifacts can read it",
        )

    def artifacts(self, action: Action) -> None:
        names = tuple(phase.name for phase in action.all_phases())
        scope = _Scope(action, names, None, (), "artifacts")
        base = f"actions.{action.name}.outputArtifacts"
        for art_name, artifact in action.output_artifacts.items():
            for key, value in artifact.key_value.items():
                span = artifact.key_value_spans.get(key)
                if span is not None:
                    self.template(value, span, f"{base}.{art_name}.keyValue.{key}", scope)
            if artifact.kopia_snapshot_span is not None:
                self.template(
                    artifact.kopia_snapshot,
                    artifact.kopia_snapshot_span,
                    f"{base}.{art_name}.kopiaSnapshot",
                    scope,
                )

    # -- blueprint-wide ----------------------------------------------------------------------
    def duplicate_phase_names(self) -> None:
        seen: set[str] = set()
        for _, phase in self.bp.iter_phases():
            if phase.name in seen:
                self.add(
                    phase.location,
                    phase.path,
                    f"Duplicated phase name is not allowed. Violating phase '{phase.name}'",
                    hint="phase names must be unique across the whole Blueprint",
                )
            seen.add(phase.name)


def _error_position(exc: KancliError) -> tuple[int | None, int | None]:
    position = getattr(exc, "position", None)
    if isinstance(position, tuple) and len(position) == 2:
        return position[0], position[1]
    line, column = getattr(exc, "line", None), getattr(exc, "column", None)
    return (
        line if isinstance(line, int) else None,
        column if isinstance(column, int) else None,
    )


def _arg_strings(
    phase: Phase, untemplated: frozenset[str]
) -> Iterator[tuple[ArgPath, TextSpan, str]]:
    """(path, span, text) of every rendered string in the args: values and nested map keys."""
    for path, span in phase.arg_spans.items():
        if _is_templated(path, untemplated):
            yield path, span, _lookup(phase.args, path)
    for path, span in phase.arg_key_spans.items():
        if len(path) > 1 and _is_templated(path, untemplated):
            key = path[-1]
            yield path, span, key if isinstance(key, str) else str(key)


def _is_templated(path: ArgPath, untemplated: frozenset[str]) -> bool:
    return path[0] not in untemplated or "objectReference" in path


def _lookup(args: Mapping[str, Any], path: ArgPath) -> str:
    value: Any = args
    for part in path:
        value = value[part]
    return value if isinstance(value, str) else str(value)


def _format_path(path: ArgPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text
