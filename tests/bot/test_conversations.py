"""Per-chat memory: follow-up context forgotten after 15 minutes idle; button questions."""

from __future__ import annotations

from bot.conversations import CHAT_TTL, CONTEXT_TTL, MAX_QUESTIONS, Conversations
from qa import Context


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_context_is_kept_while_active_and_forgotten_after_15_minutes_idle() -> None:
    clock = Clock()
    conversations = Conversations(clock)
    context = Context(places=("somewhere",), year=2031)
    conversations.remember(1, context)
    clock.now += CONTEXT_TTL - 1
    assert conversations.context(1) == context
    conversations.remember(1, context)  # a new message restarts the 15 minutes
    clock.now += CONTEXT_TTL - 1
    assert conversations.context(1) == context
    clock.now += 2
    assert conversations.context(1) is None
    assert conversations.context(2) is None


def test_button_questions_are_numbered_deduplicated_bounded_and_expire() -> None:
    clock = Clock()
    conversations = Conversations(clock)
    first = conversations.register_question(1, "une question")
    assert conversations.register_question(1, "une question") == first
    assert conversations.question(1, first) == "une question"
    assert conversations.question(2, first) is None  # another chat
    for i in range(MAX_QUESTIONS):
        conversations.register_question(1, f"question {i}")
    assert conversations.question(1, first) is None  # the oldest went
    assert conversations.question(1, first + MAX_QUESTIONS) == f"question {MAX_QUESTIONS - 1}"
    clock.now += CHAT_TTL + 1
    assert conversations.question(1, first + MAX_QUESTIONS) is None


def test_sweep_drops_idle_chats() -> None:
    clock = Clock()
    conversations = Conversations(clock)
    for chat in range(10):
        conversations.remember(chat, Context())
    clock.now += CHAT_TTL + 1
    conversations.remember(99, Context())
    conversations.sweep()
    assert len(conversations) == 1
