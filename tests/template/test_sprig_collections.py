"""sprig's list, dict, default, reflection and numeric functions. Expected values are sprig
v2.22's documented examples and outputs taken from sprig v2.22 itself for the edge cases."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import pytest

from kancli.template.gofmt import format_value
from kancli.template.sprig import FUNCS
from kancli.template.values import FuncError, GoInt64, GoStruct, NilPointer, string_map


def call(name: str, *args: Any) -> Any:
    return FUNCS[name].fn(*args)


class Pod(GoStruct):
    go_type = "*main.Pod"

    def go_fields(self) -> dict[str, Any]:
        return {"Name": "p"}


CASES: list[tuple[str, str, tuple[Any, ...], Any]] = [
    # lists (docs/lists.md)
    ("doc-first", "first", ([1, 2, 3],), 1),
    ("doc-rest", "rest", ([1, 2, 3],), [2, 3]),
    ("doc-last", "last", ([1, 2, 3],), 3),
    ("doc-initial", "initial", ([1, 2, 3],), [1, 2]),
    ("doc-append", "append", ([1, 2], 3), [1, 2, 3]),
    ("doc-prepend", "prepend", ([1, 2], 0), [0, 1, 2]),
    ("doc-concat", "concat", ([1, 2], [3, 4], [5]), [1, 2, 3, 4, 5]),
    ("doc-reverse", "reverse", ([1, 2, 3],), [3, 2, 1]),
    ("doc-uniq", "uniq", ([1, 1, 1, 2],), [1, 2]),
    ("doc-without", "without", ([1, 2, 3, 4], 1, 3), [2, 4]),
    ("doc-has", "has", (4, [1, 2, 3, 4]), True),
    ("doc-compact", "compact", ([1, "", 0, "a"],), [1, "a"]),
    ("doc-slice", "slice", ([1, 2, 3, 4, 5], 1, 3), [2, 3]),
    ("doc-until", "until", (5,), [0, 1, 2, 3, 4]),
    ("doc-untilStep", "untilStep", (3, 6, 2), [3, 5]),
    ("first-empty", "first", ([],), None),
    ("rest-empty", "rest", ([],), []),
    ("slice-from", "slice", ([1, 2, 3], 1), [2, 3]),
    ("slice-empty-is-nil", "slice", ([],), None),
    (
        "uniq-deep-equal",
        "uniq",
        ([[1], [1], {"a": 1}, {"a": 1}, 1, 1.0, "1"],),
        [[1], {"a": 1}, 1, 1.0, "1"],
    ),
    ("without-maps", "without", ([{"a": 1}, 2], {"a": 1}), [2]),
    ("has-typed", "has", ("1", [1, 2]), False),
    ("has-nil-haystack", "has", (1, None), False),
    ("compact-zero-values", "compact", ([1, 0, "", "a", None, False, []],), [1, "a"]),
    ("until-negative", "until", (-3,), [0, -1, -2]),
    ("untilStep-down", "untilStep", (10, 0, -3), [10, 7, 4, 1]),
    ("untilStep-zero-step", "untilStep", (0, 5, 0), []),
    ("untilStep-wrong-direction", "untilStep", (5, 0, 1), []),
    ("list", "list", (1, "a", None), [1, "a", None]),
    ("tuple", "tuple", (1, 2), [1, 2]),
    # dicts (docs/dicts.md)
    (
        "doc-dict",
        "dict",
        ("name1", "value1", "name2", "value2"),
        {"name1": "value1", "name2": "value2"},
    ),
    ("dict-odd-count", "dict", ("a", 1, "b"), {"a": 1, "b": ""}),
    ("dict-key-strval", "dict", (1, 2), {"1": 2}),
    ("doc-hasKey", "hasKey", ({"name1": "value1"}, "name1"), True),
    (
        "doc-pluck",
        "pluck",
        ("name1", {"name1": "v1"}, {"name2": "v2"}, {"name1": "v3"}),
        ["v1", "v3"],
    ),
    (
        "doc-pick",
        "pick",
        ({"name1": 1, "name2": 2, "name3": 3}, "name1", "name2"),
        {"name1": 1, "name2": 2},
    ),
    ("doc-omit", "omit", ({"name1": 1, "name2": 2, "name3": 3}, "name1", "name3"), {"name2": 2}),
    ("keys-sorted", "keys", ({"b": 1, "a": 2}, {"c": 3}), ["a", "b", "c"]),
    ("values-by-key", "values", ({"b": 1, "a": 2},), [2, 1]),
    # defaults (docs/defaults.md)
    ("doc-default", "default", ("foo", ""), "foo"),
    ("default-given", "default", ("foo", "bar"), "bar"),
    ("default-zero", "default", ("foo", 0), "foo"),
    ("default-false", "default", ("foo", False), "foo"),
    ("default-empty-list", "default", ("foo", []), "foo"),
    ("default-no-value", "default", ("foo",), "foo"),
    ("doc-empty", "empty", ("",), True),
    ("empty-space", "empty", (" ",), False),
    ("empty-zero-float", "empty", (0.0,), True),
    ("empty-map", "empty", ({},), True),
    ("doc-coalesce", "coalesce", (0, "", "x", "y"), "x"),
    ("coalesce-none", "coalesce", (0, None), None),
    ("doc-ternary", "ternary", ("foo", "bar", True), "foo"),
    ("ternary-false", "ternary", ("foo", "bar", False), "bar"),
    # reflection (docs/reflection.md)
    ("typeOf-int", "typeOf", (1,), "int"),
    ("typeOf-float", "typeOf", (1.5,), "float64"),
    ("typeOf-list", "typeOf", ([],), "[]interface {}"),
    ("typeOf-dict", "typeOf", ({},), "map[string]interface {}"),
    ("typeOf-nil", "typeOf", (None,), "<nil>"),
    ("typeIs", "typeIs", ("int", 1), True),
    ("kindOf-int", "kindOf", (1,), "int"),
    ("kindOf-string", "kindOf", ("a",), "string"),
    ("kindOf-nil", "kindOf", (None,), "invalid"),
    ("kindOf-list", "kindOf", ([],), "slice"),
    ("kindOf-dict", "kindOf", ({},), "map"),
    ("kindIs", "kindIs", ("int", 1), True),
    ("deepEqual-lists", "deepEqual", ([1, "a"], [1, "a"]), True),
    ("deepEqual-maps-differ", "deepEqual", ({"a": 1}, {"a": 2}), False),
    ("deepEqual-int-float", "deepEqual", (1, 1.0), False),
    ("deepEqual-nils", "deepEqual", (None, None), True),
    # numbers (docs/math.md, docs/conversion.md)
    ("doc-add", "add", (1, 2, 3), 6),
    ("add-loose-operands", "add", ("3", 1.9, True, None), 5),
    ("add-none", "add", (), 0),
    ("add-overflow-wraps", "add", (9223372036854775807, 1), -9223372036854775808),
    ("doc-add1", "add1", (3,), 4),
    ("sub", "sub", (3, 5), -2),
    ("div-truncates", "div", (-7, 2), -3),
    ("mod-sign-of-dividend", "mod", (-7, 2), -1),
    ("mod-negative-divisor", "mod", (7, -3), 1),
    ("mul", "mul", (2, 3, 4), 24),
    ("mul-strings", "mul", ("2", "3"), 6),
    ("max", "max", (1, 5, 3), 5),
    ("biggest", "biggest", (-1, -5), -1),
    ("min", "min", (3, 1, 2), 1),
    ("doc-floor", "floor", (123.9999,), 123.0),
    ("floor-string", "floor", ("2.7",), 2.0),
    ("doc-ceil", "ceil", (123.001,), 124.0),
    ("doc-round", "round", (123.555555, 3), 123.556),
    ("round-threshold", "round", (123.5555, 3, 0.3), 123.556),
    ("round-negative-half", "round", (-1.5, 0), -2.0),
    ("round-half", "round", (2.5, 0), 3.0),
    ("round-negative-places", "round", (12345, -2), 12300.0),
    ("atoi", "atoi", ("42",), 42),
    ("atoi-invalid", "atoi", ("x",), 0),
    ("atoi-space", "atoi", (" 1",), 0),
    ("atoi-plus", "atoi", ("+7",), 7),
    ("int64-string", "int64", ("42",), 42),
    ("int64-float-truncates", "int64", (-2.9,), -2),
    ("int64-out-of-range-string", "int64", ("9223372036854775808",), 0),
    ("int-hex-string", "int", ("0x1F",), 0),
    ("int-bool", "int", (True,), 1),
    ("float64-string", "float64", ("1.5",), 1.5),
    ("float64-underscores", "float64", ("1_000",), 1000.0),
    ("float64-bad-underscores", "float64", ("1__0",), 0.0),
    ("float64-hex", "float64", ("0x1p-2",), 0.25),
    ("float64-overflow", "float64", ("1e400",), 0.0),
    ("float64-space", "float64", (" 1",), 0.0),
    ("toDecimal-octal", "toDecimal", ("0777",), 511),
    ("toDecimal-int", "toDecimal", (777,), 511),
    ("toDecimal-not-octal", "toDecimal", ("9",), 0),
]


@pytest.mark.parametrize(
    ("name", "args", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_collection_and_number_function_returns_what_sprig_returns(
    name: str, args: tuple[Any, ...], expected: Any
) -> None:
    assert call(name, *args) == expected


@pytest.mark.parametrize(
    ("name", "args", "go_type"),
    [
        pytest.param("add", (1, 2), "int64", id="add"),
        pytest.param("int64", ("7",), "int64", id="int64"),
        pytest.param("toDecimal", ("7",), "int64", id="toDecimal"),
        pytest.param("int", ("7",), "int", id="int"),
        pytest.param("atoi", ("7",), "int", id="atoi"),
        pytest.param("float64", (7,), "float64", id="float64"),
        pytest.param("floor", (7,), "float64", id="floor"),
    ],
)
def test_numeric_results_carry_gos_type(name: str, args: tuple[Any, ...], go_type: str) -> None:
    assert call("typeOf", call(name, *args)) == go_type


def test_ceil_of_a_small_negative_is_negative_zero() -> None:
    assert format_value(call("ceil", -0.5)) == "-0"


def test_round_keeps_infinities() -> None:
    assert math.isinf(call("round", 1e300, 10))


@pytest.mark.parametrize(
    ("name", "args", "message"),
    [
        pytest.param("push", ("x", 1), "Cannot push on type string", id="push"),
        pytest.param("first", (1,), "Cannot find first on type int", id="first"),
        pytest.param("has", (1, "x"), "Cannot find has on type string", id="has"),
        pytest.param("concat", ([1], 2), "Cannot concat type int as list", id="concat"),
        pytest.param(
            "push",
            (None, 1),
            "runtime error: invalid memory address or nil pointer dereference",
            id="push-nil",
        ),
        pytest.param(
            "slice", ([1, 2], 1, 5), "reflect.Value.Slice: slice index out of bounds", id="slice"
        ),
        pytest.param("div", (1, 0), "runtime error: integer divide by zero", id="div"),
        pytest.param("mod", (1, 0), "runtime error: integer divide by zero", id="mod"),
        pytest.param(
            "deepCopy", (None,), "reflect: call of reflect.Value.Type on zero Value", id="deepCopy"
        ),
    ],
)
def test_wrong_kinds_fail_with_sprigs_panic(name: str, args: tuple[Any, ...], message: str) -> None:
    with pytest.raises(FuncError) as err:
        call(name, *args)
    assert str(err.value) == message


def test_set_and_unset_change_the_map_in_place() -> None:
    d: dict[str, Any] = {"a": 1}
    assert call("set", d, "b", 2) is d
    assert call("unset", d, "a") is d
    assert d == {"b": 2}


def test_merge_fills_only_empty_values_and_merges_nested_maps() -> None:
    dst: dict[str, Any] = {"a": 1, "b": "", "c": {"x": 1}, "d": [1], "e": "keep"}
    src = {"a": 2, "b": "B", "c": {"x": 2, "y": 3}, "d": [2], "e": {"z": 1}, "f": None, "g": "G"}
    assert call("merge", dst, src) is dst
    assert dst == {"a": 1, "b": "B", "c": {"x": 1, "y": 3}, "d": [1], "e": "keep", "g": "G"}


def test_merge_overwrite_replaces_values_but_keeps_non_empty_destination_for_maps() -> None:
    dst: dict[str, Any] = {"a": 1, "b": "", "c": {"x": 1}, "d": [1], "e": "keep"}
    src = {
        "a": 2,
        "b": "B",
        "c": {"x": 2, "y": 3},
        "d": [2],
        "e": {"z": 1},
        "f": None,
        "g": "G",
        "h": "",
    }
    call("mergeOverwrite", dst, src)
    assert dst == {
        "a": 2,
        "b": "B",
        "c": {"x": 2, "y": 3},
        "d": [2],
        "e": "keep",
        "f": None,
        "g": "G",
        "h": "",
    }


def test_merge_of_several_sources_applies_them_in_order() -> None:
    dst: dict[str, Any] = {"a": 0, "b": [], "c": {}, "d": False}
    call("merge", dst, {"a": 5, "b": [1], "c": {"k": 1}, "d": True}, {"a": 6})
    assert dst == {"a": 5, "b": [1], "c": {"k": 1}, "d": True}


def test_deep_copy_copies_nested_containers_and_keeps_map_types() -> None:
    original = {"a": [1, {"b": 2}], "s": string_map({"k": "v"})}
    copied = call("deepCopy", original)
    assert copied == original
    assert copied["a"] is not original["a"]
    assert copied["a"][1] is not original["a"][1]
    assert call("typeOf", copied["s"]) == "map[string]string"


@pytest.mark.parametrize(
    ("value", "go_type", "kind"),
    [
        pytest.param(GoInt64(1), "int64", "int64", id="int64"),
        pytest.param(b"x", "[]uint8", "slice", id="bytes"),
        pytest.param(string_map(), "map[string]string", "map", id="typed-map"),
        pytest.param(datetime(2020, 1, 1, tzinfo=UTC), "time.Time", "struct", id="time"),
        pytest.param(Pod(), "*main.Pod", "ptr", id="pointer-struct"),
        pytest.param(NilPointer("*main.Pod"), "*main.Pod", "ptr", id="nil-pointer"),
        pytest.param(True, "bool", "bool", id="bool"),
    ],
)
def test_type_of_and_kind_of_name_go_types(value: Any, go_type: str, kind: str) -> None:
    assert call("typeOf", value) == go_type
    assert call("kindOf", value) == kind


def test_type_is_like_accepts_the_pointer_type() -> None:
    assert call("typeIsLike", "main.Pod", Pod())
    assert call("typeIsLike", "*main.Pod", Pod())
    assert not call("typeIsLike", "main.Other", Pod())


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(NilPointer("*main.Pod"), "foo", id="nil-pointer-is-empty"),
        pytest.param(Pod(), "pod", id="struct-is-never-empty"),
        pytest.param(datetime(1, 1, 1, tzinfo=UTC), "time", id="zero-time-is-not-empty"),
    ],
)
def test_default_treats_structs_as_set_and_nil_pointers_as_unset(value: Any, expected: str) -> None:
    result = call("default", "foo", value)
    assert (result == "foo") == (expected == "foo")


def test_fail_makes_the_render_fail_with_the_message() -> None:
    with pytest.raises(FuncError, match=r"^boom$"):
        call("fail", "boom")
