"""Loading Blueprints: both accepted forms, every node located, bad input explained in one line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from kancli.blueprint import (
    MAX_BLUEPRINT_BYTES,
    Blueprint,
    BlueprintLoadError,
    Severity,
    SourceLocation,
    load_blueprint,
    load_blueprint_text,
)
from kancli.errors import BlueprintError, ExitCode, UsageError

CORPUS = Path("/work/shared/compat/blueprints")

CR_BLUEPRINT = """\
apiVersion: cr.kanister.io/v1alpha1
kind: Blueprint
metadata:
  name: demo-bp
  namespace: kanister
actions:
  backup:
    kind: Deployment
    configMapNames: [location]
    secretNames: [aws]
    outputArtifacts:
      cloudObject:
        keyValue:
          path: "{{ .Phases.dump.Output.path }}"
      snap:
        kopiaSnapshot: '{{ .Phases.dump.Output.snap }}'
    phases:
    - func: KubeTask
      name: dump
      objects:
        creds:
          kind: Secret
          name: "{{ .Deployment.Name }}-creds"
          namespace: "{{ .Deployment.Namespace }}"
      args:
        image: busybox
        command: [sh, -c, "echo hi"]
    deferPhase:
      func: KubeTask
      name: cleanup
      args:
        image: busybox
        command: [true]
  restore:
    inputArtifactNames:
    - cloudObject
    phases:
    - func: ScaleWorkload
      name: down
      args:
        replicas: 0
"""


def load(text: str) -> Blueprint:
    return load_blueprint_text(textwrap.dedent(text), source="bp.yaml")


def load_error(text: str) -> BlueprintLoadError:
    with pytest.raises(BlueprintLoadError) as info:
        load(text)
    return info.value


def test_custom_resource_form_loads_every_part() -> None:
    bp = load_blueprint_text(CR_BLUEPRINT, source="bp.yaml")
    assert bp.name == "demo-bp"
    assert list(bp.actions) == ["backup", "restore"]
    backup = bp.actions["backup"]
    assert backup.kind == "Deployment"
    assert backup.config_map_names == ("location",)
    assert backup.secret_names == ("aws",)
    assert backup.input_artifact_names is None
    assert bp.actions["restore"].input_artifact_names == ("cloudObject",)
    assert backup.output_artifacts["cloudObject"].key_value == {
        "path": "{{ .Phases.dump.Output.path }}"
    }
    assert backup.output_artifacts["snap"].kopia_snapshot == "{{ .Phases.dump.Output.snap }}"
    phase = backup.phases[0]
    assert (phase.name, phase.func, phase.path) == ("dump", "KubeTask", "actions.backup.phases[0]")
    assert phase.args == {"image": "busybox", "command": ["sh", "-c", "echo hi"]}
    creds = phase.objects["creds"]
    assert (creds.kind, creds.name) == ("Secret", "{{ .Deployment.Name }}-creds")
    assert backup.defer_phase is not None
    assert backup.defer_phase.path == "actions.backup.deferPhase"
    assert backup.defer_phase.args["command"] == [True]
    assert [p.name for p in backup.all_phases()] == ["dump", "cleanup"]
    assert bp.actions["restore"].phases[0].args == {"replicas": 0}
    assert bp.warnings == ()


def test_bare_blueprint_form_loads() -> None:
    bp = load(
        """\
        actions:
          backup:
            phases:
            - func: KubeExec
              name: one
              args: {namespace: ns, pod: p, command: [ls]}
        """
    )
    assert bp.name == ""
    assert bp.actions["backup"].phases[0].func == "KubeExec"


def test_nodes_remember_file_line_and_column() -> None:
    bp = load_blueprint_text(CR_BLUEPRINT, source="bp.yaml")
    phase = bp.actions["backup"].phases[0]
    assert phase.location == SourceLocation("bp.yaml", 18, 7)
    assert phase.func_location == SourceLocation("bp.yaml", 18, 13)
    assert phase.args_location == SourceLocation("bp.yaml", 26, 9)
    assert phase.arg_spans[("command", 2)].location == SourceLocation("bp.yaml", 27, 27)
    assert phase.objects["creds"].field_spans["name"].location == SourceLocation("bp.yaml", 23, 17)
    assert bp.actions["backup"].location == SourceLocation("bp.yaml", 7, 3)


@pytest.mark.parametrize(
    ("source", "line", "column", "expected"),
    [
        pytest.param('k: "a {{ .X }}"\n', 1, 6, SourceLocation("f", 1, 10), id="double-quoted"),
        pytest.param("k: 'a {{ .X }}'\n", 1, 3, SourceLocation("f", 1, 7), id="single-quoted"),
        pytest.param("k: a {{ .X }}\n", 1, 3, SourceLocation("f", 1, 6), id="plain"),
        pytest.param(
            "k: |\n  line one\n  two {{ .X }}\n", 2, 5, SourceLocation("f", 3, 7), id="literal"
        ),
        pytest.param(
            "k: |\n  x\n    deeper\n", 2, 3, SourceLocation("f", 3, 5), id="literal-more-indent"
        ),
        pytest.param('k: "a\\tb {{ .X }}"\n', 1, 6, SourceLocation("f", 1, 4), id="escaped-start"),
        pytest.param("k: >\n  folded\n  {{ .X }}\n", 1, 8, SourceLocation("f", 1, 4), id="folded"),
    ],
)
def test_positions_inside_strings_map_to_the_file(
    source: str, line: int, column: int, expected: SourceLocation
) -> None:
    text = "actions:\n  a:\n    phases:\n    - func: F\n      args:\n"
    body = textwrap.indent(source, "        ")
    bp = load_blueprint_text(text + body, source="f")
    span = bp.actions["a"].phases[0].arg_spans[("k",)]
    shifted = SourceLocation("f", expected.line + 5, expected.column + 8)
    assert span.locate(line, column) == shifted


@pytest.mark.parametrize(
    ("yaml_value", "expected"),
    [
        pytest.param("yes", True, id="yes-is-true"),
        pytest.param("y", True, id="y-is-true"),
        pytest.param("Off", False, id="off-is-false"),
        pytest.param("n", False, id="n-is-false"),
        pytest.param("'yes'", "yes", id="quoted-yes-is-a-string"),
        pytest.param("12", 12, id="int"),
        pytest.param("0x1F", 31, id="hex"),
        pytest.param("0o17", 15, id="go-octal"),
        pytest.param("017", 15, id="yaml11-octal"),
        pytest.param("1_000", 1000, id="underscores"),
        pytest.param("1e3", 1000.0, id="exponent-float"),
        pytest.param("2.5", 2.5, id="float"),
        pytest.param(".5", 0.5, id="leading-dot-float"),
        pytest.param("2001-12-14", "2001-12-14", id="timestamp-stays-string"),
        pytest.param("1:30", "1:30", id="sexagesimal-stays-string"),
        pytest.param("08", 8.0, id="go-yaml-08-is-float"),
        pytest.param("=", "=", id="equals-sign"),
        pytest.param("!!str 12", "12", id="explicit-str"),
        pytest.param('"12"', "12", id="quoted-number"),
        pytest.param("~text", "~text", id="tilde-prefixed-string"),
    ],
)
def test_plain_scalars_resolve_as_kubernetes_yaml_does(yaml_value: str, expected: object) -> None:
    bp = load(f"actions:\n  a:\n    phases:\n    - func: F\n      args:\n        v: {yaml_value}\n")
    value = bp.actions["a"].phases[0].args["v"]
    assert value == expected
    assert type(value) is type(expected)


def test_merge_keys_and_anchors_expand_with_explicit_keys_winning() -> None:
    bp = load(
        """\
        base: &base {image: busybox, command: [a]}
        actions:
          a:
            phases:
            - func: KubeTask
              args:
                <<: *base
                command: [b]
        """
    )
    assert bp.actions["a"].phases[0].args == {"image": "busybox", "command": ["b"]}


ERROR_CASES = [
    pytest.param(
        "actions:\n  a:\n    phases:\n    - name: x\n",
        'bp.yaml:4:7: actions.a.phases[0]: missing "func"',
        id="missing-func",
    ),
    pytest.param(
        "actions:\n  a:\n    phases:\n    - [func, x]\n",
        "bp.yaml:4:7: actions.a.phases[0]: expected a phase (a mapping), found a list",
        id="phase-is-a-list",
    ),
    pytest.param(
        "actions:\n  a:\n    phases:\n    - func: F\n      args: hello\n",
        "bp.yaml:5:13: actions.a.phases[0].args: expected a mapping of arguments, found a single "
        "value",
        id="args-is-a-string",
    ),
    pytest.param(
        'actions:\n  a:\n    phases:\n    - func: F\n      args: ""\n',
        "bp.yaml:5:13: actions.a.phases[0].args: expected a mapping of arguments, found a single "
        "value",
        id="args-is-an-empty-string",
    ),
    pytest.param(
        "actions:\n  a:\n    phases:\n    - func: F\n      args:\n        pod:\n",
        "bp.yaml:6:13: actions.a.phases[0].args.pod: null value (Kanister's renderer panics on a "
        "YAML null in args)",
        id="null-arg",
    ),
    pytest.param(
        "actions:\n  a:\n    phases:\n    - func: F\n      args:\n        c: [a, ~]\n",
        "bp.yaml:6:16: actions.a.phases[0].args.c[1]: null value",
        id="null-deep-in-args",
    ),
    pytest.param(
        "actions:\n  a:\n    phases:\n    - func: F\n      name: 00\n",
        "bp.yaml:5:13: actions.a.phases[0].name: expected a string, found an integer",
        id="unquoted-number-name",
    ),
    pytest.param(
        "actions:\n  a:\n    phases: {func: F}\n",
        "bp.yaml:3:13: actions.a.phases: expected a list of phases, found a mapping",
        id="phases-is-a-mapping",
    ),
    pytest.param(
        "actions: [a, b]\n",
        "bp.yaml:1:10: actions: expected a mapping, found a list",
        id="actions-is-a-list",
    ),
    pytest.param(
        "actions:\n  a:\n    phases:\n    - func: F\n      func: G\n",
        'bp.yaml:5:7: actions.a.phases[0].func: duplicate key "func" (first defined on line 4)',
        id="duplicate-key",
    ),
    pytest.param(
        "apiVersion: v1\nkind: Blueprint\nactions: {a: {phases: [{func: F}]}}\n",
        "bp.yaml:1:13: apiVersion: a Blueprint's apiVersion is cr.kanister.io/v1alpha1",
        id="wrong-api-version",
    ),
    pytest.param(
        "kind: Blueprint\nspec:\n  actions: {}\n",
        'bp.yaml:1:1: missing "actions"',
        id="actions-under-spec",
    ),
    pytest.param(
        "actions:\n  a:\n    configMapNames: cm\n    phases: [{func: F}]\n",
        "bp.yaml:3:21: actions.a.configMapNames: expected a list of strings, found a single value",
        id="names-not-a-list",
    ),
    pytest.param(
        "actions:\n  a:\n    outputArtifacts:\n      x:\n        keyValue: {id: 12}\n"
        "    phases: [{func: F}]\n",
        "bp.yaml:5:24: actions.a.outputArtifacts.x.keyValue.id: expected a string, found an "
        "integer",
        id="artifact-value-not-a-string",
    ),
    pytest.param(
        "actions:\n  a:\n    phases:\n    - func: F\n      args: !custom {a: 1}\n",
        "bp.yaml:5:13: actions.a.phases[0].args: unsupported YAML tag '!custom'",
        id="custom-tag",
    ),
    pytest.param(
        "actions:\n  a:\n    phases:\n    - func: F\n      args: &x\n        self: *x\n",
        "actions.a.phases[0].args.self: a YAML alias refers to its own ancestor",
        id="recursive-alias",
    ),
    pytest.param(
        "actions:\n  a:\n    phases:\n    - func: F\n      objects:\n        s: secret\n",
        "bp.yaml:6:12: actions.a.phases[0].objects.s: expected an object reference (a mapping), "
        "found a single value",
        id="object-not-a-mapping",
    ),
]


@pytest.mark.parametrize(("text", "expected"), ERROR_CASES)
def test_structural_errors_name_file_line_column_and_path(text: str, expected: str) -> None:
    error = load_error(text)
    messages = [p.format() for p in error.problems if p.is_error]
    assert any(expected in message for message in messages), messages
    assert error.exit_code == ExitCode.BLUEPRINT
    assert "\n" not in str(error)


def test_all_structural_errors_are_collected_and_the_message_counts_them() -> None:
    error = load_error(
        "actions:\n  a:\n    phases:\n    - name: x\n    - func: F\n      args: 3\n    - []\n"
    )
    assert len([p for p in error.problems if p.is_error]) == 3
    assert str(error).endswith("(and 2 more problems)")
    assert str(error).startswith('bp.yaml:4:7: actions.a.phases[0]: missing "func"')


@pytest.mark.parametrize(
    ("text", "message", "hint"),
    [
        pytest.param(
            "actions:\n  a:\n    type: Deployment\n    phases: [{func: F}]\n",
            'actions.a.type: unknown field "type" is ignored',
            '"kind"',
            id="legacy-type",
        ),
        pytest.param(
            "actions:\n  a:\n    phases: [{func: F, Args: {}}]\n",
            'unknown field "Args" is ignored',
            'did you mean "args"?',
            id="wrong-case",
        ),
        pytest.param(
            "actions:\n  a:\n    phases: [{func: F}]\nstatus: {}\n",
            'status: unknown field "status" is ignored',
            None,
            id="top-level",
        ),
        pytest.param(
            "actions:\n  a:\n    phases: []\n",
            "actions.a: the action has no phases",
            None,
            id="no-phases",
        ),
        pytest.param(
            "actions:\n  a:\n    phases: [{func: F}]\n---\nkind: ConfigMap\n",
            "document (kind: ConfigMap) is not a Blueprint and is ignored",
            None,
            id="other-document",
        ),
    ],
)
def test_tolerated_oddities_become_warnings(text: str, message: str, hint: str | None) -> None:
    bp = load(text)
    warning = next(w for w in bp.warnings if message in w.format())
    assert warning.severity is Severity.WARNING
    if hint is not None:
        assert warning.hint is not None
        assert hint in warning.hint


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("", "bp.yaml: the file is empty", id="empty"),
        pytest.param("# only a comment\n", "bp.yaml: the file is empty", id="only-comment"),
        pytest.param("---\n---\n", "bp.yaml: the file is empty", id="empty-documents"),
        pytest.param(
            "actions: {a: [}\n",
            "bp.yaml:1:15: invalid YAML: did not find expected node content",
            id="malformed",
        ),
        pytest.param("actions:\n\tfoo: 1\n", "bp.yaml:2:1: invalid YAML", id="tab-indent"),
        pytest.param("just text\n", "not a Blueprint", id="scalar-document"),
        pytest.param(
            "- a\n- b\n",
            "not a Blueprint: expected a mapping with `actions:`, found a list",
            id="list-document",
        ),
        pytest.param(
            "actions: {a: {phases: [{func: F}]}}\n---\nactions: {b: {phases: [{func: F}]}}\n",
            "bp.yaml: 2 Blueprints in one file (at lines 1, 3)",
            id="two-blueprints",
        ),
        pytest.param(
            "kind: ConfigMap\n---\nkind: Secret\n",
            "bp.yaml: no Blueprint among the 2 documents",
            id="no-blueprint-among-documents",
        ),
    ],
)
def test_unusable_documents_fail_with_one_line(text: str, expected: str) -> None:
    with pytest.raises(BlueprintError) as info:
        load_blueprint_text(text, source="bp.yaml")
    assert expected in str(info.value)
    assert "\n" not in str(info.value)


def test_non_utf8_file_is_refused_with_its_position(tmp_path: Path) -> None:
    path = tmp_path / "bp.yaml"
    path.write_bytes(b"actions:\n  a: \xff\xfe\n")
    with pytest.raises(BlueprintError) as info:
        load_blueprint(path)
    assert str(info.value) == f"{path}:2:6: the file is not valid UTF-8 (byte 0xff)"


def test_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bp.yaml"
    path.write_bytes(b"\xef\xbb\xbfactions: {a: {phases: [{func: F}]}}\n")
    assert list(load_blueprint(path).actions) == ["a"]


def test_directory_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as info:
        load_blueprint(tmp_path)
    assert str(info.value) == f"{tmp_path} is a directory, not a Blueprint file"
    assert info.value.exit_code == ExitCode.USAGE


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as info:
        load_blueprint(tmp_path / "nope.yaml")
    assert "cannot read Blueprint file" in str(info.value)
    assert "No such file or directory" in str(info.value)


def test_oversized_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"# " + b"x" * MAX_BLUEPRINT_BYTES + b"\n")
    with pytest.raises(BlueprintError) as info:
        load_blueprint(path)
    assert "larger than 10 MiB" in str(info.value)


def test_alias_bomb_is_stopped() -> None:
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        levels.append(f"a{i}: &a{i} [{refs}]")
    text = "\n".join(levels) + "\nactions:\n  a:\n    phases:\n    - func: F\n      args:\n"
    text += "        bomb: *a8\n"
    error = load_error(text)
    assert "values (YAML aliases expanded)" in str(error)


def test_absurd_nesting_is_refused() -> None:
    deep = "[" * 150 + "]" * 150
    error = load_error(f"actions:\n  a:\n    phases:\n    - func: F\n      args: {{x: {deep}}}\n")
    assert "nested more than 100 levels deep" in str(error)


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.yaml")), ids=lambda p: p.name.split("__")[1])
def test_every_corpus_blueprint_loads_without_warnings(path: Path) -> None:
    bp = load_blueprint(path)
    assert bp.actions
    assert bp.warnings == ()
    for _, phase in bp.iter_phases():
        assert phase.func
        assert all(span.location.file == str(path) for span in phase.arg_spans.values())


def test_missing_action_lists_the_known_ones() -> None:
    bp = load_blueprint_text(CR_BLUEPRINT, source="bp.yaml")
    with pytest.raises(BlueprintError) as info:
        bp.action("delete")
    assert str(info.value) == "Action delete not found in blueprint demo-bp"
    assert info.value.hint == "actions in this Blueprint: backup, restore"
