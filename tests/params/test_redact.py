"""Redaction of Secret values: which values count as secret and which forms of them are found."""

from __future__ import annotations

import base64

import pytest

from kancli.params import model
from kancli.params.k8s import Secret, secret_from_manifest
from kancli.params.redact import REDACTED, Redactor, secret_values
from kancli.template.values import string_map

PASSWORD = "s3cr3t<&>pw"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"--password={PASSWORD} -h db", f"--password={REDACTED} -h db"),
        (PASSWORD, REDACTED),
        (base64.b64encode(PASSWORD.encode()).decode(), REDACTED),
        ('{"p":"s3cr3t\\u003c\\u0026\\u003epw"}', f'{{"p":"{REDACTED}"}}'),
        ("[" + " ".join(str(b) for b in PASSWORD.encode()) + "]", REDACTED),
        ("nothing secret here", "nothing secret here"),
    ],
    ids=["inside-text", "whole", "base64", "go-json-escaped", "go-byte-list", "untouched"],
)
def test_every_known_form_of_a_secret_is_redacted(text: str, expected: str) -> None:
    assert Redactor([PASSWORD]).redact_text(text) == expected


def test_short_values_are_redacted_only_as_whole_strings() -> None:
    redactor = Redactor(["pw"])
    assert redactor.redact_text("pw") == REDACTED
    assert redactor.redact_text("a pwd b") == "a pwd b"


def test_longer_secret_wins_over_a_secret_it_contains() -> None:
    redactor = Redactor(["abcd", "abcdefgh"])
    assert redactor.redact_text("x abcdefgh y") == f"x {REDACTED} y"


def test_nested_data_is_redacted_keys_included() -> None:
    redactor = Redactor([PASSWORD])
    data = {"command": ["sh", "-c", f"echo {PASSWORD}"], PASSWORD: 3, "n": 1}
    assert redactor.redact(data) == {
        "command": ["sh", "-c", f"echo {REDACTED}"],
        REDACTED: 3,
        "n": 1,
    }


def _secret(**data: str) -> Secret:
    return secret_from_manifest({"metadata": {"name": "s"}, "stringData": data})


def test_secret_values_come_from_secrets_phase_objects_and_profile() -> None:
    tp = model.TemplateParams(
        secrets=model.secrets_map({"app": _secret(password="app-password")}),
        profile=model.Profile(
            credential=model.Credential(
                type="keyPair", key_pair=model.KeyPair(id="AKIDEXAMPLE", secret="SECRETKEY")
            )
        ),
        object={"kind": "Secret", "data": {"token": base64.b64encode(b"subject-token").decode()}},
    )
    tp = model.init_phase_params(tp, "p", secrets={"obj": _secret(key="phase-key")})
    tp = model.init_defer_phase_params(tp, secrets={"obj": _secret(key="defer-key")})
    assert {
        "app-password",
        "AKIDEXAMPLE",
        "SECRETKEY",
        "phase-key",
        "defer-key",
        "subject-token",
    } <= secret_values(tp)


def test_configmaps_and_options_are_not_secret() -> None:
    tp = model.TemplateParams(options=string_map({"a": "visible-option"}))
    assert secret_values(tp) == set()
