"""Phase output: the ``kando output`` line format and its parser (kanister-behaviour.md 4.1-4.3).

A command publishes a phase output with ``kando output KEY VALUE``, which prints one line::

    ###Phase-output###: {"key":"KEY","value":"VALUE"}

and Kanister scans the command's stdout (KubeExec) or pod log (KubeTask) for the marker. The
rules kancli keeps (section 4.2): lines end at ``\\n`` (a ``\\r`` before it is dropped), empty lines
are skipped, the marker may appear anywhere in a line (the text before it is a log line), the
content after it, whitespace-trimmed, is JSON ``{"key": ..., "value": ...}`` decoded as Go's
``encoding/json`` decodes it into a struct (field names match case-insensitively, a null field is
left empty, a ``null`` document stores the empty key); a JSON error or a non-string key/value
fails the whole parse with ``Failed to unmarshal key-value pair: ...``; the last value of a key
wins; there is no line-length limit.

Deliberate deviations from Kanister's implementation, which this module does not reproduce:

* Kanister reads lines in 64 KiB chunks and, when a chunk (or line) ends with a proper prefix of
  the marker, expects the next chunk to start with the rest of it; it tries the *shortest* prefix
  first, so a marker split after ``###`` is lost, and a line that merely ends in ``#`` makes the
  next line's start special. kancli finds the marker anywhere in a whole line, whatever the chunk
  boundaries, and never joins two lines.
* Kanister's KubeExec splits each exec stream chunk on ``[\\r\\n]`` before parsing, so an output
  line delivered in two chunks is corrupted. kancli parses the byte stream line by line.
* JSON syntax error details are worded like Go's for common cases, not byte for byte.

:class:`OutputParser` is incremental: it holds at most about ``max_log_chunk`` bytes of a log line
(longer lines are passed on in pieces), so a 200 MB log streams through in bounded memory; only
output values are kept.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from kancli.errors import FunctionError, UsageError

MARKER = "###Phase-output###:"
_MARKER = MARKER.encode()
_KEEP = len(_MARKER) - 1
_KEY_PATTERN = re.compile(r"[a-zA-Z0-9_]*\Z")
# Go's unicode.IsSpace (what bytes.TrimSpace trims): ASCII whitespace, NEL, NBSP and Zs spaces.
_GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008" + (
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_SURROGATES = re.compile("[\ud800-\udfff]")


class PhaseOutputError(FunctionError):
    """The output stream held a marker followed by something that is not a key/value pair."""


class OutputKeyError(UsageError):
    """An output key that ``kando output`` refuses."""


@dataclass(frozen=True)
class LogLine:
    """A line of ordinary output. ``continued`` pieces are followed by more of the same line."""

    text: str
    continued: bool = False


@dataclass(frozen=True)
class OutputPair:
    """One ``kando output`` key/value pair."""

    key: str
    value: str


Event = LogLine | OutputPair


class OutputParser:
    """Incremental parser: ``feed`` bytes as they arrive, then ``finish``.

    Both return the events found, in stream order; :attr:`outputs` accumulates the pairs (last
    value of a key wins). A :class:`PhaseOutputError` ends the parse.
    """

    def __init__(self, *, max_log_chunk: int = 64 * 1024) -> None:
        if max_log_chunk <= _KEEP:
            raise ValueError(f"max_log_chunk must exceed {_KEEP}")
        self.max_log_chunk = max_log_chunk
        self.outputs: dict[str, str] = {}
        self._line = bytearray()
        self._capture: bytearray | None = None
        self._continued = False
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def feed(self, data: bytes) -> list[Event]:
        events: list[Event] = []
        pos = 0
        end = len(data)
        while pos < end:
            newline = data.find(b"\n", pos)
            stop = end if newline < 0 else newline
            if self._capture is not None:
                self._capture += data[pos:stop]
            else:
                self._add_log_bytes(data[pos:stop], events)
            if newline < 0:
                break
            self._end_line(events)
            pos = newline + 1
        return events

    def finish(self) -> list[Event]:
        """End of stream: the last line counts even without a newline."""
        events: list[Event] = []
        self._end_line(events)
        return events

    # -- internals ---------------------------------------------------------------------------
    def _add_log_bytes(self, chunk: bytes, events: list[Event]) -> None:
        search_from = max(0, len(self._line) - _KEEP)
        self._line += chunk
        found = self._line.find(_MARKER, search_from)
        if found >= 0:
            prefix = bytes(self._line[:found])
            self._capture = bytearray(self._line[found + len(_MARKER) :])
            self._line.clear()
            if prefix or self._continued:
                events.append(LogLine(self._decoder.decode(prefix, final=True)))
            self._reset_log()
            return
        if len(self._line) > self.max_log_chunk:
            cut = len(self._line) - _KEEP
            piece = self._decoder.decode(bytes(self._line[:cut]), final=False)
            del self._line[:cut]
            self._continued = True
            events.append(LogLine(piece, continued=True))

    def _end_line(self, events: list[Event]) -> None:
        if self._capture is not None:
            content = bytes(self._capture)
            self._capture = None
            pair = decode_output_content(content)
            if pair is not None:
                self.outputs[pair.key] = pair.value
                events.append(pair)
            return
        line = bytes(self._line)
        self._line.clear()
        if line.endswith(b"\r"):
            line = line[:-1]
        if line or self._continued:
            events.append(LogLine(self._decoder.decode(line, final=True)))
        self._reset_log()

    def _reset_log(self) -> None:
        self._continued = False
        self._decoder.reset()


def iter_output_events(
    chunks: Iterable[bytes], *, max_log_chunk: int = 64 * 1024
) -> Iterator[Event]:
    """Parse a stream given as chunks of bytes, yielding events as they are found."""
    parser = OutputParser(max_log_chunk=max_log_chunk)
    for chunk in chunks:
        yield from parser.feed(chunk)
    yield from parser.finish()


def parse_output(data: bytes | str) -> dict[str, str]:
    """The output pairs of a complete stream (``{}`` when there are none)."""
    parser = OutputParser()
    parser.feed(data.encode("utf-8", errors="surrogateescape") if isinstance(data, str) else data)
    parser.finish()
    return parser.outputs


# -- the JSON after the marker -------------------------------------------------------------------


class _Pairs(list[tuple[str, Any]]):
    """A decoded JSON object, as its (key, value) pairs in document order."""


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


def decode_output_content(content: bytes) -> OutputPair | None:
    """The pair encoded after a marker; None when the content is blank (Kanister ignores it)."""
    text = content.decode("utf-8", errors="surrogateescape").strip(_GO_SPACE)
    if not text:
        return None
    try:
        document = json.loads(text, object_pairs_hook=_Pairs, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise _unmarshal_error(_syntax_message(text, exc)) from None
    except ValueError as exc:  # NaN / Infinity, which Go's JSON does not accept
        raise _unmarshal_error(
            f"invalid character {_quote_char(str(exc)[0])} looking for beginning of value"
        ) from None
    if document is None:
        return OutputPair("", "")
    if not isinstance(document, _Pairs):
        kind = _json_kind(document)
        raise _unmarshal_error(f"json: cannot unmarshal {kind} into Go value of type output.Output")
    fields = {"key": "", "value": ""}
    type_error = None
    for name, value in document:
        field = name if name in fields else next((f for f in fields if f == name.lower()), None)
        if field is None or value is None:
            continue
        if isinstance(value, str):
            fields[field] = _SURROGATES.sub("\ufffd", value)
        elif type_error is None:
            type_error = (
                f"json: cannot unmarshal {_json_kind(value)} into Go struct field "
                f"Output.{field} of type string"
            )
    if type_error is not None:
        raise _unmarshal_error(type_error)
    return OutputPair(fields["key"], fields["value"])


def _unmarshal_error(detail: str) -> PhaseOutputError:
    return PhaseOutputError(f"Failed to unmarshal key-value pair: {detail}")


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, _Pairs):
        return "object"
    return "array"


def _syntax_message(text: str, exc: json.JSONDecodeError) -> str:
    if exc.pos >= len(text) or exc.msg.startswith("Unterminated string"):
        return "unexpected end of JSON input"
    char = _quote_char(text[exc.pos])
    messages = {
        "Expecting value": "looking for beginning of value",
        "Extra data": "after top-level value",
        "Expecting ':' delimiter": "after object key",
        "Expecting ',' delimiter": "after object key:value pair",
        "Expecting property name enclosed in double quotes": (
            "looking for beginning of object key string"
        ),
        "Invalid control character at": "in string literal",
        "Invalid \\escape": "in string escape code",
    }
    where = messages.get(exc.msg)
    if where is None:
        return f"invalid character {char} ({exc.msg})"
    return f"invalid character {char} {where}"


def _quote_char(char: str) -> str:
    """Go's ``quoteChar`` for JSON syntax errors."""
    if char == "'":
        return "'\\''"
    if char == '"':
        return "'\"'"
    if char.isprintable():
        return f"'{char}'"
    return "'" + json.dumps(char)[1:-1] + "'"


# -- producing the line ----------------------------------------------------------------------------


def validate_output_key(key: str) -> None:
    """kando's key rules: non-empty, ``^[a-zA-Z0-9_]*$`` (section 4.1 messages)."""
    if key == "":
        raise OutputKeyError("Key should not be empty")
    if not _KEY_PATTERN.match(key):
        raise OutputKeyError("Key should contain only alphanumeric characters and underscore")


def go_json_string(value: str | bytes) -> str:
    """A JSON string literal exactly as Go's ``json.Marshal`` writes it.

    ``<``, ``>`` and ``&`` become ``\\u003c``, ``\\u003e``, ``\\u0026``; U+2028/U+2029 are escaped;
    invalid UTF-8 (or a lone surrogate) becomes ``\\ufffd``, one per invalid byte.
    """
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="surrogateescape")
    out = ['"']
    for char in value:
        code = ord(char)
        if char in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[char])
        elif code < 0x20 or char in "<>&\u2028\u2029":
            out.append(f"\\u{code:04x}")
        elif 0xD800 <= code <= 0xDFFF:
            out.append("\\ufffd")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


_SHORT_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}


def format_output_line(key: str, value: str | bytes) -> str:
    """Exactly what ``kando output KEY VALUE`` prints, newline included."""
    validate_output_key(key)
    payload = '{"key":' + go_json_string(key) + ',"value":' + go_json_string(value) + "}"
    return f"{MARKER} {payload}\n"
