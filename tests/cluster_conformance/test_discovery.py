"""Discovery: what kubectl and the dynamic client learn about the served types."""

from __future__ import annotations

import json

import pytest
from kubernetes import client, dynamic

from tests.cluster_conformance.conftest import Kubectl


def _raw(kubectl: Kubectl, path: str) -> dict:  # type: ignore[type-arg]
    return json.loads(kubectl.text("get", "--raw", path))


@pytest.mark.parametrize(
    ("path", "resource", "kind", "verbs"),
    [
        pytest.param("/api/v1", "pods/exec", "PodExecOptions", ["create", "get"], id="pods-exec"),
        pytest.param("/api/v1", "pods/log", "Pod", ["get"], id="pods-log"),
        pytest.param("/api/v1", "pods/status", "Pod", ["get", "patch", "update"], id="pods-status"),
        pytest.param(
            "/apis/apps/v1",
            "deployments/scale",
            "Scale",
            ["get", "patch", "update"],
            id="deployments-scale",
        ),
        pytest.param(
            "/apis/apps/v1",
            "statefulsets/scale",
            "Scale",
            ["get", "patch", "update"],
            id="statefulsets-scale",
        ),
        pytest.param(
            "/apis/authorization.k8s.io/v1",
            "selfsubjectaccessreviews",
            "SelfSubjectAccessReview",
            ["create"],
            id="ssar",
        ),
    ],
)
def test_resource_lists_name_subresources_with_their_kind_and_verbs(
    kubectl: Kubectl, path: str, resource: str, kind: str, verbs: list[str]
) -> None:
    listed = {r["name"]: r for r in _raw(kubectl, path)["resources"]}
    assert listed[resource]["kind"] == kind
    assert sorted(listed[resource]["verbs"]) == verbs


def test_kubectl_api_resources_knows_short_names(kubectl: Kubectl) -> None:
    out = kubectl.text("api-resources", "--no-headers")
    rows = {line.split()[0]: line.split() for line in out.splitlines()}
    assert rows["pods"][1] == "po"
    assert rows["deployments"][1] == "deploy"
    assert rows["statefulsets"][1] == "sts"
    assert rows["persistentvolumeclaims"][1] == "pvc"


def test_version_answers_like_a_1_32_server(kubectl: Kubectl) -> None:
    version = _raw(kubectl, "/version")
    assert (version["major"], version["minor"]) == ("1", "32")


def test_dynamic_client_finds_crd_types_once_the_crd_exists(
    api_client: client.ApiClient, namespace: str
) -> None:
    ext = client.ApiextensionsV1Api(api_client)
    crd = {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.kancli.io"},
        "spec": {
            "group": "example.kancli.io",
            "scope": "Namespaced",
            "names": {
                "plural": "widgets",
                "singular": "widget",
                "kind": "Widget",
                "shortNames": ["wdg"],
            },
            "versions": [
                {
                    "name": "v1alpha1",
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
    ext.create_custom_resource_definition(crd)
    try:
        widgets = dynamic.DynamicClient(api_client).resources.get(
            api_version="example.kancli.io/v1alpha1", kind="Widget"
        )
        widgets.create(
            body={
                "apiVersion": "example.kancli.io/v1alpha1",
                "kind": "Widget",
                "metadata": {"name": "w1"},
                "spec": {"size": 3},
            },
            namespace=namespace,
        )
        got = widgets.get(name="w1", namespace=namespace)
        assert got.spec.size == 3
        assert got.metadata.generation == 1
    finally:
        ext.delete_custom_resource_definition("widgets.example.kancli.io")
