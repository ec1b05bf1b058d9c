"""Finding the question(s) in a message: sentences, clauses, and the chatter around them.

People write "Bonjour, je suis élue à Laon et on prépare un conseil. Combien de prêts
accordés en 2019 ? Merci !" or "qui préside Habitat Sud et qui dirige Logis Nord ?".
A message is cut into sentences, a sentence into clauses where a new question starts
("..., et qui ...", "... et combien ..."); which parts are questions is decided by the
engine (a question mark, a question word, a request, or simply being answerable).
"""

from __future__ import annotations

import re

__all__ = ["REQUEST", "parts", "question_tail", "split_and", "two_asks"]

MAX_PARTS = 12  # a flood of sentences is read up to here
_QUESTION_WORDS = (
    r"(?:combien|qui|quel|quelle|quels|quelles|où|ou|quand|comment|pourquoi|c'est quoi|c’est quoi|"
    r"qu'est|qu’est|qu'a|qu’a|qu'ont|qu’ont|que|est-ce|(?:de|à|a|sur|pour|avec) (?:quoi|qui)|"
    r"et\s+(?:en|dans|pour|le|la|les|l'|l’|son|sa|ses))"
)
# A sentence ends with . ! ? … or a line break; "Bonjour, combien ..." and "... régional : combien ..." too.
_SENTENCE = re.compile(
    rf"(?<=[.!?…])\s+|\n+|\s*[,:;]\s+(?=(?:{_QUESTION_WORDS})\b)",
    re.IGNORECASE,
)
# A new question inside a sentence: "..., et qui ...", "... et combien ...", "... ; quel ...".
_CLAUSE = re.compile(
    rf"\s*,?\s+(?=et\s+(?:{_QUESTION_WORDS})\b)|\s*,\s+(?=et\s)"
    r"|\s*,\s+(?=(?:pour|parce|car|afin|histoire de|comme ça|comme ca)\b)",  # "..., pour faire un parallèle"
    re.IGNORECASE,
)
# Asking without a question mark: "je voudrais le nombre de ...", "dites-moi ...".
REQUEST = re.compile(
    r"\b(?:voudrais|voulais|aimerais|souhaite\w*|cherche|besoin|savoir|connaitre|connaître|donner|donnez|"
    r"dites|indiquer|indiquez|rappeler|préciser|preciser|confirmer|vérifier|verifier|pouvez|pourriez|peux)\b",
    re.IGNORECASE,
)


def parts(message: str) -> list[str]:
    """The sentences and clauses of a message, in order, with their punctuation kept."""
    out: list[str] = []
    for sentence in _SENTENCE.split(message):
        if sentence is None or not sentence.strip():
            continue
        clauses = [c.strip(" ,;:") for c in _CLAUSE.split(sentence) if c and c.strip(" ,;:")]
        for i, clause in enumerate(clauses):
            if i and _BARE.fullmatch(clauses[i - 1]):
                out[-1] = f"{out[-1]} {clause}"  # "où et quand ...": a lone question word goes with the next
            else:
                out.append(clause)
    return out[-MAX_PARTS:]


_TAIL = re.compile(r"\b(?:combien|qui|quel|quelle|quels|quelles|où|quand|comment)\b", re.IGNORECASE)


def question_tail(part: str) -> str:
    """The end of a part from its last question word ("..., du coup je voulais savoir combien ..."), or ""."""
    found = list(_TAIL.finditer(part))
    return part[found[-1].start():] if found and found[-1].start() > 0 else ""


_BARE = re.compile(r"(?:où|ou|quand|qui|combien|comment|pourquoi)", re.IGNORECASE)
_TWO_WORDS = re.compile(r"\b(où|ou|quand|qui|combien)\s+et\s+(où|ou|quand|qui|combien)\b", re.IGNORECASE)


def two_asks(part: str) -> list[str]:
    """"où et quand aura lieu X ?" is "où aura lieu X ?" and "quand aura lieu X ?"."""
    match = _TWO_WORDS.search(part)
    if match is None or match.group(1).lower() == match.group(2).lower():
        return []
    return [part[: match.start()] + word + part[match.end():] for word in (match.group(1), match.group(2))]


def split_and(part: str) -> list[tuple[str, str]]:
    """Ways to read "X et Y ?" as two questions: (X, Y) for each " et " of the part."""
    pieces = []
    for match in re.finditer(r"\s+et\s+", part):
        left, right = part[: match.start()], part[match.end():]
        if left.strip() and right.strip():
            pieces.append((left.strip(), right.strip()))
    return pieces
