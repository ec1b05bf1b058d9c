"""Handlers through the real Application and a fake transport: commands, questions, buttons."""

from __future__ import annotations

import html
import logging
from typing import Any

import pytest

from bot import texts
from bot.app import description
from bot.dialogue import MAX_CALLBACK_BYTES, Dialogue

from .conftest import Harness
from .fakes import ADMIN_ID, BOT_ID, BOT_USERNAME, USER_ID, buttons, callback_update, text_update

QUESTION = "combien de logements réhabilités en 2021"


def only(replies: list[dict[str, Any]]) -> dict[str, Any]:
    assert len(replies) == 1, replies
    return replies[0]


# ------------------------------------------------------------------ post_init
def test_post_init_registers_every_command_in_french(harness: Harness) -> None:
    calls = harness.request.calls
    menus = [params for name, params in calls if name == "setMyCommands"]
    public = [c for c in menus if "scope" not in c]
    assert len(public) == 1
    names = [c["command"] for c in public[0]["commands"]]
    assert names == [
        "start",
        "aide",
        "axes",
        "abonner",
        "desabonner",
        "abonnements",
        "sources",
        "contact",
        "mesdonnees",
        "oublier",
    ]
    admin = [c for c in menus if "scope" in c]
    assert admin[0]["scope"]["chat_id"] == ADMIN_ID
    assert {"annonce", "stats"} <= {c["command"] for c in admin[0]["commands"]}
    engine = harness.app.bot_data.engine
    assert engine is not None and harness.app.bot_data.has_dialogue
    (described,) = [p["description"] for p in harness.request.sent("setMyDescription")]
    assert described == description(engine) and len(described) <= 512  # Telegram's limit
    assert engine.examples()[0] in described and "{" not in described  # generated from the base


def test_application_is_built_with_html_defaults_the_budget_and_concurrent_chats() -> None:
    from bot.app import build_application
    from bot.processor import PerChatProcessor
    from bot.ratelimit import Budget
    from bot.settings import Settings

    from .fakes import TOKEN

    app = build_application(Settings(token=TOKEN))
    assert app.bot.defaults is not None and app.bot.defaults.parse_mode == "HTML"
    assert isinstance(app.bot.rate_limiter, Budget)
    assert isinstance(app.update_processor, PerChatProcessor) and app.update_processor.max_concurrent_updates > 1
    assert app.post_init is not None and app.post_shutdown is not None
    assert app.error_handlers


# ------------------------------------------------------------------- commands
@pytest.mark.asyncio
async def test_start_offers_three_example_questions_that_work(harness: Harness) -> None:
    reply = only(await harness.replies(text_update("/start")))
    assert reply["parse_mode"] == "HTML"
    examples = buttons(reply)
    engine = harness.app.bot_data.engine
    assert engine is not None
    assert [label for label, _ in examples] == list(engine.examples())  # from the base
    assert all(len(data.encode()) <= MAX_CALLBACK_BYTES for _, data in examples)
    assert html.escape(engine.can_answer()) in reply["text"]
    answer = only(await harness.replies(callback_update(examples[0][1])))
    assert answer["text"] == engine.ask(examples[0][0]).html and "<b>" in answer["text"]


@pytest.mark.asyncio
@pytest.mark.parametrize("command", ["/aide", "/help"])
async def test_help_lists_every_command_with_an_example(harness: Harness, command: str) -> None:
    text = only(await harness.replies(text_update(command)))["text"]
    for name, _, _ in texts.COMMANDS:
        assert f"/{name} :" in text
    assert "/abonner 1" in text and "/annonce" not in text
    assert f"@{BOT_USERNAME}" in text


@pytest.mark.asyncio
async def test_help_shows_admin_commands_to_admins_only(harness: Harness) -> None:
    text = only(await harness.replies(text_update("/aide", chat_id=ADMIN_ID, user_id=ADMIN_ID)))[
        "text"
    ]
    assert "/annonce" in text and "/stats" in text


@pytest.mark.asyncio
async def test_axes_sources_contact(harness: Harness) -> None:
    axes = only(await harness.replies(text_update("/axes")))["text"]
    assert all(f"\n{n}. <b>" in axes for n in range(1, 5))
    assert "Produire et réhabiliter" in axes
    sources = only(await harness.replies(text_update("/sources")))["text"]
    assert "Saint-Quentin" in sources and "UNAFO" in sources
    assert "Source Action Logement" in sources  # the origin of the document
    contact = only(await harness.replies(text_update("/contact")))["text"]
    assert "p.pruvost@union-habitat.org" in contact


@pytest.mark.asyncio
async def test_unknown_command_points_to_help(harness: Harness) -> None:
    assert only(await harness.replies(text_update("/bonjour")))["text"] == texts.UNKNOWN_COMMAND


# ------------------------------------------------------------------ questions
@pytest.mark.asyncio
async def test_answer_is_sourced_with_bold_figure_and_follow_up(harness: Harness) -> None:
    calls = await harness.feed(text_update(QUESTION))
    assert [name for name, _ in calls] == ["sendChatAction", "sendMessage"]  # "typing..." first
    assert calls[0][1]["action"] == "typing"
    reply = calls[1][1]
    assert "<b>3\u202f616</b>" in reply["text"]
    assert "Hauts-de-France" in reply["text"] and "2021" in reply["text"]  # scope
    assert "Source" in reply["text"] and "Saint-Quentin" in reply["text"]  # source
    assert [data for _, data in buttons(reply)] == ["f:aisne-2021-logements-rehabilites"]  # its sub-place
    aisne = only(await harness.replies(callback_update("f:aisne-2021-logements-rehabilites")))
    assert "1\u202f000" in aisne["text"]


@pytest.mark.asyncio
async def test_typed_follow_up_uses_the_chat_context(harness: Harness) -> None:
    await harness.feed(text_update(QUESTION))
    reply = only(await harness.replies(text_update("et dans l'Aisne ?")))
    assert "<b>1\u202f000</b>" in reply["text"] and "Aisne" in reply["text"]
    other_chat = only(
        await harness.replies(text_update("et dans l'Aisne ?", chat_id=777, user_id=777))
    )
    assert "1\u202f000" not in other_chat["text"]  # contexts are per chat


@pytest.mark.asyncio
async def test_clarify_gives_one_button_per_candidate(harness: Harness) -> None:
    reply = only(await harness.replies(text_update("qui est le président")))
    candidates = buttons(reply)
    assert len(candidates) >= 2
    assert all(data.startswith("f:") for _, data in candidates)
    label, data = next(c for c in candidates if "Declemy" in c[0])
    calls = await harness.feed(callback_update(data))
    assert [name for name, _ in calls] == ["answerCallbackQuery", "sendMessage"]
    assert "Declemy" in calls[1][1]["text"]
    # typing the number works too (the engine remembers the candidates)
    await harness.feed(text_update("qui est le président", chat_id=555, user_id=555))
    number = str([d for _, d in candidates].index(data) + 1)
    reply = only(await harness.replies(text_update(number, chat_id=555, user_id=555)))
    assert "Declemy" in reply["text"]


@pytest.mark.asyncio
async def test_unknown_suggests_what_the_bot_can_answer(harness: Harness) -> None:
    reply = only(await harness.replies(text_update("combien de logements réhabilités en Bretagne")))
    assert "Bretagne" in reply["text"]
    assert "<b>" not in reply["text"]  # no figure
    suggestions = buttons(reply)
    assert suggestions
    for _, data in suggestions:
        assert only(await harness.replies(callback_update(data)))["text"]


@pytest.mark.asyncio
async def test_question_is_logged_when_a_state_store_is_present(harness: Harness) -> None:
    logged: list[tuple[str, str]] = []

    class Store:
        def log_question(self, text: str, status: str) -> None:
            logged.append((text, status))

    mine, harness.app.bot_data.state = harness.app.bot_data.state, Store()  # type: ignore[assignment]
    await harness.feed(text_update(QUESTION))
    await harness.feed(text_update("combien de logements en Bretagne"))
    harness.app.bot_data.state = mine
    assert logged == [(QUESTION, "answered"), ("combien de logements en Bretagne", "unknown")]


# -------------------------------------------------------------- unknown buttons
@pytest.mark.asyncio
@pytest.mark.parametrize("data", ["zzz", "q:999", "q:", "f:no-such-fact", "t:", "s:2", "f:"])
async def test_buttons_the_bot_did_not_issue_get_a_short_notice(
    harness: Harness, data: str
) -> None:
    calls = await harness.feed(callback_update(data))
    assert calls == [
        (
            "answerCallbackQuery",
            {"callback_query_id": calls[0][1]["callback_query_id"], "text": texts.BUTTON_EXPIRED},
        )
    ]
    assert only(await harness.replies(text_update(QUESTION)))  # still serving


@pytest.mark.asyncio
async def test_question_buttons_do_not_survive_a_restart(harness: Harness) -> None:
    dialogue = harness.app.bot_data.dialogue
    long_question = "combien de logements réhabilités en 2021 dans la région des Hauts-de-France ?"
    number = dialogue.conversations.register_question(USER_ID, long_question)
    assert "3\u202f616" in only(await harness.replies(callback_update(f"q:{number}")))["text"]
    harness.app.bot_data.dialogue = Dialogue(dialogue.engine)  # what a restart leaves
    calls = await harness.feed(callback_update(f"q:{number}"))
    assert [(name, params.get("text")) for name, params in calls] == [
        ("answerCallbackQuery", texts.BUTTON_EXPIRED)
    ]


# ---------------------------------------------------------------------- errors
@pytest.mark.asyncio
async def test_an_error_is_logged_with_traceback_and_the_user_gets_a_polite_reply(
    harness: Harness, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialogue = harness.app.bot_data.dialogue

    def boom(chat_id: int, question: str) -> None:
        raise RuntimeError("engine exploded")

    monkeypatch.setattr(dialogue, "ask", boom)
    with caplog.at_level(logging.ERROR, logger="bot.handlers"):
        replies = await harness.replies(text_update(QUESTION))
    assert [r["text"] for r in replies] == [texts.ERROR]
    record = next(r for r in caplog.records if r.name == "bot.handlers")
    assert record.exc_info is not None and "engine exploded" in str(record.exc_info[1])
    monkeypatch.undo()
    assert "3\u202f616" in only(await harness.replies(text_update(QUESTION)))["text"]


def test_bot_id_matches_the_fake_get_me(harness: Harness) -> None:
    assert harness.app.bot.id == BOT_ID


@pytest.mark.asyncio
async def test_a_refused_typing_indicator_does_not_stop_the_answer(harness: Harness) -> None:
    harness.request.errors["sendChatAction"] = (400, "Bad Request: not enough rights")
    calls = await harness.feed(text_update(QUESTION))
    assert [name for name, _ in calls] == ["sendChatAction", "sendMessage"]
    assert "3\u202f616" in calls[1][1]["text"]
