"""The kubectl JSONPath subset of Wait conditions, over a fixed object (no cluster needed)."""

from __future__ import annotations

import pytest

from kancli.functions.builtin._jsonpath import (
    JsonPathError,
    JsonPathSyntaxError,
    parse,
    resolve_to_string,
    substitute,
)

OBJ = {
    "metadata": {"name": "web", "labels": {"app.kubernetes.io/name": "web"}},
    "spec": {"replicas": 3, "ratio": 0.5, "big": 1e8, "paused": False, "list": [10, 20, 30]},
    "status": {
        "phase": "Active",
        "conditions": [
            {"type": "Available", "status": "True", "count": 2},
            {"type": "Progressing", "status": "False", "count": 5},
        ],
        "note": "<a&b>",
    },
}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        pytest.param(".status.phase", "Active", id="field"),
        pytest.param("$.status.phase", "Active", id="leading-dollar"),
        pytest.param(".spec.replicas", "3", id="int"),
        pytest.param(".spec.ratio", "0.5", id="float"),
        pytest.param(".spec.big", "1e+08", id="float-as-go-prints-it"),
        pytest.param(".spec.paused", "false", id="bool"),
        pytest.param(".spec.list[1]", "20", id="index"),
        pytest.param(".spec.list[-1]", "30", id="negative-index"),
        pytest.param(".spec.list[0:2]", "10 20", id="slice"),
        pytest.param(".spec.list[0,2]", "10 30", id="index-union"),
        pytest.param(".spec.list[*]", "10 20 30", id="wildcard"),
        pytest.param(".status.conditions[*].type", "Available Progressing", id="field-of-each"),
        pytest.param(
            '.status.conditions[?(@.type=="Available")].status', "True", id="filter-string"
        ),
        pytest.param(".status.conditions[?(@.count>3)].type", "Progressing", id="filter-number"),
        pytest.param('.status.conditions[?(@.type=="None")].status', "", id="filter-no-match"),
        pytest.param("..type", "Available Progressing", id="recursive"),
        pytest.param(".metadata.labels['app.kubernetes.io/name']", "web", id="quoted-key"),
        pytest.param(".spec.list", "[10,20,30]", id="list-as-json"),
        pytest.param(".status.note", "<a&b>", id="string-raw"),
        pytest.param(
            ".metadata", '{"labels":{"app.kubernetes.io/name":"web"},"name":"web"}', id="map-json"
        ),
    ],
)
def test_paths_print_as_kubectl_prints_them(path: str, expected: str) -> None:
    assert resolve_to_string(OBJ, path) == expected


@pytest.mark.parametrize(
    ("path", "message"),
    [
        pytest.param(".status.missing", "missing is not found", id="missing-field"),
        pytest.param(".spec.list[7]", "array index out of bounds: index 7, length 3", id="oob"),
    ],
)
def test_paths_that_do_not_apply_are_errors(path: str, message: str) -> None:
    with pytest.raises(JsonPathError, match=message):
        resolve_to_string(OBJ, path)


@pytest.mark.parametrize("path", [".spec.list[x]", ".spec.list[?(@.a ~ 1)]", ".a[0"])
def test_malformed_paths_are_syntax_errors(path: str) -> None:
    with pytest.raises(JsonPathSyntaxError):
        parse(path)


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        pytest.param(
            '{{ if eq "{$.status.phase}" "Active" }}true{{ end }}',
            '{{ if eq "Active" "Active" }}true{{ end }}',
            id="plain",
        ),
        pytest.param("{ $.spec.replicas }/{$.spec.replicas}", "3/3", id="spaces-and-repeats"),
        pytest.param("[{$.spec.list[x]}]", "[]", id="unparsable-becomes-empty"),
        pytest.param("{{ .x }} {not a path}", "{{ .x }} {not a path}", id="no-dollar-untouched"),
    ],
)
def test_substitution_in_conditions(condition: str, expected: str) -> None:
    assert substitute(condition, OBJ) == expected
