"""Shell completion scripts for bash, zsh and fish, generated from the CLI itself.

The generator walks the Click command tree that Typer builds, so subcommands, options, option
choices and file arguments come from the same declarations as ``--help``; the scripts in
``completions/`` are its output, and tests/completions fails when they drift
(``python -m kancli.cli.completion --write completions`` regenerates them).

Dynamic parts, computed by the shell at TAB time without starting Python:

* ``--action``/``-a`` after a Blueprint file: the action names, read from the file with awk
  (the keys under the top-level ``actions:``);
* ``kancli func <TAB>`` and ``kancli functions describe <TAB>``: the Kanister Function names,
  baked in from the registry at generation time.

bash and zsh share one candidate function (written for both; zsh runs it with ``ksharrays``;
no local may be called ``path``, which zsh ties to ``PATH``).
"""

from __future__ import annotations

import argparse
import dataclasses
import enum
import sys
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer

SHELLS = {"bash": "kancli.bash", "zsh": "_kancli", "fish": "kancli.fish"}
FUNCTION_ARGUMENT_COMMANDS = ("func", "functions describe")
ACTION_OPTIONS = ("--action", "-a")


@dataclasses.dataclass(frozen=True)
class CommandInfo:
    """What completion needs to know about one command path (``""`` is the root)."""

    path: str
    subcommands: tuple[str, ...]
    flags: tuple[str, ...]  # options without a value
    value_options: dict[str, str]  # option -> "@files", "@actions", "a b c" (choices) or ""
    positional: str  # "@files", "@functions" or ""


def _base_types(annotation: Any) -> Iterator[Any]:
    """``Path`` out of ``Path | None``, ``list[Path] | None`` and the like."""
    args = typing.get_args(annotation)
    if not args:
        yield annotation
    for arg in args:
        yield from _base_types(arg)


def _value_kind(param: Any) -> str:
    """What completes a parameter's value: ``@files``, enum choices or nothing."""
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    for base in _base_types(annotation):
        if isinstance(base, type) and issubclass(base, Path):
            return "@files"
        if isinstance(base, type) and issubclass(base, enum.Enum):
            return " ".join(str(member.value) for member in base)
    return ""


def _option_value_kind(param: Any) -> str:
    if any(opt in ACTION_OPTIONS for opt in param.opts):
        return "@actions"
    return _value_kind(param)


def walk(command: Any, path: str = "") -> Iterator[CommandInfo]:
    """Every command path of the tree, root first, subcommands in name order.

    Typer vendors its own Click, so commands and parameters are read by their interface
    (``list_commands``, ``opts``, ``param_type_name``) rather than by class."""
    subs: dict[str, Any] = {}
    if hasattr(command, "list_commands"):
        ctx = typer.Context(command)
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not getattr(sub, "hidden", False):
                subs[name] = sub
    flags: list[str] = []
    values: dict[str, str] = {}
    positional = ""
    for param in command.params:
        if param.param_type_name == "option":
            if param.hidden:
                continue
            names = [*param.opts, *param.secondary_opts]
            if param.is_flag or param.count:
                flags.extend(names)
            else:
                for name in names:
                    values[name] = _option_value_kind(param)
        elif param.param_type_name == "argument":
            if path in FUNCTION_ARGUMENT_COMMANDS:
                positional = "@functions"
            elif _value_kind(param) == "@files":
                positional = "@files"
    yield CommandInfo(path, tuple(sorted(subs)), tuple(flags), values, positional)
    for name, sub in sorted(subs.items()):
        yield from walk(sub, f"{path} {name}".strip())


def function_names() -> list[str]:
    from kancli.functions.registry import default_registry

    return sorted(spec.name for spec in default_registry().specs())


def _tree() -> list[CommandInfo]:
    from kancli.cli.app import app

    return list(walk(typer.main.get_command(app)))


# -- bash and zsh ------------------------------------------------------------------------------

_AWK_ACTIONS = r"""awk '
  /^actions:[ \t]*$/ { inside = 1; indent = -1; next }
  inside && /^[^ \t#]/ { inside = 0 }
  inside && /^[ \t]+[A-Za-z0-9_.-]+:/ {
    match($0, /^[ \t]+/); n = RLENGTH
    if (indent < 0) indent = n
    if (n == indent) { key = $0; sub(/^[ \t]+/, "", key); sub(/:.*/, "", key); print key }
  }' "$1" 2>/dev/null"""


def _sh_quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def _shared_sh(tree: list[CommandInfo], functions: list[str]) -> str:
    lines = [
        "# Generated by `python -m kancli.cli.completion`; do not edit.",
        "_kancli_actions() {",
        "    " + _AWK_ACTIONS,
        "}",
        "",
        "# _kancli_candidates CWORD WORDS...: the words that may complete WORDS[CWORD].",
        "_kancli_candidates() {",
        "    local cword=$1; shift",
        '    local -a w; w=("$@")',
        "    local cmd='' i=1 word kind='' positional=0 first_arg=''",
        "    while [ $i -lt $cword ]; do",
        "        word=${w[$i]}",
        "        case $word in",
        "        -*=*) ;;",
        '        -*) if [ -n "$(_kancli_value_kind "$cmd" "$word")" ] ||'
        ' _kancli_takes_value "$cmd" "$word"; then i=$((i + 1)); fi ;;',
        '        *) if _kancli_is_sub "$cmd" "$word"; then cmd="${cmd:+$cmd }$word"',
        '           else positional=$((positional + 1)); [ -z "$first_arg" ] &&'
        " first_arg=$word; fi ;;",
        "        esac",
        "        i=$((i + 1))",
        "    done",
        "    local cur=${w[$cword]} prev=''",
        "    [ $cword -gt 0 ] && prev=${w[$((cword - 1))]}",
        "    case $prev in",
        '    -*) if _kancli_takes_value "$cmd" "$prev"; then',
        '            kind=$(_kancli_value_kind "$cmd" "$prev")',
        "            case $kind in",
        '            @actions) [ -n "$first_arg" ] && _kancli_actions "$first_arg" ;;',
        "            @files) echo @files ;;",
        '            *) for word in $kind; do echo "$word"; done ;;',
        "            esac",
        "            return",
        "        fi ;;",
        "    esac",
        "    case $cur in",
        '    -*) _kancli_options "$cmd"; return ;;',
        "    esac",
        '    _kancli_subs "$cmd"',
        "    if [ $positional -eq 0 ]; then",
        '        case $(_kancli_positional "$cmd") in',
        "        @functions) _kancli_functions ;;",
        "        @files) echo @files ;;",
        "        esac",
        '    elif [ "$(_kancli_positional "$cmd")" = @files ]; then echo @files',
        "    fi",
        "}",
        "",
        "_kancli_functions() {",
        *(f"    echo {name}" for name in functions),
        "}",
        "",
        "_kancli_is_sub() {",
        '    case "$1|$2" in',
    ]
    for info in tree:
        for sub in info.subcommands:
            lines.append(f"    {_sh_quote(info.path + '|' + sub)}) return 0 ;;")
    lines += ["    esac", "    return 1", "}", "", "_kancli_subs() {", "    case $1 in"]
    for info in tree:
        if info.subcommands:
            lines.append(f"    {_sh_quote(info.path)}) echo {' '.join(info.subcommands)} ;;")
    lines += ["    esac", "}", "", "_kancli_options() {", "    case $1 in"]
    root = next(i for i in tree if i.path == "")
    for info in tree:
        opts = [*info.flags, *info.value_options]
        if info.path:
            opts += [*root.flags, *root.value_options]
        words = " ".join(o for o in opts if o.startswith("--"))
        lines.append(f"    {_sh_quote(info.path)}) echo {words} ;;")
    lines += ["    esac", "}", "", "_kancli_takes_value() {", '    case "$1|$2" in']
    for info in tree:
        for opt in sorted(info.value_options):
            lines.append(f"    {_sh_quote(info.path + '|' + opt)}) return 0 ;;")
    for opt in sorted(root.value_options):
        lines.append(f"    *{_sh_quote('|' + opt)}) return 0 ;;")
    lines += ["    esac", "    return 1", "}", "", "_kancli_value_kind() {", '    case "$1|$2" in']
    for info in tree:
        for opt, kind in sorted(info.value_options.items()):
            if kind:
                lines.append(f"    {_sh_quote(info.path + '|' + opt)}) echo {_sh_quote(kind)} ;;")
    for opt, kind in sorted(root.value_options.items()):
        if kind:
            lines.append(f"    *{_sh_quote('|' + opt)}) echo {_sh_quote(kind)} ;;")
    lines += ["    esac", "}", "", "_kancli_positional() {", "    case $1 in"]
    for info in tree:
        if info.positional:
            lines.append(f"    {_sh_quote(info.path)}) echo {info.positional} ;;")
    lines += ["    esac", "}", ""]
    return "\n".join(lines)


def bash_script(tree: list[CommandInfo], functions: list[str]) -> str:
    return _shared_sh(tree, functions) + "\n".join(
        [
            "_kancli() {",
            "    local -a found; local line files=0",
            "    COMPREPLY=()",
            "    while IFS= read -r line; do",
            '        if [ "$line" = @files ]; then files=1; else found+=("$line"); fi',
            '    done < <(_kancli_candidates "$COMP_CWORD" "${COMP_WORDS[@]}")',
            "    local cur=${COMP_WORDS[COMP_CWORD]}",
            '    COMPREPLY=($(compgen -W "${found[*]}" -- "$cur"))',
            '    if [ $files -eq 1 ]; then COMPREPLY+=($(compgen -f -- "$cur")); fi',
            "}",
            "complete -o filenames -F _kancli kancli",
            "",
        ]
    )


def zsh_script(tree: list[CommandInfo], functions: list[str]) -> str:
    return (
        "#compdef kancli\n"
        + _shared_sh(tree, functions)
        + "\n".join(
            [
                "_kancli() {",
                "    setopt localoptions ksharrays",
                "    local -a found; local line files=0",
                '    for line in "${(@f)$(_kancli_candidates $((CURRENT - 1)) "${words[@]}")}"; do',
                '        if [ "$line" = @files ]; then files=1',
                '        elif [ -n "$line" ]; then found+=("$line"); fi',
                "    done",
                "    (( ${#found[@]} )) && compadd -a found",
                "    (( files )) && _files",
                "    return 0",
                "}",
                'if [ "$funcstack[1]" = _kancli ]; then _kancli "$@";'
                " else compdef _kancli kancli; fi",
                "",
            ]
        )
    )


# -- fish --------------------------------------------------------------------------------------


def fish_script(tree: list[CommandInfo], functions: list[str]) -> str:
    subs = {i.path: i.subcommands for i in tree}
    lines = [
        "# Generated by `python -m kancli.cli.completion`; do not edit.",
        "function __kancli_path",
        "    # The subcommand path of the command line so far (words before the cursor).",
        "    set -l path ''",
        "    for word in (commandline -opc)[2..-1]",
        "        switch $word",
        "        case '-*'",
        "            continue",
        "        end",
        '        if contains -- "$path|$word" $__kancli_subpaths',
        '            set path (string trim -- "$path $word")',
        "        end",
        "    end",
        "    echo $path",
        "end",
        "function __kancli_in",
        "    contains -- (__kancli_path) $argv",
        "end",
        "function __kancli_actions",
        "    # The Blueprint is the first word after the subcommand path that is not an option.",
        "    set -l words (commandline -opc)",
        "    set -l n (count (string split ' ' -- (__kancli_path)))",
        "    for word in $words[(math $n + 2)..-1]",
        "        switch $word",
        "        case '-*'",
        "            continue",
        "        end",
        "        if test -f $word",
        "            " + _AWK_ACTIONS.replace('"$1"', "$word").replace("\n", "\n            "),
        "            return",
        "        end",
        "    end",
        "end",
        "set -g __kancli_subpaths "
        + " ".join(_sh_quote(f"{path}|{sub}") for path, names in subs.items() for sub in names),
        "complete -c kancli -f",
    ]
    root = next(i for i in tree if i.path == "")
    for info in tree:
        cond = f"__kancli_in {_sh_quote(info.path)}"
        if info.subcommands:
            names = _sh_quote(" ".join(info.subcommands))
            lines.append(f"complete -c kancli -n {_sh_quote(cond)} -a {names}")
        if info.positional == "@functions":
            lines.append(
                f"complete -c kancli -n {_sh_quote(cond)} -a {_sh_quote(' '.join(functions))}"
            )
        elif info.positional == "@files":
            lines.append(f"complete -c kancli -n {_sh_quote(cond)} -F")
        options = [(o, "") for o in info.flags] + list(info.value_options.items())
        if info.path:
            options += [(o, "") for o in root.flags] + list(root.value_options.items())
        for opt, kind in options:
            if opt.startswith("--"):
                spec = f"-l {opt[2:]}"
            elif len(opt) == 2:
                spec = f"-s {opt[1]}"
            else:
                continue
            takes_value = opt in info.value_options or opt in root.value_options
            extra = ""
            if takes_value:
                if kind == "@actions":
                    extra = " -x -a '(__kancli_actions)'"
                elif kind == "@files":
                    extra = " -r -F"
                elif kind:
                    extra = f" -x -a {_sh_quote(kind)}"
                else:
                    extra = " -x"
            lines.append(f"complete -c kancli -n {_sh_quote(cond)} {spec}{extra}")
    return "\n".join(lines) + "\n"


def generate(shell: str) -> str:
    """The completion script for ``shell`` (bash, zsh or fish)."""
    tree, functions = _tree(), function_names()
    return {"bash": bash_script, "zsh": zsh_script, "fish": fish_script}[shell](tree, functions)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate kancli's shell completion scripts.")
    parser.add_argument("--write", metavar="DIR", type=Path, help="write all three into DIR")
    parser.add_argument("shell", nargs="?", choices=sorted(SHELLS))
    args = parser.parse_args(argv)
    if args.write is not None:
        for shell, filename in SHELLS.items():
            (args.write / filename).write_text(generate(shell), encoding="utf-8")
        return 0
    if args.shell is None:
        parser.error("give a shell or --write DIR")
    sys.stdout.write(generate(args.shell))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
