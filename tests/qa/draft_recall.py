"""Compare the facts `qa draft` proposes with a reviewed fixture: recall, and drafts kept unchanged.

Used by tests/qa/test_draft.py (the bars) and runnable to print the measures:
`python -m tests.qa.draft_recall`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.draft import draft_document
from qa.draft_base import Base

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "generalization"
PRACTICE = {  # practice document -> the id of its reviewed copy in the fixture
    "doc-c.txt": "action-logement-grand-est-bilan-2023",
    "doc-d.txt": "fhs-aura-assises-renovation-2024",
}
# What must be equal for a matched draft to count as kept unchanged.
_SAME = {
    "figure": ("value_number", "metric", "place", "year", "subject"),
    "person": ("person", "role", "subject", "place"),
    "contact": ("channel", "value", "person", "subject"),
}


def _squash(text: str) -> str:
    return " ".join(str(text).split())


def _overlap(a: str, b: str) -> bool:
    a, b = _squash(a), _squash(b)
    return a in b or b in a


def _matches(kind: str, reviewed: dict[str, Any], drafted: dict[str, Any]) -> bool:
    if drafted.get("kind") != kind:
        return False
    if kind == "figure":
        return (float(drafted.get("value_number", -1)) == float(reviewed.get("value_number", -2))
                and _overlap(drafted["quote"], reviewed["quote"]))
    if kind == "person":
        return drafted.get("value") == reviewed.get("value") and drafted.get("role") == reviewed.get("role")
    return drafted.get("channel") == reviewed.get("channel") and drafted.get("value") == reviewed.get("value")


@dataclass
class Measure:
    kind: str
    reviewed: int
    found: int
    unchanged: int
    missed: list[str]

    @property
    def recall(self) -> float:
        return self.found / self.reviewed if self.reviewed else 1.0


def reviewed_facts(doc_id: str, fixture: Path = FIXTURE) -> list[dict[str, Any]]:
    facts: list[dict[str, Any]] = []
    for path in sorted((fixture / "facts").glob("*.toml")):
        with path.open("rb") as f:
            facts += [x for x in tomllib.load(f).get("fact", []) if x.get("document") == doc_id]
    return facts


def measure(drafted: list[dict[str, Any]], reviewed: list[dict[str, Any]]) -> dict[str, Measure]:
    out: dict[str, Measure] = {}
    for kind in ("figure", "person", "contact"):
        want = [r for r in reviewed if r["kind"] == kind]
        found = unchanged = 0
        missed: list[str] = []
        for r in want:
            hits = [d for d in drafted if _matches(kind, r, d)]
            if not hits:
                missed.append(r["id"])
                continue
            found += 1
            if any(all(d.get(k) == r.get(k) for k in _SAME[kind]) for d in hits):
                unchanged += 1
        out[kind] = Measure(kind, len(want), found, unchanged, missed)
    return out


def draft_practice(name: str, knowledge: Path = ROOT / "knowledge") -> list[dict[str, Any]]:
    text = (FIXTURE / "documents" / f"{PRACTICE[name]}.txt").read_text(encoding="utf-8")
    return draft_document(text, PRACTICE[name], Base.load(knowledge)).facts


def main() -> None:
    for name, doc_id in PRACTICE.items():
        drafted = draft_practice(name)
        reviewed = reviewed_facts(doc_id)
        print(f"{name}: {len(drafted)} facts drafted, {len(reviewed)} reviewed")
        for m in measure(drafted, reviewed).values():
            print(f"  {m.kind:8} recall {m.found}/{m.reviewed} = {m.recall:.0%}, unchanged {m.unchanged}/{m.found}"
                  + (f", missed {m.missed}" if m.missed else ""))


if __name__ == "__main__":
    main()
