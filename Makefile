# The two commands of the README: `make run` and `make test`. `make bench` prints the benchmarks.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FACTS := data/facts.db
KNOWLEDGE := $(shell find knowledge -type f 2>/dev/null)

.PHONY: run test bench lint build clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# The stamp files record which extras are installed; they are redone when pyproject.toml changes.
$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet .
	touch $@

$(VENV)/.installed-test: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet ".[test]"
	touch $(VENV)/.installed $@

$(FACTS): $(VENV)/.installed $(KNOWLEDGE)
	$(BIN)/qa build --output $(FACTS)

build: $(FACTS)

run: $(VENV)/.installed $(FACTS)
	QA_FACTS_DB=$(FACTS) $(BIN)/qa-bot

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src bot tests
	$(BIN)/mypy src/qa bot

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q

bench: $(VENV)/.installed-test $(FACTS)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) data build *.egg-info
