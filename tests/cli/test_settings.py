"""Settings are built once from options over the environment over defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from kancli.errors import UsageError
from kancli.settings import DEFAULT_REQUEST_TIMEOUT, OutputMode, build_settings
from tests.cli.runner import assert_one_error, run_kancli


def test_defaults_without_options_or_environment() -> None:
    settings = build_settings({}, is_terminal=False)
    assert settings.kubeconfig == ()
    assert (settings.context, settings.namespace) == (None, None)
    assert settings.request_timeout == DEFAULT_REQUEST_TIMEOUT
    assert (settings.color, settings.show_secrets, settings.is_json) == (False, False, False)


def test_kubeconfig_environment_lists_several_files_and_the_option_wins() -> None:
    env = {"KUBECONFIG": "/a/config:/b/config"}
    assert build_settings(env, is_terminal=False).kubeconfig == (
        Path("/a/config"),
        Path("/b/config"),
    )
    chosen = build_settings(env, is_terminal=False, kubeconfig=Path("/c"))
    assert chosen.kubeconfig == (Path("/c"),)


def test_options_win_over_environment() -> None:
    env = {"KANCLI_CONTEXT": "env-ctx", "KANCLI_NAMESPACE": "env-ns", "KANCLI_REQUEST_TIMEOUT": "5"}
    from_env = build_settings(env, is_terminal=False)
    assert (from_env.context, from_env.namespace, from_env.request_timeout) == (
        "env-ctx",
        "env-ns",
        5.0,
    )
    chosen = build_settings(env, is_terminal=False, context="c", namespace="n", request_timeout=9)
    assert (chosen.context, chosen.namespace, chosen.request_timeout) == ("c", "n", 9)


@pytest.mark.parametrize(
    ("env", "is_terminal", "option", "expected"),
    [
        ({}, True, None, True),
        ({}, False, None, False),
        ({"NO_COLOR": "1"}, True, None, False),
        ({"FORCE_COLOR": "1"}, False, None, True),
        ({"TERM": "dumb"}, True, None, False),
        ({"NO_COLOR": "1"}, True, True, True),
    ],
    ids=["terminal", "pipe", "no-color", "force-color", "dumb-terminal", "option-wins"],
)
def test_colour_follows_terminal_and_conventions(
    env: dict[str, str], is_terminal: bool, option: bool | None, expected: bool
) -> None:
    assert build_settings(env, is_terminal=is_terminal, color=option).color is expected


def test_show_secrets_from_environment_and_output_mode() -> None:
    settings = build_settings(
        {"KANCLI_SHOW_SECRETS": "true"}, is_terminal=False, output=OutputMode.JSON
    )
    assert settings.show_secrets
    assert settings.is_json


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"KANCLI_SHOW_SECRETS": "maybe"}, "KANCLI_SHOW_SECRETS='maybe' is not a boolean"),
        ({"KANCLI_REQUEST_TIMEOUT": "soon"}, "KANCLI_REQUEST_TIMEOUT='soon' is not a number"),
        ({"KANCLI_REQUEST_TIMEOUT": "-1"}, "KANCLI_REQUEST_TIMEOUT must be positive"),
    ],
    ids=["bad-bool", "bad-number", "negative"],
)
def test_bad_environment_values_are_usage_errors(env: dict[str, str], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        build_settings(env, is_terminal=False)


def test_bad_environment_reaches_the_user_as_one_line() -> None:
    result = run_kancli("functions", "list", env={"KANCLI_SHOW_SECRETS": "maybe"}, expect=2)
    assert_one_error(result, "KANCLI_SHOW_SECRETS")
