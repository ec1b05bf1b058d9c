"""`qa publish`: tell axis subscribers what is new or changed in the fact base.

After `knowledge/` changes and `qa build`, it compares the fact base with the last published
snapshot (kept in the state database) and, for every new or changed fact tagged with an axis,
queues one notice per subscriber of its axes (old value -> new value, its source and quote)
in the outbox that the bot's delivery job drains. Notices and the new snapshot are written in
one transaction, so a second run, a crash or a concurrent run never queues a notice twice.

The first run on a state database records the current facts as the baseline and queues
nothing: every fact of the base is not news. Removed facts leave the snapshot silently.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import sqlite3
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .build import SCHEMA_VERSION, build, knowledge_digest
from .config import default_facts_db, default_knowledge
from .errors import FactBaseError
from .records import Fact
from .render import french_numbers, scope_of
from .state import Notice, PublishedFact, StateStore, default_state_path

__all__ = ["PublishResult", "load_published_facts", "notice_text", "publish", "publish_main"]

# ---- what subscribers read (HTML; every value from the base is escaped where inserted) ----
NEW = "🆕 <b>Nouveau</b> – {axes}"
CHANGED = "🔄 <b>Mise à jour</b> – {axes}"
AXIS = "axe {n} « {title} »"
AXIS_UNTITLED = "axe {n}"
VALUE_CHANGED = "{answer}\n{scope}<s>{old}</s> → <b>{new}</b>"
VALUE_NEW = "{answer}\n{scope}<b>{new}</b>"
SOURCE = "Source : « {title} »{publisher}\n<i>« {quote} »</i>"
FOOTER = "Pour ne plus recevoir ces nouvelles : /desabonner {axes}"
MAX_QUOTE = 1200  # a notice must fit in one Telegram message (4 096 characters)


@dataclass(frozen=True)
class SourcedFact:
    fact: Fact
    title: str
    publisher: str


@dataclass(frozen=True)
class PublishResult:
    facts: int  # facts in the base
    notices: int  # new or changed facts tagged with an axis
    queued: int  # outbox rows written (one per subscriber and notice)
    baseline: bool  # the first run: snapshot recorded, nothing queued

    def __str__(self) -> str:
        if self.baseline:
            return f"first publication: {self.facts} facts recorded as the baseline, no notice queued"
        return f"{self.notices} new or changed facts tagged with an axis, {self.queued} notices queued"


def load_published_facts(facts_db: Path) -> tuple[dict[str, SourcedFact], dict[int, str]]:
    """The facts of a base built by `qa build` with their document, and the axis titles."""
    if not facts_db.exists():
        raise FactBaseError(f"{facts_db}: fact base not found; run `qa build` first")
    try:
        with sqlite3.connect(f"file:{facts_db}?mode=ro", uri=True) as db:
            db.row_factory = sqlite3.Row
            rows = db.execute(
                "SELECT f.*, d.title AS doc_title, d.publisher AS doc_publisher FROM facts f "
                "LEFT JOIN documents d ON d.id = f.document_id ORDER BY f.rowid"
            ).fetchall()
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            titles = (
                {int(r["n"]): str(r["title"]) for r in db.execute("SELECT n, title FROM axes")}
                if "axes" in tables
                else {}
            )
    except sqlite3.Error as e:
        raise FactBaseError(f"{facts_db}: cannot read the fact base ({e}); rebuild it with `qa build`") from e
    facts = {}
    for r in rows:
        fact = Fact(
            id=r["id"], kind=r["kind"], subject=r["subject"], attribute=r["attribute"], value=r["value"],
            document_id=r["document_id"], quote=r["quote"], value_number=r["value_number"], unit=r["unit"],
            geo=r["geo"], year=r["year"], axes=tuple(int(a) for a in json.loads(r["axes"] or "[]")),
            answer=r["answer"] or "",
        )  # fmt: skip
        facts[fact.id] = SourcedFact(fact, r["doc_title"] or fact.document_id, r["doc_publisher"] or "")
    return facts, titles


def digest(fact: Fact) -> str:
    """What a subscriber would notice: value, scope, wording, quote, axes (not the phrasings)."""
    fields = [fact.kind, fact.subject, fact.attribute, fact.value, fact.value_number, fact.unit,
              fact.geo, fact.year, fact.document_id, fact.quote, fact.answer, list(fact.axes)]  # fmt: skip
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode()).hexdigest()


def notice_text(item: SourcedFact, old: PublishedFact | None, titles: Mapping[int, str]) -> str:
    fact, e = item.fact, html.escape
    axes = ", ".join(
        AXIS.format(n=n, title=e(titles[n])) if n in titles else AXIS_UNTITLED.format(n=n) for n in fact.axes
    )
    scope = scope_of(fact)
    scope = f"{e(scope)} : " if scope else ""
    new = e(french_numbers(fact.value))
    answer = e(french_numbers(fact.answer or fact.attribute))
    if old is not None and old.value != fact.value:
        body = VALUE_CHANGED.format(answer=answer, scope=scope, old=e(french_numbers(old.value)), new=new)
    else:
        body = VALUE_NEW.format(answer=answer, scope=scope, new=new)
    quote = fact.quote if len(fact.quote) <= MAX_QUOTE else fact.quote[: MAX_QUOTE - 1].rstrip() + "…"
    publisher = f", {e(item.publisher)}" if item.publisher else ""
    return "\n".join(
        [
            (CHANGED if old is not None else NEW).format(axes=axes),
            body,
            SOURCE.format(title=e(item.title), publisher=publisher, quote=e(quote)),
            FOOTER.format(axes=" ".join(str(n) for n in fact.axes)),
        ]
    )


def publish(facts_db: Path, store: StateStore) -> PublishResult:
    """Queue notices for what changed since the last publication; idempotent."""
    facts, titles = load_published_facts(facts_db)
    current = {fid: PublishedFact(fid, digest(item.fact), item.fact.value) for fid, item in facts.items()}
    first = not store.published()

    def notices(old: Mapping[str, PublishedFact]) -> Sequence[Notice]:
        return [
            Notice(item.fact.axes, notice_text(item, old.get(fid), titles))
            for fid, item in facts.items()
            if item.fact.axes and (fid not in old or old[fid].digest != current[fid].digest)
        ]

    notices_count, queued = store.publish(current, notices)
    return PublishResult(len(facts), notices_count, queued, baseline=first and notices_count == 0)


def _fresh(facts_db: Path, knowledge: Path) -> None:
    """Rebuild the base first when `knowledge/` (or the building code) changed since its build."""
    if not knowledge.is_dir():
        return
    try:
        with sqlite3.connect(f"file:{facts_db}?mode=ro", uri=True) as db:
            meta = dict(db.execute("SELECT key, value FROM meta WHERE key IN ('schema_version', 'knowledge_digest')"))
        built = (json.loads(meta["schema_version"]), json.loads(meta["knowledge_digest"]))
    except (sqlite3.Error, KeyError, ValueError):
        built = None
    if built != (SCHEMA_VERSION, knowledge_digest(knowledge)):
        print(build(knowledge, facts_db), file=sys.stderr)


def publish_main(args: argparse.Namespace) -> int:
    """`qa publish [--facts PATH] [--knowledge DIR] [--state PATH]` (wired by qa.cli)."""
    facts_db = Path(args.facts) if getattr(args, "facts", None) else default_facts_db()
    knowledge = getattr(args, "knowledge", None)
    _fresh(facts_db, Path(knowledge) if knowledge else default_knowledge())
    state = Path(args.state) if getattr(args, "state", None) else default_state_path()
    with StateStore.open(state) as store:
        result = publish(facts_db, store)
    print(f"{result} (state: {state})")
    return 0
