"""sprig v2.22's regular-expression functions (``regex.go``), with Go's RE2 semantics.

``regexMatch`` returns false for a pattern that does not compile; the others use
``regexp.MustCompile``, whose panic the engine reports as ``error calling regexFind: regexp:
Compile(`(`): error parsing regexp: missing closing ): `(```.
"""

from __future__ import annotations

from kancli.template.sprig.goregex import GoRegexError, GoRegexp, compile_go, must_compile
from kancli.template.sprig.registry import FuncTable, go_panic

__all__ = ["FUNCS"]

FUNCS = FuncTable()
_S = "string"


@FUNCS.define("regexMatch", (_S, _S), "bool")
def regex_match(expr: str, s: str) -> bool:
    try:
        return compile_go(expr).regex.search(s) is not None
    except GoRegexError:
        return False


def _must(expr: str) -> GoRegexp:
    try:
        return must_compile(expr)
    except GoRegexError as exc:
        raise go_panic(str(exc)) from None


@FUNCS.define("regexFindAll", (_S, _S, "int"), "[]string")
def regex_find_all(expr: str, s: str, n: int) -> list[str]:
    return [m.group(0) for m in _must(expr).find_all(s, n)]


@FUNCS.define("regexFind", (_S, _S), _S)
def regex_find(expr: str, s: str) -> str:
    m = _must(expr).regex.search(s)
    return m.group(0) if m else ""


@FUNCS.define("regexReplaceAll", (_S, _S, _S), _S)
def regex_replace_all(expr: str, s: str, repl: str) -> str:
    return _must(expr).replace_all(s, repl, literal=False)


@FUNCS.define("regexReplaceAllLiteral", (_S, _S, _S), _S)
def regex_replace_all_literal(expr: str, s: str, repl: str) -> str:
    return _must(expr).replace_all(s, repl, literal=True)


@FUNCS.define("regexSplit", (_S, _S, "int"), "[]string")
def regex_split(expr: str, s: str, n: int) -> list[str]:
    return _must(expr).split(s, n)
