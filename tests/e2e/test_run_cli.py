"""``kancli run`` and ``kancli func`` end to end: the real CLI process against the test cluster.

Each test starts kancli as a user would (a subprocess with KUBECONFIG), so exit codes, signals,
stdout/stderr separation and the JSON result are what a CI job sees.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "docs" / "run-output.schema.json").read_text())

pytestmark = pytest.mark.cluster


def kancli(cluster: Any, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KUBECONFIG": str(cluster.kubeconfig), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "kancli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=timeout,
        check=False,
    )


def kubectl(cluster: Any, *args: str, stdin: str | None = None) -> str:
    proc = subprocess.run(
        ["kubectl", "--kubeconfig", str(cluster.kubeconfig), *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    if proc.returncode != 0:
        raise AssertionError(f"kubectl {' '.join(args)} failed: {proc.stderr}")
    return proc.stdout


def pods(cluster: Any, namespace: str) -> list[str]:
    out = kubectl(cluster, "-n", namespace, "get", "pods", "-o", "name")
    return [line for line in out.split() if line]


def result_of(proc: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    document = json.loads(proc.stdout)
    jsonschema.validate(document, SCHEMA)
    return dict(document)


TASKS = """
actions:
  fail:
    phases:
    - func: KubeTask
      name: first
      args: {namespace: "{{ .Namespace.Name }}", image: busybox,
             command: [sh, -c, "kando output a 1"]}
    - func: KubeTask
      name: broken
      args: {namespace: "{{ .Namespace.Name }}", image: busybox,
             command: [sh, -c, "echo oops >&2; exit 3"]}
    - func: KubeTask
      name: never
      args: {namespace: "{{ .Namespace.Name }}", image: busybox, command: [sh, -c, "true"]}
    deferPhase:
      func: KubeTask
      name: tidy
      args:
        namespace: "{{ .Namespace.Name }}"
        image: busybox
        command: [sh, -c, "kando output saw {{ .Phases.first.Output.a }}"]
  slow:
    phases:
    - func: KubeTask
      name: nap
      args: {namespace: "{{ .Namespace.Name }}", image: busybox, command: [sh, -c, "sleep 120"]}
    deferPhase:
      func: KubeTask
      name: tidy
      args: {namespace: "{{ .Namespace.Name }}", image: busybox,
             command: [sh, -c, "kando output done yes"]}
"""


@pytest.fixture
def tasks_bp(tmp_path: Path) -> Path:
    path = tmp_path / "tasks.yaml"
    path.write_text(TASKS)
    return path


def test_notebook_backup_then_restore_round_trips_the_data(cluster: Any, notebook: str) -> None:
    bp = "blueprints/notebook-blueprint.yaml"
    subject = f"{notebook}/notebook"
    backup = kancli(cluster, "run", bp, "-a", "backup", "--deployment", subject, "-o", "json")
    assert backup.returncode == 0, backup.stderr
    result = result_of(backup)
    artifact = result["actions"][0]["artifacts"]["notebookBackup"]["keyValue"]
    assert artifact["file"].startswith("notebook-")
    assert len(artifact["sha256"]) == 64
    assert int(artifact["lines"]) >= 1
    assert [p["status"] for p in result["actions"][0]["phases"]] == ["complete", "complete"]
    assert pods(cluster, notebook) == pods(cluster, notebook)  # stable listing
    assert not [p for p in pods(cluster, notebook) if "kanister-job" in p]  # task pods deleted

    app_pod = pods(cluster, notebook)[0].split("/")[1]
    kubectl(cluster, "-n", notebook, "exec", app_pod, "--", "sh", "-c", ": > /data/notes.log")
    args = [f"--artifact=notebookBackup.{k}={v}" for k, v in artifact.items()]
    restore = kancli(cluster, "run", bp, "-a", "restore", "--deployment", subject, *args)
    assert restore.returncode == 0, restore.stderr
    assert "restored" in restore.stderr  # the task pod's output, streamed with the phase name
    kubectl(cluster, "-n", notebook, "rollout", "status", "deployment/notebook", "--timeout=60s")
    app_pod = next(p for p in pods(cluster, notebook) if "kanister-job" not in p).split("/")[1]
    lines = kubectl(
        cluster, "-n", notebook, "exec", app_pod, "--", "sh", "-c", "wc -l < /data/notes.log"
    )
    assert int(lines) >= int(artifact["lines"])


def test_a_failing_phase_exits_5_skips_the_rest_and_the_defer_phase_runs(
    cluster: Any, namespace: str, tasks_bp: Path
) -> None:
    proc = kancli(
        cluster, "run", str(tasks_bp), "-a", "fail", "--namespace-target", namespace, "-o", "json"
    )
    assert proc.returncode == 5, proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("kancli: error: ")]
    assert len(errors) == 1
    assert "phase broken (KubeTask) failed" in errors[0]
    action = result_of(proc)["actions"][0]
    assert [p["status"] for p in action["phases"]] == ["complete", "failed", "skipped"]
    assert "exited with code 3" in action["phases"][1]["error"]
    assert "oops" in action["phases"][1]["error"]  # the log tail explains the failure
    assert action["deferPhase"]["status"] == "complete"
    assert action["deferPhase"]["output"] == {"saw": "1"}
    assert action["artifacts"] == {}
    assert pods(cluster, namespace) == []


def test_a_phase_timeout_exits_7_naming_the_phase_and_deletes_the_task_pod(
    cluster: Any, namespace: str, tasks_bp: Path
) -> None:
    proc = kancli(
        cluster,
        "run",
        str(tasks_bp),
        "-a",
        "slow",
        "--namespace-target",
        namespace,
        "--phase-timeout",
        "nap=2s",
        "-o",
        "json",
    )
    assert proc.returncode == 7, proc.stderr
    action = result_of(proc)["actions"][0]
    assert "phase nap (KubeTask)" in action["error"]
    assert "expired" in action["error"]
    assert action["deferPhase"]["status"] == "complete"
    assert pods(cluster, namespace) == []


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interrupt_during_a_kube_task_deletes_the_pod_and_runs_the_defer_phase(
    cluster: Any, namespace: str, tasks_bp: Path, sig: signal.Signals, code: int
) -> None:
    env = {**os.environ, "KUBECONFIG": str(cluster.kubeconfig), "NO_COLOR": "1"}
    args = ["run", str(tasks_bp), "-a", "slow", "--namespace-target", namespace, "-o", "json"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "kancli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    deadline = time.monotonic() + 60
    while not any("kanister-job" in p for p in pods(cluster, namespace)):
        assert time.monotonic() < deadline, "the task pod never appeared"
        time.sleep(0.1)
    proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == code, stderr
    action = json.loads(stdout)["actions"][0]
    assert action["phases"][0]["status"] == "failed"
    assert action["deferPhase"]["status"] == "complete"
    assert action["deferPhase"]["output"] == {"done": "yes"}
    assert pods(cluster, namespace) == []


def test_func_kube_exec_prints_the_commands_output_and_exits_with_its_status(
    cluster: Any, notebook: str
) -> None:
    pod = pods(cluster, notebook)[0].split("/")[1]
    base = ["func", "KubeExec", "--arg", f"namespace={notebook}", "--arg", f"pod={pod}"]
    hello = kancli(cluster, *base, "--arg", 'command=["sh","-c","echo hi"]')
    assert hello.returncode == 0, hello.stderr
    assert hello.stdout == "hi\n"
    failing = kancli(cluster, *base, "--arg", 'command=["sh","-c","echo bad >&2; exit 3"]')
    assert failing.returncode == 3
    assert "bad" in failing.stderr
    assert "kancli: error: " in failing.stderr


def test_an_unknown_subject_fails_before_any_phase_with_exit_4(
    cluster: Any, namespace: str
) -> None:
    proc = kancli(
        cluster,
        "run",
        "blueprints/notebook-blueprint.yaml",
        "-a",
        "backup",
        "--deployment",
        f"{namespace}/nope",
    )
    assert proc.returncode == 4, proc.stderr
    assert "nope" in proc.stderr
    assert "Traceback" not in proc.stderr


MORE = """
actions:
  inspect:
    phases:
    - func: KubeExecAll
      name: everywhere
      args:
        namespace: "{{ .Deployment.Namespace }}"
        pods: "{{ range .Deployment.Pods }}{{ . }} {{ end }}"
        containers: notebook
        command: [sh, -c, "kando output lines $(wc -l < /data/notes.log)"]
    - func: PrepareData
      name: prepare
      args:
        namespace: "{{ .Deployment.Namespace }}"
        image: busybox
        command:
        - sh
        - -c
        - kando output seen "$(ls /mnt/prepare_data)"; exit 4
    - func: PrepareData
      name: strict
      args:
        namespace: "{{ .Deployment.Namespace }}"
        image: busybox
        failOnError: true
        volumes: {notebook-data: /work}
        command: [sh, -c, "test -f /work/notes.log && exit 5"]
"""


def test_kube_exec_all_and_prepare_data_follow_kanister_semantics(
    cluster: Any, notebook: str, tmp_path: Path
) -> None:
    bp = tmp_path / "more.yaml"
    bp.write_text(MORE)
    proc = kancli(
        cluster,
        "run",
        str(bp),
        "-a",
        "inspect",
        "--deployment",
        f"{notebook}/notebook",
        "-o",
        "json",
    )
    action = result_of(proc)["actions"][0]
    everywhere, prepare, strict = action["phases"]
    assert everywhere["status"] == "complete"
    assert int(everywhere["output"]["lines"]) >= 1
    # PrepareData mounts every PVC of the Deployment at /mnt/prepare_data/<pvc>, and a failing
    # command does not fail the phase unless failOnError is set (section 5.6).
    assert prepare["status"] == "complete", prepare["error"]
    assert prepare["output"] == {"seen": "notebook-data"}
    assert strict["status"] == "failed"
    assert "exited with code 5" in strict["error"]
    assert proc.returncode == 5
    assert pods(cluster, notebook) == [p for p in pods(cluster, notebook) if "job" not in p]


OPS = """
actions:
  ops:
    phases:
    - func: KubeOps
      name: make
      args:
        operation: create
        namespace: "{{ .Namespace.Name }}"
        spec: |
          apiVersion: v1
          kind: ConfigMap
          metadata: {name: made-by-kubeops}
          data: {colour: blue}
    - func: KubeOps
      name: change
      args:
        operation: patch
        spec: '{"data": {"colour": "green"}}'
        objectReference:
          apiVersion: "{{ .Phases.make.Output.apiVersion }}"
          group: "{{ .Phases.make.Output.group }}"
          resource: "{{ .Phases.make.Output.resource }}"
          name: "{{ .Phases.make.Output.name }}"
          namespace: "{{ .Phases.make.Output.namespace }}"
    - func: KubeOps
      name: remove
      args:
        operation: delete
        objectReference:
          apiVersion: v1
          resource: configmaps
          name: made-by-kubeops
          namespace: "{{ .Namespace.Name }}"
"""


def test_kube_ops_creates_patches_and_deletes_with_kanisters_outputs(
    cluster: Any, namespace: str, tmp_path: Path
) -> None:
    bp = tmp_path / "ops.yaml"
    bp.write_text(OPS)
    proc = kancli(
        cluster, "run", str(bp), "-a", "ops", "--namespace-target", namespace, "-o", "json"
    )
    assert proc.returncode == 0, proc.stderr
    make, change, remove = result_of(proc)["actions"][0]["phases"]
    expected = {
        "apiVersion": "v1",
        "group": "",
        "resource": "configmaps",
        "kind": "",
        "name": "made-by-kubeops",
        "namespace": namespace,
    }
    assert make["output"] == expected
    assert change["output"] == expected
    assert remove["output"] == expected
    out = kubectl(cluster, "-n", namespace, "get", "configmaps", "-o", "name")
    assert "made-by-kubeops" not in out


WAITS = """
actions:
  waits:
    phases:
    - func: WaitV2
      name: available
      args:
        timeout: 60s
        conditions:
          anyOf:
          - condition: |-
              {{ range $.status.conditions }}{{ if and (eq .type "Available")
              (eq .status "True") }}true{{ end }}{{ end }}
            objectReference:
              apiVersion: v1
              group: apps
              resource: deployments
              name: "{{ .Deployment.Name }}"
              namespace: "{{ .Deployment.Namespace }}"
    - func: WaitV2
      name: replicas
      args:
        timeout: 60s
        conditions:
          allOf:
          - condition: '{{ if eq .spec.replicas .status.readyReplicas }}true{{ end }}'
            objectReference: {apiVersion: v1, group: apps, resource: deployments,
                              name: notebook, namespace: "{{ .Deployment.Namespace }}"}
  never:
    phases:
    - func: WaitV2
      name: impossible
      args:
        timeout: 2s
        conditions:
          allOf:
          - condition: '{{ if eq .status.phase "Inactive" }}true{{ end }}'
            objectReference:
              {apiVersion: v1, resource: namespaces, name: "{{ .Deployment.Namespace }}"}
          - condition: '{{ if eq .status.phase "Invalid" }}true{{ end }}'
            objectReference:
              {apiVersion: v1, resource: namespaces, name: "{{ .Deployment.Namespace }}"}
"""


def test_wait_v2_conditions_as_in_kanisters_acceptance_cases(
    cluster: Any, notebook: str, tmp_path: Path
) -> None:
    bp = tmp_path / "waits.yaml"
    bp.write_text(WAITS)
    subject = ["--deployment", f"{notebook}/notebook"]
    ok = kancli(cluster, "run", str(bp), "-a", "waits", *subject)
    assert ok.returncode == 0, ok.stderr
    never = kancli(cluster, "run", str(bp), "-a", "never", *subject)
    assert never.returncode == 5
    assert "Failed to wait for the condition to be met" in never.stderr
