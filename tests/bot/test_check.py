"""`qa-bot --check [--offline]`: one line per check, exit 0 or 1, never the token."""

from __future__ import annotations

import io
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import check
from bot.settings import Settings, SettingsError

from ..conftest import KNOWLEDGE, ROOT
from .fakes import TOKEN, FakeBotApi
from .test_e2e import DEADLINE, free_port, qa_bot

SECRET_HALF = TOKEN.split(":")[1]


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi() as server:
        yield server


@pytest.fixture
def env(facts_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The environment of CI: no Telegram, bot or proxy variable; our files in tmp_path."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.lower().endswith("_proxy") and not k.startswith(("TELEGRAM_", "WEBHOOK_", "BOT_", "QA_"))
    }
    clean.update(
        QA_FACTS_DB=str(facts_db),
        QA_KNOWLEDGE=str(KNOWLEDGE),
        BOT_STATE_DB=str(tmp_path / "state" / "state.db"),
        NO_PROXY="127.0.0.1,localhost",
    )
    for name in os.environ:
        if name not in clean:
            monkeypatch.delenv(name)
    for name, value in clean.items():
        monkeypatch.setenv(name, value)
    return clean


def run(settings: Settings | SettingsError, *, offline: bool = False) -> tuple[int, list[str]]:
    out = io.StringIO()
    code = check.main(settings, offline=offline, out=out)
    text = out.getvalue()
    assert TOKEN not in text and SECRET_HALF not in text
    return code, text.splitlines()


def outcomes(lines: list[str]) -> list[str]:
    return [line.split()[0] for line in lines]


# ------------------------------------------------------------ subprocess
def test_offline_check(env: dict[str, str], tmp_path: Path) -> None:
    done = subprocess.run(
        [*qa_bot(), "--check", "--offline"], env=dict(env, TELEGRAM_BOT_TOKEN=TOKEN), cwd=ROOT,
        capture_output=True, text=True, timeout=DEADLINE,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert outcomes(lines) == ["ok", "ok", "ok", "skip"], lines
    assert lines[0].startswith("ok   configuration: long polling, 0 admin ids")
    assert lines[1].startswith("ok   fact base:") and "3 example questions answered" in lines[1]
    assert lines[2] == f"ok   state database: {tmp_path / 'state' / 'state.db'}, writable, schema version " + lines[2].rsplit(" ", 1)[1]
    assert lines[3] == "skip Bot API: --offline"
    assert (tmp_path / "state" / "state.db").exists()


def test_online_check_calls_get_me_and_never_prints_the_token(env: dict[str, str], api: FakeBotApi) -> None:
    env = dict(env, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=api.url, BOT_LOG_LEVEL="DEBUG")
    done = subprocess.run([*qa_bot(), "--check"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=DEADLINE)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert outcomes(lines) == ["ok"] * 4
    assert lines[0].startswith("ok   configuration: long polling, 0 admin ids, log level DEBUG, question log kept 90 days")
    assert lines[3].startswith("ok   Bot API: getMe answered @LogementHdfBot in ") and api.url in lines[3]
    assert api.count("getMe") == 1
    for text in (done.stdout, done.stderr):
        assert TOKEN not in text and SECRET_HALF not in text


def test_invalid_configuration_fails_with_the_variable_named(env: dict[str, str]) -> None:
    env = dict(env, BOT_QUESTION_LOG_DAYS="forever")
    done = subprocess.run(
        [*qa_bot(), "--check", "--offline"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=DEADLINE
    )
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert outcomes(lines) == ["FAIL", "ok", "skip", "skip"]
    assert "BOT_QUESTION_LOG_DAYS" in lines[0]


def test_the_check_fails_without_a_token(env: dict[str, str]) -> None:
    # Issue 12, defect 5: a forgotten token used to pass the check ("terminal mode"), and
    # the service then chatted on an empty stdin and exited 0.
    done = subprocess.run(
        [*qa_bot(), "--check", "--offline"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=DEADLINE
    )
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert outcomes(lines) == ["FAIL", "ok", "ok", "skip"], lines
    assert lines[0].startswith("FAIL configuration: TELEGRAM_BOT_TOKEN is not set")


def test_offline_goes_with_check() -> None:
    done = subprocess.run([*qa_bot(), "--offline"], cwd=ROOT, capture_output=True, text=True, timeout=DEADLINE)
    assert done.returncode == 2 and "--offline goes with --check" in done.stderr


# -------------------------------------------------------------- in process
def test_a_rejected_token_is_a_failure_without_the_token(env: dict[str, str]) -> None:
    with FakeBotApi(token="987654321:another-token-the-server-knows-only") as other:
        code, lines = run(Settings(token=TOKEN, api_root=other.url))
    assert code == 1
    assert lines[3] == f"FAIL Bot API: {other.url} rejected the token (check TELEGRAM_BOT_TOKEN)"


def test_an_unreachable_bot_api_is_a_failure(env: dict[str, str]) -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    code, lines = run(Settings(token=TOKEN, api_root=url))
    assert code == 1 and lines[3].startswith(f"FAIL Bot API: cannot reach {url}: NetworkError")


def test_online_check_needs_the_token(env: dict[str, str]) -> None:
    code, lines = run(Settings(token=None))
    assert code == 1 and outcomes(lines) == ["FAIL", "ok", "ok", "FAIL"]
    assert "no TELEGRAM_BOT_TOKEN" in lines[3] and "--offline" in lines[3]


def test_a_missing_fact_base_is_a_failure(env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA_FACTS_DB", str(tmp_path / "missing.db"))
    monkeypatch.setenv("QA_KNOWLEDGE", str(tmp_path / "no-knowledge"))
    code, lines = run(Settings(token=TOKEN), offline=True)
    assert code == 1 and outcomes(lines) == ["ok", "FAIL", "ok", "skip"]
    assert lines[1].startswith("FAIL fact base: FactBaseError:") and "qa build" in lines[1]


def test_an_unusable_state_database_is_a_failure(env: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a directory")
    code, lines = run(Settings(token=TOKEN, state_db=tmp_path / "a-file" / "state.db"), offline=True)
    assert code == 1 and outcomes(lines) == ["ok", "ok", "FAIL", "skip"]
    assert lines[2].startswith("FAIL state database:")


def test_a_state_database_that_is_not_sqlite_is_a_failure(env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    path.write_bytes(b"this is not a database" * 100)
    code, lines = run(Settings(token=TOKEN, state_db=path), offline=True)
    assert code == 1 and lines[2].startswith("FAIL state database:")


def test_the_webhook_secret_is_never_printed(env: dict[str, str], api: FakeBotApi) -> None:
    secret = "a-webhook-secret-nobody-should-see"
    settings = Settings(token=TOKEN, api_root=api.url, webhook_url="http://x/y", webhook_secret=secret)
    out = io.StringIO()
    assert check.main(settings, offline=False, out=out) == 0
    assert secret not in out.getvalue() and "webhook" in out.getvalue()
