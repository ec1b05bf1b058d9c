"""bot/processor.py: one chat in order, other chats alongside, a flooding chat bounded."""

from __future__ import annotations

import asyncio
import logging

import pytest
from telegram import Update

from bot.processor import PerChatProcessor

from .fakes import inline_update, text_update


def update(chat: int) -> Update:
    return Update.de_json(text_update("x", chat_id=chat, user_id=chat), None)


@pytest.mark.asyncio
async def test_one_chat_in_order_other_chats_alongside() -> None:
    processor = PerChatProcessor()
    done: list[str] = []
    gate = asyncio.Event()

    async def handle(name: str, wait: bool = False) -> None:
        if wait:
            await gate.wait()
        done.append(name)

    tasks = [
        asyncio.create_task(processor.process_update(update(1), handle("1a", wait=True))),
        asyncio.create_task(processor.process_update(update(1), handle("1b"))),
        asyncio.create_task(processor.process_update(update(2), handle("2a"))),
        asyncio.create_task(processor.process_update(Update.de_json(inline_update("q"), None), handle("inline"))),
    ]
    await asyncio.wait_for(asyncio.gather(tasks[2], tasks[3]), 60)  # not behind chat 1
    assert done == ["2a", "inline"]
    gate.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 60)
    assert done == ["2a", "inline", "1a", "1b"]


@pytest.mark.asyncio
async def test_a_flooding_chat_cannot_take_every_slot(caplog: pytest.LogCaptureFixture) -> None:
    processor = PerChatProcessor(max_concurrent_updates=64, max_backlog=3)
    gate = asyncio.Event()
    handled: list[int] = []

    async def handle(n: int) -> None:
        await gate.wait()
        handled.append(n)

    with caplog.at_level(logging.WARNING, logger="bot.events"):
        tasks = [asyncio.create_task(processor.process_update(update(9), handle(n))) for n in range(10)]
        await asyncio.sleep(0)  # let every task reach the processor
        other = asyncio.create_task(processor.process_update(update(8), asyncio.sleep(0)))
        await asyncio.wait_for(other, 60)
        gate.set()
        await asyncio.wait_for(asyncio.gather(*tasks), 60)
    assert handled == [0, 1, 2]  # the rest of the flood was dropped, each with a log line
    assert caplog.text.count("dropped=backlog") == 7
