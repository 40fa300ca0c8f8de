"""The completion scripts in completions/: current with the CLI, and working in each shell.

bash is driven through its programmable-completion interface (COMP_WORDS/COMP_CWORD and the
registered function); fish through ``complete -C``, its own completion engine; zsh by calling the
completion function with ``words``/``CURRENT`` set, ``compadd``/``_files`` (which exist only inside
a completion widget) standing in to print what would be offered.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from kancli.cli.completion import SHELLS, function_names, generate

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "completions"
BLUEPRINT = Path(
    "/work/shared/compat/blueprints/kanisterio-blueprints__mysql__mysql-blueprint.yaml"
)

# (words before the cursor, the word being completed, what must be offered, what must not)
CASES = [
    ([], "", {"run", "runs", "export", "new", "functions", "func"}, set()),
    ([], "ru", {"run", "runs"}, {"render"}),
    (["run", "@BP", "--action"], "", {"backup", "restore", "delete"}, {"run"}),
    (["run", "@BP", "-a"], "re", {"restore"}, {"backup"}),
    (["-n", "ns", "render", "@BP", "--params", "p.yaml", "-a"], "", {"backup", "delete"}, set()),
    (["export", "actionset", "@BP", "--statefulset", "db/x", "--action"], "", {"restore"}, set()),
    (["func"], "Kube", {"KubeTask", "KubeExec", "KubeOps"}, {"ScaleWorkload"}),
    (["functions", "describe"], "Sc", {"ScaleWorkload"}, {"KubeTask"}),
    (["runs"], "", {"list", "show", "logs", "report", "prune", "forget"}, set()),
    (["runs", "list"], "--st", {"--status", "--state-dir"}, {"--action"}),
    (["run", "@BP"], "--act", {"--action"}, set()),
    (["run", "@BP", "-o"], "", {"json", "text"}, set()),
]
IDS = [
    "root",
    "root-prefix",
    "actions-from-blueprint",
    "actions-short-option-prefix",
    "actions-after-global-and-value-options",
    "actions-export",
    "func-function-names",
    "describe-function-names",
    "runs-subcommands",
    "option-names",
    "run-option-prefix",
    "choice-values",
]


def _words(before: list[str]) -> list[str]:
    return ["kancli", *(str(BLUEPRINT) if w == "@BP" else w for w in before)]


@pytest.mark.parametrize("shell", sorted(SHELLS))
def test_scripts_match_the_cli(shell: str) -> None:
    committed = (SCRIPTS / SHELLS[shell]).read_text(encoding="utf-8")
    assert committed == generate(shell), (
        f"completions/{SHELLS[shell]} is out of date: run "
        "`python -m kancli.cli.completion --write completions`"
    )


def test_function_names_come_from_the_registry() -> None:
    names = function_names()
    assert "KubeTask" in names
    assert "ScaleWorkload" in names
    script = (SCRIPTS / SHELLS["bash"]).read_text()
    assert all(f"echo {n}\n" in script for n in names)


def _run(argv: list[str], script: str) -> str:
    result = subprocess.run(
        [*argv, script], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash not installed")
@pytest.mark.parametrize(("before", "cur", "wanted", "unwanted"), CASES, ids=IDS)
def test_bash_completes(before: list[str], cur: str, wanted: set[str], unwanted: set[str]) -> None:
    words = [*_words(before), cur]
    script = (
        f"source {shlex.quote(str(SCRIPTS / 'kancli.bash'))}\n"
        f"COMP_WORDS=({' '.join(shlex.quote(w) for w in words)})\n"
        f"COMP_CWORD={len(words) - 1}\n"
        "complete -p kancli >/dev/null\n"
        "_kancli\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    offered = set(_run(["bash", "--norc", "--noprofile", "-c"], script).split())
    assert wanted <= offered
    assert not (unwanted & offered)


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish not installed (.ci/system-deps.sh)")
@pytest.mark.parametrize(("before", "cur", "wanted", "unwanted"), CASES, ids=IDS)
def test_fish_completes(before: list[str], cur: str, wanted: set[str], unwanted: set[str]) -> None:
    line = " ".join(shlex.quote(w) for w in _words(before)) + " " + cur
    script = (
        f"source {shlex.quote(str(SCRIPTS / 'kancli.fish'))}\ncomplete -C {shlex.quote(line)}\n"
    )
    offered = {
        entry.split("\t")[0] for entry in _run(["fish", "--no-config", "-c"], script).splitlines()
    }
    assert wanted <= offered
    assert not (unwanted & offered)


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh not installed (.ci/system-deps.sh)")
@pytest.mark.parametrize(("before", "cur", "wanted", "unwanted"), CASES, ids=IDS)
def test_zsh_completes(before: list[str], cur: str, wanted: set[str], unwanted: set[str]) -> None:
    words = [*_words(before), cur]
    script = (
        "autoload -Uz compinit && compinit -u -d /dev/null\n"
        f"source {shlex.quote(str(SCRIPTS / '_kancli'))}\n"
        "[[ ${_comps[kancli]} == _kancli ]] || { print 'not registered' >&2; exit 1 }\n"
        'compadd() { print -rl -- "${found[@]}" }\n'
        "_files() { print -r -- '<files>' }\n"
        f"words=({' '.join(shlex.quote(w) for w in words)})\n"
        "CURRENT=${#words}\n"
        "_kancli\n"
    )
    offered = set(_run(["zsh", "-f", "-c"], script).split())
    # compadd filters by the prefix itself in a real widget; the stand-in does not.
    offered = {o for o in offered if o.startswith(cur)}
    assert wanted <= offered
    assert not (unwanted & offered)


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_file_arguments_complete_files(shell: str, tmp_path: Path) -> None:
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} not installed")
    (tmp_path / "mybp.yaml").write_text("actions: {}\n")
    script_path = SCRIPTS / SHELLS[shell]
    if shell == "bash":
        script = (
            f"cd {tmp_path}; source {script_path}; COMP_WORDS=(kancli validate my); COMP_CWORD=2;"
            ' _kancli; printf "%s\\n" "${COMPREPLY[@]}"'
        )
        out = _run(["bash", "--norc", "-c"], script)
        assert "mybp.yaml" in out
    elif shell == "fish":
        out = _run(
            ["fish", "--no-config", "-c"],
            f"cd {tmp_path}; source {script_path}; complete -C 'kancli validate my'",
        )
        assert "mybp.yaml" in out
    else:
        script = (
            f"cd {tmp_path}; autoload -Uz compinit && compinit -u -d /dev/null;"
            f" source {script_path};"
            " compadd() { :; }; _files() { print -r -- '<files>' };"
            " words=(kancli validate my); CURRENT=3; _kancli"
        )
        assert "<files>" in _run(["zsh", "-f", "-c"], script)
