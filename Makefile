# Two entry points for a fresh Debian machine (root, Python 3.11):
#   make demo   install kancli and the test cluster, then run the demo
#   make test   install everything, then lint, type-check, check layering and run the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: setup system-deps lint test test-all demo completions clean

$(BIN)/kancli: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

system-deps:
	bash .ci/system-deps.sh

setup: system-deps $(BIN)/kancli

lint: $(BIN)/kancli
	$(BIN)/ruff check kancli tests bench
	$(BIN)/ruff format --check kancli tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

# The default run leaves out tests marked slow (long soak, fuzz and big-data runs).
test: setup lint
	$(BIN)/pytest -m "not slow" $(PYTEST_ARGS)

test-all: setup lint
	$(BIN)/pytest $(PYTEST_ARGS)

demo: setup
	bash .ci/demo.sh

# Regenerate the shell completion scripts after changing the CLI (a test fails when they drift).
completions: $(BIN)/kancli
	$(BIN)/python -m kancli.cli.completion --write completions

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .cache
