"""Token kinds and Go's rules for characters and quoting in template text.

Shared by the lexer, the parser and the evaluator: Go names characters in errors with ``%#U``
(``bad character U+002D '-'``) and quotes names and values with ``%q`` (``function "foo" not
defined``, ``map has no entry for key "k"``), using ``strconv``'s notion of a printable rune.
"""

from __future__ import annotations

import enum
import unicodedata

LEFT_DELIM = "{{"
RIGHT_DELIM = "}}"
SPACE_CHARS = " \t\r\n"


class T(enum.IntEnum):
    """Token kinds, named after Go's ``itemType`` values; keywords come after ``KEYWORD``."""

    ERROR = 0
    BOOL = 1
    CHAR = 2
    CHAR_CONSTANT = 3
    COMMENT = 4
    COMPLEX = 5
    ASSIGN = 6
    DECLARE = 7
    EOF = 8
    FIELD = 9
    IDENTIFIER = 10
    LEFT_DELIM = 11
    LEFT_PAREN = 12
    NUMBER = 13
    PIPE = 14
    RAW_STRING = 15
    RIGHT_DELIM = 16
    RIGHT_PAREN = 17
    SPACE = 18
    STRING = 19
    TEXT = 20
    VARIABLE = 21
    KEYWORD = 22
    BLOCK = 23
    BREAK = 24
    CONTINUE = 25
    DOT = 26
    DEFINE = 27
    ELSE = 28
    END = 29
    IF = 30
    NIL = 31
    RANGE = 32
    TEMPLATE = 33
    WITH = 34


KEYWORDS: dict[str, T] = {
    ".": T.DOT,
    "block": T.BLOCK,
    "break": T.BREAK,
    "continue": T.CONTINUE,
    "define": T.DEFINE,
    "else": T.ELSE,
    "end": T.END,
    "if": T.IF,
    "range": T.RANGE,
    "nil": T.NIL,
    "template": T.TEMPLATE,
    "with": T.WITH,
}


class Token:
    """One lexical item: kind, start index, text and the line it starts on (1-based)."""

    __slots__ = ("line", "pos", "typ", "val")

    def __init__(self, typ: T, pos: int, val: str, line: int) -> None:
        self.typ = typ
        self.pos = pos
        self.val = val
        self.line = line

    def __repr__(self) -> str:
        return f"Token({self.typ.name}, {self.pos}, {self.val!r}, {self.line})"

    def describe(self) -> str:
        """The token as Go's ``item.String`` shows it in "unexpected ..." errors."""
        if self.typ == T.EOF:
            return "EOF"
        if self.typ == T.ERROR:
            return self.val
        if self.typ > T.KEYWORD:
            return f"<{self.val}>"
        if len(self.val) > 10:
            return go_quote(self.val, limit=10) + "..."
        return go_quote(self.val)


def is_space(c: str) -> bool:
    return c in SPACE_CHARS and c != ""


def is_alnum(c: str) -> bool:
    """Go's ``isAlphaNumeric``: underscore, any Unicode letter (L*) or decimal digit (Nd)."""
    return c == "_" or c.isalpha() or c.isdecimal()


def describe_rune(c: str) -> str:
    """Go's ``%#U``: ``U+002D '-'`` (the quoted rune is shown only when printable)."""
    cp = ord(c)
    code = f"U+{cp:04X}"
    if is_printable(c):
        return f"{code} '{c}'"
    return code


def is_printable(c: str) -> bool:
    """Go's ``strconv.IsPrint``: letters, marks, numbers, punctuation, symbols and ASCII space."""
    if c == " ":
        return True
    cat = unicodedata.category(c)
    return cat[0] in "LMNPS"


def go_quote(s: str, *, limit: int | None = None) -> str:
    """Go's ``%q`` for a string (``%.Nq`` when ``limit`` is given: first N runes)."""
    if limit is not None:
        s = s[:limit]
    out = ['"']
    for c in s:
        out.append(_quote_rune(c, '"'))
    out.append('"')
    return "".join(out)


_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_ESCAPES.update({"\v": "\\v", "\\": "\\\\"})


def _quote_rune(c: str, quote: str) -> str:
    if c == quote:
        return "\\" + c
    if c in _ESCAPES:
        return _ESCAPES[c]
    cp = ord(c)
    if 0xD800 <= cp <= 0xDFFF:
        # A lone surrogate stands for an invalid UTF-8 byte (surrogateescape) or an invalid rune.
        if 0xDC80 <= cp <= 0xDCFF:
            return f"\\x{cp - 0xDC00:02x}"
        return "\\ufffd"
    if is_printable(c):
        return c
    if cp < 0x80:
        return f"\\x{cp:02x}"
    if cp < 0x10000:
        return f"\\u{cp:04x}"
    return f"\\U{cp:08x}"
