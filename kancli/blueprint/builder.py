"""Build the Blueprint model from the chosen YAML document, checking Kanister's field types.

The loader (:mod:`kancli.blueprint.loader`) reads the file and picks the document; this module
walks it field by field as Kanister's Go structs define them (kanister-behaviour.md section 1.1)
and reports, through the :class:`~kancli.blueprint.yamlsource.NodeReader`, every field that does
not fit: wrong types are errors, unknown fields warnings (see the loader's module docstring).
"""

from __future__ import annotations

from typing import Any

import yaml

from kancli.blueprint.model import (
    OBJECT_REFERENCE_FIELDS,
    Action,
    ArgPath,
    Artifact,
    Blueprint,
    ObjectReference,
    Phase,
    TextSpan,
)
from kancli.blueprint.yamlsource import NodeReader, is_null, join_path

API_VERSION = "cr.kanister.io/v1alpha1"

_TOP_FIELDS = ("apiVersion", "kind", "metadata", "actions")
_ACTION_FIELDS = (
    "name",
    "kind",
    "configMapNames",
    "secretNames",
    "inputArtifactNames",
    "outputArtifacts",
    "phases",
    "deferPhase",
)
_PHASE_FIELDS = ("func", "name", "objects", "args")
_ARTIFACT_FIELDS = ("keyValue", "kopiaSnapshot")
_NULL_ARG = "null value (Kanister's renderer panics on a YAML null in args)"
_FIELD_HINTS = {
    "spec": "a Blueprint has no spec: actions sit at the top level of the object",
    "type": 'the legacy action "type" is ignored by Kanister; the current field is "kind"',
}


class BlueprintBuilder:
    """Walks the chosen document and builds model objects, reporting into the reader."""

    def __init__(self, reader: NodeReader) -> None:
        self.r = reader

    # -- typed field helpers -----------------------------------------------------------------
    def _fields(
        self, node: yaml.Node, path: str, known: tuple[str, ...] | None, what: str
    ) -> dict[str, tuple[yaml.Node, yaml.Node]] | None:
        """The mapping's fields by key, warning about keys not in ``known`` (None: any key).

        Returns None (after reporting) when the node is not a mapping.
        """
        if is_null(node):
            return {}
        if not isinstance(node, yaml.MappingNode):
            self.r.error(node, path, f"expected {what} (a mapping), found {_kind_of(node)}")
            return None
        fields: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key, key_node, value_node in self.r.mapping_items(node, path):
            if known is not None and key not in known:
                self._unknown_field(key, key_node, path, known)
            fields[key] = (key_node, value_node)
        return fields

    def _unknown_field(self, key: str, node: yaml.Node, path: str, known: tuple[str, ...]) -> None:
        hint = _FIELD_HINTS.get(key)
        folded = [name for name in known if name.lower() == key.lower()]
        if folded:
            hint = f'field names are case-sensitive: did you mean "{folded[0]}"?'
        self.r.warn(node, join_path(path, key), f'unknown field "{key}" is ignored', hint=hint)

    def _string(self, node: yaml.Node | None, path: str) -> str:
        if node is None or is_null(node):
            return ""
        if isinstance(node, yaml.ScalarNode):
            value = self.r.scalar(node, path)
            if isinstance(value, str):
                return value
            hint = f'quote it: "{node.value}"'
            self.r.error(node, path, f"expected a string, found {_value_kind(value)}", hint=hint)
            return str(node.value)
        self.r.error(node, path, f"expected a string, found {_kind_of(node)}")
        return ""

    def _string_list(self, node: yaml.Node | None, path: str) -> tuple[str, ...] | None:
        if node is None or is_null(node):
            return None
        if not isinstance(node, yaml.SequenceNode):
            self.r.error(node, path, f"expected a list of strings, found {_kind_of(node)}")
            return None
        return tuple(self._string(item, f"{path}[{i}]") for i, item in enumerate(node.value))

    # -- model -------------------------------------------------------------------------------
    def blueprint(self, root: yaml.Node) -> Blueprint:
        fields = self._fields(root, "", _TOP_FIELDS, "a Blueprint") or {}
        api = fields.get("apiVersion")
        if api is not None and self._string(api[1], "apiVersion") not in ("", API_VERSION):
            self.r.error(api[1], "apiVersion", f"a Blueprint's apiVersion is {API_VERSION}")
        name = ""
        if "metadata" in fields:
            meta = self._fields(fields["metadata"][1], "metadata", None, "metadata") or {}
            if "name" in meta:
                name = self._string(meta["name"][1], "metadata.name")
        actions: dict[str, Action] = {}
        if "actions" not in fields or is_null(fields["actions"][1]):
            self.r.error(root, "", 'missing "actions"', hint=_FIELD_HINTS["spec"])
        else:
            node = fields["actions"][1]
            if not isinstance(node, yaml.MappingNode):
                self.r.error(node, "actions", f"expected a mapping, found {_kind_of(node)}")
            else:
                for key, key_node, value in self.r.mapping_items(node, "actions"):
                    action = self.action(key, key_node, value, join_path("actions", key))
                    if action is not None:
                        actions[key] = action
                if not actions and not node.value:
                    self.r.warn(node, "actions", "the Blueprint defines no actions")
        warnings = tuple(problem for problem in self.r.problems if not problem.is_error)
        return Blueprint(name, actions, self.r.source, self.r.location(root), warnings)

    def action(self, name: str, key_node: yaml.Node, node: yaml.Node, path: str) -> Action | None:
        fields = self._fields(node, path, _ACTION_FIELDS, "an action")
        if fields is None:
            return None

        def field(key: str) -> yaml.Node | None:
            return fields[key][1] if key in fields else None

        phases: list[Phase] = []
        phases_node = field("phases")
        if phases_node is not None and not is_null(phases_node):
            if isinstance(phases_node, yaml.SequenceNode):
                for index, item in enumerate(phases_node.value):
                    phase = self.phase(item, f"{path}.phases[{index}]")
                    if phase is not None:
                        phases.append(phase)
            else:
                self.r.error(
                    phases_node,
                    f"{path}.phases",
                    f"expected a list of phases, found {_kind_of(phases_node)}",
                )
        if not phases and (
            phases_node is None
            or is_null(phases_node)
            or (isinstance(phases_node, yaml.SequenceNode) and not phases_node.value)
        ):
            self.r.warn(key_node, path, "the action has no phases")
        defer_node = field("deferPhase")
        defer = None
        if defer_node is not None and not is_null(defer_node):
            defer = self.phase(defer_node, f"{path}.deferPhase")
        artifacts = self.artifacts(field("outputArtifacts"), f"{path}.outputArtifacts")
        return Action(
            name=name,
            phases=tuple(phases),
            location=self.r.location(key_node),
            kind=self._string(field("kind"), f"{path}.kind"),
            config_map_names=self._string_list(field("configMapNames"), f"{path}.configMapNames"),
            secret_names=self._string_list(field("secretNames"), f"{path}.secretNames"),
            input_artifact_names=self._string_list(
                field("inputArtifactNames"), f"{path}.inputArtifactNames"
            ),
            output_artifacts=artifacts,
            defer_phase=defer,
        )

    def phase(self, node: yaml.Node, path: str) -> Phase | None:
        if is_null(node):
            self.r.error(node, path, "empty phase: a phase needs at least `func`")
            return None
        fields = self._fields(node, path, _PHASE_FIELDS, "a phase")
        if fields is None:
            return None
        location = self.r.location(node)
        func = ""
        func_location = location
        if "func" in fields:
            func_location = self.r.location(fields["func"][1])
            func = self._string(fields["func"][1], f"{path}.func")
        if not func:
            self.r.error(node, path, 'missing "func"', hint="name the Kanister Function to run")
        name = self._string(fields["name"][1], f"{path}.name") if "name" in fields else ""
        args: dict[str, Any] = {}
        spans: dict[ArgPath, TextSpan] = {}
        key_spans: dict[ArgPath, TextSpan] = {}
        args_location = location
        if "args" in fields:
            args_node = fields["args"][1]
            args_location = self.r.location(args_node)
            if isinstance(args_node, yaml.MappingNode):
                args = self.r.value(
                    args_node,
                    f"{path}.args",
                    spans=spans,
                    key_spans=key_spans,
                    null_message=_NULL_ARG,
                )
            elif not is_null(args_node):
                self.r.error(
                    args_node,
                    f"{path}.args",
                    f"expected a mapping of arguments, found {_kind_of(args_node)}",
                )
        objects = self.objects(fields["objects"][1] if "objects" in fields else None, path)
        return Phase(
            name=name,
            func=func,
            args=args,
            objects=objects,
            path=path,
            location=location,
            func_location=func_location,
            args_location=args_location,
            arg_spans=spans,
            arg_key_spans=key_spans,
        )

    def objects(self, node: yaml.Node | None, phase_path: str) -> dict[str, ObjectReference]:
        path = f"{phase_path}.objects"
        if node is None or is_null(node):
            return {}
        if not isinstance(node, yaml.MappingNode):
            self.r.error(node, path, f"expected a mapping of objects, found {_kind_of(node)}")
            return {}
        result = {}
        for key, _, value in self.r.mapping_items(node, path):
            ref = self.object_reference(value, join_path(path, key))
            if ref is not None:
                result[key] = ref
        return result

    def object_reference(self, node: yaml.Node, path: str) -> ObjectReference | None:
        fields = self._fields(node, path, OBJECT_REFERENCE_FIELDS, "an object reference")
        if fields is None:
            return None
        values: dict[str, str] = {}
        spans: dict[str, TextSpan] = {}
        for wire in OBJECT_REFERENCE_FIELDS:
            if wire in fields:
                value_node = fields[wire][1]
                values[wire] = self._string(value_node, join_path(path, wire))
                spans[wire] = self.r.span(value_node, values[wire])
        return ObjectReference(
            api_version=values.get("apiVersion", ""),
            group=values.get("group", ""),
            resource=values.get("resource", ""),
            kind=values.get("kind", ""),
            name=values.get("name", ""),
            namespace=values.get("namespace", ""),
            location=self.r.location(node),
            field_spans=spans,
        )

    def artifacts(self, node: yaml.Node | None, path: str) -> dict[str, Artifact]:
        if node is None or is_null(node):
            return {}
        if not isinstance(node, yaml.MappingNode):
            self.r.error(node, path, f"expected a mapping of artifacts, found {_kind_of(node)}")
            return {}
        result = {}
        for key, _, value in self.r.mapping_items(node, path):
            art_path = join_path(path, key)
            fields = self._fields(value, art_path, _ARTIFACT_FIELDS, "an artifact")
            if fields is None:
                continue
            key_value: dict[str, str] = {}
            kv_spans: dict[str, TextSpan] = {}
            if "keyValue" in fields and not is_null(fields["keyValue"][1]):
                kv_node = fields["keyValue"][1]
                kv_fields = self._fields(kv_node, f"{art_path}.keyValue", None, "keyValue")
                for kv_key, (_, kv_value) in (kv_fields or {}).items():
                    text = self._string(kv_value, join_path(f"{art_path}.keyValue", kv_key))
                    key_value[kv_key] = text
                    kv_spans[kv_key] = self.r.span(kv_value, text)
            snapshot, snapshot_span = "", None
            if "kopiaSnapshot" in fields:
                snap_node = fields["kopiaSnapshot"][1]
                snapshot = self._string(snap_node, f"{art_path}.kopiaSnapshot")
                snapshot_span = self.r.span(snap_node, snapshot)
            result[key] = Artifact(
                key_value, snapshot, self.r.location(value), kv_spans, snapshot_span
            )
        return result


def _kind_of(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return "a single value"


def _value_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if value is None:
        return "null"
    return type(value).__name__
