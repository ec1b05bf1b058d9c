"""Reading the fact base that `qa build` wrote: one place that knows its tables."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import FactBaseError
from .matcher import FactSymbols
from .records import Document, Fact

__all__ = ["FactBase", "built_from", "read_factbase"]


@dataclass(frozen=True)
class FactBase:
    documents: dict[str, Document]
    facts: list[Fact]
    axis_of: dict[str, int]  # axis fact id -> axis number
    symbols: dict[str, FactSymbols]  # what the matcher needs, precomputed by the build
    meta: dict[str, Any]  # schema version, knowledge digest, lexicon, places, vocabulary


def read_factbase(db_path: Path) -> FactBase:
    try:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as db:
            db.row_factory = sqlite3.Row
            meta = {r["key"]: json.loads(r["value"]) for r in db.execute("select * from meta")}
            documents = {r["id"]: _document(r) for r in db.execute("select * from documents")}
            rows = db.execute("select * from facts order by rowid").fetchall()
            facts = [_fact(r) for r in rows]
            symbols = {r["id"]: FactSymbols.from_json(r["symbols"]) for r in rows}
            axis_of = {r["fact_id"]: r["n"] for r in db.execute("select * from axes")}
    except (sqlite3.Error, KeyError, ValueError) as e:
        raise FactBaseError(f"{db_path}: cannot read the fact base ({e}); rebuild it with `qa build`") from e
    return FactBase(documents, facts, axis_of, symbols, meta)


def built_from(db_path: Path) -> tuple[int, str] | None:
    """(schema version, knowledge digest) of an existing fact base, None if unreadable."""
    if not db_path.exists():
        return None
    try:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as db:
            meta = dict(db.execute("select key, value from meta where key in ('schema_version', 'knowledge_digest')"))
        return json.loads(meta["schema_version"]), json.loads(meta["knowledge_digest"])
    except (sqlite3.Error, KeyError, ValueError):
        return None


def _document(row: sqlite3.Row) -> Document:
    return Document(id=row["id"], title=row["title"], title_given_by_us=bool(row["title_given_by_us"]),
                    publisher=row["publisher"] or "", date=row["date"], origin=row["origin"] or "",
                    text=row["text"])


def _fact(row: sqlite3.Row) -> Fact:
    return Fact(
        id=row["id"], kind=row["kind"], subject=row["subject"], attribute=row["attribute"],
        value=row["value"], document_id=row["document_id"], quote=row["quote"],
        value_number=row["value_number"], unit=row["unit"], geo=row["geo"], year=row["year"],
        axes=tuple(json.loads(row["axes"])), answer=row["answer"],
        phrasings=tuple(json.loads(row["phrasings"])), keywords=tuple(json.loads(row["keywords"])),
        role=row["role"], related=tuple(json.loads(row["related"])),
    )
