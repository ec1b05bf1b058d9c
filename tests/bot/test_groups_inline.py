"""Groups (only what is addressed to the bot) and inline mode."""

from __future__ import annotations

import pytest

from .conftest import Harness
from .fakes import BOT_ID, BOT_USER, BOT_USERNAME, GROUP_ID, inline_update, message, text_update

QUESTION = "combien de logements réhabilités en 2021"


@pytest.mark.asyncio
async def test_group_messages_not_addressed_to_the_bot_are_ignored(harness: Harness) -> None:
    assert await harness.feed(text_update(QUESTION, chat_id=GROUP_ID)) == []
    assert await harness.feed(text_update(f"{QUESTION} @SomeoneElse", chat_id=GROUP_ID)) == []
    human = message("une remarque", chat_id=GROUP_ID, user_id=99)
    assert (
        await harness.feed(text_update("et dans l'Aisne ?", chat_id=GROUP_ID, reply_to=human)) == []
    )


@pytest.mark.asyncio
async def test_group_mention_gets_an_answer_quoting_the_question(harness: Harness) -> None:
    replies = await harness.replies(text_update(f"@{BOT_USERNAME} {QUESTION}", chat_id=GROUP_ID))
    assert len(replies) == 1
    assert "<b>3\u202f616</b>" in replies[0]["text"]
    assert replies[0]["reply_parameters"]["message_id"] > 0
    assert int(replies[0]["chat_id"]) == GROUP_ID


@pytest.mark.asyncio
async def test_group_mention_is_case_insensitive_and_anywhere(harness: Harness) -> None:
    replies = await harness.replies(
        text_update(f"{QUESTION} @{BOT_USERNAME.lower()}", chat_id=GROUP_ID)
    )
    assert "3\u202f616" in replies[0]["text"]


@pytest.mark.asyncio
async def test_group_reply_to_the_bot_is_a_follow_up(harness: Harness) -> None:
    await harness.feed(text_update(f"@{BOT_USERNAME} {QUESTION}", chat_id=GROUP_ID))
    ours = {
        "message_id": 1,
        "date": 0,
        "chat": {"id": GROUP_ID, "type": "supergroup"},
        "from": BOT_USER,
        "text": "3 616 logements réhabilités",
    }
    replies = await harness.replies(
        text_update("et dans l'Aisne ?", chat_id=GROUP_ID, reply_to=ours)
    )
    assert "<b>1\u202f000</b>" in replies[0]["text"]


@pytest.mark.asyncio
async def test_group_commands(harness: Harness) -> None:
    assert len(await harness.replies(text_update(f"/axes@{BOT_USERNAME}", chat_id=GROUP_ID))) == 1
    assert len(await harness.replies(text_update("/axes", chat_id=GROUP_ID))) == 1
    assert await harness.feed(text_update("/axes@OtherBot", chat_id=GROUP_ID)) == []
    assert (
        await harness.feed(text_update("/inconnue", chat_id=GROUP_ID)) == []
    )  # maybe another bot's


@pytest.mark.asyncio
async def test_group_stickers_are_ignored_unless_replying_to_the_bot(harness: Harness) -> None:
    sticker = {
        "file_id": "s",
        "file_unique_id": "u",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "type": "regular",
    }
    update = {"update_id": 90001, "message": message(None, chat_id=GROUP_ID, sticker=sticker)}
    assert await harness.feed(update) == []


@pytest.mark.asyncio
async def test_inline_query_returns_the_sourced_answer(harness: Harness) -> None:
    calls = await harness.feed(inline_update(QUESTION))
    assert [name for name, _ in calls] == ["answerInlineQuery"]
    results = calls[0][1]["results"]
    assert len(results) == 1
    content = results[0]["input_message_content"]
    assert "<b>3\u202f616</b>" in content["message_text"] and content["parse_mode"] == "HTML"
    assert "3\u202f616" in results[0]["title"]
    assert all(len(r["id"].encode()) <= 64 for r in results)


@pytest.mark.asyncio
async def test_inline_clarify_offers_each_candidate_answer(harness: Harness) -> None:
    results = (await harness.feed(inline_update("qui est le président")))[0][1]["results"]
    assert len(results) >= 2
    assert any("Declemy" in r["input_message_content"]["message_text"] for r in results)
    assert len({r["id"] for r in results}) == len(results)


@pytest.mark.asyncio
async def test_inline_empty_query_shows_examples_and_unknown_says_so(harness: Harness) -> None:
    examples = (await harness.feed(inline_update("")))[0][1]["results"]
    assert len(examples) == 3
    unknown = (await harness.feed(inline_update("combien de logements en Bretagne")))[0][1][
        "results"
    ]
    assert len(unknown) == 1 and "<b>" not in unknown[0]["input_message_content"]["message_text"]


@pytest.mark.asyncio
async def test_results_of_inline_mode_posted_in_a_chat_are_not_questions(harness: Harness) -> None:
    update = text_update(QUESTION)
    update["message"]["via_bot"] = {
        "id": BOT_ID,
        "is_bot": True,
        "first_name": "Logement HDF",
        "username": BOT_USERNAME,
    }
    assert await harness.feed(update) == []
