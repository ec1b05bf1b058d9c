"""The Application's life cycle: post_init, post_shutdown, logging of secrets, degraded start."""

from __future__ import annotations

from pathlib import Path

import pytest
from telegram import Update

from bot.app import build_application
from bot.instance import InstanceLock
from bot.settings import Settings
from qa import Engine
from qa.state import StateStore

from ..conftest import KNOWLEDGE
from .conftest import Harness
from .fakes import TOKEN, FakeRequest, text_update


@pytest.mark.asyncio
async def test_post_init_loads_the_engine_from_the_settings_and_survives_a_refused_menu(
    facts_db: Path, tmp_path: Path
) -> None:
    request = FakeRequest()
    request.errors["setMyCommands"] = (400, "Bad Request: too many requests today")
    app = build_application(
        Settings(token=TOKEN, facts_db=facts_db, knowledge=KNOWLEDGE, state_db=tmp_path / "state.db"),
        request=request,
        get_updates_request=FakeRequest(),
        rate_limiter=False,
    )
    await app.initialize()
    assert app.post_init is not None and app.post_shutdown is not None
    await app.post_init(app)
    assert isinstance(app.bot_data.engine, Engine)
    await app.process_update(Update.de_json(text_update("contact UNAFO"), app.bot))
    assert "union-habitat.org" in request.sent()[-1]["text"]
    await app.shutdown()
    await app.post_shutdown(app)


@pytest.mark.asyncio
async def test_post_shutdown_flushes_and_closes_the_state_store_and_releases_the_lock(harness: Harness) -> None:
    state = harness.app.bot_data.state
    assert state is not None and harness.app.bot_data.instance is not None
    await harness.feed(text_update("qui est le président"))
    assert harness.app.post_shutdown is not None
    await harness.app.post_shutdown(harness.app)
    assert harness.app.bot_data.state is None and harness.app.bot_data.instance is None
    with StateStore.open(state.store.path) as store:  # flushed before closing
        assert store.stats().questions == {"clarify": 1}
    InstanceLock.acquire(state.store.path).release()  # released: another bot may start


@pytest.mark.asyncio
async def test_a_failing_question_log_does_not_hide_the_answer(harness: Harness) -> None:
    class BrokenStore:
        def log_question(self, text: str, status: str) -> None:
            raise OSError("disk full")

    mine, harness.app.bot_data.state = harness.app.bot_data.state, BrokenStore()  # type: ignore[assignment]
    replies = await harness.replies(text_update("contact UNAFO"))
    harness.app.bot_data.state = mine
    assert len(replies) == 1 and "union-habitat.org" in replies[0]["text"]
