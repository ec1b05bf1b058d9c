"""The bot's configuration: the one place of `bot` that reads the environment.

| variable                | meaning                                                            |
|-------------------------|--------------------------------------------------------------------|
| `TELEGRAM_BOT_TOKEN`    | the bot's token; `qa-bot` refuses to start without it (`qa-chat`,  |
|                         | the terminal chat, needs none)                                     |
| `TELEGRAM_API_BASE_URL` | root of the Bot API server (default `https://api.telegram.org`);   |
|                         | a trailing `/bot` is accepted, the token is appended by the bot    |
| `BOT_ADMIN_IDS`         | comma-separated Telegram user ids allowed to use admin commands    |
| `BOT_STATE_DB`          | state database (default `$XDG_STATE_HOME/logement-hdf-bot/state.db`, |
|                         | that is `~/.local/state/logement-hdf-bot/state.db`)                |
| `QA_FACTS_DB`           | the fact base (default `data/facts.db`)                            |
| `QA_KNOWLEDGE`          | the knowledge the fact base is rebuilt from when it changed        |
|                         | (default `knowledge`); the defaults are defined in `qa.config`     |
| `WEBHOOK_URL`           | public https URL of the webhook; set it to use a webhook           |
| `WEBHOOK_SECRET`        | secret Telegram sends with every webhook request (required with    |
|                         | `WEBHOOK_URL`; 1-256 characters among `A-Z a-z 0-9 _ -`)           |
| `PORT`                  | port the webhook server listens on (default 8443)                  |
| `WEBHOOK_LISTEN`        | address the webhook server listens on (default 127.0.0.1; the      |
|                         | Docker image sets 0.0.0.0, the container's own interface)          |
| `BOT_LOG_LEVEL`         | DEBUG, INFO (default), WARNING or ERROR; python-telegram-bot's own |
|                         | loggers never go below INFO (bot/logs.py says why)                 |
| `BOT_QUESTION_LOG_DAYS` | days the question log keeps a question's text (default 90, 1-3650);|
|                         | older rows are purged at start and then daily                      |

An invalid value raises `SettingsError` with a message naming the variable, never a secret:
the token and the webhook secret are never echoed, and neither is anything that looks like a
token inside another value (`secrets_in` gives what to redact even when parsing failed).
"""

from __future__ import annotations

import ipaddress
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from qa.config import default_facts_db, default_knowledge, default_state_db

__all__ = ["DEFAULT_API_ROOT", "DEFAULT_LISTEN", "Settings", "SettingsError", "secrets_in"]

DEFAULT_API_ROOT = "https://api.telegram.org"
DEFAULT_PORT = 8443
DEFAULT_LISTEN = "127.0.0.1"  # behind the operator's reverse proxy, on the same machine
DEFAULT_QUESTION_LOG_DAYS = 90
LOG_LEVELS = {"DEBUG": logging.DEBUG, "INFO": logging.INFO, "WARNING": logging.WARNING, "ERROR": logging.ERROR}
_TOKEN = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{20,}$")
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class SettingsError(ValueError):
    """A missing or invalid environment variable; the message says which and why."""


_TOKEN_ANYWHERE = re.compile(r"\d{1,20}:[A-Za-z0-9_-]{20,}")


def secrets_in(env: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The raw secret values of the environment, valid or not: what every output must redact,
    including the message of a configuration that failed to parse."""
    env = os.environ if env is None else env
    return tuple(v for v in (env.get("TELEGRAM_BOT_TOKEN", "").strip(), env.get("WEBHOOK_SECRET", "").strip()) if v)


def _shown(value: str) -> str:
    """A value as an error message may echo it: anything shaped like a bot token is hidden."""
    return repr(_TOKEN_ANYWHERE.sub("***", value))


@dataclass(frozen=True)
class Settings:
    token: str | None = field(default=None, repr=False)  # never printed
    api_root: str = DEFAULT_API_ROOT
    admin_ids: frozenset[int] = frozenset()
    state_db: Path = field(default_factory=default_state_db)
    facts_db: Path = field(default_factory=default_facts_db)
    knowledge: Path = field(default_factory=default_knowledge)
    webhook_url: str | None = None
    webhook_secret: str | None = field(default=None, repr=False)
    port: int = DEFAULT_PORT
    webhook_listen: str = DEFAULT_LISTEN
    log_level: int = logging.INFO
    question_log_days: int = DEFAULT_QUESTION_LOG_DAYS

    @property
    def base_url(self) -> str:
        """`base_url` for python-telegram-bot: the bot appends its token."""
        return f"{self.api_root}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.api_root}/file/bot"

    @property
    def webhook_path(self) -> str:
        """The path part of `WEBHOOK_URL`, without its leading slash (PTB's `url_path`)."""
        return urlsplit(self.webhook_url or "").path.lstrip("/")

    @property
    def uses_default_api(self) -> bool:
        return self.api_root == DEFAULT_API_ROOT

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        token = get("TELEGRAM_BOT_TOKEN")
        if token is not None and not _TOKEN.match(token):
            raise SettingsError(
                "TELEGRAM_BOT_TOKEN does not look like a bot token (digits, ':', then at least "
                "20 letters, digits, '_' or '-'); copy it again from @BotFather"
            )
        api_root = _api_root(get("TELEGRAM_API_BASE_URL"))
        webhook_url = get("WEBHOOK_URL")
        webhook_secret = get("WEBHOOK_SECRET")
        if webhook_url is not None:
            _check_webhook_url(webhook_url, api_root)
            if webhook_secret is None:
                raise SettingsError(
                    "WEBHOOK_SECRET is required with WEBHOOK_URL, so that the bot rejects "
                    "requests that do not come from Telegram"
                )
        if webhook_secret is not None and not _SECRET.match(webhook_secret):
            raise SettingsError(
                "WEBHOOK_SECRET must be 1 to 256 characters among A-Z, a-z, 0-9, '_' and '-'"
            )
        return cls(
            token=token,
            api_root=api_root,
            admin_ids=_admin_ids(get("BOT_ADMIN_IDS")),
            state_db=default_state_db(env),
            facts_db=default_facts_db(env),
            knowledge=default_knowledge(env),
            webhook_url=webhook_url,
            webhook_secret=webhook_secret,
            port=_port(get("PORT")),
            webhook_listen=_listen(get("WEBHOOK_LISTEN")),
            log_level=_log_level(get("BOT_LOG_LEVEL")),
            question_log_days=_days(get("BOT_QUESTION_LOG_DAYS")),
        )


def _api_root(value: str | None) -> str:
    if value is None:
        return DEFAULT_API_ROOT
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingsError(
            f"TELEGRAM_API_BASE_URL must be an http(s) URL such as {DEFAULT_API_ROOT} "
            f"or http://127.0.0.1:8081, not {_shown(value)}"
        )
    if "{" in value or _TOKEN_ANYWHERE.search(value):
        raise SettingsError(
            "TELEGRAM_API_BASE_URL must not contain the token or a placeholder: give the server's "
            "root only (the bot appends /bot and its token)"
        )
    root = value.rstrip("/")
    return root.removesuffix("/bot")


def _admin_ids(value: str | None) -> frozenset[int]:
    if value is None:
        return frozenset()
    ids: set[int] = set()
    for item in value.replace(" ", "").split(","):
        if not item:
            continue
        if not re.fullmatch(r"-?\d{1,20}", item):
            raise SettingsError(
                f"BOT_ADMIN_IDS must be comma-separated numeric Telegram user ids "
                f"(for example 12345,67890), not {item!r}"
            )
        ids.add(int(item))
    return frozenset(ids)


def _port(value: str | None) -> int:
    if value is None:
        return DEFAULT_PORT
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise SettingsError(f"PORT must be a number between 1 and 65535, not {value!r}")
    return int(value)


def _listen(value: str | None) -> str:
    if value is None:
        return DEFAULT_LISTEN
    if value != "localhost":
        try:
            ipaddress.ip_address(value)
        except ValueError:
            raise SettingsError(
                f"WEBHOOK_LISTEN must be an IP address such as 127.0.0.1 or 0.0.0.0, not {_shown(value)}"
            ) from None
    return value


def _log_level(value: str | None) -> int:
    if value is None:
        return logging.INFO
    level = LOG_LEVELS.get(value.upper())
    if level is None:
        raise SettingsError(f"BOT_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {value!r}")
    return level


def _days(value: str | None) -> int:
    if value is None:
        return DEFAULT_QUESTION_LOG_DAYS
    if not value.isdigit() or not 1 <= int(value) <= 3650:
        raise SettingsError(f"BOT_QUESTION_LOG_DAYS must be a number of days between 1 and 3650, not {value!r}")
    return int(value)


def _check_webhook_url(value: str, api_root: str) -> None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(
            f"WEBHOOK_URL must be a full URL such as https://bot.example.org/telegram, "
            f"not {_shown(value)}"
        )
    if parts.scheme != "https" and api_root == DEFAULT_API_ROOT:
        raise SettingsError(
            "WEBHOOK_URL must use https: Telegram only delivers webhooks over https "
            "(plain http works only with a self-hosted Bot API server)"
        )
