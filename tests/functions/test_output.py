"""The phase-output format and parser: Kanister's acceptance cases (4.1-4.3) and stream tests."""

from __future__ import annotations

import itertools
import random
import string
import tracemalloc
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kancli.errors import ExitCode
from kancli.functions.output import (
    MARKER,
    LogLine,
    OutputKeyError,
    OutputPair,
    OutputParser,
    PhaseOutputError,
    format_output_line,
    iter_output_events,
    parse_output,
    validate_output_key,
)

LINE = '###Phase-output###: {"key":"version","value":"0.110.0"}'


@pytest.mark.parametrize(
    ("stream", "expected"),
    [
        pytest.param(LINE, {"version": "0.110.0"}, id="one-line"),
        pytest.param(
            LINE + '\n###Phase-output###: {"key":"path","value":"/backup/path"}',
            {"version": "0.110.0", "path": "/backup/path"},
            id="two-lines",
        ),
        pytest.param("Random message " + LINE, {"version": "0.110.0"}, id="marker-after-text"),
        pytest.param(
            "Random message with newline \n" + LINE,
            {"version": "0.110.0"},
            id="text-line-then-marker",
        ),
        pytest.param("Random message", {}, id="no-output"),
        pytest.param("", {}, id="empty-stream"),
    ],
)
def test_kube_exec_acceptance_cases(stream: str, expected: dict[str, str]) -> None:
    assert parse_output(stream) == expected


def test_invalid_output_fails_the_parse() -> None:
    with pytest.raises(PhaseOutputError) as info:
        parse_output("###Phase-output###: Invalid message")
    assert str(info.value) == (
        "Failed to unmarshal key-value pair: invalid character 'I' looking for beginning of value"
    )
    assert info.value.exit_code == ExitCode.PHASE


@pytest.mark.parametrize(
    ("stream", "expected"),
    [
        pytest.param(
            LINE.replace("0.110.0", "a") + "\r\n" + LINE + "\r\n",
            {"version": "0.110.0"},
            id="crlf-and-last-key-wins",
        ),
        pytest.param('###Phase-output###: {"value":"v"}', {"": "v"}, id="no-key-stores-empty"),
        pytest.param(
            '###Phase-output###: {"KEY":"k","Value":"v"}', {"k": "v"}, id="case-insensitive-fields"
        ),
        pytest.param(
            '###Phase-output###: {"key":"k","value":"v","extra":[1,{}]}',
            {"k": "v"},
            id="unknown-fields-ignored",
        ),
        pytest.param(
            '###Phase-output###: {"key":"k","value":null}', {"k": ""}, id="null-value-is-empty"
        ),
        pytest.param("###Phase-output###: null", {"": ""}, id="null-document"),
        pytest.param("###Phase-output###:    \t ", {}, id="blank-content-ignored"),
        pytest.param('###Phase-output###:{"key":"k","value":"v"}', {"k": "v"}, id="no-space"),
        pytest.param(
            'x ###Phase-output###:  {"key":"k","value":"a\\u003cb\\n"}  ',
            {"k": "a<b\n"},
            id="escapes-decoded",
        ),
        pytest.param(
            b'###Phase-output###: {"key":"k","value":"a\xffb"}',
            {"k": "a\ufffdb"},
            id="invalid-utf8-replaced",
        ),
        pytest.param(
            '###Phase-output###: {"key":"k","value":"\\ud800"}',
            {"k": "\ufffd"},
            id="lone-surrogate-replaced",
        ),
        pytest.param(
            '###Phase-output###: {"key":"a","key":"b","value":"v"}',
            {"b": "v"},
            id="duplicate-json-field-last-wins",
        ),
        pytest.param("\n\n\n" + LINE + "\n\n", {"version": "0.110.0"}, id="empty-lines"),
    ],
)
def test_parsing_rules(stream: str | bytes, expected: dict[str, str]) -> None:
    assert parse_output(stream) == expected


@pytest.mark.parametrize(
    ("content", "detail"),
    [
        pytest.param(
            '{"key":"k","value":5}',
            "json: cannot unmarshal number into Go struct field Output.value of type string",
            id="number-value",
        ),
        pytest.param(
            '{"key":true,"value":"v"}',
            "json: cannot unmarshal bool into Go struct field Output.key of type string",
            id="bool-key",
        ),
        pytest.param(
            '"just a string"',
            "json: cannot unmarshal string into Go value of type output.Output",
            id="string-document",
        ),
        pytest.param(
            "[1]",
            "json: cannot unmarshal array into Go value of type output.Output",
            id="array-document",
        ),
        pytest.param('{"key":"k"', "unexpected end of JSON input", id="truncated"),
        pytest.param(
            '{"key":"k"} trailing',
            "invalid character 't' after top-level value",
            id="trailing-text",
        ),
        pytest.param('{"key" "k"}', "invalid character '\"' after object key", id="missing-colon"),
        pytest.param(
            "{key:1}",
            "invalid character 'k' looking for beginning of object key string",
            id="unquoted-key",
        ),
        pytest.param(
            '{"key":NaN}', "invalid character 'N' looking for beginning of value", id="nan"
        ),
        pytest.param(
            LINE[len(MARKER) + 1 :] + " " + LINE,
            "invalid character '#' after top-level value",
            id="two-markers-on-a-line",
        ),
    ],
)
def test_malformed_content_fails_with_go_like_details(content: str, detail: str) -> None:
    with pytest.raises(PhaseOutputError) as info:
        parse_output(f"{MARKER} {content}")
    assert str(info.value) == f"Failed to unmarshal key-value pair: {detail}"


def test_events_report_log_text_and_pairs_in_order() -> None:
    parser = OutputParser()
    events = parser.feed(b"starting\r\nwork " + LINE.encode() + b"\n\ndone")
    events += parser.finish()
    assert events == [
        LogLine("starting"),
        LogLine("work "),
        OutputPair("version", "0.110.0"),
        LogLine("done"),
    ]
    assert parser.outputs == {"version": "0.110.0"}


def test_a_line_ending_in_hash_does_not_change_how_the_next_line_is_read() -> None:
    # Kanister would take the second line as output (its split-marker bug); kancli does not.
    stream = 'echo #\n##Phase-output###: {"key":"k","value":"v"}\n'
    assert list(iter_output_events([stream.encode()])) == [
        LogLine("echo #"),
        LogLine('##Phase-output###: {"key":"k","value":"v"}'),
    ]


@pytest.mark.parametrize("split", range(1, len(LINE) + 8))
def test_marker_split_across_chunks_is_still_found(split: int) -> None:
    data = ("log text " + LINE + "\n").encode()
    events = list(iter_output_events([data[:split], data[split:]]))
    assert events == [LogLine("log text "), OutputPair("version", "0.110.0")]


def test_long_lines_are_passed_on_in_pieces() -> None:
    parser = OutputParser(max_log_chunk=100)
    events = parser.feed(b"a" * 250)
    events += parser.feed(b"b" * 10 + b"\nnext\n")
    assert all(isinstance(e, LogLine) for e in events)
    pieces = [e for e in events if isinstance(e, LogLine)]
    assert "".join(p.text for p in pieces[:-1]) == "a" * 250 + "b" * 10
    assert [p.continued for p in pieces] == [True] * (len(pieces) - 2) + [False, False]
    assert pieces[-1] == LogLine("next")


def test_multibyte_characters_survive_piecewise_log_lines() -> None:
    text = "é€😀" * 100
    data = text.encode()
    events = list(
        iter_output_events([data[i : i + 7] for i in range(0, len(data), 7)], max_log_chunk=50)
    )
    assert "".join(e.text for e in events if isinstance(e, LogLine)) == text


# -- randomised streams, as Kanister's stream_test.go builds them ----------------------------------

_RUNES = string.ascii_letters + string.digits + "_!=-+*/\\"


def _stream(
    rng: random.Random, lines: int, prefix: int, key: int, value: int, *, newline: bool = True
) -> tuple[bytes, dict[str, str]]:
    """``lines`` × (random prefix of about ``prefix`` chars, then an output line)."""

    def length(average: int) -> int:
        return average + rng.randrange(max(average // 5, 1)) if average else 0

    parts: list[str] = []
    expected: dict[str, str] = {}
    for _ in range(lines):
        if prefix:
            parts.append("".join(rng.choices(_RUNES, k=length(prefix))) + ("\n" if newline else ""))
        if key:
            k = "".join(rng.choices(string.ascii_lowercase + string.digits, k=length(key)))
            v = "".join(rng.choices(_RUNES, k=length(value)))
            parts.append(format_output_line(k, v))
            expected[k] = v
    return "".join(parts).encode(), expected


def _chunks(rng: random.Random, data: bytes) -> Iterator[bytes]:
    pos = 0
    while pos < len(data):
        size = rng.randrange(1, 200_000)
        yield data[pos : pos + size]
        pos += size


STREAMS = [
    pytest.param(10, 50_000, 0, 0, True, 0, id="10x50KB-no-output"),
    pytest.param(1, 0, 10, 50, True, 1, id="one-output-line"),
    pytest.param(10, 10_000, 10, 50, True, 10, id="10x10KB-log-then-output"),
    pytest.param(5, 100_000, 10, 50, True, 5, id="5x100KB-lines-then-output"),
    pytest.param(5, 500_000, 10, 10_000, True, 5, id="5x500KB-prefix-10KB-value"),
    pytest.param(1, 500_000, 10, 500_000, True, 1, id="500KB-prefix-500KB-value"),
    pytest.param(1, 500_000, 10, 500_000, False, 1, id="marker-after-log-text-same-line"),
]


@pytest.mark.parametrize(("lines", "prefix", "key", "value", "newline", "count"), STREAMS)
@pytest.mark.parametrize("seed", [1, 2])
def test_random_streams(
    seed: int, lines: int, prefix: int, key: int, value: int, newline: bool, count: int
) -> None:
    rng = random.Random(seed)
    data, expected = _stream(rng, lines, prefix, key, value, newline=newline)
    assert len(expected) == count
    assert parse_output(data) == expected
    parser = OutputParser()
    for chunk in _chunks(rng, data):
        parser.feed(chunk)
    parser.finish()
    assert parser.outputs == expected


def test_a_100000_character_value_round_trips() -> None:
    value = "x" * 100_000
    assert parse_output(format_output_line("longstring", value)) == {"longstring": value}


def _big_stream(total: int, line: int) -> Iterator[bytes]:
    """``total`` bytes of log in 64 KiB chunks (lines of ``line`` bytes), then one output line."""
    chunk = (b"L" * (line - 1) + b"\n") * max(1, 65536 // line) if line < 65536 else b"L" * 65536
    sent = 0
    while sent < total:
        yield chunk
        sent += len(chunk)
    yield format_output_line("done", "yes").encode()


def _peak_while_parsing(chunks: Iterator[bytes]) -> tuple[int, dict[str, str]]:
    parser = OutputParser()
    tracemalloc.start()
    try:
        for data in chunks:
            parser.feed(data)
        parser.finish()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, parser.outputs


def test_a_200_mb_log_line_streams_in_bounded_memory() -> None:
    peak, outputs = _peak_while_parsing(_big_stream(200 * 1024 * 1024, line=10**9))
    assert outputs == {"done": "yes"}
    assert peak < 4 * 1024 * 1024


@pytest.mark.slow
def test_a_200_mb_log_of_short_lines_streams_in_bounded_memory() -> None:
    peak, outputs = _peak_while_parsing(_big_stream(200 * 1024 * 1024, line=120))
    assert outputs == {"done": "yes"}
    assert peak < 4 * 1024 * 1024


# -- the producer side ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "line"),
    [
        pytest.param(
            "version",
            "0.110.0",
            '###Phase-output###: {"key":"version","value":"0.110.0"}\n',
            id="plain",
        ),
        pytest.param(
            "k",
            'a<b>&"c"\\',
            '###Phase-output###: {"key":"k","value":"a\\u003cb\\u003e\\u0026\\"c\\"\\\\"}\n',
            id="html-and-quotes",
        ),
        pytest.param(
            "k",
            "\n\r\t\b\f\x01\x7f",
            '###Phase-output###: {"key":"k","value":"\\n\\r\\t\\b\\f\\u0001\x7f"}\n',
            id="control-characters",
        ),
        pytest.param(
            "k",
            "\u2028\u2029é😀",
            '###Phase-output###: {"key":"k","value":"\\u2028\\u2029é😀"}\n',
            id="unicode",
        ),
        pytest.param(
            "k",
            b"a\xffb\xe2\x82",
            '###Phase-output###: {"key":"k","value":"a\\ufffdb\\ufffd\\ufffd"}\n',
            id="invalid-utf8-per-byte",
        ),
    ],
)
def test_format_output_line_prints_what_kando_prints(
    key: str, value: str | bytes, line: str
) -> None:
    assert format_output_line(key, value) == line


@pytest.mark.parametrize("key", ["validKey", "validKey2", "valid_key", "A", "0"])
def test_valid_output_keys(key: str) -> None:
    validate_output_key(key)


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("invalid-key", "Key should contain only alphanumeric characters and underscore"),
        ("invalid.key", "Key should contain only alphanumeric characters and underscore"),
        ("`invalidKey", "Key should contain only alphanumeric characters and underscore"),
        ("ké", "Key should contain only alphanumeric characters and underscore"),
        ("", "Key should not be empty"),
    ],
)
def test_invalid_output_keys(key: str, message: str) -> None:
    with pytest.raises(OutputKeyError) as info:
        format_output_line(key, "v")
    assert str(info.value) == message


KEYS = st.from_regex(r"[a-zA-Z0-9_]{1,20}", fullmatch=True)
VALUES = st.text(st.characters(codec="utf-8"), max_size=300)
LOG_TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\n"), max_size=80)


@settings(max_examples=300, deadline=None)
@given(
    pairs=st.lists(st.tuples(KEYS, VALUES, LOG_TEXT), max_size=8),
    cuts=st.lists(st.integers(min_value=0, max_value=10_000), max_size=6),
)
def test_formatted_lines_parse_back_whatever_the_chunking(
    pairs: list[tuple[str, str, str]], cuts: list[int]
) -> None:
    stream = "".join(
        f"{log}{format_output_line(key, value)}"
        if MARKER not in log
        else format_output_line(key, value)
        for key, value, log in pairs
    ).encode()
    expected: dict[str, str] = {}
    for key, value, _ in pairs:
        expected[key] = value
    bounds = sorted({min(c, len(stream)) for c in cuts} | {0, len(stream)})
    chunks = [stream[a:b] for a, b in itertools.pairwise(bounds)]
    events = list(iter_output_events(chunks, max_log_chunk=64))
    assert {e.key: e.value for e in events if isinstance(e, OutputPair)} == expected
    assert parse_output(stream) == expected
