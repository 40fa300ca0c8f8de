"""Execution of parsed Go templates over kancli's Go value model.

A port of the statement half of Go's ``text/template/exec.go``: text, actions and printing with
``fmt.Fprint`` semantics, ``if``/``with``/``range`` (with ``break``, ``continue`` and ranging over
integers, maps in key order) and ``template`` calls, with Go's variable scoping. Expressions are
evaluated by ``kancli.template.evaluate``; positions, errors and limits live in
``kancli.template.state``.
"""

from __future__ import annotations

from typing import Any

from kancli.template import gofmt
from kancli.template import nodes as n
from kancli.template.evaluate import Evaluator
from kancli.template.gotypes import (
    Iface,
    Kind,
    Uint8,
    elem_is_iface,
    indirect,
    is_true,
    kind_of,
    type_name,
)
from kancli.template.printing import print_value
from kancli.template.state import (
    DEFAULT_LIMITS,
    MISSINGKEY_OPTIONS,
    Break,
    Continue,
    ExecFailure,
    Limits,
)
from kancli.template.tokens import go_quote
from kancli.template.values import GoFunc, GoMap

__all__ = ["DEFAULT_LIMITS", "MISSINGKEY_OPTIONS", "ExecFailure", "Limits", "State"]

MAX_TEMPLATE_DEPTH = 100  # Go allows 100000 nested {{template}} calls; Python's stack does not
_BREAK = Break()
_CONTINUE = Continue()


class State(Evaluator):
    """One execution of a template set (Go's ``state``)."""

    # -- walking --------------------------------------------------------------------------------

    def execute(self, data: Any) -> str:
        self.vars = [["$", data]]
        tree = self.trees.get(self.name)
        if tree is None or tree.root is None:
            self.errorf(f"{go_quote(self.name)} is an incomplete or empty template")
        self.walk(data, tree.root)
        return "".join(self.out)

    def walk(self, dot: Any, node: n.Node) -> None:
        self.node = node
        self.tick()
        t = type(node)
        if t is n.TextNode:
            self.write(node.text)  # type: ignore[attr-defined]
        elif t is n.ActionNode:
            pipe = node.pipe  # type: ignore[attr-defined]
            val = self.eval_pipeline(dot, pipe)
            if not pipe.decl:
                self.print_value(node, val)
        elif t is n.ListNode:
            for child in node.nodes:  # type: ignore[attr-defined]
                self.walk(dot, child)
        elif t is n.IfNode or t is n.WithNode:
            self.walk_if_or_with(t is n.WithNode, dot, node)  # type: ignore[arg-type]
        elif t is n.RangeNode:
            self.walk_range(dot, node)  # type: ignore[arg-type]
        elif t is n.TemplateNode:
            self.walk_template(dot, node)  # type: ignore[arg-type]
        elif t is n.BreakNode:
            raise _BREAK
        elif t is n.ContinueNode:
            raise _CONTINUE
        elif t is not n.CommentNode:
            self.errorf(f"unknown node: {node}")

    def walk_if_or_with(self, is_with: bool, dot: Any, node: n.BranchNode) -> None:
        mark = len(self.vars)
        try:
            val = self.eval_pipeline(dot, node.pipe)
            if is_true(val):
                self.walk(val if is_with else dot, node.list)
            elif node.else_list is not None:
                self.walk(dot, node.else_list)
        finally:
            del self.vars[mark:]

    def walk_range(self, dot: Any, r: n.RangeNode) -> None:
        self.node = r
        outer = len(self.vars)
        try:
            val, _ = indirect(self.eval_pipeline(dot, r.pipe))
            if self._range_over(val, r):
                return
            if r.else_list is not None:
                self.walk(dot, r.else_list)
        except Break:
            pass
        finally:
            del self.vars[outer:]

    def _range_over(self, val: Any, r: n.RangeNode) -> bool:
        """Run the loop body over ``val``; False when there was nothing to iterate."""
        mark = len(self.vars)
        k = kind_of(val)
        if k is Kind.INT or k is Kind.UINT:
            if len(r.pipe.decl) > 1:
                self.errorf(f"can't use {print_value(val)} to iterate over more than one variable")
            count = int(val)
            cast = type(val)
            for i in range(count):
                self._one_iteration(r, mark, None, cast(i))
            return count > 0
        if k is Kind.SLICE:
            if not val:
                return False
            if isinstance(val, bytes | bytearray):
                for i, b in enumerate(val):
                    self._one_iteration(r, mark, i, Uint8(b))
            else:
                for i, e in enumerate(val):
                    self._one_iteration(r, mark, i, Iface(e))
            return True
        if k is Kind.MAP:
            if not val:
                return False
            wrap = not isinstance(val, GoMap) or elem_is_iface(val)
            for key in sorted(val):
                e = val[key]
                self._one_iteration(r, mark, key, Iface(e) if wrap else e)
            return True
        if k is Kind.INVALID:
            return False
        self.errorf(f"range can't iterate over {gofmt.format_value(val)}")

    def _one_iteration(self, r: n.RangeNode, mark: int, index: Any, elem: Any) -> None:
        decl = r.pipe.decl
        if decl:
            if r.pipe.is_assign:
                self.set_var(decl[0].ident[0], index if len(decl) > 1 else elem)
            else:
                self.vars[-1][1] = elem
        if len(decl) > 1:
            if r.pipe.is_assign:
                self.set_var(decl[1].ident[0], elem)
            else:
                self.vars[-2][1] = index
        try:
            self.walk(elem, r.list)
        except Continue:
            pass
        finally:
            del self.vars[mark:]

    def walk_template(self, dot: Any, t: n.TemplateNode) -> None:
        self.node = t
        tree = self.trees.get(t.name)
        if tree is None or tree.root is None:
            self.errorf(f"template {go_quote(t.name)} not defined")
        if self.depth >= MAX_TEMPLATE_DEPTH:
            self.errorf(f"exceeded maximum template depth ({MAX_TEMPLATE_DEPTH})")
        dot = self.eval_pipeline(dot, t.pipe)
        saved = (self.vars, self.name, self.node)
        self.vars = [["$", dot]]
        self.name = t.name
        self.depth += 1
        self.walk(dot, tree.root)
        self.depth -= 1
        self.vars, self.name, self.node = saved

    def print_value(self, node: n.Node, v: Any) -> None:
        self.node = node
        if isinstance(v, GoFunc):
            self.errorf(f"can't print {node} of type {type_name(v)}")
        self.write(print_value(v))
