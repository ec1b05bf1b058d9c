"""The Telegram-free dialogue: every button it issues fits Telegram's limits and works."""

from __future__ import annotations

import json

import pytest

from bot import texts
from bot.dialogue import MAX_CALLBACK_BYTES, Dialogue, plain, render_topics
from bot.topics import Topics
from qa import Engine, build

from ..conftest import SHARED
from ..qa.fictional import FACTS, write_knowledge

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


def test_topics_are_grouped_by_list_each_item_once_numbered_across_lists(two_lists: Engine) -> None:
    topics = Topics.of(two_lists)
    reply = render_topics(topics)
    lines = reply.text.splitlines()
    assert lines[0] == texts.TOPICS_HEAD
    numbered = [line for line in lines if line[:1].isdigit()]
    assert [line.split(".")[0] for line in numbered] == ["1", "2", "3", "4", "5"]  # across both lists
    for topic in two_lists.topics():
        assert reply.text.count(topic.title) == 1  # each title once (issue 10)
    headings = [g.heading for g in topics.groups]
    assert len(headings) == 2 and all(h in reply.text for h in headings)
    assert reply.text.index(headings[1]) > reply.text.index(two_lists.topics()[2].title)
    assert plain("<b>a &amp; b</b>") == "a & b"


def test_the_real_base_topics_are_shown_once_each(engine: Engine) -> None:
    reply = Dialogue(engine).axes()
    assert reply.status is None
    for topic in engine.topics():
        assert reply.text.count(topic.title) == 1 and f"{topic.n}. " in reply.text


@pytest.fixture(scope="module")
def fictional_without_lists(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """The fictional base whose list is not subscribable (and no fact names a topic)."""
    facts = [{k: v for k, v in f.items() if k != "topics"} | ({"subscribable": False} if f["kind"] == "list" else {})
             for f in FACTS]  # fmt: skip
    root = tmp_path_factory.mktemp("no-lists")
    build(write_knowledge(root / "knowledge", facts=facts), root / "facts.db")
    return Engine.load(root / "facts.db")


def test_a_base_without_subscribable_list_has_no_topic(fictional_without_lists: Engine) -> None:
    dialogue = Dialogue(fictional_without_lists)
    assert dialogue.axes().text == texts.TOPICS_NONE
    assert "/axes" not in dialogue.start(1).text


@pytest.mark.parametrize(
    ("args", "numbers"),
    [
        pytest.param(["2"], [2], id="a number"),
        pytest.param(["1", "5"], [1, 5], id="two numbers across lists"),
        pytest.param(["1,3"], [1, 3], id="a comma list"),
        pytest.param(["l'engagement", "n°", "2"], [2], id="noun and numero"),
        pytest.param(["tout"], [1, 2, 3, 4, 5], id="every topic"),
        pytest.param(["troisième"], [3], id="ordinal"),
        pytest.param([], [], id="nothing"),
    ],
)
def test_topic_numbers_are_parsed_against_the_base(two_lists: Engine, args: list[str], numbers: list[int]) -> None:
    parsed = Topics.of(two_lists).parse(args)
    assert parsed is not None and [t.n for t in parsed] == numbers


@pytest.mark.parametrize("args", [["6"], ["axe", "2"], ["2", "bis"], ["-1"], ["1-3"], ["deux", "cents"]])
def test_anything_else_is_refused_as_a_whole(two_lists: Engine, args: list[str]) -> None:
    assert Topics.of(two_lists).parse(args) is None


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


@pytest.mark.parametrize(
    "message",
    [
        pytest.param("merci", id="thanks"),
        pytest.param("merci beaucoup !", id="thanks, longer"),
        pytest.param("quel temps fera-t-il demain ?", id="another topic"),
        pytest.param("blabla xyz", id="nonsense"),
    ],
)
def test_thanks_and_unknowns_get_one_short_line_not_the_paragraph_of_topics(engine: Engine, message: str) -> None:
    """Issue 10: no fixed "je peux vous répondre sur …" paragraph after every unknown and every
    "merci"; one line (and the example questions as buttons)."""
    reply = Dialogue(engine).ask(1, message)
    assert engine.can_answer() not in reply.text
    assert "\n" not in reply.text.strip() and len(reply.text) <= 160, reply.text
