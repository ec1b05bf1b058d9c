"""Small immutable records shared by the engine, the CLI and the bot."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Status = Literal["answered", "clarify", "unknown"]


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    title_given_by_us: bool
    publisher: str
    date: str | None
    origin: str
    text: str


@dataclass(frozen=True)
class Fact:
    """One curated statement, grounded by a verbatim quote of its document."""

    id: str
    kind: str  # figure | person | organisation | definition | membership | event | axis | contact
    subject: str  # entity id
    attribute: str  # metric or role, in words ("logements réhabilités", "présidente")
    value: str  # as printed in the document
    document_id: str
    quote: str
    value_number: float | None = None
    unit: str | None = None
    geo: str | None = None  # "hauts-de-france", "aisne" or None when the fact has no place
    year: int | None = None
    axes: tuple[int, ...] = ()
    answer: str = ""  # the sentence the engine says, built only from the quote's words
    phrasings: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    role: str | None = None  # normalised role for person facts ("president", "directeur-general")
    related: tuple[str, ...] = ()  # fact ids worth offering as a follow-up


@dataclass(frozen=True)
class Axis:
    n: int
    title: str
    text: str
    fact_id: str


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
    geo: str | None = None
    year: int | None = None
    kind: str | None = None
    axis: int | None = None
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
