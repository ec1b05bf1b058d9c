"""The state store (`qa.state.StateStore`) for the event loop: every call runs in a thread.

SQLite calls block (a write may wait up to the busy timeout for another process's lock,
`qa publish` for example); running them through `asyncio.to_thread` keeps the bot answering
meanwhile. Kept in `context.bot_data.state`; `bot.app.post_shutdown` awaits `close()`.

A question never waits on the database: `log_question` only appends to a queue, masked
(e-mails, phone numbers); a background task writes the queue in batches, one transaction
(and one thread hop) per batch. If the database refuses a batch (locked for longer than the
busy timeout, disk full) the batch is dropped with one log line: the statistics miss those
questions, the users got their answers. The queue is bounded for the same reason.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection, Mapping
from pathlib import Path

from qa.state import OutboxRow, StateStore, Stats, Target, UserData

from .logs import log_event
from .privacy import mask

__all__ = ["AsyncState"]

log = logging.getLogger(__name__)

MAX_QUEUED_QUESTIONS = 10_000


class AsyncState:
    def __init__(self, store: StateStore) -> None:
        self.store = store
        self._questions: list[tuple[str, str]] = []
        self._flushing: asyncio.Task[None] | None = None

    @classmethod
    async def open(cls, path: Path) -> AsyncState:
        return cls(await asyncio.to_thread(StateStore.open, path))

    async def close(self) -> None:
        await self.flush_questions()
        await asyncio.to_thread(self.store.close)

    # subscriptions
    async def subscribe(self, chat_id: int, target: Target) -> tuple[str, ...]:
        return await asyncio.to_thread(self.store.subscribe, chat_id, target)

    async def unsubscribe(self, chat_id: int, target: Target) -> tuple[str, ...]:
        return await asyncio.to_thread(self.store.unsubscribe, chat_id, target)

    async def toggle(self, chat_id: int, topic: str) -> bool:
        return await asyncio.to_thread(self.store.toggle, chat_id, topic)

    async def subscriptions(self, chat_id: int) -> tuple[str, ...]:
        return await asyncio.to_thread(self.store.subscriptions, chat_id)

    async def adopt_legacy(self, numbering: Mapping[int, str]) -> int:
        return await asyncio.to_thread(self.store.adopt_legacy, numbering)

    async def move_chat(self, old: int, new: int) -> int:
        return await asyncio.to_thread(self.store.move_chat, old, new)

    # outbox
    async def queue_announcement(self, target: Target, text: str) -> int:
        return await asyncio.to_thread(self.store.queue_announcement, target, text)

    async def due(
        self, *, limit: int, exclude: Collection[int] = (), only: Collection[int] | None = None
    ) -> list[OutboxRow]:
        return await asyncio.to_thread(self.store.due, limit=limit, exclude=exclude, only=only)

    async def claim(self, row_id: int, lease: float) -> bool:
        return await asyncio.to_thread(self.store.claim, row_id, lease)

    async def claim_many(self, row_ids: Collection[int], lease: float) -> list[int]:
        return await asyncio.to_thread(self.store.claim_many, row_ids, lease)

    async def release(self, row_ids: Collection[int]) -> None:
        await asyncio.to_thread(self.store.release, row_ids)

    async def release_claims(self) -> int:
        return await asyncio.to_thread(self.store.release_claims)

    async def next_due_in(self) -> float | None:
        return await asyncio.to_thread(self.store.next_due_in)

    async def mark_sent(self, *row_ids: int) -> None:
        await asyncio.to_thread(self.store.mark_sent, *row_ids)

    async def retry_later(self, row_id: int, error: str, delay: float, *, count: bool = True) -> None:
        await asyncio.to_thread(self.store.retry_later, row_id, error, delay, count=count)

    async def mark_failed(self, row_id: int, reason: str) -> None:
        await asyncio.to_thread(self.store.mark_failed, row_id, reason)

    async def deactivate(self, chat_id: int, reason: str) -> int:
        return await asyncio.to_thread(self.store.deactivate, chat_id, reason)

    # personal data, questions, statistics
    async def user_data(self, chat_id: int) -> UserData:
        return await asyncio.to_thread(self.store.user_data, chat_id)

    async def forget_user(self, chat_id: int) -> bool:
        return await asyncio.to_thread(self.store.forget_user, chat_id)

    def log_question(self, text: str, status: str) -> None:
        """Queue a question (masked) for the log; never waits. Call it on the event loop."""
        if len(self._questions) >= MAX_QUEUED_QUESTIONS:
            log_event("question_log", level=logging.WARNING, result="dropped", questions=1)
            return
        self._questions.append((mask(text), status))
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.get_running_loop().create_task(self._write_questions())

    async def flush_questions(self) -> None:
        """Wait until every queued question is written or dropped (before /stats, at shutdown)."""
        while self._flushing is not None and not self._flushing.done():
            await asyncio.shield(self._flushing)
        if self._questions:
            await self._write_questions()

    async def _write_questions(self) -> None:
        """Never raises: a batch the database refuses is dropped with a log line."""
        while self._questions:
            batch, self._questions = self._questions, []
            try:
                await asyncio.to_thread(self.store.log_questions, batch)
            except Exception as e:  # noqa: BLE001 - the answers went out; only statistics are lost
                error = type(e).__name__
                log_event("question_log", level=logging.WARNING, result="dropped", questions=len(batch), error=error)

    async def purge_questions(self, older_than_days: float) -> int:
        return await asyncio.to_thread(self.store.purge_questions, older_than_days)

    async def stats(self, days: int = 7) -> Stats:
        await self.flush_questions()
        return await asyncio.to_thread(self.store.stats, days)
