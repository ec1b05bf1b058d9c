"""Every number of the source documents is the value of a fact, or listed here with the reason."""

from __future__ import annotations

from qa import Engine
from qa.knowledge import load_knowledge, numbers_in

from ..conftest import KNOWLEDGE

NOT_FACT_VALUES = {
    "2021": "a year: the year of the figures, stored in each fact's `year` field",
    "3": "part of the name 3F Notre Logis",
}


def test_every_number_of_the_documents_is_covered() -> None:
    kb = load_knowledge(KNOWLEDGE)
    values: set[str] = set()
    for fact in kb.facts:
        values |= numbers_in(fact.value)
        if fact.value_number is not None and fact.value_number == int(fact.value_number):
            values.add(str(int(fact.value_number)))
    for document in kb.documents.values():
        missing = numbers_in(document.text) - values - set(NOT_FACT_VALUES)
        assert not missing, f"{document.id}: numbers without a fact: {sorted(missing)}"


def test_required_facts_exist(engine: Engine) -> None:
    people = {f.value for f in engine.facts() if f.kind == "person"}
    assert people == {"Bruno Arcadipane", "Xavier Bertrand", "Christophe Vanhersel", "Bertrand Declemy",
                      "Roger Thiriet", "Pascale Sébille"}
    assert [a.n for a in engine.axes()] == [1, 2, 3, 4]
    contact = engine.contacts()[0]
    assert "p.pruvost@union-habitat.org" in contact.answer
    aisne = {f.value for f in engine.facts() if f.geo == "aisne"}
    assert {"4 835", "612", "1 175", "642", "26,4 millions d'euros", "23,6 millions d'euros", "170", "1 000"} <= aisne


def test_documents_keep_their_metadata(engine: Engine) -> None:
    docs = {d.id: d for d in engine.documents()}
    first = docs["action-logement-convention-saint-quentin"]
    second = docs["unafo-rencontres-plateforme-ambition"]
    assert not first.title_given_by_us and first.origin == "Source Action Logement"
    assert second.title_given_by_us
    assert first.date is None and second.date is None  # "décembre dernier" gives no year
