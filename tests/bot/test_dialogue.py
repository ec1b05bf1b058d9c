"""The Telegram-free dialogue: every button it issues fits Telegram's limits and works."""

from __future__ import annotations

import json

import pytest

from bot import texts
from bot.dialogue import MAX_CALLBACK_BYTES, Dialogue, plain, render_axes
from qa import Engine

from ..conftest import SHARED

OWN_QUESTIONS = [
    "combien de logements réhabilités en 2021",
    "et dans l'Aisne ?",
    "qui est le président",
    "contact UNAFO",
    "quels sont les axes de la plateforme d’ambition ?",
    "combien de logements en Bretagne",
    "combien de logements réhabilités en 2019",
    "bonjour",
    "🙂",
]


def questions() -> list[str]:
    dev = SHARED / "eval" / "dev.jsonl"
    extra = (
        [json.loads(line)["question"] for line in dev.read_text().splitlines() if line.strip()]
        if dev.exists()
        else []
    )
    return OWN_QUESTIONS + extra


def test_every_button_fits_in_64_bytes_and_answers_when_pressed(engine: Engine) -> None:
    dialogue = Dialogue(engine)
    replies = [dialogue.start(1)] + [dialogue.ask(1, q) for q in questions()]
    pressed = 0
    for reply in replies:
        for row in reply.buttons:
            for button in row:
                assert button.label.strip()
                assert len(button.data.encode()) <= MAX_CALLBACK_BYTES, button
                assert dialogue.press(1, button.data) is not None, button
                pressed += 1
    assert pressed >= 10


def test_statuses_are_reported_for_questions_only(engine: Engine) -> None:
    dialogue = Dialogue(engine)
    assert dialogue.ask(1, "combien de logements réhabilités en 2021").status == "answered"
    assert dialogue.ask(1, "qui est le président").status == "clarify"
    assert dialogue.ask(1, "combien de logements en Bretagne").status == "unknown"
    assert dialogue.axes().status is None and dialogue.start(1).status is None


def test_a_long_suggestion_goes_behind_a_numbered_button(engine: Engine) -> None:
    dialogue = Dialogue(engine)
    long_question = (
        "combien de logements réhabilités en 2021 dans toute la région Hauts-de-France ?"
    )
    button = dialogue._question_button(7, "Réhabilités", long_question)
    assert button.data.startswith("q:")
    reply = dialogue.press(7, button.data)
    assert reply is not None and reply.status == "answered"
    assert dialogue.press(8, button.data) is None  # not issued in that chat


def test_render_axes_escapes_and_numbers(engine: Engine) -> None:
    reply = render_axes(engine.axes())
    assert reply.text.startswith(texts.AXES_HEAD)
    assert reply.text.count("\n") == len(engine.axes())
    assert plain("<b>a &amp; b</b>") == "a & b"


@pytest.mark.parametrize(
    "query",
    [
        "",
        "combien de logements réhabilités en 2021",
        "qui est le président",
        "combien en Bretagne",
        "x" * 256,
    ],
)
def test_inline_items_have_unique_short_ids(engine: Engine, query: str) -> None:
    items = Dialogue(engine).inline(query)
    assert items
    assert len({i.id for i in items}) == len(items)
    assert all(len(i.id.encode()) <= 64 and i.title and len(i.html) <= 4096 for i in items)
