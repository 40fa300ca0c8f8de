"""sprig v2.22's functions that reach outside the template: ``env``, ``expandenv`` and
``getHostByName``.

Kanister uses sprig's non-hermetic map, so these exist there; kancli keeps them for compatibility.
They read the environment of the kancli process (not of any pod) and the resolver of this machine,
which is what Kanister's controller did on its own host.
"""

from __future__ import annotations

import os
import secrets
import socket

from kancli.template.sprig.registry import FuncTable, go_panic

__all__ = ["FUNCS", "expand"]

FUNCS = FuncTable()
_S = "string"
_SPECIAL = frozenset("*#$@!?-0123456789")


def _is_alnum(c: str) -> bool:
    return c == "_" or ("0" <= c <= "9") or ("a" <= c <= "z") or ("A" <= c <= "Z")


def _shell_name(s: str) -> tuple[str, int]:
    """Go's ``getShellName``: the variable name after ``$`` and how many bytes it used."""
    if s[0] == "{":
        if len(s) > 2 and s[1] in _SPECIAL and s[2] == "}":
            return s[1:2], 3
        close = s.find("}", 1)
        if close == 1:
            return "", 2
        if close < 0:
            return "", 1
        return s[1:close], close + 1
    if s[0] in _SPECIAL:
        return s[0], 1
    i = 0
    while i < len(s) and _is_alnum(s[i]):
        i += 1
    return s[:i], i


def expand(s: str, lookup: dict[str, str]) -> str:
    """``os.Expand(s, mapping)`` with ``mapping`` reading ``lookup``."""
    out: list[str] = []
    i = j = 0
    changed = False
    while j < len(s):
        if s[j] == "$" and j + 1 < len(s):
            changed = True
            out.append(s[i:j])
            name, width = _shell_name(s[j + 1 :])
            if name:
                out.append(lookup.get(name, ""))
            elif width == 0:
                out.append("$")
            j += width
            i = j + 1
        j += 1
    if not changed:
        return s
    return "".join(out) + s[i:]


@FUNCS.define("env", (_S,), _S)
def env(name: str) -> str:
    return os.environ.get(name, "")


@FUNCS.define("expandenv", (_S,), _S)
def expandenv(s: str) -> str:
    return expand(s, dict(os.environ))


@FUNCS.define("getHostByName", (_S,), _S)
def get_host_by_name(name: str) -> str:
    """``net.LookupHost`` then a random address; no address makes ``rand.Intn(0)`` panic."""
    try:
        infos = socket.getaddrinfo(name, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        infos = []
    addrs: list[str] = []
    for info in infos:
        addr = str(info[4][0])
        if addr not in addrs:
            addrs.append(addr)
    if not addrs:
        raise go_panic("invalid argument to Intn")
    return secrets.choice(addrs)
