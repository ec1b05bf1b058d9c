"""`qa build`: verified knowledge -> SQLite fact base, written with sqlite-utils.

The base is written to a temporary file beside the target and renamed into place, so a
failed or interrupted build never leaves a half-written base behind. It is world-readable
(0644, whatever the umask): public data, read by a service that may run as another user. The same knowledge
always gives the same rows (no timestamps, sorted input).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from .knowledge import Knowledge, load_knowledge
from .lexicon import Lexicon
from .matcher import FactSymbols, fact_vocabulary

__all__ = ["BuildSummary", "build", "knowledge_digest"]

SCHEMA_VERSION = 2
FACTS_MODE = 0o644


@dataclass(frozen=True)
class BuildSummary:
    output: Path
    documents: int
    facts_by_kind: dict[str, int]
    entities: int
    aliases: int
    digest: str

    def __str__(self) -> str:
        kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(self.facts_by_kind.items()))
        total = sum(self.facts_by_kind.values())
        return (
            f"fact base written to {self.output}\n"
            f"  documents: {self.documents}\n"
            f"  facts:     {total} ({kinds})\n"
            f"  entities:  {self.entities}\n"
            f"  aliases:   {self.aliases}\n"
            f"  digest:    {self.digest[:12]}\n"
            f"browse it with: datasette {self.output}"
        )


# The modules whose code shapes the stored symbols: when they change, the base is stale.
_BUILD_MODULES = ("build.py", "knowledge.py", "lexicon.py", "matcher.py", "normalize.py")


def knowledge_digest(root: Path) -> str:
    """A hash of what the base is built from: the knowledge (.txt, .toml) and the building code.

    Guides such as knowledge/README.md are not part of it: editing them rebuilds nothing.
    """
    h = hashlib.sha256()
    here = Path(__file__).parent
    for name in _BUILD_MODULES:
        h.update((here / name).read_bytes())
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".txt", ".toml")):
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _table(db: sqlite_utils.Database, name: str) -> sqlite_utils.db.Table:
    table = db[name]
    assert isinstance(table, sqlite_utils.db.Table)  # a name we create, never a view
    return table


def _write(db: sqlite_utils.Database, kb: Knowledge, digest: str) -> tuple[int, int]:
    # What the matcher needs of each fact is computed here, once, rather than at each start.
    lexicon = Lexicon(kb.lexicon, kb.places)
    _table(db, "documents").insert_all(
        (
            {
                "id": d.id, "title": d.title, "title_given_by_us": d.title_given_by_us,
                "publisher": d.publisher, "date": d.date, "origin": d.origin, "text": d.text,
            }
            for d in sorted(kb.documents.values(), key=lambda d: d.id)
        ),
        pk="id",
    )
    _table(db, "facts").insert_all(
        (
            {
                "id": f.id, "kind": f.kind, "subject": f.subject, "attribute": f.attribute,
                "value": f.value, "value_number": f.value_number, "unit": f.unit, "geo": f.geo,
                "year": f.year, "document_id": f.document_id, "quote": f.quote,
                "axes": json.dumps(list(f.axes)), "answer": f.answer, "role": f.role,
                "phrasings": json.dumps(list(f.phrasings), ensure_ascii=False),
                "keywords": json.dumps(list(f.keywords), ensure_ascii=False),
                "related": json.dumps(list(f.related)),
                "symbols": FactSymbols.of(f, lexicon).to_json(),
            }
            for f in kb.facts
        ),
        pk="id",
        foreign_keys=[("document_id", "documents", "id")],
        columns={"value_number": float, "year": int},
    )
    entities = kb.lexicon.get("entities", {})
    _table(db, "entities").insert_all(
        ({"id": key, "kind": e.get("kind", ""), "name": e.get("name", key)} for key, e in sorted(entities.items())),
        pk="id",
    )
    alias_rows = [
        {"alias": alias, "entity_id": key}
        for key, e in sorted(entities.items())
        for alias in e.get("aliases", [])
    ]
    _table(db, "aliases").insert_all(
        alias_rows, pk=("alias", "entity_id"), foreign_keys=[("entity_id", "entities", "id")]
    )
    by_id = {f.id: f for f in kb.facts}
    # Created explicitly: a knowledge directory without axes still gets the (empty) table.
    _table(db, "axes").create({"n": int, "title": str, "text": str, "fact_id": str}, pk="n")
    _table(db, "axes").insert_all(
        (
            {"n": n, "title": by_id[fid].value, "text": by_id[fid].quote, "fact_id": fid}
            for fid, n in sorted(kb.axis_of.items(), key=lambda item: item[1])
        ),
        pk="n",
    )
    meta = {
        "schema_version": SCHEMA_VERSION,
        "knowledge_digest": digest,
        "lexicon": kb.lexicon,
        "places": kb.places,
        "vocabulary": fact_vocabulary(kb.facts, lexicon),
    }
    _table(db, "meta").insert_all(
        ({"key": k, "value": json.dumps(v, ensure_ascii=False, sort_keys=True)} for k, v in meta.items()),
        pk="key",
    )
    return len(entities), len(alias_rows)


def build(knowledge: Path | str, output: Path | str) -> BuildSummary:
    """Verify `knowledge` and write the fact base to `output` (atomically)."""
    root = Path(knowledge)
    kb = load_knowledge(root)  # raises KnowledgeError before anything is written
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    digest = knowledge_digest(root)
    fd, tmp_name = tempfile.mkstemp(prefix=".facts-", suffix=".db", dir=output.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        db = sqlite_utils.Database(tmp)
        entities, aliases = _write(db, kb, digest)
        db.close()
        # mkstemp creates the file 0600: the bot, running as another user than the one who
        # built it (the Docker image), could not read it. It is public data: world-readable.
        os.chmod(tmp, FACTS_MODE)
        os.replace(tmp, output)
    finally:
        tmp.unlink(missing_ok=True)
    return BuildSummary(
        output=output,
        documents=len(kb.documents),
        facts_by_kind=dict(Counter(f.kind for f in kb.facts)),
        entities=entities,
        aliases=aliases,
        digest=digest,
    )
