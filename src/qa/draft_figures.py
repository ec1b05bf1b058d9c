"""`qa draft`, the figures and the numbered lists of a document.

A figure is every number of a sentence or list line that counts something (years, dates,
phone numbers and list numbers aside): its clause ("96,4 M€ dans le programme Petites villes de
ville") gives its unit and its metric; "contre 12 583 en 2022" is a second figure of the same
metric for the other year; the list heading above ("Dans le département de la Moselle :")
gives its place when the line names none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .draft_base import Base
from .draft_text import Number, Segment, fold, numbers_in_text, slug, years_in

__all__ = ["Figure", "ListDraft", "attribute_of", "find_figures", "find_lists"]

_NUMBER_WORD = (r"(?:\d|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|quinze|vingt|trente|quarante|"
                r"cinquante|soixante|cent)")
_CLAUSE_END = re.compile(rf"\s*(?:[,;:.()]|\s(?:dont|contre|soit|mais|avec|alors)\s|\set\s+(?={_NUMBER_WORD}))")
_HEAD_BEFORE = re.compile(r"(?:\b(?:un|une|le|la|son|sa|leur)\s+|\bl[’'])([a-zà-ÿ’' -]{3,40}?)\s+(?:de|d[’'])\s*"
                          r"(?:près de\s+|plus de\s+)?$")
_TARGET = re.compile(r"\b(?:objectif|vise|visant|s[’']est fixé|se sont engagés|d[’']ici|cible|prévoit)\b",
                     re.IGNORECASE)
_ENUMERATOR = re.compile(r"^\s*[\w’'-]+\s+(\d+)\s*:")


@dataclass
class Figure:
    number: Number
    segment: Segment
    clause: str  # the words that say what is counted: "prêts accordés", "dans le programme Petites villes de ville"
    unit: str
    metric: str | None
    new_metric: bool
    place: str | None
    year: int | None
    notes: list[str] = field(default_factory=list)  # why a field needs review
    compared: bool = False  # "contre 12 583 en 2022"


@dataclass
class ListDraft:
    noun: str  # "priorité"
    heading: Segment | None
    count: int | None
    items: list[tuple[int, Segment, str]]  # (n, segment, text of the item)


def _unit_of(number: Number, after: str) -> str:
    if number.unit_kind == "percent":
        return "%"
    if number.unit_kind == "money":
        return "euros"
    m = re.match(r"\s*(?:d[’']|de\s+)?([a-zà-ÿœ-]+)", after)
    return m.group(1) if m else ""


def _clause_after(text: str, number: Number) -> str:
    after = text[number.end:]
    m = _CLAUSE_END.search(after)
    return after[: m.start()] if m else after


def _place_of(base: Base, text: str, number: Number, heading: str, region: str | None) -> tuple[str | None, str]:
    """The place a figure is for: named in its sentence (nearest), else its list heading, else "la région"."""
    mentions = base.place_mentions(text)
    if mentions:
        nearest = min(mentions, key=lambda m: abs(m.start - number.start))
        if not re.search(r"\b(?:à|au)\s+$", text[: nearest.start]) or len(mentions) == 1:
            return nearest.key, ""
    if heading:
        named = base.place_mentions(heading)
        if named:
            return named[-1].key, ""
    if region and re.search(r"\b(?:la|de la|dans la) région\b", text, re.IGNORECASE):
        return region, "place: 'la région' read as the document's region"
    return None, ""


def _year_of(text: str, number: Number, section_year: int | None, doc_year: int | None,
             ) -> tuple[int | None, str]:
    stated = [(y, at) for y, at in years_in(text) if not re.search(r"depuis\s+$|période\s+$|-\s*$|^\s*-",
                                                                    text[max(0, at - 10):at])]
    if stated:
        year, _ = min(stated, key=lambda x: abs(x[1] - number.start))
        return year, ""
    if section_year:
        return section_year, f"year {section_year} taken from the section heading"
    if doc_year:
        return doc_year, f"year {doc_year} taken from the document (headline or date): check it"
    return None, ""


def find_figures(base: Base, segments: list[Segment], *, region: str | None, doc_year: int | None,
                 list_nouns: set[str]) -> list[Figure]:
    figures: list[Figure] = []
    for seg in segments:
        if seg.kind == "line":
            continue
        text = seg.text
        skip = []
        enumerator = _ENUMERATOR.match(text)
        if enumerator:
            skip.append((enumerator.start(1), enumerator.end(1)))
        section_years = years_in(seg.section) if re.search(r"chiffres|bilan|année", seg.section, re.I) else []
        section_year = section_years[0][0] if section_years else None
        numbers = numbers_in_text(text, skip)
        main: Figure | None = None
        for number in numbers:
            after = text[number.end:]
            noun = re.match(r"\s*([a-zà-ÿ]+)", after)
            if noun and text.rstrip().endswith(":") and fold(noun.group(1)).rstrip("sx") in list_nouns:
                continue  # "elle fixe six priorités :" is the count of a list
            clause = _clause_after(text, number)
            compared = bool(re.search(r"\bcontre\s+(?:\w+\s+)?$", text[: number.start]))
            notes: list[str] = []
            if compared and main is not None:
                unit, metric, new, place = main.unit, main.metric, main.new_metric, main.place
                year, why = _year_of(text[number.start:], Number(number.printed, 0, 0, 0, "", False),
                                     None, None)
                figures.append(Figure(number, seg, main.clause, unit, metric, new, place, year,
                                      [*main.notes[:1], *( [why] if why else [])], compared=True))
                continue
            unit = _unit_of(number, after)
            before = text[max(0, number.start - 60):number.start]
            head_before = _HEAD_BEFORE.search(before)
            if head_before and number.unit_kind != "count" and not _TARGET.search(head_before.group(1)):
                clause = f"{head_before.group(1)} {clause.strip()}"
            context = f"{before.split(',')[-1]} {number.printed} {clause}"
            metric, _score = base.metric_for(f"{number.printed} {clause}", number.unit_kind)
            new = False
            if metric is None or _TARGET.search(before.split(",")[-1] + " " + clause):
                target = bool(_TARGET.search(before.split(",")[-1] + " " + clause))
                head = metric or slug(_clean(_attribute(unit, clause, number)) or context, 4)
                metric = f"objectif-{head}" if target else (f"part-{head}" if number.unit_kind == "percent" else head)
                new = metric not in base.lexicon.get("metrics", {})
                if new:
                    notes.append(f"metric: new metric '{metric}' proposed (see the lexicon draft)")
            place, why_place = _place_of(base, text, number, seg.heading, region)
            if why_place:
                notes.append(why_place)
            year, why_year = _year_of(re.split(r"\scontre\s", text)[0], number, section_year, doc_year)
            if why_year:
                notes.append(why_year)
            figure = Figure(number, seg, clause, unit, metric, new, place, year, notes)
            figures.append(figure)
            main = figure
    return figures


def _attribute(unit: str, clause: str, number: Number) -> str:
    words = clause.strip()
    if number.unit_kind == "money" and not words:
        return "montant"
    return words if unit in ("%", "euros") or not unit else (words if words.startswith(unit) else f"{unit} {words}")


def _clean(text: str) -> str:
    text = re.sub(r"^(?:d[’']|de\s+|des\s+|du\s+)", "", text.strip())
    return (re.sub(r"\s+(?:en|dans|sur|depuis|d[’']ici|sont|est|étaient|était|ont)\s+.*$", "", text) or text)[:120]


def attribute_of(figure: Figure) -> str:
    return _clean(_attribute(figure.unit, figure.clause, figure.number))


_ITEM = re.compile(r"^(?P<noun>[A-Za-zÀ-ÿ]+)\s+(?P<n>\d+)\s*:\s*(?P<text>.+?)\s*[;.]?$")
_COUNTED = re.compile(r"\b(?P<count>\d+|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze)\s+"
                      r"(?P<noun>[a-zà-ÿ]+)(?:\s+[a-zà-ÿ]+)?\s*:\s*$")
_SMALL = {"deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9, "dix": 10,
          "onze": 11, "douze": 12}


def find_lists(segments: list[Segment]) -> list[ListDraft]:
    """"priorité 1 : …" lines, and bullets under "… autour de 5 engagements :"."""
    lists: list[ListDraft] = []
    previous: Segment | None = None
    current: ListDraft | None = None
    for seg in segments:
        item = _ITEM.match(seg.text)
        if item and seg.kind != "line" or (item and seg.kind == "line"):
            assert item is not None
            noun = fold(item.group("noun"))
            if current is None or current.noun != noun or current.heading is None and not current.items:
                heading = previous if previous is not None and _COUNTED.search(previous.text) else None
                count = _count(heading)
                current = ListDraft(noun, heading, count, [])
                lists.append(current)
            current.items.append((int(item.group("n")), seg, item.group("text")))
            continue
        if seg.kind == "bullet" and seg.heading and _COUNTED.search(seg.heading) and not numbers_in_text(seg.text):
            counted = _COUNTED.search(seg.heading)
            assert counted is not None
            noun = fold(counted.group("noun")).rstrip("sx")
            if current is None or current.heading is None or current.heading.text != seg.heading:
                head = previous if previous is not None and previous.text == seg.heading else None
                current = ListDraft(noun, head, _count(head), [])
                lists.append(current)
            current.items.append((len(current.items) + 1, seg, seg.text.rstrip(" ,;.")))
            continue
        if seg.kind != "bullet":
            current = None if not item else current
            previous = seg
    return [x for x in lists if len(x.items) >= 2]


def _count(heading: Segment | None) -> int | None:
    if heading is None:
        return None
    m = _COUNTED.search(heading.text)
    if not m:
        return None
    word = m.group("count")
    return int(word) if word.isdigit() else _SMALL.get(word)
