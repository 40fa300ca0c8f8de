"""Blueprint validation: Kanister's acceptance cases (7.4) and kancli's extra checks.

The validator runs against the real function registry and the real template syntax checker, on
Blueprints that go through the real loader.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from kancli.blueprint import (
    Blueprint,
    Problem,
    Severity,
    load_blueprint,
    load_blueprint_text,
    validate_blueprint,
)
from kancli.functions import Registry, default_registry, kanister_function
from kancli.functions.args import arg
from kancli.template import check_syntax

CORPUS = Path("/work/shared/compat/blueprints")


def make(actions: dict[str, Any]) -> Blueprint:
    text = yaml.safe_dump({"actions": actions}, sort_keys=False)
    return load_blueprint_text(text, source="bp.yaml")


def validate(bp: Blueprint, registry: Registry | None = None, version: str = "") -> list[Problem]:
    catalog = (registry or default_registry()).catalog(version)
    return validate_blueprint(bp, catalog, check_syntax)


def error_messages(problems: list[Problem]) -> list[str]:
    return [p.message for p in problems if p.is_error]


def phase(func: str, name: str, /, **args: Any) -> dict[str, Any]:
    return {"func": func, "name": name, "args": args}


def kanister_bp(backup: list[dict[str, Any]], defer: dict[str, Any] | None = None) -> Blueprint:
    """Kanister's test blueprint: actions backup (given phases) and restore (none)."""
    backup_action: dict[str, Any] = {"phases": backup}
    if defer is not None:
        backup_action["deferPhase"] = defer
    return make({"backup": backup_action, "restore": {"phases": []}})


V_CASES = [
    pytest.param(
        [
            phase("KubeTask", "00", image=""),
            phase("KubeExec", "01", namespace="", command=""),
            phase("KubeExec", "01", namespace="", command="", pod=""),
        ],
        None,
        "Required arg missing: command",
        id="V1",
    ),
    pytest.param(
        [
            phase("KubeTask", "10", image="", command=""),
            phase("KubeExec", "11", namespace="", command="", pod=""),
        ],
        None,
        None,
        id="V2",
    ),
    pytest.param(
        [
            phase("KubeTasks", "20", image="", command=""),
            phase("KubeExec", "21", namespace="", command="", pod=""),
        ],
        None,
        "Requested function {KubeTasks} has not been registered",
        id="V3",
    ),
    pytest.param(
        [phase("PrepareData", "30", namespace="", image="", command="")], None, None, id="V4"
    ),
    pytest.param(
        [phase("PrepareData", "40", namespace="", image="")],
        None,
        "Required arg missing: command",
        id="V5",
    ),
    pytest.param(
        [phase("PrepareData", "50", namespace="", image="")],
        phase("PrepareData", "51", namespace="", image=""),
        "Required arg missing: command",
        id="V6",
    ),
    pytest.param(
        [phase("PrepareData", "60", namespace="", image="", command="")],
        phase("PrepareData", "61", namespace="", image=""),
        "Required arg missing: command",
        id="V7",
    ),
    pytest.param(
        [phase("PrepareData", "70", namespace="", image="", command="")],
        phase("PrepareData", "71", namespace="", image="", command=""),
        None,
        id="V8",
    ),
]


@pytest.mark.parametrize(("backup", "defer", "expected"), V_CASES)
def test_kanister_validation_cases(
    backup: list[dict[str, Any]], defer: dict[str, Any] | None, expected: str | None
) -> None:
    messages = error_messages(validate(kanister_bp(backup, defer)))
    if expected is None:
        assert messages == []
    else:
        assert expected in messages


def test_missing_arg_of_the_defer_phase_points_at_the_defer_phase() -> None:
    bp = kanister_bp(
        [phase("PrepareData", "60", namespace="", image="", command="")],
        phase("PrepareData", "61", namespace="", image=""),
    )
    (problem,) = [p for p in validate(bp) if p.is_error]
    assert problem.path == "actions.backup.deferPhase.args"
    assert problem.location == bp.actions["backup"].defer_phase.args_location  # type: ignore[union-attr]


def ndv_registry() -> Registry:
    """PrepareData at the default version plus Kanister's NonDefaultVersionFunc at v0.0.1."""
    registry = Registry()
    registry.register(default_registry().lookup("PrepareData"))

    from dataclasses import dataclass

    @dataclass(frozen=True, kw_only=True)
    class NdvArgs:
        arg0: str = arg("ndVersionArg0", help="zero")
        arg1: str = arg("ndVersionArg1", help="one")
        arg2: str = arg("ndVersionArg2", help="two")
        arg3: str = arg("ndVersionArg3", default="", help="three")

    @kanister_function(
        "NonDefaultVersionFunc",
        args=NdvArgs,
        description="Test function.",
        version="v0.0.1",
        registry=registry,
    )
    def run(ctx: Any, args: NdvArgs) -> None:
        return None

    return registry


NDV = {"ndVersionArg0": "", "ndVersionArg1": ""}
PREPARE = {"namespace": "", "image": "", "command": ""}

NDV_CASES = [
    pytest.param(
        [
            phase("NonDefaultVersionFunc", "00", **NDV, ndVersionArg2=""),
            phase("PrepareData", "01", **PREPARE),
        ],
        None,
        id="NDV1-default-version-fallback",
    ),
    pytest.param(
        [
            phase("NonDefaultVersionFunc", "10", **NDV, ndVersionArg23=""),
            phase("PrepareData", "11", **PREPARE),
        ],
        "argument ndVersionArg23 is not supported",
        id="NDV2-unsupported",
    ),
    pytest.param(
        [
            phase("NonDefaultVersionFunc", "20", **NDV, ndVersionArg2=""),
            phase("NonDefaultVersionFunc", "21", **NDV),
        ],
        "Required arg missing: ndVersionArg2",
        id="NDV3-required",
    ),
    pytest.param(
        [phase("PrepareData", "30", **PREPARE), phase("PrepareData", "31", **PREPARE)],
        None,
        id="NDV4-both-default",
    ),
]


@pytest.mark.parametrize(("backup", "expected"), NDV_CASES)
def test_non_default_version_cases(backup: list[dict[str, Any]], expected: str | None) -> None:
    messages = error_messages(validate(kanister_bp(backup), ndv_registry(), "v0.0.1"))
    if expected is None:
        assert messages == []
    else:
        assert expected in messages


def test_function_only_at_another_version_is_not_found_at_the_default() -> None:
    bp = kanister_bp([phase("NonDefaultVersionFunc", "x", **NDV, ndVersionArg2="")])
    assert error_messages(validate(bp, ndv_registry())) == [
        "Requested function {NonDefaultVersionFunc} has not been registered with version {}"
    ]


LABEL_CASES = [
    pytest.param({"key": "value"}, None, None, id="L1-label"),
    pytest.param(None, {"key": "value"}, None, id="L2-annotation"),
    pytest.param({"key": "value"}, {"key": "value"}, None, id="L3-both"),
    pytest.param(
        {"key$": "value"}, {"key": "value"}, "label key 'key$' failed validation", id="L4-label-key"
    ),
    pytest.param(
        {"key*": "value"},
        {"key": "value"},
        "label key 'key*' failed validation",
        id="L5-label-key-star",
    ),
    pytest.param(
        {"key": "value$"},
        {"key": "value"},
        "label value 'value$' failed validation",
        id="L6-label-value",
    ),
    pytest.param(
        {"key": "value"},
        {"key$": "value"},
        "annotation key 'key$' failed validation",
        id="L7-annotation-key",
    ),
    pytest.param({"key": "value"}, {"key": "value$"}, None, id="L8-annotation-value-free"),
    pytest.param({"key": ""}, {"key": ""}, None, id="L9-empty-values"),
]


@pytest.mark.parametrize(("labels", "annotations", "expected"), LABEL_CASES)
def test_pod_label_and_annotation_cases(
    labels: dict[str, str] | None, annotations: dict[str, str] | None, expected: str | None
) -> None:
    args: dict[str, Any] = {"image": "", "command": ""}
    if labels is not None:
        args["podLabels"] = labels
    if annotations is not None:
        args["podAnnotations"] = annotations
    messages = error_messages(validate(kanister_bp([phase("KubeTask", "backup", **args)])))
    if expected is None:
        assert messages == []
    else:
        assert len(messages) == 1
        assert messages[0].startswith(expected)


def test_templated_labels_are_left_for_run_time() -> None:
    labels = {"app": "{{ .Object.metadata.name }}", "{{ .Options.k }}": "v"}
    bp = kanister_bp([phase("KubeTask", "t", image="", command="", podLabels=labels)])
    assert error_messages(validate(bp)) == []


def test_pod_labels_that_are_not_a_map_are_rejected() -> None:
    bp = kanister_bp([phase("KubeTask", "t", image="", command="", podLabels="a=b")])
    assert error_messages(validate(bp)) == [
        "podLabels are not in correct format. Expected format is map[string]interface{}."
    ]


def named(*names: str) -> list[dict[str, Any]]:
    return [phase("KubeTask", n, image="i", command="c") for n in names]


P_CASES = [
    pytest.param(
        named("phaseone", "phasetwo", "phasethree"),
        named("phasefour", "phasefive"),
        "phasesix",
        None,
        id="P1-unique",
    ),
    pytest.param(
        named("phaseone", "phaseone", "phasethree"),
        named("phasefour", "phasefive"),
        "phasesix",
        "phaseone",
        id="P2-same-action",
    ),
    pytest.param(
        named("phaseone", "phasetwo", "phasethree"),
        named("phaseone", "phasefive"),
        "phasesix",
        "phaseone",
        id="P3-across-actions",
    ),
    pytest.param(
        named("phaseone", "phasetwo", "phasethree"),
        named("phasefour", "phasefive"),
        "phaseone",
        "phaseone",
        id="P4-defer-phase",
    ),
]


@pytest.mark.parametrize(("backup", "restore", "defer", "duplicate"), P_CASES)
def test_phase_names_are_unique_across_the_blueprint(
    backup: list[dict[str, Any]], restore: list[dict[str, Any]], defer: str, duplicate: str | None
) -> None:
    bp = make(
        {
            "backup": {"phases": backup, "deferPhase": named(defer)[0]},
            "restore": {"phases": restore},
        }
    )
    messages = error_messages(validate(bp))
    if duplicate is None:
        assert messages == []
    else:
        assert messages == [f"Duplicated phase name is not allowed. Violating phase '{duplicate}'"]


def test_every_problem_is_reported_in_file_order_with_locations() -> None:
    bp = load_blueprint_text(
        """\
actions:
  backup:
    phases:
    - func: KubeTaks
      name: a
    - func: KubeExec
      name: b
      args:
        namespace: ns
        command: [ls]
        podd: x
    - func: KubeTask
      name: a
      args:
        image: "{{ .Options.x-y }}"
        command: [sh]
""",
        source="bp.yaml",
    )
    problems = validate(bp)
    assert [(p.location.line, p.location.column, p.message) for p in problems[:4]] == [
        (4, 13, "Requested function {KubeTaks} has not been registered"),
        (9, 9, "Required arg missing: pod"),
        (11, 9, "argument podd is not supported"),
        (12, 7, "Duplicated phase name is not allowed. Violating phase 'a'"),
    ]
    template_problem = problems[4]
    assert template_problem.message == "template: config:1: bad character U+002D '-'"
    # The engine locates the error inside the template; it maps into the quoted scalar.
    assert template_problem.location.line == 15
    assert 17 <= template_problem.location.column <= 30
    assert len(problems) == 5
    assert problems[0].hint == 'did you mean "KubeTask"?'
    assert problems[2].hint == 'did you mean "pod"?'
    assert problems[4].path == "actions.backup.phases[2].args.image"
    assert str(problems[0]) == (
        "bp.yaml:4:13: actions.backup.phases[0].func: "
        "Requested function {KubeTaks} has not been registered"
    )


@pytest.mark.parametrize(
    ("func", "args", "expected", "hint"),
    [
        pytest.param(
            "BackupDataStats",
            {"namespace": "n", "backupArtifactPrefix": "p", "backupID": "i", "mode": "raw-data"},
            "argument mode is not supported",
            'did you mean "statsMode"?',
            id="stats-mode-is-statsMode",
        ),
        pytest.param(
            "CreateCSISnapshotStatic",
            {"name": "n", "namespace": "n", "driver": "d", "handle": "h", "snapshotClass": "c"},
            "argument handle is not supported",
            'did you mean "snapshotHandle"?',
            id="handle-is-snapshotHandle",
        ),
        pytest.param(
            "RestoreRDSSnapshot",
            {"instanceID": "i", "image": "postgres"},
            "argument image is not supported",
            None,
            id="rds-rejects-image",
        ),
        pytest.param(
            "KubeTask",
            {"image": "i", "command": "c", "PodLabels": {}},
            "argument PodLabels is not supported",
            'did you mean "podLabels"?',
            id="case-mismatch-hint",
        ),
    ],
)
def test_unsupported_arguments_follow_kanisters_declarations(
    func: str, args: dict[str, Any], expected: str, hint: str | None
) -> None:
    problems = [p for p in validate(kanister_bp([phase(func, "p", **args)])) if p.is_error]
    (problem,) = [p for p in problems if p.message == expected]
    assert problem.hint == hint


def template_problems(actions: dict[str, Any]) -> list[tuple[str, str, Severity]]:
    return [(p.path, p.message, p.severity) for p in validate(make(actions))]


def kube_task(name: str, command: str, **extra: Any) -> dict[str, Any]:
    return {"func": "KubeTask", "name": name, "args": {"image": "i", "command": [command]}, **extra}


def test_templates_are_checked_in_args_keys_objects_and_artifacts() -> None:
    actions = {
        "backup": {
            "outputArtifacts": {
                "a": {"keyValue": {"k": "{{ .Phases.p.Output.k"}, "kopiaSnapshot": "{{ end }}"}
            },
            "phases": [
                {
                    "func": "KubeTask",
                    "name": "p",
                    "objects": {"s": {"kind": "Secret", "name": "{{ nope }}"}},
                    "args": {
                        "image": "i",
                        "command": ["sh"],
                        "podOverride": {"{{ .Bad-key }}": "x", "top": {"deep": "{{ ( }}"}},
                    },
                }
            ],
        }
    }
    assert template_problems(actions) == [
        (
            "actions.backup.outputArtifacts.a.keyValue.k",
            "template: config:1: unclosed action",
            Severity.ERROR,
        ),
        (
            "actions.backup.outputArtifacts.a.kopiaSnapshot",
            "template: config:1: unexpected {{end}}",
            Severity.ERROR,
        ),
        (
            "actions.backup.phases[0].objects.s.name",
            'template: config:1: function "nope" not defined',
            Severity.ERROR,
        ),
        (
            "actions.backup.phases[0].args.podOverride.{{ .Bad-key }}",
            "template: config:1: bad character U+002D '-'",
            Severity.ERROR,
        ),
        (
            "actions.backup.phases[0].args.podOverride.top.deep",
            "template: config:1: unclosed left paren",
            Severity.ERROR,
        ),
    ]


def test_top_level_arg_keys_are_not_templates() -> None:
    # Kanister renders nested map keys but never the top-level arg names.
    actions = {"a": {"phases": [kube_task("p", "ls")]}}
    actions["a"]["phases"][0]["args"]["{{ bad }}"] = "x"
    assert [m for _, m, _ in template_problems(actions)] == ["argument {{ bad }} is not supported"]


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        pytest.param("{{ .Phases.first.Output.k }}", None, id="earlier-phase"),
        pytest.param('{{ index .Phases "first" "Output" "k" }}', None, id="earlier-index-form"),
        pytest.param("{{ .Phases.me.Secrets.s }}", None, id="own-secrets"),
        pytest.param(
            "{{ .Phases.me.Output.k }}",
            'phase "me" reads its own output, which is not set while it runs',
            id="own-output",
        ),
        pytest.param(
            "{{ .Phases.last.Output.k }}",
            '.Phases.last refers to phase "last", which runs after this one',
            id="later-phase",
        ),
        pytest.param(
            "{{ .Phases.other.Output.k }}",
            '.Phases.other refers to phase "other" of action "restore"; .Phases holds '
            'only phases of the running action "backup"',
            id="other-action",
        ),
        pytest.param(
            "{{ .Phases.frist.Output.k }}",
            '.Phases.frist: no phase named "frist" runs before this in action "backup"',
            id="unknown-phase",
        ),
        pytest.param(
            "{{ .DeferPhase.Output.k }}",
            ".DeferPhase.Output is set only after the deferPhase succeeds; only "
            "outputArtifacts can read it",
            id="defer-output-in-args",
        ),
    ],
)
def test_phase_references_must_run_earlier_in_the_same_action(
    command: str, expected: str | None
) -> None:
    actions = {
        "backup": {
            "phases": [kube_task("first", "ls"), kube_task("me", command), kube_task("last", "x")]
        },
        "restore": {"phases": [kube_task("other", "ls")]},
    }
    messages = [m for _, m, s in template_problems(actions) if s is Severity.ERROR]
    assert messages == ([] if expected is None else [expected])


def test_unknown_phase_gets_a_did_you_mean_hint() -> None:
    bp = make({"a": {"phases": [kube_task("first", "ls"), kube_task("b", "{{ .Phases.frist }}")]}})
    (problem,) = validate(bp)
    assert problem.hint == 'did you mean "first"?'


def test_defer_phase_and_artifacts_may_read_every_phase_of_their_action() -> None:
    actions = {
        "backup": {
            "outputArtifacts": {
                "x": {
                    "keyValue": {
                        "a": "{{ .Phases.one.Output.k }}",
                        "b": "{{ .DeferPhase.Output.k }}",
                        "c": "{{ .Phases.cleanup.Output.k }}",
                    }
                }
            },
            "phases": [kube_task("one", "ls")],
            "deferPhase": kube_task("cleanup", "{{ .Phases.one.Output.k }}"),
        }
    }
    assert template_problems(actions) == []


def test_artifact_reading_defer_output_needs_a_defer_phase() -> None:
    actions = {
        "backup": {
            "outputArtifacts": {"x": {"keyValue": {"a": "{{ .DeferPhase.Output.k }}"}}},
            "phases": [kube_task("one", "ls")],
        }
    }
    assert template_problems(actions) == [
        (
            "actions.backup.outputArtifacts.x.keyValue.a",
            '.DeferPhase.Output is read but action "backup" has no deferPhase',
            Severity.ERROR,
        )
    ]


def test_phase_objects_cannot_read_phase_outputs() -> None:
    objects = {"s": {"kind": "Secret", "name": "{{ .Phases.one.Output.name }}"}}
    actions = {"a": {"phases": [kube_task("one", "ls"), kube_task("two", "ls", objects=objects)]}}
    assert template_problems(actions) == [
        (
            "actions.a.phases[1].objects.s.name",
            "phase objects are rendered before any phase runs, when .Phases is empty",
            Severity.ERROR,
        )
    ]


def test_objects_of_other_kinds_are_warned_about() -> None:
    objects = {"d": {"kind": "Deployment", "name": "x"}, "c": {"kind": "configmap", "name": "cm"}}
    actions = {"a": {"phases": [kube_task("one", "ls", objects=objects)]}}
    assert template_problems(actions) == [
        (
            "actions.a.phases[0].objects.d",
            'objects of kind "Deployment" are ignored: Kanister fetches only Secret and ConfigMap '
            "objects",
            Severity.WARNING,
        )
    ]


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        pytest.param(None, [], id="undeclared-list-accepts-anything"),
        pytest.param(["cloud"], [], id="declared-name"),
        pytest.param(
            ["cloudObject"],
            [
                (
                    'artifact "cloud" is not in inputArtifactNames of action "restore"',
                    Severity.WARNING,
                )
            ],
            id="undeclared-name-warns",
        ),
    ],
)
def test_input_artifacts_outside_the_declared_list_are_warnings(
    declared: list[str] | None, expected: list[tuple[str, Severity]]
) -> None:
    action: dict[str, Any] = {"phases": [kube_task("p", "{{ .ArtifactsIn.cloud.KeyValue.path }}")]}
    if declared is not None:
        action["inputArtifactNames"] = declared
    assert [(m, s) for _, m, s in template_problems({"restore": action})] == expected


def test_wait_v2_conditions_are_not_kanister_templates_but_their_references_are() -> None:
    conditions = {
        "anyOf": [
            {
                "condition": '{{ if exists .status }}{{ "true" }}{{ end }}',
                "objectReference": {"name": "{{ .Bad-ref }}", "kind": "x"},
            }
        ]
    }
    actions = {
        "a": {
            "phases": [
                {"func": "WaitV2", "name": "w", "args": {"timeout": "1m", "conditions": conditions}}
            ]
        }
    }
    assert template_problems(actions) == [
        (
            "actions.a.phases[0].args.conditions.anyOf[0].objectReference.name",
            "template: config:1: bad character U+002D '-'",
            Severity.ERROR,
        )
    ]


def test_template_error_position_maps_into_a_literal_block() -> None:
    bp = load_blueprint_text(
        """\
actions:
  a:
    phases:
    - func: KubeTask
      name: p
      args:
        image: i
        command:
        - sh
        - -c
        - |
          echo one
          echo {{ .Options.a-b }}
""",
        source="bp.yaml",
    )
    (problem,) = validate(bp)
    # Line 2 of the template is file line 13, whose text starts at column 11.
    assert problem.location.line == 13
    assert 11 + len("echo {{ ") <= problem.location.column <= 11 + len("echo {{ .Options.a-")
    assert problem.message == "template: config:2: bad character U+002D '-'"


def test_loader_warnings_are_part_of_the_result() -> None:
    bp = make({"a": {"type": "Deployment", "phases": [kube_task("p", "ls")]}})
    (problem,) = validate(bp)
    assert problem.severity is Severity.WARNING
    assert problem.message == 'unknown field "type" is ignored'


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.yaml")), ids=lambda p: p.name.split("__")[1])
def test_corpus_blueprints_have_valid_functions_args_and_references(path: Path) -> None:
    # Template syntax is left to the engine's own tests (it needs the full sprig function set);
    # this checks names, argument sets, labels and phase/artifact references on real Blueprints.
    problems = validate_blueprint(
        load_blueprint(path), default_registry().catalog(), lambda text: None
    )
    assert [p.format() for p in problems] == []
