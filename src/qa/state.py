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
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .config import default_state_db
from .state_outbox import MAX_DELAY, OutboxDelivery
from .state_schema import (
    LEGACY_PREFIX,
    SCHEMA_VERSION,
    Digest,
    OutboxRow,
    PublishedFact,
    StateError,
    Stats,
    UserData,
    migrate,
)

__all__ = [
    "LEGACY_PREFIX",
    "MAX_DELAY",
    "SCHEMA_VERSION",
    "Digest",
    "OutboxRow",
    "PublishedFact",
    "StateError",
    "StateStore",
    "Stats",
    "Target",
    "UserData",
    "default_state_path",
    "legacy_key",
]

MAX_QUESTION = 4096  # Telegram's message limit: longer text cannot come from a user
MAX_TOPIC = 200  # a topic key is a fact id; anything longer is a caller's bug, not a topic
# A topic key, or several. Keys are opaque here: which topics exist, and what "tout" means,
# is the fact base's business (the bot and `qa publish` resolve numbers into keys).
Target = str | Collection[str]
Clock = Callable[[], float]


def default_state_path(env: Mapping[str, str] | None = None) -> Path:
    """`$BOT_STATE_DB`, else `$XDG_STATE_HOME/logement-hdf-bot/state.db` (~/.local/state/...)."""
    return default_state_db(env)  # defined once, in qa.config


def legacy_key(n: int) -> str:
    """The key a schema v2 subscription to topic number `n` got in the migration ('#2')."""
    return f"{LEGACY_PREFIX}{n}"


def keys_of(target: Target) -> tuple[str, ...]:
    """The topic keys a target names, sorted, once each; StateError for anything but keys."""
    if not isinstance(target, (str, Collection)):
        raise StateError(f"topics are named by their keys (non-empty strings); got {target!r}")
    items = (target,) if isinstance(target, str) else tuple(target)
    if not items or any(not isinstance(k, str) or not k.strip() or len(k) > MAX_TOPIC for k in items):
        raise StateError(f"topics are named by their keys (non-empty strings); got {target!r}")
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
    def subscribe(self, chat_id: int, target: Target) -> tuple[str, ...]:
        """Subscribe (and (re)activate) the chat; returns the topics that were not followed yet."""
        keys, now = keys_of(target), self._clock()
        with self._write() as db:
            _seen(db, chat_id, now, reactivate=True)
            added = tuple(
                k
                for k in keys
                if db.execute(
                    "INSERT OR IGNORE INTO subscriptions(chat_id, topic, since) VALUES (?, ?, ?)",
                    (chat_id, k, now),
                ).rowcount
            )
        return added

    def unsubscribe(self, chat_id: int, target: Target) -> tuple[str, ...]:
        """Returns the topics that were followed and no longer are."""
        keys, now = keys_of(target), self._clock()
        with self._write() as db:
            db.execute("UPDATE users SET last_seen = ? WHERE chat_id = ?", (now, chat_id))
            removed = tuple(
                k
                for k in keys
                if db.execute("DELETE FROM subscriptions WHERE chat_id = ? AND topic = ?", (chat_id, k)).rowcount
            )
        return removed

    def toggle(self, chat_id: int, topic: str) -> bool:
        """Follow the topic if not followed, else stop; returns whether it is followed now."""
        (topic,) = keys_of(topic)
        now = self._clock()
        with self._write() as db:
            _seen(db, chat_id, now, reactivate=True)
            gone = db.execute("DELETE FROM subscriptions WHERE chat_id = ? AND topic = ?", (chat_id, topic)).rowcount
            if not gone:
                db.execute(
                    "INSERT INTO subscriptions(chat_id, topic, since) VALUES (?, ?, ?)",
                    (chat_id, topic, now),
                )
        return not gone

    def subscriptions(self, chat_id: int) -> tuple[str, ...]:
        """The keys the chat follows, sorted (the bot orders them by the base's numbering)."""
        rows = self._read("SELECT topic FROM subscriptions WHERE chat_id = ? ORDER BY topic", (chat_id,))
        return tuple(str(r[0]) for r in rows)

    def followers(self) -> dict[int, frozenset[str]]:
        """Every active chat with the topics it follows (what a publication is sent to)."""
        return _followers(self._read(_FOLLOWERS))

    def adopt_legacy(self, numbering: Mapping[int, str]) -> int:
        """Turn the legacy keys of the v3 migration ('#2') into the base's keys, given its
        numbering ({2: "axe-2", ...}: `Engine.topics()`). A chat that already follows the
        key keeps one subscription. Numbers the base does not have stay legacy (and reach
        nobody) until a base has them. Returns the subscriptions adopted; 0 once done."""
        adopted = 0
        with self._write() as db:
            for n, key in sorted(numbering.items()):
                (key,) = keys_of(key)
                old = legacy_key(n)
                adopted += int(
                    db.execute("UPDATE OR IGNORE subscriptions SET topic = ? WHERE topic = ?", (key, old)).rowcount
                )
                db.execute("DELETE FROM subscriptions WHERE topic = ?", (old,))  # already followed under its key
        return adopted

    # ------------------------------------------------------------------- outbox
    def queue_announcement(self, target: Target, text: str) -> int:
        """One pending row per active subscriber of any of the topics, in one transaction."""
        with self._write() as db:
            return _queue(db, keys_of(target), text, self._clock())

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
            topics=self.subscriptions(chat_id),
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
        per_topic = self._read(
            "SELECT s.topic, COUNT(*) FROM subscriptions s JOIN users u USING (chat_id) WHERE u.active GROUP BY s.topic"
        )
        questions = self._read(
            "SELECT status, COUNT(*) FROM question_log WHERE asked_at >= ? GROUP BY status",
            (self._clock() - days * 86400,),
        )
        return Stats(
            users=int(users[0]),
            active_users=int(users[1]),
            subscribers={str(k): int(n) for k, n in per_topic},
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
        digests: Callable[[Mapping[str, PublishedFact], Mapping[int, frozenset[str]]], Sequence[Digest]],
        *,
        baseline_when_empty: bool = True,
    ) -> tuple[int, bool]:
        """Queue `digests(last published snapshot, followers)` and record `current` as the new
        snapshot, in one transaction, so that a crash or a concurrent run never queues a
        publication twice. The very first run (empty snapshot) only records the baseline:
        announcing every fact of the base to every subscriber is not news.
        Returns (rows queued, whether this run was the baseline)."""
        now = self._clock()
        with self._write() as db:
            rows = db.execute("SELECT fact_id, digest, value FROM published").fetchall()
            old = {f: PublishedFact(f, d, v) for f, d, v in rows}
            baseline = baseline_when_empty and not old
            todo = [] if baseline else list(digests(old, _followers(db.execute(_FOLLOWERS).fetchall())))
            db.executemany(
                "INSERT INTO outbox(chat_id, text, created, next_attempt_at) VALUES (?, ?, ?, ?)",
                [(d.chat_id, d.text, now, now) for d in todo],
            )
            db.executemany(
                "INSERT INTO published(fact_id, digest, value, published_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(fact_id) DO UPDATE SET digest = excluded.digest, "
                "value = excluded.value, published_at = excluded.published_at "
                "WHERE digest != excluded.digest",
                [(f.fact_id, f.digest, f.value, now) for f in current.values()],
            )
            db.executemany("DELETE FROM published WHERE fact_id = ?", [(f,) for f in old if f not in current])
        return len(todo), baseline


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


_FOLLOWERS = (
    "SELECT s.chat_id, s.topic FROM subscriptions s JOIN users u USING (chat_id) WHERE u.active ORDER BY s.chat_id"
)


def _followers(rows: Iterable[Sequence[Any]]) -> dict[int, frozenset[str]]:
    found: dict[int, set[str]] = {}
    for chat_id, topic in rows:
        found.setdefault(int(chat_id), set()).add(str(topic))
    return {chat: frozenset(topics) for chat, topics in found.items()}


def _queue(db: sqlite3.Connection, keys: Sequence[str], text: str, now: float) -> int:
    marks = ",".join("?" * len(keys))
    return int(
        db.execute(
            "INSERT INTO outbox(chat_id, text, created, next_attempt_at) "
            "SELECT DISTINCT s.chat_id, ?, ?, ? FROM subscriptions s JOIN users u USING (chat_id) "
            f"WHERE u.active AND s.topic IN ({marks}) ORDER BY s.chat_id",
            (text, now, now, *keys),
        ).rowcount
    )


def _float(value: Any) -> float | None:
    return None if value is None else float(value)
