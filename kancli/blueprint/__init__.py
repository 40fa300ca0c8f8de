"""Blueprints: the model, the loader (errors carry file:line:col) and static validation.

Typical use::

    from kancli.blueprint import load_blueprint, validate_blueprint

    bp = load_blueprint("mysql-blueprint.yaml")          # BlueprintError / UsageError
    problems = validate_blueprint(bp, catalog, check_syntax)
    for problem in problems:
        print(problem)                                   # file:line:col: path: message

This package depends on nothing in kancli but :mod:`kancli.errors`; the function catalog and the
template syntax checker are passed in (see :class:`FunctionCatalog` and :class:`TemplateChecker`).
"""

from kancli.blueprint.loader import (
    API_VERSION,
    MAX_BLUEPRINT_BYTES,
    BlueprintLoadError,
    load_blueprint,
    load_blueprint_text,
)
from kancli.blueprint.model import (
    Action,
    ArgPath,
    Artifact,
    Blueprint,
    ObjectReference,
    Phase,
    Problem,
    Severity,
    SourceLocation,
    TextSpan,
)
from kancli.blueprint.refs import TemplateRef, find_references
from kancli.blueprint.validate import (
    FunctionCatalog,
    FunctionSignature,
    TemplateChecker,
    suggest,
    validate_blueprint,
)

__all__ = [
    "API_VERSION",
    "MAX_BLUEPRINT_BYTES",
    "Action",
    "ArgPath",
    "Artifact",
    "Blueprint",
    "BlueprintLoadError",
    "FunctionCatalog",
    "FunctionSignature",
    "ObjectReference",
    "Phase",
    "Problem",
    "Severity",
    "SourceLocation",
    "TemplateChecker",
    "TemplateRef",
    "TextSpan",
    "find_references",
    "load_blueprint",
    "load_blueprint_text",
    "suggest",
    "validate_blueprint",
]
