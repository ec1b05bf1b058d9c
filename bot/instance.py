"""One bot per state database: an exclusive lock held for the life of the process.

Two `qa-bot` processes on one state database (a deploy overlap, a manual run beside the
service) would both answer and both drain the outbox. The first to start takes an exclusive
`flock` on `<state database>.lock`; the second gets `AlreadyRunning` and exits with one line.
The kernel releases the lock when the process ends, however it ends (even SIGKILL), so a crash
never leaves a stale lock behind. The terminal chat takes the same lock: it delivers the local
user's notices from the same outbox.

The lock file holds the owner's pid, for the message only; `qa publish` and `qa report` do not
take the lock (they only add rows or read).
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from qa import QAError

__all__ = ["AlreadyRunning", "InstanceLock", "lock_path"]


class AlreadyRunning(QAError):
    """Another process holds the state database's lock; the message says which and what to do."""


def lock_path(state_db: Path) -> Path:
    return state_db.with_name(state_db.name + ".lock")


class InstanceLock:
    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: int | None = fd

    @classmethod
    def acquire(cls, state_db: Path) -> InstanceLock:
        """Take the lock of `state_db`, or raise AlreadyRunning without waiting."""
        path = lock_path(state_db)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = os.pread(fd, 32, 0).decode(errors="replace").strip()
            os.close(fd)
            pid = f" (pid {owner})" if owner.isdigit() else ""
            raise AlreadyRunning(
                f"another qa-bot or qa-chat{pid} already runs on the state database {state_db}; "
                "stop it first (one instance per state database)"
            ) from None
        except BaseException:
            os.close(fd)
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        return cls(path, fd)

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)  # closing the descriptor drops the flock

    def __enter__(self) -> InstanceLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
