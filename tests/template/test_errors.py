"""What a GoTemplateError carries, and the limits that stop runaway templates."""

from __future__ import annotations

import pytest

from kancli.errors import ExitCode, TemplateError
from kancli.template import GoTemplateError, Limits, check_syntax, parse, render_string
from kancli.template.exec import MAX_TEMPLATE_DEPTH


def test_parse_error_carries_text_position_and_gos_message() -> None:
    text = "line one\nline two {{ .a | | }}"
    with pytest.raises(GoTemplateError) as info:
        parse(text)
    err = info.value
    assert err.go_message == 'template: config:2: unexpected "|" in command'
    assert (err.template, err.line, err.column, err.stage) == (text, 2, 18, "parse")
    assert err.exit_code == ExitCode.BLUEPRINT


def test_exec_error_position_points_at_the_failing_node() -> None:
    text = "a\n  b {{ .x.y }}"
    with pytest.raises(GoTemplateError) as info:
        parse(text).execute({"x": 1})
    err = info.value
    assert err.go_message == (
        'template: config:2:9: executing "config" at <.x.y>: '
        "can't evaluate field y in type interface {}"
    )
    assert (err.line, err.column, err.stage) == (2, 10, "exec")


def test_columns_count_characters_while_gos_count_bytes() -> None:
    with pytest.raises(GoTemplateError) as info:
        parse("éé {{ .x.y }}").execute({"x": 1})
    assert info.value.go_message.startswith("template: config:1:10:")
    assert info.value.column == 9


def test_check_syntax_accepts_valid_and_rejects_invalid_templates() -> None:
    check_syntax("{{ range $i, $v := .Deployment.Pods }}{{ $v }}{{ end }}")
    check_syntax("no actions at all }}")
    with pytest.raises(TemplateError, match='function "nosuchfunc" not defined'):
        check_syntax("{{ nosuchfunc 1 }}")


def test_unknown_missingkey_option_is_rejected() -> None:
    with pytest.raises(ValueError, match="unrecognized option: missingkey=sometimes"):
        parse("x").execute({}, missingkey="sometimes")


def test_output_limit_stops_a_huge_output() -> None:
    text = "{{ range 100000 }}0123456789{{ end }}"
    with pytest.raises(GoTemplateError) as info:
        parse(text).execute({}, limits=Limits(max_output=50_000))
    assert info.value.stage == "limit"
    assert "output exceeds the limit of 50000 characters" in str(info.value)


def test_step_limit_stops_a_long_loop() -> None:
    text = "{{ range 1000 }}{{ range 1000 }}{{ end }}{{ end }}"
    with pytest.raises(GoTemplateError) as info:
        parse(text).execute({}, limits=Limits(max_steps=100_000))
    assert "execution exceeds the limit of 100000 steps" in str(info.value)


def test_time_limit_stops_a_slow_template() -> None:
    text = "{{ range 100000000 }}{{ end }}"
    with pytest.raises(GoTemplateError) as info:
        parse(text).execute({}, limits=Limits(timeout=0.05, max_steps=10**12))
    assert "execution exceeds the time limit of 0.05 seconds" in str(info.value)


def test_loops_within_limits_complete() -> None:
    out = parse("{{ range 3000 }}.{{ end }}").execute({}, limits=Limits(max_output=3000))
    assert out == "." * 3000


def test_recursive_template_stops_at_the_depth_limit() -> None:
    text = '{{ define "r" }}x{{ template "r" . }}{{ end }}{{ template "r" . }}'
    with pytest.raises(GoTemplateError) as info:
        parse(text).execute({})
    assert str(info.value).endswith(f"exceeded maximum template depth ({MAX_TEMPLATE_DEPTH})")


def test_deeply_nested_parentheses_are_a_clear_parse_error() -> None:
    with pytest.raises(GoTemplateError, match="max expression depth exceeded"):
        parse("{{ " + "(" * 500 + "1" + ")" * 500 + " }}")


def test_deeply_nested_blocks_are_a_clear_error_not_a_crash() -> None:
    text = "{{ if true }}" * 2000 + "x" + "{{ end }}" * 2000
    with pytest.raises(GoTemplateError, match="too deep"):
        parse(text)


def test_render_string_applies_limits() -> None:
    with pytest.raises(GoTemplateError, match="output exceeds"):
        render_string("{{ range 10 }}abc{{ end }}", {}, limits=Limits(max_output=10))
