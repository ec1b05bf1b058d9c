"""Read what `qa publish` needs of the state database without writing a byte of it.

`qa publish --dry-run` previews a publication: the last published snapshot and who follows
what. `StateStore.open` cannot be used for that: it migrates the schema forward, switches the
file to WAL mode and fixes its permissions. This module opens the file read-only and reads
every schema this code knows (v2's axis numbers become the legacy keys the v3 migration
would give them, then the base's keys, as `StateStore.adopt_legacy` would do).

When no process has the database open (no -wal and -shm files beside it), it is opened
`immutable`, so that SQLite does not create those files either; when the bot runs, they
exist and a plain read-only connection sees its latest commits.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .state_schema import LEGACY_PREFIX, SCHEMA_VERSION, PublishedFact, StateError

__all__ = ["StateSnapshot", "adopt", "peek_state"]


@dataclass(frozen=True)
class StateSnapshot:
    exists: bool  # False: no state database yet (nobody subscribed, nothing published)
    published: dict[str, PublishedFact] = field(default_factory=dict)
    followers: dict[int, frozenset[str]] = field(default_factory=dict)  # active chats only


def adopt(topics: frozenset[str], numbering: Mapping[int, str]) -> frozenset[str]:
    """Legacy keys ('#2') replaced by the base's key of that number, in memory."""
    keys = {numbering.get(int(t[len(LEGACY_PREFIX):]), t) if _legacy(t) else t for t in topics}
    return frozenset(keys)


def _legacy(topic: str) -> bool:
    return topic.startswith(LEGACY_PREFIX) and topic[len(LEGACY_PREFIX):].isdigit()


def _connect(path: Path) -> sqlite3.Connection:
    in_use = path.with_name(path.name + "-wal").exists() and path.with_name(path.name + "-shm").exists()
    mode = "mode=ro" if in_use else "mode=ro&immutable=1"
    return sqlite3.connect(f"{path.resolve().as_uri()}?{mode}", uri=True, timeout=10.0)


def peek_state(path: Path, numbering: Mapping[int, str]) -> StateSnapshot:
    """The snapshot and the followers of the state database at `path`, read-only."""
    if not path.exists():
        return StateSnapshot(exists=False)
    try:
        db = _connect(path)
        try:
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
            if version > SCHEMA_VERSION:
                raise StateError(f"{path}: state database schema v{version} is newer than this code "
                                 f"(v{SCHEMA_VERSION}); upgrade qa instead")
            if version == 0:  # created, never migrated: empty
                return StateSnapshot(exists=True)
            columns = {str(r[1]) for r in db.execute("PRAGMA table_info(subscriptions)")}
            topic = "s.topic" if "topic" in columns else f"'{LEGACY_PREFIX}' || s.axis"
            rows = db.execute(
                f"SELECT s.chat_id, {topic} FROM subscriptions s JOIN users u USING (chat_id) WHERE u.active"
            ).fetchall()
            published = {
                str(f): PublishedFact(str(f), str(d), str(v))
                for f, d, v in db.execute("SELECT fact_id, digest, value FROM published")
            }
        finally:
            db.close()
    except sqlite3.Error as e:
        raise StateError(f"{path}: cannot read the state database ({e})") from e
    found: dict[int, set[str]] = {}
    for chat_id, key in rows:
        found.setdefault(int(chat_id), set()).add(str(key))
    followers = {chat: adopt(frozenset(keys), numbering) for chat, keys in sorted(found.items())}
    return StateSnapshot(exists=True, published=published, followers=followers)
