"""The sprig idioms real Blueprints use (blueprint-corpus.md §3.3), rendered end to end through
kancli's template engine as Kanister renders them; expected outputs are sprig v2.22's."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from kancli.template import render_string
from kancli.template.values import GoInt64, bytes_map, string_map


@pytest.fixture(autouse=True)
def utc_local_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def params() -> dict[str, Any]:
    return {
        "Time": "2026-08-21T10:11:12.123456789Z",
        "Options": string_map({"region": "eu-west-1", "pitr": ""}),
        "Secrets": {"db": {"Data": bytes_map({"password": b"s3cr3t"})}},
        "Object": {
            "metadata": {"labels": {"app.kubernetes.io/instance": "my-release"}},
            "data": {"password": "czNjcjN0"},
            "spec": {"replicas": GoInt64(3), "ratio": 2.5},
        },
        "StatefulSet": {"Name": "my-db", "Pods": ["my-db-0", "my-db-1"]},
    }


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        pytest.param(
            '{{ toDate "2006-01-02T15:04:05.999999999Z07:00" .Time | date "2006-01-02T15-04-05" }}',
            "2026-08-21T10-11-12",
            id="backup-timestamp",
        ),
        pytest.param(
            '{{ toDate "2006-01-02T15:04:05Z07:00" .Time | date "2006-01-02 15:04:05 GMT" }}',
            "2026-08-21 10:11:12 GMT",
            id="literal-gmt-layout",
        ),
        pytest.param(
            '{{ index .Secrets.db.Data "password" | toString }}', "s3cr3t", id="secret-bytes"
        ),
        pytest.param("{{ .Secrets.db.Data.password }}", "[115 51 99 114 51 116]", id="bytes-print"),
        pytest.param(
            "{{ .Object.data.password | toString | b64dec }}", "s3cr3t", id="secret-subject"
        ),
        pytest.param(
            '{{ index .Object.metadata.labels "app.kubernetes.io/instance" | quote }}',
            '"my-release"',
            id="helm-label",
        ),
        pytest.param(
            '{{ .StatefulSet.Name | upper | replace "-" "_" }}_SERVICE_HOST',
            "MY_DB_SERVICE_HOST",
            id="service-env",
        ),
        pytest.param('{{ .Options.region | default "us-east-1" }}', "eu-west-1", id="default-set"),
        pytest.param('{{ .Options.pitr | default "latest" }}', "latest", id="default-empty"),
        pytest.param("{{ toJson .StatefulSet.Pods }}", '["my-db-0","my-db-1"]', id="toJson-list"),
        pytest.param('{{ join "," .StatefulSet.Pods }}', "my-db-0,my-db-1", id="join"),
        pytest.param('{{ (split "-" .StatefulSet.Name)._1 }}', "db", id="split-index"),
        pytest.param('{{ trimSuffix "-1" (index .StatefulSet.Pods 1) }}', "my-db", id="trimSuffix"),
        pytest.param("{{ add .Object.spec.replicas 1 }}", "4", id="add-int64"),
        pytest.param("{{ sub .Object.spec.replicas 1 | typeOf }}", "int64", id="sub-type"),
        pytest.param(
            "{{ .Object.spec.ratio }} {{ 1e6 }} {{ 3.0 }}", "2.5 1e+06 3", id="float-printing"
        ),
        pytest.param('{{ printf "%s-%05d" .StatefulSet.Name 42 }}', "my-db-00042", id="printf"),
        pytest.param("{{ randAlphaNum 8 | len }} {{ uuidv4 | len }}", "8 36", id="random"),
    ],
)
def test_blueprint_idiom_renders_as_in_kanister(
    params: dict[str, Any], template: str, expected: str
) -> None:
    assert render_string(template, params) == expected


def test_date_of_the_time_string_formats_now_not_the_time(params: dict[str, Any]) -> None:
    """The Kafka Blueprints' ``{{ .Time | date ... }}`` (reference §10 item 8)."""
    before = time.strftime("%Y")
    got = render_string('{{ .Time | date "2006" }}', params)
    assert got in (before, time.strftime("%Y"))


def test_env_reads_the_kancli_process_environment(
    monkeypatch: pytest.MonkeyPatch, params: dict[str, Any]
) -> None:
    monkeypatch.setenv("KANCLI_IDIOM", "from-env")
    assert render_string('{{ env "KANCLI_IDIOM" }}', params) == "from-env"
