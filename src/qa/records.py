"""Small immutable records shared by the engine, the CLI and the bot."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Status = Literal["answered", "clarify", "unknown"]

# The kinds of facts a curator writes (knowledge/README.md explains each).
FACT_KINDS = (
    "figure", "person", "organisation", "definition", "membership", "event", "list", "item", "quotation", "contact",
)


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    title_given_by_us: bool
    publisher: str
    date: str | None
    origin: str
    text: str
    topics: str = ""  # a short line: what users can ask about it ("les chiffres 2019 de l'organisme…")


@dataclass(frozen=True)
class Fact:
    """One curated statement, grounded by a verbatim quote of its document."""

    id: str
    kind: str  # one of FACT_KINDS
    subject: str  # entity (or place) the fact is about
    attribute: str  # what of the subject, in words ("places créées", "présidente de Habitat Sud")
    value: str  # as printed in the document
    document_id: str
    quote: str
    answer: str = ""  # the sentence the engine says, built only from the quote's words
    value_number: float | None = None
    unit: str | None = None
    metric: str | None = None  # figure: a metric of the lexicon, shared across documents
    place: str | None = None  # a place of places.toml: where the figure, person or event is
    year: int | None = None
    role: str | None = None  # person: a role of the lexicon ("president", "maire")
    person: str | None = None  # person, quotation, contact: the person's entity
    list_id: str | None = None  # item: the id of its list fact
    n: int | None = None  # item: its number in the list
    noun: str | None = None  # list: what its items are called ("axe", "priorité", "engagement")
    subscribable: bool = False  # list: users may subscribe to its items (they are topics)
    channel: str | None = None  # contact: "email", "phone", "web" or "address"
    topics: tuple[str, ...] = ()  # item fact ids: subscribers of these items hear of this fact
    phrasings: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    related: tuple[str, ...] = ()  # fact ids worth offering as a follow-up


@dataclass(frozen=True)
class Place:
    id: str
    label: str  # "Cher"
    kind: str  # "région", "département", "commune", "pays", ...
    the: str  # with its article, for sentences: "le Cher", "le Nord", "Lille"
    parent: str | None = None


@dataclass(frozen=True)
class Topic:
    """An item of a subscribable list: what `/abonner n` follows."""

    n: int  # its number in /axes and /abonner (stable while the lists do not change)
    key: str  # the item's fact id, as stored with subscriptions
    title: str
    text: str
    list_title: str  # "Les 5 engagements de la charte régionale"
    noun: str  # "axe"


@dataclass(frozen=True)
class Source:
    document: str  # document id
    title: str
    publisher: str
    quote: str


@dataclass(frozen=True)
class Suggestion:
    """Something the user can ask next: a label for a button and the question it asks."""

    label: str
    question: str
    fact_id: str | None = None


@dataclass(frozen=True)
class Context:
    """What a conversation remembers between two questions (see Engine.ask)."""

    concepts: tuple[str, ...] = ()
    places: tuple[str, ...] = ()  # the places of the last question or answer
    year: int | None = None
    kind: str | None = None
    metric: str | None = None  # of the last figure answered: "et dans le Cher ?" looks for it
    list_id: str | None = None  # of the last list or item answered: "et la suivante ?"
    item: int | None = None
    entity: str | None = None  # who "il", "elle", "son" refer to: the person, else the subject
    subject: str | None = None  # the organisation of the last answer ("et le DG ?" of it)
    role: str | None = None
    fact_ids: tuple[str, ...] = ()
    candidates: tuple[str, ...] = ()  # fact ids offered by the last clarification


@dataclass(frozen=True)
class Answer:
    status: Status
    text: str  # plain text, as a person reads it in a terminal
    html: str  # the same reply for Telegram's HTML parse mode, every value escaped
    sources: tuple[Source, ...] = ()
    confidence: float = 0.0
    facts: tuple[str, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()
    context: Context = field(default_factory=Context)

    def to_json(self, id: str) -> dict[str, object]:
        """The line of `qa ask --jsonl` (the contract of DESIGN.md)."""
        return {
            "id": id,
            "status": self.status,
            "text": self.text,
            "sources": [
                {"document": s.document, "title": s.title, "quote": s.quote} for s in self.sources
            ],
            "confidence": round(self.confidence, 3),
            "facts": list(self.facts),
            "suggestions": [s.question for s in self.suggestions],
        }
