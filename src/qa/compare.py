"""Comparisons: one figure, or one role, across the places and years a question names.

"prêts accordés en Bretagne en 2019 et en Corse en 2018", "entre 2018 et 2019", "qui
préside le comité régional en Normandie et en Bretagne ?": each scope is answered with its
own fact and source, a scope the base lacks says so on its own line. The bot computes
nothing that no document states: no difference, no ratio. It may say which of two quoted
figures is larger when asked ("il y en a eu plus en 2019 qu'en 2018 ?").
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from .query import Decision, Query, Reason, Verdict
from .records import Context, Fact

if TYPE_CHECKING:
    from .rules import Decider

__all__ = ["scopes"]

LIST_MAX = 5
_UP = re.compile(r"\b(?:augmente\w*|hausse|progresse\w*|progression|plus|davantage|superieur\w*|mieux)\b")
_DOWN = re.compile(r"\b(?:baisse\w*|diminue\w*|recul\w*|moins|inferieur\w*|chute\w*)\b")
_EVOLVES = re.compile(r"\b(?:augmente\w*|hausse|progresse\w*|baisse\w*|diminue\w*|recul\w*|chute\w*|evolue\w*)\b")


def _pairs(places: list[str], years: list[int]) -> list[tuple[str | None, int | None]]:
    """Scopes in the order named: "Bretagne en 2019 et Corse en 2018" pairs each place with its year."""
    if len(places) == len(years):
        return list(zip(places, years, strict=True))
    if len(places) >= 2:
        return [(p, years[0] if years else None) for p in places]
    return [(places[0] if places else None, y) for y in years]


def scopes(decider: Decider, query: Query, context: Context | None) -> Decision | None:
    places = list(query.places) if not query.places_carried else []
    years = [y for y in query.years if y] if not query.years_carried else []
    if len(places) < 2 and len(years) < 2:
        return None
    if query.role is not None and len(places) >= 2:
        return _people(decider, query, context, places)
    what = decider.match(replace(query, places=(), years=()), context)
    figures = [f for f in (*what.facts, *what.near) if f.kind == "figure" and f.metric]
    if not figures:
        return None
    metric = figures[0].metric or ""
    found: list[Fact] = []
    missing: list[tuple[str | None, int | None]] = []
    for place, year in _pairs(places, years):
        fits = [f for f in decider.by_metric.get(metric, []) if (place is None or f.place == place)
                and (year is None or f.year == year)]
        if fits:
            found += decider.ordered(fits, (place,) if place else (), (year,) if year else ())[:1 if place else 2]
        else:
            missing.append((place, year))
    if not found:
        reason: Reason = "place" if places else "year"
        return Decision(status="unknown", reason=reason, near=tuple(decider.by_metric.get(metric, [])[:3]))
    facts = tuple(dict.fromkeys(found))[:LIST_MAX]
    return Decision(status="answered", facts=facts, confidence=what.confidence, missing=tuple(missing),
                    verdict=_which(query, facts) if not missing else "")


def _which(query: Query, facts: tuple[Fact, ...]) -> Verdict:
    """"plus en 2019 qu'en 2018 ?", "ont-ils augmenté entre 2018 et 2019 ?": compare two quoted figures."""
    text = query.reading.normalized
    if len(facts) != 2 or query.check is None and "?" not in query.reading.original:
        return ""
    first, second = facts
    if first.value_number is None or second.value_number is None or first.value_number == second.value_number:
        return ""
    if _EVOLVES.search(text) and first.year and second.year:
        # "ont augmenté entre 2018 et 2019": from the earlier year to the later one
        before, after = sorted(facts, key=lambda f: f.year or 0)
        rose = (after.value_number or 0) > (before.value_number or 0)
        up = bool(re.search(r"\b(?:augmente\w*|hausse|progresse\w*)\b", text))
        return "oui" if rose == up else "non"
    if _UP.search(text) and not _DOWN.search(text):
        return "oui" if first.value_number > second.value_number else "non"
    if _DOWN.search(text) and not _UP.search(text):
        return "oui" if first.value_number < second.value_number else "non"
    return ""


def _people(decider: Decider, query: Query, context: Context | None, places: list[str]) -> Decision | None:
    """"qui préside le comité régional en Normandie et en Bretagne ?": the holder in each place."""
    found: list[Fact] = []
    missing: list[tuple[str | None, int | None]] = []
    for place in places:
        one = decider.resolver.query(query.reading, None, None, places=(place,))
        decision = decider.match(replace(one, role=query.role), context)
        if decision.status == "answered" and decision.facts:
            found.append(decision.facts[0])
        else:
            missing.append((place, None))
    if not found:
        return None
    return Decision(status="answered", facts=tuple(found), confidence=0.9, missing=tuple(missing))
