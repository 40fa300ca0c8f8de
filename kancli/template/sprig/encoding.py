"""sprig v2.22's encodings and checksums: ``b64enc``/``b64dec``, ``b32enc``/``b32dec``, ``sha1sum``,
``sha256sum``, ``adler32sum``.

``b64dec`` is in most Secret-as-subject Blueprints (``.Object.data.password | toString | b64dec``).
On bad input sprig returns the decoder's error text as the result instead of failing, e.g.
``illegal base64 data at input byte 4``; the byte offset is Go's, so the decoders below follow
Go's ``encoding/base64`` and ``encoding/base32`` quantum by quantum (newlines are skipped, padding
is required, trailing data is an error).
"""

from __future__ import annotations

import base64
import hashlib
import zlib

from kancli.template.sprig.goconv import go_bytes_text
from kancli.template.sprig.registry import FuncTable

__all__ = ["FUNCS", "b32_decode", "b64_decode"]

FUNCS = FuncTable()
_S = "string"
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_B64_MAP = {ord(c): i for i, c in enumerate(_B64)}
_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_B32_MAP = {ord(c): i for i, c in enumerate(_B32)}
_PAD = ord("=")
_NEWLINES = (0x0A, 0x0D)


class CorruptInputError(ValueError):
    """``base64.CorruptInputError`` / ``base32.CorruptInputError``."""

    def __init__(self, offset: int, alphabet: str) -> None:
        super().__init__(f"illegal {alphabet} data at input byte {offset}")


def _b64_quantum(src: bytes, si: int, out: bytearray) -> tuple[int, bool]:
    """Go's ``decodeQuantum``: decode up to 4 symbols at ``si``; returns (next si, finished)."""
    dbuf = [0, 0, 0, 0]
    dlen = 4
    j = 0
    finished = False
    while j < 4:
        if si == len(src):
            if j == 0:
                return si, True
            raise CorruptInputError(si - j, "base64")
        c = src[si]
        si += 1
        if c in _B64_MAP:
            dbuf[j] = _B64_MAP[c]
            j += 1
            continue
        if c in _NEWLINES:
            continue
        if c != _PAD or j < 2:
            raise CorruptInputError(si - 1, "base64")
        if j == 2:
            while si < len(src) and src[si] in _NEWLINES:
                si += 1
            if si == len(src):
                raise CorruptInputError(len(src), "base64")
            if src[si] != _PAD:
                raise CorruptInputError(si - 1, "base64")
            si += 1
        while si < len(src) and src[si] in _NEWLINES:
            si += 1
        if si < len(src):
            raise CorruptInputError(si, "base64")
        dlen = j
        finished = True
        break
    val = dbuf[0] << 18 | dbuf[1] << 12 | dbuf[2] << 6 | dbuf[3]
    out += bytes([val >> 16 & 0xFF, val >> 8 & 0xFF, val & 0xFF])[: dlen - 1]
    return si, finished


def b64_decode(text: str) -> bytes:
    """``base64.StdEncoding.DecodeString``; CorruptInputError with Go's offset."""
    src = text.encode("utf-8", "surrogatepass")
    out = bytearray()
    si = 0
    while si < len(src):
        si, finished = _b64_quantum(src, si, out)
        if finished:
            break
    return bytes(out)


def b32_decode(text: str) -> bytes:
    """``base32.StdEncoding.DecodeString`` (newlines stripped first, as Go does)."""
    src = bytes(c for c in text.encode("utf-8", "surrogatepass") if c not in _NEWLINES)
    olen = len(src)
    out = bytearray()
    pos = 0
    end = False
    while pos < olen and not end:
        dbuf = [0] * 8
        dlen = 8
        j = 0
        while j < 8:
            if pos == olen:
                raise CorruptInputError(olen - (olen - pos) - j, "base32")
            c = src[pos]
            pos += 1
            remaining = olen - pos
            if c == _PAD and j >= 2 and remaining < 8:
                if remaining + j < 7:
                    raise CorruptInputError(olen, "base32")
                for k in range(7 - j):
                    if remaining > k and src[pos + k] != _PAD:
                        raise CorruptInputError(olen - remaining + k - 1, "base32")
                dlen, end = j, True
                if dlen in (1, 3, 6):
                    raise CorruptInputError(olen - remaining - 1, "base32")
                break
            if c not in _B32_MAP:
                raise CorruptInputError(olen - remaining - 1, "base32")
            dbuf[j] = _B32_MAP[c]
            j += 1
        packed = bytes(
            [
                (dbuf[0] << 3 | dbuf[1] >> 2) & 0xFF,
                (dbuf[1] << 6 | dbuf[2] << 1 | dbuf[3] >> 4) & 0xFF,
                (dbuf[3] << 4 | dbuf[4] >> 1) & 0xFF,
                (dbuf[4] << 7 | dbuf[5] << 2 | dbuf[6] >> 3) & 0xFF,
                (dbuf[6] << 5 | dbuf[7]) & 0xFF,
            ]
        )
        out += packed[: {8: 5, 7: 4, 5: 3, 4: 2, 2: 1}.get(dlen, 0)]
    return bytes(out)


@FUNCS.define("b64enc", (_S,), _S)
def b64enc(s: str) -> str:
    return base64.b64encode(s.encode("utf-8", "surrogatepass")).decode("ascii")


@FUNCS.define("b64dec", (_S,), _S)
def b64dec(s: str) -> str:
    try:
        return go_bytes_text(b64_decode(s))
    except CorruptInputError as exc:
        return str(exc)


@FUNCS.define("b32enc", (_S,), _S)
def b32enc(s: str) -> str:
    return base64.b32encode(s.encode("utf-8", "surrogatepass")).decode("ascii")


@FUNCS.define("b32dec", (_S,), _S)
def b32dec(s: str) -> str:
    try:
        return go_bytes_text(b32_decode(s))
    except CorruptInputError as exc:
        return str(exc)


@FUNCS.define("sha1sum", (_S,), _S)
def sha1sum(s: str) -> str:
    return hashlib.sha1(s.encode("utf-8", "surrogatepass"), usedforsecurity=False).hexdigest()


@FUNCS.define("sha256sum", (_S,), _S)
def sha256sum(s: str) -> str:
    return hashlib.sha256(s.encode("utf-8", "surrogatepass")).hexdigest()


@FUNCS.define("adler32sum", (_S,), _S)
def adler32sum(s: str) -> str:
    return str(zlib.adler32(s.encode("utf-8", "surrogatepass")))
