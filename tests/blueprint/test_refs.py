"""Finding .Phases / .ArtifactsIn / .DeferPhase references in templates without running them."""

from __future__ import annotations

import pytest

from kancli.blueprint import TemplateRef, find_references


def refs(text: str) -> list[tuple[str, str | None, tuple[str, ...]]]:
    return [(r.root, r.name, r.rest) for r in find_references(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("plain text .Phases.x", [], id="no-action"),
        pytest.param(
            "{{ .Phases.dump.Output.path }}",
            [("Phases", "dump", ("Output", "path"))],
            id="field-chain",
        ),
        pytest.param("{{.Phases.a.Output.k}}", [("Phases", "a", ("Output", "k"))], id="no-spaces"),
        pytest.param(
            "{{- .Phases.a.Secrets.s -}}", [("Phases", "a", ("Secrets", "s"))], id="trim-markers"
        ),
        pytest.param(
            "{{ $.Phases.a.Output.k }}", [("Phases", "a", ("Output", "k"))], id="dollar-root"
        ),
        pytest.param(
            '{{ index .Phases "my-phase" "Output" "k" }}',
            [("Phases", "my-phase", ("Output", "k"))],
            id="index-form",
        ),
        pytest.param(
            '{{ (index .Phases "p").Output.k }}',
            [("Phases", "p", ("Output", "k"))],
            id="parenthesised-index",
        ),
        pytest.param("{{ index .Phases `raw` }}", [("Phases", "raw", ())], id="raw-string-index"),
        pytest.param("{{ index .Phases $name }}", [], id="dynamic-name-unknown"),
        pytest.param(
            "{{ .ArtifactsIn.cloud.KeyValue.path }}",
            [("ArtifactsIn", "cloud", ("KeyValue", "path"))],
            id="artifacts",
        ),
        pytest.param(
            '{{ index .ArtifactsIn "c" "KeyValue" "p" }}',
            [("ArtifactsIn", "c", ("KeyValue", "p"))],
            id="artifacts-index",
        ),
        pytest.param(
            "{{ .DeferPhase.Output.k }}", [("DeferPhase", None, ("Output", "k"))], id="defer-phase"
        ),
        pytest.param("{{ .Object.Phases.x }}", [], id="nested-field-is-not-root"),
        pytest.param("{{ $v.Phases.x }}", [], id="variable-is-not-root"),
        pytest.param('{{ "{{ .Phases.x }}" }}', [], id="inside-string-literal"),
        pytest.param("{{/* .Phases.x */}}", [], id="comment"),
        pytest.param("{{ with .Object }}{{ .Phases.x }}{{ end }}", [], id="dot-rebound-by-with"),
        pytest.param(
            "{{ range .L }}{{ $.Phases.y.Output.k }}{{ end }}",
            [("Phases", "y", ("Output", "k"))],
            id="dollar-inside-range",
        ),
        pytest.param(
            "{{ if .A }}{{ .Phases.z.Output.k }}{{ end }}",
            [("Phases", "z", ("Output", "k"))],
            id="if-keeps-the-dot",
        ),
        pytest.param(
            "{{ with .A }}x{{ end }}{{ .Phases.after.Output.k }}",
            [("Phases", "after", ("Output", "k"))],
            id="after-the-with-block",
        ),
        pytest.param(
            '{{ printf "}}" }}{{ .Phases.q.Output.k }}',
            [("Phases", "q", ("Output", "k"))],
            id="braces-in-string",
        ),
        pytest.param(
            "{{ .Phases.a.Output.k | quote }} {{ .Phases.b.Output.j }}",
            [("Phases", "a", ("Output", "k")), ("Phases", "b", ("Output", "j"))],
            id="several",
        ),
    ],
)
def test_references_are_found_in_template_text(
    text: str, expected: list[tuple[str, str | None, tuple[str, ...]]]
) -> None:
    assert refs(text) == expected


def test_reference_positions_are_one_based_line_and_column() -> None:
    text = 'echo start\n  x={{ .Phases.dump.Output.path }} y={{ index .Phases "b" }}'
    assert find_references(text) == [
        TemplateRef("Phases", "dump", ("Output", "path"), 2, 8),
        TemplateRef("Phases", "b", (), 2, 41),
    ]
