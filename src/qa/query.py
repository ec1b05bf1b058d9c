"""What the engine asks the base (`Query`) and what it decides (`Decision`), with why.

Both are built with keywords only: they have many fields, and a positional mix-up would
silently swap a place and a year.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .reading import Reading
from .records import Fact, Status

__all__ = ["Decision", "Query", "Reason", "Verdict"]

# Why a question was not simply answered (or, for a check, what settled it).
Reason = Literal[
    "",  # answered
    "year",  # the facts asked exist for other years
    "place",  # ... for other places
    "role",  # nobody holds that role (for that body or place)
    "entity",  # the role exists, for another body
    "subject",  # the figure exists, not for that body
    "kind",  # the facts found answer another kind of question
    "counted",  # "combien de X": no figure counts X
    "metric",  # the figures found measure something else
    "target",  # the base has a target for it, not a result
    "channel",  # a contact channel the documents do not give
    "item",  # a list item that does not exist ("la septième" of six)
    "name",  # a name several people share
    "unsettled",  # a yes/no question the documents do not settle
    "ambiguous",  # several facts fit equally
    "topic",  # nothing in the base is about this
    "empty",  # nothing to look for
]
Verdict = Literal["oui", "non", "neither", ""]


@dataclass(frozen=True, kw_only=True)
class Query:
    """The effective question after follow-up merging: concept weights and slots."""

    reading: Reading
    concepts: dict[str, float]
    years: tuple[int, ...] = ()
    years_carried: bool = False  # from the conversation or a sibling question: dates figures only
    places: tuple[str, ...] = ()
    places_carried: bool = False
    any_places: tuple[str, ...] = ()  # "la région" when the base has several: any of them, no filter
    role: str | None = None
    entities: tuple[str, ...] = ()  # named, or carried over ("et son mail ?")
    pronoun_entity: str | None = None  # who "il", "elle", "son" stands for in this question
    new_concepts: frozenset[str] = frozenset()
    kind: str | None = None  # in a follow-up, the kind of the previous answer (a figure...)
    list_id: str | None = None  # the list an item reference points into
    item: int | None = None
    channels: frozenset[str] = frozenset()
    check: str | None = None  # what the question asks to confirm (see Reading.check)


@dataclass(frozen=True, kw_only=True)
class Decision:
    status: Status
    facts: tuple[Fact, ...] = ()
    confidence: float = 0.0
    cover: float = 1.0  # the share of the question the answered fact explains
    reason: Reason = ""
    rule: str = ""  # the name of the rule that decided: `qa check` shows it
    near: tuple[Fact, ...] = ()  # excluded or rejected facts that explain an unknown
    verdict: Verdict = ""  # a check's answer: "Oui", "Non"...
    lead: str = ""  # a sentence before the facts ("Je n'ai ce chiffre que pour 2019 :")
    mentions: tuple[Fact, ...] = field(default=())  # sub-place figures shown after the answer
    missing: tuple[tuple[str | None, int | None], ...] = ()  # compared scopes (place, year) the base lacks
