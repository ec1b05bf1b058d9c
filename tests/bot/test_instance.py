"""One bot per state database: the second process is refused at once, a dead one never blocks."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot.instance import AlreadyRunning, InstanceLock, lock_path

from ..conftest import ROOT


def test_a_second_holder_is_refused_with_the_database_and_the_pid(tmp_path: Path) -> None:
    state_db = tmp_path / "state.db"
    with InstanceLock.acquire(state_db):
        with pytest.raises(AlreadyRunning) as refused:
            InstanceLock.acquire(state_db)
        assert str(state_db) in str(refused.value) and f"pid {os.getpid()}" in str(refused.value)
    InstanceLock.acquire(state_db).release()  # released: the next one gets it
    assert lock_path(state_db).stat().st_mode & 0o777 == 0o600


def test_a_killed_holder_leaves_no_stale_lock(tmp_path: Path) -> None:
    state_db = tmp_path / "state.db"
    code = f"from pathlib import Path; from bot.instance import InstanceLock; import time; InstanceLock.acquire(Path({str(state_db)!r})); print('held', flush=True); time.sleep(600)"
    holder = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(AlreadyRunning):
            InstanceLock.acquire(state_db)
        holder.send_signal(signal.SIGKILL)  # a crash: no clean-up code runs
        holder.wait(timeout=60)
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
        assert holder.stdout is not None
        holder.stdout.close()
    InstanceLock.acquire(state_db).release()
