"""CRUD semantics through the official client: errors as a real server words them, optimistic
concurrency, selectors, the patch flavours, secrets, ownership and cascading deletion."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from kubernetes import client
from kubernetes.client.rest import ApiException

from tests.cluster.session import ClusterSession
from tests.cluster_conformance.conftest import Kubectl, pod_body, wait_until


def _status(exc: ApiException) -> dict[str, Any]:
    return json.loads(exc.body)  # type: ignore[no-any-return]


def _configmap(name: str, labels: dict[str, str] | None = None, **data: str) -> dict[str, Any]:
    return {"metadata": {"name": name, "labels": labels or {}}, "data": data}


def test_missing_object_is_a_404_status_worded_like_a_real_server(
    core: client.CoreV1Api, namespace: str
) -> None:
    with pytest.raises(ApiException) as info:
        core.read_namespaced_pod("nope", namespace)
    status = _status(info.value)
    assert info.value.status == 404
    assert status["reason"] == "NotFound"
    assert status["message"] == 'pods "nope" not found'
    assert status["details"] == {"name": "nope", "kind": "pods"}


def test_creating_an_existing_name_is_a_409_already_exists(
    core: client.CoreV1Api, namespace: str
) -> None:
    core.create_namespaced_config_map(namespace, _configmap("c"))
    with pytest.raises(ApiException) as info:
        core.create_namespaced_config_map(namespace, _configmap("c"))
    assert info.value.status == 409
    assert _status(info.value)["reason"] == "AlreadyExists"
    assert _status(info.value)["message"] == 'configmaps "c" already exists'


def test_update_with_a_stale_resource_version_is_a_409_conflict(
    core: client.CoreV1Api, namespace: str
) -> None:
    first = core.create_namespaced_config_map(namespace, _configmap("c", a="1"))
    core.patch_namespaced_config_map("c", namespace, {"data": {"a": "2"}})
    first.data = {"a": "3"}
    with pytest.raises(ApiException) as info:
        core.replace_namespaced_config_map("c", namespace, first)
    assert info.value.status == 409
    assert _status(info.value)["message"] == (
        'Operation cannot be fulfilled on configmaps "c": the object has been modified; please '
        "apply your changes to the latest version and try again"
    )


def test_write_bumps_resource_version_and_keeps_uid_and_creation_time(
    core: client.CoreV1Api, namespace: str
) -> None:
    created = core.create_namespaced_config_map(namespace, _configmap("c", a="1"))
    patched = core.patch_namespaced_config_map("c", namespace, {"data": {"a": "2"}})
    assert int(patched.metadata.resource_version) > int(created.metadata.resource_version)
    assert patched.metadata.uid == created.metadata.uid
    assert patched.metadata.creation_timestamp == created.metadata.creation_timestamp


def test_generate_name_gets_five_random_characters(core: client.CoreV1Api, namespace: str) -> None:
    body = {"metadata": {"generateName": "job-"}, "data": {}}
    name = core.create_namespaced_config_map(namespace, body).metadata.name
    assert name.startswith("job-")
    assert len(name) == len("job-") + 5


def test_invalid_object_is_a_422_with_causes(core: client.CoreV1Api, namespace: str) -> None:
    body = {"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c"}]}}
    with pytest.raises(ApiException) as info:
        core.create_namespaced_pod(namespace, body)
    status = _status(info.value)
    assert info.value.status == 422
    assert status["reason"] == "Invalid"
    assert status["message"] == 'Pod "p" is invalid: spec.containers[0].image: Required value'
    assert status["details"]["causes"] == [
        {
            "reason": "FieldValueRequired",
            "message": "Required value",
            "field": "spec.containers[0].image",
        }
    ]


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        pytest.param("tier=web", ["a", "b"], id="equals"),
        pytest.param("tier==web", ["a", "b"], id="double-equals"),
        pytest.param("tier!=web", ["c", "d"], id="not-equals-includes-unlabelled"),
        pytest.param("tier in (web,db)", ["a", "b", "c"], id="in"),
        pytest.param("tier notin (web)", ["c", "d"], id="notin"),
        pytest.param("tier", ["a", "b", "c"], id="exists"),
        pytest.param("!tier", ["d"], id="not-exists"),
        pytest.param("tier=web,env=prod", ["a"], id="and"),
    ],
)
def test_label_selectors_filter_lists(
    core: client.CoreV1Api, namespace: str, selector: str, expected: list[str]
) -> None:
    for name, labels in (
        ("a", {"tier": "web", "env": "prod"}),
        ("b", {"tier": "web"}),
        ("c", {"tier": "db"}),
        ("d", {}),
    ):
        core.create_namespaced_config_map(namespace, _configmap(name, labels))
    listed = core.list_namespaced_config_map(namespace, label_selector=selector)
    names = [i.metadata.name for i in listed.items if i.metadata.name != "kube-root-ca.crt"]
    assert names == expected


def test_field_selector_on_name_and_pod_phase(core: client.CoreV1Api, namespace: str) -> None:
    core.create_namespaced_config_map(namespace, _configmap("x"))
    core.create_namespaced_config_map(namespace, _configmap("y"))
    names = core.list_namespaced_config_map(namespace, field_selector="metadata.name=y")
    assert [i.metadata.name for i in names.items] == ["y"]
    pending = core.list_namespaced_pod(namespace, field_selector="status.phase=Running")
    assert pending.items == []


def test_unknown_field_selector_is_a_400(core: client.CoreV1Api, namespace: str) -> None:
    with pytest.raises(ApiException) as info:
        core.list_namespaced_config_map(namespace, field_selector="spec.nothing=1")
    assert info.value.status == 400
    assert _status(info.value)["message"] == "field label not supported: spec.nothing"


def test_list_limit_is_accepted(core: client.CoreV1Api, namespace: str) -> None:
    core.create_namespaced_config_map(namespace, _configmap("x"))
    listed = core.list_namespaced_config_map(namespace, limit=1)
    assert "x" in [i.metadata.name for i in listed.items]


def test_secret_string_data_is_merged_into_base64_data(
    core: client.CoreV1Api, namespace: str
) -> None:
    body = {
        "metadata": {"name": "s"},
        "data": {"a": base64.b64encode(b"one").decode()},
        "stringData": {"b": "two"},
    }
    created = core.create_namespaced_secret(namespace, body)
    assert created.type == "Opaque"
    assert created.string_data is None
    assert {k: base64.b64decode(v) for k, v in created.data.items()} == {"a": b"one", "b": b"two"}


def _deployment_body(name: str) -> dict[str, Any]:
    return {
        "metadata": {"name": name},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {
                    "containers": [
                        {
                            "name": "main",
                            "image": "busybox:1.36",
                            "command": ["sleep", "3600"],
                            "env": [{"name": "A", "value": "1"}],
                        },
                        {"name": "side", "image": "busybox:1.36", "command": ["sleep", "3600"]},
                    ]
                },
            },
        },
    }


def test_strategic_merge_patch_merges_containers_and_env_by_name(
    apps: client.AppsV1Api, namespace: str
) -> None:
    apps.create_namespaced_deployment(namespace, _deployment_body("d"))
    apps.patch_namespaced_deployment_scale("d", namespace, {"spec": {"replicas": 0}})
    patch = {
        "spec": {
            "template": {
                "spec": {
                    "containers": [
                        {"name": "side", "image": "busybox:1.37"},
                        {"name": "main", "env": [{"name": "B", "value": "2"}]},
                    ]
                }
            }
        }
    }
    patched = apps.patch_namespaced_deployment("d", namespace, patch)
    containers = {c.name: c for c in patched.spec.template.spec.containers}
    assert [c.name for c in patched.spec.template.spec.containers] == ["main", "side"]
    assert containers["side"].image == "busybox:1.37"
    assert containers["side"].command == ["sleep", "3600"]
    assert [(e.name, e.value) for e in containers["main"].env] == [("A", "1"), ("B", "2")]
    assert patched.metadata.generation == 3


def test_json_patch_edits_paths_and_merge_patch_replaces_lists(
    core: client.CoreV1Api, namespace: str
) -> None:
    core.create_namespaced_config_map(namespace, _configmap("c", a="1", b="2"))
    ops = [{"op": "remove", "path": "/data/a"}, {"op": "add", "path": "/data/c", "value": "3"}]
    patched = core.patch_namespaced_config_map("c", namespace, ops)
    assert patched.data == {"b": "2", "c": "3"}
    core.patch_namespaced_config_map("c", namespace, {"metadata": {"finalizers": ["x/a", "x/b"]}})
    merged = core.patch_namespaced_config_map(
        "c",
        namespace,
        {"data": {"b": None}, "metadata": {"finalizers": ["x/c"]}},
        _content_type="application/merge-patch+json",
    )
    assert merged.data == {"c": "3"}
    assert merged.metadata.finalizers == ["x/c"]
    core.patch_namespaced_config_map(
        "c", namespace, [{"op": "remove", "path": "/metadata/finalizers"}]
    )


def test_scale_subresource_reads_and_writes_replicas(
    apps: client.AppsV1Api, namespace: str
) -> None:
    apps.create_namespaced_deployment(namespace, _deployment_body("d"))
    apps.patch_namespaced_deployment_scale("d", namespace, {"spec": {"replicas": 0}})
    scale = apps.read_namespaced_deployment_scale("d", namespace)
    assert scale.kind == "Scale"
    assert scale.spec.replicas == 0
    assert scale.status.selector == "app=d"
    assert apps.read_namespaced_deployment("d", namespace).spec.replicas == 0


def test_deleting_a_deployment_collects_its_replicasets_and_pods(
    apps: client.AppsV1Api, core: client.CoreV1Api, namespace: str
) -> None:
    apps.create_namespaced_deployment(namespace, _deployment_body("d"))
    wait_until(lambda: core.list_namespaced_pod(namespace).items, 30, "a pod")
    apps.delete_namespaced_deployment("d", namespace, grace_period_seconds=0)
    wait_until(lambda: not apps.list_namespaced_replica_set(namespace).items, 30, "rs gone")
    wait_until(lambda: not core.list_namespaced_pod(namespace).items, 60, "pods gone")


def test_orphan_propagation_keeps_dependents_without_the_owner_reference(
    apps: client.AppsV1Api, namespace: str
) -> None:
    apps.create_namespaced_deployment(namespace, _deployment_body("d"))
    apps.patch_namespaced_deployment_scale("d", namespace, {"spec": {"replicas": 0}})
    wait_until(lambda: apps.list_namespaced_replica_set(namespace).items, 30, "a replicaset")
    apps.delete_namespaced_deployment("d", namespace, propagation_policy="Orphan")
    rs = apps.list_namespaced_replica_set(namespace).items
    assert len(rs) == 1
    assert not rs[0].metadata.owner_references


def test_deleting_a_namespace_removes_its_contents(
    cluster: ClusterSession, core: client.CoreV1Api
) -> None:
    core.create_namespace({"metadata": {"name": "doomed-ns"}})
    core.create_namespaced_config_map("doomed-ns", _configmap("c"))
    answer = json.loads(core.delete_namespace("doomed-ns", _preload_content=False).data)
    assert answer["kind"] == "Namespace"
    assert answer["status"]["phase"] == "Terminating"
    assert answer["metadata"]["deletionTimestamp"]
    with pytest.raises(ApiException) as info:
        core.create_namespaced_config_map("doomed-ns", _configmap("d"))
    assert info.value.status == 403
    assert "because it is being terminated" in _status(info.value)["message"]

    def absent() -> bool:
        try:
            core.read_namespace("doomed-ns")
        except ApiException as exc:
            return exc.status == 404
        return False

    wait_until(absent, 30, "namespace gone")


def test_new_namespace_has_a_default_service_account(
    core: client.CoreV1Api, namespace: str
) -> None:
    accounts = core.list_namespaced_service_account(namespace)
    assert [sa.metadata.name for sa in accounts.items] == ["default"]


def test_forbidden_request_gets_rbac_wording(
    cluster: ClusterSession, core: client.CoreV1Api, kubectl: Kubectl, namespace: str
) -> None:
    core.create_namespaced_config_map(namespace, _configmap("c"))
    with cluster.forbid(verb="get", resource="configmaps", namespace=namespace):
        with pytest.raises(ApiException) as info:
            core.read_namespaced_config_map("c", namespace)
        result = kubectl("get", "configmap", "c", check=False)
    assert info.value.status == 403
    assert _status(info.value)["message"] == (
        'configmaps "c" is forbidden: User "kubernetes-admin" cannot get resource "configmaps" '
        f'in API group "" in the namespace "{namespace}"'
    )
    assert "Error from server (Forbidden)" in result.stderr.decode()
    assert core.read_namespaced_config_map("c", namespace).metadata.name == "c"


def test_self_subject_access_review_follows_the_rules(
    cluster: ClusterSession, api_client: client.ApiClient, kubectl: Kubectl, namespace: str
) -> None:
    authz = client.AuthorizationV1Api(api_client)

    def review(verb: str, resource: str, sub: str = "") -> bool:
        body = {
            "spec": {
                "resourceAttributes": {
                    "verb": verb,
                    "resource": resource,
                    "subresource": sub,
                    "namespace": namespace,
                }
            }
        }
        return bool(authz.create_self_subject_access_review(body).status.allowed)

    assert review("create", "pods", "exec")
    with cluster.forbid(verb="create", resource="pods/exec", namespace=namespace):
        assert not review("create", "pods", "exec")
        assert review("create", "pods")
        assert (
            kubectl.text(
                "auth", "can-i", "create", "pods", "--subresource=exec", check=False
            ).strip()
            == "no"
        )
    assert kubectl.text("auth", "can-i", "create", "pods", "--subresource=exec").strip() == "yes"


def test_delete_collection_removes_the_selected_pods_only(
    core: client.CoreV1Api, namespace: str
) -> None:
    for name, tier in (("a", "x"), ("b", "x"), ("c", "y")):
        body = pod_body(name, ["sleep", "60"], labels={"tier": tier})
        core.create_namespaced_pod(namespace, body)
    core.delete_collection_namespaced_pod(
        namespace, label_selector="tier=x", grace_period_seconds=0
    )
    wait_until(
        lambda: [p.metadata.name for p in core.list_namespaced_pod(namespace).items] == ["c"],
        60,
        "only c left",
    )


def test_server_side_apply_creates_then_updates(
    kubectl: Kubectl, core: client.CoreV1Api, namespace: str
) -> None:
    manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  k: '{}'\n"
    kubectl("apply", "--server-side", "-f", "-", input=manifest.format(1))
    kubectl("apply", "--server-side", "-f", "-", input=manifest.format(2))
    assert core.read_namespaced_config_map("ssa", namespace).data == {"k": "2"}


def test_status_subresource_writes_only_status(apps: client.AppsV1Api, namespace: str) -> None:
    apps.create_namespaced_deployment(namespace, _deployment_body("d"))
    apps.patch_namespaced_deployment_scale("d", namespace, {"spec": {"replicas": 0}})
    patched = apps.patch_namespaced_deployment_status(
        "d", namespace, {"spec": {"replicas": 5}, "status": {"conditions": []}}
    )
    assert patched.spec.replicas == 0
    ignored = apps.patch_namespaced_deployment("d", namespace, {"status": {"replicas": 9}})
    assert ignored.status.replicas != 9


def test_put_on_a_collection_is_a_405(kubectl: Kubectl, tmp_path: Path) -> None:
    body = tmp_path / "body.json"
    body.write_text("{}")
    result = kubectl(
        "replace", "--raw", "/api/v1/namespaces/default/pods", "-f", str(body), check=False
    )
    assert result.returncode == 1
    assert result.stderr.decode().strip() == (
        "Error from server (MethodNotAllowed): the server does not allow this method on the "
        "requested resource"
    )
