"""The bot's logs: one `key=value` line per record (logfmt), secrets redacted, no user data.

Every line written to stderr has the same shape, so that `journalctl`, `docker logs` and
`grep` read it alike, and a log shipper parses it without a pattern (lines wrapped here):

    time=2025-06-01T10:00:00.123Z level=INFO logger=bot.events event=update update=message
        chat=private handler=question status=answered ms=3.2
    time=2025-06-01T10:00:01.000Z level=ERROR logger=bot.handlers
        msg="error while handling an update" exc="Traceback (most recent call last):\\n..."

- values made of letters, digits and `_ . : / @ + -` are bare; any other value is a JSON
  string (double quotes, `\\n` for a newline): a record is always exactly one line;
- a record of `log_event` carries its fields after `logger=`; any other record (the bot's
  own messages, python-telegram-bot's, tracebacks) carries `msg=` and, with an exception,
  `exc=`;
- floats have one decimal (`ms=3.2`), booleans are `true`/`false`, `None` fields are left out.

Events (logger `bot.events`):

| event      | fields                                                                      |
|------------|-----------------------------------------------------------------------------|
| `update`   | `update` (message, callback_query, inline_query...), `chat` (private, group,|
|            | supergroup, channel, sender, none), `handler` (the callback's name), `ms`   |
|            | (time in the handler, Bot API calls included), and when known `status`      |
|            | (answered, clarify, unknown), `button=expired`, `results` (inline), `error` |
|            | (the exception's class, the traceback follows in an `ERROR` line)           |
|            | ; or `dropped=backlog` (a chat flooding the bot), `result=replay_ignored`   |
| `delivery` | written by the delivery job (bot/delivery.py)                               |
| `purge`    | `table=questions`, `days` (retention), `deleted` (rows)                     |
| `question_log` | `result=dropped`, `questions`: a batch the state database refused     |
| `migration`| `moved`: a group became a supergroup, its rows followed (bot/groups.py)     |

Never in a line: the token, the webhook secret (`RedactSecrets` replaces them, and anything
shaped like a bot token, by `***` in every record, tracebacks included, as defence in
depth), a user id, a chat id, a question's text. Question texts go to
the question log of the state database only. python-telegram-bot's own loggers stay at INFO
or above whatever `BOT_LOG_LEVEL` says: at DEBUG they print every update (user ids, texts) and
the Bot API URL (which contains the token). httpx stays at WARNING: at INFO it logs every
request URL, token included.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import sys
import time
from collections.abc import Callable, Coroutine, Iterable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, TextIO, TypeAlias

from telegram import Update
from telegram.ext import ApplicationHandlerStop, BaseHandler, ConversationHandler

__all__ = [
    "EVENTS",
    "Field",
    "LogfmtFormatter",
    "RedactSecrets",
    "configure_logging",
    "instrument",
    "log_event",
    "logfmt",
    "note",
    "observed",
]

Field: TypeAlias = str | int | float | bool | None
Callback: TypeAlias = Callable[[Any, Any], Coroutine[Any, Any, Any]]

EVENTS = logging.getLogger("bot.events")
REDACTED = "***"
MIN_SECRET = 8  # shorter "secrets" would blank out ordinary words; Settings rejects none so short
# (logger, lowest level allowed): their lower levels print secrets or user data
_CAPPED = {
    "telegram": logging.INFO,
    "httpx": logging.WARNING,
    "httpcore": logging.INFO,  # its DEBUG is one line per step of every request
    "apscheduler": logging.WARNING,
}
_BARE = re.compile(r"[A-Za-z0-9_.:/@+-]+")
_TOKEN_SHAPED = re.compile(r"\d{5,20}:[A-Za-z0-9_-]{20,}")  # a bot token, even one we were not given
_KEY = re.compile(r"[a-z_][a-z0-9_]*")
_TYPES = tuple(Update.ALL_TYPES)
_current: ContextVar[dict[str, Field] | None] = ContextVar("bot_log_fields", default=None)


# ------------------------------------------------------------------ format
def _value(value: str | int | float | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.1f}"
    text = str(value)
    return text if _BARE.fullmatch(text) else json.dumps(text, ensure_ascii=False)


def logfmt(**fields: Field) -> str:
    """`key=value` pairs in the given order; `None` values are left out."""
    return " ".join(f"{k}={_value(v)}" for k, v in fields.items() if v is not None)


class LogfmtFormatter(logging.Formatter):
    """One line per record: `time= level= logger=`, then the event's fields or `msg=`."""

    def format(self, record: logging.LogRecord) -> str:
        stamp = datetime.fromtimestamp(record.created, UTC).strftime("%Y-%m-%dT%H:%M:%S")
        head = f"time={stamp}.{int(record.msecs):03d}Z level={record.levelname} logger={record.name}"
        message = record.getMessage()
        line = f"{head} {message}" if getattr(record, "logfmt", False) else f"{head} {logfmt(msg=message)}"
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line += f" {logfmt(exc=record.exc_text)}"
        if record.stack_info:
            line += f" {logfmt(stack=self.formatStack(record.stack_info))}"
        return line


class RedactSecrets(logging.Filter):
    """Replaces the token (and its secret half) and the webhook secret in every record."""

    def __init__(self, secrets: Iterable[str | None]) -> None:
        super().__init__()
        found: set[str] = set()
        for secret in secrets:
            if not secret:
                continue
            found.add(secret)
            found.add(secret.partition(":")[2])  # a bot token's secret half, alone
        self.secrets = tuple(sorted((s for s in found if len(s) >= MIN_SECRET), key=len, reverse=True))

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return _TOKEN_SHAPED.sub(REDACTED, text)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: logging reports it when it formats the record
            message = str(record.msg)
        record.msg, record.args = self.redact(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def configure_logging(
    level: int = logging.INFO, *, secrets: Iterable[str | None] = (), stream: TextIO | None = None
) -> logging.Handler:
    """Logfmt lines on stderr at `level`, secrets redacted; replaces a handler set up before."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "qa_bot", False)]:
        root.removeHandler(old)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.qa_bot = True  # type: ignore[attr-defined]
    handler.setFormatter(LogfmtFormatter())
    handler.addFilter(RedactSecrets(secrets))
    root.addHandler(handler)
    root.setLevel(level)
    for name, lowest in _CAPPED.items():
        logging.getLogger(name).setLevel(max(level, lowest))
    return handler


# ------------------------------------------------------------------ events
def log_event(event: str, /, *, level: int = logging.INFO, **fields: Field) -> None:
    """One line `event=<event> k=v ...` on the `bot.events` logger.

    Field names are lower-case identifiers; values are short words or numbers. Never pass a
    user id, a chat id, a message's text or a secret.
    """
    if EVENTS.isEnabledFor(level):
        for key in fields:
            if not _KEY.fullmatch(key):
                raise ValueError(f"log_event field names are lower-case identifiers, not {key!r}")
        _emit(level, event, fields)


def _emit(level: int, event: str, fields: dict[str, Field]) -> None:
    EVENTS.log(level, "%s", logfmt(event=event, **fields), extra={"logfmt": True})


def note(**fields: Field) -> None:
    """Add fields to the `update` line of the update being handled (no-op outside one)."""
    current = _current.get()
    if current is not None:
        current.update(fields)


def _describe(update: object) -> dict[str, Field]:
    if not isinstance(update, Update):
        return {"update": type(update).__name__}
    kind = next((name for name in _TYPES if getattr(update, name, None) is not None), "unknown")
    chat = update.effective_chat
    if chat is not None:
        chat_type: str | None = chat.type
    elif update.inline_query is not None:
        chat_type = update.inline_query.chat_type
    else:
        chat_type = None
    return {"update": kind, "chat": chat_type or "none"}


def observed(callback: Callback) -> Callback:
    """`callback`, logging one `update` line (with its latency) each time it handles an update."""
    if getattr(callback, "qa_bot_observed", False):
        return callback
    name = getattr(callback, "__name__", type(callback).__name__)

    @functools.wraps(callback)
    async def wrapper(update: Any, context: Any) -> Any:
        if not EVENTS.isEnabledFor(logging.INFO):
            return await callback(update, context)
        fields = _describe(update)
        fields["handler"] = name
        token = _current.set(fields)
        started = time.perf_counter()
        try:
            return await callback(update, context)
        except ApplicationHandlerStop:
            raise
        except Exception as e:
            fields["error"] = type(e).__name__
            raise
        finally:
            _current.reset(token)
            fields["ms"] = (time.perf_counter() - started) * 1000
            _emit(logging.INFO, "update", fields)

    wrapper.qa_bot_observed = True  # type: ignore[attr-defined]
    return wrapper


def instrument(handlers: Iterable[BaseHandler[Any, Any, Any]]) -> None:
    """Wrap the callback of each handler with `observed` (nested conversations are left alone)."""
    for handler in handlers:
        if not isinstance(handler, ConversationHandler):
            handler.callback = observed(handler.callback)
