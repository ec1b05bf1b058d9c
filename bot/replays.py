"""An update Telegram (or anyone who knows the webhook's secret) sends twice is handled once.

Telegram redelivers a webhook update when it did not get a timely 200, and a replayed request
would be answered again: a second answer, a second subscription toggle. The first handler group
(`REPLAY_GROUP`, before every other) stops an update whose id was seen recently.
"""

from __future__ import annotations

from collections import deque

from telegram import Update
from telegram.ext import ApplicationHandlerStop, TypeHandler

from .logs import log_event
from .services import Ctx

__all__ = ["REPLAY_GROUP", "RecentUpdates", "handler"]

REPLAY_GROUP = -1
WINDOW = 10_000  # update ids remembered; Telegram redelivers within hours, not thousands of updates


class RecentUpdates:
    def __init__(self, window: int = WINDOW) -> None:
        self._order: deque[int] = deque()
        self._seen: set[int] = set()
        self._window = window

    def first_time(self, update_id: int) -> bool:
        """True the first time an id is seen (and remember it), False for a replay."""
        if update_id in self._seen:
            return False
        self._seen.add(update_id)
        self._order.append(update_id)
        if len(self._order) > self._window:
            self._seen.discard(self._order.popleft())
        return True


def handler(recent: RecentUpdates) -> TypeHandler[Update, Ctx, None]:
    async def reject_replays(update: Update, context: Ctx) -> None:
        if not recent.first_time(update.update_id):
            log_event("update", result="replay_ignored")
            raise ApplicationHandlerStop

    return TypeHandler(Update, reject_replays)
