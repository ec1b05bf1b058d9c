"""Where the files are: the one place that defines the default paths and reads them from the
environment (the bot's settings call these functions with the environment they read).

- `QA_KNOWLEDGE`: the curated knowledge directory (default `./knowledge`);
- `QA_FACTS_DB`: the fact base built from it (default `./data/facts.db`);
- `BOT_STATE_DB`: the state database (subscriptions, outbox, question log), default
  `$XDG_STATE_HOME/logement-hdf-bot/state.db`, that is `~/.local/state/logement-hdf-bot/state.db`:
  outside the source tree, because it holds what users told us.

The first two defaults are relative to the working directory: `make run`, `make test` and the
evaluation run from the repository's root. An empty variable means "not set".
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

__all__ = ["default_facts_db", "default_knowledge", "default_state_db", "getenv"]

KNOWLEDGE = Path("knowledge")
FACTS_DB = Path("data/facts.db")
STATE_DB = Path("logement-hdf-bot/state.db")  # under $XDG_STATE_HOME


def getenv(name: str, env: Mapping[str, str] | None = None) -> str | None:
    """The variable's value, None when unset or blank (`env` defaults to the process's)."""
    value = (os.environ if env is None else env).get(name, "").strip()
    return value or None


def default_knowledge(env: Mapping[str, str] | None = None) -> Path:
    value = getenv("QA_KNOWLEDGE", env)
    return Path(value).expanduser() if value else KNOWLEDGE


def default_facts_db(env: Mapping[str, str] | None = None) -> Path:
    value = getenv("QA_FACTS_DB", env)
    return Path(value).expanduser() if value else FACTS_DB


def default_state_db(env: Mapping[str, str] | None = None) -> Path:
    value = getenv("BOT_STATE_DB", env)
    if value:
        return Path(value).expanduser()
    base = getenv("XDG_STATE_HOME", env) or str(Path(getenv("HOME", env) or Path.home()) / ".local/state")
    return Path(base) / STATE_DB
