"""The lexer and parser on their own: token streams, trees, and Go's parse error texts.

The Go oracle checks these end to end; these tables pin the pieces so that a failure points at
the stage that broke, and they run where no Go toolchain is installed.
"""

from __future__ import annotations

import pytest

from kancli.template import GoTemplateError, parse
from kancli.template.lexer import lex
from kancli.template.tokens import T

LEX_CASES = [
    ("text-only", "hello", [(T.TEXT, "hello")]),
    ("empty-action", "{{}}", [(T.LEFT_DELIM, "{{"), (T.RIGHT_DELIM, "}}")]),
    (
        "field-chain",
        "{{.a.b}}",
        [(T.LEFT_DELIM, "{{"), (T.FIELD, ".a"), (T.FIELD, ".b"), (T.RIGHT_DELIM, "}}")],
    ),
    (
        "trim-markers-eat-spaces",
        "a \n{{- 3 -}}\n b",
        [
            (T.TEXT, "a"),
            (T.LEFT_DELIM, "{{"),
            (T.NUMBER, "3"),
            (T.RIGHT_DELIM, "}}"),
            (T.TEXT, "b"),
        ],
    ),
    (
        "minus-without-space-is-a-number",
        "{{-3}}",
        [(T.LEFT_DELIM, "{{"), (T.NUMBER, "-3"), (T.RIGHT_DELIM, "}}")],
    ),
    ("comment-vanishes", "a{{/* c */}}b", [(T.TEXT, "a"), (T.TEXT, "b")]),
    (
        "declaration",
        "{{$x := 1}}",
        [
            (T.LEFT_DELIM, "{{"),
            (T.VARIABLE, "$x"),
            (T.SPACE, " "),
            (T.DECLARE, ":="),
            (T.SPACE, " "),
            (T.NUMBER, "1"),
            (T.RIGHT_DELIM, "}}"),
        ],
    ),
    (
        "keywords-and-literals",
        "{{if true}}{{else}}{{end}}",
        [
            (T.LEFT_DELIM, "{{"),
            (T.IF, "if"),
            (T.SPACE, " "),
            (T.BOOL, "true"),
            (T.RIGHT_DELIM, "}}"),
            (T.LEFT_DELIM, "{{"),
            (T.ELSE, "else"),
            (T.RIGHT_DELIM, "}}"),
            (T.LEFT_DELIM, "{{"),
            (T.END, "end"),
            (T.RIGHT_DELIM, "}}"),
        ],
    ),
    (
        "strings-runes-and-pipes",
        "{{'a' | printf `%c` \"x\"}}",
        [
            (T.LEFT_DELIM, "{{"),
            (T.CHAR_CONSTANT, "'a'"),
            (T.SPACE, " "),
            (T.PIPE, "|"),
            (T.SPACE, " "),
            (T.IDENTIFIER, "printf"),
            (T.SPACE, " "),
            (T.RAW_STRING, "`%c`"),
            (T.SPACE, " "),
            (T.STRING, '"x"'),
            (T.RIGHT_DELIM, "}}"),
        ],
    ),
    (
        "bad-character-stops",
        "{{.a-b}}",
        [(T.LEFT_DELIM, "{{"), (T.ERROR, "bad character U+002D '-'")],
    ),
    (
        "unclosed-action",
        "{{ .a",
        [(T.LEFT_DELIM, "{{"), (T.SPACE, " "), (T.FIELD, ".a"), (T.ERROR, "unclosed action")],
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in LEX_CASES], ids=[c[0] for c in LEX_CASES]
)
def test_lexer_splits_text_as_go_does(text: str, expected: list[tuple[T, str]]) -> None:
    tokens = [(t.typ, t.val) for t in lex(text) if t.typ != T.EOF]
    assert tokens == expected


def test_lexer_counts_lines() -> None:
    tokens = lex("a\nb{{ .x\n| y }}\nc")
    assert [(t.val, t.line) for t in tokens if t.typ in (T.FIELD, T.IDENTIFIER, T.TEXT)] == [
        ("a\nb", 1),
        (".x", 2),
        ("y", 3),
        ("\nc", 3),
    ]


# The tree printed back as Go's Node.String() does (used in "executing ... at <...>" errors).
TREE_CASES = [
    ("action", '{{.a | printf "%s"}}', '{{.a | printf "%s"}}'),
    ("spaces-normalised", "{{  .a   .b  }}", "{{.a .b}}"),
    ("declaration", "{{$x := 1}}{{$x = 2}}", "{{$x := 1}}{{$x = 2}}"),
    (
        "if-else-if",
        "{{if .a}}A{{else if .b}}B{{end}}",
        "{{if .a}}A{{else}}{{if .b}}B{{end}}{{end}}",
    ),
    (
        "range-two-vars",
        "{{range $i, $v := .l}}{{$v}}{{end}}",
        "{{range $i, $v := .l}}{{$v}}{{end}}",
    ),
    ("with-else", "{{with .a}}x{{else}}y{{end}}", "{{with .a}}x{{else}}y{{end}}"),
    ("parens-and-chain", "{{(index .m `k`).x}}", "{{(index .m `k`).x}}"),
    ("template-call", '{{template "t" .}}', '{{template "t" .}}'),
    ("block-becomes-template", '{{block "b" .}}x{{end}}', '{{template "b" .}}'),
    ("numbers-keep-their-text", "{{0x1F 1e3 'a'}}", "{{0x1F 1e3 'a'}}"),
    ("variable-chain", "{{$.a.b}}", "{{$.a.b}}"),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in TREE_CASES], ids=[c[0] for c in TREE_CASES]
)
def test_parse_tree_prints_like_go(text: str, expected: str) -> None:
    root = parse(text, funcs={}).trees["config"].root
    assert str(root) == expected


def test_define_adds_a_named_tree() -> None:
    tmpl = parse('{{define "a"}}A{{end}}{{define "b"}}B{{end}}top', funcs={})
    assert sorted(tmpl.trees) == ["a", "b", "config"]
    assert str(tmpl.trees["a"].root) == "A"


PARSE_ERRORS = [
    ("undefined-function", "{{ nosuch 1 }}", 'template: config:1: function "nosuch" not defined'),
    ("undefined-variable", "{{ $x }}", 'template: config:1: undefined variable "$x"'),
    ("unexpected-end", "{{ end }}", "template: config:1: unexpected {{end}}"),
    ("missing-end", "{{ if 1 }}\nx", "template: config:2: unexpected EOF"),
    ("empty-if", "{{ if }}{{ end }}", "template: config:1: missing value for if"),
    ("operand", "{{ .a }} }}{{ .b ) }}", "template: config:1: unexpected right paren"),
    (
        "non-executable-stage",
        "{{ .a | 1 }}",
        "template: config:1: non executable command in pipeline stage 2",
    ),
    ("break-outside-range", "{{ break }}", "template: config:1: {{break}} outside {{range}}"),
    (
        "action-spanning-lines",
        "{{ .a\n\n .b",
        "template: config:3: unclosed action started at config:1",
    ),
    ("integer-overflow", "{{ 08 }}", 'template: config:1: integer overflow: "08"'),
    ("bad-string-escape", '{{ "\\q" }}', "template: config:1: invalid syntax"),
    ("dot-after-literal", '{{ "s".a }}', 'template: config:1: unexpected . after term "\\"s\\""'),
    (
        "redefinition",
        '{{define "a"}}1{{end}}{{define "a"}}2{{end}}',
        'template: config:1: template: multiple definition of template "a"',
    ),
]


@pytest.mark.parametrize(
    ("text", "message"), [c[1:] for c in PARSE_ERRORS], ids=[c[0] for c in PARSE_ERRORS]
)
def test_parse_errors_are_worded_as_go(text: str, message: str) -> None:
    with pytest.raises(GoTemplateError) as info:
        parse(text, funcs={})
    assert str(info.value) == message
