"""Params files: what each key becomes, and one clear error naming file and key for bad input."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kancli.errors import UsageError
from kancli.params import model
from kancli.params.offline import load_params_file, params_from_mapping
from kancli.template.values import GoInt64, NilPointer

NOW = "2026-01-02T03:04:05Z"


def build(data: Any) -> model.TemplateParams:
    return params_from_mapping(data, source="p.yaml", now=NOW).params


def write(tmp_path: Path, text: str, name: str = "params.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_empty_mapping_gives_kanister_defaults_with_the_given_now() -> None:
    tp = build({})
    assert tp.time == NOW
    assert isinstance(tp.stateful_set, NilPointer)
    assert isinstance(tp.profile, NilPointer)
    assert dict(tp.options) == {}


def test_workload_keys_become_workload_params() -> None:
    tp = build(
        {
            "StatefulSet": {
                "Name": "db",
                "Namespace": "ns",
                "Pods": ["db-0"],
                "Containers": [["c1", "c2"]],
                "PersistentVolumeClaims": {"db-0": {"data-db-0": "/data"}},
            }
        }
    )
    ss = tp.stateful_set
    assert isinstance(ss, model.StatefulSetParams)
    assert (ss.name, ss.namespace, ss.pods, ss.containers) == ("db", "ns", ["db-0"], [["c1", "c2"]])
    assert ss.persistent_volume_claims["db-0"]["data-db-0"] == "/data"
    assert isinstance(tp.deployment, NilPointer)


def test_object_integers_become_int64_as_in_unstructured_json() -> None:
    tp = build({"Object": {"spec": {"replicas": 3, "ratio": 0.5, "ok": True, "items": [1]}}})
    spec = tp.object["spec"]
    assert type(spec["replicas"]) is GoInt64
    assert type(spec["items"][0]) is GoInt64
    assert (spec["ratio"], spec["ok"]) == (0.5, True)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("2026-08-21T10:11:12.123456789Z", "2026-08-21T10:11:12.123456789Z"),
        ("2026-08-21T10:11:12.120Z", "2026-08-21T10:11:12.12Z"),
        ("2026-08-21T12:11:12+02:00", "2026-08-21T10:11:12Z"),
        ("2026-08-21T10:11:12.5-01:00", "2026-08-21T11:11:12.5Z"),
    ],
    ids=["nanoseconds-kept", "zeros-trimmed", "offset-to-utc", "fraction-with-offset"],
)
def test_time_is_normalised_as_kanister_formats_it(given: str, expected: str) -> None:
    assert build({"Time": given}).time == expected


def test_unquoted_yaml_timestamp_stays_a_string(tmp_path: Path) -> None:
    path = write(tmp_path, "Time: 2026-08-21T10:11:12Z\nOptions:\n  when: 2026-01-01\n")
    params = load_params_file(path).params
    assert params.time == "2026-08-21T10:11:12Z"
    assert params.options["when"] == "2026-01-01"


def test_artifacts_accept_go_and_actionset_spelling() -> None:
    tp = build(
        {
            "ArtifactsIn": {
                "a": {"KeyValue": {"path": "/x"}},
                "b": {"keyValue": {"id": "1"}, "kopiaSnapshot": '{"id":"k"}'},
            }
        }
    )
    assert tp.artifacts_in["a"].key_value["path"] == "/x"
    assert tp.artifacts_in["b"].kopia_snapshot == '{"id":"k"}'


def test_secret_manifest_folds_string_data_into_data_like_the_api_server() -> None:
    tp = build(
        {
            "Secrets": {
                "db": {
                    "metadata": {"name": "db-creds", "namespace": "ns"},
                    "data": {"user": "cm9vdA=="},
                    "stringData": {"password": "pw"},
                }
            }
        }
    )
    secret = tp.secrets["db"]
    assert (secret.name, secret.namespace) == ("db-creds", "ns")
    assert dict(secret.data) == {"user": b"root", "password": b"pw"}
    assert dict(secret.string_data) == {}


def test_secret_reference_resolves_against_objects() -> None:
    tp = build(
        {
            "Secrets": {"aws": {"name": "aws-creds", "namespace": "ns"}},
            "objects": [
                {
                    "kind": "List",
                    "items": [
                        {
                            "kind": "Secret",
                            "metadata": {"name": "aws-creds", "namespace": "ns"},
                            "stringData": {"key": "v"},
                        }
                    ],
                }
            ],
        }
    )
    assert tp.secrets["aws"].data["key"] == b"v"


def test_profile_resolves_keypair_from_objects() -> None:
    tp = build(
        {
            "Profile": {
                "location": {"type": "s3Compliant", "bucket": "b"},
                "credential": {
                    "type": "keyPair",
                    "keyPair": {
                        "idField": "id",
                        "secretField": "secret",
                        "secret": {"name": "creds", "namespace": "kanister"},
                    },
                },
            },
            "objects": [
                {
                    "kind": "Secret",
                    "metadata": {"name": "creds", "namespace": "kanister"},
                    "stringData": {"id": "AK", "secret": "SK"},
                }
            ],
        }
    )
    assert isinstance(tp.profile, model.Profile)
    assert tp.profile.credential.key_pair == model.KeyPair(id="AK", secret="SK")
    assert tp.profile.location.bucket == "b"


def test_phase_outputs_and_defer_output_are_kept_aside_for_the_renderer() -> None:
    offline = params_from_mapping(
        {"Phases": {"p1": {"Output": {"k": "v"}}, "p2": None}, "DeferPhase": {"Output": {"x": 1}}},
        source="p.yaml",
        now=NOW,
    )
    assert dict(offline.params.phases) == {}
    assert offline.phase_outputs == {"p1": {"k": "v"}, "p2": None}
    assert offline.defer_output == {"x": 1}


def test_unknown_top_level_keys_are_exposed_as_they_are() -> None:
    tp = build({"RepositoryServer": {"Address": "https://repo", "Port": 51515}})
    assert tp.go_fields()["RepositoryServer"] == {
        "Address": "https://repo",
        "Port": GoInt64(51515),
    }


BAD_PARAMS = [
    ("not-a-mapping", ["a", "b"], "p.yaml: a params file must be a mapping"),
    ("lowercase-field", {"options": {}}, "p.yaml: options: unknown key; template fields are"),
    ("bad-time", {"Time": "yesterday"}, "p.yaml: Time: must be an RFC 3339 time"),
    ("option-not-string", {"Options": {"n": 5}}, "p.yaml: Options.n: must be a string"),
    (
        "workload-field-typo",
        {"Deployment": {"Name": "d", "pods": []}},
        "p.yaml: Deployment.pods: unknown field",
    ),
    (
        "pods-not-list",
        {"StatefulSet": {"Pods": "db-0"}},
        "p.yaml: StatefulSet.Pods: must be a list",
    ),
    (
        "secret-bad-base64",
        {"Secrets": {"s": {"data": {"k": "not base64!"}}}},
        "p.yaml: Secrets.s.data.k: is not valid base64",
    ),
    (
        "secret-reference-missing",
        {"Secrets": {"s": {"name": "x", "namespace": "ns"}}},
        'p.yaml: Secrets.s: secrets "x" not found in namespace "ns"',
    ),
    (
        "profile-secret-missing",
        {
            "Profile": {
                "credential": {
                    "type": "keyPair",
                    "keyPair": {"idField": "a", "secretField": "b", "secret": {"name": "c"}},
                }
            }
        },
        'p.yaml: Profile: secrets "c" not found',
    ),
    (
        "profile-bad-type",
        {"Profile": {"credential": {"type": "password"}}},
        "p.yaml: Profile: CredentialType 'password' not supported",
    ),
    ("object-kind", {"objects": [{"kind": "Pod"}]}, "p.yaml: objects[0].kind: must be Secret"),
    ("phase-output-field", {"Phases": {"p": {"output": {}}}}, "p.yaml: Phases.p.output: unknown"),
    ("current-phase", {"CurrentPhase": {}}, "p.yaml: CurrentPhase: is set by kancli"),
]


@pytest.mark.parametrize(
    ("data", "message"), [c[1:] for c in BAD_PARAMS], ids=[c[0] for c in BAD_PARAMS]
)
def test_bad_params_name_the_file_and_key(data: Any, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        build(data)
    assert str(caught.value).startswith(message), str(caught.value)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.yaml", "Options: [unclosed\n", "bad.yaml:2:1: invalid YAML"),
        ("bad.json", '{"Options": }', "bad.json:1:13: invalid JSON"),
        (
            "two.yaml",
            "a: 1\n---\nb: 2\n",
            "two.yaml:2:1: invalid YAML: expected a single document in the stream, but found",
        ),
    ],
    ids=["yaml-syntax", "json-syntax", "two-documents"],
)
def test_unparsable_params_files_point_at_line_and_column(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    with pytest.raises(UsageError) as caught:
        load_params_file(write(tmp_path, content, name))
    assert str(caught.value).startswith(str(tmp_path / message)), str(caught.value)


def test_unreadable_params_files_are_usage_errors(tmp_path: Path) -> None:
    binary = tmp_path / "latin1.yaml"
    binary.write_bytes(b"Options:\n  a: caf\xe9\n")
    cases = {
        tmp_path / "missing.yaml": "no such params file",
        tmp_path: "is a directory",
        binary: "latin1.yaml:2: params file is not UTF-8 text",
    }
    for path, message in cases.items():
        with pytest.raises(UsageError, match=message):
            load_params_file(path)


def test_empty_params_file_means_no_params(tmp_path: Path) -> None:
    params = load_params_file(write(tmp_path, "# nothing here\n"), now=NOW).params
    assert params.time == NOW


def test_json_params_file(tmp_path: Path) -> None:
    path = write(tmp_path, '{"Options": {"a": "b"}}', "p.json")
    assert load_params_file(path).params.options["a"] == "b"
