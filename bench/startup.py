"""Start-up cost of the CLI: what a user pays on every invocation.

Baselines: ``kubectl version --client`` (the tool a user would otherwise call) and
``python -c pass`` (what the interpreter itself costs). The 20-phase Blueprint for
``kancli validate`` is generated, so the figure does not depend on any example file.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from bench.harness import Row, interleave, run_ok

KUBECTL = "/usr/bin/kubectl"


def kancli_argv(*args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("kancli")), *args]


def twenty_phase_blueprint(path: Path) -> Path:
    phases = "".join(
        f"""      - func: KubeExec
        name: step{i}
        args:
          namespace: "{{{{ .Deployment.Namespace }}}}"
          pod: "{{{{ index .Deployment.Pods 0 }}}}"
          command: ["sh", "-c", "echo {i}"]
"""
        for i in range(20)
    )
    text = (
        "apiVersion: cr.kanister.io/v1alpha1\nkind: Blueprint\nmetadata:\n  name: bench20\n"
        f"actions:\n  backup:\n    phases:\n{phases}"
    )
    path.write_text(text)
    return path


def run(repeats: int) -> list[Row]:
    rows: list[Row] = []
    py = run_ok([sys.executable, "-c", "pass"])
    kubectl = run_ok([KUBECTL, "version", "--client"])
    with tempfile.TemporaryDirectory() as tmp:
        bp = twenty_phase_blueprint(Path(tmp) / "bp20.yaml")
        cases = [
            ("help", "`kancli --help`", ["--help"]),
            ("version", "`kancli --version`", ["--version"]),
            ("validate", "`kancli validate` (20 phases)", ["validate", str(bp)]),
        ]
        for name, what, args in cases:
            k = run_ok(kancli_argv(*args))
            ks, kb = interleave(k, kubectl, repeats)
            rows.append(Row(f"startup-{name}", what, ks, "kubectl version --client", kb, 1.5))
            ks2, pb = interleave(k, py, repeats)
            rows.append(Row(f"startup-{name}-py", what, ks2, "python -c pass", pb, 3.0))
    return rows
