"""The state database's schema (forward migrations) and the records `qa.state` returns."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import QAError

__all__ = [
    "LEGACY_PREFIX",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Digest",
    "OutboxRow",
    "PublishedFact",
    "StateError",
    "Stats",
    "UserData",
    "migrate",
]


class StateError(QAError):
    """The state database is unusable (newer schema, a topic that is no key...); the message says why."""


# Forward migrations: entry i takes the schema from version i to i + 1. Never edit a released
# entry; append a new one (the version is PRAGMA user_version).
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE users (
        chat_id INTEGER PRIMARY KEY,
        first_seen REAL NOT NULL,
        last_seen REAL NOT NULL,
        active INTEGER NOT NULL DEFAULT 1,
        inactive_reason TEXT
    );
    CREATE TABLE subscriptions (
        chat_id INTEGER NOT NULL REFERENCES users(chat_id) ON DELETE CASCADE,
        axis INTEGER NOT NULL CHECK (axis BETWEEN 1 AND 4),
        since REAL NOT NULL,
        PRIMARY KEY (chat_id, axis)
    ) WITHOUT ROWID;
    CREATE INDEX subscriptions_axis ON subscriptions(axis, chat_id);
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: the order of a broadcast
        chat_id INTEGER NOT NULL,
        text TEXT NOT NULL,                    -- HTML, ready to send
        created REAL NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending'
            CHECK (status IN ('pending', 'sent', 'failed', 'dropped')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at REAL NOT NULL,
        sent_at REAL,
        last_error TEXT
    );
    CREATE INDEX outbox_pending ON outbox(status, chat_id, id);
    CREATE TABLE question_log (
        id INTEGER PRIMARY KEY,
        text TEXT NOT NULL,
        status TEXT NOT NULL,
        asked_at REAL NOT NULL                 -- no user id, on purpose
    );
    CREATE INDEX question_log_time ON question_log(asked_at);
    CREATE TABLE published (
        fact_id TEXT PRIMARY KEY,
        digest TEXT NOT NULL,
        value TEXT NOT NULL,
        published_at REAL NOT NULL
    );
    """,
    # v2: a deliverer claims a row before sending it, so that two processes on one database
    # (which the instance lock forbids, but a lock can be bypassed) never send a row twice.
    """
    ALTER TABLE outbox ADD COLUMN claimed_until REAL;  -- NULL: nobody is sending it
    """,
    # v3: subscriptions name a topic of the fact base (the key of an item of a subscribable
    # list) instead of an axis number checked against a fixed count: the knowledge decides
    # which topics exist. The old axis numbers are kept as legacy keys ('#2'), which
    # `StateStore.adopt_legacy` turns into the base's keys once the base's numbering is known.
    """
    CREATE TABLE subscriptions_v3 (
        chat_id INTEGER NOT NULL REFERENCES users(chat_id) ON DELETE CASCADE,
        topic TEXT NOT NULL CHECK (topic != ''),
        since REAL NOT NULL,
        PRIMARY KEY (chat_id, topic)
    ) WITHOUT ROWID;
    INSERT INTO subscriptions_v3(chat_id, topic, since) SELECT chat_id, '#' || axis, since FROM subscriptions;
    DROP TABLE subscriptions;
    ALTER TABLE subscriptions_v3 RENAME TO subscriptions;
    CREATE INDEX subscriptions_topic ON subscriptions(topic, chat_id);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)
LEGACY_PREFIX = "#"  # '#2': a subscription to the 2nd topic, made before topics had keys (schema v2)


@dataclass(frozen=True)
class OutboxRow:
    id: int
    chat_id: int
    text: str
    attempts: int


@dataclass(frozen=True)
class UserData:
    """Everything stored about one chat (/mesdonnees)."""

    chat_id: int
    first_seen: float | None
    last_seen: float | None
    active: bool
    inactive_reason: str | None
    topics: tuple[str, ...]  # the keys of the topics it follows
    messages: Mapping[str, int]  # outbox rows by status
    last_sent_at: float | None

    @property
    def known(self) -> bool:
        return self.first_seen is not None or bool(self.topics) or bool(self.messages)


@dataclass(frozen=True)
class Stats:
    users: int
    active_users: int
    subscribers: Mapping[str, int]  # topic key -> active subscribers (topics nobody follows are absent)
    outbox: Mapping[str, int]  # status -> rows
    questions: Mapping[str, int]  # engine status -> questions over the period
    days: int


@dataclass(frozen=True)
class PublishedFact:
    """What `qa publish` remembers of a fact it has announced (or recorded as a baseline)."""

    fact_id: str
    digest: str
    value: str


@dataclass(frozen=True)
class Digest:
    """One message of a publication for one chat (`qa publish` writes one per subscriber)."""

    chat_id: int
    text: str


def migrate(db: sqlite3.Connection, path: Path) -> None:
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise StateError(
            f"{path}: state database schema v{version} is newer than this code (v{SCHEMA_VERSION}); "
            "upgrade the bot instead of opening it with an older version"
        )
    for n in range(version, SCHEMA_VERSION):
        # executescript commits first, so the transaction is spelled out; a failure rolls back.
        try:
            db.executescript(f"BEGIN IMMEDIATE;\n{MIGRATIONS[n]}\nPRAGMA user_version = {n + 1};\nCOMMIT;")
        except sqlite3.Error as e:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise StateError(f"{path}: migration to schema v{n + 1} failed: {e}") from e
