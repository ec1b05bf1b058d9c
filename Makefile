# The two commands of the README: `make run` and `make test`. `make bench` prints the benchmarks.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FACTS := data/facts.db
# The development tools' exact versions (constraints.txt): a new release cannot turn a fresh
# `make test` red.
PIP_INSTALL := $(BIN)/pip install --quiet -c constraints.txt
KNOWLEDGE := $(shell find knowledge -type f 2>/dev/null)
SOURCES := $(shell find src bot -name '*.py' 2>/dev/null)

.PHONY: run test bench lint build browse clean editable eval-generalization eval-fresh

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Stamp files record what is installed. `make run` installs the project as users get it
# (a plain `pip install .`, redone when the code changes); `make test` installs it in
# editable mode with the test extra, so tests always run the code of the work tree.
$(VENV)/.installed: $(BIN)/python pyproject.toml $(SOURCES)
	$(PIP_INSTALL) .
	rm -f $(VENV)/.installed-test
	touch $@

$(VENV)/.installed-test: $(BIN)/python pyproject.toml constraints.txt
	$(PIP_INSTALL) -e ".[test]"
	rm -f $(VENV)/.installed
	touch $@

# A stamp can lie: any `pip install .` run by hand replaces the editable install with a copy,
# and the tests would then import that stale copy. Reinstall when `qa` is not the work tree's.
editable: $(VENV)/.installed-test
	@$(BIN)/python -c 'import pathlib, sys, qa; sys.exit(pathlib.Path(qa.__file__).resolve().parent != pathlib.Path("src/qa").resolve())' \
		|| $(PIP_INSTALL) -e ".[test]"

$(FACTS): $(KNOWLEDGE) $(SOURCES) | $(BIN)/python
	$(MAKE) --no-print-directory $(VENV)/.installed
	$(BIN)/qa build --output $(FACTS)

build: $(FACTS)

# The Telegram bot when TELEGRAM_BOT_TOKEN is set; otherwise the same bot in the terminal
# (qa-chat), with a local user: questions, buttons, subscriptions, personal data.
run: $(VENV)/.installed $(FACTS)
	@if [ -n "$$TELEGRAM_BOT_TOKEN" ]; then \
		QA_FACTS_DB=$(FACTS) exec $(BIN)/qa-bot; \
	else \
		QA_FACTS_DB=$(FACTS) exec $(BIN)/qa-chat; \
	fi

# Browse the fact base with datasette, installed beside the project (never over it).
browse: $(FACTS)
	$(PIP_INSTALL) datasette
	$(BIN)/datasette $(FACTS)

lint: editable
	$(BIN)/ruff check src bot tests benchmarks
	$(BIN)/mypy src/qa bot

# The whole suite, after the linter and the type checker (CI runs this through .ci/run).
test: lint
	$(BIN)/python -m pytest -q

# The practice corpus of ../shared/eval/generalization, answered from knowledge/ plus its curated
# fixture (never from knowledge/ alone): prints the scorer's last line (bar: 0.90, wrong 0).
GENERALIZATION := tests/fixtures/generalization
eval-generalization: editable
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(BIN)/qa build --knowledge knowledge --knowledge $(GENERALIZATION) --output "$$tmp/facts.db" >/dev/null && \
	$(PYTHON) ../shared/eval/score.py ../shared/eval/generalization/questions.jsonl \
		--cmd "$(BIN)/qa ask --jsonl --facts $$tmp/facts.db" | tail -n 1

# Our own fresh corpora of fictional documents (tests/fixtures/fresh, fresh2), each answered
# from knowledge/ plus its curated fixture: a measure on documents the engine was not built from.
eval-fresh: editable
	@for corpus in fresh fresh2; do tmp=$$(mktemp -d) && \
	$(BIN)/qa build --knowledge knowledge --knowledge tests/fixtures/$$corpus/knowledge --output "$$tmp/facts.db" >/dev/null && \
	printf '%s: ' $$corpus && $(PYTHON) ../shared/eval/score.py tests/fixtures/$$corpus/questions.jsonl \
		--cmd "$(BIN)/qa ask --jsonl --facts $$tmp/facts.db" | tail -n 1; rm -rf "$$tmp"; done

bench: editable
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) data build *.egg-info
