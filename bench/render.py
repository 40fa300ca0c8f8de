"""Rendering a Blueprint with 1,000 templated arguments, against Go's text/template.

kancli: ``kancli render`` of a generated Blueprint (50 phases x 20 templated command words),
end to end as a user runs it. Baseline: Go's text/template (the differential oracle's program in
tests/oracle/gorender) starting and rendering the same 1,000 templates. The templates use only
Go's built-in functions so both engines run exactly the same text.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

from bench.harness import Row, interleave, run_ok
from bench.startup import kancli_argv

PHASES = 50
WORDS = 20


def template(n: int) -> str:
    return (
        f'{{{{ printf "%s-%03d" "arg" {n} }}}}'
        f'{{{{ if eq {n % 3} 0 }}}}-three{{{{ else }}}}-{{{{ len "word{n}" }}}}{{{{ end }}}}'
    )


def blueprint_text() -> tuple[str, list[str]]:
    templates: list[str] = []
    phases = []
    for p in range(PHASES):
        words = [template(p * WORDS + w) for w in range(WORDS)]
        templates.extend(words)
        cmd = json.dumps(words)
        phases.append(
            f"      - func: KubeTask\n        name: p{p}\n        args:\n"
            f"          image: busybox\n          command: {cmd}\n"
        )
    text = (
        "apiVersion: cr.kanister.io/v1alpha1\nkind: Blueprint\nmetadata:\n  name: bench1000\n"
        "actions:\n  backup:\n    phases:\n" + "".join(phases)
    )
    return text, templates


def go_render(binary: Path, templates: list[str]) -> object:
    """Start the Go oracle, render every template once, and check each succeeded."""
    requests = "".join(json.dumps({"template": t, "context": None}) + "\n" for t in templates)
    proc = subprocess.run([str(binary)], input=requests, capture_output=True, text=True, check=True)
    answers = [json.loads(line) for line in proc.stdout.splitlines()]
    if len(answers) != len(templates) or any("output" not in a for a in answers):
        raise RuntimeError(f"Go did not render every template: {proc.stdout[:500]!r}")
    return answers


def run(repeats: int) -> list[Row]:
    from tests.oracle.goracle import build  # the test suite's oracle builder, reused

    binary = build()
    text, templates = blueprint_text()
    with tempfile.TemporaryDirectory() as tmp:
        bp = Path(tmp) / "bp1000.yaml"
        bp.write_text(text)
        kancli = run_ok(kancli_argv("render", str(bp), "--action", "backup", "-o", "json"))
        ks, gs = interleave(kancli, lambda: go_render(binary, templates), repeats)
    return [
        Row("render", "`kancli render`, 1,000 templated args", ks, "Go text/template", gs, 10.0)
    ]
