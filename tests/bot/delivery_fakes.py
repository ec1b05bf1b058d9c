"""Test doubles for the delivery of the outbox: a clock that sleeps instantly, a scripted transport.

Also used by benchmarks/bench_delivery.py and by tests/bot/delivery_child.py (the bot killed
with SIGKILL mid-broadcast).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.request import RequestData

from .fakes import FakeRequest


class Hang:
    """A step: Telegram accepts the message, then the bot never hears back (it crashes there)."""

    def __init__(self) -> None:
        self.reached = asyncio.Event()


Step = tuple[int, dict[str, Any]] | Exception | Hang


class FakeClock:
    """Wall-clock seconds that only move when someone sleeps: no test ever waits for real."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        await asyncio.sleep(0)  # what was scheduled before the sleep runs at the time it was
        self.now += max(seconds, 0.0)


def failure(code: int, description: str, retry_after: int | None = None) -> Step:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return code, body


class ScriptedRequest(FakeRequest):
    """Answers sendMessage like Telegram, except for the steps scripted for a chat (once each).

    `delivered` lists (chat id, text, clock time) of every message Telegram accepted.
    """

    def __init__(self, clock: Callable[[], float] | None = None, *, record: bool = False) -> None:
        super().__init__(record=record)
        self.clock = clock
        self.script: dict[int, list[Step]] = {}
        self.delivered: list[tuple[int, str, float]] = []

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if url.endswith("/sendMessage") and request_data is not None:
            params = request_data.parameters
            chat = int(str(params["chat_id"]))
            steps = self.script.get(chat)
            if steps:
                step = steps.pop(0)
                if isinstance(step, Hang):
                    self.accepted(chat, str(params["text"]))
                    step.reached.set()
                    await asyncio.Event().wait()  # cancelled with the "crashed" task
                if isinstance(step, Exception):
                    raise step
                assert isinstance(step, tuple)
                code, body = step
                return code, json.dumps(body).encode()
            self.accepted(chat, str(params["text"]))
        return await super().do_request(
            url, method, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout
        )

    def accepted(self, chat: int, text: str) -> None:
        self.delivered.append((chat, text, self.clock() if self.clock else 0.0))

    def received(self, chat: int) -> list[str]:
        return [text for c, text, _ in self.delivered if c == chat]
