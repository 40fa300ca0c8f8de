"""Recursive argument rendering (kanister-behaviour.md §3.3) and ``render_string``."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from kancli.template import GoTemplateError, render_args, render_string
from tests.template.params import TemplateParams

PARAMS = TemplateParams(options={"pvc": "data", "n": "3"}, obj={"spec": {"replicas": 2}})

ARGS_CASES: list[tuple[str, Any, Any]] = [
    ("int-passes-through", 5, 5),
    ("float-passes-through", 2.5, 2.5),
    ("bool-passes-through", True, True),
    ("string-rendered", "{{ .Options.pvc }}", "data"),
    ("list-elements-rendered", ["a", "{{ .Options.n }}", 7], ["a", "3", 7]),
    ("tuple-becomes-list", ("{{ .Options.n }}",), ["3"]),
    ("map-key-rendered", {"{{ .Options.pvc }}": "/mnt/x"}, {"data": "/mnt/x"}),
    ("non-string-key-kept", {1: "{{ .Options.n }}"}, {1: "3"}),
    (
        "nested",
        {"command": ["sh", "-c", "echo {{ .Object.spec.replicas }}"], "opts": {"a": [{"b": 1}]}},
        {"command": ["sh", "-c", "echo 2"], "opts": {"a": [{"b": 1}]}},
    ),
    ("colliding-keys-last-wins", {"{{ .Options.pvc }}": 1, "data": 2}, {"data": 2}),
    ("text-without-actions", "{ not a template }", "{ not a template }"),
]


@pytest.mark.parametrize(
    ("args", "expected"), [c[1:] for c in ARGS_CASES], ids=[c[0] for c in ARGS_CASES]
)
def test_render_args_renders_strings_everywhere(args: Any, expected: Any) -> None:
    assert render_args(args, PARAMS) == expected


@dataclasses.dataclass(frozen=True)
class ObjectReference:
    kind: str
    name: str
    namespace: str
    replicas: int = 0


def test_struct_values_are_rebuilt_with_rendered_fields() -> None:
    ref = ObjectReference(kind="Secret", name="{{ .Options.pvc }}-creds", namespace="ns")
    assert render_args({"ref": ref}, PARAMS) == {
        "ref": ObjectReference(kind="Secret", name="data-creds", namespace="ns")
    }


@pytest.mark.parametrize(
    ("args", "path"),
    [
        ({"namespace": None}, "args.namespace"),
        ({"command": ["a", None]}, "args.command[1]"),
    ],
    ids=["top-level", "in-list"],
)
def test_null_argument_is_an_error_naming_it(args: Any, path: str) -> None:
    with pytest.raises(GoTemplateError) as info:
        render_args(args, PARAMS)
    assert str(info.value).startswith(f"{path} is null")


def test_errors_inside_nested_args_propagate() -> None:
    with pytest.raises(GoTemplateError) as info:
        render_args({"a": {"b": ["{{ .Options.absent }}"]}}, PARAMS)
    assert str(info.value) == 'Failed to render template: "absent" not found'


def test_render_string_uses_missingkey_error_and_the_config_name() -> None:
    with pytest.raises(GoTemplateError) as info:
        render_string("{{ .Object.nope }}", PARAMS)
    assert info.value.go_message.startswith('template: config:1:10: executing "config"')
