"""End to end: `qa-bot` as a subprocess against a loopback server of ours playing the Bot API.

Every wait is "until it happened" with a generous deadline, never a fixed sleep.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..conftest import KNOWLEDGE, ROOT
from .fakes import TOKEN, FakeBotApi, buttons, callback_update, text_update

pytestmark = pytest.mark.slow
DEADLINE = 120.0  # seconds; generous for a slow shared machine


def qa_bot() -> list[str]:
    script = Path(sys.executable).with_name("qa-bot")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot"]


def bot_env(api: FakeBotApi, facts_db: Path, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.lower().endswith("_proxy") and not k.startswith(("TELEGRAM_", "WEBHOOK_"))
    }
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=api.url,
        QA_FACTS_DB=str(facts_db),
        QA_KNOWLEDGE=str(KNOWLEDGE),
        BOT_STATE_DB=str(tmp_path / "state.db"),
        NO_PROXY="127.0.0.1,localhost",
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


def stop(process: subprocess.Popen[str]) -> tuple[int, str]:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
    try:
        _, stderr = process.communicate(timeout=DEADLINE)
    except subprocess.TimeoutExpired:
        process.kill()
        _, stderr = process.communicate()
    return process.returncode, stderr


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi() as server:
        yield server


def test_polling_question_follow_up_and_button(
    api: FakeBotApi, facts_db: Path, tmp_path: Path
) -> None:
    process = subprocess.Popen(
        qa_bot(),
        env=bot_env(api, facts_db, tmp_path),
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        api.wait_for("getUpdates", timeout=DEADLINE)
        commands = api.wait_for("setMyCommands", timeout=DEADLINE)[0]["commands"]
        assert {"abonner", "axes", "contact"} <= {c["command"] for c in commands}

        api.push(text_update("combien de logements réhabilités en 2021"))
        first = api.wait_for("sendMessage", 1, timeout=DEADLINE)[0]
        assert "<b>3\u202f616</b>" in first["text"] and first["parse_mode"] == "HTML"
        assert [data for _, data in buttons(first)] == ["f:aisne-2021-logements-rehabilites"]  # its sub-place

        api.push(text_update("et dans l'Aisne ?"))
        follow_up = api.wait_for("sendMessage", 2, timeout=DEADLINE)[1]
        assert "<b>1\u202f000</b>" in follow_up["text"]
        back = buttons(follow_up)
        assert back and back[0][1].startswith("f:")

        api.push(callback_update(back[0][1]))
        clicked = api.wait_for("sendMessage", 3, timeout=DEADLINE)[2]
        assert "<b>3\u202f616</b>" in clicked["text"]
        assert api.wait_for("answerCallbackQuery", timeout=DEADLINE)

        api.push(callback_update("q:41"))  # issued by a previous run, say
        notice = api.wait_for("answerCallbackQuery", 2, timeout=DEADLINE)[1]
        assert "plus valable" in notice["text"]
    finally:
        code, stderr = stop(process)
    assert code == 0, stderr
    assert TOKEN not in stderr and TOKEN.split(":")[1] not in stderr


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def post(url: str, body: bytes, secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=DEADLINE) as response:
            return int(response.status)
    except urllib.error.HTTPError as e:
        return e.code


def test_webhook_checks_the_secret_and_answers(
    api: FakeBotApi, facts_db: Path, tmp_path: Path
) -> None:
    import json

    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    env = bot_env(
        api, facts_db, tmp_path, WEBHOOK_URL=url, WEBHOOK_SECRET="s3cret-hook", PORT=str(port)
    )
    process = subprocess.Popen(
        qa_bot(),
        env=env,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        registered = api.wait_for("setWebhook", timeout=DEADLINE)[0]
        assert registered["url"] == url and registered["secret_token"] == "s3cret-hook"
        body = json.dumps(text_update("contact UNAFO")).encode()
        deadline = time.monotonic() + DEADLINE
        while True:  # the server may still be binding its port
            try:
                assert post(url, body, None) == 403
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        assert post(url, body, "wrong") == 403
        assert api.count("sendMessage") == 0
        assert post(url, body, "s3cret-hook") == 200
        reply = api.wait_for("sendMessage", timeout=DEADLINE)[0]
        assert "p.pruvost@union-habitat.org" in reply["text"]
        assert api.count("getUpdates") == 0
    finally:
        code, stderr = stop(process)
    assert code == 0, stderr
    assert TOKEN not in stderr and "s3cret-hook" not in stderr
