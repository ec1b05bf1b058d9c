"""Delivery of the outbox through the real Application and a scripted transport.

Time is a FakeClock shared by the state store and the deliverer: sleeps are instant, so no
test depends on the machine's speed. One test kills a real bot process with SIGKILL.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from telegram import Update
from telegram.error import TimedOut

from bot.app import App, build_application
from bot.delivery import JOB_NAME, Deliverer, Limits
from bot.settings import Settings
from bot.state import AsyncState
from qa import Engine
from qa.state import StateStore

from .delivery_fakes import FakeClock, Hang, ScriptedRequest, failure
from .fakes import ADMIN_ID, TOKEN, FakeRequest, text_update

ROOT = Path(__file__).resolve().parents[2]
A, B, C = 201, 202, 203  # A follows topic 2, B topic 3, C topics 2 and 3 (/abonner 2 3)


@dataclass
class Bot:
    app: App
    request: ScriptedRequest
    state: AsyncState
    deliverer: Deliverer
    clock: FakeClock

    async def say(self, text: str, chat: int) -> None:
        """A command; its reply is not a notification, so it is not kept in `delivered`."""
        before = len(self.request.delivered)
        await self.app.process_update(Update.de_json(text_update(text, chat_id=chat, user_id=chat), self.app.bot))
        del self.request.delivered[before:]

    def rows(self) -> dict[str, int]:
        counts: dict[str, int] = self.state.store.outbox_counts()
        return counts


async def start_bot(state_db: Path, engine: Engine, clock: FakeClock, limits: Limits | None = None) -> Bot:
    request = ScriptedRequest(clock)
    settings = Settings(token=TOKEN, admin_ids=frozenset({ADMIN_ID}), state_db=state_db)
    app = build_application(
        settings, engine=engine, request=request, get_updates_request=FakeRequest(), rate_limiter=False
    )
    await app.initialize()
    state = AsyncState(StateStore.open(state_db, clock=clock))
    app.bot_data.state = state  # post_init keeps it: the store runs on the fake clock
    assert app.post_init is not None
    await app.post_init(app)
    deliverer = Deliverer(state, app.bot, limits or Limits(), clock=clock, sleep=clock.sleep)
    app.bot_data.deliverer = deliverer  # the job uses it
    return Bot(app, request, state, deliverer, clock)


async def stop_bot(bot: Bot) -> None:
    await bot.app.shutdown()
    assert bot.app.post_shutdown is not None
    await bot.app.post_shutdown(bot.app)  # closes the state store


@pytest_asyncio.fixture
async def bot(tmp_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Bot]:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # RetryAfter without PTB's int->timedelta warning
    b = await start_bot(tmp_path / "state.db", engine, FakeClock())
    await b.say("/abonner 2", A)
    await b.say("/abonner 3", B)
    await b.say("/abonner 2 3", C)
    try:
        yield b
    finally:
        await stop_bot(b)


# ----------------------------------------------------------------- done when
@pytest.mark.asyncio
async def test_a_subscriber_of_topic_2_gets_one_copy_of_its_announcement_and_none_for_topic_3(bot: Bot) -> None:
    await bot.say("/annonce 2 Étude sur la réhabilitation", ADMIN_ID)
    report = await bot.deliverer.drain()
    assert report.sent == 2
    assert len(bot.request.received(A)) == 1 and "Étude sur la réhabilitation" in bot.request.received(A)[0]
    assert bot.request.received(B) == [] and len(bot.request.received(C)) == 1
    await bot.say("/annonce 3 Nouveau dispositif", ADMIN_ID)
    await bot.deliverer.drain()
    assert len(bot.request.received(A)) == 1  # nothing for topic 3
    assert len(bot.request.received(B)) == 1 and len(bot.request.received(C)) == 2
    assert bot.rows() == {"sent": 4}
    assert await bot.deliverer.drain() == type(report)()  # nothing left: nothing sent twice


@pytest.mark.asyncio
async def test_the_job_is_scheduled_and_drains_through_the_job_queue(bot: Bot) -> None:
    assert bot.app.job_queue is not None
    (job,) = bot.app.job_queue.get_jobs_by_name(JOB_NAME)
    await bot.say("/annonce tout Bonjour", ADMIN_ID)
    await job.run(bot.app)  # what the scheduler does every second
    assert sorted(c for c, _, _ in bot.request.delivered) == [A, B, C]
    assert all(s <= 1 / 30 + 1e-6 for s in bot.clock.sleeps)  # only the pacing: 30 per second


# ---------------------------------------------------------------- errors
@pytest.mark.asyncio
async def test_429_waits_retry_after_and_loses_nothing(bot: Bot) -> None:
    bot.request.script[A] = [failure(429, "Too Many Requests: retry after 7", retry_after=7)]
    await bot.say("/annonce 2 x", ADMIN_ID)
    start = bot.clock.now
    report = await bot.deliverer.drain()
    assert report.sent == 2 and report.retried == 1 and report.failed == 0
    assert len(bot.request.received(A)) == 1 and len(bot.request.received(C)) == 1
    (sent_at,) = [t for chat, _, t in bot.request.delivered if chat == A]
    assert sent_at - start >= 7  # it waited what Telegram asked
    (attempts, error) = (
        sqlite3.connect(bot.state.store.path)
        .execute("SELECT attempts, last_error FROM outbox WHERE chat_id = ?", (A,))
        .fetchone()
    )
    assert attempts == 1 and error.startswith("429")  # the 429 spent no attempt


@pytest.mark.asyncio
async def test_network_errors_and_5xx_are_retried_with_backoff(bot: Bot) -> None:
    bot.request.script[A] = [failure(500, "Internal Server Error"), TimedOut(), failure(502, "Bad Gateway")]
    await bot.say("/annonce 2 x", ADMIN_ID)
    start = bot.clock.now
    report = await bot.deliverer.drain()
    assert report.sent == 2 and report.retried == 3
    assert len(bot.request.received(A)) == 1
    (sent_at,) = [t for chat, _, t in bot.request.delivered if chat == A]
    assert sent_at - start >= 2 + 4 + 8  # exponential backoff between the four attempts
    assert bot.rows() == {"sent": 2}


@pytest.mark.asyncio
async def test_after_bounded_attempts_a_row_fails_with_its_reason_and_the_others_go(bot: Bot) -> None:
    bot.request.script[A] = [failure(500, "Internal Server Error")] * 10
    await bot.say("/annonce 2 x", ADMIN_ID)
    report = await bot.deliverer.drain()
    assert report.failed == 1 and report.sent == 1 and bot.request.received(C)
    (status, attempts, error) = (
        sqlite3.connect(bot.state.store.path)
        .execute("SELECT status, attempts, last_error FROM outbox WHERE chat_id = ?", (A,))
        .fetchone()
    )
    assert (status, attempts) == ("failed", Limits().max_attempts)
    assert "gave up after 6 attempts" in error and "Internal Server Error" in error


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "answer",
    [
        failure(403, "Forbidden: bot was blocked by the user"),
        failure(400, "Bad Request: chat not found"),
        failure(403, "Forbidden: user is deactivated"),
    ],
)
async def test_a_blocked_user_is_deactivated_and_their_pending_rows_dropped(bot: Bot, answer: Any) -> None:
    bot.request.script[C] = [answer]
    await bot.say("/annonce 2 first", ADMIN_ID)
    await bot.say("/annonce 3 second", ADMIN_ID)
    report = await bot.deliverer.drain()
    assert report.dropped == 2 and report.sent == 2  # C's two rows dropped; A and B served
    assert bot.request.received(C) == []
    data = await bot.state.user_data(C)
    assert not data.active and data.messages == {"dropped": 2} and data.inactive_reason
    await bot.say("/annonce tout third", ADMIN_ID)
    await bot.deliverer.drain()
    assert bot.request.received(C) == []  # an inactive user is not queued again
    await bot.say("/abonner 2", C)  # coming back reactivates
    assert (await bot.state.user_data(C)).active


@pytest.mark.asyncio
async def test_a_message_telegram_refuses_fails_at_once(bot: Bot) -> None:
    bot.request.script[A] = [failure(400, "Bad Request: can't parse entities")]
    await bot.say("/annonce 2 x", ADMIN_ID)
    report = await bot.deliverer.drain()
    assert report.failed == 1 and report.sent == 1
    assert (await bot.state.user_data(A)).active  # the user is not at fault


# ---------------------------------------------------------------- limits
@pytest.mark.asyncio
async def test_at_most_30_messages_per_second_and_one_per_second_per_chat(
    tmp_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock()
    bot = await start_bot(tmp_path / "state.db", engine, clock)
    try:
        store = bot.state.store
        for chat in range(1000, 1090):
            store.subscribe(chat, "topic-1")
        for i in range(3):
            store.queue_announcement("topic-1", f"message {i}")
        await bot.deliverer.drain()
        times = sorted(t for _, _, t in bot.request.delivered)
        assert len(times) == 270
        for i in range(len(times) - 30):  # any 31 messages span at least one second
            assert times[i + 30] - times[i] >= 1.0 - 1e-5  # (float rounding at 1.7e9 s)
        assert times[-1] - times[0] < 270 / 30 + 1  # and it does not dawdle: near 30/s
        for chat in (1000, 1045, 1089):
            mine = [(t, text) for c, text, t in bot.request.delivered if c == chat]
            assert [text for _, text in mine] == ["message 0", "message 1", "message 2"]  # in order
            assert all(b[0] - a[0] >= 1.0 - 1e-5 for a, b in zip(mine, mine[1:], strict=False))
    finally:
        await stop_bot(bot)


@pytest.mark.asyncio
async def test_a_job_run_stops_after_its_budget_and_the_next_one_resumes(bot: Bot) -> None:
    for chat in range(1000, 1100):
        bot.state.store.subscribe(chat, "topic-4")
    bot.state.store.queue_announcement("topic-4", "x")
    first = await bot.deliverer.drain(budget=0.9)
    assert 20 <= first.sent <= 30  # ~0.9 s at 30/s
    total = first.sent
    while total < 100:
        total += (await bot.deliverer.drain(budget=0.9)).sent
    assert total == 100 and bot.rows() == {"sent": 100}


# ---------------------------------------------------------- crash, restart
@pytest.mark.asyncio
@pytest.mark.parametrize("in_flight", [1, Limits().in_flight])
async def test_a_broadcast_interrupted_by_a_crash_completes_after_restart(
    tmp_path: Path, engine: Engine, in_flight: int
) -> None:
    state_db = tmp_path / "state.db"
    clock = FakeClock()
    first = await start_bot(state_db, engine, clock, Limits(in_flight=in_flight))
    for chat in range(1000, 1050):
        await first.say("/abonner 1", chat)
    await first.say("/annonce 1 Grande nouvelle", ADMIN_ID)
    hang = Hang()
    first.request.script[1020] = [hang]  # accepted by Telegram, then the crash
    task = asyncio.create_task(first.deliverer.drain())
    await asyncio.wait_for(hang.reached.wait(), timeout=60)
    task.cancel()  # the process dies here: nothing more is sent
    with pytest.raises(asyncio.CancelledError):
        await task
    before = [c for c, _, _ in first.request.delivered]
    await stop_bot(first)
    unmarked = set(before) & pending_chats(state_db)  # accepted by Telegram, not marked sent
    assert 1020 in unmarked and len(unmarked) <= in_flight
    if in_flight == 1:
        assert unmarked == {1020} and len(before) == 21

    second = await start_bot(state_db, engine, FakeClock(clock.now + 5))  # a new Application
    try:
        await second.deliverer.drain()
        counts = Counter(before + [c for c, _, _ in second.request.delivered])
        assert set(counts) == set(range(1000, 1050))  # nothing lost
        assert {c for c, n in counts.items() if n > 1} == unmarked  # only what was in flight, once more
        assert max(counts.values()) == 2
        assert second.rows() == {"sent": 50}
    finally:
        await stop_bot(second)


def pending_chats(state_db: Path) -> set[int]:
    db = sqlite3.connect(state_db)
    chats = {c for (c,) in db.execute("SELECT chat_id FROM outbox WHERE status = 'pending'")}
    db.close()
    return chats


@pytest.mark.slow
@pytest.mark.asyncio
async def test_a_bot_killed_with_sigkill_mid_broadcast_completes_after_restart(
    tmp_path: Path, engine: Engine, facts_db: Path
) -> None:
    state_db, log = tmp_path / "state.db", tmp_path / "accepted.log"
    with StateStore.open(state_db) as store:
        for chat in range(1000, 1040):
            store.subscribe(chat, "topic-2")
        assert store.queue_announcement("topic-2", "Annonce") == 40
    errors = tmp_path / "child.err"  # a file, not a pipe: a chatty child never blocks on it
    with errors.open("wb") as err:
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.bot.delivery_child", str(state_db), str(facts_db), str(log), "15"],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=err,
            env={**os.environ, "PYTHONPATH": str(ROOT), "PTB_TIMEDELTA": "true"},
        )
    try:
        deadline = time.monotonic() + 120  # generous: a slow machine only makes it slower
        while not (log.exists() and len(log.read_text().split()) >= 16):
            assert child.poll() is None, errors.read_text()
            assert time.monotonic() < deadline, f"16 messages not delivered in 120 s: {errors.read_text()}"
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)  # mid-broadcast: the 16th message is in flight
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL
    before = [int(line) for line in log.read_text().split()]
    unmarked = set(before) & pending_chats(state_db)  # accepted by Telegram, not marked sent
    assert 1 <= len(unmarked) <= Limits().in_flight
    assert len(before) - len(unmarked) == 40 - len(pending_chats(state_db))  # sent = accepted and marked

    clock = FakeClock(time.time() + 1)
    again = await start_bot(state_db, engine, clock)
    try:
        await again.deliverer.drain()
        counts = Counter(before + [c for c, _, _ in again.request.delivered])
        assert set(counts) == set(range(1000, 1040))  # nothing lost
        assert {c for c, n in counts.items() if n > 1} == unmarked  # only what was in flight, once more
        assert max(counts.values()) == 2
        assert again.rows() == {"sent": 40}
    finally:
        await stop_bot(again)
