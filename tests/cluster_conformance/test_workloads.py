"""Deployments, ReplicaSets and StatefulSets as kubectl drives them, and the objects their
controllers produce (the ones Kanister's workload params are computed from)."""

from __future__ import annotations

import re
import subprocess
from typing import Any

import yaml
from kubernetes import client

from tests.cluster_conformance.conftest import IDLE, IMAGE, Kubectl, wait_until

REVISION = "deployment.kubernetes.io/revision"


def _deployment(name: str, replicas: int, command: list[str] = IDLE) -> str:
    return yaml.safe_dump(
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": name, "labels": {"app": name}},
            "spec": {
                "replicas": replicas,
                "selector": {"matchLabels": {"app": name}},
                "template": {
                    "metadata": {"labels": {"app": name}},
                    "spec": {
                        "terminationGracePeriodSeconds": 1,
                        "containers": [{"name": "main", "image": IMAGE, "command": command}],
                    },
                },
            },
        }
    )


def _statefulset(name: str, replicas: int) -> str:
    return yaml.safe_dump(
        {
            "apiVersion": "apps/v1",
            "kind": "StatefulSet",
            "metadata": {"name": name},
            "spec": {
                "replicas": replicas,
                "serviceName": name,
                "selector": {"matchLabels": {"app": name}},
                "template": {
                    "metadata": {"labels": {"app": name}},
                    "spec": {
                        "terminationGracePeriodSeconds": 1,
                        "containers": [
                            {
                                "name": "main",
                                "image": IMAGE,
                                "command": IDLE,
                                "volumeMounts": [{"name": "data", "mountPath": "/data"}],
                            }
                        ],
                    },
                },
                "volumeClaimTemplates": [
                    {
                        "metadata": {"name": "data"},
                        "spec": {
                            "accessModes": ["ReadWriteOnce"],
                            "resources": {"requests": {"storage": "1Gi"}},
                        },
                    }
                ],
            },
        }
    )


def _owner_uids(obj: Any) -> list[str]:
    return [ref.uid for ref in obj.metadata.owner_references or []]


def test_apply_rollout_status_and_wait_for_ready_pods(kubectl: Kubectl) -> None:
    assert "deployment.apps/web created" in kubectl.text(
        "apply", "-f", "-", input=_deployment("web", 2)
    )
    out = kubectl.text("rollout", "status", "deployment/web", "--timeout=60s")
    assert 'deployment "web" successfully rolled out' in out
    kubectl("wait", "--for=condition=Ready", "pod", "-l", "app=web", "--timeout=60s")
    table = kubectl.text("get", "deployment", "web")
    assert re.search(r"^web\s+2/2\s+2\s+2\s", table, re.M)


def test_deployment_owns_a_revisioned_replicaset_that_owns_running_pods(
    kubectl: Kubectl, apps: client.AppsV1Api, core: client.CoreV1Api, namespace: str
) -> None:
    kubectl("apply", "-f", "-", input=_deployment("web", 2))
    kubectl("rollout", "status", "deployment/web", "--timeout=60s")
    deploy = apps.read_namespaced_deployment("web", namespace)
    (rs,) = apps.list_namespaced_replica_set(namespace).items
    pods = core.list_namespaced_pod(namespace).items
    template_hash = rs.metadata.labels["pod-template-hash"]
    assert rs.metadata.name == f"web-{template_hash}"
    assert _owner_uids(rs) == [deploy.metadata.uid]
    assert rs.metadata.annotations[REVISION] == deploy.metadata.annotations[REVISION] == "1"
    assert len(pods) == 2
    for pod in pods:
        assert re.fullmatch(
            rf"web-{template_hash}-[bcdfghjklmnpqrstvwxz2456789]{{5}}", pod.metadata.name
        )
        assert _owner_uids(pod) == [rs.metadata.uid]
        assert pod.metadata.labels["pod-template-hash"] == template_hash
        assert pod.status.phase == "Running"
        assert pod.spec.node_name
        assert pod.status.pod_ip == "127.0.0.1"
    status = deploy.status
    assert (
        status.replicas,
        status.ready_replicas,
        status.available_replicas,
        status.updated_replicas,
    ) == (2, 2, 2, 2)
    assert status.observed_generation == deploy.metadata.generation
    conditions = {c.type: (c.status, c.reason) for c in status.conditions}
    assert conditions == {
        "Available": ("True", "MinimumReplicasAvailable"),
        "Progressing": ("True", "NewReplicaSetAvailable"),
    }


def test_template_change_creates_the_next_revision_and_retires_the_old_replicaset(
    kubectl: Kubectl, apps: client.AppsV1Api, core: client.CoreV1Api, namespace: str
) -> None:
    kubectl("apply", "-f", "-", input=_deployment("web", 1))
    kubectl("rollout", "status", "deployment/web", "--timeout=60s")
    kubectl("set", "env", "deployment/web", "MODE=two")
    kubectl("rollout", "status", "deployment/web", "--timeout=60s")
    deploy = apps.read_namespaced_deployment("web", namespace)
    sets = {
        rs.metadata.annotations[REVISION]: rs
        for rs in apps.list_namespaced_replica_set(namespace).items
    }
    assert sorted(sets) == ["1", "2"]
    assert deploy.metadata.annotations[REVISION] == "2"
    assert sets["1"].spec.replicas == 0
    wait_until(
        lambda: (
            [
                p
                for p in core.list_namespaced_pod(namespace).items
                if _owner_uids(p) == [sets["2"].metadata.uid] and p.status.phase == "Running"
            ]
            and len(core.list_namespaced_pod(namespace).items) == 1
        ),
        60,
        "old pod gone",
    )


def test_kubectl_scale_up_and_down(
    kubectl: Kubectl, core: client.CoreV1Api, namespace: str
) -> None:
    kubectl("apply", "-f", "-", input=_deployment("web", 1))
    kubectl("rollout", "status", "deployment/web", "--timeout=60s")
    assert "scaled" in kubectl.text("scale", "deployment/web", "--replicas=3")
    kubectl("rollout", "status", "deployment/web", "--timeout=60s")
    assert len(core.list_namespaced_pod(namespace, label_selector="app=web").items) == 3
    kubectl("scale", "deployment/web", "--replicas=0")
    wait_until(
        lambda: not core.list_namespaced_pod(namespace, label_selector="app=web").items,
        60,
        "pods removed",
    )


def test_kubectl_logs_follow_streams_until_the_container_exits(kubectl: Kubectl) -> None:
    kubectl(
        "run",
        "talker",
        f"--image={IMAGE}",
        "--restart=Never",
        "--",
        "sh",
        "-c",
        "for i in 1 2 3; do echo line $i; sleep 0.3; done",
    )
    kubectl("wait", "--for=jsonpath={.status.phase}=Running", "pod/talker", "--timeout=60s")
    out = kubectl.text("logs", "-f", "talker", timeout=60)
    assert out == "line 1\nline 2\nline 3\n"


def test_kubectl_delete_wait_returns_once_pods_are_gone(
    kubectl: Kubectl, core: client.CoreV1Api, namespace: str
) -> None:
    kubectl("apply", "-f", "-", input=_deployment("web", 2))
    kubectl("rollout", "status", "deployment/web", "--timeout=60s")
    kubectl("delete", "deployment", "web", "--wait", "--cascade=foreground", "--timeout=60s")
    assert core.list_namespaced_pod(namespace).items == []


def test_statefulset_creates_ordered_pods_with_claims_and_keeps_claims_on_scale_down(
    kubectl: Kubectl, apps: client.AppsV1Api, core: client.CoreV1Api, namespace: str
) -> None:
    kubectl("apply", "-f", "-", input=_statefulset("db", 3))
    out = kubectl.text("rollout", "status", "statefulset/db", "--timeout=90s")
    assert "partitioned roll out complete" in out or "roll out complete" in out
    sts = apps.read_namespaced_stateful_set("db", namespace)
    pods = sorted(core.list_namespaced_pod(namespace).items, key=lambda p: p.metadata.name)
    assert [p.metadata.name for p in pods] == ["db-0", "db-1", "db-2"]
    started = [p.status.start_time for p in pods]
    assert started == sorted(started)
    for ordinal, pod in enumerate(pods):
        assert _owner_uids(pod) == [sts.metadata.uid]
        assert pod.metadata.labels["statefulset.kubernetes.io/pod-name"] == pod.metadata.name
        assert pod.metadata.labels["apps.kubernetes.io/pod-index"] == str(ordinal)
        (volume,) = pod.spec.volumes
        assert volume.name == "data"
        assert volume.persistent_volume_claim.claim_name == f"data-db-{ordinal}"
    claims = core.list_namespaced_persistent_volume_claim(namespace).items
    assert sorted(c.metadata.name for c in claims) == ["data-db-0", "data-db-1", "data-db-2"]
    assert {c.status.phase for c in claims} == {"Bound"}
    assert sts.status.ready_replicas == 3
    assert sts.status.current_revision == sts.status.update_revision
    kubectl("scale", "statefulset/db", "--replicas=1")
    wait_until(
        lambda: [p.metadata.name for p in core.list_namespaced_pod(namespace).items] == ["db-0"],
        60,
        "scale down to db-0",
    )
    claims = core.list_namespaced_persistent_volume_claim(namespace).items
    assert len(claims) == 3


def test_statefulset_pod_writes_land_in_its_claim(
    kubectl: Kubectl, core: client.CoreV1Api, namespace: str
) -> None:
    kubectl("apply", "-f", "-", input=_statefulset("db", 1))
    kubectl("rollout", "status", "statefulset/db", "--timeout=60s")
    kubectl("exec", "db-0", "--", "sh", "-c", "echo kept > /data/file")
    kubectl("delete", "pod", "db-0", "--wait", "--timeout=60s")

    def recreated() -> bool:
        pods = core.list_namespaced_pod(namespace).items
        return [(p.metadata.deletion_timestamp, p.status.phase) for p in pods] == [
            (None, "Running")
        ]

    wait_until(recreated, 60, "db-0 back")
    assert kubectl.text("exec", "db-0", "--", "cat", "/data/file") == "kept\n"


def test_reapplying_an_edited_manifest_removes_and_reorders_fields(
    kubectl: Kubectl, apps: client.AppsV1Api, namespace: str
) -> None:
    first = yaml.safe_load(_deployment("web", 0))
    containers = first["spec"]["template"]["spec"]["containers"]
    containers[0]["env"] = [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]
    containers.append({"name": "side", "image": IMAGE, "command": IDLE})
    kubectl("apply", "-f", "-", input=yaml.safe_dump(first))
    second = yaml.safe_load(_deployment("web", 0))
    second["spec"]["template"]["spec"]["containers"] = [
        {"name": "side", "image": IMAGE, "command": IDLE},
        {**containers[0], "env": [{"name": "B", "value": "3"}]},
    ]
    assert "configured" in kubectl.text("apply", "-f", "-", input=yaml.safe_dump(second))
    spec = apps.read_namespaced_deployment("web", namespace).spec.template.spec
    by_name = {c.name: c for c in spec.containers}
    assert set(by_name) == {"main", "side"}
    assert [(e.name, e.value) for e in by_name["main"].env] == [("B", "3")]


def test_kubectl_wait_for_delete_sees_background_cascade_finish(
    kubectl: Kubectl, core: client.CoreV1Api, namespace: str
) -> None:
    kubectl("apply", "-f", "-", input=_deployment("web", 1))
    kubectl("rollout", "status", "deployment/web", "--timeout=60s")
    kubectl("delete", "deployment", "web", "--wait=false")
    kubectl("wait", "--for=delete", "pod", "-l", "app=web", "--timeout=60s")
    assert core.list_namespaced_pod(namespace).items == []


def test_kubectl_get_watch_prints_table_rows_as_the_pod_progresses(kubectl: Kubectl) -> None:
    kubectl("run", "progress", f"--image={IMAGE}", "--restart=Never", "--", "sleep", "1")
    proc = subprocess.Popen(
        [
            "kubectl",
            "--kubeconfig",
            kubectl.kubeconfig,
            "-n",
            kubectl.namespace,
            "get",
            "pod",
            "progress",
            "--watch",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    lines: list[list[str]] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line.split())
            if lines[-1][2] == "Completed":
                break
    finally:
        proc.kill()
        proc.communicate()
    assert lines[0][:3] == ["NAME", "READY", "STATUS"]
    assert [row[2] for row in lines[1:]][-1] == "Completed"
    assert all(row[0] == "progress" for row in lines[1:])
