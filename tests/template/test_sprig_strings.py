"""sprig's string, encoding and checksum functions. Expected values are sprig v2.22's documented
examples and outputs taken from sprig v2.22 itself (Go 1.26) for the edge cases."""

from __future__ import annotations

import re
from typing import Any

import pytest

from kancli.template.sprig import FUNCS
from kancli.template.values import FuncError, GoMap


def call(name: str, *args: Any) -> Any:
    return FUNCS[name].fn(*args)


CASES: list[tuple[str, str, tuple[Any, ...], Any]] = [
    # sprig docs/strings.md examples
    ("doc-trim", "trim", ("   hello    ",), "hello"),
    ("doc-trimAll", "trimAll", ("$", "$5.00"), "5.00"),
    ("doc-trimSuffix", "trimSuffix", ("-", "hello-"), "hello"),
    ("doc-trimPrefix", "trimPrefix", ("-", "-hello"), "hello"),
    ("doc-upper", "upper", ("hello",), "HELLO"),
    ("doc-lower", "lower", ("HELLO",), "hello"),
    ("doc-title", "title", ("hello world",), "Hello World"),
    ("doc-untitle", "untitle", ("Hello World",), "hello world"),
    ("doc-repeat", "repeat", (3, "hello"), "hellohellohello"),
    ("doc-substr", "substr", (0, 5, "hello world"), "hello"),
    ("doc-nospace", "nospace", ("hello w o r l d",), "helloworld"),
    ("doc-trunc", "trunc", (5, "hello world"), "hello"),
    ("doc-abbrev", "abbrev", (5, "hello world"), "he..."),
    ("doc-abbrevboth", "abbrevboth", (5, 10, "1234 5678 9123"), "...5678..."),
    ("doc-initials", "initials", ("First Try",), "FT"),
    ("doc-wrap", "wrap", (5, "Hello World"), "Hello\nWorld"),
    ("doc-wrapWith", "wrapWith", (5, "\t", "Hello World"), "Hello\tWorld"),
    ("doc-contains", "contains", ("cat", "catch"), True),
    ("doc-hasPrefix", "hasPrefix", ("cat", "catch"), True),
    ("doc-hasSuffix", "hasSuffix", ("cat", "catch"), False),
    ("doc-cat", "cat", ("hello", "beautiful", "world"), "hello beautiful world"),
    ("doc-replace", "replace", (" ", "-", "I Am Henry VIII"), "I-Am-Henry-VIII"),
    ("doc-plural", "plural", ("anchovy", "anchovies", 1), "anchovy"),
    ("doc-snakecase", "snakecase", ("FirstName",), "first_name"),
    ("doc-camelcase", "camelcase", ("http_server",), "HttpServer"),
    ("doc-kebabcase", "kebabcase", ("FirstName",), "first-name"),
    ("doc-swapcase", "swapcase", ("This Is A.Test",), "tHIS iS a.tEST"),
    ("doc-splitList", "splitList", ("$", "foo$bar$baz"), ["foo", "bar", "baz"]),
    ("doc-join", "join", ("-", ["hello", "world"]), "hello-world"),
    ("doc-sortAlpha", "sortAlpha", (["b", "a", "c"],), ["a", "b", "c"]),
    # Unicode and whitespace rules of Go, checked against sprig v2.22
    ("upper-simple-case-mapping", "upper", ("héllo ßtraße ǆ",), "HÉLLO ßTRAßE Ǆ"),
    ("lower-dotted-capital-i", "lower", ("HÉLLO İ Σ",), "héllo i σ"),
    ("title-go-separators", "title", ("hello wORLD_x-y ǆa",), "Hello WORLD_x-Y ǅa"),
    ("trim-go-spaces-only", "trim", ("\x1cx\x1c",), "\x1cx\x1c"),
    ("trim-unicode-spaces", "trim", ("\u2000x\u3000\x85",), "x"),
    ("trimall-runes", "trimall", ("ab", "abxyba"), "xy"),
    ("untitle-first-rune-of-words", "untitle", ("  ÀB cD",), "  àB cD"),
    ("swapcase-word-based", "swapcase", ("hello WORLD ǅx",), "HELLO world ǆX"),
    ("nospace-bytewise", "nospace", ("héllo wörld",), "hÃ©llowÃ¶rld"),
    ("nospace-nbsp-byte", "nospace", ("a\u00a0b",), "aÂb"),
    ("initials-bytewise", "initials", ("élan vital",), "Ãv"),
    ("snakecase-abbreviation", "snakecase", ("HTTPServer",), "http_server"),
    ("snakecase-xstrings-quirk", "snakecase", ("ABc",), "a_bcc"),
    ("snakecase-digits", "snakecase", ("HTTP20xOK",), "http_20x_ok"),
    ("snakecase-spaces", "snakecase", ("  sentence case  ",), "__sentence_case__"),
    ("camelcase-double-underscore", "camelcase", ("_complex__case_",), "_Complex_Case_"),
    ("kebabcase-abbreviation", "kebabcase", ("NoHTTPS",), "no-https"),
    ("wrap-long-word-kept", "wrap", (3, "a verylongword b"), "a\nverylongword\nb"),
    ("wrapWith-long-word-cut", "wrapWith", (3, "|", "abcdefgh ij"), "abc|def|gh|ij"),
    ("wrap-zero-width", "wrap", (0, "a b"), "a\nb"),
    ("abbrev-narrow-width-kept", "abbrev", (3, "hello"), "hello"),
    ("abbrevboth-offset", "abbrevboth", (3, 8, "1234567890abcdefghij"), "12345..."),
    ("abbrevboth-right-edge", "abbrevboth", (20, 10, "1234567890abcdefghij"), "...defghij"),
    ("substr-negative-start", "substr", (-1, 3, "hello"), "hel"),
    ("substr-end-past-length", "substr", (2, 99, "hello"), "llo"),
    ("substr-end-past-length-from-0", "substr", (0, 9, "hi"), "hi"),
    ("substr-negative-end", "substr", (3, -1, "hello"), "lo"),
    ("trunc-shorter", "trunc", (20, "hi"), "hi"),
    ("trunc-bytes", "trunc", (2, "héllo"), "h\ufffd"),
    ("repeat-zero", "repeat", (0, "x"), ""),
    ("indent", "indent", (4, "a\nb"), "    a\n    b"),
    ("nindent", "nindent", (2, "x"), "\n  x"),
    ("replace-empty-old", "replace", ("", "-", "ab"), "-a-b-"),
    ("plural-zero", "plural", ("one", "many", 0), "many"),
    ("quote-skips-nil", "quote", ("hi", 1, None, 'a"b', b"hi\x00"), '"hi" "1" "a\\"b" "hi\\x00"'),
    ("squote-uses-v", "squote", ("hi", 1, None, b"hi"), "'hi' '1' '[104 105]'"),
    ("cat-skips-nil", "cat", ("a", None, 1, 2.5), "a 1 2.5"),
    ("cat-empty", "cat", (), ""),
    ("toString-bytes", "toString", (b"hi",), "hi"),
    ("toString-float", "toString", (2.5,), "2.5"),
    ("toString-nil", "toString", (None,), "<nil>"),
    ("toString-list", "toString", ([1, None],), "[1 <nil>]"),
    ("split-map", "split", ("$", "foo$bar$baz"), {"_0": "foo", "_1": "bar", "_2": "baz"}),
    ("split-empty-sep", "split", ("", "ab"), {"_0": "a", "_1": "b"}),
    ("splitn-map", "splitn", ("$", 2, "foo$bar$baz"), {"_0": "foo", "_1": "bar$baz"}),
    ("splitn-zero", "splitn", (",", 0, "a,b"), {}),
    ("splitList-empty-sep", "splitList", ("", "abc"), ["a", "b", "c"]),
    ("splitList-keeps-empty", "splitList", (",", "a,b,,c"), ["a", "b", "", "c"]),
    ("toStrings-mixed", "toStrings", ([1, "a", None, 2.5],), ["1", "a", "2.5"]),
    ("toStrings-bytes", "toStrings", (b"hi",), ["104", "105"]),
    ("toStrings-scalar", "toStrings", ("x",), ["x"]),
    ("toStrings-nil", "toStrings", (None,), []),
    ("join-mixed", "join", ("-", [1, 2, "c"]), "1-2-c"),
    ("join-scalar", "join", (",", "abc"), "abc"),
    ("sortAlpha-mixed", "sortAlpha", (["b", "a", 3, "B"],), ["3", "B", "a", "b"]),
    ("sortAlpha-scalar", "sortAlpha", (5,), ["5"]),
    ("sortAlpha-nil", "sortAlpha", (None,), ["<nil>"]),
    ("hello", "hello", (), "Hello!"),
    # encodings and checksums
    ("b64enc", "b64enc", ("hello",), "aGVsbG8="),
    ("b64dec", "b64dec", ("aGVsbG8=",), "hello"),
    ("b64dec-newlines-skipped", "b64dec", ("aGVs\nbG8=",), "hello"),
    ("b64dec-missing-padding", "b64dec", ("aGVsbG8",), "illegal base64 data at input byte 4"),
    ("b64dec-one-char", "b64dec", ("x",), "illegal base64 data at input byte 0"),
    ("b64dec-trailing-data", "b64dec", ("aGVsbG8=x",), "illegal base64 data at input byte 8"),
    ("b64dec-early-padding", "b64dec", ("aG=sbG8=",), "illegal base64 data at input byte 2"),
    ("b64dec-bad-char", "b64dec", ("!!!!",), "illegal base64 data at input byte 0"),
    ("b64dec-empty", "b64dec", ("",), ""),
    ("b32enc", "b32enc", ("hello",), "NBSWY3DP"),
    ("b32dec", "b32dec", ("NBSWY3DP",), "hello"),
    ("b32dec-short", "b32dec", ("NBSWY3D",), "illegal base32 data at input byte 0"),
    ("b32dec-lowercase", "b32dec", ("nbswy3dp",), "illegal base32 data at input byte 0"),
    ("b32dec-padding", "b32dec", ("NBSWY===",), "hel"),
    ("b32dec-bad-padding-length", "b32dec", ("N=======",), "illegal base32 data at input byte 1"),
    ("sha1sum", "sha1sum", ("Hello world!",), "d3486ae9136e7856bc42212385ea797094475802"),
    (
        "sha256sum",
        "sha256sum",
        ("Hello world!",),
        "c0535e4be2b79ffd93291305436bf889314e4a3faec05ecffcbb7df31ad9e51a",
    ),
    ("adler32sum", "adler32sum", ("Hello world!",), "487130206"),
]


@pytest.mark.parametrize(
    ("name", "args", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_string_function_returns_what_sprig_returns(
    name: str, args: tuple[Any, ...], expected: Any
) -> None:
    assert call(name, *args) == expected


def test_split_returns_a_typed_string_map_keyed_by_position() -> None:
    result = call("split", ",", "a,b")
    assert isinstance(result, GoMap)
    assert result.go_type == "map[string]string"


@pytest.mark.parametrize(
    ("name", "args", "message"),
    [
        pytest.param(
            "trunc", (-1, "abc"), "runtime error: slice bounds out of range [:-1]", id="trunc"
        ),
        pytest.param(
            "substr",
            (-1, 9, "hi"),
            "runtime error: slice bounds out of range [:9] with length 2",
            id="substr-end",
        ),
        pytest.param(
            "substr",
            (4, 2, "hello"),
            "runtime error: slice bounds out of range [4:2]",
            id="substr-inverted",
        ),
        pytest.param("repeat", (-1, "a"), "strings: negative Repeat count", id="repeat"),
        pytest.param("indent", (-1, "a"), "strings: negative Repeat count", id="indent"),
    ],
)
def test_out_of_range_arguments_fail_with_gos_panic(
    name: str, args: tuple[Any, ...], message: str
) -> None:
    with pytest.raises(FuncError) as err:
        call(name, *args)
    assert str(err.value) == message


@pytest.mark.parametrize(
    ("name", "alphabet"),
    [
        ("randAlphaNum", r"[A-Za-z0-9]"),
        ("randAlpha", r"[A-Za-z]"),
        ("randNumeric", r"[0-9]"),
        ("randAscii", r"[ -~]"),
    ],
)
def test_random_strings_have_the_length_and_alphabet_asked_for(name: str, alphabet: str) -> None:
    values = {call(name, 24) for _ in range(5)}
    assert all(re.fullmatch(f"{alphabet}{{24}}", v) for v in values)
    assert len(values) > 1
    assert call(name, 0) == ""
    assert call(name, -3) == ""


def test_shuffle_keeps_the_runes() -> None:
    s = "abcdefghijé"
    assert sorted(call("shuffle", s)) == sorted(s)


def test_uuidv4_is_a_random_version_4_uuid() -> None:
    a, b = call("uuidv4"), call("uuidv4")
    pattern = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
    assert re.fullmatch(pattern, a)
    assert a != b
