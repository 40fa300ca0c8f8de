"""How template values become text: action printing and the ``html``/``js``/``urlquery`` escapers.

``{{ v }}`` writes ``fmt.Fprint`` of the value after Go's ``printableValue`` (a pointer is
dereferenced, a missing value is ``<no value>``); the escapers first turn their arguments into
text the same way (Go's ``evalArgs``) and then escape exactly as Go's ``HTMLEscapeString``,
``JSEscapeString`` and ``url.QueryEscape`` do.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote_plus

from kancli.template import gofmt
from kancli.template.tokens import is_printable
from kancli.template.values import GoStruct


def printable(v: Any) -> Any:
    """Go's ``printableValue``, minus the error case (handled by the engine)."""
    if v is None:
        return "<no value>"
    return v


def print_value(v: Any) -> str:
    """What ``{{ v }}`` writes: ``fmt.Fprint`` of the dereferenced value."""
    t = type(v)
    if t is str:
        return v  # type: ignore[no-any-return]
    if t is int:
        return str(v)
    if t is bool:
        return "true" if v else "false"
    if v is None:
        return "<no value>"
    if isinstance(v, GoStruct) and v.go_type.startswith("*"):
        out = gofmt.format_value(v)
        return out[1:] if out.startswith("&") else out
    return gofmt.format_value(v)


def eval_args(args: tuple[Any, ...]) -> str:
    """Go's ``evalArgs``: the text ``html``, ``js`` and ``urlquery`` escape."""
    if len(args) == 1 and isinstance(args[0], str):
        return args[0]
    if len(args) == 1:
        return print_value(args[0])
    return gofmt.sprint([printable(a) for a in args])


def html_escape(*args: Any) -> str:
    s = eval_args(args)
    if not any(c in s for c in "'\"&<>\0"):
        return s
    out = []
    for c in s:
        if c == "\0":
            out.append("\ufffd")
        elif c == '"':
            out.append("&#34;")
        elif c == "'":
            out.append("&#39;")
        elif c == "&":
            out.append("&amp;")
        elif c == "<":
            out.append("&lt;")
        elif c == ">":
            out.append("&gt;")
        else:
            out.append(c)
    return "".join(out)


_JS_SPECIAL = {
    "\\": "\\\\",
    "'": "\\'",
    '"': '\\"',
    "<": "\\u003C",
    ">": "\\u003E",
    "&": "\\u0026",
    "=": "\\u003D",
}


def js_escape(*args: Any) -> str:
    s = eval_args(args)
    out = []
    for c in s:
        cp = ord(c)
        if c in _JS_SPECIAL:
            out.append(_JS_SPECIAL[c])
        elif cp < 0x20:
            out.append(f"\\u00{cp:02X}")
        elif cp < 0x80:
            out.append(c)
        elif 0xDC80 <= cp <= 0xDCFF or is_printable(c):
            # An invalid UTF-8 byte decodes as U+FFFD, which is printable: Go copies the byte.
            out.append(c)
        else:
            out.append(f"\\u{cp:04X}")
    return "".join(out)


def urlquery_escape(*args: Any) -> str:
    s = eval_args(args)
    return quote_plus(s.encode("utf-8", "surrogateescape"), safe="-_.~")
