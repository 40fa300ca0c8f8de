"""Kanister Functions: the registry, argument declarations and coercion, the phase-output parser.

Public API (the runner and the CLI use these):

* :func:`lookup_function` / :func:`default_registry` - find a function by Kanister name and
  preferred version, with Kanister's selection rules and error texts;
* :func:`coerce_args` - check and weakly decode a phase's rendered args for a function;
* :class:`RegistryCatalog` - the registry as the Blueprint validator's ``FunctionCatalog``;
* :mod:`kancli.functions.output` - ``kando output`` lines and their incremental parser;
* :mod:`kancli.functions.catalog` - the catalog as data and Markdown.
"""

from kancli.functions.args import ArgSpec, ArgumentError
from kancli.functions.registry import (
    DEFAULT_VERSION,
    FunctionLookupError,
    FunctionNotImplementedError,
    FunctionSpec,
    Registry,
    RegistryCatalog,
    coerce_args,
    default_registry,
    kanister_function,
    lookup_function,
)

__all__ = [
    "DEFAULT_VERSION",
    "ArgSpec",
    "ArgumentError",
    "FunctionLookupError",
    "FunctionNotImplementedError",
    "FunctionSpec",
    "Registry",
    "RegistryCatalog",
    "coerce_args",
    "default_registry",
    "kanister_function",
    "lookup_function",
]
