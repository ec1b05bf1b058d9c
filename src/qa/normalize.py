"""French text normalisation: the same function reads questions, phrasings and the lexicon.

`normalize("Combien de places rénovées en deux mille dix-neuf ?")` gives
`"combien de place renovee en 2019"`: lower case, no accents (œ -> oe), no elisions,
no punctuation or emoji, digit groups joined ("3 616" -> "3616"), decimal commas as points,
number words as digits, ordinals as "#n", and a light stemming of plurals and feminines.

Everything that is matched later goes through this one function, so the lexicon may be
written in ordinary French and still meet typed questions.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache

from text_to_num import alpha2digit

__all__ = ["Normalizer", "fold", "normalize", "stem"]

_APOSTROPHES = str.maketrans(
    {"’": "'", "ʼ": "'", "`": "'", "´": "'", "‘": "'", "œ": "oe", "æ": "ae",
     "€": " euros ", "%": " pourcent ", "°": " "}
)
# Thousands written "3 616", "3.616" or with a no-break space; not "2019 3" nor "144,7".
_DIGIT_GROUPS = re.compile(r"(?<![\d,.])\d{1,3}(?:[ \u00a0\u202f\u2009.]\d{3})+(?![\d,]\d)")
_JOINERS = re.compile(r"[-_/']")
_NUMERO = re.compile(r"\bn\s*(?=\d)")
_NOT_DIGIT = re.compile(r"\D")
_DECIMAL_COMMA = re.compile(r"(?<=\d),(?=\d)")
_TAG = re.compile(r"</?[a-z][^<>]{0,200}>")  # "<b>combien</b>": markup is not a word
_ELISION_DE = re.compile(r"\bd'")
_ELISION = re.compile(r"\b(?:jusqu|lorsqu|puisqu|qu|[ldjtnmsc])'")
# What survives as a token: letters, digits and the decimal point ("#n" ordinals come later).
_NOT_TOKEN = re.compile(r"[^a-z0-9.]+")
_LONE_POINT = re.compile(r"(?<!\d)\.|\.(?!\d)")
# "entre deux mille dix et deux mille vingt": text2num reads "dix et deux" as one number.
# Only "et un", "et une", "et onze" continue a number in French; split on every other "et".
_ET_SPLIT = re.compile(r"\s+et\s+(?!(?:un|une|onze|unieme)\b)")

_ORDINALS = {
    "premier": 1, "premiere": 1, "1er": 1, "1ere": 1, "1re": 1,
    "deuxieme": 2, "second": 2, "seconde": 2, "2e": 2, "2eme": 2, "2nd": 2, "2nde": 2, "deuz": 2,
    "troisieme": 3, "3e": 3, "3eme": 3,
    "quatrieme": 4, "4e": 4, "4eme": 4,
    "cinquieme": 5, "5e": 5, "5eme": 5,
    "sixieme": 6, "septieme": 7, "huitieme": 8, "neuvieme": 9, "dixieme": 10, "onzieme": 11, "douzieme": 12,
}
_NTH = re.compile(r"^(\d{1,2})(?:e|eme|er|ere|re|nd|nde)$")  # "7e", "10eme", "1er"


def fold(text: str) -> str:
    """Lower case without accents, œ -> oe, typographic apostrophes made straight."""
    text = unicodedata.normalize("NFKC", text).lower().translate(_APOSTROPHES)
    if text.isascii():
        return text
    # Accents go with their base letter; what has no ASCII form (emoji) goes entirely.
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


# text2num turns a lone "millions" into 1000000: "144,7 millions" must stay as it is.
_SCALE_WORDS = re.compile(r"\b(milliard|million)(s?)\b")
_SCALE_RESTORE = re.compile(r"\bqqscale(milliard|million)(s?)\b")


# "des foyers neufs" are new, not nine: "neuf" is a number only inside one ("dix-neuf", "neuf cents").
_NEUF = re.compile(r"(?<!dix )(?<!vingt )(?<!trente )(?<!quarante )(?<!cinquante )(?<!soixante )(?<!quatre vingt )"
                   r"\b(neuf|neufs)\b(?! (?:cent|cents|mille|million|millions|milliard|milliards)\b)")
_NEUF_RESTORE = re.compile(r"\bqqneuf(s?)\b")


def _number_words(text: str) -> str:
    text = _NEUF.sub(lambda m: "qqneuf" + ("s" if m.group(1).endswith("s") else ""), text)
    text = _SCALE_WORDS.sub(r"qqscale\1\2", text)
    parts = _ET_SPLIT.split(text)
    # text2num leaves "un", "deux" alone below its threshold; "trois" becomes 3.
    converted = [alpha2digit(p, "fr") if p else p for p in parts]
    return _NEUF_RESTORE.sub(r"neuf\1", _SCALE_RESTORE.sub(r"\1\2", " et ".join(converted)))


# Words ending in s that are not plurals, and would meet another word once stemmed
# ("nous sommes" is not "une somme").
_NOT_PLURALS = frozenset({"sommes", "fois", "dans", "sous", "plus", "moins", "alors", "apres", "depuis", "vers"})


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light French stemmer: plurals and feminines only, so logement != loge.

    Snowball's French stemmer reduces both "logements" and "logés" to "log", which
    merges two different figures of our base; this one keeps them apart.
    """
    if len(word) <= 3 or not word.isalpha() or word in _NOT_PLURALS:
        return word
    if word.endswith("eaux"):
        return word[:-1]
    if word.endswith("aux") and len(word) > 4:
        return word[:-3] + "al"
    if word.endswith(("s", "x")) and not word.endswith("ss"):
        word = word[:-1]
    if word.endswith("ee") and len(word) > 4:
        word = word[:-1]
    return word


class Normalizer:
    """Normalises text, expanding whole-word shorthand ("cb" -> "combien") first.

    Results are cached: users ask the same short questions again and again.
    """

    def __init__(self, shorthand: Mapping[str, str] | None = None) -> None:
        self._shorthand = {fold(k): self._clean(fold(v)).split() for k, v in (shorthand or {}).items()}
        self._cache: dict[str, str] = {}

    @staticmethod
    def _clean(text: str) -> str:
        text = _TAG.sub(" ", text)
        # "d'euros" keeps its "de": "combien d'euros" says what is counted, like "combien de".
        text = _ELISION_DE.sub("de ", text)
        text = _ELISION.sub(" ", text)
        text = _JOINERS.sub(" ", text)
        text = _NUMERO.sub(" ", text)  # "axe n°2" (the ° is gone by now)
        text = _DIGIT_GROUPS.sub(lambda m: _NOT_DIGIT.sub("", m.group()), text)
        text = _DECIMAL_COMMA.sub(".", text)
        text = _NOT_TOKEN.sub(" ", text)
        return _LONE_POINT.sub(" ", text)

    def forget(self) -> None:
        self._cache.clear()

    def __call__(self, text: str) -> str:
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        words: list[str] = []
        for word in self._clean(fold(text[:4096])).split():
            words.extend(self._shorthand.get(word, (word,)))
        out = []
        for word in _number_words(" ".join(words)).split():
            nth = _NTH.match(word)
            ordinal = _ORDINALS.get(word) or (int(nth.group(1)) if nth else None)
            # text2num leaves "deux" as a word ("un" too, but "un" is mostly an article).
            out.append(f"#{ordinal}" if ordinal else "2" if word == "deux" else stem(word))
        result = " ".join(out)
        if len(self._cache) > 20000:  # bounded: a flood of distinct texts cannot grow it
            self._cache.clear()
        self._cache[text] = result
        return result


_PLAIN = Normalizer()


def normalize(text: str) -> str:
    """Normalise French text without shorthand expansion (see Normalizer)."""
    return _PLAIN(text)
