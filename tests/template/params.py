"""Small stand-ins for Kanister's ``param`` structs, with the Go types templates see.

The engine's tests must not depend on kancli.params, so they build the few shapes the reference
tables need: ``TemplateParams`` with ``Options`` (map[string]string), ``Object``
(map[string]interface{}), ``Phases`` (map[string]*param.Phase, whose Output is
map[string]interface{}) and a typed ``*param.DeploymentParams`` that may be nil.
"""

from __future__ import annotations

from typing import Any, ClassVar

from kancli.template.values import GoMap, GoStruct, NilPointer, string_map

PHASE = "*param.Phase"
DEPLOYMENT = "*param.DeploymentParams"


def output_map(items: dict[str, Any] | None = None) -> GoMap:
    """``map[string]interface {}``; empty stands for Go's nil map (reads behave the same)."""
    return GoMap(items, go_type="map[string]interface {}", zero=None)


class Phase(GoStruct):
    go_type: ClassVar[str] = PHASE

    def __init__(self, output: dict[str, Any] | None = None) -> None:
        self._fields = {
            "Secrets": GoMap(go_type="map[string]v1.Secret", zero=None),
            "ConfigMaps": GoMap(go_type="map[string]v1.ConfigMap", zero=None),
            "Output": output_map(output),
        }

    def go_fields(self) -> dict[str, Any]:
        return self._fields


class DeploymentParams(GoStruct):
    go_type: ClassVar[str] = DEPLOYMENT

    def __init__(self, name: str, namespace: str, pods: list[str]) -> None:
        self._fields = {
            "Name": name,
            "Namespace": namespace,
            "Pods": pods,
            "Containers": [["c"] for _ in pods],
        }

    def go_fields(self) -> dict[str, Any]:
        return self._fields


class TemplateParams(GoStruct):
    go_type: ClassVar[str] = "param.TemplateParams"

    def __init__(
        self,
        *,
        time: str = "",
        options: dict[str, str] | None = None,
        obj: dict[str, Any] | None = None,
        phases: dict[str, Phase] | None = None,
        deployment: DeploymentParams | None = None,
    ) -> None:
        self._fields: dict[str, Any] = {
            "Time": time,
            "Object": obj if obj is not None else {},
            "Deployment": deployment if deployment is not None else NilPointer(DEPLOYMENT),
            "Options": string_map(options),
            "Phases": GoMap(phases, go_type="map[string]*param.Phase", zero=NilPointer(PHASE)),
            "DeferPhase": Phase(),
        }

    def go_fields(self) -> dict[str, Any]:
        return self._fields
