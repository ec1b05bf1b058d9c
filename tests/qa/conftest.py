"""Fixtures of the engine's tests: a fictional knowledge folder and its engine, built once per run.

The real knowledge's engine is `engine` (tests/conftest.py); tests that check a mechanism use
`fictional` instead, so that adding a document to knowledge/ never changes what they see.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qa import Engine, build

from .fictional import write_knowledge


@pytest.fixture(scope="session")
def fictional_knowledge(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fictional knowledge folder (tests/qa/fictional.py). Read it, never edit it: copy it."""
    return write_knowledge(tmp_path_factory.mktemp("fictional") / "knowledge")


@pytest.fixture(scope="session")
def fictional_db(fictional_knowledge: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fictional-db") / "facts.db"
    build(fictional_knowledge, path)
    return path


@pytest.fixture(scope="session")
def fictional(fictional_db: Path) -> Engine:
    """The engine of the fictional knowledge."""
    return Engine.load(fictional_db)
