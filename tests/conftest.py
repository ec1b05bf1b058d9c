"""Fixtures shared by every test: the repository's paths and one engine built once."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa import Engine, build

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
SHARED = ROOT.parent / "shared"


@pytest.fixture(autouse=True)
def _no_state_outside_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Code that falls back to the default state database writes under the test's tmp_path."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state-home"))
    monkeypatch.delenv("BOT_STATE_DB", raising=False)


@pytest.fixture(scope="session")
def facts_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real knowledge, built into a temporary fact base once per test run."""
    path = tmp_path_factory.mktemp("facts") / "facts.db"
    build(KNOWLEDGE, path)
    return path


@pytest.fixture(scope="session")
def engine(facts_db: Path) -> Engine:
    return Engine.load(facts_db)


@pytest.fixture(scope="session")
def two_lists_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A FICTIONAL base with two subscribable lists (tests/qa/fictional_lists.py), built once."""
    from .qa.fictional_lists import write_two_lists  # that module imports this one

    root = tmp_path_factory.mktemp("two-lists")
    path = root / "facts.db"
    build(write_two_lists(root / "knowledge"), path)
    return path


@pytest.fixture(scope="session")
def two_lists(two_lists_db: Path) -> Engine:
    """Its engine: topics 1-3 are one list's items, 4-5 the other's."""
    return Engine.load(two_lists_db)
