"""Score facts against a reading of a question.

Each fact has two sets of symbols, computed once at load:

- `key`: the concepts its `keywords` name; a question that names them all points at it;
- `vocab`: every symbol of its phrasings, keywords, attribute, value and subject.

A question's score for a fact combines how much of the fact's key the question names
(`key_cover`), how much of the question the fact's vocabulary explains (`question_cover`,
so "loyer moyen" does not reach a fact about housing), rapidfuzz similarity with the
closest phrasing, and agreement on the kind of question. Slots the question sets and the
fact contradicts (year, place, role, entity) exclude the fact outright: see `excluded`.

An inverted index from symbol to facts keeps the candidates few on large bases.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from rapidfuzz import fuzz

from .lexicon import Lexicon, Reading
from .records import Fact

__all__ = ["FactIndex", "Scored"]

# Which kinds of facts answer which kinds of questions.
_KIND_FITS: dict[str, frozenset[str]] = {
    "count": frozenset({"figure", "axis", "membership"}),
    "who": frozenset({"person", "contact", "membership", "organisation", "definition"}),
    "where": frozenset({"event", "definition", "organisation"}),
    "when": frozenset({"event"}),
    "what": frozenset({"definition", "organisation", "membership", "axis", "event", "person", "contact", "figure"}),
}
_KIND_ATTRIBUTES = {"where": ("lieu",), "when": ("date", "dates")}
_MAX_CANDIDATES = 400  # facts scored in full; the rest are cut by the index's cheap pass
_FUZZY_TOP = 12  # facts compared with rapidfuzz, after the cheap pass


@dataclass(frozen=True)
class Scored:
    fact: Fact
    score: float
    key_cover: float
    question_cover: float
    similarity: float


@dataclass(frozen=True)
class _Entry:
    fact: Fact
    keys: tuple[frozenset[str], ...]  # alternative sets of concepts that point at the fact
    key_totals: tuple[float, ...]  # the weight of each key, for its cover
    vocab: frozenset[str]
    phrasings: tuple[str, ...]  # normalised
    sorted_phrasings: tuple[str, ...]  # the same, words sorted
    axis: int | None
    places: frozenset[str]  # places named by its quote or phrasings


class FactIndex:
    def __init__(self, facts: Iterable[Fact], lexicon: Lexicon, axis_of: Mapping[str, int]) -> None:
        self.lexicon = lexicon
        self.entries: dict[str, _Entry] = {}
        postings: dict[str, list[str]] = defaultdict(list)
        for fact in facts:
            key = frozenset(s for k in fact.keywords for s in lexicon.symbols(k))
            keys = [key]
            if fact.kind == "person":
                # A person is named, or described by role and organisation.
                keys += [frozenset(lexicon.symbols(fact.value)), frozenset({f"@{fact.subject}", f"role:{fact.role}"})]
            texts = [*fact.phrasings, *fact.keywords, fact.attribute]
            vocab = set(key) | {f"@{fact.subject}"}
            for text in texts:
                vocab.update(lexicon.symbols(text))
            if fact.kind == "person":
                vocab.update(lexicon.symbols(fact.value))
                vocab.update({f"role:{fact.role}", "role:head"})
            vocab.update(s for s in lexicon.symbols(fact.quote) if s.startswith("@"))
            entry = _Entry(
                fact=fact,
                keys=tuple(keys),
                key_totals=(),
                vocab=frozenset(vocab),
                phrasings=tuple(lexicon.normalize(p) for p in fact.phrasings),
                sorted_phrasings=tuple(" ".join(sorted(lexicon.normalize(p).split())) for p in fact.phrasings),
                axis=axis_of.get(fact.id),
                places=frozenset(p for t in (fact.quote, *fact.phrasings) for p in lexicon.places_in(t)),
            )
            self.entries[fact.id] = entry
            for symbol in entry.vocab:
                postings[symbol].append(fact.id)
        self.postings = {s: tuple(ids) for s, ids in postings.items()}
        self._persons = frozenset(
            s for e in self.entries.values() if e.fact.kind == "person"
            for s in lexicon.symbols(e.fact.value) if s.startswith("@")
        )
        n = max(len(self.entries), 1)
        self._idf = {s: math.log(1 + n / len(ids)) for s, ids in self.postings.items()}
        self._unknown_weight = math.log(1 + n)
        for fid, entry in self.entries.items():
            totals = tuple(sum(self.weight(s) for s in key) or 1.0 for key in entry.keys)
            self.entries[fid] = replace(entry, key_totals=totals)

    def weight(self, symbol: str) -> float:
        """IDF of a symbol; a symbol no fact has weighs most, a bare number half of that."""
        idf = self._idf.get(symbol)
        if idf is not None:
            return idf
        if symbol[0].isdigit():
            return self._unknown_weight * 0.5
        return self._unknown_weight

    def candidates(self, concepts: Mapping[str, float]) -> list[str]:
        """Fact ids sharing at least one symbol with the question, most promising first."""
        gain: dict[str, float] = defaultdict(float)
        for symbol, w in concepts.items():
            weight = self.weight(symbol) * w
            for fid in self.postings.get(symbol, ()):
                gain[fid] += weight
        if len(gain) <= _MAX_CANDIDATES:
            return list(gain)
        return sorted(gain, key=gain.__getitem__, reverse=True)[:_MAX_CANDIDATES]

    def score(
        self,
        reading: Reading,
        concepts: Mapping[str, float],
        fact_ids: Iterable[str],
    ) -> list[Scored]:
        """Score the given facts; `concepts` maps each question symbol to its weight (0..1)."""
        weighted = {s: self.weight(s) * w for s, w in concepts.items()}
        total = sum(weighted.values()) or 1.0
        rough: list[tuple[float, _Entry, float, float]] = []
        for fid in fact_ids:
            entry = self.entries[fid]
            vocab = entry.vocab
            question_cover = sum(w for s, w in weighted.items() if s in vocab) / total
            key_cover = 0.0
            for key, key_total in zip(entry.keys, entry.key_totals, strict=True):
                cover = sum(self.weight(s) * concepts[s] for s in key if s in concepts) / key_total
                key_cover = max(key_cover, cover)
            rough.append((key_cover + question_cover, entry, key_cover, question_cover))
        rough.sort(key=lambda r: r[0], reverse=True)
        # Token order does not matter ("logements réhabilités combien"): compare sorted words.
        question = " ".join(sorted(reading.normalized.split()))
        scored = []
        for i, (_, entry, key_cover, question_cover) in enumerate(rough):
            similarity = 0.0
            if i < _FUZZY_TOP and entry.phrasings:
                similarity = max(fuzz.ratio(question, p) for p in entry.sorted_phrasings) / 100
            score = 0.4 * key_cover + 0.4 * question_cover + 0.2 * similarity
            score += self._kind_bonus(reading, entry.fact)
            scored.append(Scored(entry.fact, score, key_cover, question_cover, similarity))
        scored.sort(key=lambda s: (-s.score, s.fact.id))
        return scored

    @staticmethod
    def _kind_bonus(reading: Reading, fact: Fact) -> float:
        if not reading.kinds:
            return 0.0
        if any(fact.kind in _KIND_FITS[k] for k in reading.kinds):
            # "où" prefers the place of an event, "quand" its date.
            precise = any(fact.attribute.split()[0] in _KIND_ATTRIBUTES.get(k, ()) for k in reading.kinds)
            return 0.15 if precise else 0.05
        # "combien" answered with a person, "qui" with a figure: not what was asked.
        return -0.25

    def excluded(self, fact: Fact, *, years: tuple[int, ...], geo: str | None, role: str | None,
                 entities: tuple[str, ...]) -> str | None:
        """Why a fact cannot answer a question that sets these slots, or None if it can."""
        entry = self.entries[fact.id]
        if years and fact.year not in years:
            return "year"
        if geo is not None:
            if geo.startswith("other:"):
                if (fact.kind == "figure" or fact.geo) and geo not in entry.places:
                    return "geo"
            elif fact.geo is not None and fact.geo != geo:
                return "geo"
            elif fact.geo is None and fact.kind == "figure" and geo == "aisne":
                return "geo"
        if fact.kind == "figure":
            # "réhabilités par Clésence": the region's figure is not Clésence's figure.
            foreign = [e for e in entities if e not in entry.vocab and not self._is_person(e)]
            if foreign:
                return "subject"
        if role is not None and fact.kind == "person":
            if role.startswith("other:") or (role != "head" and fact.role != role):
                return "role"
            organisations = [e for e in entities if not self._is_person(e)]
            if organisations and f"@{fact.subject}" not in organisations:
                return "entity"
        return None

    def _is_person(self, symbol: str) -> bool:
        return symbol in self._persons
