"""Where the engine finds its files: the one place of `qa` that reads the environment.

- `QA_KNOWLEDGE`: the curated knowledge directory (default `./knowledge`);
- `QA_FACTS_DB`: the fact base built from it (default `./data/facts.db`).

Both defaults are relative to the working directory: `make run`, `make test` and the
evaluation run from the repository's root.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["default_facts_db", "default_knowledge"]


def default_knowledge() -> Path:
    return Path(os.environ.get("QA_KNOWLEDGE") or "knowledge")


def default_facts_db() -> Path:
    return Path(os.environ.get("QA_FACTS_DB") or "data/facts.db")
