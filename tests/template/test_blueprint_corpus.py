"""Every templated string in real upstream Blueprints parses (they run under Kanister today)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from kancli.template import check_syntax

CORPUS = Path("/work/shared/compat/blueprints")
FILES = sorted(CORPUS.glob("*.yaml"))


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(key)
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)


def test_corpus_is_present() -> None:
    assert len(FILES) >= 9, f"expected the upstream Blueprints in {CORPUS}"


@pytest.mark.parametrize("path", FILES, ids=[p.stem.split("__")[-1] for p in FILES])
def test_every_template_in_the_blueprint_parses(path: Path) -> None:
    templates = [
        s for doc in yaml.safe_load_all(path.read_text()) for s in _strings(doc) if "{{" in s
    ]
    assert templates, "each corpus Blueprint uses templates"
    for text in templates:
        check_syntax(text)
