"""The function catalog data and the generated Markdown reference come from the declarations."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from kancli.functions import FunctionLookupError, Registry, default_registry, kanister_function
from kancli.functions.args import arg
from kancli.functions.catalog import (
    describe_function,
    function_data,
    function_markdown,
    function_reference_markdown,
    list_functions,
)


@dataclass(frozen=True, kw_only=True)
class _Args:
    target: str = arg("target", help="What to act on | with a pipe.")
    retries: int = arg("retries", default=3, help="How often to retry.")
    force: bool = arg("force", default=False, help="Skip checks.")


def _registry() -> Registry:
    registry = Registry()

    @kanister_function(
        "Demo",
        args=_Args,
        description="Does a demo thing. It has a second sentence.",
        outputs={"result": "What happened."},
        implemented=False,
        registry=registry,
    )
    def run(ctx: Any, args: _Args) -> None:
        return None

    return registry


def test_describe_function_is_json_ready_and_complete() -> None:
    data = function_data("Demo", registry=_registry())
    assert json.loads(json.dumps(data)) == data
    assert data == {
        "name": "Demo",
        "version": "v0.0.0",
        "implemented": False,
        "description": "Does a demo thing. It has a second sentence.",
        "arguments": [
            {
                "name": "target",
                "type": "string",
                "go_type": "string",
                "required": True,
                "default": None,
                "help": "What to act on | with a pipe.",
            },
            {
                "name": "retries",
                "type": "integer",
                "go_type": "int",
                "required": False,
                "default": "3",
                "help": "How often to retry.",
            },
            {
                "name": "force",
                "type": "boolean",
                "go_type": "bool",
                "required": False,
                "default": "false",
                "help": "Skip checks.",
            },
        ],
        "outputs": [{"key": "result", "help": "What happened."}],
        "output_note": None,
        "args_rendered_by_function": False,
        "reference": None,
    }


def test_list_rows_summarise_each_function() -> None:
    assert list_functions(_registry()) == [
        {
            "name": "Demo",
            "version": "v0.0.0",
            "implemented": False,
            "summary": "Does a demo thing.",
            "required": ["target"],
            "optional": ["retries", "force"],
        }
    ]


def test_markdown_section_tabulates_arguments_and_outputs() -> None:
    text = function_markdown(_registry().lookup("Demo"))
    assert text.splitlines()[:2] == ["## Demo", ""]
    assert "| `target` | yes | string |  | What to act on \\| with a pipe. |" in text
    assert "| `retries` | no | integer | 3 | How often to retry. |" in text
    assert "| `result` | What happened. |" in text
    assert "not yet runnable" in text


def test_reference_covers_every_builtin_function() -> None:
    text = function_reference_markdown()
    for name in default_registry().names():
        assert f"\n## {name}\n" in text
        assert f"[{name}](#{name.lower()})" in text
    spec = default_registry().lookup("KubeExec")
    for argument in spec.arguments:
        assert f"| `{argument.key}` |" in text


@pytest.mark.parametrize("name", ["KubeTask", "ScaleWorkload", "WaitV2", "RestoreRDSSnapshot"])
def test_builtin_descriptions_match_the_registry(name: str) -> None:
    spec = default_registry().lookup(name)
    data = describe_function(spec)
    assert [a["name"] for a in data["arguments"]] == list(spec.supported_args)
    assert [a["name"] for a in data["arguments"] if a["required"]] == list(spec.required_args)
    assert data["args_rendered_by_function"] == (name == "WaitV2")


def test_unknown_function_lookup_fails_with_kanisters_message() -> None:
    with pytest.raises(FunctionLookupError, match=r"Requested function \{Nope\}"):
        function_data("Nope")
