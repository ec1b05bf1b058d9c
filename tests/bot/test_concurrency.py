"""Issue 12, defect 7: one slow chat, or a state database another process holds, never delays
the other chats; each chat keeps its order; the budget of Bot API calls goes to answers first.

Updates go through the Application's update processor as PTB's update fetcher sends them (one
task per update). Waits are on events, with a generous deadline, never on time.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import sqlite3
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from telegram import Update
from telegram.error import RetryAfter

from bot.app import App, build_application
from bot.ratelimit import NO_RETRY, Budget, retry_after_seconds
from bot.settings import Settings
from qa import Engine

from .fakes import TOKEN, FakeRequest, text_update

DEADLINE = 60.0
QUESTION = "combien de logements réhabilités en 2021"
SLOW, OTHER = 501, 502


class GatedRequest(FakeRequest):
    """sendMessage to the SLOW chat waits for the gate; every sendMessage is announced."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()
        self.answered: dict[int, asyncio.Event] = {}

    def event(self, chat: int) -> asyncio.Event:
        return self.answered.setdefault(chat, asyncio.Event())

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        data = args[0] if args else kwargs.get("request_data")
        chat = int(data.parameters.get("chat_id", 0)) if data is not None else 0
        if url.endswith("/sendMessage") and chat == SLOW:
            await self.gate.wait()  # a Bot API call that hangs (the network, Telegram)
        result = await super().do_request(url, method, *args, **kwargs)
        if url.endswith("/sendMessage"):
            self.event(chat).set()
        return result


@pytest_asyncio.fixture
async def app(engine: Engine, tmp_path: Path) -> AsyncIterator[App]:
    application = build_application(
        Settings(token=TOKEN, state_db=tmp_path / "state.db"), engine=engine, request=GatedRequest(),
        get_updates_request=FakeRequest(), rate_limiter=False,
    )  # fmt: skip
    await application.initialize()
    assert application.post_init is not None and application.post_shutdown is not None
    await application.post_init(application)
    try:
        yield application
    finally:
        request(application).gate.set()
        await application.shutdown()
        await application.post_shutdown(application)


def request(app: App) -> GatedRequest:
    transport = app.bot.request
    assert isinstance(transport, GatedRequest)
    return transport


def dispatch(app: App, data: dict[str, Any]) -> asyncio.Task[None]:
    """What PTB's update fetcher does with each update: a task through the update processor."""
    update = Update.de_json(data, app.bot)
    return asyncio.create_task(app.update_processor.process_update(update, app.process_update(update)))


def replies(app: App, chat: int) -> list[str]:
    return [str(p["text"]) for p in request(app).sent() if int(p["chat_id"]) == chat]


@pytest.mark.asyncio
async def test_a_slow_chat_delays_no_other_and_keeps_its_own_order(app: App) -> None:
    first = dispatch(app, text_update(QUESTION, chat_id=SLOW, user_id=SLOW))
    follow_up = dispatch(app, text_update("et dans l'Aisne ?", chat_id=SLOW, user_id=SLOW))
    other = dispatch(app, text_update("contact UNAFO", chat_id=OTHER, user_id=OTHER))
    await asyncio.wait_for(request(app).event(OTHER).wait(), DEADLINE)  # answered meanwhile
    await other
    assert replies(app, SLOW) == [] and not follow_up.done()  # the follow-up waits its turn
    request(app).gate.set()
    await asyncio.wait_for(asyncio.gather(first, follow_up), DEADLINE)
    slow = replies(app, SLOW)
    assert len(slow) == 2 and "3\u202f616" in slow[0] and "1\u202f000" in slow[1]  # in order


@pytest.mark.asyncio
async def test_a_state_database_held_by_another_process_delays_no_question(app: App, tmp_path: Path) -> None:
    holder = sqlite3.connect(tmp_path / "state.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # `qa publish` in a long transaction, say
    try:
        subscribing = dispatch(app, text_update("/abonner 2", chat_id=SLOW + 10, user_id=SLOW + 10))
        asking = dispatch(app, text_update(QUESTION, chat_id=OTHER, user_id=OTHER))
        await asyncio.wait_for(asking, DEADLINE)
        assert "3\u202f616" in replies(app, OTHER)[0] and not subscribing.done()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    await asyncio.wait_for(subscribing, DEADLINE)
    assert replies(app, SLOW + 10)[0].startswith("C’est noté")


# ------------------------------------------------------------- the budget
class Calls:
    def __init__(self, fail_with: list[Exception] | None = None) -> None:
        self.made = 0
        self.fail_with = fail_with or []

    def __call__(self) -> Callable[[], Awaitable[bool]]:
        async def call() -> bool:
            self.made += 1
            if self.fail_with:
                raise self.fail_with.pop(0)
            return True

        return call


@pytest.mark.asyncio
async def test_typing_is_sent_only_while_half_the_budget_is_free() -> None:
    budget = Budget(rate=6, period=3600)  # no refill during the test: only the order counts
    action, message = Calls(), Calls()

    async def send(endpoint: str, calls: Calls) -> None:
        await budget.process_request(calls(), (), {}, endpoint, {"chat_id": 42}, None)

    for _ in range(4):  # four questions in a row: "typing...", then the answer
        await send("sendChatAction", action)
        await send("sendMessage", message)
    assert message.made == 4 and action.made == 2  # the last two had no time to spare
    await budget.process_request(Calls()(), (), {}, "answerCallbackQuery", {"callback_query_id": "1"}, None)


@pytest.mark.asyncio
async def test_a_burst_of_questions_spends_the_budget_on_answers(engine: Engine, tmp_path: Path) -> None:
    request = FakeRequest()
    application = build_application(
        Settings(token=TOKEN, state_db=tmp_path / "state.db"), engine=engine, request=request,
        get_updates_request=FakeRequest(), rate_limiter=Budget(rate=20, period=3600),
    )  # fmt: skip
    await application.initialize()
    assert application.post_init is not None and application.post_shutdown is not None
    await application.post_init(application)
    try:
        for chat in range(700, 712):
            await application.process_update(Update.de_json(text_update(QUESTION, chat_id=chat, user_id=chat), application.bot))
    finally:
        await application.shutdown()
        await application.post_shutdown(application)
    assert len(request.sent()) == 12  # every question answered
    assert len(request.sent("sendChatAction")) < 12  # "typing..." only while the budget had room


@pytest.mark.asyncio
async def test_a_429_is_retried_by_one_layer_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # RetryAfter without PTB's int->timedelta warning
    budget = Budget(rate=30, period=1)
    reply = Calls([RetryAfter(dtm.timedelta(seconds=0))])
    assert await budget.process_request(reply(), (), {}, "sendMessage", {"chat_id": 1}, None)
    assert reply.made == 2  # a handler's reply: the budget retries it once, after retry_after
    notice = Calls([RetryAfter(dtm.timedelta(seconds=0))])
    with pytest.raises(RetryAfter):  # a notice: the delivery job owns its 429s
        await budget.process_request(notice(), (), {}, "sendMessage", {"chat_id": 1}, NO_RETRY)
    assert notice.made == 1


def test_retry_after_is_read_from_the_public_attribute(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PTB_TIMEDELTA", raising=False)  # int mode: reading it warns, we must not
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PTB's own constructor reads the attribute, and warns
        error = RetryAfter(7)
    assert retry_after_seconds(error) == 7.0  # no warning here: filterwarnings=error would fail it
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    assert retry_after_seconds(RetryAfter(dtm.timedelta(seconds=2.5))) == 2.5


def test_the_bot_uses_no_private_part_of_python_telegram_bot() -> None:
    """It used to read `RetryAfter._retry_after`; a PTB release may rename any private part."""
    import ast

    from ..conftest import ROOT

    found = []
    for path in sorted((ROOT / "bot").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("telegram._"):
                found.append(f"{path.name}:{node.lineno} imports {node.module}")
            elif isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
                if not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
                    found.append(f"{path.name}:{node.lineno} reads {ast.unparse(node)}")
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr":
                name = node.args[1] if len(node.args) > 1 else None
                if isinstance(name, ast.Constant) and str(name.value).startswith("_") and not str(name.value).startswith("__"):
                    found.append(f"{path.name}:{node.lineno} reads {ast.unparse(node)}")
    assert found == []
