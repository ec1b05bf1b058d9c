"""The symbols a text is read into, and the typed helpers that make and take them apart.

A question and a curated text are both turned into symbols (see `qa.lexicon`): plain
concepts ("logement"), and prefixed ones that carry a slot. The prefixes live here only.
"""

from __future__ import annotations

__all__ = [
    "CHANNEL", "ENTITY", "KIND", "PLACE", "PLACE_KIND", "ROLE", "TIME",
    "entity", "entity_key", "is_entity", "is_role", "is_slot", "role", "role_key",
]

ENTITY = "@"  # "@habitat-sud": an entity of the lexicon
PLACE = "geo:"  # "geo:cher": a place of places.toml
PLACE_KIND = "placekind:"  # "placekind:région": "la région", resolved by the engine
ROLE = "role:"  # "role:president", "role:head"
KIND = "kind:"  # "kind:count": what kind of answer is asked
CHANNEL = "channel:"  # "channel:phone": a contact channel
TIME = "time:"  # "time:now", "time:before", "time:after": relative dates


def entity(key: str) -> str:
    return f"{ENTITY}{key}"


def is_entity(symbol: str) -> bool:
    return symbol.startswith(ENTITY)


def entity_key(symbol: str) -> str:
    """"@habitat-sud" -> "habitat-sud" (a symbol without the prefix is returned as is)."""
    return symbol[len(ENTITY):] if is_entity(symbol) else symbol


def role(key: str) -> str:
    return f"{ROLE}{key}"


def is_role(symbol: str) -> bool:
    return symbol.startswith(ROLE)


def role_key(symbol: str) -> str:
    return symbol[len(ROLE):] if is_role(symbol) else symbol


def is_slot(symbol: str) -> bool:
    """A symbol that fills a slot (place, role, kind...), not a concept to match."""
    return ":" in symbol
