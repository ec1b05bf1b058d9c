"""`qa publish`: tell subscribers what is new or changed in the fact base, one digest each.

After `knowledge/` changes and `qa build`, it compares the fact base with the last published
snapshot (kept in the state database). Every new or changed fact with `topics` (items of the
subscribable lists of the base) gets a notice (`qa.notices`); every active subscriber whose
topics any notice concerns gets ONE message, the digest of those notices. Digests and the new
snapshot are written in one transaction, so a second run, a crash or a concurrent run never
queues a publication twice. The topics, their numbers and labels come from the base
(`Engine.topics()`), as the bot's /axes and /abonner take them.

The first run on a state database records the current facts as the baseline and queues
nothing: every fact of the base is not news. Removed facts leave the snapshot silently.

`qa publish --dry-run` shows what a run would queue (per topic, its notices and how many
subscribers get them, and one digest as a subscriber would read it) and writes nothing: the
state database is read without being opened for writing (`qa.state_peek`), and a fact base
older than `knowledge/` is rebuilt into a temporary file, never over the real one.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sqlite3
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .build import build, knowledge_digest
from .config import default_facts_db, default_knowledge
from .engine import Engine
from .factbase import SCHEMA_VERSION
from .notices import Notice, digest_text, notice_text, topic_label
from .publish_preview import Preview
from .records import Fact
from .state import Digest, PublishedFact, StateStore, default_state_path
from .state_peek import peek_state

__all__ = ["Publication", "PublishResult", "digest", "dry_run", "publish", "publish_main"]

# The snapshot's digests say which facts changed. Their scheme is versioned: a snapshot made by
# an older scheme (other fields) compares by value only, so that upgrading qa does not announce
# every fact of the base as changed.
DIGEST_SCHEME = "2:"


def digest(fact: Fact) -> str:
    """What a subscriber would notice: value, scope, wording, quote, topics (not phrasings)."""
    fields = [fact.kind, fact.subject, fact.attribute, fact.value, fact.value_number, fact.unit, fact.metric,
              fact.place, fact.year, fact.role, fact.person, fact.list_id, fact.n, fact.channel,
              fact.document_id, fact.quote, fact.answer, sorted(fact.topics)]  # fmt: skip
    return DIGEST_SCHEME + hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode()).hexdigest()


def _changed(old: PublishedFact, new: PublishedFact) -> bool:
    if old.digest.startswith(DIGEST_SCHEME):
        return old.digest != new.digest
    return old.value != new.value  # recorded by an older scheme: only a new value is news


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


@dataclass(frozen=True)
class PublishResult:
    facts: int  # facts in the base
    notices: int  # new or changed facts with topics
    queued: int  # digests queued: one per subscriber concerned
    baseline: bool  # the first run: snapshot recorded, nothing queued

    def __str__(self) -> str:
        return self.describe()

    def describe(self, *, dry: bool = False) -> str:
        """One line; `dry` says what a run would do."""
        done = "would be " if dry else ""
        if self.baseline:
            return (f"first publication: {self.facts} facts {done}recorded as the baseline, "
                    f"no notice {'would be ' if dry else ''}queued")
        facts = _plural(self.notices, "new or changed fact", "new or changed facts")
        digests = _plural(self.queued, "digest", "digests")
        return f"{facts} tagged with a topic, {digests} {done}queued (one per subscriber)"


class Publication:
    """A fact base's notices against a snapshot, and the digests for given followers (pure)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.topics = engine.topics()
        self.numbers = {t.key: t.n for t in self.topics}
        self.labels = {t.key: topic_label(t, _item(engine, t.key)) for t in self.topics}
        self.current = {f.id: PublishedFact(f.id, digest(f), f.value) for f in engine.facts()}

    def numbering(self) -> dict[int, str]:
        """{topic number: key}: what the legacy subscriptions ('#2') are adopted with."""
        return {t.n: t.key for t in self.topics}

    def notices(self, old: Mapping[str, PublishedFact]) -> list[Notice]:
        """A notice per new or changed fact with topics, in the base's order."""
        found = []
        for fact in self.engine.facts():
            before = old.get(fact.id)
            if not fact.topics or (before is not None and not _changed(before, self.current[fact.id])):
                continue
            labels = [self.labels[k] for k in fact.topics if k in self.labels]
            text = notice_text(fact, self.engine.source_of(fact), scope=self._scope(fact), labels=labels,
                               old_value=None if before is None else before.value, changed=before is not None)
            summary = f"{'changed' if before is not None else 'new'}: {fact.answer or fact.attribute} ({fact.id})"
            found.append(Notice(fact.id, fact.topics, before is not None, text, " ".join(summary.split())))
        return found

    def digests(self, notices: Sequence[Notice], followers: Mapping[int, frozenset[str]]) -> list[Digest]:
        """One message per follower concerned by any notice, with those notices only."""
        out = []
        made: dict[frozenset[str], str] = {}  # most followers share a few sets of topics
        for chat_id, followed in sorted(followers.items()):
            concerned = frozenset(k for n in notices for k in n.topics if k in followed)
            if not concerned:
                continue
            if concerned not in made:
                mine = [n for n in notices if concerned.intersection(n.topics)]
                numbers = sorted(self.numbers[k] for k in concerned if k in self.numbers)
                made[concerned] = digest_text(mine, numbers)
            out.append(Digest(chat_id, made[concerned]))
        return out

    def _scope(self, fact: Fact) -> str:
        places = self.engine.lexicon.places
        parts = [places.label(fact.place)] if fact.place and fact.place in places else []
        if fact.year is not None:
            parts.append(f"année {fact.year}")
        return ", ".join(parts)


def _item(engine: Engine, key: str) -> Fact | None:
    try:
        return engine.fact(key)
    except KeyError:
        return None


def publish(facts_db: Path, store: StateStore, *, engine: Engine | None = None) -> PublishResult:
    """Queue one digest per subscriber for what changed since the last publication; idempotent.
    Legacy subscriptions (axis numbers of schema v2) are adopted first, with the base's numbering."""
    publication = Publication(engine if engine is not None else Engine.load(facts_db))
    store.adopt_legacy(publication.numbering())
    counted: list[Notice] = []

    def digests(old: Mapping[str, PublishedFact], followers: Mapping[int, frozenset[str]]) -> list[Digest]:
        counted[:] = publication.notices(old)
        return publication.digests(counted, followers)

    queued, baseline = store.publish(publication.current, digests)
    return PublishResult(len(publication.current), len(counted), queued, baseline)


def dry_run(facts_db: Path, state: Path, *, engine: Engine | None = None) -> Preview:
    """What `publish` would queue, computed from a read-only look at the state database."""
    publication = Publication(engine if engine is not None else Engine.load(facts_db))
    snapshot = peek_state(state, publication.numbering())
    baseline = not snapshot.published
    notices = [] if baseline else publication.notices(snapshot.published)
    digests = publication.digests(notices, snapshot.followers)
    result = PublishResult(len(publication.current), len(notices), len(digests), baseline)
    return Preview(result=result.describe(dry=True), topics=publication.topics, labels=publication.labels,
                   notices=notices, followers=snapshot.followers, digests=digests, state_exists=snapshot.exists)


def _stale(facts_db: Path, knowledge: Path) -> bool:
    """Whether `knowledge/` (or the building code) changed since the base was built."""
    if not knowledge.is_dir():
        return False
    try:
        with sqlite3.connect(f"{facts_db.resolve().as_uri()}?mode=ro", uri=True) as db:
            meta = dict(db.execute("SELECT key, value FROM meta WHERE key IN ('schema_version', 'knowledge_digest')"))
        built = (json.loads(meta["schema_version"]), json.loads(meta["knowledge_digest"]))
    except (sqlite3.Error, KeyError, ValueError):
        built = None
    return built != (SCHEMA_VERSION, knowledge_digest(knowledge))


def publish_main(args: argparse.Namespace) -> int:
    """`qa publish [--dry-run] [--facts PATH] [--knowledge DIR] [--state PATH]` (wired by qa.cli)."""
    facts_db = Path(args.facts) if getattr(args, "facts", None) else default_facts_db()
    knowledge = Path(args.knowledge) if getattr(args, "knowledge", None) else default_knowledge()
    state = Path(args.state) if getattr(args, "state", None) else default_state_path()
    if getattr(args, "dry_run", False):
        if not _stale(facts_db, knowledge):
            print(dry_run(facts_db, state).render(state))
            return 0
        # What `qa publish` would publish is a fresh build: preview one, written elsewhere.
        print(f"the fact base is older than {knowledge}: previewing a fresh build (not written)", file=sys.stderr)
        with tempfile.TemporaryDirectory(prefix="qa-publish-") as tmp:
            fresh = Path(tmp) / "facts.db"
            build(knowledge, fresh)
            print(dry_run(fresh, state).render(state))
        return 0
    if _stale(facts_db, knowledge):
        print(build(knowledge, facts_db), file=sys.stderr)
    engine = Engine.load(facts_db)  # before the state database: a missing base changes nothing
    with StateStore.open(state) as store:
        result = publish(facts_db, store, engine=engine)
    print(f"{result} (state: {state})")
    return 0
