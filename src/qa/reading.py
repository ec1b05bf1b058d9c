"""Reading one question into slots: `read(lexicon, question) -> Reading`.

The slots are what the engine matches and rules on: the years (exact digits only: 2019
is never read as 2019), the places, the kind of question (combien, qui, où, quand...),
the role, the item of a numbered list ("axe 2", "la 3e priorité", "engagement IV"), the
contact channel, and what a check proposes ("72 ou 75 millions ?", "plus de 10 000 ?",
"Dupont dirige Habitat Sud ?").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import symbols as sym
from .lexicon import DECIMAL, Lexicon
from .normalize import fold

__all__ = ["Reading", "read"]

_YEAR = re.compile(r"^(19|20)\d\d$")
_YEAR_WORDS = ("en", "annee", "depuis", "an", "durant", "pendant", "ici")  # normalised, before a year
_DURATION_WORDS = ("an", "ans", "mois", "semaine", "jour")
_PRONOUNS = frozenset({"il", "elle", "ils", "elles", "lui", "son", "sa", "ses", "leur", "leurs", "celui", "celle"})
# "le contacter", "la dirige"; "y ont participé" (y: the event talked about; not "y a-t-il")
_CLITIC = re.compile(r"\b(?:le|la|les|l) (?:contacter|joindre|ecrire|appeler|dirige|preside)\b"
                     r"|\by (?:ont|a|avait|avaient|etaient|etait|sont|est) (?!t )")
# "qui n'est pas partenaire ?", "quels acteurs ne sont pas signataires ?" (n' is elided by now)
_NEGATED_QUESTION = re.compile(
    r"^(?:qui|quel\w*|lequel\w*|combien|est ce que)\b.{0,40}?\b(?:est|sont|a|ont|fait|font|ont ete)\s+(?:pas|jamais)\b"
)
_FOLLOWUP_STARTS = ("et", "puis", "aussi", "pareil", "meme", "idem", "sinon", "ok", "and")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10}
_SCALES = {"million": 1e6, "milliard": 1e9, "mille": 1e3}
_MONTHS = ("janvier", "fevrier", "mar", "avril", "mai", "juin", "juillet", "aout", "septembre", "octobre",
           "novembre", "decembre")  # normalised ("mars" loses its s)
# A check proposes something to confirm: "c'est bien ...", "... je confirme ?", "est-il ...".
_CONFIRM = re.compile(
    r"\b(?:bien|confirme\w*|vrai|exact\w*|correct\w*|c est ca|est ce que|ou pas|verifier|estce)\b"
    r"|\b(?:est|sont|a|ont|fait|font|dirige|preside|regroupe|compte|existe|etait|etaient|y a)"
    r" t? ?(?:il|elle|ils|elles)\b"
)
# A statement asked with a question mark: "c'était en novembre ?", "Bailleur X c'est un bailleur ?"
_STATES = re.compile(r"^(?:.* )?(?:c )?(?:est|etait|sont|etaient|ete|fait partie|font partie)(?: .*)?$")
# Question words that are not kinds of answer: "quel est le deuxième axe ?" asks, it does not check.
# "que" and "qu'" ask only first ("qu'a-t-il dit ?"); inside, they join ("il a dit qu'un euro...").
_ASKS = re.compile(
    r"\b(?:quel\w*|lequel\w*|laquelle|lesquel\w*|comment|pourquoi|quoi|combien|qui|ou|quand)\b"
    r"|(?:^|[.,;:!?]\s*|\bet\s+)(?:que\b|qu')"
)
# "plus de 10 000 ?" checks; "moins de 30 ans" is an age
_MORE = re.compile(r"\b(?:plus de|au moins|plus que|depasse|superieur a|au dela de)\s+(\d+(?:\.\d+)?)(?! (?:an|mois))")
_LESS = re.compile(r"\b(?:moins de|moins que|inferieur a|pas plus de|au plus)\s+(\d+(?:\.\d+)?)(?! (?:an|mois))")
_OR = re.compile(r"\b(\d+(?:\.\d+)?)\s+(?:\w+\s+)?ou\s+(\d+(?:\.\d+)?)\b")
# Targets, in a question or in a fact: "objectif", "prévus", "d'ici 2030", "à rénover".
AIMS = re.compile(
    r"\b(?:objectif\w*|cible\w*|vise\w*|prevu\w*|prevoi\w*|ambition\w*|engage\w* a|de ici|veut|veulent|"
    r"a (?:renover|construire|produire|rehabiliter|loger|livrer|creer)|horizon|pour quand)\b"
)
_LAST = ("dernier", "derniere", "ultime")
_WHICH = frozenset({"quel", "quelle", "quels", "quelles"})
_FILLERS = frozenset({"y", "a", "t", "il", "ont", "sont", "est", "ete", "avait", "avaient", "en", "au", "total"})
# What the documents cannot settle: what came after them ("la prochaine", "a-t-elle finalement").
_FUTURE = re.compile(
    r"\b(?:prochaine?|aura|auront|sera|seront|finalement|au final|toujours?|futur\w*|a permis|ont permis|"
    r"abouti\w*|"
    r"depuis (?:sa|la|leur|son) (?:signature|creation|lancement)|a ete vote\w*|a ete adopte\w*)\b"
)
_STEPS = {"suivant": 1, "suivante": 1, "prochain": 1, "prochaine": 1, "precedent": -1, "precedente": -1}


@dataclass(frozen=True)
class Reading:
    """What the engine understood of one question."""

    normalized: str
    concepts: tuple[str, ...]  # content symbols: concepts and @entities, in question order
    original: str = ""
    years: tuple[int, ...] = ()  # 0 for a date relative to "now" ("l'an dernier")
    year_shift: int = 0  # "l'année d'avant" -1, "l'année suivante" +1: relative to the conversation
    places: tuple[str, ...] = ()  # in the order named
    place_kind: str | None = None  # "la région", "le département": the conversation's
    kinds: frozenset[str] = frozenset()
    role: str | None = None
    role_word: str | None = None
    counted: tuple[str, ...] = ()  # the words after "combien de", where what is counted is named
    list_noun: str | None = None  # "axe", "priorite": which numbered list
    item: int | None = None  # "axe 2", "la 2e priorité"
    ordinal: int | None = None  # "le 3e" with no noun
    last: bool = False  # "le dernier"
    step: int = 0  # "suivant" +1, "précédent" -1
    channels: frozenset[str] = frozenset()  # contact channels asked: "email", "phone"...
    check: str | None = None  # "or", "more", "less", "yesno": something to confirm
    numbers: tuple[float, ...] = ()  # what a check proposes, at full scale (72 millions -> 72e6)
    months: tuple[str, ...] = ()
    future: bool = False  # about what came after the documents: a check they cannot settle
    aims: bool = False  # asks for a target ("objectif", "prévus", "d'ici 2030", "à rénover")
    pronoun: bool = False  # "il", "son", "la contacter": someone named before
    negation: bool = False  # "qui n'est pas partenaire": not something the base can list
    unknown: tuple[str, ...] = ()  # content words that no fact nor lexicon entry knows
    outside: tuple[str, ...] = ()  # topics the lexicon says the documents do not cover ("loyer")
    ambiguous_names: tuple[str, ...] = ()  # e.g. "martin": two people
    followup: bool = False
    focus: str | None = None  # the concept a "quel ..." asks about ("quel financement", "quel contexte")
    asks: bool = False  # a question word ("quel", "qu'a-t-il") even when no kind of answer follows
    smalltalk: str | None = None
    english: bool = False

    @property
    def entities(self) -> tuple[str, ...]:
        return tuple(c for c in self.concepts if sym.is_entity(c))

    @property
    def place(self) -> str | None:
        return self.places[0] if self.places else None


def _counted(words: list[str], symbols: list[str], positions: list[int]) -> tuple[str, ...]:
    """The content symbols of the 3 words after "combien de" / "nombre de".

    "combien pour le PNRQAD" or "combien a été investi" count nothing in particular.
    """
    start = next((p for s, p in zip(symbols, positions, strict=True) if s == "kind:count"), None)
    if start is None:
        return ()
    # "combien de X", "combien y a-t-il de X", "combien il y a de X": the first "de" close by.
    found = next((i for i in range(start + 1, min(start + 6, len(words))) if words[i] in ("de", "des", "du")), None)
    between = words[start + 1 : found] if found is not None else []
    if found is None or any(w not in _FILLERS for w in between):
        return ()
    first = found + 1
    return tuple(s for s, p in zip(symbols, positions, strict=True) if first <= p < first + 3 and ":" not in s)


def _scaled(number: str, after: str) -> float:
    value = float(number)
    return value * _SCALES.get(after, 1.0)


def _item_after(words: list[str], at: int) -> int | None:
    """The number written after a list noun: "axe 2", "axe n 2", "axe numero 2", "axe II"."""
    for word in words[at + 1 : at + 3]:
        if word.isdigit() and len(word) <= 2:
            return int(word)
        if word in ("un", "une"):
            return 1  # "axe numéro un" (text2num leaves "un" alone)
        if word in _ROMAN:
            return _ROMAN[word]
        if word.startswith("#"):
            return int(word[1:])
        if word not in ("n", "numero", "num", "no"):
            return None
    return None


def read(lexicon: Lexicon, question: str, *, list_nouns: frozenset[str] = frozenset()) -> Reading:
    raw_words = fold(question).split()
    english_hits = sum(1 for w in raw_words if w.strip("?!.,") in lexicon.english)
    words = [lexicon.correct(w) for w in lexicon.normalize(question).split()]
    normalized = " ".join(words)
    positions: list[int] = []
    sizes: list[int] = []
    symbols, unknown = lexicon.symbolize(words, positions, sizes)
    named = {i for s, p, n in zip(symbols, positions, sizes, strict=True) if s.startswith((sym.ENTITY, sym.PLACE))
             for i in range(p, p + n)}
    free = " ".join(w for i, w in enumerate(words) if i not in named)  # "FHS-AURA" is a name, not "will have"
    concepts: list[str] = []
    years: list[int] = []
    places: list[str] = []
    kinds: set[str] = set()
    channels: set[str] = set()
    place_kind = role = role_word = list_noun = None
    item = ordinal = None
    year_shift = 0
    for symbol, position in zip(symbols, positions, strict=True):
        before = words[position - 1] if position > 0 else ""
        after = words[position + 1] if position + 1 < len(words) else ""
        if symbol == "time:now" or (symbol.isdigit() and after in _DURATION_WORDS and before != "ici"):
            years.append(0)  # "l'an dernier", "il y a 3 ans": relative to a date the documents do not give
        elif symbol in ("time:before", "time:after"):
            year_shift = -1 if symbol == "time:before" else 1
        elif symbol.isdigit() and before in _YEAR_WORDS and not _YEAR.match(symbol) and len(symbol) != 3:
            # "en 19" is 2019; "en 2201", "en 99999": a year the base cannot have
            years.append(2000 + int(symbol) if len(symbol) == 2 else int(symbol) if len(symbol) < 9 else 0)
        elif symbol.startswith(sym.PLACE):
            if symbol[4:] not in places:
                places.append(symbol[4:])
        elif symbol.startswith(sym.PLACE_KIND):
            place_kind = symbol[10:]
        elif symbol.startswith(sym.KIND):
            kinds.add(symbol[5:])
        elif symbol.startswith(sym.CHANNEL):
            if not (symbol == "channel:phone" and after.isdigit()):  # "numéro 2" is an item
                channels.add(symbol[8:])
        elif symbol.startswith(sym.TIME):
            continue
        elif symbol.startswith(sym.ROLE):
            role = symbol[5:]
            role_word = " ".join(words[position : position + 1])
            concepts.append(symbol)
        elif _YEAR.match(symbol) and not (before == "ou" or after == "ou"):
            years.append(int(symbol))
        elif symbol.startswith("#"):
            ordinal = int(symbol[1:])
        else:
            if symbol in list_nouns:
                list_noun = symbol
                item = item or _item_after(words, position)
            concepts.append(symbol)
    if list_noun is not None and item is None and ordinal is not None:
        item, ordinal = ordinal, None  # "la 2e priorité"
    if item is not None:
        concepts = [c for c in concepts if c != str(item)]
    if words and (words[0] in ("ou", "where") or words[-1] == "ou"):
        kinds.add("where")  # "où est ...", "c'était où ?"
    text = f" {normalized} "
    # Numbers that name a place ("dans le 29") are no value to check.
    free_words = [w if i not in named else "" for i, w in enumerate(words)]
    check, numbers = _check(free_words, free, kinds, item, asked=question.rstrip().endswith("?"))
    asks = _asks(question, normalized)
    if check is not None and asks and check != "or":
        check = None  # "qu'a-t-il dit ?", "quel pourcentage avaient moins de 30 ans ?" ask; they do not check
    persons = [c for c in concepts if sym.is_entity(c) and lexicon.entity_kinds.get(sym.entity_key(c)) == "person"]
    states = bool(_STATES.search(free)) and question.rstrip().endswith("?") and not asks
    if check is None and not asks and not kinds - {"what"} and (states or (persons and (role or len(persons) < len(
            [c for c in concepts if sym.is_entity(c)])))) and (states or question.rstrip().endswith("?")):
        check = "yesno"  # "Dupont il dirige Habitat Sud ?", "la convention, c'était à Arras ?"
    months = tuple(m for m in _MONTHS if f" {m} " in text)
    asked_mark = "?" in question
    smalltalk = _smalltalk(lexicon, words, normalized, bare=not concepts and not kinds or (not kinds and not asked_mark
                           and bool(words) and words[0] in lexicon.smalltalk.get("thanks", ())))
    role_word = _typed_role(lexicon, question, role) if role else None
    return Reading(
        original=question,
        normalized=normalized,
        concepts=tuple(dict.fromkeys(concepts)) if smalltalk is None or normalized not in
        lexicon.smalltalk.get(smalltalk, ()) else (),
        years=tuple(years),
        year_shift=year_shift,
        places=tuple(places),
        place_kind=place_kind,
        kinds=frozenset(kinds),
        role=role,
        role_word=role_word,
        counted=_counted(words, symbols, positions),
        list_noun=list_noun,
        item=item,
        ordinal=ordinal,
        last=any(w in _LAST for w in words),
        step=next((_STEPS[w] for w in words if w in _STEPS), 0),
        channels=frozenset(channels),
        check=check,
        numbers=numbers,
        months=months,
        future=bool(_FUTURE.search(free)),
        aims=bool(AIMS.search(normalized)),
        pronoun=bool(_PRONOUNS & set(words)) or bool(_CLITIC.search(normalized)),
        negation=bool(_NEGATED_QUESTION.search(_unquoted(lexicon, question))),
        unknown=tuple(unknown),
        outside=tuple(w for w in unknown if w in lexicon.outside),
        ambiguous_names=tuple(c for c in concepts if c in lexicon.ambiguous_names),
        followup=bool(words) and words[0] in _FOLLOWUP_STARTS,
        focus=_focus(words, symbols, positions),
        asks=asks,
        smalltalk=smalltalk,
        english=english_hits >= 3 and english_hits >= len(raw_words) // 2,
    )


def _asks(question: str, normalized: str) -> bool:
    """A question word, as typed ("qu'a-t-il") or once shorthand is expanded ("c koi" -> "c'est quoi")."""
    typed = fold(question).strip().replace("est-ce que", "").replace("est ce que", "")
    return bool(_ASKS.search(typed) or _ASKS.search(normalized.replace("est ce que", "")))


def _focus(words: list[str], symbols: list[str], positions: list[int]) -> str | None:
    """The concept a "quel ..." asks about: the first one after the question word."""
    which = next((i for i, w in enumerate(words) if w in _WHICH), None)
    if which is None:
        return None
    return next((s for s, p in zip(symbols, positions, strict=True) if p > which and not sym.is_slot(s)), None)


def _unquoted(lexicon: Lexicon, question: str) -> str:
    """The question without what it quotes: « on n'est pas que des poseurs » is not a negation."""
    return lexicon.normalize(re.sub(r"«[^»]*»|\"[^\"]*\"|“[^”]*”", " ", question))


def _typed_role(lexicon: Lexicon, question: str, role: str) -> str:
    """The role as the user wrote it ("présidente"), else its label."""
    words = set(lexicon.normalize(question).split())
    table = lexicon.roles.get(role, {})
    for word in [table.get("feminine", ""), table.get("label", ""), *table.get("words", [])]:
        if word and set(lexicon.normalize(word).split()) <= words:
            return str(word)
    return lexicon.role_label(role) if role != "head" else "dirigeant"


def _check(words: list[str], normalized: str, kinds: set[str], item: int | None, *,
           asked: bool) -> tuple[str | None, tuple[float, ...]]:
    """What the question asks to confirm, and the numbers it proposes (at full scale)."""
    def scaled(match: re.Match[str], group: int) -> float:
        rest = normalized[match.end(group):].split()
        return _scaled(match.group(group), rest[0] if rest else "")

    typed = [(i, w) for i, w in enumerate(words) if (w.isdigit() or DECIMAL.fullmatch(w)) and not _YEAR.match(w)]
    proposed = tuple(
        _scaled(w, words[i + 1] if i + 1 < len(words) else "") for i, w in typed if item is None or w != str(item)
    )
    if (match := _OR.search(normalized)) is not None:
        second = scaled(match, 2)
        first = float(match.group(1)) * (second / float(match.group(2)) if float(match.group(2)) else 1.0)
        return "or", (first, second)  # "72 ou 75 millions": both in millions
    if (match := _MORE.search(normalized)) is not None:
        return "more", (scaled(match, 1),)
    if (match := _LESS.search(normalized)) is not None:
        return "less", (scaled(match, 1),)
    asks = kinds - {"what"}
    confirm = _CONFIRM.search(normalized)
    explicit = confirm is not None and (asked or confirm.group().startswith(("est ce", "confirm", "ou pas")))
    if not asks and (explicit or (proposed and asked)):
        return "yesno", proposed
    return None, proposed


def _smalltalk(lexicon: Lexicon, words: list[str], normalized: str, *, bare: bool) -> str | None:
    content = [w for w in words if w not in lexicon.smalltalk.get("greeting", set())]
    found = None
    for kind, phrases in lexicon.smalltalk.items():
        if normalized in phrases:
            return str(kind)  # the whole question is small talk ("aide", "merci")
        if kind == "greeting" and bare and words and words[0] in phrases:
            found = kind
    if found is None and bare and any(w in lexicon.smalltalk.get("thanks", ()) for w in words):
        found = "thanks"  # "ok merci", "merci bien"
    if found is None and words and not content:
        found = "greeting"
    return found
