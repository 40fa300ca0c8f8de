"""Offline rendering of an action: Kanister's order and what each template can see.

kanister-behaviour.md 2.3, 3.4, 3.5 and the cluster-free expectations of 3.7, rendered with the
real template engine over the real params model.
"""

from __future__ import annotations

from typing import Any

import pytest

from kancli.blueprint import Action, load_blueprint_text
from kancli.params import model
from kancli.params.k8s import ConfigMap, ObjectMeta, Secret, configmap_from_manifest
from kancli.params.objects import ObjectSet
from kancli.params.profile import resolve_profile
from kancli.params.render import ActionRendering, render_action
from kancli.template import render_string
from kancli.template.values import GoInt64, bytes_map, string_map

BLUEPRINT_HEAD = "apiVersion: cr.kanister.io/v1alpha1\nkind: Blueprint\nmetadata:\n  name: t\n"


def action_from(yaml_actions: str, name: str = "a") -> Action:
    bp = load_blueprint_text(BLUEPRINT_HEAD + yaml_actions, source="bp.yaml")
    return bp.action(name)


def render(
    action: Action,
    params: model.TemplateParams | None = None,
    objects: ObjectSet | None = None,
    outputs: dict[str, Any] | None = None,
) -> ActionRendering:
    return render_action(
        action,
        params or model.TemplateParams(time="2026-08-21T10:11:12Z"),
        objects or ObjectSet(),
        phase_outputs=outputs,
        render_string=render_string,
    )


def args_of(rendering: ActionRendering, index: int) -> Any:
    phase = rendering.phases[index]
    assert phase.error is None, phase.error
    return phase.args


RENDERING_PHASE_PARAMS = """\
actions:
  a:
    phases:
    - func: KubeTask
      name: backup
      objects:
        authSecret:
          kind: Secret
          name: secret-dfss
          namespace: ns1
        config:
          kind: configmap
          name: cm-dfss
          namespace: ns1
      args:
        namespace: '{{ .Phases.backup.Secrets.authSecret.Namespace }}'
        sv: '{{ .Phases.backup.Secrets.authSecret.StringData.myValue }}'
        cns: '{{ .Phases.backup.ConfigMaps.config.Namespace }}'
        cv: '{{ .Phases.backup.ConfigMaps.config.Data.myValue }}'
    - func: KubeTask
      name: after
      args:
        replicas: '{{ .Phases.backup.Output.replicas }}'
"""


def test_rendering_phase_params_matches_kanister_expectations() -> None:
    # TestRenderingPhaseParams (kanister-behaviour.md 3.7).
    secret = Secret(
        metadata=ObjectMeta(name="secret-dfss", namespace="ns1"),
        string_data=string_map({"myValue": "bar"}),
    )
    cm = configmap_from_manifest(
        {"metadata": {"name": "cm-dfss", "namespace": "ns1"}, "data": {"myValue": "bar"}}
    )
    rendering = render(
        action_from(RENDERING_PHASE_PARAMS),
        objects=ObjectSet([secret], [cm]),
        outputs={"backup": {"replicas": 2}},
    )
    assert args_of(rendering, 0) == {"namespace": "ns1", "sv": "bar", "cns": "ns1", "cv": "bar"}
    assert args_of(rendering, 1) == {"replicas": "2"}


VISIBILITY = """\
actions:
  a:
    phases:
    - func: KubeTask
      name: p1
      args:
        own: '{{ .Phases.p1.Output.k }}'
        later: '{{ .Phases.p2.Output.k }}'
    - func: KubeTask
      name: p2
      args:
        earlier: '{{ .Phases.p1.Output.k }}'
        index-missing: '{{ index .Phases.p1.Output "nope" }}'
"""


def test_current_phase_output_is_nil_and_later_phases_are_not_found() -> None:
    rendering = render(action_from(VISIBILITY), outputs={"p1": {"k": "v"}})
    error = rendering.phases[0].error or ""
    assert 'Failed to render template: "k" not found' in error
    assert error.startswith("bp.yaml:")


def test_later_phase_reads_earlier_phase_output() -> None:
    rendering = render(action_from(VISIBILITY), outputs={"p1": {"k": "v"}})
    assert args_of(rendering, 1) == {"earlier": "v", "index-missing": "<no value>"}


def test_phase_that_ran_without_output_fails_later_field_lookups() -> None:
    rendering = render(action_from(VISIBILITY))
    assert 'Failed to render template: "k" not found' in (rendering.phases[1].error or "")


def test_a_later_phase_is_not_visible() -> None:
    action = action_from(
        "actions:\n  a:\n    phases:\n    - func: KubeTask\n      name: p1\n"
        "      args:\n        x: '{{ .Phases.p2.Output.k }}'\n"
        "    - func: KubeTask\n      name: p2\n      args: {}\n"
    )
    rendering = render(action, outputs={"p2": {"k": "v"}})
    assert 'Failed to render template: "p2" not found' in (rendering.phases[0].error or "")
    assert not rendering.ok


OBJECTS_FIRST = """\
actions:
  a:
    phases:
    - func: KubeTask
      name: p1
      args: {}
    - func: KubeTask
      name: p2
      objects:
        s:
          kind: Secret
          name: '{{ .Phases.p1.Output.name }}'
          namespace: ns
      args:
        x: y
"""


def test_phase_objects_render_before_any_phase_runs() -> None:
    rendering = render(action_from(OBJECTS_FIRST), outputs={"p1": {"name": "s1"}})
    assert rendering.phases[0].ok
    error = rendering.phases[1].error or ""
    assert "objects.s.name" in error
    assert '"p1" not found' in error


def test_missing_phase_object_names_the_object() -> None:
    action = action_from(OBJECTS_FIRST.replace("{{ .Phases.p1.Output.name }}", "gone"))
    error = render(action).phases[1].error or ""
    assert 'objects.s: secrets "gone" not found in namespace "ns"' in error


def test_defer_phase_sees_its_objects_and_earlier_outputs() -> None:
    action = action_from(
        "actions:\n  a:\n    phases:\n    - func: ScaleWorkload\n      name: down\n"
        "      args: {replicas: 0}\n"
        "    deferPhase:\n      func: ScaleWorkload\n      name: up\n"
        "      objects:\n        c: {kind: ConfigMap, name: cm, namespace: ns}\n"
        "      args:\n        replicas: '{{ .Phases.down.Output.originalReplicaCount }}'\n"
        "        from: '{{ .DeferPhase.ConfigMaps.c.Data.k }}'\n"
    )
    cm = configmap_from_manifest(
        {"metadata": {"name": "cm", "namespace": "ns"}, "data": {"k": "v"}}
    )
    rendering = render(
        action, objects=ObjectSet([], [cm]), outputs={"down": {"originalReplicaCount": 3}}
    )
    assert rendering.defer_phase is not None
    assert rendering.defer_phase.args == {"replicas": "3", "from": "v"}


def test_wait_args_are_left_for_the_function_to_render() -> None:
    action = action_from(
        "actions:\n  a:\n    phases:\n    - func: WaitV2\n      name: w\n"
        "      args:\n        timeout: 1m\n        conditions:\n"
        "          anyOf:\n          - condition: '{{ if .status }}true{{ end }}'\n"
    )
    phase = render(action).phases[0]
    assert phase.ok
    assert not phase.rendered
    assert phase.args == {
        "timeout": "1m",
        "conditions": {"anyOf": [{"condition": "{{ if .status }}true{{ end }}"}]},
    }


def test_map_keys_are_rendered_and_errors_carry_the_arg_path() -> None:
    action = action_from(
        "actions:\n  a:\n    phases:\n    - func: PrepareData\n      name: p\n"
        "      args:\n        volumes:\n          'data-{{ .StatefulSet.Name }}-0': /src\n"
        "        command: [sh, '{{ .Options.missing }}']\n"
    )
    params = model.TemplateParams(stateful_set=model.StatefulSetParams(name="db"))
    error = render(action, params).phases[0].error or ""
    assert "args.command[1]" in error
    assert error.startswith("bp.yaml:13:")  # line 9 of the actions, after the 4-line head
    ok = action_from(
        "actions:\n  a:\n    phases:\n    - func: PrepareData\n      name: p\n"
        "      args:\n        volumes:\n          'data-{{ .StatefulSet.Name }}-0': /src\n"
    )
    assert args_of(render(ok, params), 0) == {"volumes": {"data-db-0": "/src"}}


def test_nil_workload_fails_with_go_nil_pointer_message() -> None:
    action = action_from(
        "actions:\n  a:\n    phases:\n    - func: KubeTask\n      name: p\n"
        "      args:\n        n: '{{ .Deployment.Name }}'\n"
    )
    error = render(action).phases[0].error or ""
    assert "nil pointer evaluating *param.DeploymentParams.Name" in error


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{ .Secrets.s.Data.k }}", "[104 105]"),
        ("{{ .Secrets.s.Name }}", "s"),
        ('{{ index .Secrets.s.Data "missing" }}', "[]"),
        ("{{ .ConfigMaps.c.Data.x }}", "y"),
        ("{{ .Options.o }}", "v"),
        ("{{ .ArtifactsIn.a.KeyValue.k }}", "kv"),
        ("{{ .Object.spec.replicas }}", "3"),
        ('{{ printf "%T" .Object.spec.replicas }}', "int64"),
        ("{{ .StatefulSet.Name }}/{{ index .StatefulSet.Pods 0 }}", "db/db-0"),
        ("{{ .Namespace.Name }}", "ns"),
        ("{{ .Profile.Location.Bucket }}", "bkt"),
        ("{{ .Profile.Credential.KeyPair.ID }}", "AK"),
        ("{{ if .Profile.Credential.Secret }}secret{{ else }}keypair{{ end }}", "keypair"),
        ("{{ .Time }}", "2026-08-21T10:11:12Z"),
        ("{{ .Secrets.s.Data.k | toString }}", "hi"),
        (
            "{{ toJson .Profile }}",
            '{"Location":{"type":"","bucket":"bkt","endpoint":"","prefix":"","region":""},'
            '"Credential":{"Type":"keyPair","KeyPair":{"ID":"AK","Secret":"SK"},"Secret":null,'
            '"KopiaServerSecret":null},"SkipSSLVerify":false}',
        ),
        ("{{ toJson .ArtifactsIn }}", '{"a":{"keyValue":{"k":"kv"}}}'),
        (
            '{{ toDate "2006-01-02T15:04:05.999999999Z07:00" .Time | date "2006-01-02" }}',
            "2026-08-21",
        ),
    ],
    ids=[
        "secret-bytes-print-as-byte-list",
        "secret-promoted-name",
        "secret-missing-key-is-empty-bytes",
        "configmap-data",
        "options",
        "artifact-keyvalue",
        "object-int",
        "object-int-is-int64",
        "statefulset",
        "namespace",
        "profile-location",
        "profile-keypair",
        "nil-credential-secret-is-false",
        "time",
        "secret-bytes-to-string",
        "profile-to-json-is-kanister-exact",
        "artifacts-to-json-use-json-tags",
        "time-through-toDate",
    ],
)
@pytest.mark.usefixtures("utc_zone")
def test_template_fields_render_with_go_types(template: str, expected: str) -> None:
    params = model.TemplateParams(
        time="2026-08-21T10:11:12Z",
        secrets=model.secrets_map(
            {"s": Secret(metadata=ObjectMeta(name="s"), data=bytes_map({"k": b"hi"}))}
        ),
        config_maps=model.configmaps_map({"c": ConfigMap(data=string_map({"x": "y"}))}),
        options=string_map({"o": "v"}),
        artifacts_in=model.artifacts_map({"a": model.Artifact(key_value=string_map({"k": "kv"}))}),
        object={"spec": {"replicas": GoInt64(3)}},
        stateful_set=model.StatefulSetParams(name="db", pods=["db-0"]),
        namespace=model.NamespaceParams(name="ns", namespace="ns"),
        profile=resolve_profile(
            {
                "location": {"bucket": "bkt"},
                "credential": {"type": "keyPair", "keyPair": {"id": "AK", "secret": "SK"}},
            },
            ObjectSet(),
        ),
    )
    assert render_string(template, params) == expected
