"""`qa draft`, reading the text: lines, list headings, sentences, numbers and dates, with their offsets.

Everything here is about the shape of French press texts (bullet lines, "Dans le département
de la Moselle :" headings, « quotations », "3 616", "trente-sept", "le 21 mars 2024"); nothing
names a document, a place or an organisation: those come from the knowledge (draft_base.py).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from text_to_num import text2num

__all__ = [
    "MONTHS", "Number", "Segment", "dates_in", "fold", "numbers_in_text", "segments", "slug", "years_in",
]

MONTHS = {
    "janvier": 1, "février": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7, "août": 8,
    "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12,
}
_MONTH = "(?:" + "|".join(MONTHS) + ")"
_DAYNAME = r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)"
# "le 21 mars 2024", "du 15 au 17 octobre 2024", "Du 04 au 08 décembre dernier", "le mercredi 16 octobre".
DATE = re.compile(
    rf"\b(?:(?:[Dd]u|[Ll]e|[Ll]es)\s+)?(?:{_DAYNAME}\s+)?(?:1er|\d{{1,2}})(?:\s+(?:au|et)\s+(?:{_DAYNAME}\s+)?"
    rf"(?:1er|\d{{1,2}}))?\s+{_MONTH}(?:\s+(?:\d{{4}}|dernier))?\b"
)
_BULLET = re.compile(r"^\s*(?:[-–—•*·]|\d+[.)])\s+")
_YEAR = re.compile(r"(?<![\d,.])(?<!\d[ \u00a0\u202f])\b(19[5-9]\d|20\d\d)\b(?!\d|,\d|[ \u00a0\u202f]\d{3}\b)")


def fold(text: str) -> str:
    """Lower case, no accents, straight apostrophes: for comparing words, never for quoting."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'").replace("œ", "oe").lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def slug(text: str, limit: int = 6) -> str:
    """"Comité régional Habitat Sud Corse" -> "comite-regional-habitat-sud-corse"."""
    words = re.findall(r"[a-z0-9]+", fold(text))
    return "-".join(words[:limit]) or "x"


@dataclass(frozen=True)
class Segment:
    """A sentence of a paragraph, or one line of a list, with where it is and what encloses it."""

    text: str  # verbatim, without the bullet
    start: int  # offset in the document
    kind: str  # "sentence" | "bullet" | "line" (a short line: headline, heading, byline)
    heading: str = ""  # the list heading ("Dans le département de la Moselle :") a bullet sits under
    section: str = ""  # the last short heading line above ("L'année 2023 en chiffres")
    paragraph: int = 0


def _sentences(text: str, start: int) -> list[tuple[str, int]]:
    """Split a paragraph into sentences, never inside « … » (a quotation has sentences of its own)."""
    out: list[tuple[str, int]] = []
    depth, begin, i = 0, 0, 0
    while i < len(text):
        ch = text[i]
        if ch in "«“":
            depth += 1
        elif ch in "»”" and depth:
            depth -= 1
        elif ch in ".!?…" and depth == 0:
            j = i + 1
            while j < len(text) and text[j] in ".!?…)":
                j += 1
            rest = text[j:]
            if not rest.strip() or (rest[:1].isspace() and re.match(r"\s+[«\"“(A-ZÀ-Ý0-9]", rest)):
                piece = text[begin:j]
                lead = len(piece) - len(piece.lstrip())
                if piece.strip():
                    out.append((piece.strip(), start + begin + lead))
                begin = j
            i = j
            continue
        i += 1
    piece = text[begin:]
    if piece.strip():
        out.append((piece.strip(), start + begin + len(piece) - len(piece.lstrip())))
    return out


def _is_heading(line: str) -> bool:
    """A short line without a final full stop: a headline, a section title, a byline."""
    stripped = line.strip()
    ends = stripped.endswith((".", ";", "!", "?", "…", ","))
    return 0 < len(stripped) <= 140 and not ends and not _BULLET.match(line)


def segments(text: str) -> list[Segment]:
    """The document as sentences and bullet lines, each knowing its list heading and section."""
    out: list[Segment] = []
    section, heading = "", ""
    offset = 0
    paragraph = 0
    for raw in text.splitlines(keepends=True):
        line = raw.rstrip("\r\n")
        start = offset
        offset += len(raw)
        stripped = line.strip()
        if not stripped:
            continue
        paragraph += 1
        lead = len(line) - len(line.lstrip())
        bullet = _BULLET.match(line)
        if bullet:
            body = line[bullet.end():].strip()
            out.append(Segment(body, start + bullet.end(), "bullet", heading, section, paragraph))
            continue
        if stripped.endswith(":") and len(stripped) <= 200:
            heading = stripped  # a list follows
            out.append(Segment(stripped, start + lead, "sentence", "", section, paragraph))
            continue
        heading = "" if not re.match(r"^\w+ \d+\s*:", stripped) else heading
        if _is_heading(line) and len(stripped.split()) <= 25:
            section = stripped
            out.append(Segment(stripped, start + lead, "line", "", section, paragraph))
            continue
        for sentence, at in _sentences(line, start):
            out.append(Segment(sentence, at, "sentence", "", section, paragraph))
    return out


def years_in(text: str) -> list[tuple[int, int]]:
    """Years written in a text, with their offsets ("en 2022", "d'ici 2030"), not "2 050"."""
    return [(int(m.group(1)), m.start()) for m in _YEAR.finditer(text)]


def dates_in(text: str) -> list[re.Match[str]]:
    return list(DATE.finditer(text))


# ------------------------------------------------------------------------------------ numbers

_UNITS_WORDS = (
    "zéro|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize|"
    "vingt|vingts|trente|quarante|cinquante|soixante|cent|cents|mille"
)
_WORD_NUMBER = re.compile(
    rf"(?<![\w-])(?:{_UNITS_WORDS})(?:(?:-et-|\s+et\s+|-|\s+)(?:{_UNITS_WORDS}))*(?![\w-])", re.IGNORECASE
)
_APPROX = re.compile(r"(?<![\w-])(une|la)\s+(dizaine|douzaine|quinzaine|vingtaine|trentaine|quarantaine|cinquantaine|"
                     r"centaine|millier)\b", re.IGNORECASE)
_APPROX_VALUE = {"dizaine": 10, "douzaine": 12, "quinzaine": 15, "vingtaine": 20, "trentaine": 30, "quarantaine": 40,
                 "cinquantaine": 50, "centaine": 100, "millier": 1000}
_DIGITS = re.compile(r"(?<![\w.,/@+-])\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?(?![\w@/]|[.,]\d)"
                     r"|(?<![\w.,/@+-])\d+(?:,\d+)?(?![\w@/]|[.,]\d)")
_SCALE = re.compile(r"^\s*(milliards?|millions?|M€|Md€|Mds?€|k€|€|euros?|%|pour ?cent)(\s+d[’']euros)?",
                    re.IGNORECASE)
_FACTOR = {"milliard": 1e9, "milliards": 1e9, "million": 1e6, "millions": 1e6, "m€": 1e6, "md€": 1e9, "mds€": 1e9,
           "md": 1e9, "k€": 1e3}
_MODIFIER = re.compile(r"(?:\b(?:près de|plus de|moins de|environ|quelque|au moins|jusqu[’']à|pas moins de)\s+)$",
                       re.IGNORECASE)


@dataclass(frozen=True)
class Number:
    """A number as printed in a text: "238,5 millions d'euros", "13 947", "trente-sept", "34 %"."""

    printed: str  # the number with its scale and unit sign, as in the text
    start: int  # offset of the number in the text it was found in
    end: int  # offset just after `printed`
    value: float
    unit_kind: str  # "money" | "percent" | "count"
    words: bool  # written in words
    modifier: str = ""  # "près de", "plus de"


def _word_value(phrase: str) -> int | None:
    try:
        return int(text2num(phrase.lower().replace("-", " ").replace(" et ", " "), "fr"))
    except (ValueError, AssertionError):
        return None


def numbers_in_text(text: str, skip: list[tuple[int, int]] | None = None) -> list[Number]:
    """The figures of a sentence: digits (with scale and unit sign) and numbers in words.

    Years alone, dates, phone numbers, e-mails, web addresses and the spans of `skip` are left out.
    """
    blocked = list(skip or [])
    blocked += [(m.start(), m.end()) for m in DATE.finditer(text)]
    blocked += [(m.start(), m.end()) for m in re.finditer(r"\S+@\S+|(?:https?://|www\.)\S+", text)]
    blocked += [(m.start(), m.end()) for m in re.finditer(r"(?<!\d)(?:\+33\s?|0)\d(?:[ .]?\d{2}){4}(?!\d)", text)]
    blocked += [(m.start(), m.end()) for m in re.finditer(r"\b(?:19|20)\d\d\s*[-–/]\s*(?:19|20)\d\d\b", text)]

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in blocked)

    found: list[Number] = []
    for m in _DIGITS.finditer(text):
        raw = m.group()
        if not free(m.start(), m.end()):
            continue
        digits = raw.replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
        if re.fullmatch(r"(19|20)\d\d", raw) and not re.match(r"\s*(?:€|%|euros?\b|M€)", text[m.end():]):
            continue  # a year
        value = float(digits.replace(",", "."))
        end, kind, printed = m.end(), "count", raw
        scale = _SCALE.match(text[m.end():])
        if scale:
            word = scale.group(1).lower().replace(" ", "")
            end = m.end() + scale.end()
            printed = text[m.start():end]
            if word in ("%", "pourcent"):
                kind = "percent"
            else:
                kind = "money" if ("€" in word or "euro" in word or scale.group(2)) else "count"
                value *= _FACTOR.get(word, 1.0)
        modifier = _MODIFIER.search(text[: m.start()])
        found.append(Number(printed.strip(), m.start(), end, value, kind, False,
                            modifier.group().strip().lower() if modifier else ""))
    for m in _APPROX.finditer(text):
        if free(m.start(), m.end()):
            found.append(Number(m.group(), m.start(), m.end(), float(_APPROX_VALUE[m.group(2).lower()]), "count", True))
    for m in _WORD_NUMBER.finditer(text):
        phrase = m.group()
        low = phrase.lower()
        if low in ("un", "une", "zéro") or not free(m.start(), m.end()):
            continue
        after = text[m.end():m.end() + 30]
        before = text[max(0, m.start() - 12):m.start()].lower()
        if low.startswith("neuf") and not re.match(r"\s+[a-zà-ÿ]+[sx]\b", after):
            continue  # "un logement neuf"
        if re.search(r"(?:\b(?:les|des|ses|leurs|nos|vos|ces|aux)|\bl[’'])\s*$", before):
            continue  # "les deux filiales": a reference, not a count
        if not re.match(r"\s+(?:d[’'])?[a-zà-ÿA-ZÀ-Ý]", after) and not _SCALE.match(after):
            continue  # a number word must count something
        counted = _word_value(phrase)
        if counted is None or counted < 2:
            continue
        end, kind = m.end(), "count"
        scale = _SCALE.match(after)
        if scale:
            end += scale.end()
            kind = "percent" if "%" in scale.group(1) or "cent" in scale.group(1) else "money"
        modifier = _MODIFIER.search(text[: m.start()])
        found.append(Number(text[m.start():end], m.start(), end, float(counted), kind, True,
                            modifier.group().strip().lower() if modifier else ""))
    found.sort(key=lambda n: n.start)
    return found
