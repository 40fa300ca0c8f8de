"""KubeExec, KubeExecAll and KubeTask against the test cluster, each against its kubectl baseline.

Starts the test cluster itself (tests/cluster), makes one namespace with 20 running busybox pods,
and times, interleaved:

- a 50-phase KubeExec action (``true`` in one pod) against 50 x ``kubectl exec pod -- true``;
- ``kancli func KubeExecAll`` over 20 pods against ``kancli func KubeExec`` on one pod;
- ``kancli func KubeTask`` running ``true`` against ``kubectl run --rm -i --restart=Never``.
"""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from bench.harness import Row, bench_env, interleave, run_ok
from bench.startup import KUBECTL, kancli_argv

if TYPE_CHECKING:
    from tests.cluster.session import ClusterSession

PODS = 20
PHASES = 50


def _pods_manifest(namespace: str) -> str:
    docs = [
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": f"p{i}", "namespace": namespace},
            "spec": {
                "containers": [{"name": "c", "image": "busybox", "command": ["sleep", "3600"]}]
            },
        }
        for i in range(PODS)
    ]
    return str(yaml.safe_dump_all(docs))


def _exec_blueprint(path: Path) -> Path:
    phase = (
        "      - func: KubeExec\n        name: s{i}\n        args:\n"
        '          namespace: "{{{{ .Namespace.Name }}}}"\n          pod: p0\n'
        '          command: ["true"]\n'
    )
    path.write_text(
        "apiVersion: cr.kanister.io/v1alpha1\nkind: Blueprint\nmetadata:\n  name: exec50\n"
        "actions:\n  run:\n    phases:\n" + "".join(phase.format(i=i) for i in range(PHASES))
    )
    return path


def run(repeats: int) -> list[Row]:
    from tests.cluster.session import ClusterSession, unavailable_reason

    reason = unavailable_reason()
    if reason is not None:
        raise RuntimeError(f"test cluster unavailable: {reason}")
    session = ClusterSession("bench").start()
    try:
        return _measure(session, repeats)
    finally:
        session.stop()


def _measure(session: ClusterSession, repeats: int) -> list[Row]:
    kubeconfig = str(session.kubeconfig)
    env = {**bench_env(), "KUBECONFIG": kubeconfig, "NO_COLOR": "1"}
    ns = f"bench-{secrets.token_hex(3)}"
    kubectl = [KUBECTL, "--kubeconfig", kubeconfig]
    session.create_namespace(ns)
    run_ok([*kubectl, "create", "--validate=false", "-f", "-"], input=_pods_manifest(ns).encode())()
    run_ok(
        [*kubectl, "-n", ns, "wait", "--for=condition=Ready", "pod", "--all", "--timeout=120s"]
    )()

    def kfunc(*args: str) -> Callable[[], object]:
        return run_ok(kancli_argv("func", *args), env=env)

    def kubectl_loop() -> None:
        for _ in range(PHASES):
            run_ok([*kubectl, "-n", ns, "exec", "p0", "--", "true"])()

    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        bp = _exec_blueprint(Path(tmp) / "exec50.yaml")
        action = run_ok(
            kancli_argv("run", str(bp), "-a", "run", "--namespace-target", ns, "-q"), env=env
        )
        k, b = interleave(action, kubectl_loop, max(1, repeats // 3))
        rows.append(Row("kube-exec50", "50-phase KubeExec action", k, "50 x kubectl exec", b, 0.3))
    pods = " ".join(f"p{i}" for i in range(PODS))  # Kanister takes space-separated names
    all_pods = kfunc(
        "KubeExecAll",
        "--arg",
        f"namespace={ns}",
        "--arg",
        f"pods={pods}",
        "--arg",
        "containers=c",
        "--arg",
        'command=["true"]',
    )
    one_pod = kfunc(
        "KubeExec", "--arg", f"namespace={ns}", "--arg", "pod=p0", "--arg", 'command=["true"]'
    )
    k, b = interleave(all_pods, one_pod, repeats)
    rows.append(Row("kube-execall", "KubeExecAll over 20 pods", k, "one KubeExec", b, 2.0))
    task = kfunc(
        "KubeTask",
        "--arg",
        f"namespace={ns}",
        "--arg",
        "image=busybox",
        "--arg",
        'command=["true"]',
    )

    def kubectl_run() -> object:
        return run_ok(
            [
                *kubectl,
                "-n",
                ns,
                "run",
                f"t{secrets.token_hex(3)}",
                "--rm",
                "-i",
                "--restart=Never",
                "--image=busybox",
                "--",
                "true",
            ]
        )()

    k, b = interleave(task, kubectl_run, repeats)
    rows.append(Row("kube-task", "KubeTask `true`", k, "kubectl run --rm -i", b, 1.0))
    return rows
