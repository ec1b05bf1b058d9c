"""`qa-chat`: the whole bot in the terminal: questions, buttons, subscriptions, personal data,
notices arriving; numbered buttons; Ctrl-D exits."""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot import texts
from bot.settings import Settings
from bot.terminal import LOCAL_CHAT, chat
from bot.topics import Topics
from qa import Engine
from qa.state import StateStore

from ..conftest import KNOWLEDGE, ROOT


def settings(tmp_path: Path, facts_db: Path) -> Settings:
    return Settings(state_db=tmp_path / "state.db", facts_db=facts_db, knowledge=KNOWLEDGE)


def talk(lines: list[str], tmp_path: Path, engine: Engine, facts_db: Path) -> str:
    stdout = io.StringIO()
    stdin = io.StringIO("".join(f"{line}\n" for line in lines))
    assert asyncio.run(chat(settings(tmp_path, facts_db), stdin, stdout, engine=engine)) == 0
    return stdout.getvalue()


def test_question_follow_up_buttons_and_commands(tmp_path: Path, engine: Engine, facts_db: Path) -> None:
    out = talk(
        ["combien de logements réhabilités en 2021", "et dans l'Aisne ?", "1", "/axes", "/nimporte", ""],
        tmp_path, engine, facts_db,
    )  # fmt: skip
    assert out.startswith(texts.TERMINAL_WELCOME)
    assert "3\u202f616 logements réhabilités" in out
    assert "<b>" not in out and "&#x27;" not in out  # plain text, not HTML
    assert "1\u202f000 logements réhabilités (Aisne" in out
    assert f"{texts.TERMINAL_BUTTONS}\n  1. " in out  # the follow-up buttons, numbered
    assert out.count("3\u202f616 logements réhabilités") >= 2  # the button answered the region again
    assert texts.TOPICS_HEAD in out and all(t.title in out for t in engine.topics())
    assert texts.UNKNOWN_COMMAND in out
    assert out.rstrip().endswith(texts.TERMINAL_BYE)


def test_subscriptions_personal_data_and_a_notice_arriving(tmp_path: Path, engine: Engine, facts_db: Path) -> None:
    stdout = io.StringIO()
    second = engine.topics()[1]  # /abonner 2
    label = Topics.of(engine).label(second)

    class Lines(io.StringIO):
        """The curator publishes (another process, say) after the local user subscribed."""

        def __init__(self) -> None:
            super().__init__("/abonner 2\n/abonnements\n\n/mesdonnees\n/desabonner 2\n/oublier\n1\n/mesdonnees\n")
            self.read_lines = 0

        def readline(self, size: int | None = -1) -> str:
            self.read_lines += 1
            if self.read_lines == 3:
                with StateStore.open(tmp_path / "state.db") as store:
                    store.queue_announcement(second.key, "📣 <b>Nouvelle étude</b> sur la réhabilitation")
                    store.subscribe(5151, second.key)  # a Telegram user: not the terminal's to deliver
                    store.queue_announcement(second.key, "second")
            return super().readline(size)

    assert asyncio.run(chat(settings(tmp_path, facts_db), Lines(), stdout, engine=engine)) == 0
    out = stdout.getvalue()
    assert f"C’est noté, vous suivez : {label}." in out
    assert f"Vous suivez :\n• {label} (n° 2)" in out
    assert f"{texts.TERMINAL_NOTICE}\n📣 Nouvelle étude sur la réhabilitation" in out  # arrived, plain
    assert f"{texts.TERMINAL_NOTICE}\nsecond" in out  # both, in order
    assert out.index("Nouvelle étude") < out.index(f"{texts.TERMINAL_NOTICE}\nsecond")
    assert f"identifiant de la conversation : {LOCAL_CHAT}" in out and "2 envoyé(s)" in out
    assert f"vous ne suivez plus : {label}" in out
    assert texts.FORGET_CONFIRM in out and texts.FORGET_DONE in out
    assert out.rstrip().split(texts.FORGET_DONE, 1)[1].count(texts.MYDATA_NONE) == 1  # erased
    with StateStore.open(tmp_path / "state.db") as store:
        assert store.user_data(5151).messages == {"pending": 1}  # left for qa-bot
        assert not store.user_data(LOCAL_CHAT).known


def test_qa_chat_runs_as_its_own_command(facts_db: Path, engine: Engine, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_", "BOT_", "QA_"))}
    env.update(QA_FACTS_DB=str(facts_db), QA_KNOWLEDGE=str(KNOWLEDGE), BOT_STATE_DB=str(tmp_path / "state.db"))
    script = Path(sys.executable).with_name("qa-chat")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "bot.terminal"]
    result = subprocess.run(
        command, input="contact UNAFO\n/abonner 1\n/sources\n", capture_output=True, text=True, env=env,
        cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "p.pruvost@union-habitat.org" in result.stdout
    assert "C’est noté, vous suivez : " in result.stdout and "Saint-Quentin" in result.stdout
    assert result.stdout.rstrip().endswith(texts.TERMINAL_BYE)
    with StateStore.open(tmp_path / "state.db") as store:
        assert store.subscriptions(LOCAL_CHAT) == (engine.topics()[0].key,)


@pytest.mark.parametrize(("variable", "value"), [("PORT", "quatre"), ("BOT_QUESTION_LOG_DAYS", "jamais")])
def test_an_invalid_configuration_exits_with_a_clear_message(variable: str, value: str) -> None:
    env = dict(os.environ, **{variable: value})
    result = subprocess.run(
        [sys.executable, "-m", "bot.terminal"], input="", capture_output=True, text=True, env=env, cwd=ROOT, timeout=120
    )
    assert result.returncode == 2
    assert variable in result.stderr and value in result.stderr and len(result.stderr.splitlines()) == 1
