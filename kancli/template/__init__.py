"""Go's text/template language, as Kanister Blueprints use it.

Blueprints written for Kanister must render identically under kancli, so this package is a
faithful Python implementation of Go's ``text/template`` (lexer, parser, evaluator, builtins) over
the Go value model of ``kancli.template.values``, plus the sprig v2.22 functions Kanister adds.

The public API::

    parse(text, *, name="config", funcs=None) -> Template     # GoTemplateError on bad syntax
    Template.execute(data, *, missingkey="error", limits=...) -> str
    render_string(text, data) -> str       # Kanister's renderStringArg (§3.1)
    render_args(args, data) -> Any         # Kanister's recursive argument rendering (§3.3)
    check_syntax(text) -> None             # for `kancli validate`

Every failure is a ``GoTemplateError`` (a ``kancli.errors.TemplateError``) carrying Go's message,
the template text and the line and column within it.
"""

from kancli.template.engine import GoTemplateError, Template, default_funcs, parse
from kancli.template.exec import Limits
from kancli.template.render import check_syntax, render_args, render_string

__all__ = [
    "GoTemplateError",
    "Limits",
    "Template",
    "check_syntax",
    "default_funcs",
    "parse",
    "render_args",
    "render_string",
]
