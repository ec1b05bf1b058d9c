"""Logs: one logfmt line per record, an `update` event per handled update, no secret, no user data."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from telegram import Bot
from telegram.error import NetworkError
from telegram.request import RequestData

from bot.app import build_application
from bot.logs import EVENTS, RedactSecrets, configure_logging, log_event, logfmt, note, observed
from bot.settings import Settings
from qa import Engine

from .conftest import Harness
from .fakes import GROUP_ID, TOKEN, FakeRequest, callback_update, inline_update, text_update

SECRET_HALF = TOKEN.split(":")[1]
QUESTION = "combien de logements réhabilités en 2021"
PRIVATE_ID = 555000111  # a user id easy to look for in the logs


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """configure_logging changes process-wide state: put it back after the test."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    names = ("telegram", "httpx", "apscheduler")
    levels = {name: logging.getLogger(name).level for name in names}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)


def record(msg: str, *args: object, exc: BaseException | None = None) -> logging.LogRecord:
    exc_info = (type(exc), exc, exc.__traceback__) if exc is not None else None
    return logging.LogRecord("t", logging.ERROR, __file__, 1, msg, args, exc_info)


# --------------------------------------------------------------- format
def test_logfmt_values() -> None:
    assert logfmt(event="update", ms=3.14159, ok=True, none=None, n=2) == "event=update ms=3.1 ok=true n=2"
    assert logfmt(msg="two words") == 'msg="two words"'
    assert logfmt(msg='a "b"\nc') == 'msg="a \\"b\\"\\nc"'
    assert logfmt(msg="") == 'msg=""'
    assert logfmt(url="http://127.0.0.1:8081/x") == "url=http://127.0.0.1:8081/x"


def test_every_record_is_one_logfmt_line(restore_logging: None) -> None:
    stream = io.StringIO()
    configure_logging(logging.INFO, stream=stream)
    try:
        raise ValueError("boom\nsecond line")
    except ValueError:
        logging.getLogger("bot.test").exception("failed on %s", "purpose")
    log_event("purge", table="questions", deleted=3)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("time=") and " level=ERROR logger=bot.test " in lines[0]
    assert 'msg="failed on purpose"' in lines[0] and 'exc="Traceback' in lines[0]
    assert lines[1].endswith("level=INFO logger=bot.events event=purge table=questions deleted=3")


def test_log_event_refuses_odd_field_names(restore_logging: None) -> None:
    configure_logging(logging.INFO, stream=io.StringIO())
    with pytest.raises(ValueError):
        log_event("x", **{"User Id": 1})


# ------------------------------------------------------------ redaction
def test_redaction_of_message_arguments_and_traceback() -> None:
    redact = RedactSecrets([TOKEN, "hook-secret-123", None, "short"])
    rec = record("url %s/getMe", f"https://api.telegram.org/bot{TOKEN}")
    redact.filter(rec)
    assert rec.getMessage() == "url https://api.telegram.org/bot***/getMe"
    rec = record("half %s, secret %s, short", SECRET_HALF, "hook-secret-123")
    redact.filter(rec)
    assert rec.getMessage() == "half ***, secret ***, short"
    try:
        raise RuntimeError(f"POST /bot{TOKEN}/sendMessage failed")
    except RuntimeError as e:
        rec = record("failed", exc=e)
    redact.filter(rec)
    assert rec.exc_text is not None and TOKEN not in rec.exc_text and SECRET_HALF not in rec.exc_text


def test_levels_from_the_environment_cap_the_chatty_libraries(restore_logging: None) -> None:
    configure_logging(logging.DEBUG, stream=io.StringIO())
    configure_logging(logging.DEBUG, stream=io.StringIO())  # replaces, does not add
    assert sum(getattr(h, "qa_bot", False) for h in logging.getLogger().handlers) == 1
    assert logging.getLogger("bot").getEffectiveLevel() == logging.DEBUG
    assert logging.getLogger("telegram.ext.Application").getEffectiveLevel() == logging.INFO
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
    configure_logging(logging.ERROR, stream=io.StringIO())
    assert logging.getLogger("telegram").getEffectiveLevel() == logging.ERROR


@pytest.mark.asyncio
async def test_debug_of_python_telegram_bot_is_redacted_even_when_forced(restore_logging: None) -> None:
    """PTB logs its API URL, token included, at DEBUG: capped, and redacted if someone lowers it."""
    stream = io.StringIO()
    configure_logging(logging.DEBUG, secrets=[TOKEN], stream=stream)
    Bot(TOKEN, request=FakeRequest())
    assert TOKEN not in stream.getvalue() and "Set Bot API URL" not in stream.getvalue()
    logging.getLogger("telegram").setLevel(logging.DEBUG)
    Bot(TOKEN, request=FakeRequest())
    assert "Set Bot API URL" in stream.getvalue()
    assert TOKEN not in stream.getvalue() and SECRET_HALF not in stream.getvalue()


# --------------------------------------------------------------- events
def events(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == EVENTS.name]


@pytest.mark.asyncio
async def test_one_line_per_handled_update_without_user_data(
    harness: Harness, caplog: pytest.LogCaptureFixture, restore_logging: None
) -> None:
    configure_logging(logging.DEBUG, secrets=[TOKEN], stream=io.StringIO())  # as qa-bot does
    caplog.set_level(logging.DEBUG)
    await harness.feed(text_update(QUESTION, chat_id=PRIVATE_ID, user_id=PRIVATE_ID))
    await harness.feed(text_update("qui est le président ?", chat_id=GROUP_ID, user_id=PRIVATE_ID))  # not addressed
    await harness.feed(text_update("@LogementHdfBot contact UNAFO", chat_id=GROUP_ID, user_id=PRIVATE_ID))
    await harness.feed(callback_update("t:qui est le président", chat_id=PRIVATE_ID, user_id=PRIVATE_ID))
    await harness.feed(callback_update("q:99", chat_id=PRIVATE_ID, user_id=PRIVATE_ID))
    await harness.feed(inline_update("contact UNAFO", user_id=PRIVATE_ID))
    await harness.feed(text_update("/axes", chat_id=PRIVATE_ID, user_id=PRIVATE_ID))
    lines = events(caplog)
    assert [line.split(" ms=")[0] for line in lines] == [
        "event=update update=message chat=private handler=question status=answered",
        "event=update update=message chat=supergroup handler=question status=answered",
        "event=update update=callback_query chat=private handler=button status=clarify",
        "event=update update=callback_query chat=private handler=button button=expired",
        "event=update update=inline_query chat=none handler=inline_query results=1",
        "event=update update=message chat=private handler=axes",
    ]
    assert all(float(line.rsplit(" ms=", 1)[1]) >= 0 for line in lines)
    everything = caplog.text + "\n".join(r.getMessage() for r in caplog.records)
    for secret in (str(PRIVATE_ID), "réhabilités", "rehabilites", "président", "UNAFO", TOKEN, SECRET_HALF):
        assert secret not in everything


class FailingRequest(FakeRequest):
    """sendMessage fails once with a 500, then once with a network error; then works."""

    def __init__(self) -> None:
        super().__init__()
        self.failures = ["500", "network"]

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None, **kw: Any) -> tuple[int, bytes]:
        if url.endswith("/sendMessage") and self.failures and "Désolé" not in str(
            request_data.parameters if request_data else ""
        ):
            failure = self.failures.pop(0)
            if failure == "500":
                self.errors["sendMessage"] = (500, "Internal Server Error")
            else:
                raise NetworkError(f"httpx.ConnectError: All connection attempts failed ({url.split('/bot')[0]})")
        return await super().do_request(url, method, request_data, **kw)


@pytest.mark.asyncio
async def test_failing_requests_log_the_error_class_never_the_token(
    engine: Engine, caplog: pytest.LogCaptureFixture, restore_logging: None
) -> None:
    stream = io.StringIO()
    configure_logging(logging.DEBUG, secrets=[TOKEN], stream=stream)
    caplog.set_level(logging.DEBUG)
    request = FailingRequest()
    app = build_application(
        Settings(token=TOKEN), engine=engine, request=request, get_updates_request=FakeRequest(), rate_limiter=False
    )
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)
    from telegram import Update

    for _ in range(3):
        await app.process_update(Update.de_json(text_update(QUESTION, chat_id=PRIVATE_ID, user_id=PRIVATE_ID), app.bot))
    await app.shutdown()
    lines = [line.split(" ms=")[0] for line in events(caplog)]
    assert lines == [
        "event=update update=message chat=private handler=question status=answered error=NetworkError",
        "event=update update=message chat=private handler=question status=answered error=NetworkError",
        "event=update update=message chat=private handler=question status=answered",
    ]
    assert sum("Désolé" in p["text"] for p in request.sent()) == 2  # the user was told, twice
    assert "error while handling an update" in caplog.text
    for text in (stream.getvalue(), caplog.text, "\n".join(r.getMessage() for r in caplog.records)):
        for secret in (TOKEN, SECRET_HALF, str(PRIVATE_ID), "réhabilités"):
            assert secret not in text


@pytest.mark.asyncio
async def test_note_outside_an_update_and_observed_once() -> None:
    note(status="answered")  # no update being handled: nothing happens

    async def callback(update: object, context: object) -> str:
        return "done"

    wrapped = observed(callback)
    assert observed(wrapped) is wrapped
    assert await wrapped(object(), None) == "done"


def test_httpx_logs_no_urls_hence_no_token(restore_logging: None) -> None:
    configure_logging(logging.DEBUG, stream=io.StringIO())
    assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING
