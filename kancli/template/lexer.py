"""Tokenizer for Go's text/template language.

Blueprints are written for Go's engine, so kancli must split template text into tokens exactly as
Go's ``text/template/parse`` lexer does: the same action delimiters and trim markers, the same
rules for where an identifier may end (``.Options.hello-world`` is "bad character U+002D '-'"),
the same number, string and character syntax, and the same error texts. Errors are returned as an
``ERROR`` token in the stream, as Go does, so that the parser reports them with its own context.

Positions are indexes into the Python string (code points); the parser converts them to Go's
byte-based columns only when it formats an error.
"""

from __future__ import annotations

import re

from kancli.template.tokens import (
    KEYWORDS,
    LEFT_DELIM,
    RIGHT_DELIM,
    SPACE_CHARS,
    T,
    Token,
    describe_rune,
    go_quote,
    is_alnum,
    is_printable,
)

LEFT_COMMENT = "/*"
RIGHT_COMMENT = "*/"
_TERMINATORS = frozenset(" \t\r\n.,|:)(")
_ASCII_ALNUM_RUN = re.compile(r"[A-Za-z0-9_]*")
_SPACE_RUN = re.compile(r"[ \t\r\n]*")


# The common tokens inside an action, matched in one step. Anything else (trim markers, numbers
# other than plain decimals, non-ASCII names, every error) takes the character-level path, which
# follows Go's lexer exactly; the fast path only recognises tokens that path would produce.
_END = r"(?=[ \t\r\n.,|:()]|\}\}|\Z)"
_FAST = re.compile(
    r"(?P<rd>\}\})"
    r"|(?P<sp>[ \t\r\n]++)(?!-\}\})"
    rf"|(?P<field>\.[A-Za-z_][A-Za-z0-9_]*){_END}"
    rf"|(?P<dot>\.){_END}"
    rf"|(?P<var>\$[A-Za-z0-9_]*){_END}"
    rf"|(?P<ident>[A-Za-z_][A-Za-z0-9_]*){_END}"
    r'|(?P<str>"(?:[^"\\\n]|\\[^\n])*")'
    r"|(?P<raw>`[^`]*`)"
    r"|(?P<pipe>\|)"
    r"|(?P<lp>\()"
    r"|(?P<rp>\))"
    r"|(?P<decl>:=)"
    rf"|(?P<num>0|[1-9][0-9]*)(?=[ \t\r\n,|:()]|\}}\}}|\Z)"
)
_FAST_KIND = {
    "ident": T.IDENTIFIER,
    "sp": T.SPACE,
    "field": T.FIELD,
    "dot": T.DOT,
    "var": T.VARIABLE,
    "str": T.STRING,
    "raw": T.RAW_STRING,
    "pipe": T.PIPE,
    "lp": T.LEFT_PAREN,
    "rp": T.RIGHT_PAREN,
    "decl": T.DECLARE,
    "num": T.NUMBER,
}


class Lexer:
    """Go's state-machine lexer, producing the whole token list up front.

    The stream ends with an EOF token, or with the first ERROR token (as Go stops scanning there).
    ``break_ok``/``continue_ok`` are false when the function map defines those names.
    """

    def __init__(self, text: str, *, break_ok: bool = True, continue_ok: bool = True) -> None:
        self.input = text
        self.pos = 0
        self.start = 0
        self.line = 1
        self.start_line = 1
        self.paren_depth = 0
        self.break_ok = break_ok
        self.continue_ok = continue_ok
        self.tokens: list[Token] = []

    # -- driver ---------------------------------------------------------------------------------

    def run(self) -> list[Token]:
        inside = False
        tokens = self.tokens
        lex_inside = self._lex_inside
        lex_text = self._lex_text
        eof, error, left, right = T.EOF, T.ERROR, T.LEFT_DELIM, T.RIGHT_DELIM
        while True:
            tok = lex_inside() if inside else lex_text()
            if tok is None:
                continue
            tokens.append(tok)
            typ = tok.typ
            if typ is right:
                inside = False
            elif typ is left:
                inside = True
            elif typ is eof or typ is error:
                return tokens

    # -- helpers --------------------------------------------------------------------------------

    def _emit(self, typ: T) -> Token:
        tok = Token(typ, self.start, self.input[self.start : self.pos], self.start_line)
        self.start = self.pos
        self.start_line = self.line
        return tok

    def _ignore(self) -> None:
        self.line += self.input.count("\n", self.start, self.pos)
        self.start = self.pos
        self.start_line = self.line

    def _error(self, msg: str) -> Token:
        return Token(T.ERROR, self.start, msg, self.start_line)

    def _next(self) -> str:
        if self.pos >= len(self.input):
            self.pos = len(self.input) + 1  # remember that EOF was consumed, like Go's atEOF
            return ""
        c = self.input[self.pos]
        self.pos += 1
        if c == "\n":
            self.line += 1
        return c

    def _backup(self) -> None:
        if self.pos > len(self.input):
            self.pos = len(self.input)
            return
        if self.pos > 0:
            self.pos -= 1
            if self.input[self.pos] == "\n":
                self.line -= 1

    def _peek(self) -> str:
        return self.input[self.pos] if self.pos < len(self.input) else ""

    def _accept(self, valid: str) -> bool:
        c = self._next()
        if c and c in valid:
            return True
        self._backup()
        return False

    def _accept_run(self, valid: str) -> None:
        while True:
            c = self._next()
            if not c or c not in valid:
                break
        self._backup()

    def _at_right_delim(self) -> tuple[bool, bool]:
        s = self.input
        p = self.pos
        if _has_right_trim(s, p) and s.startswith(RIGHT_DELIM, p + 2):
            return True, True
        if s.startswith(RIGHT_DELIM, p):
            return True, False
        return False, False

    def _at_terminator(self) -> bool:
        c = self._peek()
        if c == "" or c in _TERMINATORS:
            return True
        return self.input.startswith(RIGHT_DELIM, self.pos)

    # -- text and delimiters --------------------------------------------------------------------

    def _lex_text(self) -> Token | None:
        s = self.input
        x = s.find(LEFT_DELIM, self.pos)
        if x >= 0:
            if x > self.pos:
                self.pos = x
                trim = 0
                if _has_left_trim(s, x + len(LEFT_DELIM)):
                    text = s[self.start : self.pos]
                    trim = len(text) - len(text.rstrip(SPACE_CHARS))
                self.pos -= trim
                self.line += s.count("\n", self.start, self.pos)
                tok = self._emit(T.TEXT)
                self.pos += trim
                self._ignore()
                if tok.val:
                    return tok
            return self._lex_left_delim()
        self.pos = len(s)
        if self.pos > self.start:
            self.line += s.count("\n", self.start, self.pos)
            return self._emit(T.TEXT)
        return self._emit(T.EOF)

    def _lex_left_delim(self) -> Token | None:
        s = self.input
        self.pos += len(LEFT_DELIM)
        trim = _has_left_trim(s, self.pos)
        after = 2 if trim else 0
        if s.startswith(LEFT_COMMENT, self.pos + after):
            self.pos += after
            self._ignore()
            return self._lex_comment()
        tok = self._emit(T.LEFT_DELIM)
        self.pos += after
        self._ignore()
        self.paren_depth = 0
        return tok

    def _lex_comment(self) -> Token | None:
        s = self.input
        self.pos += len(LEFT_COMMENT)
        x = s.find(RIGHT_COMMENT, self.pos)
        if x < 0:
            return self._error("unclosed comment")
        self.pos = x + len(RIGHT_COMMENT)
        delim, trim = self._at_right_delim()
        if not delim:
            return self._error("comment ends before closing delimiter")
        self.line += s.count("\n", self.start, self.pos)
        self.start = self.pos
        self.start_line = self.line
        if trim:
            self.pos += 2
        self.pos += len(RIGHT_DELIM)
        if trim:
            self.pos += _left_trim_length(s, self.pos)
        self._ignore()
        return None  # comments are not emitted; continue with text

    def _lex_right_delim(self) -> Token:
        _, trim = self._at_right_delim()
        if trim:
            self.pos += 2
            self._ignore()
        self.pos += len(RIGHT_DELIM)
        tok = self._emit(T.RIGHT_DELIM)
        if trim:
            self.pos += _left_trim_length(self.input, self.pos)
            self._ignore()
        return tok

    # -- inside actions -------------------------------------------------------------------------

    def _lex_inside(self) -> Token | None:
        m = _FAST.match(self.input, self.pos)
        if m is not None:
            tok = self._lex_fast(m)
            if tok is not None:
                return tok
        delim, _ = self._at_right_delim()
        if delim:
            if self.paren_depth == 0:
                return self._lex_right_delim()
            return self._error("unclosed left paren")
        c = self._next()
        if c == "":
            return self._error("unclosed action")
        if c in SPACE_CHARS:
            self._backup()
            return self._lex_space()
        if c == "=":
            return self._emit(T.ASSIGN)
        if c == ":":
            if self._next() != "=":
                return self._error("expected :=")
            return self._emit(T.DECLARE)
        if c == "|":
            return self._emit(T.PIPE)
        if c == '"':
            return self._lex_quote()
        if c == "`":
            return self._lex_raw_quote()
        if c == "$":
            return self._lex_variable()
        if c == "'":
            return self._lex_char()
        if c == ".":
            if self.pos < len(self.input) and not ("0" <= self.input[self.pos] <= "9"):
                return self._lex_field_or_variable(T.FIELD)
            self._backup()
            return self._lex_number()
        if c in "+-" or "0" <= c <= "9":
            self._backup()
            return self._lex_number()
        if is_alnum(c):
            self._backup()
            return self._lex_identifier()
        if c == "(":
            self.paren_depth += 1
            return self._emit(T.LEFT_PAREN)
        if c == ")":
            self.paren_depth -= 1
            if self.paren_depth < 0:
                return self._error("unexpected right paren")
            return self._emit(T.RIGHT_PAREN)
        if ord(c) < 0x80 and is_printable(c):
            return self._emit(T.CHAR)
        return self._error(f"unrecognized character in action: {describe_rune(c)}")

    def _lex_fast(self, m: re.Match[str]) -> Token | None:
        kind = m.lastgroup
        if kind == "rd":
            if self.paren_depth != 0:
                return None
            self.pos = m.end()
            return self._emit(T.RIGHT_DELIM)
        if kind == "rp":
            if self.paren_depth == 0:
                return None
            self.paren_depth -= 1
        elif kind == "lp":
            self.paren_depth += 1
        text = m.group()
        self.pos = m.end()
        typ = _FAST_KIND[kind]  # type: ignore[index]
        if kind == "ident":
            kw = KEYWORDS.get(text)
            if kw is not None:
                if (kw == T.BREAK and not self.break_ok) or (
                    kw == T.CONTINUE and not self.continue_ok
                ):
                    typ = T.IDENTIFIER
                else:
                    typ = kw
            elif text in ("true", "false"):
                typ = T.BOOL
        tok = Token(typ, self.start, text, self.start_line)
        if kind in ("sp", "raw"):
            self.line += text.count("\n")
        self.start = self.pos
        self.start_line = self.line
        return tok

    def _lex_space(self) -> Token | None:
        s = self.input
        end = _SPACE_RUN.match(s, self.pos).end()  # type: ignore[union-attr]
        n = end - self.pos
        self.line += s.count("\n", self.pos, end)
        self.pos = end
        if _has_right_trim(s, self.pos - 1) and s.startswith(RIGHT_DELIM, self.pos + 1):
            self._backup()
            if n == 1:
                return self._lex_right_delim()
        return self._emit(T.SPACE)

    def _scan_alnum(self) -> str:
        """Consume a run of alphanumerics; return the character after it ("" at the end)."""
        s = self.input
        end = len(s)
        while True:
            m = _ASCII_ALNUM_RUN.match(s, self.pos)
            self.pos = m.end()  # type: ignore[union-attr]
            if self.pos >= end:
                return ""
            c = s[self.pos]
            if c < "\x80" or not is_alnum(c):
                return c
            self.pos += 1

    def _lex_identifier(self) -> Token:
        c = self._scan_alnum()
        word = self.input[self.start : self.pos]
        if not self._at_terminator():
            return self._error(f"bad character {describe_rune(c)}")
        kw = KEYWORDS.get(word)
        if kw is not None and kw > T.KEYWORD:
            if (kw == T.BREAK and not self.break_ok) or (kw == T.CONTINUE and not self.continue_ok):
                return self._emit(T.IDENTIFIER)
            return self._emit(kw)
        if word[0] == ".":
            return self._emit(T.FIELD)
        if word in ("true", "false"):
            return self._emit(T.BOOL)
        return self._emit(T.IDENTIFIER)

    def _lex_variable(self) -> Token:
        if self._at_terminator():
            return self._emit(T.VARIABLE)
        return self._lex_field_or_variable(T.VARIABLE)

    def _lex_field_or_variable(self, typ: T) -> Token:
        if self._at_terminator():
            return self._emit(T.VARIABLE if typ == T.VARIABLE else T.DOT)
        c = self._scan_alnum()
        if not self._at_terminator():
            return self._error(f"bad character {describe_rune(c)}")
        return self._emit(typ)

    def _lex_char(self) -> Token:
        while True:
            c = self._next()
            if c == "\\":
                c2 = self._next()
                if c2 not in ("", "\n"):
                    continue
                return self._error("unterminated character constant")
            if c in ("", "\n"):
                return self._error("unterminated character constant")
            if c == "'":
                return self._emit(T.CHAR_CONSTANT)

    def _lex_number(self) -> Token:
        if not self._scan_number():
            return self._error(f"bad number syntax: {go_quote(self.input[self.start : self.pos])}")
        sign = self._peek()
        if sign in ("+", "-") and sign:
            if not self._scan_number() or self.input[self.pos - 1] != "i":
                text = self.input[self.start : self.pos]
                return self._error(f"bad number syntax: {go_quote(text)}")
            return self._emit(T.COMPLEX)
        return self._emit(T.NUMBER)

    def _scan_number(self) -> bool:
        self._accept("+-")
        digits = "0123456789_"
        if self._accept("0"):
            if self._accept("xX"):
                digits = "0123456789abcdefABCDEF_"
            elif self._accept("oO"):
                digits = "01234567_"
            elif self._accept("bB"):
                digits = "01_"
        self._accept_run(digits)
        if self._accept("."):
            self._accept_run(digits)
        if len(digits) == 11 and self._accept("eE"):
            self._accept("+-")
            self._accept_run("0123456789_")
        if len(digits) == 23 and self._accept("pP"):
            self._accept("+-")
            self._accept_run("0123456789_")
        self._accept("i")
        c = self._peek()
        if c and is_alnum(c):
            self._next()
            return False
        return True

    def _lex_quote(self) -> Token:
        while True:
            c = self._next()
            if c == "\\":
                c2 = self._next()
                if c2 not in ("", "\n"):
                    continue
                return self._error("unterminated quoted string")
            if c in ("", "\n"):
                return self._error("unterminated quoted string")
            if c == '"':
                return self._emit(T.STRING)

    def _lex_raw_quote(self) -> Token:
        x = self.input.find("`", self.pos)
        if x < 0:
            self.pos = len(self.input)
            return self._error("unterminated raw quoted string")
        self.line += self.input.count("\n", self.pos, x + 1)
        self.pos = x + 1
        return self._emit(T.RAW_STRING)


def _has_left_trim(s: str, i: int) -> bool:
    return len(s) >= i + 2 and s[i] == "-" and s[i + 1] in SPACE_CHARS


def _has_right_trim(s: str, i: int) -> bool:
    return i >= 0 and len(s) >= i + 2 and s[i] in SPACE_CHARS and s[i + 1] == "-"


def _left_trim_length(s: str, i: int) -> int:
    rest = s[i:]
    return len(rest) - len(rest.lstrip(SPACE_CHARS))


def lex(text: str, *, break_ok: bool = True, continue_ok: bool = True) -> list[Token]:
    """Tokenize ``text``; the list ends with EOF or with the first ERROR token."""
    return Lexer(text, break_ok=break_ok, continue_ok=continue_ok).run()
