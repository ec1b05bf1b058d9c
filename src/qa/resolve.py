"""From a reading to a query: follow-ups, pronouns, "la région", venues and list items.

The conversation's context fills what the new question leaves out ("et dans le Cher ?"
keeps the subject, "son e-mail ?" keeps the person); what the new question sets wins.
Nothing here knows a document: places come from the hierarchy, lists from the base.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from . import symbols as sym
from .lexicon import Lexicon
from .query import Query
from .reading import Reading
from .records import Context, Fact

__all__ = ["Resolver", "Shared"]

FOLLOWUP_WEIGHT = 0.5  # weight of the previous question's concepts in a follow-up


@dataclass(frozen=True)
class Shared:
    """Slots that one question of a message lends to its siblings ("neufs et réhabilités en 2020")."""

    years: tuple[int, ...] = ()
    places: tuple[str, ...] = ()


class Resolver:
    def __init__(self, lexicon: Lexicon, facts: Mapping[str, Fact], is_person: frozenset[str]) -> None:
        self.lexicon = lexicon
        self.places = lexicon.places
        self._facts = facts
        self._persons = is_person
        self.lists = {f.id: f for f in facts.values() if f.kind == "list"}
        self.items: dict[tuple[str, int], Fact] = {
            (f.list_id, f.n): f for f in facts.values() if f.kind == "item" and f.list_id and f.n
        }
        self.list_size = {lid: sum(1 for (k, _) in self.items if k == lid) for lid in self.lists}
        self.nouns: dict[str, list[str]] = {}  # noun symbol -> its lists
        for fact in self.lists.values():
            for symbol in lexicon.symbols(fact.noun or ""):
                self.nouns.setdefault(symbol, []).append(fact.id)

    # ------------------------------------------------------------------ places
    def region_words(self, reading: Reading, context: Context | None) -> tuple[str, ...]:
        """"la région", "le département": the conversation's place of that kind, else the only one."""
        kind = reading.place_kind
        if kind is None:
            return reading.places
        if reading.places:  # "dans le Cher et dans toute la région": the Cher's region too
            regions = [self.places.of_kind(p, kind) for p in reading.places]
            return tuple(dict.fromkeys([*reading.places, *(r for r in regions if r)]))
        if context:
            for place in context.places:
                found = self.places.of_kind(place, kind)
                if found:
                    return (found,)
        # The only one the base has facts for; with several, any of them (each answers for itself).
        return tuple(sorted({p for p in self.places.with_facts if self.places.kind(p) == kind}))

    def _venues(self, places: tuple[str, ...], entities: tuple[str, ...]) -> tuple[str, ...]:
        """Drop the places that are only the venue of an event named ("la convention de Vierzon")."""
        venues = {self.lexicon.entity_places.get(sym.entity_key(e)) for e in entities}
        return tuple(p for p in places if p not in venues or p in self.places.with_facts)

    def _local(self, entities: tuple[str, ...], concepts: dict[str, float], places: tuple[str, ...],
               ) -> tuple[tuple[str, ...], dict[str, float]]:
        """"le comité régional en Grand Est": a body tied to another place stands for its namesake here."""
        out = tuple(self.lexicon.localize(e, places) for e in entities)
        moved = {a: b for a, b in zip(entities, out, strict=True) if a != b}
        return out, {moved.get(c, c): w for c, w in concepts.items()}

    # ------------------------------------------------------------------- lists
    def list_of(self, reading: Reading, entities: tuple[str, ...], context: Context | None) -> str | None:
        """Which list an item reference points into: by its noun, its subject, the conversation."""
        candidates = self.nouns.get(reading.list_noun or "", [])
        if len(candidates) > 1 and entities:
            candidates = [c for c in candidates if sym.entity(self.lists[c].subject) in entities] or candidates
        if len(candidates) > 1 and context and context.list_id in candidates:
            candidates = [context.list_id or ""]
        if candidates:
            return candidates[0] if len(candidates) == 1 else None
        if reading.list_noun is None and context and context.list_id:
            return context.list_id
        return None

    def _item(self, reading: Reading, entities: tuple[str, ...], context: Context | None,
              ) -> tuple[str | None, int | None]:
        follows = context is not None and context.list_id is not None and reading.list_noun is None
        if reading.list_noun is None and not follows:
            return None, None
        list_id = self.list_of(reading, entities, context)
        if list_id is None:
            return None, None
        same = context is not None and context.list_id == list_id
        if reading.item is not None:
            return list_id, reading.item
        if reading.ordinal is not None and (reading.list_noun or follows):
            return list_id, reading.ordinal
        if reading.last and (reading.list_noun or follows):
            return list_id, self.list_size.get(list_id, 0)
        if reading.step and same and context is not None:
            return list_id, (context.item or 0) + reading.step
        bare = [c for c in reading.concepts if c.isdigit()]
        if follows and len(reading.concepts) == 1 and bare:
            return list_id, int(bare[0])  # "et le 4 ?"
        return (list_id, None) if reading.list_noun else (None, None)

    # ------------------------------------------------------------------ query
    def query(self, reading: Reading, context: Context | None = None, shared: Shared | None = None, *,
              places: tuple[str, ...] | None = None) -> Query:
        """The question with its slots resolved; with a context, a follow-up of it."""
        # A check's numbers are what it proposes, not what it is about: "612 c'est la région ?"
        concepts = {c: 1.0 for c in reading.concepts if not (reading.check and c[0].isdigit())}
        entities = reading.entities
        if reading.check and len(entities) > 1:
            # "le contact de X, c'est bien Y ?": Y is what is checked, X what is asked about.
            asked = tuple(e for e in entities if e not in self._persons)
            if asked:
                concepts = {c: w for c, w in concepts.items() if c in asked or not sym.is_entity(c)}
                entities = asked
        if places is None:
            places = self.region_words(reading, context)
        # "la région" with several regions in the base and none in the conversation: any of them,
        # so no filter; but "le président de la région" is still a president of a Région.
        regions = places if reading.place_kind and not reading.places and len(places) > 1 else ()
        if regions:
            places = ()
        role = reading.role
        years = reading.years
        years_carried = places_carried = False
        pronoun_entity = None
        if shared is not None and not years and shared.years:
            years, years_carried = shared.years, True
        if shared is not None and not places and shared.places:
            places, places_carried = shared.places, True
        if context is not None:
            merged = self._follow(reading, context, concepts, entities, role)
            concepts, entities, role = merged
            pronoun_entity = context.entity if reading.pronoun and context.entity in entities else None
            if not years and reading.year_shift and context.year:
                years = (context.year + reading.year_shift,)
            elif not years and context.year is not None:
                years, years_carried = (context.year,), True
            if not places and context.places:
                places, places_carried = context.places, True
        authorities = tuple(sym.entity(a) for a in (self.places.authority.get(p) for p in places or regions) if a)
        if authorities and role and not entities and (reading.places or reading.place_kind):
            entities = authorities  # "le président de la région" is the president of the Région
            concepts.update({a: 1.0 for a in authorities})
        elif authorities and reading.place_kind and "who" in reading.kinds:
            for authority in authorities:  # "qui représentait la Région à l'ouverture ?"
                concepts.setdefault(authority, 1.0)
        entities, concepts = self._local(entities, concepts, places)
        places = self._venues(places, entities)
        list_id, item = self._item(reading, entities, context)
        if item is not None:
            concepts = {c: w for c, w in concepts.items() if c != str(item)}
        return Query(
            reading=reading,
            concepts=concepts,
            years=years,
            years_carried=years_carried,
            places=places,
            places_carried=places_carried,
            any_places=regions,
            role=role,
            entities=entities,
            pronoun_entity=pronoun_entity,
            new_concepts=frozenset(reading.concepts),
            kind=context.kind if context else None,
            list_id=list_id,
            item=item,
            channels=reading.channels,
            check=reading.check,
        )

    def _follow(self, reading: Reading, context: Context, concepts: dict[str, float],
                entities: tuple[str, ...], role: str | None) -> tuple[dict[str, float], tuple[str, ...], str | None]:
        """Carry the conversation's subject into a follow-up."""
        # With nothing new named ("et dans le Cher ?") the previous subject is the question;
        # otherwise it only helps ("et réhabilités ?" after "logements produits").
        carried = FOLLOWUP_WEIGHT if reading.concepts else 1.0
        for c in context.concepts:
            concepts.setdefault(c, carried)
        # "et celui de Habitat Sud ?" keeps the role asked before; "et réhabilités ?" does not.
        # Only organisations take the role over: "et Jeanne Dupont ?" asks who he is.
        named_only = all(sym.is_entity(c) and c not in self._persons for c in reading.concepts)
        role = role or (context.role if named_only else None)
        if reading.role and not entities and not reading.places and context.subject:
            entities = (context.subject,)  # "et le DG ?" after Habitat Sud's présidente: Habitat Sud's DG
        if reading.pronoun and context.entity in self._persons and not any(e in self._persons for e in entities):
            # "elle a présenté quoi à la convention ?": she, at the convention
            entities = (*entities, context.entity)
            concepts[context.entity] = 1.0
        leans = reading.followup or reading.pronoun or not reading.concepts or bool(reading.channels)
        if leans and not entities and not reading.places and context.entity:
            # "et son mail ?", "et le DG ?": of the person or organisation just talked about;
            # "elle a présenté quoi ?" names her as surely as her name would.
            entities = (context.entity,)
            concepts[context.entity] = 1.0 if reading.pronoun else max(concepts.get(context.entity, 0.0), carried)
        return concepts, entities, role
