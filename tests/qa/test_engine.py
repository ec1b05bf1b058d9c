"""Behaviour users expect from Engine.ask (DESIGN.md, "The engine").

Two kinds of tests:

- behaviours, on the fictional knowledge (`fictional`, tests/qa/fictional.py): what a reply
  says, follow-ups, clarifications, refusals; they never depend on today's documents;
- properties of the real knowledge (`engine`), quantified over its facts, people, lists,
  metrics and roles: every figure answered for its scope, every item and person reachable,
  every answer grounded, and no refusal that names as missing what the base holds. Adding a
  correct document adds cases to these tests, never a reason to edit them.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Iterator

import pytest

from qa import Engine, Fact
from qa.knowledge import numbers_in

from .truth import Base, grounded

NNBSP = "\u202f"


# ====================================================================== behaviours (fictional)
def test_answer_has_scope_source_and_quote(fictional: Engine) -> None:
    a = fictional.ask("combien de ménages aidés en Valombrie en 2032 ?")
    assert a.status == "answered" and a.facts == ("valombrie-2032-menages-aides",)
    assert f"5{NNBSP}300" in a.text and "Valombrie" in a.text and "2032" in a.text
    assert a.sources and a.sources[0].quote in a.text and a.sources[0].title in a.text
    grounded(a, fictional)


def test_a_departement_question_never_gives_the_region_figure(fictional: Engine) -> None:
    a = fictional.ask("combien de logements rénovés dans le 91 en 2032 ?")
    assert a.status == "answered" and a.facts == ("ostrevan-2032-logements-renoves",)
    assert "2\u202f750" not in a.text


@pytest.mark.parametrize(
    ("question", "says"),
    [
        pytest.param("combien de logements rénovés en 2030", "2030", id="year"),
        pytest.param("combien de logements rénovés en Norlande", "Norlande", id="region-without-facts"),
        pytest.param("combien de logements rénovés dans le Brisemer", "Brisemer", id="departement-without-facts"),
        pytest.param("combien de ménages aidés à Corbevaux", "Corbevaux", id="town"),
        pytest.param("qui est le trésorier de l'Office valombrien ?", "trésorier", id="role-not-held"),
        pytest.param("qui est le maire de Corbevaux ?", "maire", id="role-of-a-place"),
        pytest.param("quel est le loyer moyen en Valombrie ?", "loyer", id="topic"),
    ],
)
def test_unknown_says_what_is_missing(fictional: Engine, question: str, says: str) -> None:
    a = fictional.ask(question)
    assert a.status == "unknown", a.text
    assert says in a.text
    assert a.facts == ()


def test_unknown_offers_what_the_base_has_instead(fictional: Engine) -> None:
    a = fictional.ask("combien de logements rénovés en 2030")
    assert "2031" in a.text and "2032" in a.text  # the years it has
    assert a.suggestions and all(fictional.fact(s.fact_id or "").metric == "logements-renoves" for s in a.suggestions)


def test_several_facts_fit_gives_clarify_without_a_figure(fictional: Engine) -> None:
    a = fictional.ask("Ostrevan")
    assert a.status == "clarify"
    assert len(a.suggestions) >= 2 and all(s.fact_id for s in a.suggestions)
    assert "900" not in a.text and "610" not in a.text  # a clarification never states a figure


def test_clarify_then_pick_by_number(fictional: Engine) -> None:
    first = fictional.ask("qui est Ferrand ?")
    assert first.status == "clarify"
    second = fictional.ask("2", first.context)
    assert second.status == "answered"
    assert second.facts[0] == first.suggestions[1].fact_id


@pytest.mark.parametrize("question", ["bonjour", "Salut !", "merci beaucoup", "au revoir"])
def test_smalltalk_is_kind_and_has_no_figure(fictional: Engine, question: str) -> None:
    a = fictional.ask(question)
    assert a.status == "unknown" and a.facts == () and a.sources == ()
    assert not numbers_in(a.text) - numbers_in(fictional.can_answer())


def test_greeting_says_what_the_base_is_about(fictional: Engine) -> None:
    assert fictional.can_answer() and fictional.can_answer() in fictional.ask("bonjour").text
    assert all(d.topics in fictional.can_answer() for d in fictional.documents())


def test_english_gets_french_reply(fictional: Engine) -> None:
    assert "français" in fictional.ask("how many homes were renovated in the region?").text


@pytest.mark.parametrize(
    "question",
    ["", "   ", "😀😀", "?!?", "<script>alert(1)</script>", "'; DROP TABLE facts; --", "x" * 4096],
)
def test_bad_input_never_gives_a_figure(fictional: Engine, question: str) -> None:
    a = fictional.ask(question)
    assert a.status != "answered"
    assert "<script>" not in a.html


def test_html_is_escaped_and_figure_bold(fictional: Engine) -> None:
    a = fictional.ask("combien de ménages aidés en Valombrie en 2032 ?")
    assert f"<b>5{NNBSP}300</b>" in a.html and "<blockquote>" in a.html
    assert "l&#x27;habitat" in a.html or "l&#39;habitat" in a.html  # every value escaped


@pytest.mark.parametrize(
    ("first", "then", "expected", "forbidden"),
    [
        pytest.param("combien de logements rénovés en Valombrie en 2032 ?", "et dans l'Ostrevan ?", "900",
                     "2\u202f750", id="place"),
        pytest.param("combien de logements rénovés dans l'Ostrevan en 2032 ?", "et dans toute la région ?",
                     "2\u202f750", "900", id="back-to-the-region"),
        pytest.param("combien de logements rénovés en Valombrie en 2032 ?", "et en 2031 ?", "2\u202f400",
                     "2\u202f750", id="year"),
        pytest.param("combien de logements rénovés en Valombrie en 2032 ?", "et l'année d'avant ?", "2\u202f400",
                     "2\u202f750", id="year-before"),
        pytest.param("combien de logements rénovés en Valombrie en 2032 ?", "et les ménages aidés ?",
                     "5\u202f300", "2\u202f750", id="metric"),
        pytest.param("combien de logements rénovés en Valombrie en 2032 ?", "et en 2030 ?", "2030", "2\u202f750",
                     id="year-unknown"),
        pytest.param("le premier engagement", "et le troisième ?", "Construire", "Rénover", id="list-item"),
        pytest.param("engagement 1", "et le suivant ?", "Accompagner", "Rénover", id="list-next"),
        pytest.param("qui est Léa Ferrand ?", "qu'a-t-elle dit ?", "victoire", "directeur", id="pronoun"),
    ],
)
def test_follow_ups_reuse_context(fictional: Engine, first: str, then: str, expected: str, forbidden: str) -> None:
    a = fictional.ask(first)
    b = fictional.ask(then, a.context)
    assert expected in b.text and forbidden not in b.text.split("Source")[0], b.text


def test_three_turn_chain(fictional: Engine) -> None:
    a = fictional.ask("combien de ménages aidés en Valombrie en 2032 ?")
    b = fictional.ask("et les logements rénovés ?", a.context)
    c = fictional.ask("et dans le Pelmarais ?", b.context)
    assert c.status == "answered" and c.facts == ("pelmarais-2032-logements-renoves",)


def test_context_is_per_conversation(fictional: Engine) -> None:
    assert fictional.ask("et dans l'Ostrevan ?").status != "answered"  # nothing to follow


def test_answer_fact_and_suggestions(fictional: Engine) -> None:
    b = fictional.answer_fact("ostrevan-2032-logements-renoves")
    assert b.status == "answered" and "900" in b.text
    with pytest.raises(KeyError):
        fictional.answer_fact("no-such-fact")


def test_every_fictional_fact_is_reached_by_its_own_suggestion(fictional: Engine) -> None:
    for fact in fictional.facts():
        suggestion = fictional.suggest(fact)
        answer = fictional.ask(suggestion.question)
        assert (answer.status, answer.facts[:1]) == ("answered", (fact.id,)), suggestion.question


def test_jsonl_record(fictional: Engine) -> None:
    record = fictional.ask("contact presse").to_json("x1")
    assert set(record) == {"id", "status", "text", "sources", "confidence", "facts", "suggestions"}
    assert record["sources"][0].keys() == {"document", "title", "quote"}  # type: ignore[index]


def test_unknown_reply_never_echoes_a_flood(fictional: Engine) -> None:
    answer = fictional.ask("combien de " + "z" * 4000 + " et " + "y" * 50)
    assert answer.status == "unknown" and len(answer.text) < 1000


def test_random_text_never_crashes(fictional: Engine, engine: Engine) -> None:
    rng = random.Random(20261122)
    alphabet = string.printable + "éèàçœ’«»€°#@😀\u202f"
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 120)))
        for e in (fictional, engine):
            answer = e.ask(text)
            assert answer.status in ("answered", "clarify", "unknown")
            assert len(answer.html) <= 4096
            if answer.status == "answered":
                grounded(answer, e)


# ====================================================================== properties of the real knowledge
def _figures(engine: Engine) -> list[Fact]:
    return [f for f in engine.facts() if f.kind == "figure"]


def figure_question(engine: Engine, fact: Fact) -> str:
    """The fact's first phrasing with its place ("dans l'Aisne") and year; its subject's name when it has neither."""
    parts = [fact.phrasings[0] if fact.phrasings else fact.attribute]
    places = engine.lexicon.places
    if fact.place:
        parts.append(f"dans {places.the(fact.place)}")
    if fact.year:
        parts.append(f"en {fact.year}")
    if not fact.place and not fact.year and f"@{fact.subject}" not in engine.read(parts[0]).entities:
        parts.append(engine.lexicon.entity_names.get(fact.subject, fact.subject))
    return " ".join(parts)


def test_every_figure_is_answered_for_its_place_and_year(engine: Engine) -> None:
    failures = []
    for fact in _figures(engine):
        question = figure_question(engine, fact)
        answer = engine.ask(question)
        if (answer.status, answer.facts[:1]) != ("answered", (fact.id,)):
            failures.append(f"{fact.id}: {question!r} -> {answer.status} {answer.facts[:3]}")
            continue
        grounded(answer, engine)
    assert not failures, "\n".join(failures)


def test_every_list_item_is_reachable_by_noun_and_number(engine: Engine) -> None:
    facts = {f.id: f for f in engine.facts()}
    lists = [f for f in facts.values() if f.kind == "list"]
    failures = []
    for item in (f for f in facts.values() if f.kind == "item"):
        head = facts[item.list_id or ""]
        question = f"{head.noun} {item.n}"
        if sum(1 for other in lists if other.noun == head.noun) > 1:  # several lists of that noun: say whose
            question += f" de {engine.lexicon.entity_names.get(head.subject, head.subject)}"
        answer = engine.ask(question)
        if (answer.status, answer.facts[:1]) != ("answered", (item.id,)):
            failures.append(f"{item.id}: {question!r} -> {answer.status} {answer.facts[:3]}")
    assert not failures, "\n".join(failures)


def test_a_list_item_beyond_its_list_says_how_many_there_are(engine: Engine) -> None:
    facts = list(engine.facts())
    for head in (f for f in facts if f.kind == "list"):
        count = sum(1 for f in facts if f.kind == "item" and f.list_id == head.id)
        answer = engine.ask(f"{head.noun} {count + 1} de {engine.lexicon.entity_names.get(head.subject, '')}")
        assert answer.status == "unknown" and str(count) in answer.text, answer.text


def test_every_person_is_reachable_by_name(engine: Engine) -> None:
    facts = {f.id: f for f in engine.facts()}
    people = sorted({f.person for f in facts.values() if f.kind == "person" and f.person})
    assert people
    failures = []
    for person in people:
        question = f"qui est {engine.lexicon.entity_names[person]} ?"
        answer = engine.ask(question)
        first = facts[answer.facts[0]] if answer.facts else None
        if answer.status != "answered" or first is None or (first.kind, first.person) != ("person", person):
            failures.append(f"{person}: {question!r} -> {answer.status} {answer.facts[:3]}")
    assert not failures, "\n".join(failures)


def test_every_fact_is_reached_by_its_own_suggestion(engine: Engine) -> None:
    """The question a button asks for a fact must bring that very fact back."""
    failures = []
    for fact in engine.facts():
        suggestion = engine.suggest(fact)
        answer = engine.ask(suggestion.question)
        if (answer.status, answer.facts[:1]) != ("answered", (fact.id,)):
            failures.append(f"{fact.id}: {suggestion.question!r} -> {answer.status} {answer.facts[:3]}")
    assert not failures, "\n".join(failures)


def test_every_fact_answered_directly_is_grounded(engine: Engine) -> None:
    for fact in engine.facts():
        grounded(engine.answer_fact(fact.id), engine)


@pytest.fixture(scope="module")
def base(engine: Engine) -> Base:
    return Base(engine)


def _metric_probes(engine: Engine) -> Iterator[tuple[str, str, str | None, int | None]]:
    """(question, metric, place, year): each metric asked for scopes the base has and has not."""
    figures = _figures(engine)
    places = engine.lexicon.places
    base_years = {f.year for f in figures if f.year}
    absent_year = min(set(range(2000, 2100)) - base_years)
    for metric in sorted({f.metric for f in figures if f.metric}):
        own = [f for f in figures if f.metric == metric]
        phrasing = next((p for f in own for p in f.phrasings if not engine.lexicon.places_in(p)), own[0].attribute)
        scopes: set[tuple[str | None, int | None]] = {(None, absent_year), *((None, y) for y in base_years)}
        for fact in own:
            scopes |= {(fact.place, y) for y in (*base_years, absent_year)}
            parent = places.by_id[fact.place].parent if fact.place in places else None
            if parent:  # neighbours of its place: a sibling région or département, with figures or not
                scopes |= {(p.id, None) for p in places.by_id.values() if p.parent == parent}
        scopes |= {(p, None) for p in places.with_facts}
        for place, year in sorted(scopes, key=str):
            words = [phrasing] + ([f"dans {places.the(place)}"] if place else []) + ([f"en {year}"] if year else [])
            yield " ".join(words), metric, place, year


def _refusals(engine: Engine, base: Base, kinds: tuple[str, ...]) -> tuple[int, list[str]]:
    wrong, refused = [], 0
    for question, metric, place, year in _metric_probes(engine):
        answer = engine.ask(question)
        if answer.status != "answered":
            refused += 1
            wrong += [f"{question!r}: {w}" for w in base.false_claims(answer.text, metric=metric, place=place,
                                                                       year=year) if w.startswith(kinds)]
    return refused, wrong


def test_refusals_never_name_as_missing_a_place_the_base_holds(engine: Engine, base: Base) -> None:
    """Issue 10: no unknown or clarify sentence names a place (or body) as missing when the base holds it."""
    refused, wrong = _refusals(engine, base, ("UNKNOWN_PLACE", "UNKNOWN_SUBJECT"))
    assert refused, "the probes include scopes the base lacks"
    assert not wrong, "\n".join(wrong)


def test_refusals_never_name_as_missing_a_year_the_base_holds(engine: Engine, base: Base) -> None:
    """Issue 10: no unknown or clarify sentence names a year as missing when the base holds it."""
    refused, wrong = _refusals(engine, base, ("UNKNOWN_YEAR",))
    assert refused, "the probes include scopes the base lacks"
    assert not wrong, "\n".join(wrong)


def test_refusals_never_name_as_missing_a_role_the_base_holds(engine: Engine, base: Base) -> None:
    lexicon = engine.lexicon
    roles = sorted({f.role for f in base.people if f.role} | set(list(lexicon.roles)[:5]))
    bodies = [name for key, name in lexicon.entity_names.items() if lexicon.entity_kinds.get(key) == "organisation"]
    places = [lexicon.places.the(p) for p in sorted(lexicon.places.with_facts)]
    wrong, refused = [], 0
    for role in roles:
        for where in (*bodies, *places):
            of = re.sub(r"^de les ", "des ", re.sub(r"^de le ", "du ", f"de {where}"))
            question = f"qui est le {lexicon.role_label(role)} {of} ?"
            answer = engine.ask(question)
            refused += answer.status != "answered"
            wrong += [f"{question!r}: {w}" for w in base.false_claims(answer.text)]
    assert refused
    assert not wrong, "\n".join(wrong)
