"""The real Application over a fake transport, initialised as `run_polling` would do it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest_asyncio
from telegram import Update

from bot.app import App, build_application
from bot.settings import Settings
from qa import Engine

from .fakes import ADMIN_ID, TOKEN, FakeRequest


@dataclass
class Harness:
    app: App
    request: FakeRequest

    async def feed(self, data: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        """Process one update; return the Bot API calls it caused."""
        before = len(self.request.calls)
        await self.app.process_update(Update.de_json(data, self.app.bot))
        return self.request.calls[before:]

    async def replies(self, data: dict[str, Any]) -> list[dict[str, Any]]:
        return [params for name, params in await self.feed(data) if name == "sendMessage"]


@pytest_asyncio.fixture
async def harness(engine: Engine, tmp_path: Path) -> AsyncIterator[Harness]:
    request = FakeRequest()
    # post_init opens the state database: a fresh one per test, never the user's own
    settings = Settings(token=TOKEN, admin_ids=frozenset({ADMIN_ID}), state_db=tmp_path / "state.db")
    app = build_application(
        settings,
        engine=engine,
        request=request,
        get_updates_request=FakeRequest(),
        rate_limiter=False,
    )
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)
    try:
        yield Harness(app, request)
    finally:
        await app.shutdown()
        assert app.post_shutdown is not None
        await app.post_shutdown(app)
