"""Configuration from the environment: defaults, normalisation, clear errors, no secret shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import DEFAULT_API_ROOT, DEFAULT_PORT, Settings, SettingsError
from qa.config import default_state_db

from .fakes import TOKEN


def test_defaults_without_any_variable() -> None:
    settings = Settings.from_env({"HOME": "/home/camille"})
    assert settings.token is None
    assert settings.base_url == f"{DEFAULT_API_ROOT}/bot"
    assert settings.admin_ids == frozenset()
    assert settings.webhook_url is None and settings.port == DEFAULT_PORT
    assert settings.state_db == Path("/home/camille/.local/state/logement-hdf-bot/state.db")


def test_every_variable() -> None:
    settings = Settings.from_env(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/bot/",
            "BOT_ADMIN_IDS": " 12, 34 ,",
            "BOT_STATE_DB": "/var/lib/bot/state.db",
            "WEBHOOK_URL": "http://bot.local:8443/telegram/hook",
            "WEBHOOK_SECRET": "s3cret_-X",
            "PORT": "8443",
        }
    )
    assert settings.token == TOKEN
    assert settings.base_url == "http://127.0.0.1:8081/bot"
    assert settings.base_file_url == "http://127.0.0.1:8081/file/bot"
    assert settings.admin_ids == frozenset({12, 34})
    assert settings.state_db == Path("/var/lib/bot/state.db")
    assert settings.webhook_path == "telegram/hook"
    assert settings.webhook_secret == "s3cret_-X" and settings.port == 8443


def test_state_db_follows_xdg() -> None:
    assert default_state_db({"XDG_STATE_HOME": "/st"}) == Path("/st/logement-hdf-bot/state.db")


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({"TELEGRAM_BOT_TOKEN": "not-a-token"}, "TELEGRAM_BOT_TOKEN"),
        ({"TELEGRAM_API_BASE_URL": "api.telegram.org"}, "TELEGRAM_API_BASE_URL"),
        ({"BOT_ADMIN_IDS": "12,alice"}, "BOT_ADMIN_IDS"),
        ({"PORT": "http"}, "PORT"),
        ({"PORT": "70000"}, "PORT"),
        ({"WEBHOOK_URL": "https://bot.example.org/hook"}, "WEBHOOK_SECRET"),
        ({"WEBHOOK_URL": "bot.example.org/hook", "WEBHOOK_SECRET": "x"}, "WEBHOOK_URL"),
        ({"WEBHOOK_URL": "http://bot.example.org/hook", "WEBHOOK_SECRET": "x"}, "https"),
        (
            {"WEBHOOK_URL": "https://bot.example.org/hook", "WEBHOOK_SECRET": "with space"},
            "WEBHOOK_SECRET",
        ),
    ],
)
def test_invalid_values_are_named_clearly(env: dict[str, str], names: str) -> None:
    with pytest.raises(SettingsError, match=names):
        Settings.from_env(env)


def test_secrets_are_never_shown() -> None:
    secret_token = TOKEN.replace("fake", "real")
    settings = Settings.from_env(
        {"TELEGRAM_BOT_TOKEN": secret_token, "WEBHOOK_SECRET": "hush-hush"}
    )
    assert secret_token not in repr(settings) and "hush-hush" not in repr(settings)
    with pytest.raises(SettingsError) as error:
        Settings.from_env({"TELEGRAM_BOT_TOKEN": "1234:short"})
    assert "1234:short" not in str(error.value)


def test_log_level_and_question_log_retention() -> None:
    import logging

    defaults = Settings.from_env({})
    assert defaults.log_level == logging.INFO and defaults.question_log_days == 90
    custom = Settings.from_env({"BOT_LOG_LEVEL": "debug", "BOT_QUESTION_LOG_DAYS": "30"})
    assert custom.log_level == logging.DEBUG and custom.question_log_days == 30
    for name, value in [("BOT_LOG_LEVEL", "verbose"), ("BOT_QUESTION_LOG_DAYS", "0"), ("BOT_QUESTION_LOG_DAYS", "3 mois")]:
        with pytest.raises(SettingsError, match=name):
            Settings.from_env({name: value})


def test_the_files_are_read_in_the_same_place() -> None:
    settings = Settings.from_env({"QA_FACTS_DB": "/srv/facts.db", "QA_KNOWLEDGE": "/srv/knowledge", "HOME": "/h"})
    assert settings.facts_db == Path("/srv/facts.db") and settings.knowledge == Path("/srv/knowledge")
    defaults = Settings.from_env({"HOME": "/h"})
    assert defaults.facts_db == Path("data/facts.db") and defaults.knowledge == Path("knowledge")


def test_the_webhook_listen_address_is_a_setting() -> None:
    assert Settings.from_env({}).webhook_listen == "127.0.0.1"
    assert Settings.from_env({"WEBHOOK_LISTEN": "0.0.0.0"}).webhook_listen == "0.0.0.0"
    assert Settings.from_env({"WEBHOOK_LISTEN": "::1"}).webhook_listen == "::1"
    with pytest.raises(SettingsError, match="WEBHOOK_LISTEN"):
        Settings.from_env({"WEBHOOK_LISTEN": "partout"})


@pytest.mark.parametrize(
    "value",
    [f"https://api.telegram.org/bot{TOKEN}", f"api.telegram.org/bot{TOKEN}", f"ftp://x/{TOKEN}", "https://x/bot{token}"],
)
def test_a_base_url_with_a_token_is_refused_and_never_echoed(value: str) -> None:
    secret_half = TOKEN.split(":")[1]
    with pytest.raises(SettingsError, match="TELEGRAM_API_BASE_URL") as error:
        Settings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": value})
    assert TOKEN not in str(error.value) and secret_half not in str(error.value)


def test_the_secrets_to_redact_are_known_even_when_invalid() -> None:
    from bot.settings import secrets_in

    assert secrets_in({"TELEGRAM_BOT_TOKEN": " 1234:short ", "WEBHOOK_SECRET": "x y"}) == ("1234:short", "x y")
    assert secrets_in({}) == ()
