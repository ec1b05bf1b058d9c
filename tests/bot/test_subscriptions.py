"""Subscriptions, personal data and admin commands through the real Application.

The engine is the FICTIONAL base with two subscribable lists (tests/qa/fictional_lists.py):
topics 1-3 are a charter's commitments, 4-5 a pact's priorities ("priorité 1" is topic 4).
Nothing below is about the real documents: the bot takes its topics from whatever base it has.
"""

from __future__ import annotations

import asyncio
import html
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from telegram import Update

from bot import texts
from bot.app import post_init
from bot.state import AsyncState
from qa import Engine
from qa.state_schema import MIGRATIONS

from .conftest import Harness
from .fakes import ADMIN_ID, BOT_USERNAME, GROUP_ID, USER_ID, buttons, callback_update, text_update

OTHER = 5151
E1, E2, E3, P1, P2 = "charte-engagement-1", "charte-engagement-2", "charte-engagement-3", "pacte-priorite-1", \
    "pacte-priorite-2"  # fmt: skip
LABEL_2 = "engagement 2 « Accompagner les ménages modestes »"
LABEL_4 = "priorité 1 « Loger les jeunes actifs »"


@pytest.fixture
def engine(two_lists: Engine) -> Engine:
    """The harness's engine, for this module: the fictional base with two lists."""
    return two_lists


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
    assert await say(harness, "/abonner 2") == f"C’est noté, vous suivez : {LABEL_2}."
    assert await state(harness).subscriptions(USER_ID) == (E2,)
    assert "déjà" in await say(harness, "/abonner 2")
    both = await say(harness, "/abonner 1 4")
    assert "\n" not in both and "engagement 1 « " in both and LABEL_4 in both
    listed = await say(harness, "/abonnements")
    assert f"• {LABEL_2} (n° 2)" in listed and f"• {LABEL_4} (n° 4)" in listed and "(n° 1)" in listed
    assert "(n° 3)" not in listed and "(n° 5)" not in listed
    assert await say(harness, "/desabonner 2") == f"C’est noté, vous ne suivez plus : {LABEL_2}."
    assert "Rien n’a changé" in await say(harness, "/desabonner 2")
    removed = await say(harness, "/desabonner tout")
    assert removed.startswith("C’est noté, vous ne suivez plus : ") and LABEL_4 in removed
    assert await say(harness, "/abonnements") == texts.SUB_LIST_NONE
    assert await say(harness, "/abonner tout") == "C’est noté, vous suivez : 5 sujets (1, 2, 3, 4 et 5)."
    assert await state(harness).subscriptions(USER_ID) == (E1, E2, E3, P1, P2)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "arg",
    [
        pytest.param("9", id="beyond the base's topics"),
        pytest.param("6", id="one past the last topic"),
        pytest.param("deux cents", id="number words that are no topic"),
        pytest.param("0", id="zero"),
        pytest.param("2 9", id="a good and a bad number"),
        pytest.param("1,7", id="a list with a bad number"),
        pytest.param("<b>x</b>", id="markup"),
    ],
)
async def test_an_invalid_argument_gives_the_range_of_the_base_and_changes_nothing(harness: Harness, arg: str) -> None:
    await say(harness, "/abonner 4")
    for command in ("abonner", "desabonner"):
        reply = await say(harness, f"/{command} {arg}")
        assert "un numéro de 1 à 5 ou tout" in reply and "Rien n’a changé" in reply and f"/{command} 1" in reply
        assert "<b>x" not in reply  # the argument is echoed escaped
    assert await state(harness).subscriptions(USER_ID) == (P1,)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("arg", "key"),
    [
        pytest.param("deuxième", E2, id="ordinal word"),
        pytest.param("engagement 2", E2, id="the list's noun"),
        pytest.param("priorités 5", P2, id="the other list's noun, plural"),
        pytest.param("2e", E2, id="abbreviated ordinal"),
        pytest.param("deux", E2, id="number word"),
        pytest.param("cinq", P2, id="number word of the second list"),
    ],
)
async def test_topic_numbers_in_words(harness: Harness, arg: str, key: str) -> None:
    await say(harness, f"/abonner {arg}")
    assert await state(harness).subscriptions(USER_ID) == (key,)


# ---------------------------------------------------------------- the buttons
@pytest.mark.asyncio
async def test_without_argument_one_button_per_topic_ticked_when_subscribed_and_a_click_toggles(
    harness: Harness,
) -> None:
    await say(harness, "/abonner 3")
    (reply,) = await harness.replies(text_update("/abonner"))
    shown = buttons(reply)
    assert [data for _, data in shown] == [f"abo:{k}" for k in (E1, E2, E3, P1, P2)]
    assert all(len(data.encode()) <= 64 for _, data in shown)
    assert [label.startswith("✅") for label, _ in shown] == [False, False, True, False, False]
    assert shown[3][0] == "➕ 4. Loger les jeunes actifs"

    calls = await click(harness, f"abo:{P1}")
    assert toast(calls) == f"C’est noté, vous suivez : {LABEL_4}."
    (edit,) = [p for name, p in calls if name == "editMessageReplyMarkup"]
    assert [label.startswith("✅") for label, _ in buttons(edit)] == [False, False, True, True, False]
    assert await state(harness).subscriptions(USER_ID) == (E3, P1)

    calls = await click(harness, f"abo:{E3}")
    assert toast(calls).startswith("C’est noté, vous ne suivez plus : engagement 3")
    assert await state(harness).subscriptions(USER_ID) == (P1,)
    assert not [name for name, _ in calls if name == "sendMessage"]  # the toast is the confirmation
    assert toast(await click(harness, "abo:#5")).endswith("« Réduire les charges des locataires ».")
    assert toast(await click(harness, "abo:5")).startswith("C’est noté, vous ne suivez plus")  # an old button


@pytest.mark.asyncio
async def test_axes_lists_each_list_once_with_each_item_once_and_the_buttons(harness: Harness) -> None:
    await say(harness, "/abonner 1")
    (reply,) = await harness.replies(text_update("/axes"))
    text = html.unescape(reply["text"])
    assert text.startswith(texts.TOPICS_HEAD) and texts.SUB_TOPICS_BUTTONS in text
    # Each list under its own sentence, numbered across both lists; each title once.
    assert "<b>La charte de l'habitat compte 3 engagements :</b>\n1. <b>Rénover les logements" in text
    assert "<b>Le pacte de l'habitat norlandais compte 2 priorités :</b>\n4. <b>Loger les jeunes actifs</b>." in text
    for title in ("Rénover les logements les plus anciens", "Loger les jeunes actifs", "Construire avec les communes"):
        assert text.split(texts.SUB_TOPICS_BUTTONS)[0].count(title) == 1
    assert [(label[0], data) for label, data in buttons(reply)] == [
        ("✅", f"abo:{E1}"), ("➕", f"abo:{E2}"), ("➕", f"abo:{E3}"), ("➕", f"abo:{P1}"), ("➕", f"abo:{P2}"),
    ]  # fmt: skip


@pytest.mark.asyncio
async def test_a_button_the_bot_did_not_issue_gets_the_expired_notice(harness: Harness) -> None:
    for data in ("abo:9", "abo:", "abo:#9", "abo:axe-inconnu", "oubli:peut-etre"):
        assert toast(await click(harness, data)) == texts.BUTTON_EXPIRED
    assert await state(harness).subscriptions(USER_ID) == ()


@pytest.mark.asyncio
async def test_in_a_group_the_group_subscribes(harness: Harness) -> None:
    harness.request.state.admins.add((GROUP_ID, USER_ID))  # group changes are for its administrators
    reply = await say(harness, f"/abonner@{BOT_USERNAME} 2", chat_id=GROUP_ID)
    assert reply.startswith("C’est noté")
    assert await state(harness).subscriptions(GROUP_ID) == (E2,)
    assert await state(harness).subscriptions(USER_ID) == ()


@pytest.mark.asyncio
async def test_200_concurrent_subscriptions_are_all_persisted(harness: Harness) -> None:
    updates = [text_update(f"/abonner {chat % 5 + 1}", chat_id=chat, user_id=chat) for chat in range(10_000, 10_200)]
    before = len(harness.request.sent())
    await asyncio.gather(*(harness.app.process_update(Update.de_json(u, harness.app.bot)) for u in updates))
    assert len(harness.request.sent()) - before == 200
    stats = await state(harness).stats()
    assert stats.users == 200 and stats.subscribers == dict.fromkeys((E1, E2, E3, P1, P2), 40)


# ---------------------------------------------------- subscriptions of schema v2
def _v2_state(path: Path, subscriptions: dict[int, list[int]]) -> None:
    db = sqlite3.connect(path)
    for n, migration in enumerate(MIGRATIONS[:2], 1):
        db.executescript(f"{migration}\nPRAGMA user_version = {n};")
    for chat, axes in subscriptions.items():
        db.execute("INSERT INTO users(chat_id, first_seen, last_seen) VALUES (?, 1, 1)", (chat,))
        db.executemany("INSERT INTO subscriptions(chat_id, axis, since) VALUES (?, ?, 1)", [(chat, a) for a in axes])
    db.commit()
    db.close()


@pytest.mark.asyncio
async def test_subscriptions_of_the_former_axis_numbers_keep_working_after_the_migration(
    harness: Harness, tmp_path: Path
) -> None:
    """A state database of schema v2 (axis numbers): at start the bot migrates it and adopts each
    number as the base's topic of that number; /abonnements, /desabonner and /annonce then work."""
    await state(harness).close()
    harness.app.bot_data.state = None
    harness.app.bot_data.instance = None
    path = tmp_path / "v2.db"
    _v2_state(path, {USER_ID: [2, 4], OTHER: [4]})
    harness.app.bot_data.settings = type(harness.app.bot_data.settings)(
        token=harness.app.bot_data.settings.token, admin_ids=frozenset({ADMIN_ID}), state_db=path
    )
    await post_init(harness.app)
    assert await state(harness).subscriptions(USER_ID) == (E2, P1)
    listed = await say(harness, "/abonnements")
    assert f"• {LABEL_2} (n° 2)" in listed and f"• {LABEL_4} (n° 4)" in listed
    reply = await say(harness, "/annonce 4 Un pacte signé", chat_id=ADMIN_ID, user_id=ADMIN_ID)
    assert reply.startswith("Annonce mise en file d’envoi pour 2 abonné(s)")
    assert await say(harness, "/desabonner 4") == f"C’est noté, vous ne suivez plus : {LABEL_4}."


# ---------------------------------------------------------------- personal data
@pytest.mark.asyncio
async def test_my_data_shows_everything_stored(harness: Harness) -> None:
    assert await say(harness, "/mesdonnees") == texts.MYDATA_NONE
    await say(harness, "/abonner 2")
    await say(harness, "/abonner 4")
    await state(harness).subscribe(USER_ID, "sujet-retire")  # a topic the base no longer has
    await state(harness).queue_announcement(E2, "hello")
    shown = await say(harness, "/mesdonnees")
    assert str(USER_ID) in shown and "sujets suivis : 2, 4, sujet-retire" in shown and "1 en attente" in shown
    assert "actives" in shown and "sans identifiant" in shown and "/oublier" in shown
    assert "sujet-retire (ce sujet n’existe plus" in await say(harness, "/abonnements")
    await say(harness, "/desabonner tout")
    assert await state(harness).subscriptions(USER_ID) == ()  # "tout" ends the retired one too


@pytest.mark.asyncio
async def test_forget_deletes_everything_only_after_the_confirmation_button(harness: Harness) -> None:
    await say(harness, "/abonner 2")
    await say(harness, "/abonner 2", chat_id=OTHER, user_id=OTHER)
    await state(harness).queue_announcement(E2, "hello")
    (question,) = await harness.replies(text_update("/oublier"))
    assert question["text"] == texts.FORGET_CONFIRM
    assert [data for _, data in buttons(question)] == ["oubli:oui", "oubli:non"]
    assert (await state(harness).user_data(USER_ID)).known  # nothing deleted yet

    calls = await click(harness, "oubli:non")
    assert [p["text"] for name, p in calls if name == "editMessageText"] == [texts.FORGET_KEPT]
    assert await state(harness).subscriptions(USER_ID) == (E2,)

    calls = await click(harness, "oubli:oui")
    assert [p["text"] for name, p in calls if name == "editMessageText"] == [texts.FORGET_DONE]
    assert not (await state(harness).user_data(USER_ID)).known  # user, subscriptions, rows
    assert await say(harness, "/mesdonnees") == texts.MYDATA_NONE
    other = await state(harness).user_data(OTHER)
    assert other.topics == (E2,) and other.messages == {"pending": 1}  # nobody else's data
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
async def test_an_announcement_queues_one_row_per_subscriber_of_its_topic(harness: Harness) -> None:
    await say(harness, "/abonner 4")
    await say(harness, "/abonner 3", chat_id=OTHER, user_id=OTHER)
    await say(harness, "/abonner 3 4", chat_id=OTHER + 1, user_id=OTHER + 1)
    reply = await say(harness, "/annonce 4 Nouvelle <étude> publiée\nà lire", chat_id=ADMIN_ID, user_id=ADMIN_ID)
    assert reply.startswith("Annonce mise en file d’envoi pour 2 abonné(s)")
    rows = await state(harness).due(limit=10)
    assert sorted(r.chat_id for r in rows) == [USER_ID, OTHER + 1]
    text = rows[0].text
    assert LABEL_4 in text and "Nouvelle &lt;étude&gt; publiée\nà lire" in text
    assert text.endswith("/desabonner 4")
    reply = await say(harness, "/annonce tout Bonne année", chat_id=ADMIN_ID, user_id=ADMIN_ID)
    assert "pour 3 abonné(s) (tous les sujets)" in reply


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "command",
    [
        pytest.param("/annonce", id="nothing"),
        pytest.param("/annonce 2", id="no text"),
        pytest.param("/annonce 9 texte", id="a number beyond the base's topics"),
        pytest.param("/annonce texte seul", id="no number"),
    ],
)
async def test_an_announcement_without_topic_or_text_shows_the_usage(harness: Harness, command: str) -> None:
    await say(harness, "/abonner 2")
    reply = await say(harness, command, chat_id=ADMIN_ID, user_id=ADMIN_ID)
    assert reply.startswith("Usage : /annonce")
    assert (await state(harness).stats()).outbox == {}


@pytest.mark.asyncio
async def test_stats_for_the_admin(harness: Harness) -> None:
    await say(harness, "/abonner 2")
    await say(harness, "/abonner 2 3", chat_id=OTHER, user_id=OTHER)
    await harness.replies(text_update("combien de logements rénovés en Valombrie en 2031"))
    await harness.replies(text_update("quelle est la météo demain à Lille"))
    await harness.replies(text_update("qui est Ferrand"))
    await say(harness, "/annonce 2 x", chat_id=ADMIN_ID, user_id=ADMIN_ID)
    reply = await say(harness, "/stats", chat_id=ADMIN_ID, user_id=ADMIN_ID)
    assert "Utilisateurs : 2 (2 actifs)" in reply
    assert "Abonnés par sujet : 1 : 0, 2 : 2, 3 : 1, 4 : 0, 5 : 0" in reply
    assert "File d’envoi : 2 en attente, 0 envoyés, 0 en échec" in reply
    assert "1 répondues, 1 à préciser, 1 sans réponse" in reply


@pytest.mark.asyncio
async def test_without_a_state_store_the_commands_say_so(harness: Harness) -> None:
    await state(harness).close()
    harness.app.bot_data.state = None
    assert await say(harness, "/abonner 2") == texts.SUB_UNAVAILABLE
    assert await say(harness, "/mesdonnees") == texts.SUB_UNAVAILABLE
    assert toast(await click(harness, f"abo:{E2}")) == texts.SUB_UNAVAILABLE
    (reply,) = await harness.replies(text_update("/axes"))
    assert reply["text"].startswith(texts.TOPICS_HEAD) and not buttons(reply)
