"""sprig v2.22's ``urlParse`` and ``urlJoin`` (``url.go``), on a port of Go's ``net/url``.

Python's ``urllib.parse`` splits and escapes differently (it never rejects ``%zz``, keeps the
scheme's case, and quotes a different set of characters), so the parts of Go's ``url.Parse`` and
``URL.String`` that these two functions expose are ported: ``urlParse`` returns ``scheme``,
``host``, ``hostname``, ``path`` and ``fragment`` unescaped, ``query`` raw, ``opaque`` and
``userinfo``; a URL Go rejects panics with ``unable to parse url: parse "...": ...``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kancli.template.gofmt import quote
from kancli.template.sprig.goconv import kind_name
from kancli.template.sprig.registry import NIL_DEREF, FuncTable, go_panic

__all__ = ["FUNCS", "GoURL", "parse_url"]

FUNCS = FuncTable()

PATH, HOST, ZONE, USERINFO, FRAGMENT = "path", "host", "zone", "userinfo", "fragment"
_UPPER_HEX = "0123456789ABCDEF"
_HEX = frozenset(b"0123456789abcdefABCDEF")


class URLError(ValueError):
    """A ``*url.Error`` or one of the errors it wraps."""


def _alnum(c: int) -> bool:
    return 0x30 <= c <= 0x39 or 0x41 <= c <= 0x5A or 0x61 <= c <= 0x7A


def should_escape(c: int, mode: str) -> bool:
    """Go's ``shouldEscape`` for the modes ``urlParse``/``urlJoin`` need."""
    if _alnum(c):
        return False
    ch = chr(c)
    if mode in (HOST, ZONE) and ch in "!$&'()*+,;=:[]<>\"":
        return False
    if ch in "-_.~":
        return False
    if ch in "$&+,/:;=?@":
        if mode == PATH:
            return ch == "?"
        if mode == USERINFO:
            return ch in "@/?:"
        if mode == FRAGMENT:
            return False
    return not (mode == FRAGMENT and ch in "!()*")


def escape(s: str, mode: str) -> str:
    data = s.encode("utf-8", "surrogatepass")
    out = []
    for c in data:
        if should_escape(c, mode):
            out.append("%" + _UPPER_HEX[c >> 4] + _UPPER_HEX[c & 15])
        else:
            out.append(chr(c))
    return "".join(out)


def _unhex(c: int) -> int:
    return 9 * (c >> 6) + (c & 15)


def unescape(s: str, mode: str) -> str:
    data = s.encode("utf-8", "surrogatepass")
    i = 0
    while i < len(data):
        c = data[i]
        if c == 0x25:
            if i + 2 >= len(data) or data[i + 1] not in _HEX or data[i + 2] not in _HEX:
                raise URLError("invalid URL escape " + quote(data[i : i + 3]))
            if mode == HOST and _unhex(data[i + 1]) < 8 and data[i : i + 3] != b"%25":
                raise URLError("invalid URL escape " + quote(data[i : i + 3]))
            if mode == ZONE:
                v = _unhex(data[i + 1]) << 4 | _unhex(data[i + 2])
                if data[i : i + 3] != b"%25" and v != 0x20 and should_escape(v, HOST):
                    raise URLError("invalid URL escape " + quote(data[i : i + 3]))
            i += 3
        else:
            if mode in (HOST, ZONE) and c < 0x80 and should_escape(c, mode):
                raise URLError("invalid character " + quote(chr(c)) + " in host name")
            i += 1
    out = bytearray()
    i = 0
    while i < len(data):
        if data[i] == 0x25:
            out.append(_unhex(data[i + 1]) << 4 | _unhex(data[i + 2]))
            i += 3
        else:
            out.append(data[i])
            i += 1
    return out.decode("utf-8", "replace")


@dataclass
class GoURL:
    scheme: str = ""
    opaque: str = ""
    user: tuple[str, str | None] | None = None
    host: str = ""
    path: str = ""
    raw_query: str = ""
    force_query: bool = False
    fragment: str = ""

    def userinfo(self) -> str:
        if self.user is None:
            return ""
        name, password = self.user
        s = escape(name, USERINFO)
        return s + ":" + escape(password, USERINFO) if password is not None else s

    def hostname(self) -> str:
        host = self.host
        colon = host.rfind(":")
        if colon != -1 and _valid_port(host[colon:]):
            host = host[:colon]
        if host.startswith("[") and host.endswith("]"):
            host = host[1:-1]
        return host

    def escaped_path(self) -> str:
        return "*" if self.path == "*" else escape(self.path, PATH)

    def __str__(self) -> str:
        out = ""
        if self.scheme:
            out += self.scheme + ":"
        if self.opaque:
            out += self.opaque
        else:
            if self.scheme or self.host or self.user is not None:
                if self.host or self.path or self.user is not None:
                    out += "//"
                if self.user is not None:
                    out += self.userinfo() + "@"
                if self.host:
                    out += escape(self.host, HOST)
            path = self.escaped_path()
            if path and path[0] != "/" and self.host:
                out += "/"
            if not out and ":" in path.partition("/")[0]:
                out += "./"
            out += path
        if self.force_query or self.raw_query:
            out += "?" + self.raw_query
        if self.fragment:
            out += "#" + escape(self.fragment, FRAGMENT)
        return out


def _valid_port(port: str) -> bool:
    return port == "" or (port[0] == ":" and all("0" <= c <= "9" for c in port[1:]))


def _get_scheme(raw: str) -> tuple[str, str]:
    for i, c in enumerate(raw):
        if c.isascii() and c.isalpha():
            continue
        if c.isascii() and (c.isdigit() or c in "+-."):
            if i == 0:
                return "", raw
            continue
        if c == ":":
            if i == 0:
                raise URLError("missing protocol scheme")
            return raw[:i], raw[i + 1 :]
        return "", raw
    return "", raw


def _parse_host(scheme: str, host: str) -> str:
    bracket = host.rfind("[")
    if bracket > 0:
        raise URLError("invalid IP-literal")
    if bracket == 0:
        close = host.rfind("]")
        if close < 0:
            raise URLError("missing ']' in host")
        colon_port = host[close + 1 :]
        if not _valid_port(colon_port):
            raise URLError(f"invalid port {quote(colon_port)} after host")
        port = unescape(colon_port, HOST)
        name = host[1:close]
        zone = name.find("%25")
        if zone >= 0:
            name = unescape(name[:zone], HOST) + unescape(name[zone:], ZONE)
        else:
            name = unescape(name, HOST)
        try:
            addr = ipaddress.ip_address(name)
        except ValueError as exc:
            raise URLError(f"invalid host: {exc}") from None
        if addr.version == 4:
            raise URLError("invalid IP-literal")
        return "[" + name + "]" + port
    first = host.find(":")
    if first != -1:
        last = host.rfind(":")
        i = first if scheme in ("http", "https") else last
        if not _valid_port(host[i:]):
            raise URLError(f"invalid port {quote(host[i:])} after host")
    return unescape(host, HOST)


_USERINFO_OK = frozenset("-._:~!$&'()*+,;=%@")


def _parse_authority(scheme: str, authority: str) -> tuple[tuple[str, str | None] | None, str]:
    at = authority.rfind("@")
    host = _parse_host(scheme, authority[at + 1 :] if at >= 0 else authority)
    if at < 0:
        return None, host
    info = authority[:at]
    if not all((c.isascii() and c.isalnum()) or c in _USERINFO_OK for c in info):
        raise URLError("net/url: invalid userinfo")
    if ":" not in info:
        return (unescape(info, USERINFO), None), host
    name, _, password = info.partition(":")
    return (unescape(name, USERINFO), unescape(password, USERINFO)), host


def _parse(raw: str) -> GoURL:
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in raw):
        raise URLError("net/url: invalid control character in URL")
    url = GoURL()
    if raw == "*":
        url.path = "*"
        return url
    scheme, rest = _get_scheme(raw)
    url.scheme = scheme.lower()
    if rest.endswith("?") and rest.count("?") == 1:
        url.force_query, rest = True, rest[:-1]
    else:
        rest, _, url.raw_query = rest.partition("?")
    if not rest.startswith("/"):
        if url.scheme:
            url.opaque = rest
            return url
        if ":" in rest.partition("/")[0]:
            raise URLError("first path segment in URL cannot contain colon")
    if (url.scheme or not rest.startswith("///")) and rest.startswith("//"):
        authority, slash, tail = rest[2:].partition("/")
        rest = slash + tail
        url.user, url.host = _parse_authority(url.scheme, authority)
    url.path = unescape(rest, PATH)
    return url


def parse_url(raw: str) -> GoURL:
    """``url.Parse``; URLError with Go's ``parse "RAW": reason`` message."""
    base, _, frag = raw.partition("#")
    try:
        url = _parse(base)
    except URLError as exc:
        raise URLError(f"parse {quote(base)}: {exc}") from None
    if frag:
        try:
            url.fragment = unescape(frag, FRAGMENT)
        except URLError as exc:
            raise URLError(f"parse {quote(raw)}: {exc}") from None
    return url


@FUNCS.define("urlParse", ("string",), "map[string]interface{}")
def url_parse(v: str) -> dict[str, Any]:
    try:
        url = parse_url(v)
    except URLError as exc:
        raise go_panic(f"unable to parse url: {exc}") from None
    return {
        "scheme": url.scheme,
        "host": url.host,
        "hostname": url.hostname(),
        "path": url.path,
        "query": url.raw_query,
        "opaque": url.opaque,
        "fragment": url.fragment,
        "userinfo": url.userinfo(),
    }


def _get(d: Mapping[str, Any], key: str) -> str:
    if key not in d:
        return ""
    value = d[key]
    if value is None:
        raise go_panic(NIL_DEREF)
    if not isinstance(value, str):
        raise go_panic(
            f"unable to parse {key} key, must be of type string, but {kind_name(value)} found"
        )
    return value


@FUNCS.define("urlJoin", ("map[string]interface{}",), "string")
def url_join(d: Mapping[str, Any]) -> str:
    url = GoURL(
        scheme=_get(d, "scheme"),
        host=_get(d, "host"),
        path=_get(d, "path"),
        raw_query=_get(d, "query"),
        opaque=_get(d, "opaque"),
        fragment=_get(d, "fragment"),
    )
    userinfo = _get(d, "userinfo")
    if userinfo:
        try:
            url.user = parse_url(f"proto://{userinfo}@host").user
        except URLError as exc:
            raise go_panic(f"unable to parse userinfo in dict: {exc}") from None
    return str(url)
