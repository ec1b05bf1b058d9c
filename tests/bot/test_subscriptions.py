"""Subscriptions, personal data and admin commands through the real Application."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from telegram import Update

from bot import texts
from bot.state import AsyncState

from .conftest import Harness
from .fakes import ADMIN_ID, BOT_USERNAME, GROUP_ID, USER_ID, buttons, callback_update, text_update

OTHER = 5151


def state(harness: Harness) -> AsyncState:
    s = harness.app.bot_data.state
    assert isinstance(s, AsyncState)
    return s


def one(replies: list[dict[str, Any]]) -> str:
    assert len(replies) == 1, replies
    text = replies[0]["text"]
    assert isinstance(text, str)
    return text


async def say(harness: Harness, text: str, **kwargs: Any) -> str:
    return one(await harness.replies(text_update(text, **kwargs)))


async def click(harness: Harness, data: str, **kwargs: Any) -> list[tuple[str, dict[str, Any]]]:
    return await harness.feed(callback_update(data, **kwargs))


def toast(calls: list[tuple[str, dict[str, Any]]]) -> str:
    answers = [p for name, p in calls if name == "answerCallbackQuery"]
    assert len(answers) == 1, calls
    return str(answers[0].get("text", ""))


# -------------------------------------------------------------- subscribe, list
@pytest.mark.asyncio
async def test_subscribe_list_and_unsubscribe_each_confirmed_in_one_line(harness: Harness) -> None:
    added = await say(harness, "/abonner 2")
    assert added == "C’est noté : vous suivez l’axe 2 « Produire et réhabiliter »."
    assert await state(harness).subscriptions(USER_ID) == (2,)
    assert "déjà" in await say(harness, "/abonner 2")
    assert "\n" not in await say(harness, "/abonner 1 3")
    listed = await say(harness, "/abonnements")
    assert "1. " in listed and "2. Produire et réhabiliter" in listed and "3. " in listed and "4. " not in listed
    removed = await say(harness, "/desabonner 2")
    assert removed == "C’est noté : vous ne suivez plus l’axe 2 « Produire et réhabiliter »."
    assert "rien n’a changé" in await say(harness, "/desabonner 2")
    assert await say(harness, "/desabonner tout") == "C’est noté : vous ne suivez plus les axes 1 et 3."
    assert await say(harness, "/abonnements") == texts.SUB_LIST_NONE
    assert await say(harness, "/abonner tout") == "C’est noté : vous suivez les axes 1, 2, 3 et 4."


@pytest.mark.asyncio
@pytest.mark.parametrize("arg", ["9", "deux cents", "0", "2 9", "1,5", "<b>x</b>"])
async def test_an_invalid_argument_gives_the_choices_and_changes_nothing(harness: Harness, arg: str) -> None:
    await say(harness, "/abonner 4")
    for command in ("abonner", "desabonner"):
        reply = await say(harness, f"/{command} {arg}")
        assert "1, 2, 3, 4 ou tout" in reply and "Rien n’a changé" in reply and f"/{command} 2" in reply
        assert "<b>x" not in reply  # the argument is echoed escaped
    assert await state(harness).subscriptions(USER_ID) == (4,)


@pytest.mark.asyncio
@pytest.mark.parametrize("arg", ["deuxième", "axe 2", "2e", "deux"])
async def test_axis_numbers_in_words(harness: Harness, arg: str) -> None:
    await say(harness, f"/abonner {arg}")
    assert await state(harness).subscriptions(USER_ID) == (2,)


# ---------------------------------------------------------------- the buttons
@pytest.mark.asyncio
async def test_without_argument_four_buttons_ticked_when_subscribed_and_a_click_toggles(harness: Harness) -> None:
    await say(harness, "/abonner 3")
    (reply,) = await harness.replies(text_update("/abonner"))
    shown = buttons(reply)
    assert [data for _, data in shown] == ["abo:1", "abo:2", "abo:3", "abo:4"]
    assert [label.startswith("✅") for label, _ in shown] == [False, False, True, False]

    calls = await click(harness, "abo:2")
    assert toast(calls) == "C’est noté : vous suivez l’axe 2 « Produire et réhabiliter »."
    (edit,) = [p for name, p in calls if name == "editMessageReplyMarkup"]
    assert [label.startswith("✅") for label, _ in buttons(edit)] == [False, True, True, False]
    assert await state(harness).subscriptions(USER_ID) == (2, 3)

    calls = await click(harness, "abo:3")
    assert toast(calls).startswith("C’est noté : vous ne suivez plus l’axe 3")
    assert await state(harness).subscriptions(USER_ID) == (2,)
    assert not [name for name, _ in calls if name == "sendMessage"]  # the toast is the confirmation


@pytest.mark.asyncio
async def test_axes_shows_the_axes_with_the_subscribe_buttons(harness: Harness) -> None:
    await say(harness, "/abonner 1")
    (reply,) = await harness.replies(text_update("/axes"))
    assert texts.AXES_HEAD in reply["text"] and texts.SUB_AXES_BUTTONS in reply["text"]
    assert [(label[0], data) for label, data in buttons(reply)] == [
        ("✅", "abo:1"),
        ("➕", "abo:2"),
        ("➕", "abo:3"),
        ("➕", "abo:4"),
    ]


@pytest.mark.asyncio
async def test_a_button_the_bot_did_not_issue_gets_the_expired_notice(harness: Harness) -> None:
    for data in ("abo:9", "abo:", "oubli:peut-etre"):
        assert toast(await click(harness, data)) == texts.BUTTON_EXPIRED
    assert await state(harness).subscriptions(USER_ID) == ()


@pytest.mark.asyncio
async def test_in_a_group_the_group_subscribes(harness: Harness) -> None:
    harness.request.state.admins.add((GROUP_ID, USER_ID))  # group changes are for its administrators
    reply = await say(harness, f"/abonner@{BOT_USERNAME} 2", chat_id=GROUP_ID)
    assert reply.startswith("C’est noté")
    assert await state(harness).subscriptions(GROUP_ID) == (2,)
    assert await state(harness).subscriptions(USER_ID) == ()


@pytest.mark.asyncio
async def test_200_concurrent_subscriptions_are_all_persisted(harness: Harness) -> None:
    updates = [text_update(f"/abonner {chat % 4 + 1}", chat_id=chat, user_id=chat) for chat in range(10_000, 10_200)]
    before = len(harness.request.sent())
    await asyncio.gather(*(harness.app.process_update(Update.de_json(u, harness.app.bot)) for u in updates))
    assert len(harness.request.sent()) - before == 200
    stats = await state(harness).stats()
    assert stats.users == 200 and stats.subscribers == {1: 50, 2: 50, 3: 50, 4: 50}


# ---------------------------------------------------------------- personal data
@pytest.mark.asyncio
async def test_my_data_shows_everything_stored(harness: Harness) -> None:
    assert await say(harness, "/mesdonnees") == texts.MYDATA_NONE
    await say(harness, "/abonner 2")
    await say(harness, "/abonner 4")
    await state(harness).queue_announcement(2, "hello")
    shown = await say(harness, "/mesdonnees")
    assert str(USER_ID) in shown and "axes suivis : 2, 4" in shown and "1 en attente" in shown
    assert "actives" in shown and "sans identifiant" in shown and "/oublier" in shown


@pytest.mark.asyncio
async def test_forget_deletes_everything_only_after_the_confirmation_button(harness: Harness) -> None:
    await say(harness, "/abonner 2")
    await say(harness, "/abonner 2", chat_id=OTHER, user_id=OTHER)
    await state(harness).queue_announcement(2, "hello")
    (question,) = await harness.replies(text_update("/oublier"))
    assert question["text"] == texts.FORGET_CONFIRM
    assert [data for _, data in buttons(question)] == ["oubli:oui", "oubli:non"]
    assert (await state(harness).user_data(USER_ID)).known  # nothing deleted yet

    calls = await click(harness, "oubli:non")
    assert [p["text"] for name, p in calls if name == "editMessageText"] == [texts.FORGET_KEPT]
    assert await state(harness).subscriptions(USER_ID) == (2,)

    calls = await click(harness, "oubli:oui")
    assert [p["text"] for name, p in calls if name == "editMessageText"] == [texts.FORGET_DONE]
    assert not (await state(harness).user_data(USER_ID)).known  # user, subscriptions, rows
    assert await say(harness, "/mesdonnees") == texts.MYDATA_NONE
    other = await state(harness).user_data(OTHER)
    assert other.axes == (2,) and other.messages == {"pending": 1}  # nobody else's data
    calls = await click(harness, "oubli:oui")
    assert [p["text"] for name, p in calls if name == "editMessageText"] == [texts.FORGET_NOTHING]


# ----------------------------------------------------------------------- admin
@pytest.mark.asyncio
async def test_a_non_admin_announcement_is_refused_and_queues_nothing(harness: Harness) -> None:
    await say(harness, "/abonner 2")
    assert await say(harness, "/annonce 2 Achetez maintenant") == texts.ADMIN_ONLY
    assert await say(harness, "/stats") == texts.ADMIN_ONLY
    assert (await state(harness).stats()).outbox == {}


@pytest.mark.asyncio
async def test_an_announcement_queues_one_row_per_subscriber_of_its_axis(harness: Harness) -> None:
    await say(harness, "/abonner 2")
    await say(harness, "/abonner 3", chat_id=OTHER, user_id=OTHER)
    await say(harness, "/abonner 2 3", chat_id=OTHER + 1, user_id=OTHER + 1)
    reply = await say(harness, "/annonce 2 Nouvelle <étude> publiée\nà lire", chat_id=ADMIN_ID, user_id=ADMIN_ID)
    assert reply.startswith("Annonce mise en file d’envoi pour 2 abonné(s)")
    rows = await state(harness).due(limit=10)
    assert sorted(r.chat_id for r in rows) == [USER_ID, OTHER + 1]
    text = rows[0].text
    assert "axe 2 « Produire et réhabiliter »" in text and "Nouvelle &lt;étude&gt; publiée\nà lire" in text
    assert "/desabonner 2" in text
    reply = await say(harness, "/annonce tout Bonne année", chat_id=ADMIN_ID, user_id=ADMIN_ID)
    assert "pour 3 abonné(s) (tous les axes)" in reply


@pytest.mark.asyncio
@pytest.mark.parametrize("command", ["/annonce", "/annonce 2", "/annonce 9 texte", "/annonce texte seul"])
async def test_an_announcement_without_axis_or_text_shows_the_usage(harness: Harness, command: str) -> None:
    await say(harness, "/abonner 2")
    reply = await say(harness, command, chat_id=ADMIN_ID, user_id=ADMIN_ID)
    assert reply.startswith("Usage : /annonce")
    assert (await state(harness).stats()).outbox == {}


@pytest.mark.asyncio
async def test_stats_for_the_admin(harness: Harness) -> None:
    await say(harness, "/abonner 2")
    await say(harness, "/abonner 2 3", chat_id=OTHER, user_id=OTHER)
    await harness.replies(text_update("combien de logements réhabilités en 2021"))
    await harness.replies(text_update("quelle est la météo demain à Lille"))
    await harness.replies(text_update("qui est le président"))
    await say(harness, "/annonce 2 x", chat_id=ADMIN_ID, user_id=ADMIN_ID)
    reply = await say(harness, "/stats", chat_id=ADMIN_ID, user_id=ADMIN_ID)
    assert "Utilisateurs : 2 (2 actifs)" in reply
    assert "Abonnés par axe : 1 : 0, 2 : 2, 3 : 1, 4 : 0" in reply
    assert "File d’envoi : 2 en attente, 0 envoyés, 0 en échec" in reply
    assert "1 répondues, 1 à préciser, 1 sans réponse" in reply


@pytest.mark.asyncio
async def test_without_a_state_store_the_commands_say_so(harness: Harness) -> None:
    await state(harness).close()
    harness.app.bot_data.state = None
    assert await say(harness, "/abonner 2") == texts.SUB_UNAVAILABLE
    assert await say(harness, "/mesdonnees") == texts.SUB_UNAVAILABLE
    assert toast(await click(harness, "abo:2")) == texts.SUB_UNAVAILABLE
    (reply,) = await harness.replies(text_update("/axes"))
    assert texts.AXES_HEAD in reply["text"] and not buttons(reply)
