"""Properties of the curated knowledge, whatever its documents: every number curated, metadata never invented.

None of these counts today's documents: they hold for any document curated as
knowledge/README.md says, so adding one keeps them green.
"""

from __future__ import annotations

import re

import pytest

from qa import Engine
from qa.knowledge import Knowledge, load_knowledge, numbers_in
from qa.normalize import fold

from ..conftest import KNOWLEDGE

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return load_knowledge(KNOWLEDGE)


def _squashed(text: str) -> str:
    return " ".join(fold(text).split())


def test_every_number_of_the_documents_is_curated(kb: Knowledge) -> None:
    """Each number of a document is a fact's value, a year, an item's number, or part of a name or its date."""
    covered: set[str] = set()
    for fact in kb.facts:
        covered |= numbers_in(fact.value) | numbers_in(fact.answer)
        if fact.value_number is not None and fact.value_number == int(fact.value_number):
            covered.add(str(int(fact.value_number)))
        covered |= {str(x) for x in (fact.year, fact.n) if x is not None}
    for entity in kb.lexicon.get("entities", {}).values():  # "3F Notre Logis"
        for name in (entity.get("name", ""), *entity.get("aliases", [])):
            covered |= numbers_in(name)
    for document in kb.documents.values():
        own = numbers_in(document.date or "") | numbers_in(document.title)
        missing = numbers_in(document.text) - covered - own
        assert not missing, f"{document.id}: numbers without a fact: {sorted(missing)}"


def test_documents_never_invent_metadata(kb: Knowledge) -> None:
    for document in kb.documents.values():
        text = _squashed(document.text)
        if not document.title_given_by_us:  # the document's own headline
            assert _squashed(document.title) in text, document.id
        if document.date:  # a date only when the document gives one
            assert document.date[:4] in document.text, document.id
        if document.publisher:
            assert _squashed(document.publisher) in text, document.id


def test_people_are_entities_named_as_in_their_facts(kb: Knowledge) -> None:
    entities = kb.lexicon["entities"]
    people = [f for f in kb.facts if f.kind == "person"]
    assert people
    for fact in people:
        entity = entities[fact.person or ""]
        assert entity.get("kind") == "person", fact.id
        names = {_squashed(n) for n in (entity.get("name", ""), *entity.get("aliases", []))}
        assert _squashed(fact.value) in names, fact.id
        assert fact.role in kb.lexicon["roles"], fact.id


def test_contacts_give_what_their_quote_prints(kb: Knowledge) -> None:
    for fact in (f for f in kb.facts if f.kind == "contact"):
        assert fact.channel in ("email", "phone", "web", "address"), fact.id
        if fact.channel == "email":
            assert EMAIL.search(fact.value), fact.id
        assert set(EMAIL.findall(fact.value)) <= set(EMAIL.findall(fact.quote)), fact.id


def test_figures_have_a_metric_and_a_stated_year(kb: Knowledge) -> None:
    figures = [f for f in kb.facts if f.kind == "figure"]
    assert figures
    for fact in figures:
        assert fact.metric in kb.lexicon["metrics"], fact.id
        if fact.year is not None:  # the year of a figure is the document's, never guessed
            assert str(fact.year) in kb.documents[fact.document_id].text, fact.id


def test_topics_are_the_items_of_the_subscribable_lists(engine: Engine) -> None:
    topics = engine.topics()
    assert [t.n for t in topics] == list(range(1, len(topics) + 1))
    facts = {f.id: f for f in engine.facts()}
    subscribable = {f.id for f in facts.values() if f.kind == "list" and f.subscribable}
    items = {f.id for f in facts.values() if f.kind == "item" and f.list_id in subscribable}
    assert {t.key for t in topics} == items and items
    for topic in topics:
        item = facts[topic.key]
        head = facts[item.list_id or ""]
        assert (topic.title, topic.noun, topic.list_title) == (item.value, head.noun, head.attribute)


def test_engine_lists_documents_and_contacts(engine: Engine, kb: Knowledge) -> None:
    assert [d.id for d in engine.documents()] == sorted(kb.documents)
    assert {f.id for f in engine.contacts()} == {f.id for f in kb.facts if f.kind == "contact"}
    assert all(f.kind == "contact" for f in engine.contacts())
