"""The bot's budget of Bot API calls, within Telegram's limits, and who handles a 429.

Telegram lets a bot send about 30 messages per second overall and 20 per minute to one group;
beyond, it answers 429 (`RetryAfter`). Every call with a `chat_id` goes through one shared
budget (`Budget`, a python-telegram-bot rate limiter):

- answers, notices, edits wait for their turn (overall, and per group);
- the "typing..." indicator (`sendChatAction`) is a courtesy, not an answer: it is sent only
  while at least half of the budget is free, and skipped otherwise, so that under a burst of
  questions the budget goes to answers (a burst used to spend half of it on indicators);
- a 429 pauses every call for `retry_after`. Whoever made the call owns the retry, once:
  the limiter retries a handler's reply (`retries`, by default once), while the delivery job
  passes `NO_RETRY` and handles the 429 itself (it keeps the row pending and paces the
  broadcast), so that no message is retried by two layers.

`retry_after_seconds` reads Telegram's delay from the public `RetryAfter.retry_after`.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
import logging
import warnings
from collections.abc import Callable, Coroutine
from typing import Any, TypeAlias

from aiolimiter import AsyncLimiter
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

__all__ = ["NO_RETRY", "Budget", "RateLimitArgs", "retry_after_seconds"]

log = logging.getLogger(__name__)

RateLimitArgs: TypeAlias = dict[str, int]
NO_RETRY: RateLimitArgs = {"retries": 0}
CHAT_ACTION = "sendChatAction"
JSONResult: TypeAlias = Any  # what a Bot API call returns (bool, a dict, a list of dicts)


def retry_after_seconds(error: RetryAfter) -> float:
    """Seconds Telegram asks to wait. `retry_after` is an int or a timedelta in PTB 22 (the
    int form is deprecated, with a warning, unless PTB_TIMEDELTA is set): both are read."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


class Budget(BaseRateLimiter[RateLimitArgs]):
    def __init__(
        self,
        rate: float = 30,
        period: float = 1.0,
        group_rate: float = 20,
        group_period: float = 60.0,
        retries: int = 1,
        spare: float = 0.5,
    ) -> None:
        self._overall = AsyncLimiter(rate, period)
        self._group_rate, self._group_period = group_rate, group_period
        self._groups: dict[int | str, AsyncLimiter] = {}
        self._retries = retries
        self._spare = rate * spare  # what must be free for a "typing..." indicator
        self._clear = asyncio.Event()  # cleared while Telegram asked us to wait
        self._clear.set()

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    def _group(self, chat_id: object) -> AsyncLimiter | None:
        with contextlib.suppress(TypeError, ValueError):
            chat_id = int(chat_id)  # type: ignore[call-overload]
        if not ((isinstance(chat_id, int) and chat_id < 0) or isinstance(chat_id, str)):
            return None  # a private chat: only the overall budget
        if len(self._groups) > 512:  # forget groups whose budget is entirely free again
            for key, limiter in list(self._groups.items()):
                if limiter.has_capacity(limiter.max_rate):
                    del self._groups[key]
        return self._groups.setdefault(chat_id, AsyncLimiter(self._group_rate, self._group_period))

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: RateLimitArgs | None,
    ) -> JSONResult:
        chat_id = data.get("chat_id")
        if chat_id is None:  # getMe, answerCallbackQuery, answerInlineQuery...: not messages
            return await callback(*args, **kwargs)
        if endpoint == CHAT_ACTION:
            if not self._clear.is_set() or not self._overall.has_capacity(self._spare):
                return True  # no time to spare: the answer itself is on its way
            await self._overall.acquire()
            return await callback(*args, **kwargs)
        retries = self._retries if rate_limit_args is None else rate_limit_args.get("retries", self._retries)
        group = self._group(chat_id)
        for attempt in range(retries + 1):
            await self._clear.wait()
            try:
                async with group or contextlib.nullcontext(), self._overall:
                    return await callback(*args, **kwargs)
            except RetryAfter as error:
                if attempt == retries:
                    raise
                delay = retry_after_seconds(error)
                log.info("429 from Telegram: every call waits %.1f s", delay)
                self._clear.clear()
                try:
                    await asyncio.sleep(delay)
                finally:
                    self._clear.set()
        raise AssertionError("unreachable: the last attempt returns or raises")
