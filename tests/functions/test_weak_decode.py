"""Rendered args decode as mapstructure.WeakDecode decodes them in Kanister (section 3.3)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from kancli.functions import ArgumentError, coerce_args, lookup_function
from kancli.functions.args import (
    BoolArg,
    IntArg,
    JSONMapArg,
    ListArg,
    MapArg,
    StringArg,
    StructArg,
    arg,
    decode_args,
)
from kancli.functions.builtin._common import ObjectRef, WaitCondition, WaitConditions
from kancli.functions.weak import DecodeError, format_go_float

STRING = StringArg()
INT = IntArg()
BOOL = BoolArg()
STRINGS = ListArg(StringArg())
STRING_MAP = MapArg(StringArg())


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        pytest.param(STRING, "abc", "abc", id="str-from-str"),
        pytest.param(STRING, True, "1", id="str-from-true"),
        pytest.param(STRING, False, "0", id="str-from-false"),
        pytest.param(STRING, 42, "42", id="str-from-int"),
        pytest.param(STRING, 2.5, "2.5", id="str-from-float"),
        pytest.param(STRING, 1e21, "1000000000000000000000", id="str-from-big-float"),
        pytest.param(STRING, 1.5e-7, "0.00000015", id="str-from-small-float"),
        pytest.param(STRING, 3.0, "3", id="str-from-integral-float"),
        pytest.param(STRING, None, "", id="str-from-nil"),
        pytest.param(INT, 7, 7, id="int-from-int"),
        pytest.param(INT, "12", 12, id="int-from-decimal-string"),
        pytest.param(INT, "0x1f", 31, id="int-from-hex-string"),
        pytest.param(INT, "0o17", 15, id="int-from-octal-prefix"),
        pytest.param(INT, "017", 15, id="int-from-leading-zero-octal"),
        pytest.param(INT, "0b101", 5, id="int-from-binary"),
        pytest.param(INT, "-1_000", -1000, id="int-with-underscores"),
        pytest.param(INT, "", 0, id="int-from-empty-string"),
        pytest.param(INT, 2.9, 2, id="int-from-float-truncates"),
        pytest.param(INT, True, 1, id="int-from-bool"),
        pytest.param(BOOL, True, True, id="bool-from-bool"),
        *[
            pytest.param(BOOL, s, True, id=f"bool-from-{s}")
            for s in ("1", "t", "T", "TRUE", "true", "True")
        ],
        *[
            pytest.param(BOOL, s, False, id=f"bool-from-{s}")
            for s in ("0", "f", "F", "FALSE", "false", "False")
        ],
        pytest.param(BOOL, "", False, id="bool-from-empty"),
        pytest.param(BOOL, 0, False, id="bool-from-zero"),
        pytest.param(BOOL, 3, True, id="bool-from-int"),
        pytest.param(BOOL, 0.5, True, id="bool-from-float"),
        pytest.param(STRINGS, "echo hi", ("echo hi",), id="single-value-becomes-list"),
        pytest.param(STRINGS, ["a", 1, True], ("a", "1", "1"), id="list-items-weakly-decoded"),
        pytest.param(STRINGS, {}, (), id="empty-map-becomes-empty-list"),
        pytest.param(STRINGS, None, None, id="nil-list"),
        pytest.param(STRING_MAP, {"a": 1, "b": "x"}, {"a": "1", "b": "x"}, id="map-values"),
        pytest.param(
            STRING_MAP,
            [{"a": "1"}, {"b": "2"}, {"a": "3"}],
            {"a": "3", "b": "2"},
            id="list-of-maps-merges",
        ),
        pytest.param(STRING_MAP, [], {}, id="empty-list-is-empty-map"),
        pytest.param(
            JSONMapArg(),
            {"spec": {"x": [1, {"y": None}]}},
            {"spec": {"x": [1, {"y": None}]}},
            id="json-map-kept",
        ),
    ],
)
def test_weak_conversions(kind: Any, value: Any, expected: Any) -> None:
    result = kind.decode(value, "")
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        pytest.param(
            STRING,
            {"a": 1},
            "'' expected type 'string', got unconvertible type "
            "'map[interface {}]interface {}', value: 'map[a:1]'",
            id="str-from-map",
        ),
        pytest.param(
            STRING,
            [1, 2],
            "'' expected type 'string', got unconvertible type '[]interface {}', value: '[1 2]'",
            id="str-from-list",
        ),
        pytest.param(
            INT,
            "abc",
            "cannot parse '' as int: strconv.ParseInt: parsing \"abc\": invalid syntax",
            id="int-from-word",
        ),
        pytest.param(
            INT,
            "08",
            "cannot parse '' as int: strconv.ParseInt: parsing \"08\": invalid syntax",
            id="int-bad-octal",
        ),
        pytest.param(
            INT,
            "9223372036854775808",
            "cannot parse '' as int: strconv.ParseInt: "
            'parsing "9223372036854775808": value out of range',
            id="int-overflow",
        ),
        pytest.param(
            INT,
            [1],
            "'' expected type 'int', got unconvertible type '[]interface {}', value: '[1]'",
            id="int-from-list",
        ),
        pytest.param(
            BOOL,
            "yes",
            "cannot parse '' as bool: strconv.ParseBool: parsing \"yes\": invalid syntax",
            id="bool-from-yes",
        ),
        pytest.param(STRING_MAP, "a=b", "'' expected a map, got 'string'", id="map-from-string"),
        pytest.param(
            STRING_MAP, [{"a": 1}, 2], "'[1]' expected a map, got 'int64'", id="list-with-non-map"
        ),
        pytest.param(
            STRINGS,
            ["a", {"b": 1}, [2]],
            "2 error(s) decoding: * '[1]' expected type "
            "'string', got unconvertible type 'map[interface {}]interface {}', value: "
            "'map[b:1]'; * '[2]' expected type 'string', got unconvertible type "
            "'[]interface {}', value: '[2]'",
            id="every-list-error-reported",
        ),
    ],
)
def test_weak_conversion_errors_use_mapstructure_wording(
    kind: Any, value: Any, message: str
) -> None:
    with pytest.raises(DecodeError) as info:
        kind.decode(value, "")
    assert info.value.text() == message


def test_structs_match_keys_case_insensitively_and_ignore_unknown_ones() -> None:
    value = {
        "anyOf": [
            {
                "condition": "{{ true }}",
                "objectReference": {
                    "apiVersion": "v1",
                    "resource": "pods",
                    "NAME": "p",
                    "extra": "ignored",
                },
            }
        ]
    }
    decoded = StructArg(WaitConditions).decode(value, "")
    assert decoded == WaitConditions(
        any_of=(
            WaitCondition(
                condition="{{ true }}",
                object_reference=ObjectRef(api_version="v1", resource="pods", name="p"),
            ),
        )
    )


def test_struct_field_errors_name_the_field() -> None:
    with pytest.raises(DecodeError) as info:
        StructArg(ObjectRef).decode({"name": ["a", "b"]}, "")
    assert info.value.text() == (
        "1 error(s) decoding: * 'Name' expected type 'string', got unconvertible type "
        "'[]interface {}', value: '[a b]'"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1e6, "1e+06"),
        (123456.0, "123456"),
        (2.5, "2.5"),
        (1e-5, "1e-05"),
        (0.0001, "0.0001"),
        (1234567.0, "1.234567e+06"),
        (-0.5, "-0.5"),
        (3.0, "3"),
    ],
)
def test_floats_print_as_go_prints_them_in_messages(value: float, expected: str) -> None:
    assert format_go_float(value) == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param({"replicas": 3}, 3, id="int"),
        pytest.param({"replicas": "2"}, 2, id="numeric-string"),
        pytest.param({"replicas": "+2"}, 2, id="signed-string"),
        pytest.param({"replicas": "010"}, 10, id="base-10-not-octal"),
    ],
)
def test_scale_workload_reads_replicas_its_own_way(args: dict[str, Any], expected: int) -> None:
    assert coerce_args(lookup_function("ScaleWorkload"), args).replicas == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param(1.0, "Invalid arg type float64 for Arg replicas ", id="float"),
        pytest.param(True, "Invalid arg type bool for Arg replicas ", id="bool"),
        pytest.param(
            "0x10",
            'Cannot convert 0x10 to int: strconv.ParseInt: parsing "0x10": invalid syntax',
            id="hex-string",
        ),
        pytest.param(
            "3000000000",
            "Cannot convert 3000000000 to int: strconv.ParseInt: parsing "
            '"3000000000": value out of range',
            id="beyond-int32",
        ),
    ],
)
def test_scale_workload_replicas_errors(value: Any, message: str) -> None:
    with pytest.raises(ArgumentError) as info:
        coerce_args(lookup_function("ScaleWorkload"), {"replicas": value})
    assert str(info.value) == message


def test_coerce_builds_the_declaration_with_defaults_for_absent_args() -> None:
    spec = lookup_function("KubeTask")
    args = coerce_args(spec, {"image": "busybox", "command": "echo hi", "podLabels": {"a": 1}})
    assert args == spec.args_type(image="busybox", command=("echo hi",), pod_labels={"a": "1"})
    assert args.namespace == ""
    assert args.pod_override is None


def test_decode_errors_name_the_argument() -> None:
    with pytest.raises(ArgumentError) as info:
        coerce_args(
            lookup_function("KubeExec"), {"namespace": {"a": 1}, "pod": "p", "command": "x"}
        )
    assert str(info.value) == (
        "Failed to decode arg `namespace`: '' expected type 'string', got unconvertible type "
        "'map[interface {}]interface {}', value: 'map[a:1]'"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(["sg-1", "sg-2"], ("sg-1", "sg-2"), id="list"),
        pytest.param("- sg-1\n- sg-2\n", ("sg-1", "sg-2"), id="yaml-list-string"),
        pytest.param("- yes\n- 1.0\n", ("yes", "1.0"), id="scalars-kept-as-written"),
        pytest.param("", None, id="empty-string"),
    ],
)
def test_rds_yaml_list_args(value: Any, expected: Any) -> None:
    spec = lookup_function("RestoreRDSSnapshot")
    args = coerce_args(spec, {"instanceID": "db", "securityGroupID": value})
    assert args.security_group_id == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param(3, "Invalid securityGroupID arg format", id="number"),
        pytest.param(
            "sg-1",
            "yaml: unmarshal errors: cannot unmarshal `sg-1` into []string",
            id="plain-string",
        ),
    ],
)
def test_rds_yaml_list_errors_are_not_prefixed(value: Any, message: str) -> None:
    with pytest.raises(ArgumentError) as info:
        coerce_args(
            lookup_function("RestoreRDSSnapshot"), {"instanceID": "d", "securityGroupID": value}
        )
    assert str(info.value) == message


def test_declarations_reject_mutable_defaults_and_unknown_annotations() -> None:
    with pytest.raises(TypeError, match="mutable"):
        arg("x", help="x", default=[])

    @dataclass(frozen=True, kw_only=True)
    class Odd:
        value: complex = arg("value", help="a complex number")

    with pytest.raises(TypeError, match="no argument decoding"):
        decode_args(Odd, {})
