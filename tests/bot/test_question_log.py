"""The question log: typed questions and question buttons, no user id; purged after N days."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest
from telegram.ext import CallbackContext

from bot import retention
from bot.settings import Settings
from bot.state import AsyncState
from qa.state import StateStore

from .conftest import Harness
from .fakes import buttons, callback_update, text_update

DAY = 86400.0


class Recorder:
    def __init__(self) -> None:
        self.logged: list[tuple[str, str]] = []

    def log_question(self, text: str, status: str) -> None:
        self.logged.append((text, status))


@pytest.mark.asyncio
async def test_question_buttons_are_logged_like_typed_questions(harness: Harness) -> None:
    store = Recorder()
    mine, harness.app.bot_data.state = harness.app.bot_data.state, store  # type: ignore[assignment]
    start = (await harness.replies(text_update("/start")))[0]
    example_label, example_data = buttons(start)[0]
    assert example_data.startswith("t:")
    await harness.feed(callback_update(example_data))
    first = (await harness.replies(text_update("combien de logements réhabilités en 2021")))[0]
    await harness.feed(callback_update(buttons(first)[0][1]))  # f: a fact, not a question
    await harness.feed(callback_update("q:404"))  # expired
    harness.app.bot_data.state = mine
    assert store.logged == [
        (example_data[2:], "answered"),
        ("combien de logements réhabilités en 2021", "answered"),
    ]


def settings_with(days: int) -> Settings:
    return Settings(question_log_days=days)


@pytest.mark.asyncio
async def test_the_purge_job_keeps_the_retention_period(
    harness: Harness, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    now = [1_000 * DAY]
    store = StateStore.open(tmp_path / "state.db", clock=lambda: now[0])
    for age in (200, 91, 89, 0):
        now[0] = 1_000 * DAY - age * DAY
        store.log_question(f"asked {age} days ago", "unknown")
    now[0] = 1_000 * DAY
    mine = harness.app.bot_data.state
    harness.app.bot_data.state = AsyncState(store)
    harness.app.bot_data.settings = settings_with(90)
    caplog.set_level(logging.INFO, logger="bot.events")
    await retention.purge_question_log(CallbackContext(harness.app))
    harness.app.bot_data.state = mine
    store.close()
    with sqlite3.connect(tmp_path / "state.db") as db:
        kept = [text for (text,) in db.execute("SELECT text FROM question_log ORDER BY asked_at")]
    assert kept == ["asked 89 days ago", "asked 0 days ago"]
    assert "event=purge table=questions days=90 deleted=2" in caplog.text


@pytest.mark.asyncio
async def test_the_purge_is_scheduled_at_start_and_daily(harness: Harness) -> None:
    queue = harness.app.job_queue
    assert queue is not None
    (start,) = queue.get_jobs_by_name(retention.START_JOB)
    (daily,) = queue.get_jobs_by_name(retention.DAILY_JOB)
    assert start.callback is daily.callback is retention.purge_question_log
    assert start.job.misfire_grace_time is None  # runs however late the scheduler starts
    assert daily.job.trigger.interval.total_seconds() == DAY


@pytest.mark.asyncio
async def test_a_failing_purge_is_logged_and_the_bot_goes_on(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    class Broken:
        async def purge_questions(self, older_than_days: float) -> int:
            raise OSError("database is locked")

    mine = harness.app.bot_data.state
    harness.app.bot_data.state = Broken()  # type: ignore[assignment]
    await retention.purge_question_log(CallbackContext(harness.app))
    assert "could not purge the question log" in caplog.text
    harness.app.bot_data.state = None
    await retention.purge_question_log(CallbackContext(harness.app))
    assert "no state database" in caplog.text
    harness.app.bot_data.state = mine


@pytest.mark.asyncio
async def test_questions_are_written_in_batches_and_none_is_lost(tmp_path: Path) -> None:
    state = await AsyncState.open(tmp_path / "state.db")
    for n in range(250):
        state.log_question(f"question {n}", "answered")
    stats = await state.stats()  # flushes first
    assert stats.questions.get("answered") == 250
    state.log_question("la dernière", "unknown")
    await state.close()  # flushes too
    with sqlite3.connect(tmp_path / "state.db") as db:
        assert db.execute("SELECT count(*) FROM question_log").fetchone()[0] == 251
