"""How sprig functions are declared: each module fills a table of ``GoFunc`` with the Go
signature sprig v2.22 gives the function, so the engine checks and converts arguments as Go's
``text/template`` would (``wrong type for value; expected int; got string``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from kancli.template.values import FuncError, GoFunc

__all__ = ["NIL_DEREF", "FuncTable", "go_panic"]

F = TypeVar("F", bound=Callable[..., Any])

# The runtime error Go raises when sprig calls reflect.TypeOf(nil).Kind().
NIL_DEREF = "runtime error: invalid memory address or nil pointer dereference"


class FuncTable(dict[str, GoFunc]):
    """A name -> ``GoFunc`` table filled by the ``define`` decorator."""

    def define(
        self,
        name: str,
        params: tuple[str, ...],
        returns: str = "interface{}",
        *,
        returns_error: bool = False,
    ) -> Callable[[F], F]:
        def register(fn: F) -> F:
            if name in self:
                raise ValueError(f"sprig function {name} is defined twice")
            self[name] = GoFunc(name, fn, params, returns, returns_error)
            return fn

        return register


def go_panic(message: str) -> FuncError:
    """A Go panic inside a sprig function: text/template recovers it and reports
    ``error calling NAME: <message>``, exactly like a returned error."""
    return FuncError(message)
