"""Issue 12 and the delivery job: two deliverers on one outbox, a group upgraded mid-broadcast,
a wall clock stepped back, a token rejected mid-broadcast, and who retries a 429.

Time is fake (FakeClock): sleeps are instant, no test waits for real.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from telegram.error import InvalidToken

from bot.app import build_application
from bot.delivery import Deliverer, Limits
from bot.ratelimit import Budget
from bot.settings import Settings
from bot.state import AsyncState
from qa import Engine
from qa.state import StateStore

from .delivery_fakes import FakeClock, ScriptedRequest, failure
from .fakes import TOKEN, FakeRequest
from .test_delivery import start_bot, stop_bot

GROUP, SUPERGROUP = -4001, -1004001


@pytest.fixture(autouse=True)
def _timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # RetryAfter without PTB's int->timedelta warning


def outbox(path: Path) -> list[tuple[int, str, int, str | None]]:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT chat_id, status, attempts, last_error FROM outbox ORDER BY id").fetchall()


@pytest.mark.asyncio
async def test_two_deliverers_on_one_outbox_send_each_notice_once(tmp_path: Path, engine: Engine) -> None:
    """What the instance lock prevents, the claims make harmless: 100 notices, 100 messages."""
    state_db, clock = tmp_path / "state.db", FakeClock()
    with StateStore.open(state_db) as store:
        for chat in range(1000, 1100):
            store.subscribe(chat, "topic-2")
        store.queue_announcement("topic-2", "Annonce")
    one = await start_bot(state_db, engine, clock, Limits(in_flight=4, batch=10))
    two = await start_bot(state_db, engine, clock, Limits(in_flight=4, batch=10))  # same database, another connection
    try:
        await asyncio.gather(one.deliverer.drain(), two.deliverer.drain())
        counts = Counter(c for bot in (one, two) for c, _, _ in bot.request.delivered)
        assert sorted(counts) == list(range(1000, 1100)) and set(counts.values()) == {1}
        assert one.request.delivered and two.request.delivered  # both worked, neither twice
        assert one.rows() == {"sent": 100}
    finally:
        await stop_bot(one)
        await stop_bot(two)


@pytest.mark.asyncio
async def test_a_group_upgraded_mid_broadcast_gets_its_notice_at_its_new_id(tmp_path: Path, engine: Engine) -> None:
    clock = FakeClock()
    bot = await start_bot(tmp_path / "state.db", engine, clock)
    try:
        bot.state.store.subscribe(GROUP, ("topic-2", "topic-3"))
        bot.state.store.subscribe(7, "topic-2")
        bot.state.store.queue_announcement("topic-2", "Bonjour")
        bot.state.store.queue_announcement("topic-3", "Et encore")
        migrated = {"ok": False, "error_code": 400, "description": "Bad Request: group chat was upgraded to a supergroup chat",
                    "parameters": {"migrate_to_chat_id": SUPERGROUP}}  # fmt: skip
        bot.request.script[GROUP] = [(400, migrated)]
        report = await bot.deliverer.drain()
        assert bot.request.received(SUPERGROUP) == ["Bonjour", "Et encore"]  # nothing lost, in order
        assert bot.request.received(GROUP) == [] and bot.request.received(7) == ["Bonjour"]
        assert report.dropped == 0 and bot.rows() == {"sent": 3}
        assert bot.state.store.subscriptions(SUPERGROUP) == ("topic-2", "topic-3")
        assert bot.state.store.subscriptions(GROUP) == ()
        assert (await bot.state.user_data(SUPERGROUP)).active
    finally:
        await stop_bot(bot)


@pytest.mark.asyncio
async def test_a_wall_clock_stepped_back_does_not_stall_a_broadcast(tmp_path: Path, engine: Engine) -> None:
    wall, monotonic = FakeClock(), FakeClock(0.0)
    bot = await start_bot(tmp_path / "state.db", engine, wall)
    deliverer = Deliverer(bot.state, bot.app.bot, Limits(), clock=monotonic, sleep=monotonic.sleep)
    try:
        for chat in range(1000, 1090):
            bot.state.store.subscribe(chat, "topic-1")
        bot.state.store.queue_announcement("topic-1", "x")

        class SteppingBack(list[Any]):
            def append(self, item: Any) -> None:
                super().append(item)
                if len(self) == 30:
                    wall.now -= 3600  # NTP steps the wall clock back one hour mid-broadcast

        bot.request.delivered = SteppingBack()
        await deliverer.drain()
        assert len(bot.request.delivered) == 90 and bot.rows() == {"sent": 90}
        assert monotonic.now < 90 / 30 + 2  # paced at 30 per second, never an hour's wait
    finally:
        await stop_bot(bot)


@pytest.mark.asyncio
async def test_a_token_rejected_mid_broadcast_stops_the_bot_and_keeps_the_notice(
    tmp_path: Path, engine: Engine
) -> None:
    bot = await start_bot(tmp_path / "state.db", engine, FakeClock())
    try:
        bot.state.store.subscribe(1000, "topic-2")
        bot.state.store.queue_announcement("topic-2", "x")
        bot.request.script[1000] = [failure(401, "Unauthorized")]
        stops: list[int] = []
        bot.app.bot_data.on_stop(lambda: stops.append(bot.app.bot_data.exit_status))
        with pytest.raises(InvalidToken) as raised:  # not the notice's fault: the job fails
            await bot.deliverer.drain()
        await bot.app.process_error(update=None, error=raised.value)  # what PTB does with a job's error
        assert stops == [1]  # the error handler stopped the bot, exit status 1
        assert outbox(tmp_path / "state.db") == [(1000, "pending", 0, "token rejected")]
    finally:
        await stop_bot(bot)


@pytest.mark.asyncio
async def test_the_delivery_job_alone_handles_the_429s_of_notices(tmp_path: Path, engine: Engine) -> None:
    state_db, clock = tmp_path / "state.db", FakeClock()
    request = ScriptedRequest(clock)
    app = build_application(
        Settings(token=TOKEN, state_db=state_db), engine=engine, request=request, get_updates_request=FakeRequest(),
        rate_limiter=Budget(rate=1000, period=1),  # the bot's budget is on, as in production
    )  # fmt: skip
    await app.initialize()
    state = AsyncState(StateStore.open(state_db, clock=clock))
    app.bot_data.state = state
    assert app.post_init is not None and app.post_shutdown is not None
    await app.post_init(app)
    try:
        state.store.subscribe(1000, "topic-2")
        state.store.queue_announcement("topic-2", "x")
        request.script[1000] = [failure(429, "Too Many Requests: retry after 1", retry_after=1)]
        deliverer = Deliverer(state, app.bot, Limits(), clock=clock, sleep=clock.sleep)
        report = await deliverer.drain()
        assert report.retried == 1 and report.sent == 1  # the job saw the 429: nobody retried underneath
        assert request.received(1000) == ["x"]
        (_, status, attempts, error) = outbox(state_db)[0]
        assert (status, attempts) == ("sent", 1) and str(error).startswith("429: ")  # no attempt spent on it
    finally:
        await app.shutdown()
        await app.post_shutdown(app)
