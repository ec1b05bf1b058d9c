"""Explaining an unknown: one true sentence per reason, and what the base has instead.

Each branch only states what it checked: "je n'ai pas de chiffres pour la Bretagne" is
said when no fact of the base is about the Bretagne, "je ne trouve pas de maire pour
Laon" when no person fact holds that role there, and so on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import symbols as sym
from . import texts
from .query import Decision, Query
from .records import Fact, Suggestion

if TYPE_CHECKING:
    from .replies import Replies

__all__ = ["explain"]


def _join(items: list[str]) -> str:
    items = list(dict.fromkeys(items))
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} et {items[-1]}"


def explain(r: Replies, query: Query, decision: Decision) -> tuple[list[str], list[Fact], list[Suggestion]]:
    reading = query.reading
    reason = decision.reason
    near = list(decision.near)
    suggestions = [r.suggest(f) for f in near]
    if reason == "unsettled":
        return [texts.UNKNOWN_UNSETTLED], near[:1], suggestions
    if reason == "item" and near:
        head = near[0]
        count = len(r.items.get(head.id, []))
        noun = head.noun or ""
        line = texts.UNKNOWN_ITEM.format(title=head.attribute[:1].upper() + head.attribute[1:], count=count,
                                         noun=noun + ("s" if count > 1 and not noun.endswith("s") else ""),
                                         n=query.item)
        return [line], [], [r.suggest(head)]
    if reason == "target" and near:
        return [texts.UNKNOWN_TARGET], near[:1], suggestions
    if reason == "year":
        return _year(r, query, near), [], suggestions
    if reason == "place" and query.places and query.role:
        return _role(r, query), [], suggestions  # "qui est le préfet du Cher ?": a role, not a figure
    if reason == "place" and query.places:
        return _place(r, query, near), [], suggestions
    if reason == "channel" and near:
        channel = texts.CHANNEL_NAMES.get(next(iter(sorted(query.channels)), ""), "ce moyen de contact")
        return [texts.UNKNOWN_CHANNEL.format(channel=channel)], near[:2], suggestions
    if reason == "subject" and near:
        return _subject(r, query, near), [], suggestions
    if reason in ("role", "entity") or (query.role and not near):
        people = [f for f in r.people if (
            any(sym.entity(f.subject) == e for e in query.entities) or (query.places and f.place in query.places))]
        return _role(r, query), [], [r.suggest(f) for f in people[:3]] or suggestions
    if reading.unknown:
        return [texts.UNKNOWN_WORDS.format(words=r.lexicon.surface(reading.original, reading.unknown[:3]))], [], []
    if reason == "counted" and reading.counted and not r.index.counts_anything(reading.counted):
        what = r.lexicon.surface(reading.original, [r.index.counted(reading.counted)])
        return [texts.UNKNOWN_COUNTED.format(what=what)], [], suggestions
    return [texts.UNKNOWN], [], suggestions


def _year(r: Replies, query: Query, near: list[Fact]) -> list[str]:
    years = [str(y) for y in query.years if y]
    if query.reading.year_shift and not years:
        years = [str(y) for y in query.years]
    if not years:  # "l'an dernier": relative to a date the documents do not give
        return [texts.UNKNOWN_RELATIVE.format(known=r.known_years or "aucune année précise")]
    dated = sorted({str(f.year) for f in near if f.year})
    if set(years) & set(dated):  # the year was not what was missing: say no more than that
        return [texts.UNKNOWN]
    if dated:
        return [texts.UNKNOWN_YEAR.format(years=_join(years), known=_join(dated))]
    if any(y in r.known_years_list for y in years):  # the base has that year, not this figure for it
        return [texts.UNKNOWN_YEAR_THIS.format(years=_join(years))]
    return [texts.UNKNOWN_YEAR_NONE.format(years=_join(years), known=r.known_years or "aucune année précise")]


def _place(r: Replies, query: Query, near: list[Fact]) -> list[str]:
    places = r.places
    asked = query.places[0]
    the = places.the(asked)
    others = [f.place for f in near if f.place and f.place != asked]
    if others:
        return [texts.UNKNOWN_PLACE_ONLY.format(place=the, other=_join([places.the(p) for p in others]))]
    if asked in r.figure_places:  # the place has figures, not this one
        return [texts.UNKNOWN_PLACE_TOPIC.format(place=the)]
    return [texts.UNKNOWN_PLACE_NONE.format(place=the)]


def _subject(r: Replies, query: Query, near: list[Fact]) -> list[str]:
    fact = near[0]
    vocab = r.index.entries[fact.id].vocab
    foreign = [e for e in query.entities if e not in vocab] or list(query.entities)
    name = r.lexicon.entity_names.get(foreign[0][1:], foreign[0][1:]) if foreign else ""
    if fact.kind == "contact":  # the contacts the base has are offered as buttons, not given as X's
        return [texts.UNKNOWN_CONTACT.format(subject=name)]
    if fact.kind != "figure":
        return [texts.UNKNOWN_ABOUT.format(subject=name)]
    other = r.lexicon.entity_names.get(fact.subject, fact.subject)
    return [texts.UNKNOWN_SUBJECT.format(subject=name, other=other)]


def _role(r: Replies, query: Query) -> list[str]:
    """"qui est le DG de Habitat Sud ?": no such role there; say what the base has for it."""
    role_word = query.reading.role_word or "cette fonction"
    bodies = [e for e in query.entities if not r.index.is_person(e)]
    names = [r.lexicon.entity_names.get(e[1:], e[1:]) for e in bodies]
    of = f" pour {names[0]}" if names else f" pour {r.places.the(query.places[0])}" if query.places else ""
    # Only what was checked: the people the base has for that body or place are offered as
    # buttons (suggestions), not named in the refusal.
    return [texts.UNKNOWN_ROLE.format(role=role_word, of=of)]
