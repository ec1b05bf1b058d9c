"""The lexicon compiled for fast reading, and `Lexicon.read(question) -> Reading`.

Reading a question turns its normalised words into symbols:

- a concept: "logement", "rehabilite" (synonyms share one concept);
- an entity: "@unafo" (any alias, longest match first);
- a place: the slot `geo` ("hauts-de-france", "aisne" or "other:<name>");
- a question word: the slot `kinds` ("count", "who", ...);
- a role: the slot `role` ("president", "directeur-general", "head" or "other:<word>");
- a year: the slot `years` (exact digits only: 2019 is never read as 2021).

Words the lexicon and the facts do not know are corrected with rapidfuzz when a close
known word exists ("logemnt" -> "logement"); numbers are never corrected.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from .normalize import Normalizer, fold

__all__ = ["Lexicon", "Reading"]

_MAX_PHRASE = 8
_DECIMAL = re.compile(r"\d+\.\d+")
_YEAR = re.compile(r"^(19|20)\d\d$")
_YEAR_WORDS = ("en", "annee", "depuis", "an", "durant", "pendant")  # normalised, before a year
# Words after which an ambiguous place name ("Nord", "Somme") is read as a place.
_PLACE_TRIGGERS = ("dans", "en", "du", "departement", "au", "sur")
_PRONOUNS = frozenset({"il", "elle", "ils", "elles", "lui", "son", "sa", "ses", "leur", "leurs", "celui", "celle"})
_CLITIC = re.compile(r"\b(?:le|la|les|l) (?:contacter|joindre|ecrire|appeler|dirige|preside)\b")
# "qui n'est pas partenaire ?", "quels acteurs ne sont pas signataires ?" (n' is elided by now)
_NEGATED_QUESTION = re.compile(
    r"^(?:qui|quel\w*|lequel\w*|combien|est ce que)\b.{0,40}?\b(?:est|sont|a|ont|fait|font|ont ete)\s+(?:pas|jamais)\b"
)
_FOLLOWUP_STARTS = ("et", "puis", "aussi", "pareil", "meme", "idem", "sinon", "ok", "and")


@dataclass(frozen=True)
class Reading:
    """What the engine understood of one question."""

    normalized: str
    concepts: tuple[str, ...]  # content symbols: concepts and @entities, in question order
    original: str = ""
    years: tuple[int, ...] = ()
    geo: str | None = None
    geo_name: str | None = None
    axis: int | None = None
    ordinal: int | None = None
    kinds: frozenset[str] = frozenset()
    role: str | None = None
    role_word: str | None = None
    counted: tuple[str, ...] = ()  # the words after "combien de", where what is counted is named
    step: int = 0  # "suivant" +1, "précédent" -1: moving along a numbered list (the axes)
    pronoun: bool = False  # "il", "son", "la contacter": someone named before
    negation: bool = False  # "qui n'est pas partenaire": not something the base can list
    unknown: tuple[str, ...] = ()  # content words that no fact nor lexicon entry knows
    ambiguous_names: tuple[str, ...] = ()  # e.g. "bertrand": two people
    followup: bool = False
    smalltalk: str | None = None
    english: bool = False

    @property
    def entities(self) -> tuple[str, ...]:
        return tuple(c for c in self.concepts if c.startswith("@"))


class Lexicon:
    """Compiled from the lexicon and places of the fact base (see knowledge/lexicon.toml)."""

    def __init__(self, lexicon: dict[str, Any], places: dict[str, Any]) -> None:
        self.normalize = Normalizer(lexicon.get("shorthand", {}))
        self._phrases: dict[tuple[str, ...], str] = {}
        self._places: dict[tuple[str, ...], str] = {}
        self.entity_names: dict[str, str] = {}
        self.place_names: dict[str, str] = {}
        self.place_organisations: dict[str, str] = {}  # "la région" also names the Région
        self._ambiguous_places: set[str] = set()
        self.entity_kinds: dict[str, str] = {}
        for key, entity in lexicon.get("entities", {}).items():
            self.entity_names[key] = entity.get("name", key)
            self.entity_kinds[key] = entity.get("kind", "")
            for alias in [entity.get("name", key), *entity.get("aliases", [])]:
                self._add(alias, f"@{key}")
        for concept, words in lexicon.get("synonyms", {}).items():
            symbol = self._norm(concept.replace("_", " ")).replace(" ", "_")
            for word in [concept.replace("_", " "), *words]:
                self._add(word, symbol)
        self.role_names: dict[str, str] = {}
        for role, words in lexicon.get("roles", {}).items():
            for word in words:
                symbol = f"role:{role}" if role != "other" else f"role:other:{self._norm(word)}"
                self.role_names.setdefault(symbol[5:], word)
                self._add(word, symbol)
        for words_ in lexicon.get("relative_time", {}).values():
            for word in words_:
                self._add(word, "time:relative")
        for kind, words in lexicon.get("question_words", {}).items():
            for word in words:
                self._add(word, f"kind:{kind}")
        self._add_places(places)
        self.ambiguous_names = {self._norm(k): tuple(v) for k, v in lexicon.get("ambiguous_names", {}).items()}
        self.stopwords = {self._norm(w) for w in lexicon.get("stopwords", {}).get("words", "").split()}
        self.smalltalk = {
            kind: {self._norm(w) for w in words} for kind, words in lexicon.get("smalltalk", {}).items()
        }
        self.english = {fold(w) for w in lexicon.get("english", {}).get("words", [])}
        self.outside = {self._norm(w) for w in lexicon.get("outside", {}).get("words", [])}
        phrase_words = {w for table in (self._phrases, self._places) for phrase in table for w in phrase}
        self._place_words = {w for phrase in self._places for w in phrase} - {w for p in self._phrases for w in p}
        self._vocabulary: set[str] = phrase_words | self.stopwords | self.outside
        self._by_initial: dict[str, list[str]] = {}
        self._corrections: dict[str, str] = {}  # typed word -> its correction (typos repeat)
        # The longest phrase starting with each word: most words start none longer than one.
        self._longest: dict[str, int] = {}
        for table in (self._phrases, self._places):
            for phrase in table:
                self._longest[phrase[0]] = max(self._longest.get(phrase[0], 1), len(phrase))
        # Phrase lengths to try, longest first; at each length places before other words.
        self._size_plans = [
            [(size, table) for size in range(n, 0, -1) for table in (self._places, self._phrases)]
            for n in range(_MAX_PHRASE + 1)
        ]
        self._triggers = {self._norm(w) for w in _PLACE_TRIGGERS} | {"le", "la"}

    def _norm(self, text: str) -> str:
        return self.normalize(text)

    def _add(self, text: str, symbol: str, *, ambiguous: bool = False) -> None:
        words = tuple(self._norm(text).split())
        if words and len(words) <= _MAX_PHRASE:
            # The first entry wins: an entity alias is never overwritten by a synonym.
            # Places have their own table, read first: "dans la Somme" is a place even
            # though "somme" alone means an amount.
            table = self._places if symbol.startswith("geo:") else self._phrases
            table.setdefault(words, symbol)
            if ambiguous:
                self._ambiguous_places.add(" ".join(words))

    def _add_places(self, places: dict[str, Any]) -> None:
        for key, place in places.get("known", {}).items():
            self.place_names[key] = place.get("label", place.get("name", key))
            if place.get("organisation"):
                self.place_organisations[key] = place["organisation"]
            for alias in place.get("aliases", []):
                self._add(alias, f"geo:{key}")
        ambiguous = {self._norm(n) for n in places.get("ambiguous", {}).get("names", [])}
        names = [
            *places.get("regions", {}).get("names", []),
            *places.get("departements", {}).values(),
            *places.get("cities", {}).get("names", []),
            *places.get("countries", {}).get("names", []),
        ]
        for name in names:
            norm = self._norm(name)
            key = f"other:{norm.replace(' ', '-')}"
            self.place_names.setdefault(key, f"« {name} »")
            self._add(name, f"geo:{key}", ambiguous=norm in ambiguous)
        for code, name in places.get("departements", {}).items():
            norm = self._norm(name)
            key = "aisne" if norm == "aisne" else f"other:{norm.replace(' ', '-')}"
            # "59" alone is a number; "dans le 59" or "02" (leading zero) is a place.
            self._add(code, f"geo:{key}", ambiguous=not code.startswith("0"))

    def vocabulary_of(self, texts: Iterable[str]) -> set[str]:
        """The normalised words of curated texts (computed by `qa build`, stored with the base)."""
        return {w for text in texts for w in self._norm(text).split()}

    def learn(self, words: Iterable[str]) -> None:
        """Add the words of the facts to the vocabulary used for typo corrections."""
        self._vocabulary.update(words)
        self._by_initial = {}
        self._corrections.clear()
        for w in sorted(self._vocabulary - self._place_words):
            if len(w) >= 4 and w.isalpha():
                self._by_initial.setdefault(w[0], []).append(w)

    def symbols(self, text: str, *, slots: bool = False) -> list[str]:
        """The symbols of a curated text (phrasing, keyword); slots ("geo:...") only if asked."""
        found = self._symbolize(self._norm(text).split())[0]
        return found if slots else [s for s in found if ":" not in s]

    def places_in(self, text: str) -> set[str]:
        """The places a curated text names, as geo slot values ("other:lille")."""
        return {s[4:] for s in self._symbolize(self._norm(text).split())[0] if s.startswith("geo:")}

    def correct(self, word: str) -> str:
        """The known word closest to `word`, or `word` itself when none is close enough.

        One edit for a word of up to 7 letters, two beyond; the first letter is kept, as
        typists rarely miss it and "affaire" must not become "affirme". A 4-letter word may
        only have lost a letter ("vile" -> "ville", "opal" -> "opale"). A lost apostrophe
        is put back ("dambition" -> "ambition"). Place names are never the target of a
        correction: "parmi" is not "Paris".
        """
        if word in self._vocabulary or len(word) < 4 or not word.isalpha():
            return word
        known = self._corrections.get(word)
        if known is not None:
            return known
        if len(self._corrections) > 50_000:  # bounded, whatever users type
            self._corrections.clear()
        self._corrections[word] = corrected = self._closest(word)
        return corrected

    def _closest(self, word: str) -> str:
        if word[0] in "dlcjmnst" and word[1:] in self._vocabulary:
            return word[1:]
        max_edits = 1 if len(word) <= 7 else 2
        matches = process.extract(
            word, self._by_initial.get(word[0], ()), scorer=Levenshtein.distance,
            score_cutoff=max_edits, limit=8,
        )
        if len(word) == 4:
            matches = [m for m in matches if len(m[0]) == 5]
        if not matches:
            return word
        # Fewest edits first; then a word at least as long (a letter is more often missed
        # than added), then the longer one: "visal" -> "visale" rather than "visa".
        best = min(matches, key=lambda m: (m[1], len(m[0]) < len(word), -len(m[0]), m[0]))
        return str(best[0])

    def _symbolize(self, words: list[str], positions: list[int] | None = None) -> tuple[list[str], list[str]]:
        """Greedy longest-phrase matching; returns (symbols, unmatched content words).

        When `positions` is given, the index of each symbol's first word is appended to it.
        """
        out: list[str] = []
        unknown: list[str] = []
        i = 0
        while i < len(words):
            longest = min(self._longest.get(words[i], 1), len(words) - i)
            for size, table in self._size_plans[longest]:
                phrase = words[i : i + size]
                symbol = table.get(tuple(phrase))
                if symbol is None:
                    continue
                ambiguous = table is self._places and " ".join(phrase) in self._ambiguous_places
                # "dans le 59" is the Nord; "en 59", like "en 21", is a year; "13 sur 23" a ratio.
                triggers = self._triggers - {"en", "sur"} if phrase[0].isdigit() else self._triggers
                if ambiguous and not any(w in triggers for w in words[max(0, i - 2) : i]):
                    continue
                out.append(symbol)
                if positions is not None:
                    positions.append(i)
                i += size
                break
            else:
                word = words[i]
                if word.isdigit() or word.startswith("#") or _DECIMAL.fullmatch(word):
                    out.append(word)
                    if positions is not None:
                        positions.append(i)
                elif word not in self.stopwords:
                    out.append(word)
                    if positions is not None:
                        positions.append(i)
                    if word not in self._vocabulary or word in self.outside:
                        unknown.append(word)
                i += 1
        return out, unknown

    def _counted(self, words: list[str], symbols: list[str], positions: list[int]) -> tuple[str, ...]:
        """The content symbols of the 3 words after "combien de" / "nombre de".

        "combien pour le NPNRU" or "combien a été investi" count nothing in particular.
        The matcher picks among them (an adjective may come first: "nouveaux ménages").
        """
        start = next((p for s, p in zip(symbols, positions, strict=True) if s == "kind:count"), None)
        if start is None or start + 1 >= len(words):
            return ()
        nxt = start + 1
        if words[nxt] not in ("de", "des", "du"):
            return ()  # "combien investi", "combien pour le NPNRU": nothing named as counted
        nxt += 1
        return tuple(s for s, p in zip(symbols, positions, strict=True) if nxt <= p < nxt + 3 and ":" not in s)

    def surface(self, question: str, words: Iterable[str]) -> str:
        """The words of `question` as typed whose normalised forms are `words` (for replies)."""
        wanted = set(words)
        typed = [w for w in re.split(r"[\s'’,;:!?.()\"«»]+", question) if w]
        found = [w for w in typed if self._norm(w) in wanted or self.correct(self._norm(w)) in wanted
                 or wanted & set(self.symbols(w))]
        # Never echo a flood: at most three words of at most 30 characters each.
        return " ".join(w if len(w) <= 30 else w[:29] + "…" for w in (found or sorted(wanted))[:3])

    def read(self, question: str) -> Reading:
        raw_words = fold(question).split()
        english_hits = sum(1 for w in raw_words if w.strip("?!.,") in self.english)
        words = [self.correct(w) for w in self._norm(question).split()]
        normalized = " ".join(words)
        positions: list[int] = []
        symbols, unknown = self._symbolize(words, positions)
        concepts: list[str] = []
        counted: tuple[str, ...] = ()
        years: list[int] = []
        kinds: set[str] = set()
        geo = role = role_word = None
        axis = ordinal = None
        for symbol, position in zip(symbols, positions, strict=True):
            before = words[position - 1] if position > 0 else ""
            after = words[position + 1] if position + 1 < len(words) else ""
            if symbol == "time:relative" or (symbol.isdigit() and after in ("an", "ans", "mois", "semaine", "jour")):
                years.append(0)  # "l'an dernier", "il y a 3 ans": relative to a date the documents do not give
            elif symbol.isdigit() and before in _YEAR_WORDS and not _YEAR.match(symbol):
                # "en 21" is 2021; "en 2201", "en 99999": a year the base cannot have
                years.append(2000 + int(symbol) if len(symbol) == 2 else int(symbol) if len(symbol) < 9 else 0)
            elif symbol.startswith("geo:"):
                if {geo, symbol[4:]} == {"hauts-de-france", "aisne"}:
                    geo = "both"  # "région et Aisne": the region's figure, which names the Aisne's too
                elif geo != "both":
                    geo = symbol[4:] if geo is None or geo == "hauts-de-france" else geo
            elif symbol.startswith("kind:"):
                kinds.add(symbol[5:])
                if symbol == "kind:count":
                    counted = self._counted(words, symbols, positions)
            elif symbol.startswith("role:"):
                role = symbol[5:]
                role_word = self.role_names.get(role, role)
                concepts.append(symbol)
            elif _YEAR.match(symbol):
                years.append(int(symbol))
            elif symbol.startswith("#"):
                ordinal = int(symbol[1:])
            else:
                concepts.append(symbol)
        if words and (words[0] in ("ou", "where") or words[-1] == "ou"):
            kinds.add("where")  # "où est ...", "c'était où ?"
        if "axe" in concepts:
            # "axe 2", "axe n°2", "le 2e axe", "le dernier axe"; but "les 4 axes" is a count.
            at = words.index("axe") if "axe" in words else -1
            window = words[at + 1 : at + 3] if at >= 0 else []
            numbered = ["1" if w in ("un", "une") else w for w in window if w.isdigit() or w in ("un", "une")]
            if ordinal is not None:
                axis = ordinal
            elif numbered:
                axis = int(numbered[0])
            elif "dernier" in words:
                axis = 4
        if axis is not None:
            concepts = [c for c in concepts if c != str(axis)]
        organisation = self.place_organisations.get(geo or "")
        if role and organisation and not any(c.startswith("@") for c in concepts):
            concepts.append(f"@{organisation}")  # "le président de la région" is the Région's
        smalltalk = None
        content = [w for w in words if w not in self.smalltalk.get("greeting", set())]
        bare = not concepts and not kinds
        for kind, phrases in self.smalltalk.items():
            if normalized in phrases:
                smalltalk, concepts = kind, []  # the whole question is small talk ("aide", "merci")
            elif kind == "greeting" and bare and words and words[0] in phrases:
                smalltalk = kind
        if smalltalk is None and bare and any(w in self.smalltalk.get("thanks", ()) for w in words):
            smalltalk = "thanks"  # "ok merci", "merci bien"
        if smalltalk is None and words and not content:
            smalltalk = "greeting"
        if geo == "both":
            geo = None
        return Reading(
            original=question,
            normalized=normalized,
            concepts=tuple(dict.fromkeys(concepts)),
            years=tuple(years),
            geo=geo,
            geo_name=self.place_names.get(geo) if geo else None,
            axis=axis,
            ordinal=ordinal,
            kinds=frozenset(kinds),
            role=role,
            role_word=role_word,
            counted=counted,
            step=1 if {"suivant", "prochain"} & set(words) else -1 if "precedent" in words else 0,
            pronoun=bool(_PRONOUNS & set(words)) or bool(_CLITIC.search(normalized)),
            negation=bool(_NEGATED_QUESTION.search(normalized)),
            unknown=tuple(unknown),
            ambiguous_names=tuple(c for c in concepts if c in self.ambiguous_names),
            followup=bool(words) and words[0] in _FOLLOWUP_STARTS,
            smalltalk=smalltalk,
            english=english_hits >= 3 and english_hits >= len(raw_words) // 2,
        )
