"""Slot agreement: a slot the question sets and a fact contradicts rules the fact out.

`excluded(fact, query)` returns why a fact cannot answer (a `Reason`), or None. These
checks come before any score: a figure of another year, place or body is never "close
enough" to be answered.
"""

from __future__ import annotations

from . import symbols as sym
from .lexicon import Lexicon
from .matcher import KIND_ATTRIBUTES, FactIndex
from .query import Query, Reason
from .reading import AIMS
from .records import Fact

__all__ = ["Slots"]


class Slots:
    def __init__(self, index: FactIndex, lexicon: Lexicon) -> None:
        self.index = index
        self.lexicon = lexicon
        self.places = lexicon.places
        # Places the base says something about, and the places that contain them: a question
        # about such a place may still be answered by a fact that names no place.
        known = set(self.places.with_facts)
        for place in list(known):
            known.update(self.places.ancestors(place))
        self._known = frozenset(known)
        # Figures that are targets, not results: "s'est fixé un objectif de", "d'ici 2030".
        self._targets = frozenset(
            e.fact.id for e in index.entries.values() if e.fact.kind == "figure"
            and AIMS.search(lexicon.normalize(f"{e.fact.attribute} {e.fact.quote}"))
        )
        # The words that name what figures measure, whatever the document ("réhabilités", "neufs").
        # (labels only: the `words` users say hold verbs in every form, "gère", "gèrent").
        self._metric_words = frozenset(s for m in lexicon.metrics.values() for s in lexicon.symbols(m.get("label", "")))

    def excluded(self, fact: Fact, query: Query) -> Reason | None:
        entry = self.index.entries[fact.id]
        reading = query.reading
        years = query.years if not query.years_carried or fact.kind == "figure" else ()
        if years and not self._year_fits(fact, years):
            return "year"
        if reading.kinds and self._wrong_kind(fact, query):
            return "kind"
        if query.any_places and fact.kind == "figure" and fact.place and fact.place not in query.any_places:
            return "place"  # "dans la région", several regions known: a région's figure, not a département's
        scoped = query.places and (not query.places_carried or fact.kind == "figure" or fact.place is not None
                                   or not any(p in self._known for p in query.places))
        if scoped and not self._place_fits(fact, query.places, carried=query.places_carried):
            return "place"
        wants_contact = bool(query.channels) or query.concepts.get("contact", 0.0) >= 1.0
        if wants_contact and fact.kind != "contact":
            # "adresse postale de l'Union X" is not what the Union X is; "email de X" is not X's role
            return "channel" if query.channels and fact.kind == "person" else "kind"
        if query.channels and fact.kind == "contact" and fact.channel not in query.channels:
            return "channel"
        if query.check and reading.numbers and fact.kind not in ("membership", "list") and not self._has_number(fact):
            return "kind"  # "19,8 millions, je confirme ?" is checked against a figure
        if "count" in reading.kinds and fact.kind in ("membership", "list") and not reading.counted:
            return "counted"  # "combien la banque a mis ?" is not a count of partners
        numbered = fact.kind in ("figure", "membership", "list") or self._has_number(fact)
        if "count" in reading.kinds and not numbered:
            return "kind"  # "combien coûte l'inscription ?" is not answered by where to register
        if fact.kind == "figure" and fact.id in self._targets and not reading.aims and fact.year not in reading.years:
            return "target"  # "combien de logements rénovés ?" is not answered by how many are to be
        if fact.kind == "figure" and self._other_measure(entry.vocab | entry.symbols.quoted, query):
            return "metric"  # "objectif de places rénovées" is not the target of new dwellings
        counts = entry.symbols.counts
        if reading.counted and self.index.counted(reading.counted) not in counts:
            # "combien de salariés" is not answered by a number of aids, nor "combien de
            # logements a Bailleur X" by its description
            return "counted"
        money = query.concepts.get("euro", 0.0) >= 1.0
        if money and "euro" not in counts and (counts or "what" not in reading.kinds):
            return "counted"  # "montant de la garantie Loca-Pass", "budget de la plateforme": an amount is asked
        if reading.kinds == {"what"} and fact.kind == "membership" and query.entities and not any(
                e in key for key in entry.symbols.keys + entry.symbols.phrasing_keys for e in query.entities):
            return "kind"  # "que veut dire URX ?": being listed as a partner is no definition
        return self._who(fact, query)

    def _who(self, fact: Fact, query: Query) -> Reason | None:
        """Role and entities: the person asked, the body a figure or contact is of."""
        entry = self.index.entries[fact.id]
        role, entities = query.role, query.entities
        if role is not None and fact.kind not in ("person", "contact"):
            return "role"  # "qui est le président de Habitat Sud" is not answered by a list of subsidiaries
        if fact.kind != "contact" and any(e not in entry.vocab for e in entities):
            # "réhabilités par Habitat Sud": the region's figure is not Habitat Sud's; "où ont eu lieu
            # les rencontres X ?" is not answered by where another event took place
            return "subject"
        if fact.kind == "contact" and any(e not in entry.symbols.entities and e not in entry.vocab for e in entities):
            return "subject"  # an article's contact is not the contact of a body it does not name
        if role is not None:
            if not self.lexicon.role_matches(role, fact.role):
                return "role"
            bodies = [e for e in entities if not self.index.is_person(e)]
            if bodies and sym.entity(fact.subject) not in bodies:
                return "entity"
            if not bodies and not self._holds_there(fact, query):
                return "place"
        return None

    def _other_measure(self, vocab: frozenset[str], query: Query) -> bool:
        """The question names what a figure measures with a word this figure's measure lacks."""
        return any(w >= 1.0 and c in self._metric_words and c not in vocab for c, w in query.concepts.items())

    def _holds_there(self, fact: Fact, query: Query) -> bool:
        """"le président de la région X" is its Région's; "le préfet de la région X" the State's there.

        A role asked "of" a région or a département with no body named is held in that place's
        own body (its `authority`, or a body named after it, "Région X", "Département X") unless
        the role is `territorial`.
        """
        places = [p for p in query.places if self.places.kind(p) in ("région", "département")]
        if not places or not fact.role or self.lexicon.roles.get(fact.role, {}).get("territorial"):
            return True
        for place in places:
            kind = self.lexicon.normalize(self.places.kind(place) or "")
            name = self.lexicon.normalize(self.lexicon.entity_names.get(fact.subject, ""))
            if fact.subject == self.places.authority.get(place) or fact.subject == place or name.split()[:1] == [kind]:
                return True
        return False

    def _has_number(self, fact: Fact) -> bool:
        return fact.value_number is not None or any(w[0].isdigit() for w in self.lexicon.normalize(fact.value).split())

    @staticmethod
    def _year_fits(fact: Fact, years: tuple[int, ...]) -> bool:
        """One year asked, and the fact is of that year (or its quote names it: "d'ici 2030")."""
        if len(set(years)) > 1 or 0 in years:
            return False  # several years are compared one scope at a time; 0 is "l'an dernier"
        if fact.year is not None:
            return fact.year in years
        return str(years[0]) in fact.quote  # "engagé depuis 2019", "d'ici 2030"

    def _place_fits(self, fact: Fact, places: tuple[str, ...], *, carried: bool) -> bool:
        entry = self.index.entries[fact.id]
        if fact.kind == "figure" and fact.place is not None:
            return fact.place in places  # its quote may name other places: its scope is its place
        if any(p == fact.place or p in entry.symbols.places or p == fact.subject for p in places):
            return True
        if fact.kind == "person":
            return False  # "la présidente de la Région Bretagne" is nobody of another place or of none
        if fact.kind == "figure" or fact.place is not None or carried:
            return False  # the figure of another place, or of no place at all
        # A fact with no place (a definition, a person): ruled out only by a place the base
        # knows nothing about ("c'est quoi Bailleur X en Bretagne ?").
        return any(p in self._known for p in places)

    @staticmethod
    def _wrong_kind(fact: Fact, query: Query) -> bool:
        """"où" answered by a date, "quand" by a place, "c'est quoi X" by a figure of X."""
        kinds = query.reading.kinds
        first = fact.attribute.split()[0].lower() if fact.attribute else ""
        if kinds == {"where"} and first in KIND_ATTRIBUTES["when"]:
            return True
        if kinds == {"when"} and first in KIND_ATTRIBUTES["where"]:
            return True
        reverse = any(c[0].isdigit() for c in query.reading.concepts)
        # "c'est quoi <a name> ?" asks what it is, not one of its figures; "c'est quoi l'objectif de
        # places créées ?" asks for a figure.
        names_only = all(sym.is_entity(c) for c in query.reading.concepts)
        return kinds == {"what"} and fact.kind == "figure" and names_only and not reverse and query.check is None
