"""The lexicon compiled for fast reading: phrases to symbols, typo corrections.

A text's normalised words become symbols (longest phrase first):

- a concept: "logement", "rehabilite" (synonyms share one concept);
- an entity: "@union-x" (any alias);
- a place: "geo:cher" (every place of places.toml; ambiguous names need "dans", "en"...);
- "placekind:region": "la région", "le département" (resolved by the engine);
- a question word: "kind:count", "kind:who"...; a role: "role:president", "role:head";
- a contact channel: "channel:phone"; a relative date: "time:now", "time:before";
- numbers stay digits ("3616", "72.3"), ordinals "#3".

Words the lexicon and the facts do not know are corrected with rapidfuzz when a close
known word exists ("logemnt" -> "logement"); numbers are never corrected. `qa.reading`
turns the symbols of a question into slots.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from . import symbols as sym
from .normalize import Normalizer, fold
from .places import Places

__all__ = ["Lexicon"]

_MAX_PHRASE = 8
DECIMAL = re.compile(r"\d+\.\d+")
# Words after which an ambiguous place name ("Nord", "Somme") is read as a place.
_PLACE_TRIGGERS = ("dans", "en", "du", "de", "departement", "au", "sur", "le", "la", "a")
_ARTICLES = frozenset({"la", "le", "les", "l"})


class Lexicon:
    """Compiled from the lexicon and places of the fact base (see knowledge/lexicon.toml)."""

    def __init__(self, lexicon: dict[str, Any], places: dict[str, Any]) -> None:
        self.normalize = Normalizer(lexicon.get("shorthand", {}))
        self.places = Places(places)
        self._phrases: dict[tuple[str, ...], str] = {}
        self._places: dict[tuple[str, ...], str] = {}
        self._ambiguous_places: set[tuple[str, ...]] = set()
        self.entity_names: dict[str, str] = {}
        self.entity_kinds: dict[str, str] = {}
        self.entity_places: dict[str, str] = {}  # an event's venue, a collectivity's territory
        for key, table in lexicon.get("entities", {}).items():
            self.entity_names[key] = table.get("name", key)
            self.entity_kinds[key] = table.get("kind", "")
            if table.get("place"):
                self.entity_places[key] = table["place"]
            for alias in [table.get("name", key), *table.get("aliases", [])]:
                self._add(alias, sym.entity(key))
        self.roles: dict[str, dict[str, Any]] = lexicon.get("roles", {})
        for role, table in self.roles.items():
            for word in [table.get("label", ""), table.get("feminine", ""), *table.get("words", [])]:
                if word:
                    self._add(word, sym.role(role))
        for word in lexicon.get("head_words", {}).get("words", []):
            self._add(word, "role:head")
        self.metrics: dict[str, dict[str, Any]] = lexicon.get("metrics", {})
        for concept, words in lexicon.get("synonyms", {}).items():
            symbol = self.concept(concept)
            for word in [concept.replace("_", " "), *words]:
                self._add(word, symbol)
        for when, words in lexicon.get("relative_time", {}).items():
            for word in words:
                self._add(word, f"time:{when}")
        for channel, words in lexicon.get("channels", {}).items():
            for word in words:
                self._add(word, f"channel:{channel}")
        for kind, words in lexicon.get("question_words", {}).items():
            for word in words:
                self._add(word, f"kind:{kind}")
        for kind, words in lexicon.get("place_words", {}).items():
            for word in words:
                self._add(word, f"placekind:{kind}")
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
        self._common: frozenset[str] = frozenset()
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
        self._triggers = {self._norm(w) for w in _PLACE_TRIGGERS}
        # "dans le 59", "du 59", "le 02"; but "de 13 villes", "en 21" are numbers.
        self._code_triggers = {"le", "du", "departement"}

    def _norm(self, text: str) -> str:
        return self.normalize(text)

    def concept(self, name: str) -> str:
        """The symbol of a synonym group or of a plain word ("personne_agee", "axe")."""
        return self._norm(name.replace("_", " ")).replace(" ", "_")

    def _add(self, text: str, symbol: str, *, ambiguous: bool = False) -> None:
        words = tuple(self._norm(text).split())
        if words and len(words) <= _MAX_PHRASE:
            # The first entry wins: an entity alias is never overwritten by a synonym.
            # Places have their own table, read first: "dans la Somme" is a place even
            # though "somme" alone means an amount.
            table = self._places if symbol.startswith(sym.PLACE) else self._phrases
            table.setdefault(words, symbol)
            if ambiguous and table[words] == symbol:
                self._ambiguous_places.add(words)

    def _add_places(self, places: dict[str, Any]) -> None:
        for key, place in places.items():
            ambiguous = place.get("ambiguous", False)
            for alias in [place["label"], *place.get("aliases", [])]:
                one_word = len(self._norm(alias).split()) == 1
                common = alias in ambiguous if isinstance(ambiguous, list) else bool(ambiguous) and one_word
                self._add(alias, f"geo:{key}", ambiguous=common)
            code = place.get("code")
            if code:
                # "59" or "06" alone is a number ("son 06"); "dans le 59", "le 02" is a place.
                self._add(str(code), f"geo:{key}", ambiguous=True)

    @staticmethod
    def _triggered(words: list[str], i: int, triggers: set[str]) -> bool:
        """"dans la Somme", "du Nord", "à la Réunion": a place word right before, or before an article."""
        before = words[i - 1] if i else ""
        return before in triggers or (before in _ARTICLES and i >= 2 and words[i - 2] in triggers)

    def vocabulary_of(self, texts: Iterable[str]) -> set[str]:
        """The normalised words of curated texts (computed by `qa build`, stored with the base)."""
        return {w for text in texts for w in self._norm(text).split()}

    def learn(self, words: Iterable[str], *, common: Iterable[str] = ()) -> None:
        """Add the words of the facts to the vocabulary used for typo corrections.

        `common` words (frequent French words) are never corrected, nor a target.
        """
        self._common = frozenset(common)
        self._vocabulary.update(words)
        self._by_initial = {}
        self._corrections.clear()
        for w in sorted(self._vocabulary - self._place_words):
            if len(w) >= 4 and w.isalpha():
                self._by_initial.setdefault(w[0], []).append(w)

    def forget(self) -> None:
        """Empty the normaliser's and the corrector's caches."""
        self.normalize.forget()
        self._corrections.clear()

    def is_common(self, word: str) -> bool:
        """A frequent French word: around a question it is chatter ("j'aurais besoin", "je confirme")."""
        return word in self._common

    def knows(self, word: str) -> bool:
        return word in self._vocabulary

    def symbols(self, text: str, *, slots: bool = False) -> list[str]:
        """The symbols of a curated text (phrasing, keyword); slots ("geo:...") only if asked."""
        found = self.symbolize(self._norm(text).split())[0]
        return found if slots else [s for s in found if ":" not in s]

    def places_in(self, text: str) -> set[str]:
        """The places a curated text names ("lille", "cher")."""
        return {s[4:] for s in self.symbolize(self._norm(text).split())[0] if s.startswith(sym.PLACE)}

    def correct(self, word: str) -> str:
        """The known word closest to `word`, or `word` itself when none is close enough.

        One edit for a word of up to 7 letters, two beyond; the first letter is kept, as
        typists rarely miss it and "affaire" must not become "affirme". A 4-letter word may
        only have lost a letter ("vile" -> "ville", "opal" -> "opale"). A lost apostrophe
        is put back ("dambition" -> "ambition"). Place names are never the target of a
        correction: "parmi" is not "Paris".
        """
        if word in self._vocabulary or len(word) < 4 or not word.isalpha() or word in self._common:
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
        # than added), then the longer one: "garanti" -> "garantie" rather than "garant".
        best = min(matches, key=lambda m: (m[1], len(m[0]) < len(word), -len(m[0]), m[0]))
        return str(best[0])

    def symbolize(self, words: list[str], positions: list[int] | None = None,
                  sizes: list[int] | None = None) -> tuple[list[str], list[str]]:
        """Greedy longest-phrase matching; returns (symbols, unmatched content words).

        When `positions` (and `sizes`) are given, the index of each symbol's first word (and
        its number of words) is appended to them.
        """
        out: list[str] = []
        unknown: list[str] = []
        i = 0
        while i < len(words):
            longest = min(self._longest.get(words[i], 1), len(words) - i)
            for size, table in self._size_plans[longest]:
                phrase = tuple(words[i : i + size])
                symbol = table.get(phrase)
                if symbol is None:
                    continue
                # "dans le 59" is the Nord; "en 59", like "en 21", is a year; "13 sur 23" a ratio.
                triggers = self._code_triggers if phrase[0].isdigit() else self._triggers
                if phrase in self._ambiguous_places and not self._triggered(words, i, triggers):
                    continue
                out.append(symbol)
                if positions is not None:
                    positions.append(i)
                if sizes is not None:
                    sizes.append(size)
                i += size
                break
            else:
                word = words[i]
                number = word.isdigit() or word.startswith("#") or bool(DECIMAL.fullmatch(word))
                if number or word not in self.stopwords:
                    out.append(word)
                    if positions is not None:
                        positions.append(i)
                    if sizes is not None:
                        sizes.append(1)
                    if not number and (word not in self._vocabulary or word in self.outside):
                        unknown.append(word)
                i += 1
        return out, unknown

    def surface(self, question: str, words: Iterable[str]) -> str:
        """The words of `question` as typed whose normalised forms are `words` (for replies)."""
        wanted = set(words)
        typed = [w for w in re.split(r"[\s'’,;:!?.()\"«»]+", question) if w]
        found = [w for w in typed if self._norm(w) in wanted or self.correct(self._norm(w)) in wanted
                 or wanted & set(self.symbols(w))]
        # Never echo a flood: at most three words of at most 30 characters each.
        return " ".join(w if len(w) <= 30 else w[:29] + "…" for w in (found or sorted(wanted))[:3])

    def localize(self, symbol: str, places: Iterable[str]) -> str:
        """A body tied to another place stands for its namesake in `places`, if the base has one.

        "le comité régional" is the Bretagne one in a question about Rennes and the
        Corse one in a question about Ajaccio: same kind of entity, most alike name.
        """
        places = [p for p in places if p]
        home = self.entity_places.get(sym.entity_key(symbol))
        if not places or home is None or home in places or any(self.places.contains(home, p) for p in places):
            return symbol
        name = self.entity_names.get(sym.entity_key(symbol), sym.entity_key(symbol))
        kind = self.entity_kinds.get(sym.entity_key(symbol))
        near = [k for k, h in self.entity_places.items() if self.entity_kinds.get(k) == kind
                and (h in places or any(self.places.contains(p, h) for p in places))]
        local = {k: fuzz.ratio(name, self.entity_names.get(k, k)) for k in near}
        best = max(local, key=lambda k: local[k], default=None)
        return sym.entity(best) if best is not None and local[best] >= 60 else symbol

    def role_label(self, role: str, *, feminine: bool = False) -> str:
        table = self.roles.get(role, {})
        return str(table.get("feminine" if feminine else "label") or table.get("label") or role)

    def role_matches(self, asked: str, held: str | None) -> bool:
        """Whether a person holding `held` answers a question for `asked` ("head": any head role)."""
        if held is None:
            return False
        if asked == "head":
            return bool(self.roles.get(held, {}).get("head"))
        return held == asked or self.roles.get(held, {}).get("broader") == asked
