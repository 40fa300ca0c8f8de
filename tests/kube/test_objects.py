"""Generic objects on the test cluster: reads by GVR, KubeOps-style create/patch/delete, and the
translation of API errors (404/409/403) into kancli errors."""

from __future__ import annotations

from typing import Any

import pytest

from kancli.errors import ConflictError, ForbiddenError, NotFoundError
from kancli.kube import GVR, Kube, ObjectRef
from kancli.kube.resources import CONFIGMAPS, DEPLOYMENTS, SECRETS

pytestmark = pytest.mark.cluster


def _configmap(name: str, **data: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data}


SPEC = """
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  labels: {tier: backend}
data:
  mode: fast
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
spec:
  replicas: 0
  selector: {matchLabels: {app: worker}}
  template:
    metadata: {labels: {app: worker}}
    spec:
      containers: [{name: c, image: busybox, command: [sleep, "3600"]}]
"""


def test_create_objects_from_a_multi_document_spec(kube: Kube, namespace: str) -> None:
    refs = kube.create_objects(SPEC, namespace)
    assert refs == [
        ObjectRef(GVR("", "v1", "configmaps"), "settings", namespace, "ConfigMap"),
        ObjectRef(GVR("apps", "v1", "deployments"), "worker", namespace, "Deployment"),
    ]
    deployment = kube.get(DEPLOYMENTS, "worker", namespace)
    assert deployment["spec"]["replicas"] == 0
    assert type(deployment["spec"]["replicas"]) is int
    assert kube.read_configmap(namespace, "settings")["data"] == {"mode": "fast"}


def test_object_namespace_in_the_spec_wins_over_the_argument(kube: Kube, namespace: str) -> None:
    spec = f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: own, namespace: {namespace}}}\n"
    refs = kube.create_objects(spec, "kancli-no-such-namespace")
    assert refs[-1].namespace == namespace
    assert kube.get(CONFIGMAPS, "own", namespace)["metadata"]["name"] == "own"


def test_create_of_an_unknown_kind_is_not_found(kube: Kube, namespace: str) -> None:
    spec = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n"
    with pytest.raises(NotFoundError, match='no kind "Widget" in API group-version'):
        kube.create_objects(spec, namespace)


def test_delete_waits_until_the_object_is_gone(kube: Kube, namespace: str) -> None:
    kube.create(CONFIGMAPS, _configmap("temp"), namespace)
    assert kube.delete(CONFIGMAPS, "temp", namespace, wait=True, timeout=30) is True
    assert kube.get_or_none(CONFIGMAPS, "temp", namespace) is None
    assert kube.delete(CONFIGMAPS, "temp", namespace, ignore_not_found=True) is False


@pytest.mark.parametrize(
    ("patch", "patch_type", "expected"),
    [
        pytest.param({"data": {"b": "2"}}, "strategic", {"a": "1", "b": "2"}, id="strategic"),
        pytest.param("data:\n  a: null\n  c: '3'\n", "merge", {"c": "3"}, id="merge-from-yaml"),
        pytest.param(
            [{"op": "replace", "path": "/data/a", "value": "9"}], "json", {"a": "9"}, id="json"
        ),
    ],
)
def test_patch_types(
    kube: Kube, namespace: str, patch: Any, patch_type: Any, expected: dict[str, str]
) -> None:
    kube.create(CONFIGMAPS, _configmap("p", a="1"), namespace)
    patched = kube.patch(CONFIGMAPS, "p", patch, namespace, patch_type=patch_type)
    assert patched["data"] == expected
    assert kube.read_configmap(namespace, "p")["data"] == expected


def test_list_with_label_selector(kube: Kube, namespace: str) -> None:
    kube.create(
        CONFIGMAPS, {**_configmap("x"), "metadata": {"name": "x", "labels": {"k": "1"}}}, namespace
    )
    kube.create(CONFIGMAPS, _configmap("y"), namespace)
    names = [
        o["metadata"]["name"]
        for o in kube.list_objects(CONFIGMAPS, namespace, label_selector="k=1")
    ]
    assert names == ["x"]


def test_cluster_scoped_objects_ignore_the_namespace(kube: Kube, namespace: str) -> None:
    ns = kube.get(GVR("", "v1", "namespaces"), namespace, "ignored")
    assert ns["metadata"]["name"] == namespace


def test_discovery_finds_resources_outside_the_built_in_table(kube: Kube) -> None:
    info = kube.resource_info(GVR("apps", "v1", "controllerrevisions"))
    assert (info.kind, info.namespaced) == ("ControllerRevision", True)


def _crd(group: str) -> dict[str, Any]:
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": f"widgets.{group}"},
        "spec": {
            "group": group,
            "scope": "Namespaced",
            "names": {"plural": "widgets", "singular": "widget", "kind": "Widget"},
            "versions": [
                {
                    "name": "v1",
                    "served": True,
                    "storage": True,
                    "schema": {
                        "openAPIV3Schema": {
                            "type": "object",
                            "x-kubernetes-preserve-unknown-fields": True,
                        }
                    },
                }
            ],
        },
    }


def test_custom_resource_created_after_its_definition_is_discovered(
    kube: Kube, namespace: str
) -> None:
    group = f"{namespace}.example.com"
    spec = f"apiVersion: {group}/v1\nkind: Widget\nmetadata: {{name: w}}\nspec: {{size: 3}}\n"
    with pytest.raises(NotFoundError, match='no kind "Widget"'):
        kube.create_objects(spec, namespace)
    crds = GVR("apiextensions.k8s.io", "v1", "customresourcedefinitions")
    kube.create(crds, _crd(group))
    try:
        kube.wait_for(crds, f"widgets.{group}", "", lambda crd: crd, timeout=10, what="the CRD")
        refs = kube.create_objects(spec, namespace)
        assert refs == [ObjectRef(GVR(group, "v1", "widgets"), "w", namespace, "Widget")]
        assert kube.get(refs[0].gvr, "w", namespace)["spec"] == {"size": 3}
    finally:
        kube.delete(crds, f"widgets.{group}")


def test_discovery_of_an_unknown_resource_is_not_found(kube: Kube) -> None:
    with pytest.raises(NotFoundError, match='no resource "gadgets"'):
        kube.resource_info(GVR("example.com", "v1", "gadgets"))


def test_get_missing_object_is_not_found_with_the_status_message(
    kube: Kube, namespace: str
) -> None:
    with pytest.raises(NotFoundError) as info:
        kube.read_secret(namespace, "absent")
    assert info.value.message == 'secrets "absent" not found'


def test_create_of_an_existing_object_is_a_conflict(kube: Kube, namespace: str) -> None:
    kube.create(CONFIGMAPS, _configmap("twice"), namespace)
    with pytest.raises(ConflictError, match='configmaps "twice" already exists'):
        kube.create(CONFIGMAPS, _configmap("twice"), namespace)


def test_forbidden_read_is_a_forbidden_error_without_secret_data(
    kube: Kube, namespace: str, cluster: Any
) -> None:
    kube.create(
        SECRETS,
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": "s"},
            "stringData": {"password": "hunter2"},
        },
        namespace,
    )
    cluster.forbid(verb="get", resource="secrets", namespace=namespace)
    with pytest.raises(ForbiddenError) as info:
        kube.read_secret(namespace, "s")
    assert 'secrets "s" is forbidden' in info.value.message
    assert "hunter2" not in info.value.message
    assert "\n" not in info.value.message


def test_can_i_reports_allowed_and_denied(kube: Kube, namespace: str, cluster: Any) -> None:
    assert kube.can_i("create", "pods", namespace=namespace).allowed
    assert kube.can_i("create", "pods", subresource="exec", namespace=namespace).allowed
    cluster.forbid(verb="create", resource="pods/exec", namespace=namespace)
    review = kube.can_i("create", "pods", subresource="exec", namespace=namespace)
    assert not review.allowed
    assert kube.can_i("create", "pods", namespace=namespace).allowed


def test_server_version_answers(kube: Kube) -> None:
    assert "gitVersion" in kube.server_version()
