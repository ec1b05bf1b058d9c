"""The shape of the knowledge files: which keys exist, and checks of the lexicon and places.

A misspelt section or key is an error, never silently ignored: a curator who writes
`[role.maire]` or `parnet = "grand-est"` is told so by `qa build`.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "CHANNELS", "DOCUMENT_KEYS", "FACT_KEYS", "LEXICON_SECTIONS", "PLACE_KEYS", "check_lexicon", "check_places",
]

CHANNELS = ("email", "phone", "web", "address")
DOCUMENT_KEYS = frozenset({
    "id", "title", "title_given_by_us", "publisher", "date", "date_note", "origin", "topics", "seed_file", "draft",
})
FACT_KEYS = frozenset({
    "id", "kind", "document", "quote", "subject", "attribute", "value", "value_number", "unit", "metric", "place",
    "year", "role", "person", "list", "n", "noun", "subscribable", "channel", "topics", "answer", "keywords",
    "phrasings", "related", "draft",
})
LEXICON_SECTIONS = frozenset({
    "entities", "ambiguous_names", "metrics", "synonyms", "outside", "relative_time", "channels", "question_words",
    "roles", "head_words", "place_words", "shorthand", "stopwords", "smalltalk", "english",
})
PLACE_KEYS = frozenset({"label", "the", "kind", "parent", "aliases", "code", "ambiguous", "authority"})
_ENTITY_KEYS = frozenset({"kind", "name", "aliases", "place"})
_ROLE_KEYS = frozenset({"label", "feminine", "words", "head", "broader", "territorial"})
_METRIC_KEYS = frozenset({"label", "words"})
_WORD_LISTS = ("outside", "english", "head_words")  # sections holding one `words` list


def _keys(table: Any, allowed: frozenset[str], where: str, errors: list[str]) -> bool:
    if not isinstance(table, dict):
        errors.append(f"{where}: must be a table")
        return False
    unknown = sorted(set(table) - allowed)
    if unknown:
        errors.append(f"{where}: unknown key(s) {', '.join(unknown)} (allowed: {', '.join(sorted(allowed))})")
    return True


def check_lexicon(lexicon: dict[str, Any], places: dict[str, Any]) -> list[str]:
    """Every problem of a merged lexicon, as "lexicon.toml: [section.key]: problem" lines."""
    errors: list[str] = []
    for key, entity in lexicon.get("entities", {}).items():
        where = f"lexicon.toml: [entities.{key}]"
        if _keys(entity, _ENTITY_KEYS, where, errors):
            if not entity.get("name"):
                errors.append(f"{where}: missing name")
            if entity.get("place") and entity["place"] not in places:
                errors.append(f"{where}: place {entity['place']!r} is not a place of places.toml")
    roles = lexicon.get("roles", {})
    for key, role in roles.items():
        where = f"lexicon.toml: [roles.{key}]"
        if _keys(role, _ROLE_KEYS, where, errors):
            if not role.get("label") or not role.get("words"):
                errors.append(f"{where}: needs a label and words")
            if role.get("broader") and role["broader"] not in roles:
                errors.append(f"{where}: broader role {role['broader']!r} is not declared")
    for key, metric in lexicon.get("metrics", {}).items():
        where = f"lexicon.toml: [metrics.{key}]"
        if _keys(metric, _METRIC_KEYS, where, errors) and not metric.get("label"):
            errors.append(f"{where}: missing label")
    for section in _WORD_LISTS:
        if section in lexicon:
            _keys(lexicon[section], frozenset({"words"}), f"lexicon.toml: [{section}]", errors)
    if "relative_time" in lexicon:
        _keys(lexicon["relative_time"], frozenset({"now", "before", "after"}), "lexicon.toml: [relative_time]", errors)
    if "channels" in lexicon:
        _keys(lexicon["channels"], frozenset(CHANNELS), "lexicon.toml: [channels]", errors)
    for name, people in lexicon.get("ambiguous_names", {}).items():
        for person in people:
            if person not in lexicon.get("entities", {}):
                errors.append(f"lexicon.toml: [ambiguous_names] {name}: {person!r} is not an entity")
    return errors


def check_places(places: dict[str, Any], lexicon: dict[str, Any]) -> list[str]:
    """Every problem of the merged places: unknown keys, dangling parents, cycles."""
    errors: list[str] = []
    for key, place in places.items():
        where = f"places.toml: [places.{key}]"
        if not _keys(place, PLACE_KEYS, where, errors):
            continue
        for required in ("label", "the", "kind"):
            if not place.get(required):
                errors.append(f"{where}: missing {required}")
        parent = place.get("parent")
        if parent and parent not in places:
            errors.append(f"{where}: parent {parent!r} is not a place")
        if place.get("authority") and place["authority"] not in lexicon.get("entities", {}):
            errors.append(f"{where}: authority {place['authority']!r} is not an entity of the lexicon")
        seen = {key}
        while parent in places:  # a place may not be its own ancestor
            if parent in seen:
                errors.append(f"{where}: its parents form a cycle")
                break
            seen.add(parent)
            parent = places[parent].get("parent")
    return errors
