"""kancli's template engine against Go's own text/template: same output, same errors.

Hand-written cases (tests/oracle/cases.py) cover every feature of the language and the builtin
functions under each ``missingkey`` option; grammar-generated templates and contexts
(tests/oracle/grammar.py) then look for differences nobody thought of. Errors must match Go's
message exactly, not just the fact that there was one.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from kancli.template import GoTemplateError, parse
from tests.oracle.cases import cases
from tests.oracle.compare import difference
from tests.oracle.goracle import TEST_FUNCS, GoOracle, OracleTimeout, Outcome
from tests.oracle.grammar import contexts, templates

pytestmark = pytest.mark.oracle

CASES = cases()


@pytest.mark.parametrize(
    ("template", "context", "missingkey"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_kancli_renders_like_go(
    go_oracle: GoOracle, template: str, context: Any, missingkey: str
) -> None:
    assert difference(go_oracle, template, context, missingkey) is None


PARSEABLE = [c for c in CASES if c[3] == "error"]


@pytest.mark.parametrize("template", [c[1] for c in PARSEABLE], ids=[c[0] for c in PARSEABLE])
def test_parse_tree_prints_back_like_go(go_oracle: GoOracle, template: str) -> None:
    # Go quotes a node's printed form in every execution error, so it must match exactly.
    want = go_oracle.tree(template)
    try:
        got = Outcome(str(parse(template, funcs=TEST_FUNCS).trees["config"].root))
    except GoTemplateError as exc:
        got = Outcome(None, exc.go_message, "parse")
    assert want == got


_GENERATED = settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)


@_GENERATED
@given(
    template=templates(),
    context=contexts(),
    missingkey=st.sampled_from(["error", "default", "zero"]),
)
def test_generated_templates_render_like_go(
    go_oracle: GoOracle, template: str, context: Any, missingkey: str
) -> None:
    assert _generated_difference(go_oracle, template, context, missingkey) is None


@pytest.mark.slow
@settings(
    max_examples=6000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    template=templates(),
    context=contexts(),
    missingkey=st.sampled_from(["error", "default", "zero"]),
)
def test_many_generated_templates_render_like_go(
    go_oracle: GoOracle, template: str, context: Any, missingkey: str
) -> None:
    assert _generated_difference(go_oracle, template, context, missingkey) is None


def _generated_difference(
    oracle: GoOracle, template: str, context: Any, missingkey: str
) -> str | None:
    try:
        return difference(oracle, template, context, missingkey)
    except OracleTimeout:
        reject()  # Go itself did not finish; there is nothing to compare
