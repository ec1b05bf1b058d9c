"""Read and verify the curated knowledge directory (documents, facts, lexicon, places).

Every problem is reported with the file and the fact it concerns, all at once, so a
curator fixes a whole batch in one go. Nothing here writes anything.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import KnowledgeError
from .records import Document, Fact

__all__ = ["FACT_KINDS", "Knowledge", "load_knowledge", "numbers_in"]

FACT_KINDS = ("figure", "person", "organisation", "definition", "membership", "event", "axis", "contact")
_REQUIRED = ("id", "kind", "document", "quote", "subject", "attribute", "value", "answer")
_NUMBER = re.compile(r"\d+(?:[ \u00a0\u202f.]\d{3})*(?:,\d+)?")


def numbers_in(text: str) -> set[str]:
    """The numbers written in a text, as digits: "3 616" -> "3616", "144,7" -> "144,7".

    A leading zero is dropped ("05 décembre" and "5" are the same number).
    """
    found = set()
    for match in _NUMBER.finditer(text):
        number = re.sub(r"[ \u00a0\u202f.]", "", match.group())
        found.add(number.lstrip("0") or "0")
    return found


def _squash(text: str) -> str:
    return " ".join(text.split())


@dataclass
class Knowledge:
    """The parsed knowledge directory, checked and ready to be written to the fact base."""

    root: Path
    documents: dict[str, Document] = field(default_factory=dict)
    facts: list[Fact] = field(default_factory=list)
    fact_files: dict[str, str] = field(default_factory=dict)  # fact id -> file it comes from
    axis_of: dict[str, int] = field(default_factory=dict)  # axis fact id -> axis number
    lexicon: dict[str, Any] = field(default_factory=dict)
    places: dict[str, Any] = field(default_factory=dict)
    _squashed: dict[str, str] = field(default_factory=dict, repr=False)

    def squashed(self, document_id: str) -> str:
        """The document's text with runs of whitespace made single spaces (computed once)."""
        if document_id not in self._squashed:
            self._squashed[document_id] = _squash(self.documents[document_id].text)
        return self._squashed[document_id]


def _read_toml(path: Path, errors: list[str]) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        errors.append(f"{path}: cannot read TOML: {e}")
        return {}


def _load_documents(root: Path, errors: list[str]) -> dict[str, Document]:
    documents: dict[str, Document] = {}
    folder = root / "documents"
    for meta_path in sorted(folder.glob("*.toml")):
        meta = _read_toml(meta_path, errors)
        text_path = meta_path.with_suffix(".txt")
        doc_id = str(meta.get("id", ""))
        if doc_id != meta_path.stem:
            errors.append(f"{meta_path}: id {doc_id!r} must equal the file name {meta_path.stem!r}")
            continue
        if not meta.get("title"):
            errors.append(f"{meta_path}: missing title")
            continue
        if not text_path.exists():
            errors.append(f"{meta_path}: its text {text_path.name} is missing")
            continue
        documents[doc_id] = Document(
            id=doc_id,
            title=str(meta["title"]),
            title_given_by_us=bool(meta.get("title_given_by_us", False)),
            publisher=str(meta.get("publisher", "")),
            date=str(meta["date"]) if meta.get("date") else None,
            origin=str(meta.get("origin", "")),
            text=text_path.read_text(encoding="utf-8"),
        )
    if not documents:
        errors.append(f"{folder}: no document (each needs NAME.txt and NAME.toml)")
    return documents


def _fact_from(raw: dict[str, Any]) -> Fact:
    def strings(key: str) -> tuple[str, ...]:
        return tuple(str(x) for x in raw.get(key, ()))

    number = raw.get("value_number")
    year = raw.get("year")
    return Fact(
        id=str(raw["id"]),
        kind=str(raw["kind"]),
        subject=str(raw["subject"]),
        attribute=str(raw["attribute"]),
        value=str(raw["value"]),
        document_id=str(raw["document"]),
        quote=str(raw["quote"]),
        value_number=float(number) if number is not None else None,
        unit=str(raw["unit"]) if raw.get("unit") else None,
        geo=str(raw["geo"]) if raw.get("geo") else None,
        year=int(year) if year is not None else None,
        axes=tuple(int(a) for a in raw.get("axes", ())),
        answer=str(raw["answer"]),
        phrasings=strings("phrasings"),
        keywords=strings("keywords"),
        role=str(raw["role"]) if raw.get("role") else None,
        related=strings("related"),
    )


def _check_fact(fact: Fact, where: str, kb: Knowledge, errors: list[str]) -> None:
    kb_axes = [kb.axis_of[fact.id]] if fact.id in kb.axis_of else []
    document = kb.documents.get(fact.document_id)
    if fact.kind not in FACT_KINDS:
        errors.append(f"{where}: unknown kind {fact.kind!r} (one of {', '.join(FACT_KINDS)})")
    if document is None:
        errors.append(f"{where}: document {fact.document_id!r} does not exist")
    elif _squash(fact.quote) not in kb.squashed(document.id):
        errors.append(f"{where}: quote not found verbatim in document {fact.document_id!r}")
    quoted = numbers_in(fact.quote)
    for label, text in (("value", fact.value), ("answer", fact.answer)):
        # The year and the axis number come from structured fields, shown as the scope.
        allowed = quoted | {str(fact.year)} | {str(n) for n in kb_axes}
        missing = sorted(numbers_in(text) - allowed)
        if missing:
            errors.append(f"{where}: number(s) {', '.join(missing)} of its {label} not in its quote")
    entities = kb.lexicon.get("entities", {})
    if fact.subject not in entities:
        errors.append(f"{where}: subject {fact.subject!r} is not an entity of the lexicon")
    if fact.geo and fact.geo not in kb.places.get("known", {}):
        errors.append(f"{where}: geo {fact.geo!r} is not a known place of places.toml")
    for axis in fact.axes:
        if axis not in (1, 2, 3, 4):
            errors.append(f"{where}: axis {axis} does not exist (1 to 4)")
    if not fact.keywords:
        errors.append(f"{where}: missing keywords")


def load_knowledge(root: Path | str) -> Knowledge:
    """Parse and verify `root`; raise KnowledgeError listing every problem found."""
    root = Path(root)
    errors: list[str] = []
    if not root.is_dir():
        raise KnowledgeError(f"{root}: knowledge directory not found")
    kb = Knowledge(root=root)
    kb.lexicon = _read_toml(root / "lexicon.toml", errors)
    kb.places = _read_toml(root / "places.toml", errors)
    kb.documents = _load_documents(root, errors)
    seen: dict[str, str] = {}
    for path in sorted((root / "facts").glob("*.toml")):
        for i, raw in enumerate(_read_toml(path, errors).get("fact", [])):
            fact_id = raw.get("id", f"#{i + 1}")
            where = f"{path}: fact {fact_id!r}"
            missing = [key for key in _REQUIRED if not raw.get(key)]
            if missing:
                errors.append(f"{where}: missing required field(s) {', '.join(missing)}")
                continue
            if fact_id in seen:
                errors.append(f"{where}: duplicate id (first in {seen[fact_id]})")
                continue
            seen[fact_id] = str(path)
            try:
                fact = _fact_from(raw)
            except (TypeError, ValueError) as e:
                errors.append(f"{where}: bad field value: {e}")
                continue
            if raw.get("axis") is not None:
                kb.axis_of[fact.id] = int(raw["axis"])
            _check_fact(fact, where, kb, errors)
            kb.facts.append(fact)
            kb.fact_files[fact.id] = str(path)
    for fact in kb.facts:
        for other in fact.related:
            if other not in seen:
                errors.append(f"{kb.fact_files[fact.id]}: fact {fact.id!r}: related fact {other!r} does not exist")
    numbers = sorted(kb.axis_of.values())
    if numbers and numbers != [1, 2, 3, 4]:
        errors.append(f"{root / 'facts'}: the axes must be numbered 1 to 4 once each, got {numbers}")
    if errors:
        raise KnowledgeError("\n".join(errors))
    return kb
