"""``kancli render`` live mode, several subjects in one ``kancli run``, and an upstream Blueprint
run unchanged: the real CLI process against the test cluster, as a user or CI job runs it.
"""

from __future__ import annotations

import base64
import json
import os
import pty
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_run_cli import ROOT, kancli, kubectl, result_of

pytestmark = pytest.mark.cluster

COMPAT = Path("/work/shared/compat/blueprints")
S3_BUCKET = "kancli-test"  # created by the session's s3 fixture

WHO = """
actions:
  who:
    outputArtifacts:
      seen:
        keyValue:
          name: "{{ .Phases.name.Output.name }}"
    phases:
    - func: KubeTask
      name: name
      args:
        namespace: >-
          {{ if eq .Object.kind "Namespace" }}{{ .Object.metadata.name }}{{ else
          }}{{ .Object.metadata.namespace }}{{ end }}
        image: busybox
        command:
        - sh
        - -c
        - |
          test "{{ .Object.kind }}" != Deployment || { echo "no deployments here" >&2; exit 4; }
          kando output name {{ .Object.metadata.name }}
"""


def test_several_subjects_run_as_separate_actions_and_the_exit_code_is_the_worst(
    cluster: Any, notebook: str, tmp_path: Path
) -> None:
    bp = tmp_path / "who.yaml"
    bp.write_text(WHO)
    proc = kancli(
        cluster,
        "run", str(bp), "-a", "who",
        "--namespace-target", notebook,
        "--deployment", f"{notebook}/notebook",
        "-o", "json",
    )  # fmt: skip
    assert proc.returncode == 5, proc.stderr
    actions = result_of(proc)["actions"]
    # one result per subject, workload kinds first, then namespaces and other objects
    assert [(a["subject"], a["status"]) for a in actions] == [
        (f"deployment {notebook}/notebook", "failed"),
        (f"namespace {notebook}", "complete"),
    ]
    assert "no deployments here" in actions[0]["error"]
    assert actions[1]["artifacts"] == {"seen": {"keyValue": {"name": notebook}}}


def test_render_live_resolves_the_deployment_from_the_cluster_without_running(
    cluster: Any, notebook: str
) -> None:
    pod = kubectl(
        cluster, "-n", notebook, "get", "pods", "-o", "jsonpath={.items[0].metadata.name}"
    )
    proc = kancli(
        cluster,
        "render", "blueprints/notebook-blueprint.yaml", "-a", "backup",
        "--deployment", "notebook", "-n", notebook, "-o", "json",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    rendered = json.loads(proc.stdout)
    freeze = rendered["phases"][0]
    assert (freeze["args"]["namespace"], freeze["args"]["pod"]) == (notebook, pod)
    assert rendered["subject"] == f"deployment {notebook}/notebook"
    assert kubectl(cluster, "-n", notebook, "get", "pods", "-o", "name").count("pod/") == 1


def test_render_refuses_a_params_file_together_with_live_flags(cluster: Any) -> None:
    proc = kancli(
        cluster,
        "render", "blueprints/notebook-blueprint.yaml", "-a", "backup",
        "--params", "blueprints/params/notebook.yaml", "--deployment", "x/notebook",
    )  # fmt: skip
    assert proc.returncode == 2
    assert "exclusive" in proc.stderr


@pytest.mark.skipif(not COMPAT.is_dir(), reason="upstream Blueprint corpus not on this machine")
def test_time_log_restore_without_a_profile_scales_down_then_stops_clearly_at_restore_data(
    cluster: Any, notebook: str
) -> None:
    proc = kancli(
        cluster,
        "run", str(COMPAT / "kanisterio-blueprints__time-log__time-log-blueprint.yaml"),
        "-a", "restore", "--deployment", f"{notebook}/notebook",
        "--artifact", "timeLog.path=bucket/time-log",
        "--artifact", "backupIdentifier.id=abc",
        "-o", "json",
    )  # fmt: skip
    assert proc.returncode == 5, proc.stderr
    action = result_of(proc)["actions"][0]
    assert [p["status"] for p in action["phases"]] == ["complete", "failed", "skipped"]
    assert "RestoreData" in action["phases"][1]["error"]
    assert "Profile must be non-nil" in action["phases"][1]["error"]
    replicas = kubectl(
        cluster, "-n", notebook, "get", "deployment", "notebook", "-o", "jsonpath={.spec.replicas}"
    )
    assert replicas == "0"


def test_on_a_terminal_the_live_view_shows_the_phases_and_the_pods_output(
    cluster: Any, namespace: str, tmp_path: Path
) -> None:
    bp = tmp_path / "who.yaml"
    bp.write_text(WHO)
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "CI", "FORCE_COLOR")}
    env.update(KUBECONFIG=str(cluster.kubeconfig), TERM="xterm-256color", COLUMNS="120")
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kancli", "run", str(bp), "-a", "who",
         "--namespace-target", namespace],
        stdin=follower, stdout=follower, stderr=follower, env=env, cwd=ROOT,
    )  # fmt: skip
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the process is gone
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert proc.wait(timeout=60) == 0
    screen = b"".join(chunks).decode("utf-8", errors="replace")
    assert "\x1b[" in screen  # drawn with terminal control sequences, not plain lines
    assert "✓" in screen
    assert "KubeTask" in screen


SECRETIVE = """
actions:
  leak:
    secretNames: [creds]
    outputArtifacts:
      got: {keyValue: {pw: "{{ .Phases.show.Output.pw }}"}}
    phases:
    - func: KubeTask
      name: show
      args:
        namespace: "{{ .Namespace.Name }}"
        image: busybox
        command:
        - sh
        - -c
        - |
          echo "password is {{ .Secrets.creds.Data.password | toString }}"
          kando output pw {{ .Secrets.creds.Data.password | toString }}
          echo "{{ .Secrets.creds.Data.password | toString }} broke it" >&2
          exit 2
"""


@pytest.mark.parametrize(
    ("flags", "shown"),
    [pytest.param((), False, id="redacted"), pytest.param(("--show-secrets",), True, id="shown")],
)
def test_secret_values_never_appear_in_lines_events_errors_or_json_unless_asked(
    cluster: Any, namespace: str, tmp_path: Path, flags: tuple[str, ...], shown: bool
) -> None:
    secret = "pa55-w0rd-" + namespace[-6:]
    encoded = base64.b64encode(secret.encode()).decode()
    manifest = json.dumps(
        {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "creds"},
         "data": {"password": encoded}}
    )  # fmt: skip
    kubectl(cluster, "-n", namespace, "apply", "-f", "-", stdin=manifest)
    bp = tmp_path / "leak.yaml"
    bp.write_text(SECRETIVE)
    proc = kancli(
        cluster,
        "run", str(bp), "-a", "leak", "--namespace-target", namespace,
        "--secrets", f"creds={namespace}/creds", "--events", "jsonl", "-o", "json", *flags,
    )  # fmt: skip
    assert proc.returncode == 5, proc.stderr
    phase = result_of(proc)["actions"][0]["phases"][0]
    everything = proc.stdout + proc.stderr
    assert (secret in everything) is shown
    assert ("<redacted>" in proc.stderr) is not shown
    assert phase["error"].count("broke it") == 1  # the log tail is in the error, redacted or not
    assert (secret in phase["error"]) is shown


PROFILE = """
apiVersion: cr.kanister.io/v1alpha1
kind: Profile
metadata: {name: s3, namespace: kanister}
location: {type: s3Compliant, bucket: BUCKET, endpoint: "ENDPOINT", region: us-east-1}
credential:
  type: keyPair
  keyPair: {id: "KEY_ID", secret: "SECRET"}
skipSSLVerify: true
"""


@pytest.mark.skipif(not COMPAT.is_dir(), reason="upstream Blueprint corpus not on this machine")
def test_postgres_delete_runs_unchanged_against_s3_with_the_profile_redacted(
    cluster: Any, namespace: str, s3: Any, tmp_path: Path
) -> None:
    import boto3

    endpoint = s3.endpoint
    client = boto3.client(
        "s3",
        endpoint_url=endpoint.url,
        aws_access_key_id=endpoint.access_key,
        aws_secret_access_key=endpoint.secret_key,
        region_name=endpoint.region,
    )
    key = f"{namespace}/pg/dump.gz"
    client.put_object(Bucket=S3_BUCKET, Key=key, Body=b"dump")
    profile = tmp_path / "profile.yaml"
    profile.write_text(
        PROFILE.replace("BUCKET", S3_BUCKET)
        .replace("ENDPOINT", endpoint.url)
        .replace("KEY_ID", endpoint.access_key)
        .replace("SECRET", endpoint.secret_key)
    )
    proc = kancli(
        cluster,
        "run", str(COMPAT / "kanisterio-blueprints__postgres__postgres-blueprint.yaml"),
        "-a", "delete", "--namespace-target", namespace, "--profile-file", str(profile),
        "--artifact", f"cloudObject.backupLocation={key}", "-o", "json", "--events", "jsonl",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert result_of(proc)["actions"][0]["phases"][0]["status"] == "complete"
    assert client.list_objects_v2(Bucket=S3_BUCKET, Prefix=key).get("KeyCount", 0) == 0
    assert endpoint.secret_key not in proc.stdout + proc.stderr


@pytest.mark.skipif(not COMPAT.is_dir(), reason="upstream Blueprint corpus not on this machine")
def test_a_blueprint_that_uses_the_profile_without_one_fails_naming_the_phase(
    cluster: Any, namespace: str
) -> None:
    proc = kancli(
        cluster,
        "run", str(COMPAT / "kanisterio-blueprints__postgres__postgres-blueprint.yaml"),
        "-a", "delete", "--namespace-target", namespace,
        "--artifact", "cloudObject.backupLocation=backups/pg/dump.gz",
    )  # fmt: skip
    assert proc.returncode == 3, proc.stderr
    error = next(line for line in proc.stderr.splitlines() if line.startswith("kancli: error:"))
    assert "phase deleteDump (KubeTask): its args use .Profile, but no profile was given" in error
    assert "no --profile given, and phases deleteDump use .Profile" in proc.stderr
    assert "kanister-job" not in proc.stderr  # failed before any pod was created


PROFILE_CRD = json.dumps(
    {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "profiles.cr.kanister.io"},
        "spec": {
            "group": "cr.kanister.io",
            "scope": "Namespaced",
            "names": {"plural": "profiles", "singular": "profile", "kind": "Profile"},
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
)

PROFILE_CR = """
apiVersion: cr.kanister.io/v1alpha1
kind: Profile
metadata: {name: s3}
location: {type: s3Compliant, bucket: backups, endpoint: "http://127.0.0.1:9", region: eu-west-1}
credential:
  type: keyPair
  keyPair: {idField: id, secretField: key, secret: {apiVersion: v1, kind: Secret, name: s3-creds,
            namespace: NS}}
skipSSLVerify: false
"""

USES_PROFILE = """
actions:
  where:
    outputArtifacts:
      at: {keyValue: {bucket: "{{ .Phases.show.Output.bucket }}"}}
    phases:
    - func: KubeTask
      name: show
      args:
        namespace: "{{ .Namespace.Name }}"
        image: busybox
        command:
        - sh
        - -c
        - kando output bucket {{ .Profile.Location.Bucket }}-{{ .Profile.Location.Region }}
"""


def test_a_profile_resource_in_the_cluster_becomes_dot_profile(
    cluster: Any, namespace: str, tmp_path: Path
) -> None:
    secret = json.dumps(
        {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s3-creds"},
         "type": "secrets.kanister.io/aws",
         "data": {"id": base64.b64encode(b"AKID").decode(),
                  "key": base64.b64encode(b"s3cr3t-key").decode()}}
    )  # fmt: skip
    kubectl(cluster, "-n", namespace, "apply", "-f", "-", stdin=secret)
    kubectl(cluster, "apply", "-f", "-", stdin=PROFILE_CRD)  # Kanister's CRD, as installed
    profile = PROFILE_CR.replace("NS", namespace)
    kubectl(cluster, "-n", namespace, "apply", "--validate=false", "-f", "-", stdin=profile)
    bp = tmp_path / "where.yaml"
    bp.write_text(USES_PROFILE)
    proc = kancli(
        cluster,
        "run", str(bp), "-a", "where", "--namespace-target", namespace,
        "--profile", f"{namespace}/s3", "-o", "json",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert result_of(proc)["actions"][0]["artifacts"] == {
        "at": {"keyValue": {"bucket": "backups-eu-west-1"}}
    }


def test_func_renders_its_args_with_the_subject_and_options_and_streams_the_output(
    cluster: Any, namespace: str
) -> None:
    proc = kancli(
        cluster,
        "func", "KubeTask", "-n", namespace, "--namespace-target", namespace,
        "--options", "greeting=hello",
        "--arg", "namespace={{ .Namespace.Name }}", "--arg", "image=busybox",
        "--arg", 'command=["sh", "-c", "echo {{ .Options.greeting }} from {{ .Namespace.Name }}"]',
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert f"hello from {namespace}" in proc.stdout.splitlines()
