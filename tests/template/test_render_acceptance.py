"""Kanister's own rendering tests (kanister-behaviour.md §3.6 and §3.8), as kancli tables."""

from __future__ import annotations

from typing import Any

import pytest

from kancli.errors import TemplateError
from kancli.template import render_args, render_string
from tests.template.params import Phase, TemplateParams

# §3.6 pkg/param/render_test.go: each arg is wrapped as {"arg": arg} and rendered.
RENDER_CASES: list[tuple[str, Any, dict[str, str], Any]] = [
    ("R1-empty", "", {}, ""),
    ("R2-plain", "hello", {}, "hello"),
    ("R3-dash", "-", {}, "-"),
    ("R4-empty-option", "{{ .Options.hello }}", {"hello": ""}, ""),
    ("R5-option", "{{ .Options.hello }}", {"hello": "someValue"}, "someValue"),
    (
        "R7-option-beside-hyphenated-key",
        "{{ .Options.hello }}",
        {"hello": "someValue", "hello-world": "someValue"},
        "someValue",
    ),
    ("R8-sprig-upper", "{{ upper `hello` }}", {}, "HELLO"),
    ("R9-list", ["{{ upper `hello` }}"], {}, ["HELLO"]),
    ("R10-map-value", {"name": "{{ upper `hello` }}"}, {}, {"name": "HELLO"}),
    (
        "R11-map-key-rendered-too",
        {"{{ upper `hello` }}": ["{{ upper `hello` }}"]},
        {},
        {"HELLO": ["HELLO"]},
    ),
]


@pytest.mark.parametrize(
    ("arg", "options", "expected"),
    [c[1:] for c in RENDER_CASES],
    ids=[c[0] for c in RENDER_CASES],
)
def test_render_args_matches_kanister(arg: Any, options: dict[str, str], expected: Any) -> None:
    params = TemplateParams(options=options)
    assert render_args({"arg": arg}, params) == {"arg": expected}


def test_r6_hyphenated_field_is_a_parse_error() -> None:
    params = TemplateParams(options={"hello-world": "someValue"})
    with pytest.raises(TemplateError) as info:
        render_args({"arg": "{{ .Options.hello-world }}"}, params)
    assert str(info.value) == "template: config:1: bad character U+002D '-'"


def test_r12_missing_option_is_reported_the_kanister_way() -> None:
    with pytest.raises(TemplateError) as info:
        render_args({"arg": "{{ .Options.hello }}"}, TemplateParams(options={}))
    assert str(info.value) == 'Failed to render template: "hello" not found'


def test_render_objects_reads_the_target_object() -> None:
    # TestRenderObjects: an objects entry whose name comes from .Object.
    params = TemplateParams(
        time="2024-01-01T00:00:00Z", obj={"spec": {"authSecret": "secret-name"}}
    )
    objects = {"authSecret": {"kind": "secret", "name": "{{ .Object.spec.authSecret }}"}}
    assert render_args(objects, params) == {"authSecret": {"kind": "secret", "name": "secret-name"}}


ARTIFACTS = [
    (
        "A1-kopia-snapshot",
        {"myArt": {"kopiaSnapshot": "{{ .Phases.myPhase.Output.kopiaSnapshot }}"}},
        {"myArt": {"kopiaSnapshot": "a-snapshot-id"}},
    ),
    (
        "A2-key-value",
        {"myArt": {"keyValue": {"key": "{{ .Phases.myPhase.Output.kopiaSnapshot }}"}}},
        {"myArt": {"keyValue": {"key": "a-snapshot-id"}}},
    ),
]


@pytest.mark.parametrize(
    ("artifacts", "expected"), [a[1:] for a in ARTIFACTS], ids=[a[0] for a in ARTIFACTS]
)
def test_render_artifacts_reads_phase_outputs(artifacts: Any, expected: Any) -> None:
    params = TemplateParams(phases={"myPhase": Phase({"kopiaSnapshot": "a-snapshot-id"})})
    assert render_args(artifacts, params) == expected


EXEC_CASES = [
    ("option-then-text", {"test": "hello"}, "{{ .Options.test }} world", "hello world"),
    ("piped-to-sprig-lower", {"test": "HELLO"}, "{{ .Options.test | lower}} world", "hello world"),
]


@pytest.mark.parametrize(
    ("options", "arg", "expected"), [c[1:] for c in EXEC_CASES], ids=[c[0] for c in EXEC_CASES]
)
def test_phase_exec_renders_args(options: dict[str, str], arg: str, expected: str) -> None:
    # §3.8 pkg/phase_test.go TestExec.
    assert render_string(arg, TemplateParams(options=options)) == expected
