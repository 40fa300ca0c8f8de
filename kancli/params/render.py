"""Render an action's phases offline, in Kanister's order, to show what each function would get.

kanister-behaviour.md sections 2.3, 3.3-3.5. The order matters because it decides what each
template can see:

1. the ``objects`` of every phase and of the deferPhase are rendered first, with the initial
   params (no ``.Phases`` yet);
2. then, phase by phase: the phase's Secrets/ConfigMaps are read, ``.Phases.<phase>`` appears
   with a nil Output, its args are rendered, and only then is its Output applied (taken from the
   params file, standing in for the function's result);
3. last, the deferPhase: ``.DeferPhase`` gets its Secrets/ConfigMaps and its args are rendered.

Kanister stops at the first failure; rendering carries on so that one run shows every problem. A
phase that fails still gets its Output from the params file, so later phases render as they
would after a successful run. ``Wait`` and ``WaitV2`` args are not pre-rendered by Kanister (the
functions render them themselves while polling), so they are returned unrendered.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from typing import Any

from kancli.blueprint.model import (
    Action,
    ArgPath,
    ObjectReference,
    Phase,
    SourceLocation,
    TextSpan,
)
from kancli.errors import KancliError, TemplateError
from kancli.params import model
from kancli.params.k8s import ConfigMap, Secret
from kancli.params.objects import ObjectSource

SKIP_RENDER_FUNCS = frozenset({"wait", "waitv2"})
"""Kanister's ``skipRenderFuncs``, matched on the lower-cased function name."""

RenderString = Callable[[str, model.TemplateParams], str]


@dataclasses.dataclass(frozen=True)
class PhaseRendering:
    """One phase's rendered args, or why they could not be rendered."""

    name: str
    func: str
    args: Mapping[str, Any] | None
    error: str | None = None
    rendered: bool = True

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclasses.dataclass(frozen=True)
class ActionRendering:
    """Every phase of one action, in run order, and the deferPhase."""

    action: str
    phases: tuple[PhaseRendering, ...]
    defer_phase: PhaseRendering | None
    params: model.TemplateParams

    @property
    def ok(self) -> bool:
        return all(p.ok for p in self.all_phases())

    def all_phases(self) -> tuple[PhaseRendering, ...]:
        if self.defer_phase is None:
            return self.phases
        return (*self.phases, self.defer_phase)


@dataclasses.dataclass(frozen=True)
class _Objects:
    secrets: dict[str, Secret]
    configmaps: dict[str, ConfigMap]
    error: str | None = None


def render_action(
    action: Action,
    params: model.TemplateParams,
    objects: ObjectSource,
    *,
    phase_outputs: Mapping[str, Mapping[str, Any] | None] | None = None,
    render_string: RenderString,
) -> ActionRendering:
    """Render ``action`` with ``params`` (see the module docstring for the order).

    ``render_string(template, params)`` renders one string as Kanister does (a new template named
    ``config``, ``missingkey=error``) and raises :class:`TemplateError`.
    """
    outputs = phase_outputs or {}
    resolved = {
        id(p): _phase_objects(p, params, objects, render_string) for p in action.all_phases()
    }
    rendered: list[PhaseRendering] = []
    tp = params
    for phase in action.phases:
        found = resolved[id(phase)]
        tp = model.init_phase_params(tp, phase.name, found.secrets, found.configmaps)
        rendered.append(_render_phase(phase, tp, found.error, render_string))
        tp = model.update_phase_params(tp, phase.name, outputs.get(phase.name))
    defer = None
    if action.defer_phase is not None:
        found = resolved[id(action.defer_phase)]
        tp = model.init_defer_phase_params(tp, found.secrets, found.configmaps)
        defer = _render_phase(action.defer_phase, tp, found.error, render_string)
    return ActionRendering(action.name, tuple(rendered), defer, tp)


def _phase_objects(
    phase: Phase,
    params: model.TemplateParams,
    objects: ObjectSource,
    render_string: RenderString,
) -> _Objects:
    secrets: dict[str, Secret] = {}
    configmaps: dict[str, ConfigMap] = {}
    for key, ref in phase.objects.items():
        try:
            rendered = render_object_reference(ref, params, render_string)
        except _LocatedError as exc:
            return _Objects({}, {}, exc.describe(f"objects.{key}."))
        try:
            kind = rendered["kind"].lower()
            if kind == "secret":
                secrets[key] = objects.read_secret(rendered["namespace"], rendered["name"])
            elif kind == "configmap":
                configmaps[key] = objects.read_configmap(rendered["namespace"], rendered["name"])
        except KancliError as exc:
            where = ref.location or phase.location
            return _Objects({}, {}, f"{where}: objects.{key}: {exc.message}")
    return _Objects(secrets, configmaps)


class _LocatedError(Exception):
    """A template failure with the arg path and Blueprint location it happened at."""

    def __init__(self, path: str, location: SourceLocation | None, error: TemplateError) -> None:
        super().__init__(error.message)
        self.path = path
        self.location = location
        self.error = error

    def describe(self, prefix: str = "") -> str:
        where = f"{self.location}: " if self.location else ""
        return f"{where}{prefix}{self.path}: {self.error.message}"


def _locate(span: TextSpan | None, error: TemplateError) -> SourceLocation | None:
    if span is None:
        return None
    line = getattr(error, "line", None)
    column = getattr(error, "column", None)
    return span.locate(
        line if isinstance(line, int) else None, column if isinstance(column, int) else None
    )


def render_object_reference(
    ref: ObjectReference, params: model.TemplateParams, render_string: RenderString
) -> dict[str, str]:
    """Every field of an ObjectReference rendered as a template (``RenderObjectRefs``)."""
    out: dict[str, str] = {}
    for field, text in ref.wire_fields().items():
        try:
            out[field] = render_string(text, params)
        except TemplateError as exc:
            span = ref.field_spans.get(field)
            raise _LocatedError(field, _locate(span, exc) or ref.location, exc) from None
    return out


def _render_phase(
    phase: Phase,
    tp: model.TemplateParams,
    objects_error: str | None,
    render_string: RenderString,
) -> PhaseRendering:
    if objects_error is not None:
        return PhaseRendering(phase.name, phase.func, None, objects_error)
    if phase.func.lower() in SKIP_RENDER_FUNCS:
        return PhaseRendering(phase.name, phase.func, dict(phase.args), rendered=False)
    try:
        args = render_args(phase, tp, render_string)
    except _LocatedError as exc:
        return PhaseRendering(phase.name, phase.func, None, exc.describe("args."))
    return PhaseRendering(phase.name, phase.func, args)


def render_args(
    phase: Phase, tp: model.TemplateParams, render_string: RenderString
) -> dict[str, Any]:
    """Kanister's ``RenderArgs`` over a phase's args: keys kept, values rendered recursively.

    A failure names the arg path (``command[6]``) and its place in the Blueprint file. A null
    value is an error here, where Kanister's renderer panics (section 3.3).
    """
    renderer = _ArgRenderer(phase, tp, render_string)
    return {key: renderer.value(value, (key,)) for key, value in phase.args.items()}


@dataclasses.dataclass(frozen=True)
class _ArgRenderer:
    phase: Phase
    tp: model.TemplateParams
    render_string: RenderString

    def value(self, value: Any, path: ArgPath) -> Any:
        if isinstance(value, str):
            return self.text(value, path, self.phase.arg_spans.get(path))
        if isinstance(value, list | tuple):
            return [self.value(v, (*path, i)) for i, v in enumerate(value)]
        if isinstance(value, Mapping):
            out: dict[Any, Any] = {}
            for k, v in value.items():
                key = (
                    self.text(k, (*path, k), self.phase.arg_key_spans.get((*path, k)))
                    if isinstance(k, str)
                    else k
                )
                out[key] = self.value(v, (*path, k))
            return out
        if value is None:
            error = TemplateError(
                "null value",
                hint="Kanister cannot render a null argument; give a value or remove the key",
            )
            raise _LocatedError(_path_text(path), self.phase.arg_location(path), error)
        return value

    def text(self, text: str, path: ArgPath, span: TextSpan | None) -> str:
        try:
            return self.render_string(text, self.tp)
        except TemplateError as exc:
            location = _locate(span, exc) or self.phase.arg_location(path)
            explained = explain_missing_key(exc, text, self.tp, self.render_string)
            raise _LocatedError(_path_text(path), location, explained) from None


_MISSING_KEY = re.compile(r'Failed to render template: "(?P<key>[^"]*)" not found')
_FIELD_CHAIN = re.compile(r"(?<![\w$)\]])((?:\.[A-Za-z_]\w*)+)")


def explain_missing_key(
    error: TemplateError, text: str, tp: model.TemplateParams, render_string: RenderString
) -> TemplateError:
    """Kanister's ``"foo" not found`` with the field chain and the keys that do exist appended
    (``... "foo" not found: .Options.foo; .Options has: a, b``); other errors unchanged.

    The chain is found in the template text (the first ``.A.B.foo...`` with the missing key after
    a container that renders) and that container's keys are listed by ranging over it with the
    same template engine.
    """
    found = _MISSING_KEY.search(error.message)
    if found is None:
        return error
    key = found["key"]
    candidates = []
    for match in _FIELD_CHAIN.finditer(text):
        parts = match[1].split(".")[1:]
        candidates += [parts[:i] for i in range(1, len(parts)) if parts[i] == key]
    for prefix in candidates:
        container = "." + ".".join(prefix)
        try:
            listed = render_string("{{ range $k, $_ := " + container + " }}{{ $k }}\n{{ end }}", tp)
        except TemplateError:
            continue
        keys = [k for k in listed.split("\n") if k]
        has = f"{container} has: {', '.join(keys)}" if keys else f"{container} is empty"
        explained = TemplateError(f"{error.message}: {container}.{key}; {has}", hint=error.hint)
        for attr in ("line", "column"):
            if hasattr(error, attr):
                setattr(explained, attr, getattr(error, attr))
        return explained
    return error


def _path_text(path: ArgPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def render_phase_args(
    phase: Phase, tp: model.TemplateParams, render_string: RenderString
) -> dict[str, Any]:
    """:func:`render_args` for the runner: a failure is a :class:`TemplateError` whose message
    names the Blueprint location and the arg path (``bp.yaml:14:9: args.command[2]: ...``)."""
    try:
        return render_args(phase, tp, render_string)
    except _LocatedError as exc:
        raise TemplateError(exc.describe("args."), hint=exc.error.hint) from None


def read_phase_objects(
    phase: Phase,
    params: model.TemplateParams,
    objects: ObjectSource,
    render_string: RenderString,
) -> tuple[dict[str, Secret], dict[str, ConfigMap]]:
    """Render a phase's ``objects`` and read its Secrets and ConfigMaps (``InitPhaseParams``);
    raises :class:`TemplateError` naming the object key and the cause."""
    found = _phase_objects(phase, params, objects, render_string)
    if found.error is not None:
        raise TemplateError(found.error)
    return found.secrets, found.configmaps


def render_artifacts(
    action: Action, tp: model.TemplateParams, render_string: RenderString
) -> dict[str, dict[str, Any]]:
    """Output artifacts after a successful action: keyValue values and kopiaSnapshot rendered,
    names and keys kept (section 3.4)."""
    out: dict[str, dict[str, Any]] = {}
    for name, artifact in action.output_artifacts.items():
        rendered: dict[str, Any] = {}
        try:
            if artifact.key_value:
                rendered["keyValue"] = {
                    k: render_string(v, tp) for k, v in artifact.key_value.items()
                }
            if artifact.kopia_snapshot:
                rendered["kopiaSnapshot"] = render_string(artifact.kopia_snapshot, tp)
        except TemplateError as exc:
            where = f"{artifact.location}: " if artifact.location else ""
            raise TemplateError(
                f"{where}outputArtifacts.{name}: {exc.message}", hint=exc.hint
            ) from None
        out[name] = rendered
    return out
