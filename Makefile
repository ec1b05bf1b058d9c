# The two commands of the README: `make run` and `make test`. `make bench` prints the benchmarks.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FACTS := data/facts.db
KNOWLEDGE := $(shell find knowledge -type f 2>/dev/null)
SOURCES := $(shell find src bot -name '*.py' 2>/dev/null)

.PHONY: run test bench lint build clean eval-generalization

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Stamp files record what is installed. `make run` installs the project as users get it
# (a plain `pip install .`, redone when the code changes); `make test` installs it in
# editable mode with the test extra, so tests always run the code of the work tree.
$(VENV)/.installed: $(BIN)/python pyproject.toml $(SOURCES)
	$(BIN)/pip install --quiet .
	rm -f $(VENV)/.installed-test
	touch $@

$(VENV)/.installed-test: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e ".[test]"
	rm -f $(VENV)/.installed
	touch $@

$(FACTS): $(KNOWLEDGE) | $(BIN)/python
	$(MAKE) --no-print-directory $(VENV)/.installed
	$(BIN)/qa build --output $(FACTS)

build: $(FACTS)

run: $(VENV)/.installed $(FACTS)
	QA_FACTS_DB=$(FACTS) $(BIN)/qa-bot

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src bot tests benchmarks
	$(BIN)/mypy src/qa bot

# The whole suite, after the linter and the type checker (CI runs this through .ci/run).
test: lint
	$(BIN)/python -m pytest -q

# The practice corpus of ../shared/eval/generalization, answered from knowledge/ plus its curated
# fixture (never from knowledge/ alone): prints the scorer's last line (bar: 0.90, wrong 0).
GENERALIZATION := tests/fixtures/generalization
eval-generalization: $(VENV)/.installed-test
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(BIN)/qa build --knowledge knowledge --knowledge $(GENERALIZATION) --output "$$tmp/facts.db" >/dev/null && \
	$(PYTHON) ../shared/eval/score.py ../shared/eval/generalization/questions.jsonl \
		--cmd "$(BIN)/qa ask --jsonl --facts $$tmp/facts.db" | tail -n 1

bench: $(VENV)/.installed-test
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) data build *.egg-info
