"""The Application's life cycle: post_init, post_shutdown, logging of secrets, degraded start."""

from __future__ import annotations

from pathlib import Path

import pytest
from telegram import Update

from bot.app import build_application
from bot.settings import Settings
from qa import Engine

from .conftest import Harness
from .fakes import TOKEN, FakeRequest, text_update


@pytest.mark.asyncio
async def test_post_init_loads_the_engine_and_survives_a_refused_menu(
    facts_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QA_FACTS_DB", str(facts_db))
    request = FakeRequest()
    request.errors["setMyCommands"] = (400, "Bad Request: too many requests today")
    app = build_application(
        Settings(token=TOKEN),
        request=request,
        get_updates_request=FakeRequest(),
        rate_limiter=False,
    )
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)
    assert isinstance(app.bot_data["engine"], Engine)
    await app.process_update(Update.de_json(text_update("contact UNAFO"), app.bot))
    assert "union-habitat.org" in request.sent()[-1]["text"]
    await app.shutdown()


@pytest.mark.asyncio
@pytest.mark.parametrize("asynchronous", [False, True])
async def test_post_shutdown_closes_the_state_store(harness: Harness, asynchronous: bool) -> None:
    closed: list[bool] = []
    logged: list[tuple[str, str]] = []

    class SyncStore:
        def log_question(self, text: str, status: str) -> None:
            logged.append((text, status))

        def close(self) -> None:
            closed.append(True)

    class AsyncStore(SyncStore):
        async def close(self) -> None:  # type: ignore[override]
            closed.append(True)

    harness.app.bot_data["state"] = AsyncStore() if asynchronous else SyncStore()
    await harness.feed(text_update("qui est le président"))
    assert logged == [("qui est le président", "clarify")]
    assert harness.app.post_shutdown is not None
    await harness.app.post_shutdown(harness.app)
    assert closed == [True] and "state" not in harness.app.bot_data


@pytest.mark.asyncio
async def test_a_failing_question_log_does_not_hide_the_answer(harness: Harness) -> None:
    class BrokenStore:
        def log_question(self, text: str, status: str) -> None:
            raise OSError("disk full")

    harness.app.bot_data["state"] = BrokenStore()
    replies = await harness.replies(text_update("contact UNAFO"))
    assert len(replies) == 1 and "union-habitat.org" in replies[0]["text"]
