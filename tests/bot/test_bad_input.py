"""Bad input never crashes the bot and never produces a figure; the bot keeps serving."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from bot import texts

from .conftest import Harness
from .fakes import message, text_update

QUESTION = "combien de logements réhabilités en 2021"
FIGURE = re.compile(r"<b>[\d\u202f\s,.]+</b>")


async def still_serving(harness: Harness) -> None:
    replies = await harness.replies(text_update(QUESTION, chat_id=31337, user_id=31337))
    assert len(replies) == 1 and "<b>3\u202f616</b>" in replies[0]["text"]


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "text",
    [
        "a" * 4096,
        "é" * 4096,
        ("logement " * 500)[:4096],
        "🏠" * 2048,
        "🙂",
        "🙂🙂🙂 👍",
        "   ",
        "?!",
    ],
)
async def test_long_or_emoji_text_gets_a_reply_that_fits_and_has_no_figure(
    harness: Harness, text: str
) -> None:
    replies = await harness.replies(text_update(text))
    assert len(replies) == 1
    reply = replies[0]["text"]
    assert utf16_len(re.sub(r"<[^>]+>", "", html.unescape(reply))) <= 4096
    assert not FIGURE.search(reply)
    await still_serving(harness)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "text",
    [
        "<b>3616</b> logements <script>alert(1)</script>",
        "<a href='javascript:x'>clic</a> & co",
        "'; DROP TABLE facts; --",
        '" OR 1=1 --',
        "combien de logements </blockquote><i> en 2021",
    ],
)
async def test_html_and_sql_fragments_are_escaped_never_interpreted(
    harness: Harness, text: str
) -> None:
    reply = (await harness.replies(text_update(text)))[0]["text"]
    tags = set(re.findall(r"</?([a-z]+)", reply))
    assert tags <= {"b", "i", "blockquote", "code"}
    assert "<script" not in reply and "<a " not in reply
    assert re.sub(r"&(amp|lt|gt|quot|#x27|#39);", "", reply).count("&") == 0
    await still_serving(harness)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "media",
    [
        {
            "sticker": {
                "file_id": "s",
                "file_unique_id": "u",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "type": "regular",
            }
        },
        {
            "photo": [{"file_id": "p", "file_unique_id": "u", "width": 90, "height": 90}],
            "caption": "combien de logements ?",
        },
        {"voice": {"file_id": "v", "file_unique_id": "u", "duration": 3}},
        {"document": {"file_id": "d", "file_unique_id": "u", "file_name": "question.pdf"}},
        {"location": {"latitude": 49.85, "longitude": 3.29}},
    ],
)
async def test_non_text_messages_get_text_only(harness: Harness, media: dict[str, Any]) -> None:
    update = {"update_id": 80000 + len(harness.request.calls), "message": message(None, **media)}
    replies = await harness.replies(update)
    assert [r["text"] for r in replies] == [texts.TEXT_ONLY]
    await still_serving(harness)


@pytest.mark.asyncio
async def test_edited_message_is_answered_as_the_corrected_question(harness: Harness) -> None:
    await harness.feed(text_update("combien de logements réhabilités en 2012"))
    replies = await harness.replies(text_update(QUESTION, edited=True))
    assert len(replies) == 1 and "<b>3\u202f616</b>" in replies[0]["text"]
    await still_serving(harness)


@pytest.mark.asyncio
async def test_another_year_is_never_answered_with_a_figure(harness: Harness) -> None:
    reply = (await harness.replies(text_update("combien de logements réhabilités en 2019")))[0][
        "text"
    ]
    assert not FIGURE.search(reply) and "2019" in reply
