"""Score facts against a reading of a question.

Each fact has two sets of symbols, computed once by `qa build`:

- `keys`: sets of concepts that point at it (its keywords, each word of its metric, its
  numbers, a person's name, a phrasing's concepts); a question that names one points at it;
- `vocab`: every symbol of its phrasings, keywords, metric, attribute, value and subject.

A question's score for a fact combines how much of the fact's best key the question names
(`key_cover`), how much of the question the fact's vocabulary explains (`question_cover`,
so "loyer moyen" does not reach a fact about housing), rapidfuzz similarity with the
closest phrasing, and agreement on the kind of question. Slots that the question sets and
the fact contradicts rule the fact out before any score: see `qa.slots`.

An inverted index from symbol to facts keeps the candidates few on large bases.
"""

from __future__ import annotations

import heapq
import itertools
import json
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from rapidfuzz import fuzz

from . import symbols as sym
from .lexicon import Lexicon
from .reading import Reading
from .records import Fact

__all__ = ["FactIndex", "FactSymbols", "Scored", "fact_vocabulary"]

# Which kinds of facts answer which kinds of questions.
KIND_FITS: dict[str, frozenset[str]] = {
    "count": frozenset({"figure", "list", "membership"}),
    "who": frozenset({"person", "contact", "membership", "organisation", "definition", "event", "quotation"}),
    "where": frozenset({"event", "definition", "organisation"}),
    "when": frozenset({"event"}),
    "what": frozenset({"definition", "organisation", "membership", "list", "item", "event", "quotation"}),
    "which": frozenset({"membership", "list", "organisation", "definition", "person", "event"}),  # "quels sont les X ?"
}
KIND_ATTRIBUTES = {"where": ("lieu",), "when": ("date", "dates")}
_PHRASING_KEY = 0.8  # naming all the concepts of a phrasing points at a fact, a little less than its keywords
_MAX_CANDIDATES = 400  # facts scored in full; the rest are cut by the index's cheap pass
_FUZZY_TOP = 6  # facts compared with rapidfuzz, after the cheap pass


@dataclass(frozen=True)
class Scored:
    fact: Fact
    score: float
    key_cover: float
    question_cover: float
    similarity: float


@dataclass(frozen=True)
class FactSymbols:
    """What the matcher needs of a fact; `qa build` computes it once and stores it as JSON."""

    keys: tuple[frozenset[str], ...]  # alternative sets of concepts that point at the fact
    vocab: frozenset[str]  # every symbol its phrasings, keywords, attribute and subject use
    places: frozenset[str]  # places it names or is about (its place, its quote's, its subject's venue)
    phrasings: tuple[str, ...]  # normalised phrasings, words sorted (for rapidfuzz)
    counts: frozenset[str] = frozenset()  # what a figure counts: its unit and key concepts
    phrasing_keys: tuple[frozenset[str], ...] = ()  # each phrasing's concepts: a weaker key
    entities: frozenset[str] = frozenset()  # every entity its document names (for contacts)
    quoted: frozenset[str] = frozenset()  # the concepts of its quote: what else the sentence says

    def to_json(self) -> str:
        return json.dumps({
            "keys": [sorted(k) for k in self.keys], "vocab": sorted(self.vocab),
            "places": sorted(self.places), "phrasings": list(self.phrasings), "counts": sorted(self.counts),
            "phrasing_keys": [sorted(k) for k in self.phrasing_keys], "entities": sorted(self.entities),
            "quoted": sorted(self.quoted),
        }, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> FactSymbols:
        data = json.loads(text)
        return cls(tuple(frozenset(k) for k in data["keys"]), frozenset(data["vocab"]),
                   frozenset(data["places"]), tuple(data["phrasings"]), frozenset(data["counts"]),
                   tuple(frozenset(k) for k in data["phrasing_keys"]), frozenset(data["entities"]),
                   frozenset(data["quoted"]))

    @classmethod
    def of(cls, fact: Fact, lexicon: Lexicon, *, document_text: str = "", document_title: str = "") -> FactSymbols:
        key = frozenset(s for k in fact.keywords for s in lexicon.symbols(k))
        metric = lexicon.metrics.get(fact.metric or "", {})
        metric_keys = [frozenset(lexicon.symbols(w)) for w in metric.get("words", [])]
        keys = [k for k in (key, *metric_keys) if k]
        numbers = frozenset(s for s in lexicon.symbols(fact.value) if s[0].isdigit())
        if numbers and fact.kind != "item":
            keys.append(numbers)  # "à quoi correspond 3 616 ?" points at its figure
        vocab = set(key) | {sym.entity(fact.subject)} | set(lexicon.symbols(fact.value))
        here = (fact.place,) if fact.place else ()
        metric_texts = (metric.get("label", ""), *metric.get("words", []))
        for text in (*fact.phrasings, *fact.keywords, fact.attribute, *metric_texts):
            vocab.update(lexicon.symbols(text))
        if fact.person:
            vocab.add(sym.entity(fact.person))
        if fact.kind in ("person", "contact") and fact.person:
            # A person is named, or described by role and organisation.
            name = frozenset({sym.entity(fact.person)})
            keys.append(name)
            if fact.role:
                keys.append(frozenset({sym.entity(fact.subject), sym.role(fact.role)}))
                vocab.add(sym.role(fact.role))
                broader = lexicon.roles.get(fact.role, {}).get("broader")
                if broader:
                    vocab.add(sym.role(broader))
                if lexicon.roles.get(fact.role, {}).get("head"):
                    vocab.add("role:head")
        quote = lexicon.symbols(fact.quote, slots=True)
        vocab.update(s for s in quote if sym.is_entity(s))
        # "le Comité régional" of a Normandie figure is the Normandie committee, not another region's.
        vocab = {lexicon.localize(s, here) if sym.is_entity(s) else s for s in vocab}
        # A fact is about what its document is about: "elle a présenté quoi à la convention ?"
        vocab.update(s for s in lexicon.symbols(document_title) if sym.is_entity(s))
        if fact.kind == "contact":
            vocab.update(s for s in lexicon.symbols(document_text) if sym.is_entity(s))  # whose article it is
        if fact.kind == "quotation":
            said = frozenset(s for s in quote if ":" not in s and not s[0].isdigit())
            vocab.update(said)  # "qui a dit que la rénovation est notre premier chantier ?"
            keys.append(said)
        places = {s[4:] for s in quote if s.startswith(sym.PLACE)}
        places.update(p for t in fact.phrasings for p in lexicon.places_in(t))
        for owner in (fact.subject, fact.person or ""):
            if owner in lexicon.entity_places:
                places.add(lexicon.entity_places[owner])
        if fact.place:
            places.add(fact.place)
        phrasings = [*fact.phrasings, fact.quote] if fact.kind == "quotation" else list(fact.phrasings)
        return cls(
            keys=tuple(keys),
            vocab=frozenset(vocab),
            places=frozenset(places),
            phrasings=tuple(" ".join(sorted(lexicon.normalize(p).split())) for p in phrasings),
            # What "combien de X" may count: its keywords, and the one-word names of its metric.
            counts=_counts(fact, key | frozenset().union(*(k for k in metric_keys if len(k) == 1)), lexicon),
            # A phrasing reduced to one common word ("a insisté") points at nothing in particular.
            phrasing_keys=tuple(
                k for k in (frozenset(lexicon.symbols(p)) for p in fact.phrasings)
                if len(k) >= 2 or any(sym.is_entity(s) for s in k)
            ),
            entities=frozenset(s for s in lexicon.symbols(document_text) if sym.is_entity(s))
            if fact.kind == "contact" else frozenset(),
            quoted=frozenset(s for s in quote if ":" not in s),
        )


def fact_vocabulary(facts: Iterable[Fact], lexicon: Lexicon) -> list[str]:
    """The words of the facts that typo correction may aim at."""
    texts = (t for f in facts for t in (*f.phrasings, *f.keywords, f.attribute, f.value))
    metric_words = (w for m in lexicon.metrics.values() for w in (m.get("label", ""), *m.get("words", [])))
    return sorted(lexicon.vocabulary_of(itertools.chain(texts, metric_words)))


def _counts(fact: Fact, key: frozenset[str], lexicon: Lexicon) -> frozenset[str]:
    """What "combien de X" may ask of a figure: its unit, or its key ("réhabilitations").

    An amount of money counts money only: "combien de salariés" is not 26,4 millions d'euros.
    """
    if fact.kind in ("membership", "list"):
        return key | frozenset(lexicon.symbols(fact.noun or ""))  # "combien de filiales", "combien d'axes"
    if fact.kind != "figure" and fact.value_number is None:
        return frozenset()  # "combien de ..." is only a question for what has a number
    unit = frozenset(lexicon.symbols(fact.unit or ""))
    return unit if "euro" in unit else unit | key


@dataclass(frozen=True)
class _Entry:
    fact: Fact
    symbols: FactSymbols
    keys: tuple[tuple[frozenset[str], float, float], ...]  # (key, its weight, its factor)

    @property
    def vocab(self) -> frozenset[str]:
        return self.symbols.vocab


class FactIndex:
    def __init__(self, facts: Iterable[Fact], lexicon: Lexicon,
                 symbols: Mapping[str, FactSymbols] | None = None) -> None:
        """Index `facts`; `symbols` are their precomputed FactSymbols (computed here if absent)."""
        self.lexicon = lexicon
        self.entries: dict[str, _Entry] = {}
        # Postings hold small integers, not ids: set operations on them are fast, and their
        # order does not depend on string hashing, so results are the same from run to run.
        self._ids: list[str] = []
        postings: dict[str, list[int]] = defaultdict(list)
        by_year: dict[int | None, list[int]] = defaultdict(list)
        by_place: dict[str | None, list[int]] = defaultdict(list)
        for n, fact in enumerate(facts):
            known = symbols.get(fact.id) if symbols else None
            entry = _Entry(fact, known or FactSymbols.of(fact, lexicon), ())
            self.entries[fact.id] = entry
            self._ids.append(fact.id)
            for symbol in entry.vocab:
                postings[symbol].append(n)
            by_year[fact.year].append(n)
            by_place[fact.place].append(n)
        self.postings = {s: frozenset(ids) for s, ids in postings.items()}
        self._by_year = {y: frozenset(ids) for y, ids in by_year.items()}
        self._by_place = {g: frozenset(ids) for g, ids in by_place.items()}
        self.persons = frozenset(sym.entity(e.fact.person) for e in self.entries.values() if e.fact.person)
        self.countables = frozenset().union(*(e.symbols.counts for e in self.entries.values()))
        n = max(len(self.entries), 1)
        self._idf = {s: math.log(1 + n / len(ids)) for s, ids in self.postings.items()}
        self._unknown_weight = math.log(1 + n)
        for fid, entry in self.entries.items():
            keys = [(k, 1.0) for k in entry.symbols.keys] + [(k, _PHRASING_KEY) for k in entry.symbols.phrasing_keys]
            weighted = tuple((k, sum(self.weight(s) for s in k) or 1.0, f) for k, f in keys)
            self.entries[fid] = replace(entry, keys=weighted)

    def weight(self, symbol: str) -> float:
        """IDF of a symbol; a symbol no fact has weighs most, a bare number half of that."""
        idf = self._idf.get(symbol)
        if idf is not None:
            return idf
        if symbol[0].isdigit():
            return self._unknown_weight * 0.5
        return self._unknown_weight

    def candidates(self, concepts: Mapping[str, float], *, years: tuple[int, ...] = (),
                   places: tuple[str, ...] = ()) -> tuple[list[str], list[str]]:
        """Facts sharing a symbol with the question: (those the slots allow, a sample of the rest).

        On a large base the pool is narrowed with set operations before any Python loop: by
        the slots first (a fact of another year cannot answer), then by the rarest symbol.
        The second list keeps a few facts the slots ruled out, to explain an "unknown".
        """
        present = sorted((s for s in concepts if s in self.postings), key=lambda s: len(self.postings[s]))
        if not present:
            return [], []
        if sum(len(self.postings[s]) for s in present) <= _MAX_CANDIDATES:
            pool = sorted(frozenset().union(*(self.postings[s] for s in present)))
            return [self._ids[i] for i in pool], []
        rarest = self.postings[present[0]]
        narrowed = rarest
        if years:  # each intersection walks the smaller set only
            narrowed = frozenset().union(*(narrowed & self._by_year.get(y, frozenset()) for y in years))
        if places:
            allowed = frozenset().union(*(self._by_place.get(p, frozenset()) for p in places))
            narrowed = (narrowed & allowed) | (narrowed & self._by_place.get(None, frozenset()))
        for symbol in present[1:]:
            if len(narrowed) <= _MAX_CANDIDATES:
                break
            narrowed = narrowed & self.postings[symbol] or narrowed
        chosen = sorted(narrowed) if len(narrowed) <= _MAX_CANDIDATES else heapq.nsmallest(_MAX_CANDIDATES, narrowed)
        # A few facts of the rarest symbol that the slots ruled out: enough to explain an "unknown".
        rest = sorted(itertools.islice(rarest - narrowed, _MAX_CANDIDATES // 8)) if narrowed is not rarest else []
        return [self._ids[i] for i in chosen], [self._ids[i] for i in rest]

    def score(self, reading: Reading, concepts: Mapping[str, float], fact_ids: Iterable[str], *,
              similar: bool = True) -> list[Scored]:
        """Score the given facts; `concepts` maps each question symbol to its weight (0..1)."""
        weighted = {s: self.weight(s) * w for s, w in concepts.items()}
        # Concepts carried over from the previous question (weight < 1) help a fact that has
        # them and never count against one that has not: "et réhabilités ?" after
        # "logements produits" is about réhabilités, not about produits.
        asked = sum(w for s, w in weighted.items() if concepts[s] >= 1.0)
        rough: list[tuple[float, _Entry, float, float]] = []
        for fid in fact_ids:
            entry = self.entries[fid]
            vocab = entry.vocab
            explained = sum(w for s, w in weighted.items() if s in vocab)
            carried = sum(w for s, w in weighted.items() if s in vocab and concepts[s] < 1.0)
            question_cover = explained / ((asked + carried) or 1.0)
            key_cover = 0.0
            for key, key_total, factor in entry.keys:
                if key.isdisjoint(weighted):
                    continue  # most keys share nothing with the question: skip the sum
                cover = factor * sum(weighted[s] for s in key if s in weighted) / key_total
                key_cover = max(key_cover, cover)
            rough.append((key_cover + question_cover, entry, key_cover, question_cover))
        rough.sort(key=lambda r: (-r[0], r[1].fact.id))
        # Token order does not matter ("places créées combien"): compare sorted words.
        question = " ".join(sorted(reading.normalized.split()))
        scored = []
        for i, (_, entry, key_cover, question_cover) in enumerate(rough):
            similarity = 0.0
            if similar and i < _FUZZY_TOP and entry.symbols.phrasings:
                similarity = max(fuzz.ratio(question, p) for p in entry.symbols.phrasings) / 100
            score = 0.4 * key_cover + 0.4 * question_cover + 0.2 * similarity
            score += _kind_bonus(reading, entry)
            scored.append(Scored(entry.fact, score, key_cover, question_cover, similarity))
        scored.sort(key=lambda s: (-s.score, s.fact.id))
        return scored

    def counted(self, following: tuple[str, ...]) -> str:
        """What "combien de ..." counts: the first word some figure counts, else the first word."""
        return next((s for s in following if s in self.countables), following[0])

    def counts_anything(self, following: tuple[str, ...]) -> bool:
        """Whether some figure of the base counts what "combien de ..." names."""
        return self.counted(following) in self.countables

    def is_person(self, symbol: str) -> bool:
        """Whether an entity symbol ("@jeanne-dupont") names one of the people of the base."""
        return symbol in self.persons


def _kind_bonus(reading: Reading, entry: _Entry) -> float:
    fact = entry.fact
    kinds = reading.kinds
    if not kinds:
        return 0.0
    if kinds == {"where"} and not entry.symbols.places:
        return -0.25  # "où" answered by a fact that names no place
    # "à quoi correspond 3 616 ?": a figure is what a number of the question means
    reverse = fact.kind == "figure" and any(c[0].isdigit() and c in entry.vocab for c in reading.concepts)
    said = "who" in kinds and fact.person is not None  # "qui a dit qu'un euro en générait trois ?"
    if reverse or said or any(fact.kind in KIND_FITS[k] for k in kinds):
        # "où" prefers the place of an event, "quand" its date.
        first = fact.attribute.split()[0].lower()
        if any(first in words for k, words in KIND_ATTRIBUTES.items() if k not in kinds):
            return -0.25  # "où" answered by a date, "quand" by a place
        precise = any(first in KIND_ATTRIBUTES.get(k, ()) for k in kinds)
        return 0.15 if precise else 0.05
    # "combien" answered with a person, "qui" with a figure: not what was asked.
    return -0.25
