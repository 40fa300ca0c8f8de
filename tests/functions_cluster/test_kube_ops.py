"""KubeOps on the test cluster: create (multi-document, namespaces), patch, delete, errors."""

from __future__ import annotations

from typing import Any

import pytest

from kancli.errors import KancliError
from kancli.kube.resources import CONFIGMAPS, SECRETS
from tests.functions_cluster.conftest import FunctionRunner

pytestmark = pytest.mark.cluster

SPEC = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: fast
---
apiVersion: v1
kind: Secret
metadata:
  name: token
stringData:
  value: s3cr3t
"""


def test_create_makes_every_object_and_returns_the_last(funcs: FunctionRunner) -> None:
    out, _ = funcs.run(
        "KubeOps", {"operation": "create", "spec": SPEC, "namespace": funcs.namespace}
    )
    assert out == {
        "apiVersion": "v1",
        "group": "",
        "resource": "secrets",
        "kind": "",
        "name": "token",
        "namespace": funcs.namespace,
    }
    assert funcs.kube.get(CONFIGMAPS, "settings", funcs.namespace)["data"] == {"mode": "fast"}
    assert funcs.kube.get(SECRETS, "token", funcs.namespace)["metadata"]["name"] == "token"


def test_create_uses_the_specs_namespace_over_the_argument(
    funcs: FunctionRunner, cluster: Any
) -> None:
    other = f"{funcs.namespace}-b"
    cluster.create_namespace(other)
    try:
        spec = (
            '{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", '
            f'"namespace": "{other}"}}, "spec": {{"replicas": 0, "selector": {{"matchLabels": '
            '{"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": '
            '{"containers": [{"name": "app", "image": "busybox:1.36"}]}}}}'
        )
        out, _ = funcs.run(
            "KubeOps", {"operation": "create", "spec": spec, "namespace": funcs.namespace}
        )
        assert out == {
            "apiVersion": "v1",
            "group": "apps",
            "resource": "deployments",
            "kind": "",
            "name": "web",
            "namespace": other,
        }
    finally:
        cluster.delete_namespace(other)


def test_create_of_a_cluster_scoped_object_has_no_namespace_key(funcs: FunctionRunner) -> None:
    name = f"{funcs.namespace}-made"
    spec = f"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {name}\n"
    out, _ = funcs.run(
        "KubeOps", {"operation": "create", "spec": spec, "namespace": funcs.namespace}
    )
    try:
        assert out == {
            "apiVersion": "v1",
            "group": "",
            "resource": "namespaces",
            "kind": "",
            "name": name,
        }
    finally:
        funcs.run(
            "KubeOps",
            {
                "operation": "delete",
                "objectReference": {"apiVersion": "v1", "resource": "namespaces", "name": name},
            },
        )


def test_patch_is_a_strategic_merge(funcs: FunctionRunner) -> None:
    funcs.run("KubeOps", {"operation": "create", "spec": SPEC, "namespace": funcs.namespace})
    ref = {
        "apiVersion": "v1",
        "resource": "configmaps",
        "name": "settings",
        "namespace": funcs.namespace,
    }
    out, _ = funcs.run(
        "KubeOps",
        {"operation": "patch", "objectReference": ref, "spec": "data:\n  extra: yes-please\n"},
    )
    assert out == {**ref, "group": "", "kind": ""}
    data = funcs.kube.get(CONFIGMAPS, "settings", funcs.namespace)["data"]
    assert data == {"mode": "fast", "extra": "yes-please"}


def test_delete_waits_until_gone_using_the_argument_namespace(funcs: FunctionRunner) -> None:
    funcs.run("KubeOps", {"operation": "create", "spec": SPEC, "namespace": funcs.namespace})
    ref = {"apiVersion": "v1", "resource": "configmaps", "name": "settings"}
    out, _ = funcs.run(
        "KubeOps", {"operation": "delete", "objectReference": ref, "namespace": funcs.namespace}
    )
    assert out == {**ref, "group": "", "kind": "", "namespace": funcs.namespace}
    assert funcs.kube.get_or_none(CONFIGMAPS, "settings", funcs.namespace) is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param({"operation": "explode"}, "invalid operation 'explode'", id="bad-op"),
        pytest.param(
            {"operation": "create"}, "spec cannot be empty for create operation", id="no-spec"
        ),
        pytest.param(
            {
                "operation": "patch",
                "objectReference": {"apiVersion": "v1", "resource": "configmaps", "name": "x"},
            },
            "spec cannot be empty for patch operation",
            id="patch-without-spec",
        ),
        pytest.param(
            {
                "operation": "delete",
                "objectReference": {"apiVersion": "v1", "resource": "configmaps", "name": "gone"},
            },
            'configmaps "gone" not found',
            id="delete-missing",
        ),
    ],
)
def test_kube_ops_errors(funcs: FunctionRunner, args: dict[str, Any], message: str) -> None:
    with pytest.raises(KancliError) as info:
        funcs.run("KubeOps", {"namespace": funcs.namespace, **args})
    assert message in info.value.message
