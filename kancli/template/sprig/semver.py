"""sprig v2.22's ``semver`` and ``semverCompare``, on Masterminds/semver v1.5.0 semantics.

The constraint language is v1's, not v3's: ``=``/``!=``/``>``/``<``/``>=``/``=>``/``<=``/``=<``,
``~``/``~>`` (same minor), ``^`` (same major), wildcards ``x``/``X``/``*`` in any position,
``1.2 - 1.4`` ranges, ``,`` for AND and ``||`` for OR. A prerelease version satisfies a
constraint only if the constraint itself names a prerelease. ``semver`` returns a
``*semver.Version`` whose methods (``.Major``, ``.Prerelease``, ``.Compare`` ...) templates call.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from kancli.template.sprig.goconv import MAX_INT64
from kancli.template.sprig.registry import FuncTable
from kancli.template.values import FuncError, GoFunc, GoInt64, GoStruct

__all__ = ["FUNCS", "Version", "check_constraint", "parse_version"]

FUNCS = FuncTable()

_SEMVER = (
    r"v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?"
    r"(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?"
    r"(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?"
)
_CV = (
    r"v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?"
    r"(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?"
    r"(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?"
)
_SPACE = r"[\t\n\f\r ]"
_OPS = ("!=", ">=", "=>", "<=", "=<", "~>", "=", ">", "<", "~", "^", "")
_VERSION_RE = re.compile(_SEMVER)
_CONSTRAINT_RE = re.compile(
    rf"{_SPACE}*({'|'.join(re.escape(op) for op in _OPS)}){_SPACE}*({_CV}){_SPACE}*"
)
_RANGE_RE = re.compile(rf"{_SPACE}*({_CV}){_SPACE}+-{_SPACE}+({_CV}){_SPACE}*")
_PRERELEASE_RE = re.compile(r"[0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*")


class Version(GoStruct):
    """A ``*semver.Version`` (what ``semver`` returns); ``VersionValue`` is the plain value."""

    go_type = "*semver.Version"

    def __init__(
        self, major: int, minor: int, patch: int, *, pre: str, metadata: str, original: str
    ) -> None:
        self.major, self.minor, self.patch = major, minor, patch
        self.pre, self.metadata, self.original = pre, metadata, original

    def go_fields(self) -> Mapping[str, Any]:
        # Only unexported fields, shown by fmt in declaration order; templates cannot read them.
        return {
            "major": GoInt64(self.major),
            "minor": GoInt64(self.minor),
            "patch": GoInt64(self.patch),
            "pre": self.pre,
            "metadata": self.metadata,
            "original": self.original,
        }

    def go_json(self) -> Any:
        return str(self)

    def __str__(self) -> str:
        out = f"{self.major}.{self.minor}.{self.patch}"
        if self.pre:
            out += "-" + self.pre
        if self.metadata:
            out += "+" + self.metadata
        return out

    def compare(self, other: Version) -> int:
        for a, b in (
            (self.major, other.major),
            (self.minor, other.minor),
            (self.patch, other.patch),
        ):
            if a != b:
                return -1 if a < b else 1
        if not self.pre and not other.pre:
            return 0
        if not self.pre:
            return 1
        if not other.pre:
            return -1
        return _compare_prerelease(self.pre, other.pre)

    def _value(
        self,
        *,
        major: int | None = None,
        minor: int | None = None,
        patch: int | None = None,
        pre: str | None = None,
        metadata: str | None = None,
    ) -> VersionValue:
        """A modified copy, as the value-receiver methods (``IncPatch`` ...) return it."""
        v = VersionValue(
            self.major if major is None else major,
            self.minor if minor is None else minor,
            self.patch if patch is None else patch,
            pre=self.pre if pre is None else pre,
            metadata=self.metadata if metadata is None else metadata,
            original="",
        )
        prefix = "v" if self.original.startswith("v") else ""
        v.original = prefix + str(v)
        return v

    def _inc_patch(self) -> VersionValue:
        if self.pre:
            return self._value(pre="", metadata="")
        return self._value(pre="", metadata="", patch=self.patch + 1)

    def _set_field(self, name: str, value: str, error: str) -> VersionValue:
        if value and not _PRERELEASE_RE.fullmatch(value):
            raise FuncError(error)
        return self._value(pre=value) if name == "pre" else self._value(metadata=value)

    def go_methods(self) -> Mapping[str, GoFunc]:
        other = "*semver.Version"
        methods: dict[str, tuple[Callable[..., Any], tuple[str, ...], str, bool]] = {
            "Major": (lambda: GoInt64(self.major), (), "int64", False),
            "Minor": (lambda: GoInt64(self.minor), (), "int64", False),
            "Patch": (lambda: GoInt64(self.patch), (), "int64", False),
            "Prerelease": (lambda: self.pre, (), "string", False),
            "Metadata": (lambda: self.metadata, (), "string", False),
            "Original": (lambda: self.original, (), "string", False),
            "String": (lambda: str(self), (), "string", False),
            "Compare": (self.compare, (other,), "int", False),
            "LessThan": (lambda o: self.compare(o) < 0, (other,), "bool", False),
            "GreaterThan": (lambda o: self.compare(o) > 0, (other,), "bool", False),
            "Equal": (lambda o: self.compare(o) == 0, (other,), "bool", False),
            "IncPatch": (self._inc_patch, (), "semver.Version", False),
            "IncMinor": (
                lambda: self._value(pre="", metadata="", patch=0, minor=self.minor + 1),
                (),
                "semver.Version",
                False,
            ),
            "IncMajor": (
                lambda: self._value(pre="", metadata="", patch=0, minor=0, major=self.major + 1),
                (),
                "semver.Version",
                False,
            ),
            "SetPrerelease": (
                lambda p: self._set_field("pre", p, "Invalid Prerelease string"),
                ("string",),
                "semver.Version",
                True,
            ),
            "SetMetadata": (
                lambda m: self._set_field("metadata", m, "Invalid Metadata string"),
                ("string",),
                "semver.Version",
                True,
            ),
        }
        if isinstance(self, VersionValue):  # pointer-receiver methods are not in its method set
            keep = ("IncPatch", "IncMinor", "IncMajor", "SetPrerelease", "SetMetadata")
            methods = {k: v for k, v in methods.items() if k in keep}
        return {
            name: GoFunc(name, fn, params, ret, returns_error=err)
            for name, (fn, params, ret, err) in methods.items()
        }


class VersionValue(Version):
    """A ``semver.Version`` value (returned by ``IncPatch`` and friends): fmt cannot call the
    pointer-receiver ``String`` on it and prints its fields instead."""

    go_type = "semver.Version"


def _compare_pre_part(s: str, o: str) -> int:
    if s == o:
        return 0
    if s == "":
        return -1
    if o == "":
        return 1
    s_num, o_num = s.isdigit() and s.isascii(), o.isdigit() and o.isascii()
    if not s_num and not o_num:
        return 1 if s > o else -1
    if not o_num:
        return -1
    if not s_num:
        return 1
    return 1 if int(s) > int(o) else -1


def _compare_prerelease(v: str, o: str) -> int:
    sparts, oparts = v.split("."), o.split(".")
    for i in range(max(len(sparts), len(oparts))):
        s = sparts[i] if i < len(sparts) else ""
        p = oparts[i] if i < len(oparts) else ""
        d = _compare_pre_part(s, p)
        if d:
            return d
    return 0


def _segment(text: str) -> int:
    n = int(text)
    if n > MAX_INT64:
        raise FuncError(
            f'Error parsing version segment: strconv.ParseInt: parsing "{text}": value out of range'
        )
    return n


def parse_version(v: str) -> Version:
    """``semver.NewVersion``."""
    m = _VERSION_RE.fullmatch(v)
    if m is None:
        raise FuncError("Invalid Semantic Version")
    major = _segment(m.group(1))
    minor = _segment(m.group(2)[1:]) if m.group(2) else 0
    patch = _segment(m.group(3)[1:]) if m.group(3) else 0
    return Version(major, minor, patch, pre=m.group(5) or "", metadata=m.group(8) or "", original=v)


class _Constraint:
    def __init__(self, op: str, con: Version, minor_dirty: bool, patch_dirty: bool, dirty: bool):
        self.op, self.con = op, con
        self.minor_dirty, self.patch_dirty, self.dirty = minor_dirty, patch_dirty, dirty

    def check(self, v: Version) -> bool:
        c, op = self.con, self.op
        if op == "!=" and not self.dirty:
            return v.compare(c) != 0
        # A prerelease only satisfies constraints that name a prerelease (semver issue 21).
        if v.pre and not c.pre:
            return False
        if op in ("", "="):
            return self._tilde(v) if self.dirty else v.compare(c) == 0
        if op == "!=":
            return c.major != v.major or (c.minor != v.minor and not self.minor_dirty)
        if op == ">":
            return v.compare(c) == 1
        if op in (">=", "=>"):
            return v.compare(c) >= 0
        if op in ("<", "<=", "=<"):
            if not self.dirty:
                return v.compare(c) < 0 if op == "<" else v.compare(c) <= 0
            return not (v.major > c.major or (v.minor > c.minor and not self.minor_dirty))
        if op in ("~", "~>"):
            return self._tilde(v)
        return v.compare(c) >= 0 and v.major == c.major  # "^"

    def _tilde(self, v: Version) -> bool:
        c = self.con
        if v.compare(c) < 0:
            return False
        at_zero = c.major == 0 and c.minor == 0 and c.patch == 0
        if at_zero and not self.minor_dirty and not self.patch_dirty:
            return True
        if v.major != c.major:
            return False
        return not (v.minor != c.minor and not self.minor_dirty)


def _is_x(s: str) -> bool:
    return s in ("x", "X", "*")


def _parse_constraint(text: str) -> _Constraint:
    m = _CONSTRAINT_RE.fullmatch(text)
    if m is None:
        raise FuncError(f"improper constraint: {text}")
    ver = m.group(2)
    major, minor, patch, pre = m.group(3), m.group(4) or "", m.group(5) or "", m.group(6) or ""
    minor_dirty = patch_dirty = dirty = False
    if _is_x(major):
        ver, dirty = "0.0.0", True
    elif _is_x(minor.removeprefix(".")) or minor == "":
        minor_dirty = dirty = True
        ver = f"{major}.0.0{pre}"
    elif _is_x(patch.removeprefix(".")):
        dirty = patch_dirty = True
        ver = f"{major}{minor}.0{pre}"
    try:
        con = parse_version(ver)
    except FuncError:
        raise FuncError("constraint Parser Error") from None
    return _Constraint(m.group(1), con, minor_dirty, patch_dirty, dirty)


def _rewrite_range(text: str) -> str:
    out = text
    for m in _RANGE_RE.finditer(text):
        out = out.replace(m.group(0), f">= {m.group(1)}, <= {m.group(11)}", 1)
    return out


def parse_constraints(text: str) -> list[list[_Constraint]]:
    """``semver.NewConstraint``: OR-groups of AND-ed constraints."""
    text = _rewrite_range(text)
    return [[_parse_constraint(part) for part in group.split(",")] for group in text.split("||")]


def check_constraint(constraint: str, version: str) -> bool:
    groups = parse_constraints(constraint)
    v = parse_version(version)
    return any(all(c.check(v) for c in group) for group in groups)


@FUNCS.define("semverCompare", ("string", "string"), "bool", returns_error=True)
def semver_compare(constraint: str, version: str) -> bool:
    return check_constraint(constraint, version)


@FUNCS.define("semver", ("string",), "*semver.Version", returns_error=True)
def semver(version: str) -> Version:
    return parse_version(version)
