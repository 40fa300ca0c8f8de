"""The registry of Kanister Functions: lookup by name and version, as Kanister selects them.

Each function module in :mod:`kancli.functions.builtin` declares its arguments (see
:mod:`kancli.functions.args`) and registers a :class:`FunctionSpec` with the
:func:`kanister_function` decorator, under its Kanister name and version ``v0.0.0``. Lookup follows
Kanister's ``regFuncVersion`` (kanister-behaviour.md section 7.2), including its error texts:

* ``""`` or ``v0.0.0`` selects the default version;
* another version must parse as a (Masterminds v1) semantic version, else
  ``Failed to get function version: Failed to parse function version {x}: Invalid Semantic
  Version``;
* an unknown name gives ``Requested function {X} has not been registered``;
* a version registered exactly (same text: ``0.0.0`` is not ``v0.0.0``) is used; a version equal
  to the default but spelt differently is an error; otherwise the default version is used when
  registered, else ``... has not been registered with versions {v} or {v0.0.0}``.

:class:`Registry` instances are independent, so tests can build their own; :func:`default_registry`
holds the built-in functions. :class:`RegistryCatalog` adapts a registry to the Blueprint
validator's :class:`~kancli.blueprint.FunctionCatalog` protocol.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from kancli.blueprint import FunctionSignature
from kancli.errors import BlueprintError, FunctionError
from kancli.functions.args import ArgSpec, arg_specs, decode_args

DEFAULT_VERSION = "v0.0.0"

_SEMVER = re.compile(
    r"v?(?P<major>[0-9]+)(?:\.(?P<minor>[0-9]+))?(?:\.(?P<patch>[0-9]+))?"
    r"(?:-(?P<pre>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?"
    r"(?:\+(?P<meta>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?\Z"
)

#: ``run(ctx, args)``: returns the phase output (a mapping, or None for "no output").
RunFunction = Callable[[Any, Any], Mapping[str, Any] | None]
F = TypeVar("F", bound=RunFunction)


class FunctionLookupError(BlueprintError):
    """The requested function is not registered (for the requested version)."""


class FunctionNotImplementedError(FunctionError):
    """The function is declared (arguments, outputs) but kancli cannot run it yet."""

    def __init__(self, name: str) -> None:
        super().__init__(
            f"Kanister Function {name} is not implemented by this version of kancli",
            hint="`kancli functions list` shows which functions kancli can run",
        )
        self.function = name


@dataclass(frozen=True)
class OutputKey:
    """One key of a function's phase output."""

    key: str
    help: str


@dataclass(frozen=True)
class FunctionSpec:
    """A registered Kanister Function: its declaration, documentation and implementation.

    ``outputs`` lists the fixed output keys; ``output_note`` describes outputs that are parsed
    from the function's output stream (``kando output``) or otherwise not fixed.
    ``prerender`` is False for functions whose args the runner must not render before the call
    (Wait and WaitV2 render what they need themselves); ``untemplated_args`` are args that are
    never Kanister templates (WaitV2's conditions).
    """

    name: str
    args_type: type[Any]
    description: str
    run: RunFunction
    version: str = DEFAULT_VERSION
    outputs: tuple[OutputKey, ...] = ()
    output_note: str = ""
    implemented: bool = True
    prerender: bool = True
    untemplated_args: frozenset[str] = frozenset()
    reference: str = ""
    arguments: tuple[ArgSpec, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "arguments", arg_specs(self.args_type))

    @property
    def supported_args(self) -> tuple[str, ...]:
        return tuple(spec.key for spec in self.arguments)

    @property
    def required_args(self) -> tuple[str, ...]:
        return tuple(spec.key for spec in self.arguments if spec.required)

    def coerce(self, rendered: Mapping[str, Any]) -> Any:
        """Check and decode rendered args into an instance of :attr:`args_type`."""
        return decode_args(self.args_type, rendered)

    def signature(self) -> FunctionSignature:
        return FunctionSignature(
            self.name, self.required_args, self.supported_args, self.untemplated_args
        )


def coerce_args(spec: FunctionSpec, rendered: Mapping[str, Any]) -> Any:
    """Check and weakly decode a phase's rendered args for ``spec`` (Kanister's rules and texts).

    Raises :class:`~kancli.functions.args.ArgumentError`: ``argument x is not supported``,
    ``Required arg missing: x`` or ``Failed to decode arg `x`: ...``.
    """
    return spec.coerce(rendered)


@dataclass(frozen=True)
class _Version:
    major: int
    minor: int
    patch: int
    pre: str
    original: str

    def equals(self, other: _Version) -> bool:
        """Masterminds' ``Equal``: same numbers and prerelease (metadata ignored)."""
        mine = (self.major, self.minor, self.patch, self.pre)
        return mine == (other.major, other.minor, other.patch, other.pre)


def _parse_version(text: str) -> _Version:
    match = _SEMVER.match(text)
    if match is None:
        raise ValueError("Invalid Semantic Version")
    return _Version(
        int(match["major"]),
        int(match["minor"] or 0),
        int(match["patch"] or 0),
        match["pre"] or "",
        text,
    )


_DEFAULT = _parse_version(DEFAULT_VERSION)


class Registry:
    """Kanister Functions by name and version (the version text is the key, as in Kanister)."""

    def __init__(self) -> None:
        self._functions: dict[str, dict[str, FunctionSpec]] = {}

    def register(self, spec: FunctionSpec) -> FunctionSpec:
        try:
            _parse_version(spec.version)
        except ValueError:
            raise ValueError(f"{spec.name}: invalid version {spec.version!r}") from None
        versions = self._functions.setdefault(spec.name, {})
        if spec.version in versions:
            raise ValueError(f"{spec.name} registered twice with version {spec.version}")
        versions[spec.version] = spec
        return spec

    def lookup(self, name: str, preferred_version: str = "") -> FunctionSpec:
        """The function to run for ``name``; raises :class:`FunctionLookupError`."""
        if preferred_version in ("", DEFAULT_VERSION):
            wanted = _DEFAULT
        else:
            try:
                wanted = _parse_version(preferred_version)
            except ValueError as exc:
                raise FunctionLookupError(
                    "Failed to get function version: Failed to parse function version "
                    f"{{{preferred_version}}}: {exc}"
                ) from None
        versions = self._functions.get(name)
        if versions is None:
            raise FunctionLookupError(f"Requested function {{{name}}} has not been registered")
        if wanted.original in versions:
            return versions[wanted.original]
        if wanted.equals(_DEFAULT):
            raise FunctionLookupError(
                f"Requested function {{{name}}} has not been registered with version "
                f"{{{preferred_version}}}"
            )
        if DEFAULT_VERSION not in versions:
            raise FunctionLookupError(
                f"Requested function {{{name}}} has not been registered with versions "
                f"{{{preferred_version}}} or {{{DEFAULT_VERSION}}}"
            )
        return versions[DEFAULT_VERSION]

    def names(self) -> list[str]:
        """Registered function names, sorted."""
        return sorted(self._functions)

    def versions(self, name: str) -> list[str]:
        return sorted(self._functions.get(name, {}))

    def specs(self) -> list[FunctionSpec]:
        """Every registered (function, version), sorted by name then version."""
        return [self._functions[name][v] for name in self.names() for v in self.versions(name)]

    def catalog(self, preferred_version: str = "") -> RegistryCatalog:
        return RegistryCatalog(self, preferred_version)


class RegistryCatalog:
    """A :class:`Registry` seen through the validator's ``FunctionCatalog`` protocol."""

    def __init__(self, registry: Registry, preferred_version: str = "") -> None:
        self.registry = registry
        self.preferred_version = preferred_version

    def signature(self, name: str) -> FunctionSignature:
        return self.registry.lookup(name, self.preferred_version).signature()

    def function_names(self) -> list[str]:
        return self.registry.names()


_BUILTIN = Registry()


def default_registry() -> Registry:
    """The registry holding kancli's built-in Kanister Functions."""
    import kancli.functions.builtin  # noqa: F401 - importing registers the functions

    return _BUILTIN


def kanister_function(
    name: str,
    *,
    args: type[Any],
    description: str,
    outputs: Mapping[str, str] | None = None,
    output_note: str = "",
    implemented: bool = True,
    prerender: bool = True,
    untemplated_args: frozenset[str] = frozenset(),
    reference: str = "",
    version: str = DEFAULT_VERSION,
    registry: Registry | None = None,
) -> Callable[[F], F]:
    """Register the decorated ``run(ctx, args)`` as Kanister Function ``name``.

    ``outputs`` maps each output key to its help text; ``reference`` names the section of
    kanister-behaviour.md the function follows. ``implemented=False`` marks a declared function
    whose ``run`` only raises :class:`FunctionNotImplementedError`.
    """

    def decorate(run: F) -> F:
        spec = FunctionSpec(
            name=name,
            args_type=args,
            description=description,
            run=run,
            version=version,
            outputs=tuple(OutputKey(k, v) for k, v in (outputs or {}).items()),
            output_note=output_note,
            implemented=implemented,
            prerender=prerender,
            untemplated_args=untemplated_args,
            reference=reference,
        )
        (registry or _BUILTIN).register(spec)
        return run

    return decorate


def lookup_function(name: str, preferred_version: str = "") -> FunctionSpec:
    """Look ``name`` up among the built-in functions (Kanister's version rules)."""
    return default_registry().lookup(name, preferred_version)
