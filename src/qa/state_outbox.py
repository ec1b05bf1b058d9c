"""The outbox as the delivery job sees it: what is due, claims, and the outcome of each send.

A mixin of `qa.state.StateStore` (same connection, lock and clock), kept apart because it is
the delivery's concern, not the subscriptions'. Every method is one short transaction.

- `due` lists, oldest first, each chat's oldest pending row when it may be sent now;
- `claim` (`claim_many`) takes rows before sending them: two deliverers (two processes, which
  the bot's instance lock forbids, but a lock can be bypassed) never send the same row;
  `release` gives back those not sent after all;
- `mark_sent` after Telegram accepted it, `retry_later`, `mark_failed`, `deactivate` otherwise;
- `move_chat` when a group became a supergroup with a new id.

Times are the store's clock (wall-clock seconds, they survive restarts). Nothing is ever
scheduled more than `MAX_DELAY` ahead: a row that is was scheduled before the wall clock was
stepped back, and is treated as due rather than left waiting for hours.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection, Sequence
from contextlib import AbstractContextManager
from typing import Any

from .state_schema import OutboxRow

__all__ = ["MAX_DELAY", "OutboxDelivery"]

MAX_DELAY = 900.0
# A time column is "now or earlier", or further ahead than MAX_DELAY (the clock stepped back).
_NOW_OR_STEPPED = "({column} <= ? OR {column} > ?)"


class OutboxDelivery:
    """Outbox queries for the delivery job; `StateStore` provides the three members below."""

    _clock: Callable[[], float]

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def _read(self, sql: str, params: Sequence[object] = ()) -> list[Any]:
        raise NotImplementedError

    def due(
        self, *, limit: int, exclude: Collection[int] = (), only: Collection[int] | None = None
    ) -> list[OutboxRow]:
        """Pending rows to send now, oldest first, at most one per chat (its oldest pending row,
        so that a chat's messages keep their order); chats in `exclude` are skipped, and with
        `only` every other chat. A row another deliverer claimed is not due (nor, so, its chat)."""
        skip = sorted(set(exclude))
        keep = None if only is None else sorted(set(only))
        where = f"AND chat_id NOT IN ({','.join('?' * len(skip))})" if skip else ""
        if keep is not None:
            where += f" AND chat_id IN ({','.join('?' * len(keep))})"
        now = self._clock()
        rows = self._read(
            f"""SELECT o.id, o.chat_id, o.text, o.attempts FROM outbox o
                JOIN (SELECT MIN(id) AS id FROM outbox WHERE status = 'pending' {where}
                      GROUP BY chat_id) h
                  ON o.id = h.id
                WHERE {_NOW_OR_STEPPED.format(column="o.next_attempt_at")}
                  AND (o.claimed_until IS NULL OR {_NOW_OR_STEPPED.format(column="o.claimed_until")})
                ORDER BY o.id LIMIT ?""",
            (*skip, *(keep or ()), now, now + MAX_DELAY, now, now + MAX_DELAY, limit),
        )
        return [OutboxRow(int(i), int(c), str(t), int(a)) for i, c, t, a in rows]

    def claim(self, row_id: int, lease: float) -> bool:
        """Take the row for sending, for `lease` seconds at most; False when another deliverer
        holds it or it is no longer pending. Only the deliverer that claimed a row sends it."""
        return bool(self.claim_many([row_id], lease))

    def claim_many(self, row_ids: Collection[int], lease: float) -> list[int]:
        """`claim` for several rows in one transaction; returns the ids this caller now holds."""
        now = self._clock()
        until = now + min(lease, MAX_DELAY)
        free = f"status = 'pending' AND (claimed_until IS NULL OR {_NOW_OR_STEPPED.format(column='claimed_until')})"
        with self._write() as db:
            return [
                i
                for i in row_ids
                if db.execute(
                    f"UPDATE outbox SET claimed_until = ? WHERE id = ? AND {free}", (until, i, now, now + MAX_DELAY)
                ).rowcount
            ]

    def release(self, row_ids: Collection[int]) -> None:
        """Give back claims on rows this caller did not send after all."""
        with self._write() as db:
            db.executemany("UPDATE outbox SET claimed_until = NULL WHERE id = ?", [(i,) for i in row_ids])

    def release_claims(self) -> int:
        """Forget every claim: at start, by the process that holds the instance lock, the claims
        left are those of a process that died mid-send. Returns how many rows were claimed."""
        with self._write() as db:
            return int(db.execute("UPDATE outbox SET claimed_until = NULL WHERE claimed_until IS NOT NULL").rowcount)

    def next_attempt_at(self) -> float | None:
        """When the earliest pending row becomes due (None when nothing is pending)."""
        value = self._read("SELECT MIN(next_attempt_at) FROM outbox WHERE status = 'pending'")[0][0]
        return None if value is None else float(value)

    def next_due_in(self) -> float | None:
        """Seconds until a pending row becomes due, by this store's clock (0 when one is due now,
        None when nothing is pending): a deliverer waits that long, on its own clock."""
        now = self._clock()
        value = self._read(
            "SELECT MIN(MAX(next_attempt_at, COALESCE(claimed_until, 0))) FROM outbox WHERE status = 'pending'"
        )[0][0]
        if value is None:
            return None
        wait = float(value) - now
        return 0.0 if wait <= 0 or wait > MAX_DELAY else wait

    def mark_sent(self, *row_ids: int) -> None:
        """Telegram accepted these messages: only now are they sent (one transaction)."""
        with self._write() as db:
            db.executemany(
                "UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, claimed_until = NULL "
                "WHERE id = ? AND status = 'pending'",
                [(self._clock(), i) for i in row_ids],
            )

    def retry_later(self, row_id: int, error: str, delay: float, *, count: bool = True) -> None:
        """Keep the row pending, due again after `delay` seconds (at most MAX_DELAY); `count`
        spends an attempt (a 429 does not: Telegram asked us to wait, the message is not at fault)."""
        with self._write() as db:
            db.execute(
                "UPDATE outbox SET attempts = attempts + ?, last_error = ?, next_attempt_at = ?, "
                "claimed_until = NULL WHERE id = ? AND status = 'pending'",
                (int(count), error[:500], self._clock() + min(max(delay, 0.0), MAX_DELAY), row_id),
            )

    def mark_failed(self, row_id: int, reason: str) -> None:
        with self._write() as db:
            db.execute(
                "UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ?, "
                "claimed_until = NULL WHERE id = ? AND status = 'pending'",
                (reason[:500], row_id),
            )

    def deactivate(self, chat_id: int, reason: str) -> int:
        """The chat blocked us or is gone: inactive, its pending rows dropped; returns them."""
        with self._write() as db:
            db.execute(
                "UPDATE users SET active = 0, inactive_reason = ? WHERE chat_id = ?",
                (reason[:500], chat_id),
            )
            return int(
                db.execute(
                    "UPDATE outbox SET status = 'dropped', last_error = ? WHERE chat_id = ? AND status = 'pending'",
                    (reason[:500], chat_id),
                ).rowcount
            )

    def move_chat(self, old: int, new: int) -> int:
        """A group became a supergroup with a new id: its user row, subscriptions and notices
        (pending ones included) follow it, in one transaction. Returns the rows moved; 0 when
        the old chat is unknown (or already moved: the error and the service message both
        report a migration)."""
        with self._write() as db:
            known = db.execute("SELECT first_seen, last_seen FROM users WHERE chat_id = ?", (old,)).fetchone()
            moved = int(db.execute("UPDATE outbox SET chat_id = ? WHERE chat_id = ?", (new, old)).rowcount)
            if known is None:
                return moved
            db.execute(
                "INSERT INTO users(chat_id, first_seen, last_seen) VALUES (?, ?, ?) "
                "ON CONFLICT(chat_id) DO UPDATE SET active = 1, inactive_reason = NULL",
                (new, known[0], known[1]),
            )
            subscriptions = "UPDATE OR IGNORE subscriptions SET chat_id = ? WHERE chat_id = ?"
            moved += int(db.execute(subscriptions, (new, old)).rowcount)
            db.execute("DELETE FROM users WHERE chat_id = ?", (old,))  # and, by cascade, what did not move
        return moved + 1

    def outbox_counts(self) -> dict[str, int]:
        rows = self._read("SELECT status, COUNT(*) FROM outbox GROUP BY status")
        return {str(s): int(n) for s, n in rows}
