"""Go's ``fmt`` package (Sprint, Sprintln, Sprintf) over the value model of ``values.py``.

Templates print values the way Go's ``fmt`` does: ``{{ .Secrets.s.Data.k }}`` shows ``[104 105]``,
``{{ 1e6 }}`` shows ``1e+06``, ``{{ printf "%05.1f" 3.14159 }}`` shows ``003.1``. Blueprints rely
on those exact texts, so this module follows ``fmt/print.go`` and ``fmt/format.go`` closely: the
verb and flag parser, the ``%!verb(type=value)`` error forms, the way a verb and its flags apply
to every element of a container, and ``strconv``'s float formatting.

``time.Time`` prints through its ``String``/``GoString`` methods. A ``GoStruct`` that offers
``Error`` or ``String`` in an optional ``go_methods()`` mapping prints through it too, as Go's
``Stringer`` does (sprig's ``*semver.Version`` relies on this).

Deliberate deviations (values Go would print but that carry no meaning outside a Go process):

* a non-nil pointer nested inside a container prints a fixed pseudo-address, ``0xc000010000``;
* ``time.Time`` under a verb other than ``%v %s %q %x %X %#v`` prints as a bad verb instead of the
  struct's private fields, and times carry no monotonic clock reading (``m=+0.0001``).
"""

from __future__ import annotations

import math
import struct
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kancli.template.values import GoFunc, GoInt64, GoMap, GoStruct, NilPointer

__all__ = [
    "Uint8",
    "can_backquote",
    "format_float",
    "format_time",
    "format_value",
    "quote",
    "quote_rune",
    "sprint",
    "sprintf",
    "sprintln",
    "stringer_text",
    "time_nanosecond",
    "time_year_shift",
    "type_name",
    "zone_abbrev",
]

NIL_ANGLE = "<nil>"
FAKE_ADDRESS = 0xC000010000
_LDIGITS = "0123456789abcdefx"
_UDIGITS = "0123456789ABCDEFX"
_MAX_RUNE = 0x10FFFF
_TOO_LARGE = 1_000_000


class Uint8(int):
    """An element of a ``[]byte``: Go formats it as the unsigned type ``uint8``."""

    __slots__ = ()


_U8 = Uint8  # the name the engine first imported


# ---------------------------------------------------------------------------------------------
# Type names (``%T``, bad-verb reports, sprig's typeOf)


def _go_param_type(name: str) -> str:
    if name.startswith("..."):
        return "..." + _go_param_type(name[3:])
    return name.replace("interface{}", "interface {}")


def type_name(v: Any) -> str:
    """The name ``reflect.TypeOf(v).String()`` gives for a value of the model."""
    if v is None:
        return NIL_ANGLE
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, _U8):
        return "uint8"
    if isinstance(v, GoInt64):
        return "int64"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float64"
    if isinstance(v, str):
        return "string"
    if isinstance(v, bytes | bytearray):
        return "[]uint8"
    if isinstance(v, GoMap):
        return v.go_type
    if isinstance(v, dict):
        return "map[string]interface {}"
    if isinstance(v, list | tuple):
        return "[]interface {}"
    if isinstance(v, GoStruct | NilPointer):
        return v.go_type
    if isinstance(v, datetime):
        return "time.Time"
    if isinstance(v, GoFunc):
        params = ", ".join(_go_param_type(p) for p in v.params)
        ret = _go_param_type(v.returns)
        return f"func({params}) ({ret}, error)" if v.returns_error else f"func({params}) {ret}"
    return type(v).__name__


# ---------------------------------------------------------------------------------------------
# strconv: quoting


def _iter_runes(s: str | bytes) -> Iterator[tuple[int, int | None]]:
    """Yield ``(rune, None)`` for each decodable rune or ``(-1, byte)`` for each invalid byte."""
    if isinstance(s, str):
        for ch in s:
            yield ord(ch), None
        return
    i, n = 0, len(s)
    while i < n:
        b0 = s[i]
        if b0 < 0x80:
            yield b0, None
            i += 1
            continue
        size = 2 if 0xC2 <= b0 <= 0xDF else 3 if 0xE0 <= b0 <= 0xEF else 4 if b0 <= 0xF4 else 0
        if size and i + size <= n:
            try:
                ch = s[i : i + size].decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                yield ord(ch), None
                i += size
                continue
        yield -1, b0
        i += 1


def _is_print(r: int) -> bool:
    """``unicode.IsPrint``: categories L, M, N, P, S and the ASCII space."""
    if r == 0x20:
        return True
    if r < 0x20 or 0x7F <= r < 0xA0 or 0xD800 <= r <= 0xDFFF or r > _MAX_RUNE:
        return False
    return unicodedata.category(chr(r))[0] in "LMNPS"


_ESCAPES = {7: r"\a", 8: r"\b", 12: r"\f", 10: r"\n", 13: r"\r", 9: r"\t", 11: r"\v"}


def _escaped_rune(r: int, quote_char: str, ascii_only: bool) -> str:
    if r == ord(quote_char) or r == 0x5C:
        return "\\" + chr(r)
    if ascii_only:
        if r < 0x80 and _is_print(r):
            return chr(r)
    elif _is_print(r):
        return chr(r)
    if r in _ESCAPES:
        return _ESCAPES[r]
    if r < 0x20 or r == 0x7F:
        return f"\\x{r:02x}"
    if r > _MAX_RUNE or 0xD800 <= r <= 0xDFFF:
        r = 0xFFFD
    if r < 0x10000:
        return f"\\u{r:04x}"
    return f"\\U{r:08x}"


def quote(s: str | bytes, *, ascii_only: bool = False) -> str:
    """``strconv.Quote`` (or ``QuoteToASCII``): a double-quoted Go string literal."""
    out = ['"']
    for r, bad in _iter_runes(s):
        out.append(f"\\x{bad:02x}" if bad is not None else _escaped_rune(r, '"', ascii_only))
    out.append('"')
    return "".join(out)


def quote_rune(r: int, *, ascii_only: bool = False) -> str:
    """``strconv.QuoteRune``: a single-quoted Go rune literal."""
    if r > _MAX_RUNE or 0xD800 <= r <= 0xDFFF:
        r = 0xFFFD
    return "'" + _escaped_rune(r, "'", ascii_only) + "'"


def can_backquote(s: str | bytes) -> bool:
    """``strconv.CanBackquote``: whether ``s`` can be written as a raw string literal."""
    for r, bad in _iter_runes(s):
        if bad is not None or r == 0xFEFF:
            return False
        if (r < 0x20 and r != 0x09) or r in (0x60, 0x7F):
            return False
    return True


# ---------------------------------------------------------------------------------------------
# strconv: floats


def _shortest_digits(x: float) -> tuple[str, int]:
    """Shortest round-tripping decimal digits of ``abs(x)`` and the decimal point position
    (value = 0.DIGITS x 10**dp); zero gives ``("", 0)`` as in Go."""
    r = repr(abs(x))
    mant, _, exp = r.partition("e")
    intpart, _, frac = mant.partition(".")
    digits = (intpart + frac).lstrip("0")
    dp = len(intpart) + (int(exp) if exp else 0)
    if not digits:
        return "", 0
    dp -= len(intpart + frac) - len((intpart + frac).lstrip("0"))
    return digits.rstrip("0"), dp


def _exp_str(exp: int, upper: bool) -> str:
    sign = "-" if exp < 0 else "+"
    return ("E" if upper else "e") + sign + f"{abs(exp):02d}"


def _fmt_e_digits(digits: str, dp: int, prec: int, upper: bool) -> str:
    first = digits[:1] or "0"
    rest = digits[1:]
    if prec > 0:
        frac = (rest + "0" * prec)[:prec]
        body = first + "." + frac
    else:
        body = first
    exp = dp - 1 if digits else 0
    return body + _exp_str(exp, upper)


def _fmt_f_digits(digits: str, dp: int, prec: int) -> str:
    intpart = (digits[:dp] + "0" * max(0, dp - len(digits))) if dp > 0 else "0"
    if prec <= 0:
        return intpart
    frac = ""
    for i in range(prec):
        j = dp + i
        frac += digits[j] if 0 <= j < len(digits) else "0"
    return intpart + "." + frac


def _float_bits(x: float) -> tuple[bool, int, int]:
    bits = struct.unpack(">Q", struct.pack(">d", x))[0]
    neg = bool(bits >> 63)
    exp = (bits >> 52) & 0x7FF
    mant = bits & ((1 << 52) - 1)
    if exp == 0:
        exp += 1
    else:
        mant |= 1 << 52
    return neg, mant, exp - 1023


def _fmt_b(x: float) -> str:
    neg, mant, exp = _float_bits(x)
    exp -= 52
    return ("-" if neg else "") + f"{mant}p{'+' if exp >= 0 else '-'}{abs(exp)}"


def _fmt_x(x: float, prec: int, upper: bool) -> str:
    neg, mant, exp = _float_bits(x)
    mask = (1 << 64) - 1
    if mant == 0:
        exp = 0
    mant = (mant << 8) & mask
    while mant != 0 and mant & (1 << 60) == 0:
        mant = (mant << 1) & mask
        exp -= 1
    if 0 <= prec < 15:
        shift = prec * 4
        extra = (mant << shift) & ((1 << 60) - 1)
        mant >>= 60 - shift
        if extra | (mant & 1) > 1 << 59:
            mant += 1
        mant = (mant << (60 - shift)) & mask
        if mant & (1 << 61):
            mant >>= 1
            exp += 1
    hexd = _UDIGITS if upper else _LDIGITS
    out = ["-" if neg else "", "0", "X" if upper else "x", str((mant >> 60) & 1)]
    mant = (mant << 4) & mask
    if prec < 0 and mant != 0:
        out.append(".")
        while mant != 0:
            out.append(hexd[(mant >> 60) & 15])
            mant = (mant << 4) & mask
    elif prec > 0:
        out.append(".")
        for _ in range(prec):
            out.append(hexd[(mant >> 60) & 15])
            mant = (mant << 4) & mask
    out.append("P" if upper else "p")
    out.append("-" if exp < 0 else "+")
    out.append(f"{abs(exp):02d}")
    return "".join(out)


def format_float(x: float, fmt: str, prec: int) -> str:
    """``strconv.FormatFloat(x, fmt, prec, 64)``; ``prec < 0`` means the shortest exact form."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "+Inf" if x > 0 else "-Inf"
    if fmt == "b":
        return _fmt_b(x)
    if fmt in "xX":
        return _fmt_x(x, prec, fmt == "X")
    sign = "-" if math.copysign(1.0, x) < 0 else ""
    upper = fmt in "EG"
    if prec < 0:
        digits, dp = _shortest_digits(x)
        if fmt in "eE":
            return sign + _fmt_e_digits(digits, dp, max(len(digits) - 1, 0), upper)
        if fmt == "f":
            return sign + _fmt_f_digits(digits, dp, max(len(digits) - dp, 0))
        exp = dp - 1
        if digits and (exp < -4 or exp >= 6):
            return sign + _fmt_e_digits(digits, dp, len(digits) - 1, upper)
        return sign + _fmt_f_digits(digits, dp, max(len(digits) - dp, 0))
    if fmt in "eE":
        body = f"{abs(x):.{prec}e}"
        return sign + (body.upper() if upper else body)
    if fmt == "f":
        return sign + f"{abs(x):.{prec}f}"
    body = f"{abs(x):.{max(prec, 1)}g}"
    return sign + (body.upper() if upper else body)


# ---------------------------------------------------------------------------------------------
# time.Time.String()

_MONTHS = "January February March April May June July August September October November December"
MONTH_NAMES = tuple(_MONTHS.split())


def time_nanosecond(t: datetime) -> int:
    """The nanosecond within the second; times that carry sub-microsecond precision expose it
    as a ``nanosecond`` attribute (sprig's time values do)."""
    ns = getattr(t, "nanosecond", None)
    return int(ns) if isinstance(ns, int) else t.microsecond * 1000


def time_year_shift(t: datetime) -> int:
    """How many years later than its Go value a time is stored (Go has year 0; datetime has
    not), as sprig's time values record in ``year_shift``."""
    shift = getattr(t, "year_shift", 0)
    return shift if isinstance(shift, int) else 0


def zone_abbrev(t: datetime) -> str:
    """The zone abbreviation Go prints for ``MST``; an unnamed fixed zone gives ``""``."""
    if t.tzinfo is None:
        return "UTC"
    name = t.tzname() or ""
    off = t.utcoffset()
    # datetime.timezone invents "UTC+05:30" for unnamed fixed offsets; Go has no name there.
    if name.startswith("UTC") and len(name) > 3 and off is not None:
        return ""
    return name


def _offset_seconds(t: datetime) -> int:
    off = t.utcoffset()
    return int(off.total_seconds()) if off is not None else 0


def format_offset(seconds: int, colon: bool = False, with_seconds: bool = False) -> str:
    sign = "-" if seconds < 0 else "+"
    s = abs(seconds)
    hh, mm, ss = s // 3600, s // 60 % 60, s % 60
    sep = ":" if colon else ""
    out = f"{sign}{hh:02d}{sep}{mm:02d}"
    return out + f"{sep}{ss:02d}" if with_seconds else out


def format_time(t: datetime) -> str:
    """``time.Time.String()``: ``2006-01-02 15:04:05.999999999 -0700 MST``."""
    ns = time_nanosecond(t)
    frac = f".{ns:09d}".rstrip("0") if ns else ""
    off = _offset_seconds(t)
    name = zone_abbrev(t) or format_offset(off)
    y = t.year - time_year_shift(t)
    year = f"{y:04d}" if y >= 0 else f"-{-y:04d}"
    return (
        f"{year}-{t.month:02d}-{t.day:02d} {t.hour:02d}:{t.minute:02d}:{t.second:02d}{frac} "
        f"{format_offset(off)} {name}"
    )


def _time_gostring(t: datetime) -> str:
    ns = time_nanosecond(t)
    name = t.tzname() if t.tzinfo is not None else "UTC"
    if t.tzinfo is None or (name == "UTC" and _offset_seconds(t) == 0):
        loc = "time.UTC"
    elif getattr(t.tzinfo, "go_name", None) == "Local":
        loc = "time.Local"
    else:
        loc = f"time.Location({quote(getattr(t.tzinfo, 'go_name', None) or zone_abbrev(t))})"
    month = MONTH_NAMES[t.month - 1]
    year = t.year - time_year_shift(t)
    clock = f"{t.hour}, {t.minute}, {t.second}, {ns}"
    return f"time.Date({year}, time.{month}, {t.day}, {clock}, {loc})"


# ---------------------------------------------------------------------------------------------
# The printer (fmt.pp)


@dataclass
class _Flags:
    wid: int = 0
    prec: int = 0
    wid_present: bool = False
    prec_present: bool = False
    minus: bool = False
    plus: bool = False
    sharp: bool = False
    space: bool = False
    zero: bool = False
    plus_v: bool = False
    sharp_v: bool = False


class _Printer:
    def __init__(self) -> None:
        self.buf: list[str] = []
        self.f = _Flags()
        self.arg: Any = None
        self.erroring = False
        self.reordered = False
        self.good_arg_num = True

    def out(self) -> str:
        return "".join(self.buf)

    # -- padding (fmt.fmt.pad / writePadding)

    def _padding(self, n: int) -> str:
        if n <= 0:
            return ""
        return ("0" if self.f.zero and not self.f.minus else " ") * n

    def pad(self, s: str) -> None:
        f = self.f
        if not f.wid_present or f.wid == 0:
            self.buf.append(s)
            return
        width = f.wid - len(s)
        if not f.minus:
            self.buf.append(self._padding(width))
            self.buf.append(s)
        else:
            self.buf.append(s)
            self.buf.append(" " * max(width, 0))

    def _truncate(self, s: str) -> str:
        if self.f.prec_present:
            return s[: self.f.prec]
        return s

    # -- integers

    def fmt_integer(self, u: int, base: int, is_signed: bool, verb: str, digits: str) -> None:
        f = self.f
        negative = is_signed and u < 0
        if negative:
            u = -u
        prec = 0
        if f.prec_present:
            prec = f.prec
            if prec == 0 and u == 0:
                old = f.zero
                f.zero = False
                self.buf.append(self._padding(f.wid) if f.wid_present else "")
                f.zero = old
                return
        elif f.zero and not f.minus and f.wid_present:
            prec = f.wid
            if negative or f.plus or f.space:
                prec -= 1
        if base == 10:
            body = str(u)
        elif base == 16:
            body = format(u, "x" if digits is _LDIGITS else "X")
        elif base == 8:
            body = format(u, "o")
        else:
            body = format(u, "b")
        if len(body) < prec:
            body = "0" * (prec - len(body)) + body
        if f.sharp:
            if base == 2:
                body = "0b" + body
            elif base == 8 and body[0] != "0":
                body = "0" + body
            elif base == 16:
                body = "0" + digits[16] + body
        if verb == "O":
            body = "0o" + body
        if negative:
            body = "-" + body
        elif f.plus:
            body = "+" + body
        elif f.space:
            body = " " + body
        old = f.zero
        f.zero = False
        self.pad(body)
        f.zero = old

    def fmt_0x64(self, v: int, leading0x: bool) -> None:
        sharp = self.f.sharp
        self.f.sharp = leading0x
        self.fmt_integer(v, 16, False, "v", _LDIGITS)
        self.f.sharp = sharp

    def fmt_c(self, c: int) -> None:
        r = c if 0 <= c <= _MAX_RUNE and not 0xD800 <= c <= 0xDFFF else 0xFFFD
        self.pad(chr(r))

    def fmt_qc(self, c: int) -> None:
        r = c if 0 <= c <= _MAX_RUNE else 0xFFFD
        self.pad(quote_rune(r, ascii_only=self.f.plus))

    def fmt_unicode(self, u: int) -> None:
        f = self.f
        prec = 4
        if f.prec_present and f.prec > 4:
            prec = f.prec
        s = "U+" + format(u, "X").rjust(prec, "0")
        if f.sharp and 0 <= u <= _MAX_RUNE and _is_print(u):
            s += " '" + chr(u) + "'"
        old = f.zero
        f.zero = False
        self.pad(s)
        f.zero = old

    def print_integer(self, v: int, is_signed: bool, verb: str) -> None:
        if (not is_signed or verb in "cqU") and v < 0:
            v &= (1 << 64) - 1
        if verb == "v":
            if self.f.sharp_v and not is_signed:
                self.fmt_0x64(v, True)
            else:
                self.fmt_integer(v, 10, is_signed, verb, _LDIGITS)
        elif verb == "d":
            self.fmt_integer(v, 10, is_signed, verb, _LDIGITS)
        elif verb == "b":
            self.fmt_integer(v, 2, is_signed, verb, _LDIGITS)
        elif verb in "oO":
            self.fmt_integer(v, 8, is_signed, verb, _LDIGITS)
        elif verb == "x":
            self.fmt_integer(v, 16, is_signed, verb, _LDIGITS)
        elif verb == "X":
            self.fmt_integer(v, 16, is_signed, verb, _UDIGITS)
        elif verb == "c":
            self.fmt_c(v)
        elif verb == "q":
            self.fmt_qc(v)
        elif verb == "U":
            self.fmt_unicode(v)
        else:
            self.bad_verb(verb)

    # -- floats

    def fmt_float(self, v: float, verb: str, prec: int) -> None:
        f = self.f
        if f.prec_present:
            prec = f.prec
        num = format_float(v, verb, prec)
        if num[0] not in "+-":
            num = "+" + num
        if f.space and num[0] == "+" and not f.plus:
            num = " " + num[1:]
        if num[1] in "IN":
            old = f.zero
            f.zero = False
            if num[1] == "N" and not f.space and not f.plus:
                num = num[1:]
            self.pad(num)
            f.zero = old
            return
        if f.sharp and verb != "b":
            num = self._sharp_float(num, verb, prec)
        if f.plus or num[0] != "+":
            if f.zero and not f.minus and f.wid_present and f.wid > len(num):
                self.buf.append(num[0])
                self.buf.append(self._padding(f.wid - len(num)))
                self.buf.append(num[1:])
                return
            self.pad(num)
            return
        self.pad(num[1:])

    @staticmethod
    def _sharp_float(num: str, verb: str, prec: int) -> str:
        digits = 0
        if verb in "vgGx":
            digits = 6 if prec == -1 else prec
        tail = ""
        has_point = False
        saw_nonzero = False
        body = num
        i = 1
        while i < len(body):
            c = body[i]
            if c == ".":
                has_point = True
            elif c in "pP" or (c in "eE" and verb not in "xX"):
                tail, body = body[i:], body[:i]
                break
            else:
                if c != "0":
                    saw_nonzero = True
                if saw_nonzero:
                    digits -= 1
            i += 1
        if not has_point:
            if len(body) == 2 and body[1] == "0":
                digits -= 1
            body += "."
        if digits > 0:
            body += "0" * digits
        return body + tail

    def print_float(self, v: float, verb: str) -> None:
        if verb == "v":
            self.fmt_float(v, "g", -1)
        elif verb in "bgGxX":
            self.fmt_float(v, verb, -1)
        elif verb in "feE":
            self.fmt_float(v, verb, 6)
        elif verb == "F":
            self.fmt_float(v, "f", 6)
        else:
            self.bad_verb(verb)

    # -- strings and bytes

    def fmt_sbx(self, data: bytes, digits: str) -> None:
        f = self.f
        length = len(data)
        if f.prec_present and f.prec < length:
            length = f.prec
        width = 2 * length
        if width > 0:
            if f.space:
                if f.sharp:
                    width *= 2
                width += length - 1
            elif f.sharp:
                width += 2
        else:
            if f.wid_present:
                self.buf.append(self._padding(f.wid))
            return
        if f.wid_present and f.wid > width and not f.minus:
            self.buf.append(self._padding(f.wid - width))
        out = []
        if f.sharp:
            out.append("0" + digits[16])
        for i in range(length):
            if f.space and i > 0:
                out.append(" ")
                if f.sharp:
                    out.append("0" + digits[16])
            c = data[i]
            out.append(digits[c >> 4] + digits[c & 0xF])
        self.buf.append("".join(out))
        if f.wid_present and f.wid > width and f.minus:
            self.buf.append(self._padding(f.wid - width))

    def fmt_q(self, s: str | bytes) -> None:
        f = self.f
        if f.prec_present:
            s = s[: f.prec] if isinstance(s, str) else _truncate_bytes_runes(s, f.prec)
        if f.sharp and can_backquote(s):
            text = s if isinstance(s, str) else s.decode("utf-8")
            self.pad("`" + text + "`")
            return
        self.pad(quote(s, ascii_only=f.plus))

    def print_string(self, v: str, verb: str) -> None:
        if verb == "v":
            if self.f.sharp_v:
                self.fmt_q(v)
            else:
                self.pad(self._truncate(v))
        elif verb == "s":
            self.pad(self._truncate(v))
        elif verb == "x":
            self.fmt_sbx(v.encode("utf-8", "surrogateescape"), _LDIGITS)
        elif verb == "X":
            self.fmt_sbx(v.encode("utf-8", "surrogateescape"), _UDIGITS)
        elif verb == "q":
            self.fmt_q(v)
        else:
            self.bad_verb(verb)

    def print_bytes(self, v: bytes, verb: str, type_string: str, depth: int) -> None:
        if verb in "vd":
            if self.f.sharp_v:
                self.buf.append(type_string)
                self.buf.append("{")
                for i, c in enumerate(v):
                    if i:
                        self.buf.append(", ")
                    self.fmt_0x64(c, True)
                self.buf.append("}")
            else:
                self.buf.append("[")
                for i, c in enumerate(v):
                    if i:
                        self.buf.append(" ")
                    self.fmt_integer(c, 10, False, verb, _LDIGITS)
                self.buf.append("]")
        elif verb == "s":
            self.pad(_truncate_bytes_text(v, self.f))
        elif verb == "x":
            self.fmt_sbx(v, _LDIGITS)
        elif verb == "X":
            self.fmt_sbx(v, _UDIGITS)
        elif verb == "q":
            self.fmt_q(v)
        else:
            self.buf.append("[")
            for i, c in enumerate(v):
                if i:
                    self.buf.append(" ")
                self.print_value(_U8(c), verb, depth + 1)
            self.buf.append("]")

    def print_bool(self, v: bool, verb: str) -> None:
        if verb in "tv":
            self.pad("true" if v else "false")
        else:
            self.bad_verb(verb)

    # -- errors

    def bad_verb(self, verb: str) -> None:
        self.erroring = True
        self.buf.append("%!" + verb + "(")
        arg = self.arg
        if arg is not None:
            self.buf.append(type_name(arg) + "=")
            self.print_arg(arg, "v")
        else:
            self.buf.append(NIL_ANGLE)
        self.buf.append(")")
        self.erroring = False

    # -- pointers

    def fmt_pointer(self, v: Any, verb: str) -> None:
        is_nil = isinstance(v, NilPointer)
        u = 0 if is_nil else FAKE_ADDRESS
        if verb == "v":
            if self.f.sharp_v:
                self.buf.append("(" + type_name(v) + ")(")
                if u == 0:
                    self.buf.append("nil")
                else:
                    self.fmt_0x64(u, True)
                self.buf.append(")")
            elif u == 0:
                self.pad(NIL_ANGLE)
            else:
                self.fmt_0x64(u, not self.f.sharp)
        elif verb == "p":
            self.fmt_0x64(u, not self.f.sharp)
        elif verb in "bodxX":
            self.print_integer(u, False, verb)
        else:
            self.bad_verb(verb)

    # -- dispatch

    def print_arg(self, arg: Any, verb: str) -> None:
        self.arg = arg
        if arg is None:
            if verb in "Tv":
                self.pad(NIL_ANGLE)
            else:
                self.bad_verb(verb)
            return
        if verb == "T":
            self.pad(self._truncate(type_name(arg)))
            return
        if verb == "p":
            if _is_reference(arg):
                self.fmt_pointer(arg, "p")
            else:
                self.bad_verb(verb)
            return
        if isinstance(arg, bytes | bytearray):
            self.print_bytes(bytes(arg), verb, "[]byte", 0)
            return
        self.print_value(arg, verb, 0)

    def handle_methods(self, v: Any, verb: str) -> bool:
        """Go's ``handleMethods``: ``error``/``Stringer`` for verbs that take a string, and
        ``GoStringer`` for ``%#v``. ``time.Time`` has both; a ``GoStruct`` has them when its
        ``go_methods()`` offers ``Error`` or ``String``."""
        if self.erroring:
            return False
        if isinstance(v, GoStruct) and not self.f.sharp_v and verb in "vsxXq":
            text = stringer_text(v)
            if text is not None:
                self.print_string(text, verb)
                return True
            return False
        if not isinstance(v, datetime):
            return False
        if self.f.sharp_v:
            self.pad(self._truncate(_time_gostring(v)))
            return True
        if verb in "vsxXq":
            self.print_string(format_time(v), verb)
            return True
        return False

    def print_value(self, v: Any, verb: str, depth: int) -> None:
        self.arg = v
        if self.handle_methods(v, verb):
            return
        if v is None:
            # A nil interface inside a container or struct.
            self.buf.append("interface {}(nil)" if self.f.sharp_v else NIL_ANGLE)
        elif isinstance(v, bool):
            self.print_bool(v, verb)
        elif isinstance(v, int):
            self.print_integer(int(v), not isinstance(v, _U8), verb)
        elif isinstance(v, float):
            self.print_float(v, verb)
        elif isinstance(v, str):
            self.print_string(v, verb)
        elif isinstance(v, bytes | bytearray):
            self.print_bytes(bytes(v), verb, "[]uint8", depth)
        elif isinstance(v, Mapping):
            self.print_map(v, verb, depth)
        elif isinstance(v, list | tuple):
            self.print_list(v, verb, depth)
        elif isinstance(v, GoStruct):
            if v.go_type.startswith("*"):
                if depth == 0:
                    self.buf.append("&")
                    self.print_struct(v, verb, depth + 1)
                else:
                    self.fmt_pointer(v, verb)
            else:
                self.print_struct(v, verb, depth)
        elif isinstance(v, NilPointer | GoFunc):
            self.fmt_pointer(v, verb)
        elif isinstance(v, datetime):
            if self.erroring:
                self.pad(format_time(v))
            else:
                self.bad_verb(verb)
        else:
            self.print_string(str(v), verb)

    def print_map(self, v: Mapping[str, Any], verb: str, depth: int) -> None:
        sharp_v = self.f.sharp_v
        self.buf.append(type_name(v) + "{" if sharp_v else "map[")
        for i, k in enumerate(sorted(v)):
            if i:
                self.buf.append(", " if sharp_v else " ")
            self.print_value(k, verb, depth + 1)
            self.buf.append(":")
            self.print_value(v[k], verb, depth + 1)
        self.buf.append("}" if sharp_v else "]")

    def print_list(self, v: Sequence[Any], verb: str, depth: int) -> None:
        if self.f.sharp_v:
            self.buf.append("[]interface {}{")
            sep = ", "
        else:
            self.buf.append("[")
            sep = " "
        for i, item in enumerate(v):
            if i:
                self.buf.append(sep)
            self.print_value(item, verb, depth + 1)
        self.buf.append("}" if self.f.sharp_v else "]")

    def print_struct(self, v: GoStruct, verb: str, depth: int) -> None:
        sharp_v = self.f.sharp_v
        if sharp_v:
            self.buf.append(v.go_type.lstrip("*"))
        self.buf.append("{")
        for i, (name, value) in enumerate(v.go_fields().items()):
            if i:
                self.buf.append(", " if sharp_v else " ")
            if self.f.plus_v or sharp_v:
                self.buf.append(name + ":")
            self.print_value(value, verb, depth + 1)
        self.buf.append("}")

    # -- Printf

    def do_printf(self, fmt: str, args: Sequence[Any]) -> None:
        end = len(fmt)
        arg_num = 0
        after_index = False
        self.reordered = False
        i = 0
        while i < end:
            self.good_arg_num = True
            lasti = i
            while i < end and fmt[i] != "%":
                i += 1
            if i > lasti:
                self.buf.append(fmt[lasti:i])
            if i >= end:
                break
            i += 1
            self.f = f = _Flags()
            simple = False
            while i < end:
                c = fmt[i]
                if c == "#":
                    f.sharp = True
                elif c == "0":
                    f.zero = True
                elif c == "+":
                    f.plus = True
                elif c == "-":
                    f.minus = True
                elif c == " ":
                    f.space = True
                else:
                    if "a" <= c <= "z" and arg_num < len(args):
                        if c == "v":
                            f.sharp_v, f.sharp = f.sharp, False
                            f.plus_v, f.plus = f.plus, False
                        self.print_arg(args[arg_num], c)
                        arg_num += 1
                        i += 1
                        simple = True
                    break
                i += 1
            if simple:
                continue

            arg_num, i, after_index = self._arg_number(arg_num, fmt, i, len(args))

            if i < end and fmt[i] == "*":
                i += 1
                f.wid, f.wid_present, arg_num = _int_from_arg(args, arg_num)
                if not f.wid_present:
                    self.buf.append("%!(BADWIDTH)")
                if f.wid < 0:
                    f.wid = -f.wid
                    f.minus = True
                    f.zero = False
                after_index = False
            else:
                f.wid, f.wid_present, i = _parsenum(fmt, i, end)
                if after_index and f.wid_present:
                    self.good_arg_num = False

            if i + 1 < end and fmt[i] == ".":
                i += 1
                if after_index:
                    self.good_arg_num = False
                arg_num, i, after_index = self._arg_number(arg_num, fmt, i, len(args))
                if i < end and fmt[i] == "*":
                    i += 1
                    f.prec, f.prec_present, arg_num = _int_from_arg(args, arg_num)
                    if f.prec < 0:
                        f.prec = 0
                        f.prec_present = False
                    if not f.prec_present:
                        self.buf.append("%!(BADPREC)")
                    after_index = False
                else:
                    f.prec, f.prec_present, i = _parsenum(fmt, i, end)
                    if not f.prec_present:
                        f.prec = 0
                        f.prec_present = True

            if not after_index:
                arg_num, i, after_index = self._arg_number(arg_num, fmt, i, len(args))

            if i >= end:
                self.buf.append("%!(NOVERB)")
                break

            verb = fmt[i]
            i += 1
            if verb == "%":
                self.buf.append("%")
            elif not self.good_arg_num:
                self.buf.append("%!" + verb + "(BADINDEX)")
            elif arg_num >= len(args):
                self.buf.append("%!" + verb + "(MISSING)")
            else:
                if verb == "v":
                    f.sharp_v, f.sharp = f.sharp, False
                    f.plus_v, f.plus = f.plus, False
                self.print_arg(args[arg_num], verb)
                arg_num += 1

        if not self.reordered and arg_num < len(args):
            self.f = _Flags()
            self.buf.append("%!(EXTRA ")
            for n, arg in enumerate(args[arg_num:]):
                if n:
                    self.buf.append(", ")
                if arg is None:
                    self.buf.append(NIL_ANGLE)
                else:
                    self.buf.append(type_name(arg) + "=")
                    self.print_arg(arg, "v")
            self.buf.append(")")

    def _arg_number(self, arg_num: int, fmt: str, i: int, num_args: int) -> tuple[int, int, bool]:
        if len(fmt) <= i or fmt[i] != "[":
            return arg_num, i, False
        self.reordered = True
        index, wid, ok = _parse_arg_number(fmt[i:])
        if ok and 0 <= index < num_args:
            return index, i + wid, True
        self.good_arg_num = False
        return arg_num, i + wid, ok


def stringer_text(v: Any) -> str | None:
    """What ``Error()`` or ``String()`` returns for a struct that has such a method, else None.

    A ``GoStruct`` exposes methods through an optional ``go_methods()`` mapping of name to
    ``GoFunc`` (bound, so a method without parameters is called with no arguments).
    """
    methods_of = getattr(v, "go_methods", None)
    if not callable(methods_of):
        return None
    methods = methods_of()
    for name in ("Error", "String"):
        m = methods.get(name)
        if isinstance(m, GoFunc) and not m.params:
            return str(m.fn())
    return None


def _truncate_bytes_runes(b: bytes, n: int) -> bytes:
    """Keep the first ``n`` runes of UTF-8 bytes (an invalid byte counts as one rune)."""
    out = bytearray()
    for count, (r, bad) in enumerate(_iter_runes(b)):
        if count >= n:
            break
        out += bytes([bad]) if bad is not None else chr(r).encode("utf-8")
    return bytes(out)


def _truncate_bytes_text(b: bytes, f: _Flags) -> str:
    if f.prec_present:
        b = _truncate_bytes_runes(b, f.prec)
    return b.decode("utf-8", "replace")


def _is_reference(v: Any) -> bool:
    return isinstance(v, Mapping | list | tuple | bytes | bytearray | GoFunc | NilPointer) or (
        isinstance(v, GoStruct) and v.go_type.startswith("*")
    )


def _parsenum(s: str, start: int, end: int) -> tuple[int, bool, int]:
    if start >= end:
        return 0, False, end
    num = 0
    isnum = False
    newi = start
    while newi < end and "0" <= s[newi] <= "9":
        if num > _TOO_LARGE:
            return 0, False, end
        num = num * 10 + ord(s[newi]) - 48
        isnum = True
        newi += 1
    return num, isnum, newi


def _parse_arg_number(fmt: str) -> tuple[int, int, bool]:
    if len(fmt) < 3:
        return 0, 1, False
    for i in range(1, len(fmt)):
        if fmt[i] == "]":
            width, ok, newi = _parsenum(fmt, 1, i)
            if not ok or newi != i:
                return 0, i + 1, False
            return width - 1, i + 1, True
    return 0, 1, False


def _int_from_arg(args: Sequence[Any], arg_num: int) -> tuple[int, bool, int]:
    num, is_int, new_arg_num = 0, False, arg_num
    if arg_num < len(args):
        a = args[arg_num]
        if isinstance(a, int) and not isinstance(a, bool):
            num, is_int = int(a), True
        new_arg_num = arg_num + 1
        if num > _TOO_LARGE or num < -_TOO_LARGE:
            num, is_int = 0, False
    return num, is_int, new_arg_num


# ---------------------------------------------------------------------------------------------
# Public API


def format_value(v: Any) -> str:
    """``fmt.Sprint(v)`` for one value: Go's ``%v``."""
    p = _Printer()
    p.print_arg(v, "v")
    return p.out()


def sprint(args: Sequence[Any]) -> str:
    """``fmt.Sprint``: a space between operands when neither side is a string."""
    p = _Printer()
    prev_string = False
    for n, arg in enumerate(args):
        is_string = isinstance(arg, str)
        if n > 0 and not is_string and not prev_string:
            p.buf.append(" ")
        p.f = _Flags()
        p.print_arg(arg, "v")
        prev_string = is_string
    return p.out()


def sprintln(args: Sequence[Any]) -> str:
    """``fmt.Sprintln``: operands separated by spaces, then a newline."""
    p = _Printer()
    for n, arg in enumerate(args):
        if n > 0:
            p.buf.append(" ")
        p.f = _Flags()
        p.print_arg(arg, "v")
    p.buf.append("\n")
    return p.out()


def sprintf(format: str, args: Sequence[Any]) -> str:
    """``fmt.Sprintf``, including Go's ``%!verb(...)`` reports for bad verbs and arguments."""
    p = _Printer()
    p.do_printf(format, args)
    return p.out()
