"""Issue 12 against the real `qa-bot` process and a loopback Bot API that refuses what Telegram
refuses: an edited announcement, two instances, a rejected token (at start, in a URL, mid-run),
no token, a group upgraded to a supergroup, Telegram's limits.

Every wait is "until it happened" with a generous deadline, never a fixed sleep.
"""

from __future__ import annotations

import contextlib
import json
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot import texts
from bot.instance import InstanceLock
from qa import Engine
from qa.state import StateStore

from ..conftest import ROOT
from .fakes import ADMIN_ID, TOKEN, USER_ID, FakeBotApi, message, text_update
from .test_e2e import DEADLINE, bot_env, qa_bot, stop

pytestmark = pytest.mark.slow

SECRET_HALF = TOKEN.split(":")[1]
GROUP, SUPERGROUP = -4001, -1004001
GROUP_ADMIN = 777


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi() as server:
        yield server


def start(api: FakeBotApi, facts_db: Path, tmp_path: Path, **extra: str) -> subprocess.Popen[str]:
    env = bot_env(api, facts_db, tmp_path, **extra)
    return subprocess.Popen(
        qa_bot(), env=env, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def until(condition: Callable[[], Any], what: str) -> Any:
    deadline = time.monotonic() + DEADLINE
    while not (value := condition()):
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.05)
    return value


def rows(state_db: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    with contextlib.closing(sqlite3.connect(state_db, timeout=30)) as db:
        return db.execute(sql, params).fetchall()


def to_chat(api: FakeBotApi, chat: int, containing: str = "") -> list[dict[str, Any]]:
    return [m for m in api.sent() if int(m["chat_id"]) == chat and containing in m["text"]]


def no_secret(*outputs: str) -> None:
    for output in outputs:
        assert TOKEN not in output and SECRET_HALF not in output
        assert "Traceback" not in output


# ------------------------------------------------------------------- defect 1
def test_an_edited_announcement_is_not_broadcast_again(api: FakeBotApi, facts_db: Path, tmp_path: Path) -> None:
    process = start(api, facts_db, tmp_path, BOT_ADMIN_IDS=str(ADMIN_ID))
    state_db = tmp_path / "state.db"
    try:
        api.wait_for("getUpdates", timeout=DEADLINE)
        api.push(text_update("/abonner 2"))
        until(lambda: to_chat(api, USER_ID, "vous suivez"), "the subscription")
        announce = text_update("/annonce 2 Étude sur la réhabilitation", chat_id=ADMIN_ID, user_id=ADMIN_ID)
        api.push(announce)
        until(lambda: to_chat(api, ADMIN_ID, "mise en file"), "the announcement queued")
        edited = dict(announce["message"], text="/annonce 2 Étude sur la réhabilitation (corrigée)", edit_date=1)
        api.push({"update_id": announce["update_id"] + 1000, "edited_message": edited})
        api.push(text_update("/abonnements", chat_id=ADMIN_ID, user_id=ADMIN_ID))  # after the edit, same chat
        until(lambda: to_chat(api, ADMIN_ID, "aucun sujet"), "the reply after the edit")
        until(lambda: rows(state_db, "SELECT status FROM outbox") == [("sent",)], "the notice sent")
        assert len(to_chat(api, ADMIN_ID, "mise en file")) == 1  # the edit queued nothing
        assert len(to_chat(api, USER_ID, "Étude sur la réhabilitation")) == 1
    finally:
        code, stderr = stop(process)
    assert code == 0, stderr
    assert api.rejected == []


# ------------------------------------------------------------------- defect 2
def test_a_second_instance_exits_at_once_and_each_notice_goes_once(
    api: FakeBotApi, facts_db: Path, tmp_path: Path
) -> None:
    state_db = tmp_path / "state.db"
    with StateStore.open(state_db) as store:
        for chat in range(1000, 1040):
            store.subscribe(chat, "topic-2")
        assert store.queue_announcement("topic-2", "Annonce") == 40
    first = start(api, facts_db, tmp_path)
    try:
        api.wait_for("getUpdates", timeout=DEADLINE)
        second = start(api, facts_db, tmp_path)
        out, err = second.communicate(timeout=DEADLINE)
        assert second.returncode == 1 and out == ""
        (line,) = err.splitlines()
        assert "already runs on the state database" in line and str(state_db) in line
        chat = subprocess.run(  # the terminal chat is an instance too: it delivers from the outbox
            [sys.executable, "-m", "bot.terminal"], input="", capture_output=True, text=True, cwd=ROOT,
            env=bot_env(api, facts_db, tmp_path), timeout=DEADLINE,
        )  # fmt: skip
        assert chat.returncode == 1 and "already runs" in chat.stderr
        until(lambda: rows(state_db, "SELECT count(*) FROM outbox WHERE status = 'sent'") == [(40,)], "40 sent")
        notices = [int(m["chat_id"]) for m in api.sent() if m["text"] == "Annonce"]
        assert sorted(notices) == list(range(1000, 1040))  # each exactly once
    finally:
        code, stderr = stop(first)
    assert code == 0, stderr
    no_secret(err, stderr)


# ------------------------------------------------------------------- defect 3
def test_a_token_the_bot_api_rejects_at_start_is_never_printed(facts_db: Path, tmp_path: Path) -> None:
    with FakeBotApi(token="987654321:another-token-the-server-knows-only") as other:
        done = subprocess.run(
            qa_bot(), env=bot_env(other, facts_db, tmp_path), cwd=ROOT, capture_output=True, text=True,
            timeout=DEADLINE, stdin=subprocess.DEVNULL,
        )  # fmt: skip
    assert done.returncode == 1
    no_secret(done.stdout, done.stderr)
    last = done.stderr.splitlines()[-1]
    assert last.startswith("qa-bot: the Bot API at") and "rejected the token" in last
    assert "TELEGRAM_BOT_TOKEN" in last


@pytest.mark.parametrize(
    "base_url", [f"https://api.telegram.org/bot{TOKEN}", f"api.telegram.org/bot{TOKEN}/", f"http://proxy/{TOKEN}"]
)
def test_a_base_url_that_contains_the_token_is_refused_without_echoing_it(
    api: FakeBotApi, facts_db: Path, tmp_path: Path, base_url: str
) -> None:
    env = dict(bot_env(api, facts_db, tmp_path), TELEGRAM_API_BASE_URL=base_url)
    done = subprocess.run(qa_bot(), env=env, cwd=ROOT, capture_output=True, text=True, timeout=DEADLINE)
    assert done.returncode == 2
    (line,) = done.stderr.splitlines()
    assert "TELEGRAM_API_BASE_URL" in line
    no_secret(done.stdout, done.stderr)
    check = subprocess.run([*qa_bot(), "--check"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=DEADLINE)
    assert check.returncode == 1 and "TELEGRAM_API_BASE_URL" in check.stdout
    no_secret(check.stdout, check.stderr)


# ------------------------------------------------------------------- defect 5
@pytest.mark.parametrize("token", [None, ""])  # unset, or left empty as env.example ships it
def test_without_a_token_the_service_refuses_to_start(
    api: FakeBotApi, facts_db: Path, tmp_path: Path, token: str | None
) -> None:
    env = bot_env(api, facts_db, tmp_path)
    if token is None:
        del env["TELEGRAM_BOT_TOKEN"]
    else:
        env["TELEGRAM_BOT_TOKEN"] = token
    done = subprocess.run(
        qa_bot(), env=env, cwd=ROOT, capture_output=True, text=True, timeout=DEADLINE, stdin=subprocess.DEVNULL
    )
    assert done.returncode == 2 and done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert "TELEGRAM_BOT_TOKEN is not set" in line and "qa-chat" in line
    assert api.calls == []  # nothing started
    check = subprocess.run(
        [*qa_bot(), "--check", "--offline"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=DEADLINE
    )
    assert check.returncode == 1 and check.stdout.startswith("FAIL configuration: TELEGRAM_BOT_TOKEN is not set")


# ------------------------------------------------------------------- defect 6
def test_a_group_upgraded_to_a_supergroup_keeps_its_subscriptions(
    api: FakeBotApi, facts_db: Path, tmp_path: Path
) -> None:
    state_db = tmp_path / "state.db"
    api.state.admins |= {(GROUP, GROUP_ADMIN), (-4002, GROUP_ADMIN), (-1004002, GROUP_ADMIN)}
    process = start(api, facts_db, tmp_path, BOT_ADMIN_IDS=str(ADMIN_ID))
    try:
        api.wait_for("getUpdates", timeout=DEADLINE)
        for group, axis in ((GROUP, 2), (-4002, 3)):
            api.push(text_update(f"/abonner {axis}", chat_id=group, user_id=GROUP_ADMIN))
            until(lambda g=group: to_chat(api, g, "vous suivez"), "a group subscribed")
        # 1. Telegram answers the notice with "migrated": the group follows its new id
        api.state.fail(
            "sendMessage", 400, "Bad Request: group chat was upgraded to a supergroup chat", chat=GROUP,
            parameters={"migrate_to_chat_id": SUPERGROUP},
        )  # fmt: skip
        api.push(text_update("/annonce 2 Bonjour le groupe", chat_id=ADMIN_ID, user_id=ADMIN_ID))
        until(lambda: to_chat(api, SUPERGROUP, "Bonjour le groupe"), "the notice at the new id")
        # 2. the service message of another group's upgrade
        upgrade = message(None, chat_id=-4002, user_id=GROUP_ADMIN, migrate_to_chat_id=-1004002)
        api.push({"update_id": 990001, "message": upgrade})
        api.push(text_update("/abonnements", chat_id=-1004002, user_id=GROUP_ADMIN))
        listed = until(lambda: to_chat(api, -1004002, "Vous suivez"), "the new supergroup's subscriptions")
        assert "(n° 3)" in listed[0]["text"]
    finally:
        code, stderr = stop(process)
    assert code == 0, stderr
    topics = Engine.load(facts_db).topics()
    subscriptions = rows(state_db, "SELECT chat_id, topic FROM subscriptions ORDER BY chat_id")
    assert subscriptions == [(-1004002, topics[2].key), (SUPERGROUP, topics[1].key)]  # the old ids follow nothing
    assert rows(state_db, "SELECT count(*) FROM users WHERE chat_id IN (?, ?)", GROUP, -4002) == [(0,)]
    assert api.rejected == []


# ------------------------------------------------------------------- defect 8
def test_a_token_rejected_mid_run_ends_the_process_after_a_clean_shutdown(
    api: FakeBotApi, facts_db: Path, tmp_path: Path
) -> None:
    state_db = tmp_path / "state.db"
    process = start(api, facts_db, tmp_path)
    try:
        api.wait_for("getUpdates", timeout=DEADLINE)
        api.push(text_update("combien de logements réhabilités en 2021"))
        api.wait_for("sendMessage", timeout=DEADLINE)
        api.state.fail("getUpdates", 401, "Unauthorized")  # the token was revoked at @BotFather
        out, stderr = process.communicate(timeout=DEADLINE)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 1, stderr
    no_secret(out, stderr)
    assert "rejected the token" in stderr and "TELEGRAM_BOT_TOKEN" in stderr
    # a clean shutdown: the database closed (its WAL checkpointed and removed, which SQLite
    # does when the last connection closes), the question log flushed, the lock released
    assert not state_db.with_name("state.db-wal").exists()
    assert rows(state_db, "SELECT text FROM question_log") == [("combien de logements réhabilités en 2021",)]
    InstanceLock.acquire(state_db).release()


# ------------------------------------------------------------------- defect 9
def test_an_announcement_too_long_for_telegram_is_refused_before_queueing(
    api: FakeBotApi, facts_db: Path, tmp_path: Path
) -> None:
    state_db = tmp_path / "state.db"
    process = start(api, facts_db, tmp_path, BOT_ADMIN_IDS=str(ADMIN_ID))
    try:
        api.wait_for("getUpdates", timeout=DEADLINE)
        api.push(text_update("/abonner 2"))
        until(lambda: to_chat(api, USER_ID, "vous suivez"), "the subscription")
        api.push(text_update("/annonce 2 " + "x" * 4050, chat_id=ADMIN_ID, user_id=ADMIN_ID))
        (refusal,) = until(lambda: to_chat(api, ADMIN_ID, "trop longue"), "the refusal")
        assert "4050 caractères" in refusal["text"] and "Rien n’a été envoyé" in refusal["text"]
        api.push(text_update("/annonce 2 " + "y" * 3900, chat_id=ADMIN_ID, user_id=ADMIN_ID))  # fits
        until(lambda: rows(state_db, "SELECT status FROM outbox") == [("sent",)], "the one that fits, sent")
        api.push(text_update("é" * 4096))  # the longest question a user can send
        until(lambda: len(to_chat(api, USER_ID)) >= 3, "an answer to the longest question")
    finally:
        code, stderr = stop(process)
    assert code == 0, stderr
    assert rows(state_db, "SELECT count(*) FROM outbox") == [(1,)]
    assert api.rejected == []  # nothing the bot sent was refused by the (strict) fake
    assert texts.ANNOUNCE_TOO_LONG.split("{")[0] in refusal["text"]


def test_the_test_bot_api_refuses_what_telegram_refuses(api: FakeBotApi) -> None:
    # Guards the fake itself: if it accepted everything, the tests above would prove nothing.
    import json
    import urllib.request

    def call(method: str, **params: Any) -> int:
        request = urllib.request.Request(
            f"{api.url}/bot{TOKEN}/{method}", data=json.dumps(params).encode(),
            headers={"Content-Type": "application/json"},
        )  # fmt: skip
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(request, timeout=DEADLINE) as response:
                return int(response.status)
        except urllib.error.HTTPError as e:
            return e.code

    assert call("sendMessage", chat_id=1, text="x" * 4097) == 400
    assert call("sendMessage", chat_id=1, text="🏠" * 2049) == 400  # 4 098 UTF-16 units
    assert call("sendMessage", chat_id=1, text="<b>" + "x" * 4096 + "</b>", parse_mode="HTML") == 200
    assert call("sendMessage", chat_id=1, text="a < b", parse_mode="HTML") == 400
    assert call("sendMessage", chat_id=1, text="<b>open", parse_mode="HTML") == 400
    assert call("sendMessage", chat_id=1, text="<div>x</div>", parse_mode="HTML") == 400
    assert call("sendMessage", chat_id=1, text="&eacute;", parse_mode="HTML") == 400
    assert call("sendMessage", chat_id=1, text="") == 400
    keyboard = {"inline_keyboard": [[{"text": "x", "callback_data": "é" * 33}]]}
    assert call("sendMessage", chat_id=1, text="x", reply_markup=keyboard) == 400
    assert call("answerCallbackQuery", callback_query_id="1", text="x" * 201) == 400
    assert call("answerCallbackQuery", callback_query_id="1", text="x" * 200) == 200
    assert len(api.rejected) == 9


# ----------------------------------------------------- defect 10: the webhook
def raw_post(host: str, port: int, headers: dict[str, str], body: bytes = b"") -> int:
    """POST with a raw socket (headers may announce a body that never comes); the status."""
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    with socket.create_connection((host, port), timeout=DEADLINE) as s:
        s.sendall(f"POST /telegram/hook HTTP/1.1\r\nHost: {host}\r\n{head}\r\n".encode() + body)
        status = s.recv(64).split(b" ", 2)[1]
    return int(status)


def test_the_webhook_checks_before_reading_ignores_replays_and_logs_no_content(
    api: FakeBotApi, facts_db: Path, tmp_path: Path
) -> None:
    try:  # another loopback address: Linux has all of 127/8, some systems only 127.0.0.1
        with socket.socket() as probe:
            probe.bind(("127.0.0.2", 0))
    except OSError:
        pytest.skip("127.0.0.2 is not a local address here")
    port = free_port()
    url, secret = f"http://127.0.0.2:{port}/telegram/hook", "s3cret-hook"
    process = start(api, facts_db, tmp_path, WEBHOOK_URL=url, WEBHOOK_SECRET=secret, PORT=str(port),
                    WEBHOOK_LISTEN="127.0.0.2")  # fmt: skip
    json_headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret}
    try:
        api.wait_for("setWebhook", timeout=DEADLINE)
        until(lambda: _listening("127.0.0.2", port), "the webhook server listening")
        assert not _listening("127.0.0.1", port)  # WEBHOOK_LISTEN is the only address
        # 50 MB announced, never sent: refused on the headers, nothing read
        assert raw_post("127.0.0.2", port, {"Content-Length": str(50 << 20)}) == 403
        assert raw_post("127.0.0.2", port, {**json_headers, "Content-Length": str(50 << 20)}) == 413
        update = json.dumps(text_update("contact UNAFO")).encode()
        for _ in range(2):  # Telegram redelivers an update it got no timely answer for
            assert raw_post("127.0.0.2", port, {**json_headers, "Content-Length": str(len(update))}, update) == 200
        unreadable = json.dumps({"update_id": 424242, "message": "pas un objet"}).encode()
        assert raw_post("127.0.0.2", port, {**json_headers, "Content-Length": str(len(unreadable))}, unreadable) == 200
        until(lambda: api.count("sendMessage") >= 1, "the answer")
        assert api.count("getUpdates") == 0
    finally:
        code, stderr = stop(process)
    assert code == 0, stderr
    assert len(to_chat(api, USER_ID, "union-habitat.org")) == 1  # the replay was not answered
    assert "424242" in stderr and "pas un objet" not in stderr  # its id, never its content
    no_secret(stderr)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _listening(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(5)
        return s.connect_ex((host, port)) == 0


def test_a_webhook_port_already_taken_is_one_line(api: FakeBotApi, facts_db: Path, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = bot_env(api, facts_db, tmp_path, WEBHOOK_URL=f"http://127.0.0.1:{port}/hook", WEBHOOK_SECRET="s3cret-hook",
                      PORT=str(port))  # fmt: skip
        done = subprocess.run(qa_bot(), env=env, cwd=ROOT, capture_output=True, text=True, timeout=DEADLINE)
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1].startswith("qa-bot: cannot start:")
    no_secret(done.stdout, done.stderr)
    InstanceLock.acquire(tmp_path / "state.db").release()  # shut down cleanly: the lock is free
