"""Where kancli's engine deliberately differs from Go's, and what it does instead.

Each difference is either unobservable in Kanister (Go prints memory addresses; Go's limits are
never reached by a Blueprint) or a documented choice (kancli never panics on a null argument).
"""

from __future__ import annotations

from typing import Any

import pytest

from kancli.template import GoTemplateError, parse, render_args
from kancli.template.values import GoFunc


def test_complex_constants_are_rejected_with_a_clear_parse_error() -> None:
    with pytest.raises(GoTemplateError) as info:
        parse("{{ 1+2i }}")
    assert info.value.stage == "parse"
    assert "complex and imaginary constants are not supported: 1+2i" in str(info.value)


def test_lists_are_interface_slices_but_string_lists_satisfy_string_slice_params() -> None:
    # kancli lists do not record Go's element type; a list of strings is accepted as []string.
    funcs = {
        "join": GoFunc("join", ",".join, ("[]string",), "string"),
    }
    assert parse("{{ join .l }}", funcs=funcs).execute({"l": ["a", "b"]}) == "a,b"
    with pytest.raises(GoTemplateError, match="expected \\[\\]string; got \\[\\]interface \\{\\}"):
        parse("{{ join .l }}", funcs=funcs).execute({"l": ["a", 1]})


def test_pointers_inside_containers_print_a_fixed_address() -> None:
    from kancli.template.values import GoStruct, NilPointer

    class Ptr(GoStruct):
        go_type = "*main.T"

        def go_fields(self) -> dict[str, Any]:
            return {}

    out = parse("{{ .l }}").execute({"l": [Ptr(), NilPointer("*main.T")]})
    assert out == "[0xc000010000 <nil>]"


def test_null_arguments_raise_instead_of_panicking() -> None:
    with pytest.raises(GoTemplateError, match=r"args\.x is null"):
        render_args({"x": None}, {})
