"""The engine over kancli's Go value model: typed maps, structs, nil pointers, functions.

These behaviours depend on Go types that JSON cannot express, so the Go oracle reaches only some
of them; the expected texts here are what Go prints for the same Go values.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

import pytest

from kancli.template import GoTemplateError, default_funcs, parse
from kancli.template.values import (
    FuncError,
    GoFunc,
    GoInt64,
    GoMap,
    GoStruct,
    NilPointer,
    bytes_map,
    string_map,
)


class Pod(GoStruct):
    go_type: ClassVar[str] = "*main.Pod"

    def __init__(self, name: str, labels: dict[str, str]) -> None:
        self._fields = {"Name": name, "Labels": string_map(labels)}

    def go_fields(self) -> dict[str, Any]:
        return self._fields


class Point(GoStruct):
    go_type: ClassVar[str] = "main.Point"

    def go_fields(self) -> dict[str, Any]:
        return {"X": 1, "Y": "two"}


FIELDS: dict[str, Any] = {
    "labels": string_map({"app": "db"}),
    "secret": bytes_map({"password": b"hi"}),
    "phases": GoMap(go_type="map[string]*param.Phase", zero=NilPointer("*param.Phase")),
    "pod": Pod("db-0", {"tier": "data"}),
    "point": Point(),
    "none": NilPointer("*main.Pod"),
    "when": dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
    "count": GoInt64(3),
    "m": {"pod": Pod("db-0", {})},
}


class Data(GoStruct):
    """A struct at the top, so that fields keep their own types (a map would give interface {})."""

    go_type: ClassVar[str] = "main.Data"

    def go_fields(self) -> dict[str, Any]:
        return FIELDS


DATA = Data()

CASES = [
    ("string-map-field", "{{ .labels.app }}", "error", "db"),
    ("string-map-index-missing", "[{{ index .labels `x` }}]", "error", "[]"),
    ("string-map-field-missing-zero", "[{{ .labels.x }}]", "zero", "[]"),
    ("string-map-field-missing-default", "[{{ .labels.x }}]", "default", "[<no value>]"),
    ("bytes-print-as-numbers", "{{ .secret.password }}", "error", "[104 105]"),
    ("bytes-missing-index-is-empty", "{{ index .secret `x` }}", "error", "[]"),
    ("pointer-map-missing-index-is-nil", "{{ index .phases `x` }}", "error", "<nil>"),
    ("pointer-struct-prints-dereferenced", "{{ .pod }}", "error", "{db-0 map[tier:data]}"),
    (
        "pointer-struct-printf-keeps-ampersand",
        '{{ printf "%v" .pod }}',
        "error",
        "&{db-0 map[tier:data]}",
    ),
    ("struct-value-prints", "{{ .point }}", "error", "{1 two}"),
    ("struct-field-chain", "{{ .pod.Labels.tier }}", "error", "data"),
    ("struct-in-interface-map", "{{ .m.pod.Name }}", "error", "db-0"),
    ("struct-is-true", "{{ if .point }}t{{ end }}", "error", "t"),
    ("nil-pointer-is-false", "{{ if .none }}t{{ else }}f{{ end }}", "error", "f"),
    ("nil-pointer-prints-nil", "{{ .none }}", "error", "<nil>"),
    ("nil-pointer-equals-nil", "{{ eq .none nil }}", "error", "true"),
    ("time-prints-like-go", "{{ .when }}", "error", "2024-01-02 03:04:05 +0000 UTC"),
    ("int64-type", '{{ printf "%T" .count }}', "error", "int64"),
    ("range-over-struct-slice-field", "{{ range .pod.Labels }}{{ . }}{{ end }}", "error", "data"),
]


@pytest.mark.parametrize(
    ("text", "missingkey", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_go_values_render_as_go_renders_them(text: str, missingkey: str, expected: str) -> None:
    assert parse(text).execute(DATA, missingkey=missingkey) == expected


ERRORS = [
    ("nil-pointer-field", "{{ .none.Name }}", "nil pointer evaluating *main.Pod.Name"),
    ("missing-struct-field", "{{ .pod.Nope }}", "can't evaluate field Nope in type *main.Pod"),
    (
        "struct-field-with-args",
        "{{ .pod.Name 1 }}",
        "Name has arguments but cannot be invoked as function",
    ),
    ("map-field-with-args", "{{ .labels.app 1 }}", "app is not a method but has arguments"),
    ("time-has-no-fields", "{{ .when.Year }}", "can't evaluate field Year in type time.Time"),
    (
        "index-struct",
        "{{ index .pod 0 }}",
        "error calling index: can't index item of type *main.Pod",
    ),
    ("index-map-with-int", "{{ index .labels 1 }}", "value has type int; should be string"),
    ("interface-slot-type", "{{ .m.pod.Nope }}", "can't evaluate field Nope in type interface {}"),
    ("len-of-struct", "{{ len .point }}", "error calling len: len of type main.Point"),
]


@pytest.mark.parametrize(("text", "message"), [c[1:] for c in ERRORS], ids=[c[0] for c in ERRORS])
def test_go_value_errors_are_worded_as_go(text: str, message: str) -> None:
    with pytest.raises(GoTemplateError) as info:
        parse(text).execute(DATA)
    assert info.value.go_message.endswith(message)


def _boom(_: str) -> str:
    raise FuncError("it broke")


def _crash(_: str) -> str:
    raise ZeroDivisionError("division by zero")


FUNCS = {
    "join2": GoFunc(
        "join2", lambda sep, *parts: sep.join(parts), ("string", "...string"), "string"
    ),
    "boom": GoFunc("boom", _boom, ("string",), "string", returns_error=True),
    "crash": GoFunc("crash", _crash, ("string",), "string"),
    "when": GoFunc("when", lambda t: t.year, ("time.Time",), "int"),
    "nothing": GoFunc("nothing", lambda: None, (), "interface{}"),
}

FUNC_CASES = [
    ("variadic-none", '{{ join2 "-" }}', ""),
    ("variadic-many", '{{ join2 "-" "a" "b" "c" }}', "a-b-c"),
    ("variadic-piped", '{{ "c" | join2 "-" "a" }}', "a-c"),
    ("time-param", "{{ when .when }}", "2024"),
    ("interface-result-nil", "{{ nothing }}", "<no value>"),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in FUNC_CASES], ids=[c[0] for c in FUNC_CASES]
)
def test_functions_receive_go_converted_arguments(text: str, expected: str) -> None:
    assert parse(text, funcs=FUNCS).execute(DATA) == expected


FUNC_ERRORS = [
    ("func-error", '{{ boom "x" }}', 'at <boom "x">: error calling boom: it broke'),
    ("python-exception", '{{ crash "x" }}', "error calling crash: division by zero"),
    ("too-few", "{{ join2 }}", "wrong number of args for join2: want at least 1 got 0"),
    ("wrong-type", '{{ join2 "-" 1 }}', "expected string; found 1"),
    ("time-from-string", '{{ when "2024" }}', 'can\'t handle "2024" for arg of type time.Time'),
    ("time-from-nil", "{{ when nil }}", "cannot assign nil to time.Time"),
    ("nil-result-field", "{{ nothing.x }}", "nil pointer evaluating interface {}.x"),
]


@pytest.mark.parametrize(
    ("text", "message"), [c[1:] for c in FUNC_ERRORS], ids=[c[0] for c in FUNC_ERRORS]
)
def test_function_call_errors_are_worded_as_go(text: str, message: str) -> None:
    with pytest.raises(GoTemplateError) as info:
        parse(text, funcs=FUNCS).execute(DATA)
    assert info.value.go_message.endswith(message)


def test_a_function_named_like_a_builtin_replaces_it() -> None:
    # Sprig's `slice` shadows the builtin; a user `and` is an ordinary (non-short-circuit) call.
    seen: list[Any] = []

    def and_(*args: Any) -> Any:
        seen.extend(args)
        return "custom"

    funcs = {"and": GoFunc("and", and_, ("...interface{}",), "interface{}")}
    assert parse("{{ and 0 1 }}", funcs=funcs).execute({}) == "custom"
    assert seen == [0, 1]
    assert parse("{{ slice (list 1 2 3) 1 }}").execute({}) == "[2 3]"
    assert "slice" in default_funcs()


def test_functions_named_break_and_continue_are_callable() -> None:
    funcs = {"break": GoFunc("break", lambda: "called", (), "string")}
    assert parse("{{ break }}", funcs=funcs).execute({}) == "called"


def test_parsing_is_cached_by_text() -> None:
    assert parse("{{ .x }} cached") is parse("{{ .x }} cached")
    assert parse("{{ .x }}", funcs=FUNCS) is not parse("{{ .x }}", funcs=FUNCS)


def test_templates_can_be_executed_repeatedly_and_independently() -> None:
    tmpl = parse("{{ $x := .n }}{{ range .l }}{{ $x }}{{ . }}{{ end }}")
    assert tmpl.execute({"n": "a", "l": [1, 2]}) == "a1a2"
    assert tmpl.execute({"n": "b", "l": []}) == ""
