"""What the bot remembers about each chat, in memory only.

- the engine's `Context` of the last question, for follow-ups ("et l'année d'avant ?"),
  forgotten after `CONTEXT_TTL` seconds without a message;
- the questions behind the buttons it sent whose text does not fit in Telegram's 64 bytes
  of callback data (`q:<number>`), kept a day and at most `MAX_QUESTIONS` per chat.

Nothing here survives a restart: a button issued before it gets a polite notice.
The clock is injectable, so tests never sleep.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from qa import Context

__all__ = ["CONTEXT_TTL", "Conversations"]

CONTEXT_TTL = 15 * 60.0
CHAT_TTL = 24 * 3600.0
MAX_QUESTIONS = 64
_SWEEP_EVERY = 1024  # writes between two sweeps of idle chats


@dataclass(frozen=True)
class _Chat:
    seen: float
    context: Context | None = None
    questions: tuple[tuple[int, str], ...] = field(default=())
    next_id: int = 0


class Conversations:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._chats: dict[int, _Chat] = {}
        self._writes = 0

    def __len__(self) -> int:
        return len(self._chats)

    def context(self, chat_id: int) -> Context | None:
        """The context of the chat's last question, or None after 15 minutes of silence."""
        chat = self._chats.get(chat_id)
        if chat is None or self._clock() - chat.seen > CONTEXT_TTL:
            return None
        return chat.context

    def remember(self, chat_id: int, context: Context) -> None:
        self._put(chat_id, replace(self._get(chat_id), context=context, seen=self._clock()))

    def forget(self, chat_id: int) -> None:
        self._chats.pop(chat_id, None)

    def register_question(self, chat_id: int, question: str) -> int:
        """Keep `question` behind a button; returns the number that goes in its callback data."""
        chat = self._get(chat_id)
        for number, known in chat.questions:
            if known == question:
                return number
        questions = (*chat.questions, (chat.next_id, question))[-MAX_QUESTIONS:]
        self._put(chat_id, replace(chat, questions=questions, next_id=chat.next_id + 1))
        return chat.next_id

    def question(self, chat_id: int, number: int) -> str | None:
        chat = self._chats.get(chat_id)
        if chat is None or self._clock() - chat.seen > CHAT_TTL:
            return None
        return dict(chat.questions).get(number)

    def _get(self, chat_id: int) -> _Chat:
        chat = self._chats.get(chat_id)
        now = self._clock()
        if chat is None or now - chat.seen > CHAT_TTL:
            return _Chat(seen=now)
        if now - chat.seen > CONTEXT_TTL:
            chat = replace(chat, context=None)
        return chat

    def _put(self, chat_id: int, chat: _Chat) -> None:
        self._chats[chat_id] = chat
        self._writes += 1
        if self._writes % _SWEEP_EVERY == 0:
            self.sweep()

    def sweep(self) -> None:
        """Drop the chats idle for more than a day (memory stays bounded by active chats)."""
        now = self._clock()
        for chat_id in [c for c, chat in self._chats.items() if now - chat.seen > CHAT_TTL]:
            del self._chats[chat_id]
