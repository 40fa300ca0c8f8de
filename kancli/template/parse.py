"""Parser for Go's text/template language, producing the trees of ``kancli.template.nodes``.

It follows Go's ``text/template/parse`` closely, down to which token it has read when it fails,
because the line number in a parse error (``template: config:3: unexpected "}" in operand``) is
that token's line. As in Go, functions are resolved at parse time: naming
a function that is not in the function map is a parse error.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, field

from kancli.template import nodes as n
from kancli.template.constants import NumberError, parse_number
from kancli.template.gostrconv import SyntaxErr, unquote
from kancli.template.lexer import lex
from kancli.template.tokens import T, Token, go_quote

_SPACE = T.SPACE
MAX_PAREN_DEPTH = 200  # Go allows 10000; Python's stack is the limit here


class ParseFailure(Exception):
    """A parse error in Go's words; ``pos`` is the index of the token being read."""

    def __init__(self, message: str, line: int, pos: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.pos = pos


@dataclass
class Tree:
    """One named template: ``{{define}}`` bodies get their own tree."""

    name: str
    parse_name: str
    text: str
    root: n.ListNode | None = None


class _Stream:
    """Tokens shared by the top-level parse and the nested define/block parses (Go shares the
    lexer). ``index`` is the next token to read; reading past the end repeats the last token."""

    __slots__ = ("index", "last", "tokens")

    def __init__(self, tokens: list[Token]) -> None:
        if tokens[-1].typ == T.ERROR:
            # After an error Go's lexer returns EOF.
            tokens.append(Token(T.EOF, 0, "", tokens[-1].line))
        self.tokens = tokens
        self.last = len(tokens) - 1
        self.index = 0


@dataclass
class _Parser:
    """Go's ``Tree`` while parsing.

    Go keeps a three-token look-ahead buffer whose slot 0 always holds the furthest token read;
    parse errors report that token's line. Reading from the shared token list by index, with
    ``far`` remembering the furthest index this parser read, gives the same tokens and lines.
    """

    tree: Tree
    funcs: Container[str]
    stream: _Stream
    tree_set: dict[str, Tree]
    far: int = 0
    vars: list[str] = field(default_factory=lambda: ["$"])
    action_line: int = 0
    range_depth: int = 0
    stack_depth: int = 0

    # -- token plumbing -------------------------------------------------------------------------

    def next(self) -> Token:
        st = self.stream
        i = st.index
        st.index = i + 1
        if i > self.far:  # noqa: PLR1730 - hot path; max() costs a call
            self.far = i
        return st.tokens[i] if i <= st.last else st.tokens[st.last]

    def backup(self) -> None:
        self.stream.index -= 1

    def peek(self) -> Token:
        tok = self.next()
        self.stream.index -= 1
        return tok

    def next_non_space(self) -> Token:
        st = self.stream
        tokens = st.tokens
        last = st.last
        i = st.index
        while True:
            tok = tokens[i] if i <= last else tokens[last]
            i += 1
            if tok.typ is not _SPACE:
                break
        st.index = i
        if i - 1 > self.far:  # noqa: PLR1730 - hot path; max() costs a call
            self.far = i - 1
        return tok

    def peek_non_space(self) -> Token:
        tok = self.next_non_space()
        self.stream.index -= 1
        return tok

    # -- errors ---------------------------------------------------------------------------------

    def errorf(self, msg: str) -> ParseFailure:
        st = self.stream
        tok = st.tokens[min(self.far, st.last)]
        full = f"template: {self.tree.parse_name}:{tok.line}: {msg}"
        return ParseFailure(full, tok.line, tok.pos)

    def expect(self, expected: T, context: str) -> Token:
        tok = self.next_non_space()
        if tok.typ != expected:
            raise self.unexpected(tok, context)
        return tok

    def expect_one_of(self, e1: T, e2: T, context: str) -> Token:
        tok = self.next_non_space()
        if tok.typ not in (e1, e2):
            raise self.unexpected(tok, context)
        return tok

    def unexpected(self, tok: Token, context: str) -> ParseFailure:
        if tok.typ == T.ERROR:
            extra = ""
            if self.action_line not in (0, tok.line):
                extra = f" in action started at {self.tree.parse_name}:{self.action_line}"
                if tok.val.endswith(" action"):
                    extra = extra[len(" in action") :]
            return self.errorf(f"{tok.describe()}{extra}")
        return self.errorf(f"unexpected {tok.describe()} in {context}")

    # -- top level ------------------------------------------------------------------------------

    def parse(self) -> None:
        self.tree.root = n.ListNode(self.peek().pos)
        while self.peek().typ != T.EOF:
            if self.peek().typ == T.LEFT_DELIM:
                at_delim = self.stream.index
                self.next()
                if self.next_non_space().typ == T.DEFINE:
                    sub = _Parser(
                        Tree("definition", self.tree.parse_name, self.tree.text),
                        self.funcs,
                        self.stream,
                        self.tree_set,
                    )
                    sub.parse_definition()
                    continue
                self.stream.index = at_delim
            node = self.text_or_action()
            if isinstance(node, n.EndNode | n.ElseNode):
                raise self.errorf(f"unexpected {node}")
            self.tree.root.nodes.append(node)

    def add(self) -> None:
        existing = self.tree_set.get(self.tree.name)
        if existing is None or n.is_empty_tree(existing.root):
            self.tree_set[self.tree.name] = self.tree
            return
        if not n.is_empty_tree(self.tree.root):
            raise self.errorf(
                f"template: multiple definition of template {go_quote(self.tree.name)}"
            )

    def parse_definition(self) -> None:
        context = "define clause"
        name = self.expect_one_of(T.STRING, T.RAW_STRING, context)
        self.tree.name = self.unquote(name.val)
        self.expect(T.RIGHT_DELIM, context)
        self.tree.root, end = self.item_list()
        if not isinstance(end, n.EndNode):
            raise self.errorf(f"unexpected {end} in {context}")
        self.add()

    def unquote(self, text: str) -> str:
        try:
            return unquote(text)
        except SyntaxErr as exc:
            raise self.errorf(str(exc)) from None

    def item_list(self) -> tuple[n.ListNode, n.Node]:
        lst = n.ListNode(self.peek_non_space().pos)
        while self.peek_non_space().typ != T.EOF:
            node = self.text_or_action()
            if isinstance(node, n.EndNode | n.ElseNode):
                return lst, node
            lst.nodes.append(node)
        raise self.errorf("unexpected EOF")

    def text_or_action(self) -> n.Node:
        tok = self.next_non_space()
        if tok.typ == T.TEXT:
            return n.TextNode(tok.pos, tok.val)
        if tok.typ == T.LEFT_DELIM:
            self.action_line = tok.line
            try:
                return self.action()
            finally:
                self.action_line = 0
        raise self.unexpected(tok, "input")

    # -- actions --------------------------------------------------------------------------------

    def action(self) -> n.Node:
        tok = self.next_non_space()
        typ = tok.typ
        if typ == T.BLOCK:
            return self.block_control()
        if typ == T.BREAK:
            return self.break_control(tok, "{{break}}", n.BreakNode)
        if typ == T.CONTINUE:
            return self.break_control(tok, "{{continue}}", n.ContinueNode)
        if typ == T.ELSE:
            return self.else_control()
        if typ == T.END:
            return n.EndNode(self.expect(T.RIGHT_DELIM, "end").pos)
        if typ == T.IF:
            return n.IfNode(*self.parse_control("if"))
        if typ == T.RANGE:
            return n.RangeNode(*self.parse_control("range"))
        if typ == T.TEMPLATE:
            return self.template_control()
        if typ == T.WITH:
            return n.WithNode(*self.parse_control("with"))
        self.backup()
        tok = self.peek()
        return n.ActionNode(tok.pos, tok.line, self.pipeline("command", T.RIGHT_DELIM))

    def break_control(
        self, tok: Token, context: str, cls: type[n.BreakNode] | type[n.ContinueNode]
    ) -> n.Node:
        nxt = self.next_non_space()
        if nxt.typ != T.RIGHT_DELIM:
            raise self.unexpected(nxt, context)
        if self.range_depth == 0:
            raise self.errorf(f"{context} outside {{{{range}}}}")
        return cls(tok.pos, tok.line)

    def pipeline(self, context: str, end: T) -> n.PipeNode:
        tok = self.peek_non_space()
        pipe = n.PipeNode(tok.pos, tok.line)
        while True:  # declarations
            v = self.peek_non_space()
            if v.typ != T.VARIABLE:
                break
            at_var = self.stream.index
            self.next()
            nxt = self.peek_non_space()
            if nxt.typ in (T.ASSIGN, T.DECLARE):
                pipe.is_assign = nxt.typ == T.ASSIGN
                self.next_non_space()
                pipe.decl.append(n.VariableNode(v.pos, v.val))
                self.vars.append(v.val)
            elif nxt.typ == T.CHAR and nxt.val == ",":
                self.next_non_space()
                pipe.decl.append(n.VariableNode(v.pos, v.val))
                self.vars.append(v.val)
                if context == "range" and len(pipe.decl) < 2:
                    if self.peek_non_space().typ in (T.VARIABLE, T.RIGHT_DELIM, T.RIGHT_PAREN):
                        continue
                    raise self.errorf("range can only initialize variables")
                raise self.errorf(f"too many declarations in {context}")
            else:
                self.stream.index = at_var  # not a declaration: the variable is an operand
            break
        while True:
            tok = self.next_non_space()
            if tok.typ == end:
                self.check_pipeline(pipe, context)
                return pipe
            if tok.typ in _OPERAND_START:
                self.backup()
                pipe.cmds.append(self.command())
            else:
                raise self.unexpected(tok, context)

    def check_pipeline(self, pipe: n.PipeNode, context: str) -> None:
        if not pipe.cmds:
            raise self.errorf(f"missing value for {context}")
        for i, c in enumerate(pipe.cmds[1:]):
            if isinstance(c.args[0], n.BoolNode | n.DotNode | n.NilNode | n.NumberNode):
                raise self.errorf(f"non executable command in pipeline stage {i + 2}")
            if isinstance(c.args[0], n.StringNode):
                raise self.errorf(f"non executable command in pipeline stage {i + 2}")

    def parse_control(
        self, context: str
    ) -> tuple[int, int, n.PipeNode, n.ListNode, n.ListNode | None]:
        mark = len(self.vars)
        try:
            pipe = self.pipeline(context, T.RIGHT_DELIM)
            if context == "range":
                self.range_depth += 1
            lst, nxt = self.item_list()
            if context == "range":
                self.range_depth -= 1
            else_list: n.ListNode | None = None
            if isinstance(nxt, n.ElseNode):
                if context == "if" and self.peek().typ == T.IF:
                    self.next()
                    else_list = n.ListNode(nxt.pos)
                    else_list.nodes.append(n.IfNode(*self.parse_control("if")))
                elif context == "with" and self.peek().typ == T.WITH:
                    self.next()
                    else_list = n.ListNode(nxt.pos)
                    else_list.nodes.append(n.WithNode(*self.parse_control("with")))
                else:
                    else_list, nxt = self.item_list()
                    if not isinstance(nxt, n.EndNode):
                        raise self.errorf(f"expected end; found {nxt}")
            return pipe.pos, pipe.line, pipe, lst, else_list
        finally:
            del self.vars[mark:]

    def else_control(self) -> n.Node:
        peek = self.peek_non_space()
        if peek.typ in (T.IF, T.WITH):
            return n.ElseNode(peek.pos, peek.line)
        tok = self.expect(T.RIGHT_DELIM, "else")
        return n.ElseNode(tok.pos, tok.line)

    def block_control(self) -> n.Node:
        context = "block clause"
        tok = self.next_non_space()
        name = self.parse_template_name(tok, context)
        pipe = self.pipeline(context, T.RIGHT_DELIM)
        sub = _Parser(
            Tree(name, self.tree.parse_name, self.tree.text), self.funcs, self.stream, self.tree_set
        )
        sub.tree.root, end = sub.item_list()
        if not isinstance(end, n.EndNode):
            raise self.errorf(f"unexpected {end} in {context}")
        sub.add()
        return n.TemplateNode(tok.pos, tok.line, name, pipe)

    def template_control(self) -> n.Node:
        context = "template clause"
        tok = self.next_non_space()
        name = self.parse_template_name(tok, context)
        pipe = None
        if self.next_non_space().typ != T.RIGHT_DELIM:
            self.backup()
            pipe = self.pipeline(context, T.RIGHT_DELIM)
        return n.TemplateNode(tok.pos, tok.line, name, pipe)

    def parse_template_name(self, tok: Token, context: str) -> str:
        if tok.typ in (T.STRING, T.RAW_STRING):
            return self.unquote(tok.val)
        raise self.unexpected(tok, context)

    # -- commands and operands ------------------------------------------------------------------

    def command(self) -> n.CommandNode:
        cmd = n.CommandNode(self.peek_non_space().pos)
        while True:
            self.peek_non_space()
            operand = self.operand()
            if operand is not None:
                cmd.args.append(operand)
            tok = self.next()
            if tok.typ == T.SPACE:
                continue
            if tok.typ in (T.RIGHT_DELIM, T.RIGHT_PAREN):
                self.backup()
            elif tok.typ != T.PIPE:
                raise self.unexpected(tok, "operand")
            break
        if not cmd.args:
            raise self.errorf("empty command")
        return cmd

    def operand(self) -> n.Node | None:
        node = self.term()
        if node is None:
            return None
        if self.peek().typ == T.FIELD:
            chain = n.ChainNode(self.peek().pos, node)
            while self.peek().typ == T.FIELD:
                chain.add(self.next().val)
            if isinstance(node, n.FieldNode):
                return n.FieldNode(chain.pos, str(chain))
            if isinstance(node, n.VariableNode):
                return n.VariableNode(chain.pos, str(chain))
            if isinstance(node, n.BoolNode | n.StringNode | n.NumberNode | n.NilNode | n.DotNode):
                raise self.errorf(f"unexpected . after term {go_quote(str(node))}")
            return chain
        return node

    def term(self) -> n.Node | None:
        tok = self.next_non_space()
        typ = tok.typ
        if typ == T.IDENTIFIER:
            if tok.val not in self.funcs:
                raise self.errorf(f"function {go_quote(tok.val)} not defined")
            return n.IdentifierNode(tok.pos, tok.val)
        if typ == T.DOT:
            return n.DotNode(tok.pos)
        if typ == T.NIL:
            return n.NilNode(tok.pos)
        if typ == T.VARIABLE:
            return self.use_var(tok)
        if typ == T.FIELD:
            return n.FieldNode(tok.pos, tok.val)
        if typ == T.BOOL:
            return n.BoolNode(tok.pos, tok.val == "true")
        if typ in (T.CHAR_CONSTANT, T.COMPLEX, T.NUMBER):
            return self.number(tok)
        if typ == T.LEFT_PAREN:
            if self.stack_depth >= MAX_PAREN_DEPTH:
                raise self.errorf("max expression depth exceeded")
            self.stack_depth += 1
            try:
                return self.pipeline("parenthesized pipeline", T.RIGHT_PAREN)
            finally:
                self.stack_depth -= 1
        if typ in (T.STRING, T.RAW_STRING):
            return n.StringNode(tok.pos, tok.val, self.unquote(tok.val))
        self.backup()
        return None

    def use_var(self, tok: Token) -> n.Node:
        v = n.VariableNode(tok.pos, tok.val)
        if v.ident[0] not in self.vars:
            raise self.errorf(f"undefined variable {go_quote(v.ident[0])}")
        return v

    def number(self, tok: Token) -> n.NumberNode:
        try:
            return n.NumberNode(tok.pos, tok.val, parse_number(tok.val, tok.typ))
        except NumberError as exc:
            raise self.errorf(str(exc)) from None


_OPERAND_START = frozenset(
    {
        T.BOOL,
        T.CHAR_CONSTANT,
        T.COMPLEX,
        T.DOT,
        T.FIELD,
        T.IDENTIFIER,
        T.NUMBER,
        T.NIL,
        T.RAW_STRING,
        T.STRING,
        T.VARIABLE,
        T.LEFT_PAREN,
    }
)


def parse_trees(text: str, name: str, funcs: Container[str]) -> dict[str, Tree]:
    """Parse ``text`` as template ``name``; returns every tree it defines, keyed by name.

    ``funcs`` must contain the builtin function names as well as any others. Raises
    ParseFailure.
    """
    tokens = lex(text, break_ok="break" not in funcs, continue_ok="continue" not in funcs)
    tree_set: dict[str, Tree] = {}
    p = _Parser(Tree(name, name, text), funcs, _Stream(tokens), tree_set)
    try:
        p.parse()
        p.add()
    except RecursionError:
        raise ParseFailure(
            f"template: {name}: template nesting too deep for kancli", 1, 0
        ) from None
    return tree_set
