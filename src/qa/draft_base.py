"""`qa draft`, what the knowledge already knows: places, entities, metrics, roles, fact ids.

The files are read as plain TOML, tolerantly (a knowledge folder with a pending draft does
not build, and must still be draftable), never through `load_knowledge`.
"""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .draft_text import fold
from .normalize import normalize

__all__ = ["Base", "Mention", "fold_map", "unit_kind"]


def fold_map(text: str) -> tuple[str, list[int]]:
    """`fold(text)` and, for each of its characters, the offset of the character it comes from."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        folded = fold(ch)
        out.append(folded)
        where.extend([i] * len(folded))
    return "".join(out), where

# Words after which a place name that is also a common word ("Fontaine", "Centre") is a place.
_PLACE_TRIGGERS = re.compile(r"(?:\b(?:à|en|dans|de|du|des|au|aux|sur)\s+(?:la\s+|le\s+|l[’'])?|d[’']|l[’'])$")
_FUNCTION_WORDS = frozenset({
    "de", "du", "des", "la", "le", "les", "l", "d", "a", "au", "aux", "en", "et", "un", "une", "sur", "pour", "par",
    "dans",
})


def unit_kind(unit: str | None) -> str:
    low = fold(unit or "")
    if "%" in low or "pourcent" in low or "pour cent" in low:
        return "percent"
    if "euro" in low or "€" in low:
        return "money"
    return "count"


@dataclass(frozen=True)
class Mention:
    key: str  # place id or entity key
    start: int
    end: int
    text: str


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def _alias_pattern(aliases: dict[str, str], *, ignore_case: bool) -> re.Pattern[str] | None:
    if not aliases:
        return None
    alternatives = "|".join(re.escape(a) for a in sorted(aliases, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE if ignore_case else 0)


@dataclass
class Base:
    """The lexicon, places and facts of a knowledge folder, for linking a new document to them."""

    lexicon: dict[str, Any] = field(default_factory=dict)
    places: dict[str, Any] = field(default_factory=dict)
    fact_ids: set[str] = field(default_factory=set)
    document_ids: set[str] = field(default_factory=set)
    metric_units: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    @classmethod
    def load(cls, *roots: Path) -> Base:
        base = cls()
        for root in roots:
            lexicon = _read(root / "lexicon.toml")
            for section, table in lexicon.items():
                if isinstance(table, dict):
                    base.lexicon.setdefault(section, {}).update(table)
            base.places.update(_read(root / "places.toml").get("places", {}))
            for path in sorted((root / "facts").glob("*.toml")):
                for raw in _read(path).get("fact", []):
                    base.fact_ids.add(str(raw.get("id", "")))
                    if raw.get("metric"):
                        base.metric_units[str(raw["metric"])].add(unit_kind(raw.get("unit") or raw.get("value")))
            base.document_ids |= {p.stem for p in (root / "documents").glob("*.toml")}
        base._compile()
        return base

    # ------------------------------------------------------------------ compile
    def _compile(self) -> None:
        place_aliases: dict[str, str] = {}
        self._ambiguous: set[str] = set()
        for key, place in self.places.items():
            ambiguous = place.get("ambiguous", False)
            for alias in [place.get("label", key), *place.get("aliases", [])]:
                if len(alias) < 3 or alias.lower() == alias:
                    continue  # "national", "en France": words, not names
                place_aliases.setdefault(alias, key)
                if (isinstance(ambiguous, list) and alias in ambiguous) or (ambiguous is True and " " not in alias):
                    self._ambiguous.add(alias)
        self._place_aliases = place_aliases
        self._place_re = _alias_pattern(place_aliases, ignore_case=False)
        entity_aliases: dict[str, str] = {}
        exact: dict[str, str] = {}
        for key, entity in self.lexicon.get("entities", {}).items():
            for alias in [entity.get("name", key), *entity.get("aliases", [])]:
                if alias.lower() == alias or len(alias) < 2:
                    continue  # "plateforme", "rencontres": common words, not names
                if len(alias) <= 4 or alias.isupper():
                    exact.setdefault(alias, key)
                else:
                    entity_aliases.setdefault(fold(alias), key)
        self._entity_folded = entity_aliases
        self._entity_re = _alias_pattern(entity_aliases, ignore_case=False)
        self._entity_exact = exact
        self._entity_exact_re = _alias_pattern(exact, ignore_case=False)
        self._role_words = sorted(
            ((fold(w), key) for key, role in self.lexicon.get("roles", {}).items()
             for w in [role.get("label", ""), role.get("feminine", ""), *role.get("words", [])] if len(w) > 2),
            key=lambda x: -len(x[0]),
        )

    # ----------------------------------------------------------------- lookups
    def place_mentions(self, text: str) -> list[Mention]:
        out: list[Mention] = []
        if self._place_re is None:
            return out
        for m in self._place_re.finditer(text):
            alias = m.group()
            if alias in self._ambiguous and not _PLACE_TRIGGERS.search(text[: m.start()]):
                continue
            out.append(Mention(self._place_aliases[alias], m.start(), m.end(), alias))
        return out

    def entity_mentions(self, text: str) -> list[Mention]:
        """Known organisations, people and programmes named in a text, as written with capitals.

        A mention followed by more capitalised words ("Comité régional Habitat Sud" +
        " Grand Est") names something else, longer: it is not linked.
        """
        out: list[Mention] = []
        folded_text, where = fold_map(text)
        for pattern, table, folded in ((self._entity_re, self._entity_folded, True),
                                       (self._entity_exact_re, self._entity_exact, False)):
            if pattern is None:
                continue
            for m in pattern.finditer(folded_text if folded else text):
                start, end = (where[m.start()], where[m.end() - 1] + 1) if folded else (m.start(), m.end())
                if not text[start:start + 1].isupper() and not text[start:start + 1].isdigit():
                    continue
                after = text[end:]
                if re.match(r"\s+(?:de\s+|des\s+|du\s+)?[A-ZÀ-Ý][\w-]", after) and not re.match(
                        r"\s+(?:[A-ZÀ-Ý][\w-]+\s+)?(?:a|est|ont|sont)\b", after):
                    continue
                out.append(Mention(table[m.group()], start, end, text[start:end]))
        out.sort(key=lambda x: x.start)
        return [x for i, x in enumerate(out) if not any(o.start <= x.start < o.end for o in out[:i])]

    def entity_named(self, name: str) -> str | None:
        """The entity whose alias is exactly `name` (case and accents aside)."""
        key = self._entity_folded.get(fold(name)) or self._entity_exact.get(name)
        if key:
            return key
        for entity_key, entity in self.lexicon.get("entities", {}).items():
            if fold(entity.get("name", "")) == fold(name):
                return str(entity_key)
        return None

    def role_at(self, phrase: str) -> tuple[str, int] | None:
        """The role a phrase starts with ("directrice générale d'Est…" -> directeur-general) and its length."""
        folded = fold(phrase)
        for word, key in self._role_words:
            if folded.startswith(word) and (len(folded) == len(word) or not folded[len(word)].isalnum()):
                return key, len(word)
        return None

    def role_words(self) -> list[str]:
        return [w for w, _ in self._role_words]

    def metric_for(self, clause: str, kind: str) -> tuple[str | None, int]:
        """The metric of the lexicon whose words the clause uses, longest first; None when none fits.

        A metric whose figures are of another kind (euros, per cent, counts) never fits.
        """
        tokens = normalize(clause).split()
        content = {t for t in tokens if t not in _FUNCTION_WORDS}
        joined = f" {' '.join(tokens)} "
        best: tuple[str | None, int] = (None, 0)
        for key, metric in self.lexicon.get("metrics", {}).items():
            units = self.metric_units.get(key)
            if units and kind not in units:
                continue
            for phrase in [metric.get("label", ""), *metric.get("words", [])]:
                words = normalize(phrase).split()
                core = [w for w in words if w not in _FUNCTION_WORDS]
                if not core:
                    continue
                if f" {' '.join(words)} " in joined:
                    score = 2 * len(core) + 1
                elif all(w in content for w in core) and len(core) >= 2:
                    score = 2 * len(core) - 1
                else:
                    continue
                if score > best[1]:
                    best = (key, score)
        return best
