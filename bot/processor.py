"""Updates of different chats are handled concurrently; those of one chat, in order.

python-telegram-bot handles updates one at a time by default: a slow `sendMessage`, or a
subscription waiting for a state database another process holds, delayed every other chat.
With this processor (`ApplicationBuilder.concurrent_updates`), each update runs in its own
task, behind a lock per chat: "et l'année d'avant ?" is still answered after the question it
follows, and a button after the message it belongs to. Updates without a chat (inline
queries) need no order and run at once.

A chat that floods the bot cannot take every slot: beyond `max_backlog` updates waiting in
one chat, its new updates are dropped (one log line each).
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from .logs import log_event

__all__ = ["PerChatProcessor"]

log = logging.getLogger(__name__)

MAX_CONCURRENT = 512
MAX_BACKLOG = 32


class _Chat:
    __slots__ = ("lock", "waiting")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.waiting = 0


class PerChatProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT, max_backlog: int = MAX_BACKLOG) -> None:
        super().__init__(max_concurrent_updates)
        self.max_backlog = max_backlog
        self._chats: dict[int, _Chat] = {}

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat_id = _chat_of(update)
        if chat_id is None:
            await coroutine
            return
        chat = self._chats.setdefault(chat_id, _Chat())
        if chat.waiting >= self.max_backlog:
            if inspect.iscoroutine(coroutine):
                coroutine.close()  # never run: no "never awaited" warning either
            log_event("update", level=logging.WARNING, dropped="backlog", waiting=chat.waiting)
            return
        chat.waiting += 1
        try:
            async with chat.lock:  # asyncio.Lock wakes its waiters in arrival order
                await coroutine
        finally:
            chat.waiting -= 1
            if chat.waiting == 0:
                del self._chats[chat_id]


def _chat_of(update: object) -> int | None:
    if isinstance(update, Update) and update.effective_chat is not None:
        return update.effective_chat.id
    return None
