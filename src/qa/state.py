"""The bot's state database: users, subscriptions, the notification outbox, the question log.

It is separate from the fact base (which is rebuilt from `knowledge/` at will): this one holds
what users told us and what we still owe them, so it is never rebuilt, only migrated forward.
It lives in `qa` because it has nothing to do with Telegram: `qa publish` writes notices into
the outbox without the bot running, and the bot's delivery job drains it.

Location: `$BOT_STATE_DB`, else `$XDG_STATE_HOME/logement-hdf-bot/state.db`, that is
`~/.local/state/logement-hdf-bot/state.db` (defined in `qa.config`), outside the
source tree; the directory is created.

The file is created private to the service's user (0600): it holds chat ids and what users
asked. SQLite in WAL mode with `synchronous=NORMAL`: a committed transaction survives a killed
process (SIGKILL); after a power cut the last few commits may roll back, at worst a message
sent twice. Every method is one short transaction, serialised by a lock, so one store may be
called from several threads (the bot calls it through `asyncio.to_thread`).
Times are Unix seconds (REAL), from an injectable clock.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from .config import default_state_db
from .state_outbox import MAX_DELAY, OutboxDelivery
from .state_schema import (
    SCHEMA_VERSION,
    Notice,
    OutboxRow,
    PublishedFact,
    StateError,
    Stats,
    UserData,
    migrate,
)

__all__ = [
    "AXES",
    "MAX_DELAY",
    "SCHEMA_VERSION",
    "Notice",
    "OutboxRow",
    "PublishedFact",
    "StateError",
    "StateStore",
    "Stats",
    "Target",
    "UserData",
    "default_state_path",
]

AXES = (1, 2, 3, 4)
MAX_QUESTION = 4096  # Telegram's message limit: longer text cannot come from a user
Target = int | Literal["tout"] | Collection[int]  # an axis, every axis, or some axes
Clock = Callable[[], float]


def default_state_path(env: Mapping[str, str] | None = None) -> Path:
    """`$BOT_STATE_DB`, else `$XDG_STATE_HOME/logement-hdf-bot/state.db` (~/.local/state/...)."""
    return default_state_db(env)  # defined once, in qa.config


def axes_of(target: Target) -> tuple[int, ...]:
    """The axes a target names; StateError for anything outside 1-4."""
    if target == "tout":
        return AXES
    items = (target,) if isinstance(target, int) else tuple(target)
    if not items or any(isinstance(a, bool) or a not in AXES for a in items):
        raise StateError(f"axes are numbered 1 to 4, or 'tout'; got {target!r}")
    return tuple(sorted(set(items)))


class StateStore(OutboxDelivery):
    """One SQLite connection behind a lock. Open with `StateStore.open(path)`, then `close()`.
    What the delivery job does with the outbox (claim, mark, retry) is in `qa.state_outbox`."""

    def __init__(self, connection: sqlite3.Connection, path: Path, clock: Clock = time.time) -> None:
        self._db = connection
        self.path = path
        self._clock = clock
        self._lock = threading.Lock()

    @classmethod
    def open(cls, path: Path | str | None = None, *, clock: Clock = time.time) -> StateStore:
        path = Path(path) if path is not None else default_state_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        _private(path)
        # Autocommit mode: every write below opens its own BEGIN IMMEDIATE transaction.
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10.0)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA foreign_keys=ON")
            migrate(db, path)
        except BaseException:
            db.close()
            raise
        return cls(db, path, clock)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> StateStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        with self._lock:
            return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _read(self, sql: str, params: Sequence[object] = ()) -> list[Any]:
        with self._lock:
            return list(self._db.execute(sql, params))

    # ------------------------------------------------------------ subscriptions
    def subscribe(self, chat_id: int, target: Target) -> tuple[int, ...]:
        """Subscribe (and (re)activate) the chat; returns the axes that were not followed yet."""
        axes, now = axes_of(target), self._clock()
        with self._write() as db:
            _seen(db, chat_id, now, reactivate=True)
            added = tuple(
                a
                for a in axes
                if db.execute(
                    "INSERT OR IGNORE INTO subscriptions(chat_id, axis, since) VALUES (?, ?, ?)",
                    (chat_id, a, now),
                ).rowcount
            )
        return added

    def unsubscribe(self, chat_id: int, target: Target) -> tuple[int, ...]:
        """Returns the axes that were followed and no longer are."""
        axes, now = axes_of(target), self._clock()
        with self._write() as db:
            db.execute("UPDATE users SET last_seen = ? WHERE chat_id = ?", (now, chat_id))
            removed = tuple(
                a
                for a in axes
                if db.execute("DELETE FROM subscriptions WHERE chat_id = ? AND axis = ?", (chat_id, a)).rowcount
            )
        return removed

    def toggle(self, chat_id: int, axis: int) -> bool:
        """Follow the axis if not followed, else stop; returns whether it is followed now."""
        (axis,) = axes_of(axis)
        now = self._clock()
        with self._write() as db:
            _seen(db, chat_id, now, reactivate=True)
            gone = db.execute("DELETE FROM subscriptions WHERE chat_id = ? AND axis = ?", (chat_id, axis)).rowcount
            if not gone:
                db.execute(
                    "INSERT INTO subscriptions(chat_id, axis, since) VALUES (?, ?, ?)",
                    (chat_id, axis, now),
                )
        return not gone

    def subscriptions(self, chat_id: int) -> tuple[int, ...]:
        rows = self._read("SELECT axis FROM subscriptions WHERE chat_id = ? ORDER BY axis", (chat_id,))
        return tuple(int(r[0]) for r in rows)

    # ------------------------------------------------------------------- outbox
    def queue_announcement(self, target: Target, text: str) -> int:
        """One pending row per active subscriber of any of the axes, in one transaction."""
        with self._write() as db:
            return _queue(db, axes_of(target), text, self._clock())

    # ------------------------------------------------------------ personal data
    def user_data(self, chat_id: int) -> UserData:
        users = self._read(
            "SELECT first_seen, last_seen, active, inactive_reason FROM users WHERE chat_id = ?",
            (chat_id,),
        )
        first, last, active, reason = users[0] if users else (None, None, 1, None)
        messages = self._read(
            "SELECT status, COUNT(*), MAX(sent_at) FROM outbox WHERE chat_id = ? GROUP BY status",
            (chat_id,),
        )
        last_sent = next((m[2] for m in messages if m[0] == "sent"), None)
        return UserData(
            chat_id=chat_id,
            first_seen=_float(first),
            last_seen=_float(last),
            active=bool(active),
            inactive_reason=None if reason is None else str(reason),
            axes=self.subscriptions(chat_id),
            messages={str(s): int(n) for s, n, _ in messages},
            last_sent_at=_float(last_sent),
        )

    def forget_user(self, chat_id: int) -> bool:
        """Delete the user, their subscriptions and every outbox row for them."""
        with self._write() as db:
            n = db.execute("DELETE FROM outbox WHERE chat_id = ?", (chat_id,)).rowcount
            n += db.execute("DELETE FROM subscriptions WHERE chat_id = ?", (chat_id,)).rowcount
            n += db.execute("DELETE FROM users WHERE chat_id = ?", (chat_id,)).rowcount
        return n > 0

    # ------------------------------------------------------- questions, statistics
    def log_question(self, text: str, status: str) -> None:
        self.log_questions([(text, status)])

    def log_questions(self, rows: Sequence[tuple[str, str]]) -> None:
        """Several (text, status) rows in one transaction (the bot writes them in batches)."""
        now = self._clock()
        with self._write() as db:
            db.executemany(
                "INSERT INTO question_log(text, status, asked_at) VALUES (?, ?, ?)",
                [(text[:MAX_QUESTION], status, now) for text, status in rows],
            )

    def purge_questions(self, older_than_days: float) -> int:
        with self._write() as db:
            cutoff = self._clock() - older_than_days * 86400
            return int(db.execute("DELETE FROM question_log WHERE asked_at < ?", (cutoff,)).rowcount)

    def stats(self, days: int = 7) -> Stats:
        users = self._read("SELECT COUNT(*), COALESCE(SUM(active), 0) FROM users")[0]
        per_axis = self._read(
            "SELECT s.axis, COUNT(*) FROM subscriptions s JOIN users u USING (chat_id) WHERE u.active GROUP BY s.axis"
        )
        questions = self._read(
            "SELECT status, COUNT(*) FROM question_log WHERE asked_at >= ? GROUP BY status",
            (self._clock() - days * 86400,),
        )
        subscribers = dict.fromkeys(AXES, 0) | {int(a): int(n) for a, n in per_axis}
        return Stats(
            users=int(users[0]),
            active_users=int(users[1]),
            subscribers=subscribers,
            outbox=self.outbox_counts(),
            questions={str(s): int(n) for s, n in questions},
            days=days,
        )

    # ------------------------------------------------------------------ publish
    def published(self) -> dict[str, PublishedFact]:
        rows = self._read("SELECT fact_id, digest, value FROM published")
        return {str(f): PublishedFact(str(f), str(d), str(v)) for f, d, v in rows}

    def publish(
        self,
        current: Mapping[str, PublishedFact],
        notices: Callable[[Mapping[str, PublishedFact]], Sequence[Notice]],
        *,
        baseline_when_empty: bool = True,
    ) -> tuple[int, int]:
        """Queue `notices(last published snapshot)` and record `current` as the new snapshot,
        in one transaction, so that a crash or a concurrent run never queues a notice twice.
        The very first run (empty snapshot) only records the baseline: announcing every fact
        of the base to every subscriber is not news. Returns (notices, rows queued)."""
        now = self._clock()
        with self._write() as db:
            rows = db.execute("SELECT fact_id, digest, value FROM published").fetchall()
            old = {f: PublishedFact(f, d, v) for f, d, v in rows}
            todo = [] if (baseline_when_empty and not old) else list(notices(old))
            queued = sum(_queue(db, n.axes, n.text, now) for n in todo)
            db.executemany(
                "INSERT INTO published(fact_id, digest, value, published_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(fact_id) DO UPDATE SET digest = excluded.digest, "
                "value = excluded.value, published_at = excluded.published_at "
                "WHERE digest != excluded.digest",
                [(f.fact_id, f.digest, f.value, now) for f in current.values()],
            )
            db.executemany("DELETE FROM published WHERE fact_id = ?", [(f,) for f in old if f not in current])
        return len(todo), queued


# ----------------------------------------------------------------- helpers
def _private(path: Path) -> None:
    """Create the database file readable by its owner only (SQLite gives its -wal and -shm
    files the same mode); an existing file this user owns is made private too."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if os.fstat(fd).st_uid == os.geteuid():
            os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


def _seen(db: sqlite3.Connection, chat_id: int, now: float, *, reactivate: bool) -> None:
    db.execute(
        "INSERT INTO users(chat_id, first_seen, last_seen) VALUES (?, ?, ?) "
        "ON CONFLICT(chat_id) DO UPDATE SET last_seen = excluded.last_seen"
        + (", active = 1, inactive_reason = NULL" if reactivate else ""),
        (chat_id, now, now),
    )


def _queue(db: sqlite3.Connection, axes: Sequence[int], text: str, now: float) -> int:
    marks = ",".join("?" * len(axes))
    return int(
        db.execute(
            "INSERT INTO outbox(chat_id, text, created, next_attempt_at) "
            "SELECT DISTINCT s.chat_id, ?, ?, ? FROM subscriptions s JOIN users u USING (chat_id) "
            f"WHERE u.active AND s.axis IN ({marks}) ORDER BY s.chat_id",
            (text, now, now, *axes),
        ).rowcount
    )


def _float(value: Any) -> float | None:
    return None if value is None else float(value)
