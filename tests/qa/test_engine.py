"""Behaviour users expect from Engine.ask (see DESIGN.md, "The engine")."""

from __future__ import annotations

import pytest

from qa import Context, Engine


def ask(engine: Engine, question: str, context: Context | None = None):  # type: ignore[no-untyped-def]
    return engine.ask(question, context)


def test_answer_has_scope_source_and_quote(engine: Engine) -> None:
    a = ask(engine, "combien de logements réhabilités en 2021")
    assert a.status == "answered"
    assert "3\u202f616" in a.text and "2021" in a.text and "Hauts-de-France" in a.text
    assert a.sources and a.sources[0].quote in a.text
    assert a.sources[0].title in a.text
    assert a.facts[0] == "hdf-2021-logements-rehabilites"


def test_no_place_gives_region_and_mentions_aisne(engine: Engine) -> None:
    a = ask(engine, "combien de logements réhabilités")
    assert a.status == "answered"
    assert a.text.index("3\u202f616") < a.text.index("1\u202f000")
    assert "Aisne" in a.text
    assert {s.quote for s in a.sources} >= {"3 616 logements réhabilités.", "1 000 logements réhabilités."}


def test_aisne_question_never_gives_region_figure(engine: Engine) -> None:
    a = ask(engine, "combien de logements réhabilités dans le 02")
    assert a.status == "answered"
    assert "1\u202f000" in a.text and "3\u202f616" not in a.text


@pytest.mark.parametrize(
    ("question", "says"),
    [
        pytest.param("combien de logements réhabilités en 2019", "2019", id="year"),
        pytest.param("combien de logements neufs en Bretagne", "Bretagne", id="region"),
        pytest.param("combien de ménages logés dans le Nord", "Nord", id="departement"),
        pytest.param("garanties visale dans la Somme", "Somme", id="ambiguous-departement"),
        pytest.param("combien de logements réhabilités à Lille", "Lille", id="town"),
        pytest.param("qui est le directeur général de Clésence", "directeur général", id="role-not-held"),
        pytest.param("qui est le maire de Saint-Quentin", "maire", id="role-other"),
        pytest.param("quel est le loyer moyen à Amiens", "loyer", id="topic"),
        pytest.param("quel est le chiffre d'affaires d'Action Logement", "affaire", id="topic-typo-trap"),
        pytest.param("combien de logements réhabilités par Clésence", "Clésence", id="subject"),
        pytest.param("combien d'aides à la mobilité en Hauts-de-France", "Aisne", id="aisne-only-figure"),
    ],
)
def test_unknown_says_what_is_missing(engine: Engine, question: str, says: str) -> None:
    a = ask(engine, question)
    assert a.status == "unknown", a.text
    assert says in a.text
    assert "Je peux vous répondre" in a.text
    assert a.facts == ()


def test_several_facts_fit_gives_clarify(engine: Engine) -> None:
    a = ask(engine, "combien de logements ?")
    assert a.status == "clarify"
    assert len(a.suggestions) >= 2 and all(s.fact_id for s in a.suggestions)
    assert "3\u202f616" not in a.text  # a clarification never states a figure


def test_ambiguous_name_asks_which_person(engine: Engine) -> None:
    a = ask(engine, "qui est Bertrand ?")
    assert a.status == "clarify"
    assert "Xavier Bertrand" in a.text and "Bertrand Declemy" in a.text


def test_clarify_then_pick_by_number(engine: Engine) -> None:
    first = ask(engine, "qui est le président ?")
    assert first.status == "clarify"
    second = ask(engine, "2", first.context)
    assert second.status == "answered"
    assert second.facts[0] == first.suggestions[1].fact_id


@pytest.mark.parametrize("question", ["bonjour", "Salut !", "merci beaucoup", "au revoir"])
def test_smalltalk_is_kind_and_has_no_figure(engine: Engine, question: str) -> None:
    a = ask(engine, question)
    assert a.status == "unknown" and not any(ch.isdigit() for ch in a.text.replace("2021", ""))


def test_english_gets_french_reply(engine: Engine) -> None:
    a = ask(engine, "how many homes were renovated in the region?")
    assert "français" in a.text


@pytest.mark.parametrize(
    "question",
    ["", "   ", "😀😀", "?!?", "<script>alert(1)</script>", "'; DROP TABLE facts; --", "x" * 4096],
)
def test_bad_input_never_gives_a_figure(engine: Engine, question: str) -> None:
    a = ask(engine, question)
    assert a.status != "answered"
    assert "<script>" not in a.html


def test_html_is_escaped_and_figure_bold(engine: Engine) -> None:
    a = ask(engine, "combien de garanties visale")
    assert "<b>16\u202f871</b>" in a.html
    assert "<blockquote>" in a.html


@pytest.mark.parametrize(
    ("first", "then", "expected", "forbidden"),
    [
        pytest.param("combien de logements réhabilités en 2021 ?", "et dans l'Aisne ?", "1\u202f000", "3\u202f616", id="place"),
        pytest.param("garanties Visale dans l'Aisne", "et dans toute la région ?", "16\u202f871", "1\u202f175", id="back-to-region"),
        pytest.param("combien de logements neufs ?", "et réhabilités ?", "3\u202f616", "1\u202f228", id="metric"),
        pytest.param("quel est le premier axe ?", "et le troisième ?", "modèle économique", "Quantifier", id="axis"),
        pytest.param("combien de ménages logés en 2021", "et en 2019 ?", "2019", "11\u202f025", id="year-unknown"),
        pytest.param("quel est le deuxième axe ?", "et le suivant ?", "modèle économique", "Produire", id="next-axis"),
        pytest.param("qui est la présidente de Clésence ?", "et celui de la région ?", "Xavier Bertrand", "Pascale", id="same-role"),
    ],
)
def test_follow_ups_reuse_context(engine: Engine, first: str, then: str, expected: str, forbidden: str) -> None:
    a = ask(engine, first)
    b = ask(engine, then, a.context)
    assert expected in b.text and forbidden not in b.text.split("Source")[0]


def test_three_turn_chain(engine: Engine) -> None:
    a = ask(engine, "combien de logements neufs ?")
    b = ask(engine, "et réhabilités ?", a.context)
    c = ask(engine, "et dans l'Aisne ?", b.context)
    assert "1\u202f000 logements réhabilités" in c.text and c.status == "answered"


def test_context_is_per_conversation(engine: Engine) -> None:
    a = ask(engine, "et dans l'Aisne ?")  # no previous question: nothing to follow
    assert a.status != "answered"


def test_answer_fact_and_suggestions(engine: Engine) -> None:
    a = ask(engine, "combien de logements réhabilités")
    follow = [s for s in a.suggestions if s.fact_id == "aisne-2021-logements-rehabilites"]
    assert follow
    b = engine.answer_fact(follow[0].fact_id)
    assert b.status == "answered" and "1\u202f000" in b.text
    with pytest.raises(KeyError):
        engine.answer_fact("no-such-fact")


def test_axes_documents_contacts(engine: Engine) -> None:
    assert [a.title.split()[0] for a in engine.axes()] == ["Quantifier", "Produire", "Soutenir", "Créer"]
    assert len(engine.documents()) == 2
    assert engine.contacts()[0].kind == "contact"


def test_jsonl_record(engine: Engine) -> None:
    record = ask(engine, "contact UNAFO").to_json("x1")
    assert set(record) == {"id", "status", "text", "sources", "confidence", "facts", "suggestions"}
    assert record["sources"][0].keys() == {"document", "title", "quote"}  # type: ignore[index]


def test_every_fact_is_reached_by_its_own_suggestion(engine: Engine) -> None:
    """The question a button asks for a fact must bring that very fact back."""
    for fact_id in (f.id for f in engine.facts()):
        suggestion = engine.suggest(engine.fact(fact_id))
        answer = engine.ask(suggestion.question)
        assert (answer.status, answer.facts[:1]) == ("answered", (fact_id,)), suggestion.question


@pytest.mark.parametrize(
    ("question", "fact_id"),
    [
        pytest.param("3616", "hdf-2021-logements-rehabilites", id="bare-number"),
        pytest.param("à quoi correspond le chiffre 11 025 ?", "hdf-2021-menages-loges", id="reverse-lookup"),
        pytest.param("les 4 axes", "plateforme-axes", id="count-not-axis-number"),
        pytest.param("quel est l'axe numéro deux", "axe-2", id="axis-number-word"),
        pytest.param("axe n°3", "axe-3", id="axis-n-degree"),
    ],
)
def test_numbers_in_questions(engine: Engine, question: str, fact_id: str) -> None:
    answer = engine.ask(question)
    assert (answer.status, answer.facts[:1]) == ("answered", (fact_id,)), answer.text


def test_unknown_reply_never_echoes_a_flood(engine: Engine) -> None:
    answer = engine.ask("combien de " + "z" * 4000 + " et " + "y" * 50)
    assert answer.status == "unknown" and len(answer.text) < 1000


def test_random_text_never_crashes_nor_answers_a_figure(engine: Engine) -> None:
    import random
    import string

    rng = random.Random(20261122)
    alphabet = string.printable + "éèàçœ’«»€°#@😀\u202f"
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 120)))
        answer = engine.ask(text)
        assert answer.status in ("answered", "clarify", "unknown")
