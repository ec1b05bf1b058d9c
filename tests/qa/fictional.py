"""A tiny FICTIONAL knowledge folder, written by the tests, so they never depend on the real documents.

One document about an invented body in an invented region: the Valombrie (a région) with two
départements (the Ostrevan and the Pelmarais) and one town (Corbevaux, only an event's venue);
a second région, the Norlande, has no fact at all. Figures of two metrics for two years
(2031, 2032) and a target, two people sharing a surname (Léa and Paul Ferrand), an event, a subscribable
list of three numbered commitments, a quotation and a press contact.

The lexicon's generic vocabulary (question words, stopwords, synonyms, roles, channels...) is
copied from the real `knowledge/lexicon.toml`: it is the engine's French, not a document. Its
entities, ambiguous names and metrics are left out and replaced by the fictional ones.

`write_knowledge(root)` writes the folder; `toml_dumps` is a small TOML writer (the standard
library only reads TOML) that the build-refusal tests use too.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

from ..conftest import KNOWLEDGE

__all__ = ["DOCUMENT_ID", "FACTS", "LEXICON", "PLACES", "TEXT", "generic_lexicon", "toml_dumps", "write_knowledge"]

DOCUMENT_ID = "office-valombrien-bilan"
TITLE = "Bilan de l'Office valombrien de l'habitat"

TEXT = """Bilan de l'Office valombrien de l'habitat

[Document fictif, pour les tests]

L'Office valombrien de l'habitat est le bailleur social de la Valombrie.

En 2031, l'Office valombrien de l'habitat a rénové 2 400 logements en Valombrie. En 2032, 2 750 logements ont été rénovés en Valombrie. Dans l'Ostrevan, 900 logements ont été rénovés en 2032, et 1 100 dans le Pelmarais.

En 2032, 5 300 ménages ont été aidés en Valombrie. Dans l'Ostrevan, 610 ménages avaient été aidés en 2031.

Léa Ferrand, présidente de l'Office valombrien de l'habitat, a ouvert les assises de l'habitat à Corbevaux, les 3 et 4 mars 2032. Paul Ferrand, directeur général de l'Office, a présenté la charte de l'habitat et ses 3 engagements :
1. Rénover les logements les plus anciens.
2. Accompagner les ménages modestes.
3. Construire avec les communes.

Les assises ont réuni 120 participants. L'Office s'est fixé un objectif de 3 000 logements rénovés en Valombrie d'ici 2035.

« Chaque logement rénové est une victoire », a déclaré Léa Ferrand.

Contact presse : presse@ofvah.example
"""

METADATA = {
    "id": DOCUMENT_ID,
    "title": TITLE,
    "title_given_by_us": False,
    "publisher": "",
    "origin": "",
    "date": "",
    "topics": "les chiffres de l'Office valombrien de l'habitat, ses dirigeants, ses assises et sa charte",
}

PLACES: dict[str, dict[str, Any]] = {
    "valombrie": {"label": "Valombrie", "the": "la Valombrie", "kind": "région",
                  "aliases": ["Valombrie", "région Valombrie"]},
    "ostrevan": {"label": "Ostrevan", "the": "l'Ostrevan", "kind": "département", "parent": "valombrie",
                 "code": "91", "aliases": ["Ostrevan"]},
    "pelmarais": {"label": "Pelmarais", "the": "le Pelmarais", "kind": "département", "parent": "valombrie",
                  "code": "92", "aliases": ["Pelmarais"]},
    "corbevaux": {"label": "Corbevaux", "the": "Corbevaux", "kind": "commune", "parent": "pelmarais"},
    "norlande": {"label": "Norlande", "the": "la Norlande", "kind": "région", "aliases": ["Norlande"]},
    "brisemer": {"label": "Brisemer", "the": "le Brisemer", "kind": "département", "parent": "norlande"},
}

ENTITIES: dict[str, dict[str, Any]] = {
    "office-valombrien": {"kind": "organisation", "name": "Office valombrien de l'habitat",
                          "aliases": ["Office valombrien de l'habitat", "Office valombrien", "OFVAH"]},
    "coop-norlandaise": {"kind": "organisation", "name": "Coopérative norlandaise",
                         "aliases": ["Coopérative norlandaise"]},
    "lea-ferrand": {"kind": "person", "name": "Léa Ferrand", "aliases": ["Léa Ferrand", "Léa"]},
    "paul-ferrand": {"kind": "person", "name": "Paul Ferrand", "aliases": ["Paul Ferrand", "Paul"]},
    "assises-habitat": {"kind": "event", "name": "assises de l'habitat", "place": "corbevaux",
                        "aliases": ["assises de l'habitat", "assises"]},
    "charte-habitat": {"kind": "programme", "name": "charte de l'habitat",
                       "aliases": ["charte de l'habitat", "charte"]},
}

METRICS: dict[str, dict[str, Any]] = {
    "logements-renoves": {"label": "logements rénovés", "words": ["logements rénovés", "rénovations"]},
    "menages-aides": {"label": "ménages aidés", "words": ["ménages aidés", "familles aidées"]},
    "participants-assises": {"label": "participants", "words": ["participants"]},
}

RENOVATED_2032 = "En 2032, 2 750 logements ont été rénovés en Valombrie."
_OPENING = ("Léa Ferrand, présidente de l'Office valombrien de l'habitat, a ouvert les assises de l'habitat à "
            "Corbevaux, les 3 et 4 mars 2032.")


def _figure(fid: str, quote: str, value: str, number: int, metric: str, place: str, year: int,
            phrasing: str, **more: Any) -> dict[str, Any]:
    label = METRICS[metric]["label"]
    return {
        "id": fid, "kind": "figure", "document": DOCUMENT_ID, "quote": quote, "subject": "office-valombrien",
        "attribute": label, "value": value, "value_number": number, "unit": label.split()[0], "metric": metric,
        "place": place, "year": year, "answer": f"{value} {label}", "phrasings": [phrasing], **more,
    }


def _item(n: int, text: str, keywords: list[str]) -> dict[str, Any]:
    return {
        "id": f"charte-engagement-{n}", "kind": "item", "document": DOCUMENT_ID, "quote": f"{text}.",
        "subject": "charte-habitat", "attribute": f"engagement {n}", "value": text, "list": "charte-engagements",
        "n": n, "answer": f"Engagement {n} : {text}.", "keywords": keywords,
        "phrasings": [f"engagement : {text.lower()}"],
    }


RENOVATED = "combien de logements rénovés"
AIDED = "combien de ménages aidés"

FACTS: list[dict[str, Any]] = [
    _figure("valombrie-2031-logements-renoves",
            "En 2031, l'Office valombrien de l'habitat a rénové 2 400 logements en Valombrie.",
            "2 400", 2400, "logements-renoves", "valombrie", 2031, RENOVATED, topics=["charte-engagement-1"]),
    _figure("valombrie-2032-logements-renoves", RENOVATED_2032, "2 750", 2750, "logements-renoves",
            "valombrie", 2032, RENOVATED, topics=["charte-engagement-1"]),
    _figure("ostrevan-2032-logements-renoves", "Dans l'Ostrevan, 900 logements ont été rénovés en 2032",
            "900", 900, "logements-renoves", "ostrevan", 2032, RENOVATED),
    _figure("pelmarais-2032-logements-renoves", "et 1 100 dans le Pelmarais", "1 100", 1100, "logements-renoves",
            "pelmarais", 2032, RENOVATED),
    _figure("valombrie-2032-menages-aides", "En 2032, 5 300 ménages ont été aidés en Valombrie.",
            "5 300", 5300, "menages-aides", "valombrie", 2032, AIDED, topics=["charte-engagement-2"]),
    _figure("ostrevan-2031-menages-aides", "Dans l'Ostrevan, 610 ménages avaient été aidés en 2031.",
            "610", 610, "menages-aides", "ostrevan", 2031, AIDED),
    {
        "id": "valombrie-objectif-logements-renoves", "kind": "figure", "document": DOCUMENT_ID,
        "quote": "L'Office s'est fixé un objectif de 3 000 logements rénovés en Valombrie d'ici 2035.",
        "subject": "office-valombrien", "attribute": "objectif de logements rénovés d'ici 2035", "value": "3 000",
        "value_number": 3000, "unit": "logements", "metric": "logements-renoves", "place": "valombrie",
        "answer": "objectif de 3 000 logements rénovés d'ici 2035",
        "phrasings": ["quel est l'objectif de logements rénovés", "combien de logements à rénover d'ici 2035"],
    },
    {
        "id": "assises-participants", "kind": "figure", "document": DOCUMENT_ID,
        "quote": "Les assises ont réuni 120 participants.", "subject": "assises-habitat", "attribute": "participants",
        "value": "120", "value_number": 120, "unit": "participants", "metric": "participants-assises",
        "answer": "120 participants", "phrasings": ["combien de participants aux assises"],
    },
    {
        "id": "office-presentation", "kind": "organisation", "document": DOCUMENT_ID,
        "quote": "L'Office valombrien de l'habitat est le bailleur social de la Valombrie.",
        "subject": "office-valombrien", "attribute": "présentation", "value": "le bailleur social de la Valombrie",
        "answer": "L'Office valombrien de l'habitat est le bailleur social de la Valombrie.",
        "keywords": ["Office valombrien"], "phrasings": ["c'est quoi l'Office valombrien de l'habitat"],
    },
    {
        "id": "personne-lea-ferrand", "kind": "person", "document": DOCUMENT_ID, "quote": _OPENING,
        "subject": "office-valombrien", "attribute": "présidente de l'Office valombrien de l'habitat",
        "value": "Léa Ferrand", "role": "president", "person": "lea-ferrand",
        "answer": "Léa Ferrand est la présidente de l'Office valombrien de l'habitat.",
        "keywords": ["Léa Ferrand"],
        "phrasings": ["qui est la présidente de l'Office valombrien", "qui est Léa Ferrand"],
    },
    {
        "id": "personne-paul-ferrand", "kind": "person", "document": DOCUMENT_ID,
        "quote": "Paul Ferrand, directeur général de l'Office, a présenté la charte de l'habitat",
        "subject": "office-valombrien", "attribute": "directeur général de l'Office valombrien de l'habitat",
        "value": "Paul Ferrand", "role": "directeur-general", "person": "paul-ferrand",
        "answer": "Paul Ferrand est le directeur général de l'Office valombrien de l'habitat.",
        "keywords": ["Paul Ferrand"],
        "phrasings": ["qui est le directeur général de l'Office valombrien", "qui est Paul Ferrand"],
    },
    {
        "id": "assises-lieu", "kind": "event", "document": DOCUMENT_ID, "quote": _OPENING,
        "subject": "assises-habitat", "attribute": "lieu", "value": "Corbevaux", "place": "corbevaux",
        "answer": "Les assises de l'habitat ont eu lieu à Corbevaux.", "keywords": ["assises"],
        "phrasings": ["où ont eu lieu les assises de l'habitat"],
    },
    {
        "id": "assises-dates", "kind": "event", "document": DOCUMENT_ID, "quote": _OPENING,
        "subject": "assises-habitat", "attribute": "dates", "value": "les 3 et 4 mars 2032", "year": 2032,
        "answer": "Les assises de l'habitat ont eu lieu les 3 et 4 mars 2032.", "keywords": ["assises"],
        "phrasings": ["quand ont eu lieu les assises de l'habitat"],
    },
    {
        "id": "charte-engagements", "kind": "list", "document": DOCUMENT_ID,
        "quote": "a présenté la charte de l'habitat et ses 3 engagements", "subject": "charte-habitat",
        "attribute": "engagements de la charte de l'habitat", "value": "3 engagements", "value_number": 3,
        "noun": "engagement", "subscribable": True, "answer": "La charte de l'habitat compte 3 engagements :",
        "keywords": ["engagements"], "phrasings": ["quels sont les engagements de la charte de l'habitat"],
    },
    _item(1, "Rénover les logements les plus anciens", ["rénover", "anciens"]),
    _item(2, "Accompagner les ménages modestes", ["modestes"]),
    _item(3, "Construire avec les communes", ["construire", "communes"]),
    {
        "id": "citation-lea-ferrand", "kind": "quotation", "document": DOCUMENT_ID,
        "quote": "« Chaque logement rénové est une victoire », a déclaré Léa Ferrand.",
        "subject": "office-valombrien", "attribute": "citation de Léa Ferrand",
        "value": "Chaque logement rénové est une victoire", "person": "lea-ferrand",
        "answer": "Léa Ferrand : « Chaque logement rénové est une victoire ».", "keywords": ["Léa Ferrand", "dit"],
        "phrasings": ["qu'a dit Léa Ferrand"],
    },
    {
        "id": "contact-presse", "kind": "contact", "document": DOCUMENT_ID,
        "quote": "Contact presse : presse@ofvah.example", "subject": "office-valombrien",
        "attribute": "contact presse", "value": "presse@ofvah.example", "channel": "email",
        "answer": "Contact presse : presse@ofvah.example", "keywords": ["contact presse"],
        "phrasings": ["contact presse de l'Office valombrien"],
    },
]

# Sections of the real lexicon that name the documents' things: replaced by the fictional ones.
_DOCUMENT_SECTIONS = ("entities", "ambiguous_names", "metrics")


def generic_lexicon() -> dict[str, Any]:
    """The real lexicon without its entities, ambiguous names and metrics."""
    with (KNOWLEDGE / "lexicon.toml").open("rb") as f:
        lexicon = tomllib.load(f)
    return {k: v for k, v in lexicon.items() if k not in _DOCUMENT_SECTIONS}


LEXICON: dict[str, Any] = {
    "entities": ENTITIES,
    "ambiguous_names": {"Ferrand": ["lea-ferrand", "paul-ferrand"]},
    "metrics": METRICS,
}


# ------------------------------------------------------------------ a small TOML writer
_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(key: str) -> str:
    return key if _BARE.match(key) else json.dumps(key, ensure_ascii=False)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {value!r} as TOML")


def _is_tables(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def toml_dumps(data: dict[str, Any], prefix: str = "") -> str:
    """Dicts become [tables], lists of dicts [[arrays of tables]], the rest `key = value` lines."""
    lines = [f"{_key(k)} = {_value(v)}" for k, v in data.items() if not isinstance(v, dict) and not _is_tables(v)]
    out = "\n".join(lines) + ("\n" if lines else "")
    for k, v in data.items():
        name = f"{prefix}{_key(k)}"
        if isinstance(v, dict):
            body = toml_dumps(v, f"{name}.")
            out += f"\n[{name}]\n{body}"
        elif _is_tables(v):
            for table in v:
                out += f"\n[[{name}]]\n{toml_dumps(table, f'{name}.')}"
    return out


def write_knowledge(root: Path, *, facts: list[dict[str, Any]] | None = None) -> Path:
    """Write the fictional knowledge folder at `root` (created) and return it."""
    (root / "documents").mkdir(parents=True)
    (root / "facts").mkdir()
    (root / "documents" / f"{DOCUMENT_ID}.txt").write_text(TEXT, encoding="utf-8")
    (root / "documents" / f"{DOCUMENT_ID}.toml").write_text(toml_dumps(METADATA), encoding="utf-8")
    (root / "facts" / "valombrie.toml").write_text(toml_dumps({"fact": FACTS if facts is None else facts}),
                                                   encoding="utf-8")
    (root / "lexicon.toml").write_text(toml_dumps({**generic_lexicon(), **LEXICON}), encoding="utf-8")
    (root / "places.toml").write_text(toml_dumps({"places": PLACES}), encoding="utf-8")
    return root
