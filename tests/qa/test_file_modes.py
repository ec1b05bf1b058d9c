"""Who may read the two databases: the fact base is public data, the state database is not.

The Docker image builds the fact base as root and runs the bot as another user: a fact base
written 0600 (what `mkstemp` gives) cannot be read by the bot. The state database holds chat
ids and questions: readable by the service's user only, whatever the umask.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from qa import build
from qa.state import StateStore

from ..conftest import KNOWLEDGE


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    old = os.umask(0o002)  # what a careless shell gives: group- and world-readable files
    try:
        yield
    finally:
        os.umask(old)


@pytest.fixture
def strict_umask() -> Iterator[None]:
    old = os.umask(0o077)  # what a hardened root shell gives
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("strict_umask")
def test_the_fact_base_is_world_readable(tmp_path: Path) -> None:
    output = tmp_path / "data" / "facts.db"
    build(KNOWLEDGE, output)
    assert mode(output) == 0o644
    build(KNOWLEDGE, output)  # rebuilt over the old one: still readable by everyone
    assert mode(output) == 0o644


@pytest.mark.usefixtures("permissive_umask")
def test_the_state_database_is_private_to_its_user(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with StateStore.open(path) as store:
        store.subscribe(42, "topic-2")  # a write: the WAL file exists now
        assert mode(path) == 0o600
        wal = path.with_name("state.db-wal")
        assert wal.exists() and mode(wal) == 0o600


@pytest.mark.usefixtures("permissive_umask")
def test_an_existing_state_database_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    StateStore.open(path).close()
    path.chmod(0o644)  # restored from a backup by hand, say
    StateStore.open(path).close()
    assert mode(path) == 0o600
