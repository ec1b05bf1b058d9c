"""The fact base's tables, in one place: a Fact and its row, and reading a base back.

`qa build` writes rows with `fact_row`; `read_factbase` turns them back with `row_fact`.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import FactBaseError
from .matcher import FactSymbols
from .records import Document, Fact

__all__ = ["FactBase", "SCHEMA_VERSION", "document_row", "fact_row", "read_factbase", "row_fact"]

SCHEMA_VERSION = 3
_LISTS = ("topics", "phrasings", "keywords", "related")  # tuple fields stored as JSON arrays


def fact_row(fact: Fact) -> dict[str, Any]:
    """The row of the `facts` table for a fact (without its precomputed symbols)."""
    row: dict[str, Any] = {
        "id": fact.id, "kind": fact.kind, "subject": fact.subject, "attribute": fact.attribute,
        "value": fact.value, "value_number": fact.value_number, "unit": fact.unit, "metric": fact.metric,
        "place": fact.place, "year": fact.year, "role": fact.role, "person": fact.person,
        "list_id": fact.list_id, "n": fact.n, "noun": fact.noun, "subscribable": int(fact.subscribable),
        "channel": fact.channel, "document_id": fact.document_id, "quote": fact.quote, "answer": fact.answer,
    }
    for key in _LISTS:
        row[key] = json.dumps(list(getattr(fact, key)), ensure_ascii=False)
    return row


def row_fact(row: sqlite3.Row) -> Fact:
    return Fact(
        id=row["id"], kind=row["kind"], subject=row["subject"], attribute=row["attribute"], value=row["value"],
        document_id=row["document_id"], quote=row["quote"], answer=row["answer"],
        value_number=row["value_number"], unit=row["unit"], metric=row["metric"], place=row["place"],
        year=row["year"], role=row["role"], person=row["person"], list_id=row["list_id"], n=row["n"],
        noun=row["noun"], subscribable=bool(row["subscribable"]), channel=row["channel"],
        **{key: tuple(json.loads(row[key])) for key in _LISTS},
    )


def document_row(document: Document) -> dict[str, Any]:
    return {
        "id": document.id, "title": document.title, "title_given_by_us": document.title_given_by_us,
        "publisher": document.publisher, "date": document.date, "origin": document.origin,
        "topics": document.topics, "text": document.text,
    }


def _document(row: sqlite3.Row) -> Document:
    return Document(id=row["id"], title=row["title"], title_given_by_us=bool(row["title_given_by_us"]),
                    publisher=row["publisher"] or "", date=row["date"], origin=row["origin"] or "",
                    text=row["text"], topics=row["topics"] or "")


@dataclass(frozen=True)
class FactBase:
    documents: dict[str, Document]
    facts: list[Fact]
    symbols: dict[str, FactSymbols]  # what the matcher needs, precomputed by the build
    meta: dict[str, Any]  # schema version, knowledge digest, lexicon, places, vocabulary


def read_factbase(db_path: Path) -> FactBase:
    try:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as db:
            db.row_factory = sqlite3.Row
            meta = {r["key"]: json.loads(r["value"]) for r in db.execute("select * from meta")}
            if meta.get("schema_version") != SCHEMA_VERSION:
                raise FactBaseError(
                    f"{db_path}: fact base of schema {meta.get('schema_version')}, this engine reads "
                    f"{SCHEMA_VERSION}; rebuild it with `qa build`"
                )
            documents = {r["id"]: _document(r) for r in db.execute("select * from documents")}
            rows = db.execute("select * from facts order by rowid").fetchall()
            facts = [row_fact(r) for r in rows]
            symbols = {r["id"]: FactSymbols.from_json(r["symbols"]) for r in rows}
    except (sqlite3.Error, KeyError, ValueError, IndexError) as e:
        raise FactBaseError(f"{db_path}: cannot read the fact base ({e}); rebuild it with `qa build`") from e
    return FactBase(documents, facts, symbols, meta)
