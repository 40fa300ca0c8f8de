"""Evaluation of pipelines, commands, fields and function calls (Go's ``eval*`` functions).

A port of the expression half of Go's ``text/template/exec.go``: field and map lookups under the
``missingkey`` option, variables, untyped constants, and calls with Go's argument checking and
conversion (``wrong type for value; expected int; got string``). Go positions itself on nodes in
a particular order and reports the last one in errors, so the same positioning steps happen here
in the same order.
"""

from __future__ import annotations

from typing import Any

from kancli.template import builtins as bi
from kancli.template import nodes as n
from kancli.template.gotypes import (
    MISSING,
    REFLECT_VALUE,
    Iface,
    assignable,
    can_be_nil,
    display_type,
    elem_is_iface,
    is_iface_type,
    is_true,
    type_name,
    zero_value,
)
from kancli.template.state import (
    MISSING_DEFAULT,
    MISSING_ERROR,
    Break,
    Continue,
    ExecFailure,
    StateBase,
)
from kancli.template.tokens import go_quote
from kancli.template.values import FuncError, GoFunc, GoInt64, GoMap, GoStruct, NilPointer

_ABSENT = object()
_PASSTHROUGH = (ExecFailure, Break, Continue, RecursionError)
_NUMERIC_MARKS = frozenset(".eEpP")


def _is_hex_int(s: str) -> bool:
    return len(s) > 2 and s[0] == "0" and s[1] in "xX" and "p" not in s and "P" not in s


class Evaluator(StateBase):
    """Expression evaluation over an execution state."""

    # -- evaluation -----------------------------------------------------------------------------

    def eval_pipeline(self, dot: Any, pipe: n.PipeNode | None) -> Any:
        if pipe is None:
            return None
        self.node = pipe
        value: Any = MISSING
        for cmd in pipe.cmds:
            value = self.eval_command(dot, cmd, value)
            if type(value) is Iface:
                value = value.v
        for var in pipe.decl:
            if pipe.is_assign:
                self.set_var(var.ident[0], value)
            else:
                self.vars.append([var.ident[0], value])
        return value

    def not_a_function(self, args: list[n.Node], final: Any) -> None:
        if len(args) > 1 or final is not MISSING:
            self.errorf(f"can't give argument to non-function {args[0]}")

    def eval_command(self, dot: Any, cmd: n.CommandNode, final: Any) -> Any:
        self.tick()
        first = cmd.args[0]
        t = type(first)
        if t is n.FieldNode:
            return self.eval_field_node(dot, first, cmd.args, final)  # type: ignore[arg-type]
        if t is n.ChainNode:
            return self.eval_chain_node(dot, first, cmd.args, final)  # type: ignore[arg-type]
        if t is n.IdentifierNode:
            return self.eval_function(dot, first, cmd, cmd.args, final)  # type: ignore[arg-type]
        if t is n.PipeNode:
            self.not_a_function(cmd.args, final)
            return self.eval_pipeline(dot, first)  # type: ignore[arg-type]
        if t is n.VariableNode:
            return self.eval_variable_node(dot, first, cmd.args, final)  # type: ignore[arg-type]
        self.node = first
        self.not_a_function(cmd.args, final)
        if t is n.BoolNode:
            return first.value  # type: ignore[attr-defined]
        if t is n.DotNode:
            return dot
        if t is n.NilNode:
            self.errorf("nil is not a command")
        if t is n.NumberNode:
            return self.ideal_constant(first)  # type: ignore[arg-type]
        if t is n.StringNode:
            return first.text  # type: ignore[attr-defined]
        self.errorf(f"can't evaluate command {go_quote(str(first))}")

    def ideal_constant(self, const: n.NumberNode) -> Any:
        self.node = const
        num = const.num
        text = const.text
        if (
            num.is_float
            and not _is_hex_int(text)
            and text[0] != "'"
            and not _NUMERIC_MARKS.isdisjoint(text)
        ):
            return num.float64
        if num.is_int:
            return num.int64
        if num.is_uint:
            self.errorf(f"{text} overflows int")
        return None

    def eval_field_node(
        self, dot: Any, field: n.FieldNode, args: list[n.Node] | None, final: Any
    ) -> Any:
        self.node = field
        return self.eval_field_chain(dot, dot, field, field.ident, args, final)

    def eval_chain_node(
        self, dot: Any, chain: n.ChainNode, args: list[n.Node] | None, final: Any
    ) -> Any:
        self.node = chain
        if isinstance(chain.node, n.NilNode):
            self.errorf(f"indirection through explicit nil in {chain}")
        pipe = self.eval_arg(dot, None, chain.node)
        return self.eval_field_chain(dot, pipe, chain, chain.fields, args, final)

    def eval_variable_node(
        self, dot: Any, var: n.VariableNode, args: list[n.Node] | None, final: Any
    ) -> Any:
        self.node = var
        value = self.var_value(var.ident[0])
        if len(var.ident) == 1:
            self.not_a_function(args or [var], final)
            return value
        return self.eval_field_chain(dot, value, var, var.ident[1:], args, final)

    def eval_field_chain(  # noqa: PLR0917 - Go's evalFieldChain signature
        self,
        dot: Any,
        receiver: Any,
        node: n.Node,
        idents: list[str],
        args: list[n.Node] | None,
        final: Any,
    ) -> Any:
        last = len(idents) - 1
        for i in range(last):
            receiver = self.eval_field(dot, idents[i], node, None, MISSING, receiver)
        return self.eval_field(dot, idents[last], node, args, final, receiver)

    def eval_function(
        self,
        dot: Any,
        node: n.IdentifierNode,
        cmd: n.Node,
        args: list[n.Node] | None,
        final: Any,
    ) -> Any:
        self.node = node
        name = node.ident
        fn = self.funcs.get(name)
        is_builtin = False
        if fn is None:
            fn = bi.BUILTINS.get(name)
            is_builtin = True
            if fn is None:
                self.errorf(f"{go_quote(name)} is not a defined function")
        return self.eval_call(dot, fn, is_builtin, cmd, name, args, final)

    def eval_field(  # noqa: PLR0917 - Go's evalField signature
        self,
        dot: Any,
        name: str,
        node: n.Node,
        args: list[n.Node] | None,
        final: Any,
        receiver: Any,
    ) -> Any:
        if receiver is None:
            if self.missingkey == MISSING_ERROR:
                self.errorf(f"nil data; no entry for key {go_quote(name)}")
            return None
        rtype = type(receiver)
        if rtype is Iface:
            recv = receiver.v
            if recv is None:
                self.errorf(f"nil pointer evaluating interface {{}}.{name}")
        else:
            recv = receiver
        has_args = (args is not None and len(args) > 1) or final is not MISSING
        if isinstance(recv, dict):
            if has_args:
                self.errorf(f"{name} is not a method but has arguments")
            value = recv.get(name, _ABSENT)
            wrap = not isinstance(recv, GoMap) or elem_is_iface(recv)
            if value is _ABSENT:
                if self.missingkey == MISSING_DEFAULT:
                    return None
                if self.missingkey == MISSING_ERROR:
                    self.errorf(f"map has no entry for key {go_quote(name)}")
                value = None if wrap else recv.zero  # type: ignore[attr-defined]
            return Iface(value) if wrap else value
        if isinstance(recv, GoStruct):
            fields = recv.go_fields()
            if name in fields:
                if has_args:
                    self.errorf(f"{name} has arguments but cannot be invoked as function")
                return fields[name]
        elif isinstance(recv, NilPointer):
            self.errorf(f"nil pointer evaluating {type_name(receiver)}.{name}")
        self.errorf(f"can't evaluate field {name} in type {type_name(receiver)}")

    # -- calls ----------------------------------------------------------------------------------

    def eval_call(  # noqa: PLR0917 - Go's evalCall signature
        self,
        dot: Any,
        fn: GoFunc,
        is_builtin: bool,
        node: n.Node,
        name: str,
        args: list[n.Node] | None,
        final: Any,
    ) -> Any:
        argn = args[1:] if args is not None else []
        params = fn.params
        n_params = len(params)
        variadic = n_params > 0 and params[-1].startswith("...")
        num_in = len(argn) + (final is not MISSING)
        num_fixed = len(argn)
        if variadic:
            num_fixed = n_params - 1
            if num_in < num_fixed:
                self.errorf(
                    f"wrong number of args for {name}: want at least {n_params - 1} got {len(argn)}"
                )
        elif num_in != n_params:
            self.errorf(f"wrong number of args for {name}: want {n_params} got {num_in}")

        if is_builtin and name in ("and", "or"):
            want = name == "or"
            v: Any = None
            for arg in argn:
                v = self.eval_arg(dot, REFLECT_VALUE, arg)
                if is_true(v.v if type(v) is Iface else v) == want:
                    return v
            if final is not MISSING:
                v = final
            return v

        argv: list[Any] = []
        i = 0
        while i < num_fixed and i < len(argn):
            argv.append(self.eval_arg(dot, params[i], argn[i]))
            i += 1
        if variadic:
            elem = params[-1][3:]
            while i < len(argn):
                argv.append(self.eval_arg(dot, elem, argn[i]))
                i += 1
        if final is not MISSING:
            ptype = params[-1]
            if variadic:
                ptype = params[num_in - 1] if num_in - 1 < num_fixed else ptype[3:]
            argv.append(self.validate_type(final, ptype))
        if is_builtin and name == "call":
            callee = str(argn[0]) if argn else _value_string(final)
            argv.insert(0, callee)
        try:
            result = fn.fn(*argv)
        except _PASSTHROUGH:
            raise
        except FuncError as exc:
            self.node = node
            self.errorf(f"error calling {name}: {exc}")
        except Exception as exc:  # Go recovers a panicking function likewise
            self.node = node
            self.errorf(f"error calling {name}: {exc}")
        # A function declared to return interface{} yields a value in an interface slot.
        return Iface(result) if is_iface_type(fn.returns) else result

    def validate_type(self, value: Any, typ: str | None) -> Any:
        if typ is None:
            return value
        if value is None:
            if can_be_nil(typ):
                return zero_value(typ)
            self.errorf(f"invalid value; expected {display_type(typ)}")
        if typ == REFLECT_VALUE:
            return value
        if type(value) is Iface:
            if is_iface_type(typ):
                return value.v
            if value.v is None:
                self.errorf(
                    f"wrong type for value; expected {display_type(typ)}; got interface {{}}"
                )
            value = value.v
        if not assignable(value, typ):
            self.errorf(
                f"wrong type for value; expected {display_type(typ)}; got {type_name(value)}"
            )
        return value

    def eval_arg(self, dot: Any, typ: str | None, node: n.Node) -> Any:
        self.node = node
        t = type(node)
        if t is n.DotNode:
            return self.validate_type(dot, typ)
        if t is n.NilNode:
            if typ is None or can_be_nil(typ):
                return zero_value(typ) if typ is not None else None
            self.errorf(f"cannot assign nil to {display_type(typ)}")
        if t is n.FieldNode:
            val = self.eval_field_node(dot, node, [node], MISSING)  # type: ignore[arg-type]
            return self.validate_type(val, typ)
        if t is n.VariableNode:
            val = self.eval_variable_node(dot, node, None, MISSING)  # type: ignore[arg-type]
            return self.validate_type(val, typ)
        if t is n.PipeNode:
            return self.validate_type(self.eval_pipeline(dot, node), typ)  # type: ignore[arg-type]
        if t is n.IdentifierNode:
            val = self.eval_function(dot, node, node, None, MISSING)  # type: ignore[arg-type]
            return self.validate_type(val, typ)
        if t is n.ChainNode:
            val = self.eval_chain_node(dot, node, None, MISSING)  # type: ignore[arg-type]
            return self.validate_type(val, typ)
        return self._eval_literal_arg(dot, typ, node)

    def _eval_literal_arg(self, dot: Any, typ: str | None, node: n.Node) -> Any:
        if typ is None or typ == REFLECT_VALUE or is_iface_type(typ):
            return self.eval_empty_interface(dot, node)
        if typ == "bool":
            if isinstance(node, n.BoolNode):
                return node.value
            self.errorf(f"expected bool; found {node}")
        if typ == "string":
            if isinstance(node, n.StringNode):
                return node.text
            self.errorf(f"expected string; found {node}")
        if typ in ("int", "int64"):
            if isinstance(node, n.NumberNode) and node.num.is_int:
                return GoInt64(node.num.int64) if typ == "int64" else node.num.int64
            self.errorf(f"expected integer; found {node}")
        if typ == "float64":
            if isinstance(node, n.NumberNode) and node.num.is_float:
                return node.num.float64
            self.errorf(f"expected float; found {node}")
        self.errorf(f"can't handle {node} for arg of type {display_type(typ)}")

    def eval_empty_interface(self, dot: Any, node: n.Node) -> Any:
        self.node = node
        t = type(node)
        if t is n.BoolNode:
            return node.value  # type: ignore[attr-defined]
        if t is n.DotNode:
            return dot
        if t is n.FieldNode:
            return self.eval_field_node(dot, node, None, MISSING)  # type: ignore[arg-type]
        if t is n.IdentifierNode:
            return self.eval_function(dot, node, node, None, MISSING)  # type: ignore[arg-type]
        if t is n.NilNode:
            self.errorf("evalEmptyInterface: nil (can't happen)")
        if t is n.NumberNode:
            return self.ideal_constant(node)  # type: ignore[arg-type]
        if t is n.StringNode:
            return node.text  # type: ignore[attr-defined]
        if t is n.VariableNode:
            return self.eval_variable_node(dot, node, None, MISSING)  # type: ignore[arg-type]
        if t is n.PipeNode:
            return self.eval_pipeline(dot, node)  # type: ignore[arg-type]
        self.errorf(f"can't handle assignment of {node} to empty interface argument")


def _value_string(v: Any) -> str:
    """Go's ``reflect.Value.String``: the string itself, else ``<T Value>``."""
    return v if isinstance(v, str) else f"<{type_name(v)} Value>"
