"""`qa-bot` with a token, at DEBUG, against a loopback Bot API that fails some requests:
the token, the user's id and the question's text appear nowhere in what it logs.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from urllib.parse import unquote_plus

import pytest

from bot import texts

from ..conftest import ROOT
from .fakes import TOKEN, FakeBotApi, text_update
from .test_e2e import DEADLINE, bot_env, qa_bot, stop

pytestmark = pytest.mark.slow

SECRET_HALF = TOKEN.split(":")[1]
USER = 555000111
QUESTIONS = ("combien de logements réhabilités en 2021", "qui est la présidente de Clésence", "contact UNAFO")


class FailingBotApi(FakeBotApi):
    """getUpdates fails once (502 from a proxy, not JSON); the first two answers fail:
    a 500 from the Bot API, then a connection closed without a response (a network error).
    The bot's apology after an error goes through."""

    def __init__(self) -> None:
        super().__init__()
        self.failures = {"getUpdates": ["502"], "sendMessage": ["500", "drop"]}

    def handle(self, path: str, content_type: str, body: bytes) -> tuple[int, bytes]:
        method = path.rsplit("/", 1)[-1].split("?", 1)[0]
        pending = self.failures.get(method)
        apology = texts.ERROR in unquote_plus(body.decode()) or json.dumps(texts.ERROR) in body.decode()
        if not pending or apology or (method == "getUpdates" and not self.calls):
            return super().handle(path, content_type, body)
        failure = pending.pop(0)
        with self._cond:
            self.calls.append((f"{method}:failed", {}))
            self._cond.notify_all()
        if failure == "502":
            return 502, b"<html><body>502 Bad Gateway</body></html>"
        if failure == "500":
            return 500, json.dumps({"ok": False, "error_code": 500, "description": "Internal Server Error"}).encode()
        raise ConnectionAbortedError("dropped by the test")  # the server closes the connection


def test_nothing_secret_or_personal_is_logged_even_when_requests_fail(facts_db: Path, tmp_path: Path) -> None:
    with FailingBotApi() as api:
        process = subprocess.Popen(
            qa_bot(),
            env=bot_env(api, facts_db, tmp_path, BOT_LOG_LEVEL="DEBUG"),
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            api.wait_for("getUpdates:failed", timeout=DEADLINE)
            api.wait_for("getUpdates", timeout=DEADLINE)  # it went on polling
            for i, question in enumerate(QUESTIONS):
                api.push(text_update(question, chat_id=USER, user_id=USER))
                api.wait_for("sendMessage", i + 1, timeout=DEADLINE)  # an answer or an apology
            assert api.count("sendMessage:failed") == 2
            sent = api.sent()
            assert [texts.ERROR in m["text"] for m in sent] == [True, True, False]
        finally:
            code, stderr = stop(process)
    assert code == 0, stderr
    lines = stderr.splitlines()
    assert lines and all(line.startswith("time=") for line in lines), stderr  # one record, one line
    for secret in (TOKEN, SECRET_HALF, str(USER), *QUESTIONS, "réhabilités", "Clésence", "UNAFO"):
        assert secret not in stderr, secret
    updates = [line.split(" logger=bot.events ", 1)[1].split(" ms=")[0] for line in lines if "event=update" in line]
    assert updates == [
        "event=update update=message chat=private handler=question status=answered error=NetworkError",
        "event=update update=message chat=private handler=question status=answered error=NetworkError",
        "event=update update=message chat=private handler=question status=answered",
    ]
    assert sum('logger=bot.handlers msg="error while handling an update"' in line for line in lines) == 2
    assert sum('logger=bot.handlers msg="error outside an update (polling, a job)"' in line for line in lines) == 1
    assert any("event=purge table=questions days=90 deleted=0" in line for line in lines)
    assert not any("logger=httpcore" in line for line in lines)  # capped at INFO, as PTB is
