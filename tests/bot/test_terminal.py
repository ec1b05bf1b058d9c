"""The terminal chat: the same dialogue, numbered buttons, Ctrl-D exits."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from bot import texts
from bot.dialogue import Dialogue
from bot.terminal import TerminalChat, run
from qa import Engine

from ..conftest import KNOWLEDGE, ROOT


def test_question_follow_up_button_and_commands(engine: Engine) -> None:
    stdin = io.StringIO(
        "combien de logements réhabilités en 2021\n"
        "et dans l'Aisne ?\n"
        "1\n"
        "/axes\n"
        "/abonner 2\n"
        "/nimporte\n"
        "\n"
    )
    stdout = io.StringIO()
    assert run(Dialogue(engine), stdin, stdout) == 0
    out = stdout.getvalue()
    assert out.startswith(texts.TERMINAL_WELCOME)
    assert "3\u202f616 logements réhabilités" in out
    assert "<b>" not in out and "&#x27;" not in out  # plain text, not HTML
    assert "1\u202f000 logements réhabilités (Aisne" in out
    assert f"{texts.TERMINAL_BUTTONS}\n  1. Et dans toute la région ?" in out
    assert "Produire et réhabiliter" in out
    assert texts.TERMINAL_TELEGRAM_ONLY in out and texts.UNKNOWN_COMMAND in out
    assert out.rstrip().endswith(texts.TERMINAL_BYE)


def test_clarify_number_and_stale_button(engine: Engine) -> None:
    chat = TerminalChat(Dialogue(engine))
    reply = chat.handle("qui est le président")
    assert reply is not None and reply.status == "clarify"
    labels = [b.label for row in reply.buttons for b in row]
    number = next(i for i, label in enumerate(labels, 1) if "Declemy" in label)
    answer = chat.handle(str(number))
    assert answer is not None and "Declemy" in answer.text
    assert chat.handle("   ") is None


def test_qa_bot_without_token_chats_in_the_terminal(facts_db: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))}
    env.update(QA_FACTS_DB=str(facts_db), QA_KNOWLEDGE=str(KNOWLEDGE))
    result = subprocess.run(
        [sys.executable, "-m", "bot"],
        input="contact UNAFO\n/sources\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "p.pruvost@union-habitat.org" in result.stdout
    assert "Saint-Quentin" in result.stdout
    assert result.stdout.rstrip().endswith(texts.TERMINAL_BYE)


def test_invalid_configuration_exits_with_a_clear_message() -> None:
    env = dict(os.environ, PORT="quatre")
    result = subprocess.run(
        [sys.executable, "-m", "bot"],
        input="",
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 2
    assert "PORT" in result.stderr and "quatre" in result.stderr
