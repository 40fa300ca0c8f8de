"""sprig v2.22's path functions: Go's ``path`` package (slash-separated, OS-independent), which
differs from ``posixpath`` on details Blueprints can hit (``clean "//a"`` is ``/a``, ``base ""``
is ``.``, ``ext`` looks only at the last element)."""

from __future__ import annotations

from kancli.template.sprig.registry import FuncTable

__all__ = ["FUNCS", "clean"]

FUNCS = FuncTable()
_S = "string"


@FUNCS.define("clean", (_S,), _S)
def clean(path: str) -> str:
    """``path.Clean``."""
    if path == "":
        return "."
    rooted = path.startswith("/")
    out: list[str] = []
    for elem in path.split("/"):
        if elem in ("", "."):
            continue
        if elem == "..":
            if out and out[-1] != "..":
                out.pop()
            elif not rooted:
                out.append("..")
            continue
        out.append(elem)
    text = "/".join(out)
    if rooted:
        return "/" + text
    return text or "."


@FUNCS.define("base", (_S,), _S)
def base(path: str) -> str:
    """``path.Base``."""
    if path == "":
        return "."
    path = path.rstrip("/")
    if path == "":
        return "/"
    return path[path.rfind("/") + 1 :]


@FUNCS.define("dir", (_S,), _S)
def dir_(path: str) -> str:
    """``path.Dir``: everything up to the last slash, cleaned."""
    return clean(path[: path.rfind("/") + 1])


@FUNCS.define("ext", (_S,), _S)
def ext(path: str) -> str:
    """``path.Ext``: the suffix from the last dot of the last element."""
    for i in range(len(path) - 1, -1, -1):
        if path[i] == "/":
            break
        if path[i] == ".":
            return path[i:]
    return ""


@FUNCS.define("isAbs", (_S,), "bool")
def is_abs(path: str) -> bool:
    return path.startswith("/")
