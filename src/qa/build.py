"""`qa build`: verified knowledge -> SQLite fact base, written with sqlite-utils.

The base is written to a temporary file beside the target and renamed into place, so a
failed or interrupted build never leaves a half-written base behind. It is world-readable
(0644, whatever the umask): public data, read by a service that may run as another user.
The same knowledge always gives the same rows (no timestamps, sorted input).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils
import wordfreq

from .factbase import SCHEMA_VERSION, document_row, fact_row
from .knowledge import Knowledge, load_knowledge
from .lexicon import Lexicon
from .matcher import FactSymbols, fact_vocabulary

__all__ = ["BuildSummary", "build", "knowledge_digest"]

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


# The modules whose code shapes the stored rows and symbols: their code is part of the digest.
_BUILD_MODULES = ("build.py", "factbase.py", "knowledge.py", "lexicon.py", "matcher.py", "normalize.py", "schema.py")


def knowledge_digest(*roots: Path) -> str:
    """A hash of what the base is built from: the knowledge (.txt, .toml) and the building code.

    Guides such as knowledge/README.md are not part of it.
    """
    h = hashlib.sha256()
    here = Path(__file__).parent
    for name in _BUILD_MODULES:
        h.update((here / name).read_bytes())
    for root in roots:
        for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".txt", ".toml")):
            h.update(str(path.relative_to(root)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


COMMON_WORDS = 20_000  # the most frequent French words (Zipf >= 3.3) are never "corrected" into another


def common_words(lexicon: Lexicon, *, exclude: set[str]) -> list[str]:
    """Frequent French words, normalised: "finalement" is not a typo of "financement"."""
    words = {w for word in wordfreq.top_n_list("fr", COMMON_WORDS) for w in lexicon.normalize(word).split()}
    return sorted(w for w in words - exclude if w.isalpha())


def _table(db: sqlite_utils.Database, name: str) -> sqlite_utils.db.Table:
    table = db[name]
    assert isinstance(table, sqlite_utils.db.Table)  # a name we create, never a view
    return table


def _write(db: sqlite_utils.Database, kb: Knowledge, digest: str) -> tuple[int, int]:
    # What the matcher needs of each fact is computed here, once, rather than at each start.
    lexicon = Lexicon(kb.lexicon, kb.places)
    _table(db, "documents").insert_all(
        (document_row(d) for d in sorted(kb.documents.values(), key=lambda d: d.id)), pk="id"
    )
    docs = kb.documents
    _table(db, "facts").insert_all(
        ({**fact_row(f), "symbols": FactSymbols.of(f, lexicon, document_text=docs[f.document_id].text,
                                                   document_title=docs[f.document_id].title).to_json()}
         for f in kb.facts),
        pk="id",
        foreign_keys=[("document_id", "documents", "id")],
        columns={"value_number": float, "year": int, "n": int},
    )
    entities = kb.lexicon.get("entities", {})
    _table(db, "entities").insert_all(
        ({"id": key, "kind": e.get("kind", ""), "name": e.get("name", key), "place": e.get("place")}
         for key, e in sorted(entities.items())),
        pk="id",
    )
    alias_rows = [{"alias": a, "entity_id": key} for key, e in sorted(entities.items()) for a in e.get("aliases", [])]
    _table(db, "aliases").insert_all(
        alias_rows, pk=("alias", "entity_id"), foreign_keys=[("entity_id", "entities", "id")]
    )
    _table(db, "places").insert_all(
        ({"id": key, "label": p["label"], "the": p.get("the"), "kind": p["kind"], "parent": p.get("parent")}
         for key, p in sorted(kb.places.items())),
        pk="id",
    )
    _table(db, "metrics").insert_all(
        ({"id": key, "label": m.get("label", key)} for key, m in sorted(kb.lexicon.get("metrics", {}).items())), pk="id"
    )
    _table(db, "roles").insert_all(
        ({"id": key, "label": r.get("label", key)} for key, r in sorted(kb.lexicon.get("roles", {}).items())), pk="id"
    )
    lists = [f for f in kb.facts if f.kind == "list"]
    # Created explicitly: a knowledge directory without lists still gets the (empty) tables.
    _table(db, "lists").create({"id": str, "title": str, "noun": str, "subscribable": int, "document_id": str}, pk="id")
    _table(db, "lists").insert_all(
        {"id": f.id, "title": f.attribute, "noun": f.noun, "subscribable": int(f.subscribable),
         "document_id": f.document_id} for f in lists
    )
    items = sorted((f for f in kb.facts if f.kind == "item"), key=lambda f: (f.list_id or "", f.n or 0))
    _table(db, "list_items").create({"list_id": str, "n": int, "fact_id": str, "title": str}, pk=("list_id", "n"))
    _table(db, "list_items").insert_all(
        {"list_id": f.list_id, "n": f.n, "fact_id": f.id, "title": f.value} for f in items
    )
    # Numbered as the engine numbers them (Engine.topics): lists in the order of the facts, items by n.
    topics = [i for head in lists if head.subscribable for i in items if i.list_id == head.id]
    _table(db, "topics").create({"n": int, "key": str, "title": str, "list_id": str}, pk="n")
    _table(db, "topics").insert_all(
        {"n": n, "key": f.id, "title": f.value, "list_id": f.list_id} for n, f in enumerate(topics, 1)
    )
    vocabulary = fact_vocabulary(kb.facts, lexicon)
    meta = {
        "schema_version": SCHEMA_VERSION,
        "knowledge_digest": digest,
        "lexicon": kb.lexicon,
        "places": kb.places,
        "vocabulary": vocabulary,
        "common_words": common_words(lexicon, exclude=set(vocabulary)),
    }
    _table(db, "meta").insert_all(
        ({"key": k, "value": json.dumps(v, ensure_ascii=False, sort_keys=True)} for k, v in meta.items()), pk="key"
    )
    return len(entities), len(alias_rows)


def build(knowledge: Path | str | Sequence[Path | str], output: Path | str) -> BuildSummary:
    """Verify the knowledge directory (or directories) and write the fact base to `output`, atomically."""
    roots = [Path(knowledge)] if isinstance(knowledge, (str, Path)) else [Path(k) for k in knowledge]
    kb = load_knowledge(*roots)  # raises KnowledgeError before anything is written
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    digest = knowledge_digest(*roots)
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
