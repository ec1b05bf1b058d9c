"""`qa report`: the questions the bot could not answer, grouped, with the facts nearest to them.

A curator reads it to decide what to add: a phrasing or a synonym when the nearest fact is
the right one, a new fact (and maybe a new document) when no fact is near. The input is the
question log of the state database (text, status, time; never who asked).

Grouping is deliberately simple and explainable: questions are normalised like the engine
reads them (accents, plurals, shorthand, stopwords dropped), identical forms are merged, then
each distinct form joins the first group whose representative it resembles (rapidfuzz), most
frequent forms first. Numbers must agree exactly, as in the engine: a question about 2019 and
one about 2020 are two different gaps in the knowledge, not one.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rapidfuzz import fuzz

from .engine import Engine
from .errors import QAError
from .normalize import normalize

__all__ = [
    "DEFAULT_DAYS",
    "Group",
    "LoggedQuestion",
    "NearFact",
    "Report",
    "group_questions",
    "make_report",
    "nearest_facts",
    "read_question_log",
]

DEFAULT_DAYS = 30
REPORTED = ("unknown", "clarify")
# token_set_ratio tolerates extra or missing words ("stp", a repeated word); token_sort_ratio
# keeps a one-word question from swallowing every longer question that contains its word.
SET_MIN = 80.0
SORT_MIN = 70.0
MAX_VARIANTS = 5
MAX_NEAREST = 3
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


@dataclass(frozen=True)
class LoggedQuestion:
    text: str
    status: str
    asked_at: datetime


@dataclass(frozen=True)
class NearFact:
    id: str
    label: str
    score: float | None  # the matcher's score; None when only the bot's reply offered it
    offered: bool  # the bot offered it (clarification button or suggestion)


@dataclass
class Group:
    question: str  # the most frequent wording, as users typed it
    count: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    variants: Counter[str] = field(default_factory=Counter)
    last_asked: datetime | None = None
    nearest: list[NearFact] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "question": self.question,
            "count": self.count,
            "statuses": dict(sorted(self.statuses.items())),
            "variants": [{"text": t, "count": n} for t, n in _ranked(self.variants)[:MAX_VARIANTS]],
            "last_asked": self.last_asked.isoformat() if self.last_asked else None,
            "nearest": [
                {
                    "id": f.id,
                    "label": f.label,
                    "score": None if f.score is None else round(f.score, 3),
                    "offered": f.offered,
                }
                for f in self.nearest
            ],
        }


@dataclass
class Report:
    since: datetime
    until: datetime
    days: int
    groups: list[Group]

    @property
    def questions(self) -> int:
        return sum(g.count for g in self.groups)

    def to_json(self) -> dict[str, object]:
        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "days": self.days,
            "questions": self.questions,
            "groups": [g.to_json() for g in self.groups],
        }

    def to_text(self) -> str:
        head = (
            f"Questions answered unknown or clarify, last {self.days} day(s) "
            f"({self.since:%Y-%m-%d} to {self.until:%Y-%m-%d}): "
            f"{self.questions} question(s) in {len(self.groups)} group(s)."
        )
        if not self.groups:
            return head + "\nNothing to review.\n"
        lines = [head, ""]
        for n, g in enumerate(self.groups, 1):
            statuses = ", ".join(f"{s} {k}" for s, k in sorted(g.statuses.items()))
            lines.append(f"{n}. {g.count}× « {g.question} »  ({statuses})")
            others = [(t, k) for t, k in _ranked(g.variants) if t != g.question][: MAX_VARIANTS - 1]
            if others:
                lines.append("   also: " + " | ".join(f"« {t} »" + (f" ×{k}" if k > 1 else "") for t, k in others))
            if g.last_asked:
                lines.append(f"   last asked: {g.last_asked:%Y-%m-%d %H:%M}")
            if g.nearest:
                lines.append("   nearest facts:")
                for f in g.nearest:
                    score = f"{f.score:.2f}" if f.score is not None else "-"
                    mark = "  (offered)" if f.offered else ""
                    lines.append(f"     - {f.id}: {f.label}  score {score}{mark}")
            else:
                lines.append("   nearest facts: none (a new fact, or a lexicon entry, is needed)")
            lines.append("")
        return "\n".join(lines).rstrip() + "\n"


def _ranked(counter: Counter[str]) -> list[tuple[str, int]]:
    """Most frequent first; ties by the shorter, then alphabetical text (stable output)."""
    return sorted(counter.items(), key=lambda item: (-item[1], len(item[0]), item[0]))


# ------------------------------------------------------------------------- grouping
def signature(text: str, normalizer: Callable[[str], str] = normalize, stopwords: Iterable[str] = ()) -> str:
    """The words that carry the question's meaning, normalised ("cb de logts rénovés" -> ...)."""
    stop = frozenset(stopwords)  # no copy when it already is one (group_questions passes one)
    return " ".join(w for w in normalizer(text).split() if w not in stop)


def _similar(a: str, b: str) -> bool:
    if a == b:
        return True
    if not a or not b:
        return False  # a question with no content word only joins others like it
    if set(_NUMBER.findall(a)) != set(_NUMBER.findall(b)):
        return False  # years and figures never fuzzy, like the engine
    return fuzz.token_set_ratio(a, b) >= SET_MIN and fuzz.token_sort_ratio(a, b) >= SORT_MIN


def group_questions(
    questions: Iterable[LoggedQuestion],
    *,
    normalizer: Callable[[str], str] = normalize,
    stopwords: Iterable[str] = (),
    statuses: Sequence[str] = REPORTED,
) -> list[Group]:
    """Group similar questions of the given statuses; the largest group first."""
    stop = frozenset(stopwords)
    by_signature: dict[str, list[LoggedQuestion]] = {}
    for q in questions:
        if q.status in statuses:
            by_signature.setdefault(signature(q.text, normalizer, stop), []).append(q)
    # Greedy: the most asked forms found the groups, so a group's representative is the form
    # users type most, and a rare typo joins it rather than the other way round.
    order = sorted(by_signature, key=lambda s: (-len(by_signature[s]), s))
    clusters: list[tuple[str, list[LoggedQuestion]]] = []
    for sig in order:
        for representative, members in clusters:
            if _similar(sig, representative):
                members.extend(by_signature[sig])
                break
        else:
            clusters.append((sig, list(by_signature[sig])))
    groups = []
    for _, members in clusters:
        variants = Counter(" ".join(m.text.split()) for m in members)
        groups.append(
            Group(
                question=_ranked(variants)[0][0],
                count=len(members),
                statuses=Counter(m.status for m in members),
                variants=variants,
                last_asked=max(m.asked_at for m in members),
            )
        )
    groups.sort(key=lambda g: (-g.count, -(g.last_asked or _EPOCH).timestamp(), g.question))
    return groups


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


# ---------------------------------------------------------------------- nearest facts
def nearest_facts(engine: Engine, question: str, limit: int = MAX_NEAREST) -> list[NearFact]:
    """What the bot offered for `question`, then the facts the matcher scores highest.

    Scoring ignores the question's year and place on purpose: for "places créées en
    2019" the curator wants to see the figures of the years the base has, beside which it would sit.
    """
    answer = engine.ask(question)
    offered = list(answer.facts) if answer.status == "clarify" else []
    offered += [s.fact_id for s in answer.suggestions if s.fact_id and s.fact_id not in offered]
    reading = engine.read(question)
    concepts = {c: 1.0 for c in reading.concepts}
    allowed, ruled_out = engine.index.candidates(concepts)
    scores = {s.fact.id: s.score for s in engine.index.score(reading, concepts, [*allowed, *ruled_out])}
    ranked = sorted(scores, key=lambda fid: (-scores[fid], fid))
    chosen = list(dict.fromkeys([*offered, *ranked]))[:limit]
    return [NearFact(fid, _label(engine, fid), scores.get(fid), fid in offered) for fid in chosen]


def _label(engine: Engine, fact_id: str) -> str:
    return engine.replies.label(engine.fact(fact_id))


# ------------------------------------------------------------------------- the log
def read_question_log(state_db: Path, since: datetime) -> list[LoggedQuestion]:
    """The unknown and clarify questions logged since `since` (table `question_log` of
    qa.state_schema: text, status, asked_at in Unix seconds).

    Read-only: the bot may be running, and a report must never create or migrate a database.
    """
    if not state_db.exists():
        raise QAError(f"{state_db}: state database not found (set BOT_STATE_DB or pass --state)")
    try:
        db = sqlite3.connect(f"file:{state_db}?mode=ro", uri=True, timeout=10.0)
        try:
            rows = db.execute(
                "SELECT text, status, asked_at FROM question_log WHERE asked_at >= ? AND status IN (?, ?)",
                (since.timestamp(), *REPORTED),
            ).fetchall()
        finally:
            db.close()
    except sqlite3.Error as e:
        raise QAError(f"{state_db}: cannot read the question log ({e})") from e
    return [LoggedQuestion(str(t), str(s), datetime.fromtimestamp(float(a), UTC)) for t, s, a in rows]


def make_report(
    questions: Iterable[LoggedQuestion],
    engine: Engine | None,
    *,
    days: int = DEFAULT_DAYS,
    now: datetime | None = None,
) -> Report:
    """Group the questions of the last `days` days and attach the nearest facts to each group."""
    until = now or datetime.now(UTC)
    since = until - timedelta(days=days)
    recent = [q for q in questions if since <= q.asked_at <= until]
    if engine is not None:
        # "merci", "bonjour": logged as unknown (no fact answers them) but nothing to curate.
        recent = [q for q in recent if not _smalltalk(engine, q.text)]
        groups = group_questions(recent, normalizer=engine.lexicon.normalize, stopwords=engine.lexicon.stopwords)
        for g in groups:
            g.nearest = nearest_facts(engine, g.question)
    else:
        groups = group_questions(recent)
    return Report(since=since, until=until, days=days, groups=groups)


def _smalltalk(engine: Engine, text: str) -> bool:
    reading = engine.read(text)
    return bool(reading.smalltalk) and not reading.concepts


def report_main(state_db: Path, engine: Engine | None, *, days: int, as_json: bool, now: datetime | None = None) -> str:
    """What `qa report` prints."""
    until = now or datetime.now(UTC)
    questions = read_question_log(state_db, until - timedelta(days=days))
    report = make_report(questions, engine, days=days, now=until)
    if as_json:
        return json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n"
    return report.to_text()
