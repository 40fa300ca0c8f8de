"""The function catalog as plain data and Markdown, for ``kancli functions`` and the docs.

Everything here is derived from the registered declarations (:mod:`kancli.functions.args`), so
``kancli functions list``, ``kancli functions describe NAME`` and the generated function reference
cannot drift from what the registry accepts. The CLI only prints what these functions return;
``--output json`` can dump the dictionaries as they are.
"""

from __future__ import annotations

from typing import Any

from kancli.functions.args import ArgSpec
from kancli.functions.registry import FunctionSpec, Registry, default_registry


def _summary(description: str) -> str:
    """The first sentence of a description."""
    sentence, dot, _ = description.partition(". ")
    return sentence + ("." if dot or not sentence.endswith(".") else "")


def argument_data(spec: ArgSpec) -> dict[str, Any]:
    return {
        "name": spec.key,
        "type": spec.kind.doc,
        "go_type": spec.kind.go_type,
        "required": spec.required,
        "default": spec.default_text if not spec.required else None,
        "help": spec.help,
    }


def describe_function(spec: FunctionSpec) -> dict[str, Any]:
    """Everything about one function, as JSON-ready data."""
    return {
        "name": spec.name,
        "version": spec.version,
        "implemented": spec.implemented,
        "description": spec.description,
        "arguments": [argument_data(a) for a in spec.arguments],
        "outputs": [{"key": o.key, "help": o.help} for o in spec.outputs],
        "output_note": spec.output_note or None,
        "args_rendered_by_function": not spec.prerender,
        "reference": spec.reference or None,
    }


def list_functions(registry: Registry | None = None) -> list[dict[str, Any]]:
    """One summary row per registered function and version, sorted by name."""
    rows = []
    for spec in (registry or default_registry()).specs():
        rows.append(
            {
                "name": spec.name,
                "version": spec.version,
                "implemented": spec.implemented,
                "summary": _summary(spec.description),
                "required": list(spec.required_args),
                "optional": [a for a in spec.supported_args if a not in spec.required_args],
            }
        )
    return rows


def function_data(
    name: str, preferred_version: str = "", registry: Registry | None = None
) -> dict[str, Any]:
    """:func:`describe_function` of a function looked up by name (Kanister's version rules).

    Raises :class:`~kancli.functions.registry.FunctionLookupError` for an unknown name.
    """
    return describe_function((registry or default_registry()).lookup(name, preferred_version))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def function_markdown(spec: FunctionSpec) -> str:
    """The Markdown section of one function."""
    lines = [f"## {spec.name}", ""]
    if not spec.implemented:
        lines += ["*Declared (arguments are validated) but not yet runnable by kancli.*", ""]
    lines += [spec.description, ""]
    if not spec.prerender:
        lines += ["Its arguments are not rendered before the call: the function does it.", ""]
    lines += ["| argument | required | type | default | description |", "|---|---|---|---|---|"]
    for a in spec.arguments:
        default = "" if a.required else _cell(a.default_text)
        lines.append(
            f"| `{a.key}` | {'yes' if a.required else 'no'} | {_cell(a.kind.doc)} | "
            f"{default} | {_cell(a.help)} |"
        )
    lines.append("")
    if spec.outputs:
        lines += ["| output | description |", "|---|---|"]
        lines += [f"| `{o.key}` | {_cell(o.help)} |" for o in spec.outputs]
        lines.append("")
    if spec.output_note:
        lines += [f"Output: {spec.output_note}", ""]
    if not spec.outputs and not spec.output_note:
        lines += ["Output: none.", ""]
    return "\n".join(lines)


def function_reference_markdown(registry: Registry | None = None) -> str:
    """The whole function reference: an index, then one section per function."""
    specs = (registry or default_registry()).specs()
    lines = [
        "# Kanister Function reference",
        "",
        "Generated from kancli's function declarations (`kancli functions describe NAME` shows "
        "the same). Argument names, defaults and outputs are Kanister's.",
        "",
        "| function | summary |",
        "|---|---|",
    ]
    for spec in specs:
        anchor = spec.name.lower()
        lines.append(f"| [{spec.name}](#{anchor}) | {_cell(_summary(spec.description))} |")
    lines.append("")
    return "\n".join(lines) + "\n" + "\n".join(function_markdown(s) for s in specs)
