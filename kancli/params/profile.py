"""Resolve a Kanister Profile (the CR's ``location``/``credential``) into ``.Profile``.

kanister-behaviour.md section 2.4 (``fetchProfile``/``fetchCredential``). The credential's
Secrets are read through an :class:`~kancli.params.objects.ObjectSource`, and failures carry
Kanister's own texts ("Key 'x' not found in secret 'ns:name'", "CredentialType 'x' not
supported"...), raised as :class:`~kancli.errors.ObjectStoreError`.

Deliberate extension for files written by hand (there is no controller to resolve anything):
a credential may also be given already resolved. ``keyPair: {id: ..., secret: ...}`` (strings)
instead of ``idField``/``secretField``/``secret`` (a reference); for ``type: secret``, an inline
Secret manifest (with ``data``/``stringData``) instead of a reference; for ``type: kopia``,
``password``/``cert`` strings instead of ``userPassphrase``/``tlsCert``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kancli.errors import ObjectStoreError
from kancli.params.k8s import ManifestError, Secret, secret_from_manifest
from kancli.params.model import Credential, KeyPair, KopiaServerCreds, Location, Profile
from kancli.params.objects import ObjectSource
from kancli.template.values import GoMap

AWS_SECRET_TYPE = "secrets.kanister.io/aws"  # noqa: S105 - a Secret type
AZURE_SECRET_TYPE = "secrets.kanister.io/azure"  # noqa: S105 - a Secret type
GCP_SECRET_TYPE = "secrets.kanister.io/gcp"  # noqa: S105 - a Secret type
FILESTORE_SECRET_TYPE = "secrets.kanister.io/filestore"  # noqa: S105 - a Secret type

_ALLOWED_KEYS = {
    AWS_SECRET_TYPE: ("aws_access_key_id", "aws_secret_access_key", "role"),
    AZURE_SECRET_TYPE: (
        "azure_storage_account_id",
        "azure_storage_key",
        "azure_storage_environment",
    ),
}


def resolve_profile(spec: Any, objects: ObjectSource, key: str = "Profile") -> Profile:
    """``.Profile`` from a Profile CR body (``location``, ``credential``, ``skipSSLVerify``).

    Raises :class:`ManifestError` for a body of the wrong shape (``key`` names the field) and
    :class:`ObjectStoreError` when the credential cannot be resolved.
    """
    body = _mapping(spec, key)
    skip = body.get("skipSSLVerify", False)
    if not isinstance(skip, bool):
        raise ManifestError(f"{key}.skipSSLVerify", "must be true or false")
    return Profile(
        location=_location(body.get("location"), f"{key}.location"),
        credential=_credential(body.get("credential"), objects, f"{key}.credential"),
        skip_ssl_verify=skip,
    )


def _location(value: Any, key: str) -> Location:
    body = _mapping(value, key)
    fields = {name: _string(body, name, key) for name in _LOCATION_FIELDS}
    return Location(**fields)


_LOCATION_FIELDS = ("type", "bucket", "endpoint", "prefix", "region")


def _credential(value: Any, objects: ObjectSource, key: str) -> Credential:
    body = _mapping(value, key)
    kind = _string(body, "type", key)
    if kind == "keyPair":
        return _keypair_credential(body.get("keyPair"), objects, f"{key}.keyPair")
    if kind == "secret":
        return _secret_credential(body.get("secret"), objects, f"{key}.secret")
    if kind == "kopia":
        return _kopia_credential(body.get("kopiaServerSecret"), objects, f"{key}.kopiaServerSecret")
    raise ObjectStoreError(f"CredentialType '{kind}' not supported")


def _keypair_credential(value: Any, objects: ObjectSource, key: str) -> Credential:
    if value is None:
        raise ObjectStoreError("KVSecret cannot be nil")
    body = _mapping(value, key)
    if isinstance(body.get("id"), str) and isinstance(body.get("secret"), str):
        pair = KeyPair(id=body["id"], secret=body["secret"])
        return Credential(type="keyPair", key_pair=pair)
    id_field = _string(body, "idField", key)
    secret_field = _string(body, "secretField", key)
    namespace, name = _reference(body.get("secret"), f"{key}.secret")
    secret = objects.read_secret(namespace, name)
    if id_field not in secret.data:
        raise ObjectStoreError(f"Key '{id_field}' not found in secret '{namespace}:{name}'")
    if secret_field not in secret.data:
        raise ObjectStoreError(f"Value '{secret_field}' not found in secret '{namespace}:{name}'")
    pair = KeyPair(id=_text(secret.data[id_field]), secret=_text(secret.data[secret_field]))
    return Credential(type="keyPair", key_pair=pair)


def _secret_credential(value: Any, objects: ObjectSource, key: str) -> Credential:
    if value is None:
        raise ObjectStoreError("Secret reference cannot be nil")
    body = _mapping(value, key)
    if any(field in body for field in ("data", "stringData", "metadata", "type")):
        secret = secret_from_manifest(body, key)
    else:
        namespace, name = _reference(body, key)
        secret = objects.read_secret(namespace, name)
    validate_credentials_secret(secret)
    return Credential(type="secret", secret=secret)


def validate_credentials_secret(secret: Secret) -> None:
    """``secrets.ValidateCredentials``: the typed Secret must hold only the keys its type allows."""
    where = f"'{secret.namespace}:{secret.name}'"
    if secret.type in _ALLOWED_KEYS:
        known = sum(1 for k in _ALLOWED_KEYS[secret.type] if k in secret.data)
        if len(secret.data) > known:
            raise ObjectStoreError("Secret has an unknown field")
        return
    if secret.type == GCP_SECRET_TYPE:
        if not secret.data:
            raise ObjectStoreError(
                f"validation Failed: Empty secret. Expected at least one key value pair "
                f"in the secret {where}"
            )
        for required in ("gcp_project_id", "service-account.json"):
            if required not in secret.data:
                raise ObjectStoreError(
                    f"validation Failed: Missing required field {required} in the secret {where}"
                )
        return
    if secret.type == FILESTORE_SECRET_TYPE:
        return
    raise ObjectStoreError(f"Unsupported type '{secret.type}' for secret {where}")


def _kopia_credential(value: Any, objects: ObjectSource, key: str) -> Credential:
    if value is None:
        raise ObjectStoreError("Kopia Secret reference cannot be nil")
    body = _mapping(value, key)
    password = body.get("password")
    if not isinstance(password, str):
        password = _kopia_secret_value(
            body.get("userPassphrase"), objects, f"{key}.userPassphrase", "user passphrase"
        )
    cert = body.get("cert")
    if not isinstance(cert, str):
        cert = _kopia_secret_value(body.get("tlsCert"), objects, f"{key}.tlsCert", "TLS cert")
    options = _mapping(body.get("connectOptions"), f"{key}.connectOptions")
    for name, number in options.items():
        if isinstance(number, bool) or not isinstance(number, int):
            raise ManifestError(f"{key}.connectOptions.{name}", "must be an integer")
    creds = KopiaServerCreds(
        username=_string(body, "username", key),
        hostname=_string(body, "hostname", key),
        password=password,
        cert=cert,
        connect_options=GoMap(options, go_type="map[string]int", zero=0),
    )
    return Credential(type="kopia", kopia_server_secret=creds)


def _kopia_secret_value(value: Any, objects: ObjectSource, key: str, what: str) -> str:
    body = _mapping(value, key)
    if body.get("secret") is None:
        label = "UserPassphrase" if what == "user passphrase" else "TLS cert"
        raise ObjectStoreError(f"Kopia {label} Secret reference cannot be nil")
    namespace, name = _reference(body.get("secret"), f"{key}.secret")
    secret = objects.read_secret(namespace, name)
    data_key = _string(body, "key", key)
    if data_key not in secret.data:
        raise ObjectStoreError(f"Failed to fetch {what} from secret")
    return _text(secret.data[data_key])


def _reference(value: Any, key: str) -> tuple[str, str]:
    body = _mapping(value, key)
    name = _string(body, "name", key)
    if not name:
        raise ManifestError(f"{key}.name", "is required")
    return _string(body, "namespace", key), name


def _mapping(value: Any, key: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ManifestError(key, "must be a mapping")
    return value


def _string(body: Mapping[str, Any], name: str, key: str) -> str:
    value = body.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ManifestError(f"{key}.{name}", "must be a string")
    return value


def _text(raw: bytes) -> str:
    # Go's string([]byte) keeps invalid UTF-8 bytes; Python needs a decision: replace them.
    return raw.decode("utf-8", errors="replace")
