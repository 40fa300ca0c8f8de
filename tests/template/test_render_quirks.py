"""Go template behaviours Blueprints rely on (kanister-behaviour.md §3.1, §3.5, §10)."""

from __future__ import annotations

import pytest

from kancli.errors import TemplateError
from kancli.template import GoTemplateError, render_string
from tests.template.params import DeploymentParams, Phase, TemplateParams


def _params() -> TemplateParams:
    return TemplateParams(
        options={"present": "yes"},
        obj={"metadata": {"name": "db", "labels": {}}, "spec": {"replicas": 2, "empty": None}},
        phases={"backup": Phase({"id": "snap-1"}), "current": Phase()},
    )


def _error(text: str, params: TemplateParams | None = None) -> GoTemplateError:
    with pytest.raises(GoTemplateError) as info:
        render_string(text, params if params is not None else _params())
    return info.value


MISSING_FIELD_ERRORS = [
    ("option", "{{ .Options.absent }}", "absent"),
    ("object", "{{ .Object.metadata.uid }}", "uid"),
    ("phase-never-ran", "{{ .Phases.restore.Output.id }}", "restore"),
    ("nil-output-of-current-phase", "{{ .Phases.current.Output.id }}", "id"),
    ("nil-defer-phase-output", "{{ .DeferPhase.Output.id }}", "id"),
]


@pytest.mark.parametrize(
    ("text", "key"), [c[1:] for c in MISSING_FIELD_ERRORS], ids=[c[0] for c in MISSING_FIELD_ERRORS]
)
def test_missing_map_key_through_field_syntax_fails(text: str, key: str) -> None:
    err = _error(text)
    assert str(err) == f'Failed to render template: "{key}" not found'
    assert f'map has no entry for key "{key}"' in err.go_message


INDEX_CASES = [
    ("string-map-gives-empty-string", '[{{ index .Options "absent" }}]', "[]"),
    ("interface-map-gives-no-value", '[{{ index .Object.metadata "uid" }}]', "[<no value>]"),
    ("hyphenated-key", '{{ index .Options "present" }}', "yes"),
    ("nil-value-prints-no-value", "{{ .Object.spec.empty }}", "<no value>"),
    ("earlier-phase-output", "{{ .Phases.backup.Output.id }}", "snap-1"),
    ("int64-prints-plainly", "{{ .Object.spec.replicas }}", "2"),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in INDEX_CASES], ids=[c[0] for c in INDEX_CASES]
)
def test_index_and_printing_never_fail_on_missing_keys(text: str, expected: str) -> None:
    assert render_string(text, _params()) == expected


def test_nil_pointer_field_access_names_the_go_type() -> None:
    err = _error("{{ .Deployment.Name }}")
    assert str(err) == (
        'template: config:1:14: executing "config" at <.Deployment.Name>: '
        "nil pointer evaluating *param.DeploymentParams.Name"
    )


def test_deployment_fields_are_reachable_when_the_object_is_a_deployment() -> None:
    params = TemplateParams(deployment=DeploymentParams("db", "ns", ["db-0", "db-1"]))
    text = "{{ .Deployment.Namespace }}/{{ index .Deployment.Pods 1 }} {{ .Deployment.Pods }}"
    assert render_string(text, params) == "ns/db-1 [db-0 db-1]"


def test_unknown_struct_field_cannot_be_evaluated() -> None:
    err = _error("{{ .Nope }}")
    assert err.go_message.endswith("can't evaluate field Nope in type param.TemplateParams")


def test_index_out_of_range_keeps_gos_message() -> None:
    params = TemplateParams(deployment=DeploymentParams("db", "ns", ["db-0"]))
    err = _error("{{ index .Deployment.Pods 3 }}", params)
    assert str(err) == (
        'template: config:1:3: executing "config" at <index .Deployment.Pods 3>: '
        "error calling index: index out of range: 3"
    )


def test_fail_message_is_kept() -> None:
    err = _error('{{ fail "stop here" }}')
    assert str(err).endswith("error calling fail: stop here")


def test_any_error_mentioning_a_missing_key_is_rewritten_from_its_last_mention() -> None:
    # Kanister looks for the text anywhere in the message, even in a function's error.
    err = _error('{{ fail "map has no entry for key \\"a\\" then map has no entry for key k" }}')
    assert str(err) == 'Failed to render template: "k" not found'


def test_docs_phase_example_with_hyphens_does_not_parse() -> None:
    err = _error("{{ .Phases.phase-name.Output.key-name }}")
    assert str(err) == "template: config:1: bad character U+002D '-'"
    assert err.stage == "parse"


def test_missing_key_error_is_a_blueprint_error() -> None:
    assert isinstance(_error("{{ .Options.absent }}"), TemplateError)


def test_date_of_a_string_is_not_the_string() -> None:
    # §3.2: `date` on a string formats the current time; the documented idiom parses first.
    params = TemplateParams(time="2001-02-03T12:05:06.789Z")
    text = '{{ toDate "2006-01-02T15:04:05.999999999Z07:00" .Time | date "2006-01-02" }}'
    assert render_string(text, params) == "2001-02-03"


def test_sprig_v3_names_are_undefined_functions() -> None:
    # §3.2: Kanister's map is sprig v2.22, so bcrypt/htpasswd fail at parse time.
    err = _error('{{ bcrypt "x" }}')
    assert (str(err), err.stage) == ('template: config:1: function "bcrypt" not defined', "parse")
