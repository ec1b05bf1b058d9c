"""`qa-bot --check [--offline]`: is this installation ready to serve? One line per check.

    ok   configuration: long polling, 1 admin id, log level INFO, question log kept 90 days
    ok   fact base: data/facts.db, 2 documents; 3 example questions answered
    ok   state database: /var/lib/qa-bot/state.db, writable, schema version 2
    ok   Bot API: getMe answered @LogementHdfBot (https://api.telegram.org)

Each line starts with `ok`, `FAIL` or `skip`; the exit status is 1 when a line says `FAIL`,
0 otherwise. What each check means:

- **configuration**: the environment parses into `Settings` (bot/settings.py), the same
  rules the bot applies at start, and `TELEGRAM_BOT_TOKEN` is set: `qa-bot` refuses to start
  without it (the terminal chat, `qa-chat`, needs no check);
- **fact base**: the engine loads as the bot loads it (`Engine.load` of `QA_FACTS_DB`, which
  rebuilds the fact base when `QA_KNOWLEDGE` changed) and answers each example question of
  /start with the status `answered`;
- **state database**: `BOT_STATE_DB` opens, is migrated to the current schema and takes a
  write (a table created in a transaction rolled back);
- **Bot API**: `getMe` on `TELEGRAM_API_BASE_URL` answers with this token, within 10 s;
  `skip` with `--offline` (the container's HEALTHCHECK: a Telegram outage must not get a
  healthy bot restarted), `FAIL` without a token.

The token and the webhook secret are never printed: every detail goes through the same
redaction as the logs.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TextIO

from telegram import Bot
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.request import HTTPXRequest

from qa import Engine
from qa.config import default_facts_db, default_knowledge

from .logs import RedactSecrets
from .settings import LOG_LEVELS, Settings, SettingsError

__all__ = ["Check", "run_checks", "main"]

TIMEOUT = 10.0  # seconds for getMe; the Dockerfile's HEALTHCHECK allows 10 s for everything
Outcome = Literal["ok", "FAIL", "skip"]


@dataclass(frozen=True)
class Check:
    name: str
    outcome: Outcome
    detail: str

    def line(self) -> str:
        return f"{self.outcome:<4} {self.name}: {self.detail}"


def _guard(name: str, check: Callable[[], Check]) -> Check:
    """A check that raises is a failed check, described by the exception, never a traceback."""
    try:
        return check()
    except Exception as e:  # noqa: BLE001 - whatever breaks, the check reports it and goes on
        return Check(name, "FAIL", f"{type(e).__name__}: {e}")


def check_configuration(settings: Settings) -> Check:
    if settings.token is None:
        return Check(
            "configuration",
            "FAIL",
            "TELEGRAM_BOT_TOKEN is not set: qa-bot needs the bot's token from @BotFather "
            "(the terminal chat is qa-chat)",
        )
    mode = f"webhook on {settings.webhook_listen}:{settings.port}" if settings.webhook_url else "long polling"
    level = next((n for n, v in LOG_LEVELS.items() if v == settings.log_level), str(settings.log_level))
    admins = len(settings.admin_ids)
    return Check(
        "configuration",
        "ok",
        f"{mode}, {admins} admin id{'s' if admins != 1 else ''}, log level {level}, "
        f"question log kept {settings.question_log_days} days",
    )


def check_fact_base(facts_db: Path, knowledge: Path) -> Check:
    engine = Engine.load(facts_db)
    examples = engine.examples()
    for question in examples:
        answer = engine.ask(question)
        if answer.status != "answered":
            return Check("fact base", "FAIL", f"probe {question!r} got {answer.status}, not answered")
    documents = len(engine.documents())
    return Check(
        "fact base",
        "ok",
        f"{facts_db}, {documents} documents; "
        f"{len(examples)} example questions answered",
    )


def check_state_db(settings: Settings) -> Check:
    from qa.state import SCHEMA_VERSION, StateStore

    name, path = "state database", settings.state_db
    with StateStore.open(path) as store:  # creates its directory, migrates forward: as the bot does
        version = store.schema_version
    if version != SCHEMA_VERSION:
        return Check(name, "FAIL", f"{path}: schema version {version}, this code expects {SCHEMA_VERSION}")
    # Opening may only read (nothing to migrate): prove a write, then roll it back.
    db = sqlite3.connect(path, timeout=5.0, isolation_level=None)
    try:
        db.execute("BEGIN IMMEDIATE")
        db.execute("CREATE TABLE qa_bot_check (x)")
        db.execute("ROLLBACK")
    finally:
        db.close()
    return Check(name, "ok", f"{path}, writable, schema version {version}")


async def _get_me(settings: Settings) -> str:
    assert settings.token is not None
    request = HTTPXRequest(
        connect_timeout=TIMEOUT, read_timeout=TIMEOUT, write_timeout=TIMEOUT, pool_timeout=TIMEOUT
    )
    bot = Bot(settings.token, base_url=settings.base_url, base_file_url=settings.base_file_url, request=request)
    async with asyncio.timeout(TIMEOUT * 2), bot:  # initialize() calls getMe
        return bot.username


def check_bot_api(settings: Settings, *, offline: bool) -> Check:
    name = "Bot API"
    if offline:
        return Check(name, "skip", "--offline")
    if settings.token is None:
        return Check(name, "FAIL", "no TELEGRAM_BOT_TOKEN, cannot call getMe (--offline skips this check)")
    started = time.perf_counter()
    try:
        username = asyncio.run(_get_me(settings))
    except InvalidToken:
        return Check(name, "FAIL", f"{settings.api_root} rejected the token (check TELEGRAM_BOT_TOKEN)")
    except (NetworkError, TimeoutError) as e:
        return Check(name, "FAIL", f"cannot reach {settings.api_root}: {type(e).__name__}: {e}")
    except TelegramError as e:
        return Check(name, "FAIL", f"{settings.api_root} answered getMe with an error: {e}")
    ms = (time.perf_counter() - started) * 1000
    return Check(name, "ok", f"getMe answered @{username} in {ms:.0f} ms ({settings.api_root})")


def run_checks(settings: Settings | SettingsError, *, offline: bool) -> list[Check]:
    if isinstance(settings, SettingsError):
        facts_db, knowledge = default_facts_db(), default_knowledge()  # what the bot would read
        return [
            Check("configuration", "FAIL", str(settings)),
            _guard("fact base", lambda: check_fact_base(facts_db, knowledge)),
            Check("state database", "skip", "invalid configuration"),
            Check("Bot API", "skip", "invalid configuration"),
        ]
    return [
        check_configuration(settings),
        _guard("fact base", lambda: check_fact_base(settings.facts_db, settings.knowledge)),
        _guard("state database", lambda: check_state_db(settings)),
        _guard("Bot API", lambda: check_bot_api(settings, offline=offline)),
    ]


def main(
    settings: Settings | SettingsError, *, offline: bool, out: TextIO, secrets: tuple[str, ...] = ()
) -> int:
    """Print one line per check on `out`; 1 when one failed, else 0. `secrets`: raw values to
    redact besides the settings' own (those of an environment that failed to parse)."""
    known = () if isinstance(settings, SettingsError) else (settings.token, settings.webhook_secret)
    redact = RedactSecrets((*known, *secrets)).redact
    failed = False
    for check in run_checks(settings, offline=offline):
        print(redact(check.line()), file=out, flush=True)
        failed = failed or check.outcome == "FAIL"
    return 1 if failed else 0
