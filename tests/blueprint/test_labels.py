"""Label and annotation checks with Kubernetes' rules and Kanister's wording."""

from __future__ import annotations

import pytest

from kancli.blueprint.labels import (
    annotation_problems,
    label_problems,
    label_value_errors,
    qualified_name_errors,
)

NAME_RULE = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and "
    "end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex "
    "used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)
VALUE_RULE = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
    "'my_value',  or '12345', regex used for validation is "
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)


@pytest.mark.parametrize(
    "key",
    ["key", "app.kubernetes.io/name", "a", "A-b_c.d", "example.com/x", "x" * 63],
)
def test_valid_qualified_names_pass(key: str) -> None:
    assert qualified_name_errors(key) == []


@pytest.mark.parametrize(
    ("key", "errors"),
    [
        pytest.param("key$", [NAME_RULE], id="dollar"),
        pytest.param("-key", [NAME_RULE], id="leading-dash"),
        pytest.param("", ["name part must be non-empty", NAME_RULE], id="empty"),
        pytest.param("x" * 64, ["name part must be no more than 63 characters"], id="too-long"),
        pytest.param("/name", ["prefix part must be non-empty"], id="empty-prefix"),
        pytest.param(
            "Example.com/name",
            [
                "prefix part a lowercase RFC 1123 subdomain must consist of lower case "
                "alphanumeric characters, '-' or '.', and must start and end with an "
                "alphanumeric character (e.g. 'example.com', regex used for validation is "
                "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
            ],
            id="uppercase-prefix",
        ),
    ],
)
def test_invalid_qualified_names_give_apimachinery_messages(key: str, errors: list[str]) -> None:
    assert qualified_name_errors(key) == errors


def test_too_many_slashes_is_one_error() -> None:
    (error,) = qualified_name_errors("a/b/c")
    assert error.startswith("a qualified name must consist of")
    assert error.endswith(
        "with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
    )


@pytest.mark.parametrize("value", ["", "value", "my_value", "12345", "a" * 63])
def test_valid_label_values_pass(value: str) -> None:
    assert label_value_errors(value) == []


def test_label_messages_are_kanisters() -> None:
    assert label_problems({"key$": "value"}) == [
        f"label key 'key$' failed validation. [{NAME_RULE}]"
    ]
    assert label_problems({"key": "value$"}) == [
        f"label value 'value$' failed validation. [{VALUE_RULE}]"
    ]
    assert annotation_problems({"key$": "anything at all $"}) == [
        f"annotation key 'key$' failed validation. [{NAME_RULE}]"
    ]
    assert annotation_problems({"key": "value$"}) == []
