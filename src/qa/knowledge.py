"""Read and verify curated knowledge directories (documents, facts, lexicon, places).

Every problem is reported with the file and the fact it concerns, all at once, so a
curator fixes a whole batch in one go. Several directories may be read together (the
product's `knowledge/` plus a test fixture): their documents and facts add up and their
lexicons and places merge. Nothing here writes anything.
"""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import KnowledgeError
from .records import FACT_KINDS, Document, Fact
from .schema import (
    CHANNELS,
    DOCUMENT_KEYS,
    FACT_KEYS,
    LEXICON_SECTIONS,
    check_lexicon,
    check_places,
)

__all__ = ["Knowledge", "load_knowledge", "numbers_in"]

_REQUIRED = ("id", "kind", "document", "quote", "subject", "attribute", "value", "answer")
# What each kind needs besides the common fields.
_KIND_REQUIRES = {
    "figure": ("metric",),
    "person": ("role", "person"),
    "item": ("list", "n"),
    "list": ("noun",),
    "quotation": ("person",),
    "contact": ("channel",),
}
_NUMBER = re.compile(r"\d+(?:[ \u00a0\u202f.]\d{3})*(?:,\d+)?")
DRAFT_MARK = "draft"  # the key `qa draft` writes on every fact it proposes


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
    """The parsed knowledge, checked and ready to be written to the fact base."""

    roots: tuple[Path, ...]
    documents: dict[str, Document] = field(default_factory=dict)
    facts: list[Fact] = field(default_factory=list)
    fact_files: dict[str, str] = field(default_factory=dict)  # fact id -> file it comes from
    lexicon: dict[str, Any] = field(default_factory=dict)
    places: dict[str, Any] = field(default_factory=dict)  # place id -> its table
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


def _merge(into: dict[str, Any], more: dict[str, Any], where: str, errors: list[str]) -> None:
    """Merge a second lexicon or places file: tables merge, lists add up, words join."""
    for key, value in more.items():
        if key not in into:
            into[key] = value
        elif isinstance(into[key], dict) and isinstance(value, dict):
            _merge(into[key], value, f"{where}.{key}", errors)
        elif isinstance(into[key], list) and isinstance(value, list):
            into[key] = [*into[key], *value]
        elif isinstance(into[key], str) and isinstance(value, str) and key == "words":
            into[key] = f"{into[key]}\n{value}"
        elif into[key] != value:
            errors.append(f"{where}.{key}: defined twice with different values")


def _load_documents(root: Path, errors: list[str]) -> dict[str, Document]:
    documents: dict[str, Document] = {}
    folder = root / "documents"
    for meta_path in sorted(folder.glob("*.toml")):
        meta = _read_toml(meta_path, errors)
        unknown = sorted(set(meta) - DOCUMENT_KEYS)
        if unknown:
            errors.append(f"{meta_path}: unknown key(s) {', '.join(unknown)}")
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
        if meta.get(DRAFT_MARK):
            errors.append(f"{meta_path}: still marked as a draft ({meta[DRAFT_MARK]}); review it and remove `draft`")
        documents[doc_id] = Document(
            id=doc_id,
            title=str(meta["title"]),
            title_given_by_us=bool(meta.get("title_given_by_us", False)),
            publisher=str(meta.get("publisher", "")),
            date=str(meta["date"]) if meta.get("date") else None,
            origin=str(meta.get("origin", "")),
            text=text_path.read_text(encoding="utf-8"),
            topics=str(meta.get("topics", "")),
        )
    return documents


def _optional(raw: dict[str, Any], key: str) -> str | None:
    return str(raw[key]) if raw.get(key) not in (None, "") else None


def _fact_from(raw: dict[str, Any]) -> Fact:
    def strings(key: str) -> tuple[str, ...]:
        return tuple(str(x) for x in raw.get(key, ()))

    number, year, n = raw.get("value_number"), raw.get("year"), raw.get("n")
    return Fact(
        id=str(raw["id"]), kind=str(raw["kind"]), subject=str(raw["subject"]), attribute=str(raw["attribute"]),
        value=str(raw["value"]), document_id=str(raw["document"]), quote=str(raw["quote"]), answer=str(raw["answer"]),
        value_number=float(number) if number is not None else None, unit=_optional(raw, "unit"),
        metric=_optional(raw, "metric"), place=_optional(raw, "place"), year=int(year) if year is not None else None,
        role=_optional(raw, "role"), person=_optional(raw, "person"), list_id=_optional(raw, "list"),
        n=int(n) if n is not None else None, noun=_optional(raw, "noun"), subscribable=bool(raw.get("subscribable")),
        channel=_optional(raw, "channel"), topics=strings("topics"),
        phrasings=strings("phrasings"), keywords=strings("keywords"), related=strings("related"),
    )


def _check_fact(fact: Fact, where: str, kb: Knowledge, errors: list[str]) -> None:
    document = kb.documents.get(fact.document_id)
    if document is None:
        errors.append(f"{where}: document {fact.document_id!r} does not exist")
    elif _squash(fact.quote) not in kb.squashed(document.id):
        errors.append(f"{where}: quote not found verbatim in document {fact.document_id!r}")
    quoted = numbers_in(fact.quote)
    # The year and an item's number come from structured fields, shown as the scope.
    allowed = quoted | {str(fact.year), str(fact.n)}
    for label, text in (("value", fact.value), ("answer", fact.answer)):
        missing = sorted(numbers_in(text) - allowed)
        if missing:
            errors.append(f"{where}: number(s) {', '.join(missing)} of its {label} not in its quote")
    lexicon, places = kb.lexicon, kb.places
    entities = lexicon.get("entities", {})
    if fact.subject not in entities and fact.subject not in places:
        errors.append(f"{where}: subject {fact.subject!r} is neither an entity of the lexicon nor a place")
    if fact.place and fact.place not in places:
        errors.append(f"{where}: place {fact.place!r} is not a place of places.toml")
    if fact.metric and fact.metric not in lexicon.get("metrics", {}):
        errors.append(f"{where}: metric {fact.metric!r} is not declared in the lexicon's [metrics]")
    if fact.role and fact.role not in lexicon.get("roles", {}):
        errors.append(f"{where}: role {fact.role!r} is not declared in the lexicon's [roles]")
    if fact.person and fact.person not in entities:
        errors.append(f"{where}: person {fact.person!r} is not an entity of the lexicon")
    if fact.channel and fact.channel not in CHANNELS:
        errors.append(f"{where}: channel {fact.channel!r} is not one of {', '.join(CHANNELS)}")
    if not fact.keywords and not fact.metric:
        errors.append(f"{where}: missing keywords (or a metric)")


def _check_lists(kb: Knowledge, errors: list[str]) -> None:
    """Items point at a list fact and are numbered 1..N; topics name items of subscribable lists."""
    by_id = {f.id: f for f in kb.facts}
    numbers: dict[str, list[int]] = defaultdict(list)
    for fact in kb.facts:
        where = f"{kb.fact_files[fact.id]}: fact {fact.id!r}"
        if fact.kind == "item":
            head = by_id.get(fact.list_id or "")
            if head is None or head.kind != "list":
                errors.append(f"{where}: list {fact.list_id!r} is not a fact of kind 'list'")
            elif fact.n is not None:
                numbers[head.id].append(fact.n)
        for topic in fact.topics:
            item = by_id.get(topic)
            head = by_id.get(item.list_id or "") if item is not None else None
            if item is None or item.kind != "item" or head is None or not head.subscribable:
                errors.append(f"{where}: topic {topic!r} is not an item of a subscribable list")
        for other in fact.related:
            if other not in by_id:
                errors.append(f"{where}: related fact {other!r} does not exist")
    for fact in kb.facts:
        if fact.kind != "list":
            continue
        got = sorted(numbers.get(fact.id, []))
        where = f"{kb.fact_files[fact.id]}: list {fact.id!r}"
        if got != list(range(1, len(got) + 1)):
            errors.append(f"{where}: its items must be numbered 1 to {len(got)} once each, got {got}")
        elif fact.value_number is not None and int(fact.value_number) != len(got):
            errors.append(f"{where}: it says {int(fact.value_number)} items but has {len(got)}")


def _read_fact(raw: dict[str, Any], i: int, path: Path, kb: Knowledge, seen: dict[str, str],
               errors: list[str]) -> None:
    fact_id = raw.get("id", f"#{i + 1}")
    where = f"{path}: fact {fact_id!r}"
    if raw.get(DRAFT_MARK):
        errors.append(f"{where}: still carries its draft mark ({raw[DRAFT_MARK]}); review it and remove `draft`")
    unknown = sorted(set(raw) - FACT_KEYS)
    if unknown:
        errors.append(f"{where}: unknown field(s) {', '.join(unknown)}")
    kind = raw.get("kind")
    if kind not in FACT_KINDS:
        errors.append(f"{where}: unknown kind {kind!r} (one of {', '.join(FACT_KINDS)})")
        return
    missing = [key for key in (*_REQUIRED, *_KIND_REQUIRES.get(str(kind), ())) if raw.get(key) in (None, "")]
    if missing:
        errors.append(f"{where}: missing required field(s) {', '.join(missing)}")
        return
    if fact_id in seen:
        errors.append(f"{where}: duplicate id (first in {seen[fact_id]})")
        return
    seen[fact_id] = str(path)
    try:
        fact = _fact_from(raw)
    except (TypeError, ValueError) as e:
        errors.append(f"{where}: bad field value: {e}")
        return
    _check_fact(fact, where, kb, errors)
    kb.facts.append(fact)
    kb.fact_files[fact.id] = str(path)


def load_knowledge(*roots: Path | str) -> Knowledge:
    """Parse and verify the knowledge directories; raise KnowledgeError listing every problem."""
    paths = tuple(Path(r) for r in roots)
    errors: list[str] = []
    for root in paths:
        if not root.is_dir():
            raise KnowledgeError(f"{root}: knowledge directory not found")
    kb = Knowledge(roots=paths)
    for root in paths:
        if (root / "lexicon.toml").exists():
            lexicon = _read_toml(root / "lexicon.toml", errors)
            unknown = sorted(set(lexicon) - LEXICON_SECTIONS)
            if unknown:
                errors.append(f"{root / 'lexicon.toml'}: unknown section(s) {', '.join(unknown)}")
            _merge(kb.lexicon, lexicon, str(root / "lexicon.toml"), errors)
        if (root / "places.toml").exists():
            places = _read_toml(root / "places.toml", errors)
            unknown = sorted(set(places) - {"places"})
            if unknown:
                errors.append(
                    f"{root / 'places.toml'}: unknown section(s) {', '.join(unknown)} (places are [places.ID])"
                )
            _merge(kb.places, places.get("places", {}), str(root / "places.toml"), errors)
        for doc_id, document in _load_documents(root, errors).items():
            if doc_id in kb.documents:
                errors.append(f"{root / 'documents' / doc_id}: document id defined twice")
            kb.documents[doc_id] = document
    if not kb.documents:
        errors.append(f"{', '.join(map(str, paths))}: no document (each needs documents/NAME.txt and NAME.toml)")
    errors += check_lexicon(kb.lexicon, kb.places)
    errors += check_places(kb.places, kb.lexicon)
    seen: dict[str, str] = {}
    for root in paths:
        for path in sorted((root / "facts").glob("*.toml")):
            content = _read_toml(path, errors)
            unknown = sorted(set(content) - {"fact"})
            if unknown:
                errors.append(f"{path}: unknown section(s) {', '.join(unknown)} (facts are [[fact]] tables)")
            for i, raw in enumerate(content.get("fact", [])):
                _read_fact(raw, i, path, kb, seen, errors)
    _check_lists(kb, errors)
    if errors:
        raise KnowledgeError("\n".join(errors))
    return kb
