"""Checks and yes/no questions: does the fact found confirm what the user proposes?

"c'est 72 ou 75 millions ?", "plus de 10 000 prêts accordés ?", "la plateforme a 7
partenaires ?", "c'était en novembre ?": the fact is compared with the numbers, months,
members or words the question proposes. What a fact cannot settle (a later event, an
outcome, an opinion) is never answered yes or no: the reply says so and quotes the fact.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from . import symbols as sym
from .query import Decision, Query, Verdict
from .records import Fact

if TYPE_CHECKING:
    from .rules import Decider

__all__ = ["verify"]

_MONTH_WORDS = re.compile(
    r"\b(janvier|fevrier|mars?|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre)\b"
)
_MEMBERS = re.compile(r",\s*|\s+et\s+")


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1.0)


def _members(fact: Fact) -> int:
    """How many members a membership fact lists (its stated number, else its listed names)."""
    if fact.value_number is not None:
        return int(fact.value_number)
    return len([p for p in _MEMBERS.split(fact.value) if p.strip()])


def _numbers_of(decider: Decider, fact: Fact) -> list[float]:
    if fact.value_number is not None and fact.kind == "figure":
        return [fact.value_number]
    words = decider.lexicon.normalize(fact.value).split()
    return [float(w) for w in words if re.fullmatch(r"\d+(?:\.\d+)?", w)]


def _compare(check: str, proposed: tuple[float, ...], actual: list[float]) -> Verdict:
    if not actual:
        return ""
    value = actual[0]
    if check == "more":
        return "oui" if value > proposed[0] else "non"
    if check == "less":
        return "oui" if value < proposed[0] else "non"
    if check == "or":
        return "oui" if any(_same(p, value) for p in proposed) else "neither"
    return "oui" if all(any(_same(p, a) for a in actual) for p in proposed) else "non"


def _verdict(decider: Decider, query: Query, fact: Fact) -> Verdict:
    reading = query.reading
    check = query.check or "yesno"
    vocab = decider.index.entries[fact.id].vocab
    if fact.kind in ("list", "membership") and reading.numbers:
        count = decider.resolver.list_size.get(fact.id) if fact.kind == "list" else _members(fact)
        return _compare(check, reading.numbers, [float(count)]) if count else ""
    persons = [e for e in query.reading.entities if decider.index.is_person(e)]
    if persons and fact.person and fact.kind in ("contact", "quotation", "person"):
        return "oui" if sym.entity(fact.person) in persons else "non"  # "le contact, c'est bien X ?"
    if fact.kind == "membership":
        named = [e for e in query.entities if e != sym.entity(fact.subject)]
        if named:
            value = set(decider.lexicon.symbols(fact.value))
            return "oui" if all(e in value for e in named) else "non"
    if reading.numbers:
        return _compare(check, reading.numbers, _numbers_of(decider, fact))
    if reading.months:
        said = set(_MONTH_WORDS.findall(decider.lexicon.normalize(fact.value)))
        return "oui" if said and set(reading.months) <= said else "non" if said else ""
    if fact.kind == "item":
        content = [c for c in query.new_concepts if ":" not in c and not sym.is_entity(c)
                   and c != reading.list_noun and not c.isdigit()]
        if content:
            return "oui" if all(c in vocab for c in content) else "non"
    return ""


def verify(decider: Decider, query: Query, decision: Decision) -> Decision:
    """Give an answered check its verdict, or turn it into an honest "I cannot say"."""
    if decision.verdict:
        return decision
    fact = decision.facts[0]
    if query.reading.future:
        # "la prochaine convention aura lieu à Lille ?": the documents tell what was, not what followed.
        return Decision(status="unknown", reason="unsettled", near=(fact,), rule="unsettled")
    verdict = _verdict(decider, query, fact)
    if not verdict:
        return Decision(status="unknown", reason="unsettled", near=(fact,), rule="unsettled")
    if verdict != "oui" and fact.kind == "figure" and fact.metric and query.reading.numbers:
        # "612, c'est la région ?": Non, and where 612 comes from, if it is a figure of the same metric.
        proposed = query.reading.numbers
        owners = tuple(f for f in decider.by_metric.get(fact.metric, []) if f is not fact
                       and f.value_number is not None and any(_same(p, f.value_number) for p in proposed))
        return replace(decision, verdict=verdict, mentions=(*decision.mentions, *owners[:2]))
    return replace(decision, verdict=verdict)


def verify_place(decider: Decider, query: Query, decision: Decision) -> Decision:
    """A check whose place or year ruled every fact out: the fact without it, and "Non"."""
    fact = decision.facts[0]
    if query.reading.future:
        return Decision(status="unknown", reason="unsettled", near=(fact,), rule="unsettled")
    return replace(decision, verdict="non")
