"""Function lookup by name and version, with Kanister's rules and error texts (3.8, 7.2)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from kancli.errors import ExitCode
from kancli.functions import (
    ArgumentError,
    FunctionLookupError,
    Registry,
    coerce_args,
    default_registry,
    kanister_function,
    lookup_function,
)
from kancli.functions.args import arg, check_required_args, check_supported_args


@dataclass(frozen=True, kw_only=True)
class _Args:
    a: str = arg("a", help="a")


def register(registry: Registry, name: str, version: str | None) -> None:
    kwargs: dict[str, Any] = {} if version is None else {"version": version}

    @kanister_function(name, args=_Args, description="test", registry=registry, **kwargs)
    def run(ctx: Any, args: _Args) -> None:
        return None


# TestRegFuncVersion: the registrations accumulate, as in Kanister's test.
REG_FUNC_VERSION = [
    pytest.param("testFunc", None, "v0.0.0", "v0.0.0", id="default"),
    pytest.param("testFunc", "v0.0.1", "v0.0.1", "v0.0.1", id="exact-non-default"),
    pytest.param("anotherFunc", None, "v0.0.0", "v0.0.0", id="another-default"),
    pytest.param("anotherFunc", "v1.2.3", "v1.2.3", "v1.2.3", id="v1.2.3"),
    pytest.param("anotherFunc", "v4.5.6", "v4.5.6", "v4.5.6", id="v4.5.6"),
    pytest.param("anotherFunc", "v0.9.9", "v0.0.0", "v0.0.0", id="query-default"),
    pytest.param("anotherFunc", "v0.1.1", "v11.11.11", "v0.0.0", id="fallback-to-default"),
]


def test_reg_func_version_cases_in_sequence() -> None:
    registry = Registry()
    for case in REG_FUNC_VERSION:
        name, registered, query, expected = (v if isinstance(v, str) else None for v in case.values)
        assert name is not None
        assert query is not None
        register(registry, name, registered)
        assert registry.lookup(name, query).version == expected, case.id


@pytest.mark.parametrize(
    ("query", "message"),
    [
        pytest.param(
            "0.0.0",
            "Requested function {F} has not been registered with version {0.0.0}",
            id="default-spelt-without-v",
        ),
        pytest.param(
            "v1.2.3",
            "Requested function {F} has not been registered with versions {v1.2.3} or {v0.0.0}",
            id="no-default-to-fall-back-on",
        ),
        pytest.param(
            "banana",
            "Failed to get function version: Failed to parse function version "
            "{banana}: Invalid Semantic Version",
            id="not-a-version",
        ),
    ],
)
def test_version_selection_errors(query: str, message: str) -> None:
    registry = Registry()
    register(registry, "F", "v0.9.0")
    with pytest.raises(FunctionLookupError) as info:
        registry.lookup("F", query)
    assert str(info.value) == message
    assert info.value.exit_code == ExitCode.BLUEPRINT


def test_unknown_function_uses_kanisters_wording() -> None:
    with pytest.raises(FunctionLookupError) as info:
        lookup_function("KubeTasks")
    assert str(info.value) == "Requested function {KubeTasks} has not been registered"


def test_unparsable_version_is_reported_before_the_name() -> None:
    with pytest.raises(FunctionLookupError, match="Failed to parse function version"):
        lookup_function("NoSuchFunction", "x.y")


def test_lookup_is_case_sensitive() -> None:
    with pytest.raises(FunctionLookupError):
        lookup_function("kubetask")


def test_registering_a_name_and_version_twice_is_refused() -> None:
    registry = Registry()
    register(registry, "F", None)
    with pytest.raises(ValueError, match=r"F registered twice with version v0\.0\.0"):
        register(registry, "F", "v0.0.0")


def test_invalid_registration_version_is_refused() -> None:
    with pytest.raises(ValueError, match="invalid version"):
        register(Registry(), "F", "latest")


def test_registries_are_independent() -> None:
    registry = Registry()
    register(registry, "OnlyHere", None)
    assert registry.names() == ["OnlyHere"]
    assert "OnlyHere" not in default_registry().names()


@pytest.mark.parametrize(
    ("args", "error"),
    [
        pytest.param({"a": 1, "b": 2, "c": 3}, None, id="all-supported"),
        pytest.param({"a": 1, "b": 2, "c": 3, "d": 4}, "argument d is not supported", id="extra"),
        pytest.param({}, None, id="none"),
    ],
)
def test_check_supported_args(args: dict[str, Any], error: str | None) -> None:
    if error is None:
        check_supported_args(("a", "b", "c"), args)
    else:
        with pytest.raises(ArgumentError) as info:
            check_supported_args(("a", "b", "c"), args)
        assert str(info.value) == error


def test_check_required_args_reports_the_first_missing_in_declaration_order() -> None:
    with pytest.raises(ArgumentError) as info:
        check_required_args(("namespace", "pod", "command"), {"namespace": "x"})
    assert str(info.value) == "Required arg missing: pod"


def test_unsupported_args_are_reported_before_missing_ones() -> None:
    spec = lookup_function("KubeExec")
    with pytest.raises(ArgumentError) as info:
        coerce_args(spec, {"namespace": "n", "podd": "p", "command": ["ls"]})
    assert str(info.value) == "argument podd is not supported"


def test_catalog_adapter_serves_signatures_for_the_preferred_version() -> None:
    registry = Registry()
    register(registry, "F", "v0.0.1")
    register(registry, "F", None)
    catalog = registry.catalog("v0.0.1")
    assert catalog.signature("F").supported_args == ("a",)
    assert catalog.function_names() == ["F"]
    with pytest.raises(FunctionLookupError):
        catalog.signature("G")
