"""`qa draft`, who is named: people with their roles, organisations, quotations, contacts.

Patterns of French press texts, each anchored on something reliable (a role word of the
lexicon, « guillemets », an e-mail address) rather than on capitals alone:

- "X, présidente de Y" / "a souligné X, directeur général de Y";
- "le maire de Z, X" / "la vice-présidente de la Région Grand Est chargée du logement, X";
- "« … », a expliqué X" / "Pour X, « … »" / "« … », a-t-elle résumé";
- "Contact presse : X, chargée de communication, x@y.fr, 04 76 58 21 39", "www.site.fr".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .draft_base import Base
from .draft_text import Segment, fold, slug

__all__ = ["NAME", "Org", "Person", "contacts_in", "find_people", "find_quotations", "org_names", "Quotation"]

_UP = "A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸ"
_LOW = "a-zàâäçéèêëîïôöùûüÿœ"
_FIRST = rf"[{_UP}][{_LOW}]+(?:-[{_UP}][{_LOW}]+)?"
_LAST = rf"(?:(?:de|du|van|von|le|la)\s+)?[{_UP}][{_UP}{_LOW}'’-]+"
NAME = rf"{_FIRST}(?:\s+{_LAST}){{1,2}}"
_NAME_RE = re.compile(rf"(?<![\w-]){NAME}(?![\w-])")
_ARTICLE = r"(?:\b(?:[Ll]e|[Ll]a|[Ll][’']|du|de\s+la|de\s+l[’']|au|à\s+la|[Ss]on|[Ss]a)\s*)"
# Words that start organisation names: "l'association Les Toits du Val", "la Fédération Habitat Social …".
ORG_HEADS = (
    "Association|Fédération|Agence|Fonds|Confédération|Cluster|Comité|Union|Banque|Chambre|Réseau|Office|"
    "Groupe|Conseil|Caisse|Syndicat|Institut|Observatoire|Société|Coopérative|Collectif|Établissement|Région|"
    "Département|Métropole|Communauté|Mutuelle|Fondation"
)
_ORG_WORDS = re.compile(r"\b(Habitat|Logis|Logement|Immobilier|HLM|Foncière|Résidences?|Habitations?)\b")
_CONNECT = r"(?:de|des|du|la|le|l[’']|d[’']|pour|et|en|à|sur|aux|au)"
_CAPRUN = rf"[{_UP}0-9][\w’'-]*(?:\s+(?:{_CONNECT}\s*)?[{_UP}][\w’'-]*)*"
_ORG_RE = re.compile(
    rf"(?<![\w-])(?:(?:{ORG_HEADS})(?:\s+(?:{_CONNECT}\s*)?[\w’'-]+){{0,7}}?"
    rf"(?=\s*(?:[,.;:()«»]|\s(?:a|est|qui|que|dont|ont|sera|avec|et\s+(?:le|la|l[’']|les)|organise|s[’']|rassemble)\b|$))"
    rf"|{_CAPRUN})"
)
_SPEECH = (r"(?:a|avait|ont)?\s*(?:souligné|expliqué|déclaré|affirmé|insisté|résumé|rappelé|ajouté|précisé|"
           r"indiqué|estimé|conclu|prévenu|salué|lancé|confié|observé|noté|martelé)|prévient|insiste|estime|"
           r"explique|souligne|déclare|affirme|résume|rappelle|ajoute|précise|indique|conclut|assure|note|"
           r"a-t-(?:il|elle)\s+\w+|précisera|déclinera")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<!\d)(?:\+33\s?\d|0\d)(?:[ .]?\d{2}){4}(?!\d)")
_WEB = re.compile(r"(?:https?://|www\.)[^\s,;«»()]+[^\s,;.«»()]")


@dataclass
class Person:
    name: str
    start: int  # offset in the document
    role: str | None  # role key of the lexicon, or a proposed one
    role_text: str  # as printed: "directrice générale d'Est Lumière Habitat"
    org_text: str  # "Est Lumière Habitat", "Forbach", "" when the role names no body
    quote: str
    new_role: bool = False


@dataclass
class Quotation:
    speaker: str
    words: str  # what is between « and »
    quote: str
    start: int


@dataclass
class Org:
    name: str
    acronym: str
    start: int


_TOKEN = re.compile(r"[\w’'-]+|[^\w\s]")
_CONNECTORS = frozenset({
    "de", "des", "du", "la", "le", "l'", "l’", "d'", "d’", "pour", "et", "en", "à", "sur", "aux", "au",
})
_STOPS = re.compile(r"(?:chargée?s?|déléguée?s?|depuis|dont|qui|que|où|a|est|ont|sera|organise|rassemble|"
                    r"représente|soutient|gère|regroupe|fédère|réunit|accueille|s|se)$")


def _walk_name(text: str, start: int) -> str:
    """The organisation name starting at `start`: capitalised words, their connectors, a few
    lowercase words ("Fonds rhônalpin pour la transition énergétique") when punctuation or a
    verb ends them; else up to the last capitalised word."""
    words: list[tuple[str, int]] = []
    lower, last_capital, clean_end = 0, 0, False
    for m in _TOKEN.finditer(text, start):
        token = m.group()
        if not words:
            words.append((token, m.end()))
            last_capital = 1
            continue
        if token[:1].isdigit():
            break
        if not token[:1].isalpha() or "\n" in text[words[-1][1]:m.start()] or _STOPS.match(token) or \
                re.match(r"[sn][’']", token) or token == "et":
            clean_end = True
            break
        if token[:1].isupper():
            words.append((token, m.end()))
            last_capital = len(words)
        elif token in _CONNECTORS and token != "et" or token.endswith(("'", "’")):
            words.append((token, m.end()))
        elif lower < 3 and token != "et":
            lower += 1
            words.append((token, m.end()))
        else:
            break
    else:
        clean_end = True
    if not clean_end:
        words = words[:last_capital]
    while words and (words[-1][0] in _CONNECTORS or words[-1][0].endswith(("'", "’"))):
        words.pop()
    return text[start:words[-1][1]] if words else ""


def org_names(text: str) -> list[tuple[str, int]]:
    """Organisation names introduced by a head word: "la Fédération Habitat Social …", "l'Agence …"."""
    out: list[tuple[str, int]] = []
    for m in re.finditer(rf"(?<![\w-])(?:{ORG_HEADS})\b", text):
        name = _walk_name(text, m.start())
        if len(name.split()) >= 2 and not re.search(r"\s(?:et|de)\s+(?:des|les)\s", name):
            out.append((name, m.start()))
    return out


def _role_and_org(base: Base, phrase: str) -> tuple[str | None, str, str, bool]:
    """"directrice générale d'Est Lumière Habitat, …" -> (role, role text, org text, new role?)."""
    phrase = phrase.strip()
    found = base.role_at(phrase)
    new = False
    if found is None:
        m = re.match(rf"([{_LOW}-]+(?:\s+[{_LOW}-]+)?)\s+(?:de|du|des|d[’'])", phrase)
        if not m or not re.search(r"(?:eur|rice|ent|ente|aire|ier|ière|iste|ien|ienne|ète|et)$", m.group(1)) or \
                not re.match(rf"\s+(?:de|du|des|d[’'])\s*(?:la\s+|l[’'])?[{_UP}]", phrase[len(m.group(1)):]):
            return None, "", "", False
        role_key, length, new = slug(m.group(1)), len(m.group(1)), True
    else:
        role_key, length = found
    rest = phrase[length:]
    org = ""
    m = re.match(r"\s*(?:de\s+la|de\s+l[’']|du|des|de|d[’']|au|à\s+la)\s*(.+)", rest)
    if m:
        org = re.split(r"\s+(?:chargée?s?|déléguée?s?|depuis|dont|qui|où|en charge)\b|[,;:.«(]", m.group(1))[0].strip()
    return role_key, phrase[: length + len(rest.split(",")[0])].strip(), org, new


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause around [start, end): back to the sentence start or a closing », on to the sentence end."""
    left = max(text.rfind("»", 0, start) + 1, 0)
    while left < start and text[left] in " ,":
        left += 1
    return left, len(text)


def find_people(base: Base, segments: list[Segment]) -> list[Person]:
    people: list[Person] = []
    roles = "|".join(re.escape(w) for w in sorted({w for w in base.role_words()}, key=len, reverse=True))
    before_name = re.compile(rf"{_ARTICLE}(?P<role>(?:{roles})\b[^,;:«»]*?),\s+(?P<name>{NAME})"
                             r"(?=\s*[,.;:]|\s+(?:a|avait|est|qui)\b)", re.IGNORECASE)
    after_name = re.compile(rf"(?<![\w-])(?P<name>{NAME}),\s+(?P<role>[^,;«»]+?)(?=\s*(?:[,;.«»]|$))")
    for seg in segments:
        text = seg.text
        taken: list[tuple[int, int]] = []
        pos = 0
        while (m := after_name.search(text, pos)) is not None:
            pos = m.start() + 1
            role, role_text, org, new = _role_and_org(base, m.group("role"))
            if role is None or not _is_name(m.group("name"), base):
                continue
            pos = m.end()
            left, right = _clause(text, m.start(), m.end())
            people.append(Person(m.group("name"), seg.start + m.start(), role, role_text, org, text[left:right], new))
            taken.append((m.start("name"), m.end("name")))
        folded = fold(text)
        for m in before_name.finditer(folded):
            name = text[m.start("name"):m.end("name")]
            if any(a <= m.start("name") < b for a, b in taken) or not _is_name(name, base):
                continue
            role, role_text, org, new = _role_and_org(base, text[m.start("role"):m.end("role")])
            if role is None:
                continue
            left = max(text.rfind("»", 0, m.start()) + 1, text.rfind(",", 0, m.start()) + 1, 0)
            while left < m.start() and text[left] in " ,":
                left += 1
            left = 0 if not text[left:m.start()].strip() or text.rfind(",", 0, m.start()) < 0 else left
            people.append(Person(name, seg.start + m.start("name"), role, role_text, org, text[left:], new))
    return people


def _is_name(name: str, base: Base | None = None) -> bool:
    """A person's name, not "Habitat Sud" nor "Dans le Bas-Rhin"."""
    first = name.split()[0]
    if re.match(rf"(?:{ORG_HEADS}|Dans|Pour|Le|La|Les|En|Contact|Source|Selon|Sur|Avec|Après|Depuis)$", first):
        return False
    if _ORG_WORDS.search(name):
        return False
    return base is None or base.entity_named(name) is None or base.lexicon["entities"][
        base.entity_named(name)].get("kind") == "person"


_QUOTE = re.compile(r"«\s*([^«»]+?)\s*»")


def find_quotations(segments: list[Segment], people: list[Person]) -> list[Quotation]:
    """Quotations with their speaker: named next to them, or the last person named ("a-t-elle dit")."""
    out: list[Quotation] = []
    names = sorted(people, key=lambda p: p.start)
    for seg in segments:
        for m in _QUOTE.finditer(seg.text):
            words = m.group(1)
            if len(words.split()) < 5:
                continue  # « Rénover mieux, rénover plus », « spécifique »: names, not words said
            after, before = seg.text[m.end():], seg.text[: m.start()]
            speaker = ""
            incise = re.match(rf"\s*,\s*(?:{_SPEECH})\s+(?:notamment\s+)?(?P<name>{NAME})", after)
            named_before = list(_NAME_RE.finditer(before))
            if incise:
                speaker = incise.group("name")
            elif re.match(rf"\s*,\s*(?:{_SPEECH})", after) or not named_before:
                earlier = [p for p in names if p.start < seg.start + m.start()]
                speaker = earlier[-1].name if earlier and re.match(r"\s*,", after) else ""
            else:
                speaker = named_before[-1].group()
            if not speaker or not _is_name(speaker):
                continue
            out.append(Quotation(speaker, words, seg.text, seg.start + m.start()))
    return out


def contacts_in(segments: list[Segment]) -> list[tuple[str, str, Segment, str]]:
    """(channel, value, segment, person named before it on its line) for e-mails, phones and websites."""
    out: list[tuple[str, str, Segment, str]] = []
    for seg in segments:
        found = [("email", m) for m in _EMAIL.finditer(seg.text)]
        found += [("phone", m) for m in _PHONE.finditer(seg.text)]
        found += [("web", m) for m in _WEB.finditer(seg.text) if not any(
            e.start() <= m.start() < e.end() for _, e in found)]
        for channel, m in found:
            names = list(_NAME_RE.finditer(seg.text[: m.start()]))
            person = names[-1].group() if names and _is_name(names[-1].group()) else ""
            out.append((channel, m.group(), seg, person))
    return out
