"""The Go shape of TemplateParams: field names, type names, JSON and the phase-param helpers."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from kancli.params import model
from kancli.params.gostruct import to_json_value
from kancli.params.k8s import configmap_from_manifest, secret_from_manifest
from kancli.template.values import GoMap, GoStruct, NilPointer


def go_json_text(value: object) -> str:
    """Compact JSON as Go's encoding/json writes it for these values (keys of maps sorted)."""
    return json.dumps(to_json_value(value), separators=(",", ":"))


def test_template_params_expose_kanister_field_names_in_declaration_order() -> None:
    names = list(model.TemplateParams().go_fields())
    assert names == [
        "StatefulSet", "DeploymentConfig", "Deployment", "PVC", "Namespace", "ArtifactsIn",
        "ConfigMaps", "Secrets", "Time", "Profile", "Options", "Object", "Phases", "DeferPhase",
        "CurrentPhase", "PodOverride", "PodAnnotations", "PodLabels",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("field", "go_type"),
    [
        ("StatefulSet", "*param.StatefulSetParams"),
        ("DeploymentConfig", "*param.DeploymentConfigParams"),
        ("Deployment", "*param.DeploymentParams"),
        ("PVC", "*param.PVCParams"),
        ("Namespace", "*param.NamespaceParams"),
        ("Profile", "*param.Profile"),
        ("CurrentPhase", "*param.Phase"),
    ],
    ids=str,
)
def test_absent_pointers_are_typed_nil_pointers(field: str, go_type: str) -> None:
    value = model.TemplateParams().go_fields()[field]
    assert isinstance(value, NilPointer)
    assert value.go_type == go_type


def test_defer_phase_starts_as_an_empty_phase_not_nil() -> None:
    defer = model.TemplateParams().go_fields()["DeferPhase"]
    assert isinstance(defer, model.Phase)
    assert dict(defer.output) == {}


@pytest.mark.parametrize(
    ("field", "go_type", "zero"),
    [
        ("Options", "map[string]string", ""),
        ("PodLabels", "map[string]string", ""),
        ("Phases", "map[string]*param.Phase", NilPointer("*param.Phase")),
        ("PodOverride", "v1alpha1.JSONMap", None),
    ],
    ids=str,
)
def test_maps_carry_their_go_type_and_zero_value(field: str, go_type: str, zero: object) -> None:
    value = model.TemplateParams().go_fields()[field]
    assert isinstance(value, GoMap)
    assert (value.go_type, value.zero) == (go_type, zero)


def test_extra_fields_from_a_params_file_are_exposed_after_kanister_fields() -> None:
    tp = model.TemplateParams(extra={"RepositoryServer": {"Address": "https://repo"}})
    fields = tp.go_fields()
    assert list(fields)[-1] == "RepositoryServer"
    assert fields["RepositoryServer"] == {"Address": "https://repo"}


KEYPAIR_PROFILE = model.Profile(
    location=model.Location(
        type="s3Compliant", bucket="bkt", endpoint="http://minio:9000", prefix="pfx", region="r1"
    ),
    credential=model.Credential(type="keyPair", key_pair=model.KeyPair(id="AK", secret="SK")),
)


def test_profile_json_is_byte_exact_kanister_form() -> None:
    # kanister-behaviour.md 2.4: capitalised wrapper keys, lowercase Location keys, null pointers.
    assert go_json_text(KEYPAIR_PROFILE) == (
        '{"Location":{"type":"s3Compliant","bucket":"bkt","endpoint":"http://minio:9000",'
        '"prefix":"pfx","region":"r1"},"Credential":{"Type":"keyPair","KeyPair":{"ID":"AK",'
        '"Secret":"SK"},"Secret":null,"KopiaServerSecret":null},"SkipSSLVerify":false}'
    )


def test_empty_profile_json_keeps_every_location_key() -> None:
    # TestProfile: an empty Location still marshals all five keys (no omitempty).
    assert go_json_text(model.Profile()) == (
        '{"Location":{"type":"","bucket":"","endpoint":"","prefix":"","region":""},'
        '"Credential":{"Type":"","KeyPair":null,"Secret":null,"KopiaServerSecret":null},'
        '"SkipSSLVerify":false}'
    )


def test_profile_with_secret_credential_marshals_the_secret_like_client_go() -> None:
    secret = secret_from_manifest(
        {
            "metadata": {"name": "aws", "namespace": "kanister"},
            "type": "secrets.kanister.io/aws",
            "stringData": {"aws_access_key_id": "AK", "aws_secret_access_key": "SK"},
        }
    )
    profile = model.Profile(credential=model.Credential(type="secret", secret=secret))
    credential = json.loads(go_json_text(profile))["Credential"]
    assert credential["Secret"] == {
        "metadata": {"name": "aws", "namespace": "kanister", "creationTimestamp": None},
        "data": {"aws_access_key_id": "QUs=", "aws_secret_access_key": "U0s="},
        "type": "secrets.kanister.io/aws",
    }


def test_kopia_credential_without_connect_options_marshals_null() -> None:
    creds = model.KopiaServerCreds(username="u", hostname="h", password="p", cert="c")
    text = go_json_text(model.Credential(type="kopia", kopia_server_secret=creds))
    assert '"KopiaServerSecret":{"Username":"u","Hostname":"h","Password":"p","Cert":"c",' in text
    assert text.endswith('"ConnectOptions":null}}')


def test_secret_promotes_object_meta_fields_and_keeps_data_as_bytes() -> None:
    secret = secret_from_manifest(
        {"metadata": {"name": "s", "namespace": "ns1", "labels": {"a": "b"}}, "data": {"k": "aGk="}}
    )
    fields = secret.go_fields()
    assert (fields["Name"], fields["Namespace"], dict(fields["Labels"])) == ("s", "ns1", {"a": "b"})
    assert isinstance(fields["ObjectMeta"], GoStruct)
    assert fields["Data"]["k"] == b"hi"
    assert fields["Data"].go_type == "map[string][]uint8"
    assert fields["Type"] == "Opaque"


def test_configmap_data_is_a_string_map() -> None:
    cm = configmap_from_manifest({"metadata": {"name": "cm"}, "data": {"myValue": "bar"}})
    assert cm.go_fields()["Data"]["myValue"] == "bar"
    assert cm.go_fields()["Data"].go_type == "map[string]string"


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        (
            dt.datetime(2026, 8, 21, 10, 11, 12, 123456, tzinfo=dt.UTC),
            "2026-08-21T10:11:12.123456Z",
        ),
        (dt.datetime(2026, 8, 21, 10, 11, 12, 120000, tzinfo=dt.UTC), "2026-08-21T10:11:12.12Z"),
        (dt.datetime(2026, 8, 21, 10, 11, 12, tzinfo=dt.UTC), "2026-08-21T10:11:12Z"),
        (
            dt.datetime(2026, 8, 21, 12, 11, 12, tzinfo=dt.timezone(dt.timedelta(hours=2))),
            "2026-08-21T10:11:12Z",
        ),
    ],
    ids=["micro", "trailing-zeros-trimmed", "whole-second", "converted-to-utc"],
)
def test_time_is_rfc3339nano_utc_with_trimmed_zeros(instant: dt.datetime, expected: str) -> None:
    assert model.format_time(instant) == expected


def test_time_now_has_nanosecond_form() -> None:
    text = model.format_time()
    assert text.endswith("Z")
    parsed = dt.datetime.fromisoformat(text[:26].rstrip(".") + "+00:00")
    assert abs((dt.datetime.now(dt.UTC) - parsed).total_seconds()) < 5


def test_phase_params_follow_kanister_lifecycle() -> None:
    # TestPhaseParams: InitPhaseParams then UpdatePhaseParams then UpdateDeferPhaseParams.
    secret = secret_from_manifest({"metadata": {"name": "s", "namespace": "ns"}})
    tp = model.TemplateParams(secrets=model.secrets_map({"actionSetSecret": secret}))
    tp = model.init_phase_params(tp, "backup")
    assert dict(tp.phases["backup"].output) == {}
    assert isinstance(tp.phases["backup"].output, GoMap)
    tp = model.update_phase_params(tp, "backup", {"version": "0.75.0"})
    tp = model.update_defer_phase_params(tp, {"version": "0.75.0"})
    assert isinstance(tp.defer_phase, model.Phase)
    assert dict(tp.defer_phase.output) == {"version": "0.75.0"}
    assert list(tp.phases) == ["backup"]
    assert tp.secrets["actionSetSecret"] is secret


def test_phase_helpers_do_not_mutate_earlier_params() -> None:
    before = model.TemplateParams()
    after = model.init_phase_params(before, "p1")
    assert "p1" not in before.phases
    assert "p1" in after.phases


def test_init_defer_phase_params_sets_defer_phase_objects() -> None:
    cm = configmap_from_manifest({"metadata": {"name": "cm", "namespace": "ns1"}})
    tp = model.init_defer_phase_params(model.TemplateParams(), config_maps={"config": cm})
    assert isinstance(tp.defer_phase, model.Phase)
    assert tp.defer_phase.config_maps["config"] is cm


def test_current_phase_is_nil_until_set() -> None:
    tp = model.init_phase_params(model.TemplateParams(), "p1")
    assert isinstance(tp.current_phase, NilPointer)
    assert model.with_current_phase(tp, "p1").current_phase is tp.phases["p1"]
