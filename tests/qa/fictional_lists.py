"""The fictional knowledge (tests/qa/fictional.py) plus a second FICTIONAL document with a second
subscribable list, so that topics are numbered across two lists as the bot and `qa publish`
number them:

- topics 1 to 3: the three commitments of the Valombrie's charter (`charte-engagement-N`);
- topics 4 and 5: the two priorities of a Norlande pact (`pacte-priorite-N`), whose own
  numbers are 1 and 2 ("priorité 1 « … »" is topic 4).

Its figure `norlande-2032-menages-aides` belongs to a topic of each list.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .fictional import toml_dumps, write_knowledge

__all__ = ["PACT_FACTS", "PACT_ID", "PACT_TEXT", "write_two_lists"]

PACT_ID = "pacte-habitat-norlandais"

PACT_TEXT = """Pacte de l'habitat norlandais

[Document fictif, pour les tests]

La Coopérative norlandaise a signé le pacte de l'habitat norlandais et ses 2 priorités :
1. Loger les jeunes actifs.
2. Réduire les charges des locataires.

En 2032, 430 ménages ont été aidés en Norlande par la Coopérative norlandaise.
"""

PACT_METADATA = {
    "id": PACT_ID, "title": "Pacte de l'habitat norlandais", "title_given_by_us": False, "publisher": "",
    "origin": "", "date": "", "topics": "le pacte de l'habitat norlandais et ses priorités",
}  # fmt: skip


def _priority(n: int, text: str, keywords: list[str]) -> dict[str, Any]:
    return {
        "id": f"pacte-priorite-{n}", "kind": "item", "document": PACT_ID, "quote": f"{text}.",
        "subject": "coop-norlandaise", "attribute": f"priorité {n}", "value": text, "list": "pacte-priorites",
        "n": n, "answer": f"Priorité {n} : {text}.", "keywords": keywords, "phrasings": [f"priorité : {text.lower()}"],
    }  # fmt: skip


PACT_FACTS: list[dict[str, Any]] = [
    {
        "id": "pacte-priorites", "kind": "list", "document": PACT_ID,
        "quote": "a signé le pacte de l'habitat norlandais et ses 2 priorités", "subject": "coop-norlandaise",
        "attribute": "priorités du pacte de l'habitat norlandais", "value": "2 priorités", "value_number": 2,
        "noun": "priorité", "subscribable": True, "answer": "Le pacte de l'habitat norlandais compte 2 priorités :",
        "keywords": ["priorités", "pacte"], "phrasings": ["quelles sont les priorités du pacte de l'habitat"],
    },
    _priority(1, "Loger les jeunes actifs", ["jeunes actifs"]),
    _priority(2, "Réduire les charges des locataires", ["charges", "locataires"]),
    {
        "id": "norlande-2032-menages-aides", "kind": "figure", "document": PACT_ID,
        "quote": "En 2032, 430 ménages ont été aidés en Norlande par la Coopérative norlandaise.",
        "subject": "coop-norlandaise", "attribute": "ménages aidés", "value": "430", "value_number": 430,
        "unit": "ménages", "metric": "menages-aides", "place": "norlande", "year": 2032,
        "answer": "430 ménages aidés", "phrasings": ["combien de ménages aidés en Norlande"],
        "topics": ["pacte-priorite-1", "charte-engagement-2"],
    },
]  # fmt: skip


def write_two_lists(root: Path, *, pact_text: str = PACT_TEXT, pact_facts: list[dict[str, Any]] | None = None,
                    facts: list[dict[str, Any]] | None = None) -> Path:
    """The fictional knowledge at `root` plus the pact; `pact_text`, `pact_facts` and `facts`
    (the first document's) replace theirs."""
    write_knowledge(root, facts=facts)
    (root / "documents" / f"{PACT_ID}.txt").write_text(pact_text, encoding="utf-8")
    (root / "documents" / f"{PACT_ID}.toml").write_text(toml_dumps(PACT_METADATA), encoding="utf-8")
    # After valombrie.toml in file order: the charter's commitments are topics 1-3.
    facts = PACT_FACTS if pact_facts is None else pact_facts
    (root / "facts" / "voisins-norlande.toml").write_text(toml_dumps({"fact": facts}), encoding="utf-8")
    return root
