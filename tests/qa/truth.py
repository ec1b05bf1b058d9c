"""What a reply may say, checked against the base: numbers grounded in quotes, refusals that deny nothing held.

Shared by test_engine (probes built from the knowledge) and test_eval (the question sets).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from string import Formatter

from qa import Answer, Engine, texts
from qa.knowledge import numbers_in

__all__ = ["Base", "claims", "grounded"]

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def grounded(answer: Answer, engine: Engine) -> None:
    """Every number and e-mail of an answer is in a quote it cites (or is a cited fact's year or item number)."""
    quotes = " ".join(s.quote for s in answer.sources)
    facts = [engine.fact(fid) for fid in answer.facts]
    cited = {f.id for f in facts}
    items = [f for f in engine.facts() if f.kind == "item" and (f.id in cited or f.list_id in cited)]
    allowed = numbers_in(quotes) | {str(f.year) for f in facts if f.year} | {str(f.n) for f in items}
    allowed |= {n for s in answer.sources for n in numbers_in(f"{s.title} {s.publisher}")}  # "Source : « Bilan 2023 »"
    # A line that names a scope the base lacks ("Je n'ai pas ce chiffre en 2019.") states no value.
    stated = "\n".join(line for line in answer.text.split("\n") if not any(claims(line)))
    assert numbers_in(stated) <= allowed, (answer.text, numbers_in(stated) - allowed)
    assert set(EMAIL.findall(answer.text)) <= set(EMAIL.findall(quotes)), answer.text


def _pattern(template: str) -> re.Pattern[str]:
    out = ""
    for literal, field, _, _ in Formatter().parse(template):
        out += re.escape(literal)
        if field is not None:
            out += f"(?P<{field}>.+?)"
    return re.compile(out)


# The sentences of texts.py that name something as missing, and what they name.
_MISSING = {name: _pattern(getattr(texts, name)) for name in (
    "UNKNOWN_YEAR", "UNKNOWN_YEAR_NONE", "UNKNOWN_PLACE_NONE", "UNKNOWN_PLACE_ONLY", "UNKNOWN_PLACE_TOPIC",
    "UNKNOWN_ROLE", "UNKNOWN_SUBJECT", "MISSING_SCOPE",
) if hasattr(texts, name)}
_SCOPE = re.compile(r"(?:pour (?P<place>.+?))? ?(?:en (?P<year>\d+))?")  # MISSING_SCOPE: "pour l'Aisne en 2019"
_YEARS = re.compile(r"\d+(?:(?:, | et )\d+)*")  # "2019", "2019, 2020 et 2021": UNKNOWN_YEAR shares its words


def claims(text: str) -> Iterator[tuple[str, dict[str, str]]]:
    """(template name, its fields) for each sentence of a reply that names something as missing."""
    for line in text.split("\n"):
        for name, pattern in _MISSING.items():
            match = pattern.fullmatch(line.strip())
            if match:
                fields = match.groupdict()
                if name == "UNKNOWN_PLACE_ONLY" and _YEARS.fullmatch(fields["place"]):
                    # UNKNOWN_YEAR has the same words: "pas ce chiffre pour 2019 ; je l'ai pour 2021"
                    name, fields = "UNKNOWN_YEAR", {"years": fields["place"], "known": fields["other"]}
                elif name == "UNKNOWN_YEAR" and not _YEARS.fullmatch(fields["years"]):
                    name, fields = "UNKNOWN_PLACE_ONLY", {"place": fields["years"], "other": fields["known"]}
                yield name, fields
                break  # one claim per sentence


class Base:
    """What the base holds, to check what a refusal says it lacks."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.figures = [f for f in engine.facts() if f.kind == "figure"]
        self.people = [f for f in engine.facts() if f.kind == "person"]
        places = engine.lexicon.places
        self.place_named = {p.the: p.id for p in places.by_id.values()} | {p.label: p.id
                                                                           for p in places.by_id.values()}
        self.entity_named = {name: key for key, name in engine.lexicon.entity_names.items()}

    def held(self, *, metric: str | None, place: str | None, year: int | None, subject: str | None = None,
             ) -> list[str]:
        return [f.id for f in self.figures if (metric is None or f.metric == metric)
                and (place is None or f.place == place) and (year is None or f.year == year)
                and (subject is None or f.subject == subject)]

    def false_claims(self, text: str, *, metric: str | None = None, place: str | None = None,
                     year: int | None = None) -> list[str]:
        """The sentences of `text` that name as missing a year, place, body or role the base holds.

        `metric`, `place`, `year`: what the question asked, when known ("ce chiffre" is that metric,
        in that scope); a sentence that claims more ("pas de chiffres pour X dans mes documents")
        is checked against the whole base.
        """
        wrong = []
        for name, fields in claims(text):
            held: list[str] = []
            if name in ("UNKNOWN_YEAR", "UNKNOWN_YEAR_NONE"):
                for y in map(int, re.findall(r"\d+", fields["years"])):
                    held += self.held(metric=None, place=None, year=y) if name == "UNKNOWN_YEAR_NONE" \
                        else self.held(metric=metric, place=place, year=y)
            elif name == "UNKNOWN_PLACE_NONE":
                held = self.held(metric=None, place=self.place_named.get(fields["place"], "?"), year=None)
            elif name in ("UNKNOWN_PLACE_ONLY", "UNKNOWN_PLACE_TOPIC"):
                named = self.place_named.get(fields["place"])
                assert named is not None, f"a refusal names an unknown place: {fields['place']!r}"
                held = self.held(metric=metric, place=named, year=year)
            elif name == "UNKNOWN_SUBJECT" and metric is not None:
                subject = self.entity_named.get(fields["subject"], "?")
                held = self.held(metric=metric, place=place, year=year, subject=subject)
            elif name == "MISSING_SCOPE" and metric is not None:
                scope = _SCOPE.fullmatch(fields["scope"])
                assert scope is not None, f"a scope the reply names: {fields['scope']!r}"
                named = self.place_named.get(scope["place"]) if scope["place"] else place
                held = self.held(metric=metric, place=named, year=int(scope["year"]) if scope["year"] else year)
            elif name == "UNKNOWN_ROLE":
                held = self._role_holders(fields["role"], fields["of"])
            if held:
                wrong.append(f"{name} {fields} while the base holds {held[:3]}")
        return wrong

    def _role_holders(self, role_word: str, of: str) -> list[str]:
        role = self.engine.read(role_word).role
        if role is None:
            return []
        where = of.removeprefix(" pour ")
        body, place = self.entity_named.get(where), self.place_named.get(where)
        return [f.id for f in self.people if self.engine.lexicon.role_matches(role, f.role)
                and (not where or f.subject in (body, place) or (place is not None and f.place == place))]
