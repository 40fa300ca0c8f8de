"""Profile resolution: Kanister's credential rules and error texts (kanister-behaviour.md 2.4)."""

from __future__ import annotations

from typing import Any

import pytest

from kancli.errors import NotFoundError, ObjectStoreError
from kancli.params import model
from kancli.params.k8s import ManifestError, secret_from_manifest
from kancli.params.objects import ObjectSet
from kancli.params.profile import resolve_profile


def secret(name: str, data: dict[str, str], type_: str = "Opaque", ns: str = "ns") -> Any:
    return secret_from_manifest(
        {"metadata": {"name": name, "namespace": ns}, "stringData": data, "type": type_}
    )


def keypair_spec(id_field: str = "myKey", secret_field: str = "myValue") -> dict[str, Any]:
    return {
        "credential": {
            "type": "keyPair",
            "keyPair": {
                "idField": id_field,
                "secretField": secret_field,
                "secret": {"name": "creds", "namespace": "ns"},
            },
        }
    }


def test_keypair_credential_reads_id_and_secret_fields() -> None:
    # TestfetchKVSecretCredential (b).
    objects = ObjectSet([secret("creds", {"myKey": "foo", "myValue": "bar"})])
    profile = resolve_profile(keypair_spec(), objects)
    assert profile.credential == model.Credential(
        type="keyPair", key_pair=model.KeyPair(id="foo", secret="bar")
    )
    assert profile.location == model.Location()
    assert profile.skip_ssl_verify is False


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"myValue": "bar"}, "Key 'myKey' not found in secret 'ns:creds'"),
        ({"myKey": "foo"}, "Value 'myValue' not found in secret 'ns:creds'"),
    ],
    ids=["id-field-missing", "secret-field-missing"],
)
def test_keypair_fields_must_exist(data: dict[str, str], message: str) -> None:
    with pytest.raises(ObjectStoreError, match=message):
        resolve_profile(keypair_spec(), ObjectSet([secret("creds", data)]))


def test_keypair_secret_that_does_not_exist_is_not_found() -> None:
    with pytest.raises(NotFoundError, match='secrets "creds" not found'):
        resolve_profile(keypair_spec(), ObjectSet())


def test_keypair_may_be_given_already_resolved() -> None:
    spec = {"credential": {"type": "keyPair", "keyPair": {"id": "AK", "secret": "SK"}}}
    profile = resolve_profile(spec, ObjectSet())
    assert profile.credential.key_pair == model.KeyPair(id="AK", secret="SK")


AWS = "secrets.kanister.io/aws"


@pytest.mark.parametrize(
    ("type_", "data", "error"),
    [
        (AWS, {"aws_access_key_id": "a", "aws_secret_access_key": "b"}, None),
        (AWS, {"aws_access_key_id": "a", "aws_secret_access_key": "b", "role": "r"}, None),
        (AWS, {"aws_access_key_id": "a", "token": "t"}, "Secret has an unknown field"),
        ("secrets.kanister.io/azure", {"azure_storage_account_id": "a"}, None),
        ("secrets.kanister.io/filestore", {"anything": "x"}, None),
        (
            "secrets.kanister.io/gcp",
            {"gcp_project_id": "p"},
            "Missing required field service-account.json in the secret 'ns:typed'",
        ),
        ("Opaque", {"a": "b"}, "Unsupported type 'Opaque' for secret 'ns:typed'"),
    ],
    ids=[
        "aws-ok",
        "aws-with-role",
        "aws-unknown-key",
        "azure-ok",
        "filestore-anything",
        "gcp-missing-key",
        "untyped-secret",
    ],
)
def test_secret_credential_is_validated_by_type(
    type_: str, data: dict[str, str], error: str | None
) -> None:
    spec = {"credential": {"type": "secret", "secret": {"name": "typed", "namespace": "ns"}}}
    objects = ObjectSet([secret("typed", data, type_)])
    if error is None:
        profile = resolve_profile(spec, objects)
        assert profile.credential.type == "secret"
        assert isinstance(profile.credential.secret, type(objects.read_secret("ns", "typed")))
    else:
        with pytest.raises(ObjectStoreError, match=error):
            resolve_profile(spec, objects)


def test_kopia_credential_reads_passphrase_and_certificate() -> None:
    spec = {
        "credential": {
            "type": "kopia",
            "kopiaServerSecret": {
                "username": "user",
                "hostname": "host",
                "userPassphrase": {"key": "pass", "secret": {"name": "kp", "namespace": "ns"}},
                "tlsCert": {"key": "tls.crt", "secret": {"name": "kt", "namespace": "ns"}},
                "connectOptions": {"readTimeout": 30},
            },
        }
    }
    objects = ObjectSet([secret("kp", {"pass": "pw"}), secret("kt", {"tls.crt": "CERT"})])
    creds = resolve_profile(spec, objects).credential.kopia_server_secret
    assert isinstance(creds, model.KopiaServerCreds)
    assert (creds.username, creds.hostname, creds.password, creds.cert) == (
        "user",
        "host",
        "pw",
        "CERT",
    )
    assert dict(creds.connect_options) == {"readTimeout": 30}


def test_kopia_passphrase_key_must_exist() -> None:
    spec = {
        "credential": {
            "type": "kopia",
            "kopiaServerSecret": {
                "userPassphrase": {"key": "nope", "secret": {"name": "kp", "namespace": "ns"}}
            },
        }
    }
    with pytest.raises(ObjectStoreError, match="Failed to fetch user passphrase from secret"):
        resolve_profile(spec, ObjectSet([secret("kp", {"pass": "pw"})]))


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"credential": {"type": "keyPair"}}, "KVSecret cannot be nil"),
        ({"credential": {"type": "secret"}}, "Secret reference cannot be nil"),
        ({"credential": {"type": "kopia"}}, "Kopia Secret reference cannot be nil"),
        ({"credential": {"type": ""}}, "CredentialType '' not supported"),
    ],
    ids=["keypair-nil", "secret-nil", "kopia-nil", "no-type"],
)
def test_missing_credential_parts_fail_with_kanister_messages(
    spec: dict[str, Any], message: str
) -> None:
    with pytest.raises(ObjectStoreError, match=message):
        resolve_profile(spec, ObjectSet())


def test_wrong_shapes_name_the_field() -> None:
    with pytest.raises(ManifestError) as caught:
        resolve_profile({"location": {"bucket": 5}}, ObjectSet())
    assert caught.value.key == "Profile.location.bucket"
