"""Issue 12 through the real Application and the strict fake transport: edits, replays, buttons
without data, the question log's privacy, groups (admins only, upgrades), Telegram's limits."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from telegram import Update

from bot import texts
from bot.dialogue import Button, Reply
from bot.handlers import send
from bot.state import AsyncState
from bot.topics import Topics
from qa import Document, Engine, Fact, Source, Topic

from .conftest import Harness
from .fakes import ADMIN_ID, GROUP_ID, USER_ID, buttons, callback_update, message, text_update

MEMBER, GROUP_ADMIN = 31, 32


def state(harness: Harness) -> AsyncState:
    s = harness.app.bot_data.state
    assert isinstance(s, AsyncState)
    return s


def key(harness: Harness, n: int) -> str:
    """The key of the base's topic n (what the state database stores for `/abonner n`)."""
    topic = harness.app.bot_data.dialogue.topics.by_number(n)
    assert topic is not None, f"the base has no topic {n}"
    return topic.key


def edit_of(update: dict[str, Any], text: str) -> dict[str, Any]:
    """The update Telegram sends when the message of `update` is edited."""
    return {"update_id": update["update_id"] + 5000, "edited_message": dict(update["message"], text=text, edit_date=1)}


def sent_texts(calls: list[tuple[str, dict[str, Any]]]) -> list[str]:
    return [p["text"] for name, p in calls if name in ("sendMessage", "editMessageText")]


def toasts(calls: list[tuple[str, dict[str, Any]]]) -> list[str]:
    return [p.get("text", "") for name, p in calls if name == "answerCallbackQuery"]


# ------------------------------------------------------------- defect 1: edits
@pytest.mark.asyncio
async def test_an_edited_announcement_queues_nothing_more(harness: Harness) -> None:
    await harness.feed(text_update("/abonner 2"))
    announce = text_update("/annonce 2 Étude publiée", chat_id=ADMIN_ID, user_id=ADMIN_ID)
    assert "mise en file" in sent_texts(await harness.feed(announce))[0]
    assert await harness.feed(edit_of(announce, "/annonce 2 Étude publiée hier")) == []
    assert (await state(harness).stats()).outbox == {"pending": 1}


@pytest.mark.asyncio
@pytest.mark.parametrize("command", ["/abonner 3", "/desabonner 2", "/oublier", "/aide", "/inconnue"])
async def test_an_edited_command_changes_nothing_and_says_nothing(harness: Harness, command: str) -> None:
    await harness.feed(text_update("/abonner 2"))
    original = text_update("/abonnements")
    await harness.feed(original)
    assert await harness.feed(edit_of(original, command)) == []
    assert await state(harness).subscriptions(USER_ID) == (key(harness, 2),)


# -------------------------------------------------- defect 10: replays, buttons
@pytest.mark.asyncio
async def test_a_replayed_update_is_handled_once(harness: Harness) -> None:
    update = text_update("combien de logements réhabilités en 2021")
    assert len(sent_texts(await harness.feed(update))) == 1
    assert await harness.feed(update) == []  # the same update_id again: a webhook replay
    toggle = callback_update(f"abo:{key(harness, 2)}")
    await harness.feed(toggle)
    await harness.feed(toggle)
    assert await state(harness).subscriptions(USER_ID) == (key(harness, 2),)  # toggled once, not back


@pytest.mark.asyncio
async def test_a_button_without_data_gets_the_expired_notice(harness: Harness) -> None:
    update = callback_update(f"abo:{key(harness, 2)}")
    del update["callback_query"]["data"]  # a client may send that; PTB matches it to any pattern
    calls = await harness.feed(update)
    assert [name for name, _ in calls] == ["answerCallbackQuery"]
    assert toasts(calls) == [texts.BUTTON_EXPIRED]
    assert await state(harness).subscriptions(USER_ID) == ()


# ------------------------------------------------- defect 10: the question log
@pytest.mark.asyncio
async def test_the_question_log_keeps_no_e_mail_nor_phone_number(harness: Harness) -> None:
    await harness.feed(text_update("contact UNAFO ? je suis jean.dupont@exemple.fr, 06 12 34 56 78"))
    await harness.feed(text_update("combien de logements réhabilités en 2021"))
    await state(harness).flush_questions()
    with sqlite3.connect(state(harness).store.path) as db:
        logged = [text for (text,) in db.execute("SELECT text FROM question_log ORDER BY id")]
    assert logged == [
        "contact UNAFO ? je suis [e-mail], [téléphone]",
        "combien de logements réhabilités en 2021",  # figures and years are not phone numbers
    ]


@pytest.mark.asyncio
async def test_a_question_log_batch_the_database_refuses_is_dropped_with_a_log_line(
    harness: Harness, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    def locked(rows: object) -> None:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(state(harness).store, "log_questions", locked)
    replies = await harness.replies(text_update("combien de logements réhabilités en 2021"))
    assert len(replies) == 1 and "3\u202f616" in replies[0]["text"]  # the user got the answer
    await state(harness).flush_questions()  # no exception escapes, no task error is left
    assert "event=question_log result=dropped questions=1 error=OperationalError" in caplog.text


# ---------------------------------------------------- defect 10: group admins
@pytest.fixture
def group(harness: Harness) -> Harness:
    harness.request.state.admins.add((GROUP_ID, GROUP_ADMIN))
    return harness


@pytest.mark.asyncio
async def test_in_a_group_only_its_admins_change_subscriptions(group: Harness) -> None:
    assert sent_texts(await group.feed(text_update("/abonner 2", chat_id=GROUP_ID, user_id=GROUP_ADMIN)))
    for command in ("/desabonner 2", "/desabonner tout", "/abonner 3"):
        calls = await group.feed(text_update(command, chat_id=GROUP_ID, user_id=MEMBER))
        assert sent_texts(calls) == [texts.GROUP_ADMINS_ONLY]
    assert toasts(await group.feed(callback_update(f"abo:{key(group, 2)}", chat_id=GROUP_ID, user_id=MEMBER))) == [
        texts.GROUP_ADMINS_ONLY
    ]
    assert await state(group).subscriptions(GROUP_ID) == (key(group, 2),)
    listed = sent_texts(await group.feed(text_update("/abonnements", chat_id=GROUP_ID, user_id=MEMBER)))
    assert "(n° 2)" in listed[0]  # reading is for everyone


@pytest.mark.asyncio
async def test_in_a_group_only_its_admins_erase_the_groups_data(group: Harness) -> None:
    await group.feed(text_update("/abonner 2", chat_id=GROUP_ID, user_id=GROUP_ADMIN))
    assert sent_texts(await group.feed(text_update("/oublier", chat_id=GROUP_ID, user_id=MEMBER))) == [
        texts.GROUP_ADMINS_ONLY
    ]
    assert toasts(await group.feed(callback_update("oubli:oui", chat_id=GROUP_ID, user_id=MEMBER))) == [
        texts.GROUP_ADMINS_ONLY
    ]
    assert await state(group).subscriptions(GROUP_ID) == (key(group, 2),)
    (confirm,) = sent_texts(await group.feed(text_update("/oublier", chat_id=GROUP_ID, user_id=GROUP_ADMIN)))
    assert confirm == texts.FORGET_CONFIRM_GROUP and "les données de ce groupe" in confirm
    calls = await group.feed(callback_update("oubli:oui", chat_id=GROUP_ID, user_id=GROUP_ADMIN))
    assert sent_texts(calls) == [texts.FORGET_DONE_GROUP] and "les données de ce groupe" in texts.FORGET_DONE_GROUP
    assert not (await state(group).user_data(GROUP_ID)).known


@pytest.mark.asyncio
async def test_an_anonymous_admin_writes_as_the_group(group: Harness) -> None:
    update = text_update("/abonner 4", chat_id=GROUP_ID, user_id=MEMBER)
    update["message"]["sender_chat"] = {"id": GROUP_ID, "type": "supergroup", "title": "Élus de l’Aisne"}
    assert sent_texts(await group.feed(update))[0].startswith("C’est noté")
    assert await state(group).subscriptions(GROUP_ID) == (key(group, 4),)


# ------------------------------------------------ defect 6: the service message
@pytest.mark.asyncio
@pytest.mark.parametrize("reported_in", ["old group", "new supergroup"])
async def test_a_group_upgraded_to_a_supergroup_moves_its_subscriptions(group: Harness, reported_in: str) -> None:
    old, new = -4001, GROUP_ID
    group.request.state.admins.add((old, GROUP_ADMIN))
    await group.feed(text_update("/abonner 2 3", chat_id=old, user_id=GROUP_ADMIN))
    await state(group).queue_announcement(key(group, 2), "en attente")
    if reported_in == "old group":
        service = message(None, chat_id=old, user_id=GROUP_ADMIN, migrate_to_chat_id=new)
    else:
        service = message(None, chat_id=new, user_id=GROUP_ADMIN, migrate_from_chat_id=old)
    assert await group.feed({"update_id": 880000, "message": service}) == []  # nothing said
    assert await state(group).subscriptions(old) == () and await state(group).subscriptions(new) == (key(group, 2), key(group, 3))
    assert (await state(group).user_data(new)).messages == {"pending": 1}


# --------------------------------------------------------- defect 9: limits
def many_documents(n: int) -> tuple[Document, ...]:
    title = "Rapport d’activité du logement social et de la rénovation urbaine en région, volume"
    return tuple(
        Document(f"doc-{i}", f"{title} {i}", False, "Union sociale pour l’habitat", "2024", "https://example.org", "")
        for i in range(n)
    )


@pytest.mark.asyncio
async def test_sources_past_a_message_are_split_and_none_is_lost(
    harness: Harness, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "documents", lambda: many_documents(60))
    replies = await harness.replies(text_update("/sources"))
    assert len(replies) > 1 and harness.request.rejected == []
    shown = "\n".join(r["text"] for r in replies)
    assert all(f"volume {i}</b>" in shown for i in range(60))
    assert shown.count("https://example.org") == 60  # each origin stayed with its title


@pytest.mark.asyncio
async def test_contacts_past_a_message_are_split(harness: Harness, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    contacts = tuple(
        Fact(f"c{i}", "contact", "x", "contact", f"p{i}@example.org", "d", "q", answer=f"Personne {i} <p{i}@example.org>, "
             + "chargée de mission habitat inclusif et accompagnement des collectivités " * 2)
        for i in range(60)
    )  # fmt: skip
    monkeypatch.setattr(engine, "contacts", lambda: contacts)
    monkeypatch.setattr(engine, "source_of", lambda fact: Source("d", "Annuaire des contacts", "USH", "q"))
    replies = await harness.replies(text_update("/contact"))
    assert len(replies) > 1 and harness.request.rejected == []
    shown = "\n".join(r["text"] for r in replies)
    assert all(f"p{i}@example.org&gt;" in shown for i in range(60))


@pytest.mark.asyncio
async def test_a_long_topic_title_and_key_never_make_a_button_or_toast_telegram_refuses(harness: Harness) -> None:
    title = "Produire, réhabiliter et adapter les logements " * 8
    long_key = "liste-des-engagements-de-la-charte-regionale-item-" + "x" * 30  # over 64 bytes with "abo:"
    topics = tuple(Topic(n, f"{long_key}-{n}", title, "texte", "liste", "engagement") for n in (1, 2, 3))
    harness.app.bot_data.dialogue.topics = Topics(all=topics)
    (reply,) = [p for name, p in await harness.feed(text_update("/abonner")) if name == "sendMessage"]
    assert [data for _, data in buttons(reply)] == ["abo:#1", "abo:#2", "abo:#3"]  # the number when the key is long
    (toast,) = toasts(await harness.feed(callback_update("abo:#2")))
    assert toast.startswith("C’est noté") and len(toast) <= 200 and "…" in toast
    assert harness.request.rejected == [] and await state(harness).subscriptions(USER_ID) == (f"{long_key}-2",)


@pytest.mark.asyncio
async def test_a_button_whose_data_telegram_would_refuse_is_left_out(harness: Harness) -> None:
    update = Update.de_json(text_update("/start"), harness.app.bot)
    context: Any = type("Context", (), {"bot": harness.app.bot})()  # send() needs nothing else
    reply = Reply(html="Choisissez :", text="Choisissez :", buttons=((Button("ok", "t:ok"),), (Button("trop", "t:" + "é" * 40),)))
    await send(update, context, reply)
    (params,) = harness.request.sent()[-1:]
    assert buttons(params) == [("ok", "t:ok")] and harness.request.rejected == []


@pytest.mark.asyncio
async def test_an_announcement_longer_than_a_message_is_refused_with_the_limit(harness: Harness) -> None:
    await harness.feed(text_update("/abonner 2"))
    (refusal,) = sent_texts(await harness.feed(text_update("/annonce 2 " + "x" * 4050, chat_id=ADMIN_ID, user_id=ADMIN_ID)))
    assert refusal.startswith("Annonce trop longue") and "4050 caractères" in refusal
    limit = int(refusal.split("caractères, ")[1].split(" au plus")[0])
    assert (await state(harness).stats()).outbox == {}
    queued = sent_texts(await harness.feed(text_update("/annonce 2 " + "x" * limit, chat_id=ADMIN_ID, user_id=ADMIN_ID)))
    assert queued[0].startswith("Annonce mise en file")  # exactly at the limit: it fits
    (row,) = await state(harness).due(limit=5)
    assert harness.request.state.problem("sendMessage", {"text": row.text, "parse_mode": "HTML"}) is None
