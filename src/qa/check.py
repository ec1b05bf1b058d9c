"""`qa check`: which answers a knowledge change changes, and why, before it is published.

The new base (built from the knowledge folders into a temporary file, or `--facts`) and the
old one (the last published `data/facts.db`/`$QA_FACTS_DB`, or `--against`) answer the same
questions: every phrasing of every fact of either base (asked with the fact's place and
year), the dev set if present, and the questions of the question log (read-only). Each
question whose answer changed (other facts, another status, a new clarification) is listed
with both replies and the engine's reason (the rule that decided, its reason, the tying
candidates of a clarification), most asked first.

Exit status 1 when a fact is no longer reached by its own phrasings (none of them answers it).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .build import build
from .config import default_facts_db, default_knowledge
from .engine import Engine
from .errors import QAError
from .records import Answer, Fact

__all__ = ["Change", "CheckReport", "check", "check_main", "questions_of"]

DEV_SET = Path("..") / "shared" / "eval" / "dev.jsonl"


@dataclass
class Question:
    text: str
    origin: str  # "log" | "dev d01" | "phrasing of <fact id>"
    asked: int = 0  # times in the question log


@dataclass
class Change:
    question: str
    origins: list[str]
    asked: int
    before: dict[str, Any]
    after: dict[str, Any]
    why: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"question": self.question, "origins": self.origins, "asked": self.asked, "before": self.before,
                "after": self.after, "why": self.why}


@dataclass
class CheckReport:
    questions: int = 0
    changes: list[Change] = field(default_factory=list)
    unreached: list[dict[str, Any]] = field(default_factory=list)  # facts no phrasing reaches any more

    @property
    def failed(self) -> bool:
        return bool(self.unreached)

    def to_json(self) -> dict[str, Any]:
        return {"questions": self.questions, "changed": [c.to_json() for c in self.changes],
                "unreached": self.unreached, "ok": not self.failed}

    def to_text(self) -> str:
        lines = [f"{self.questions} questions asked to both bases: {len(self.changes)} answers changed, "
                 f"{len(self.unreached)} facts no longer reached by their phrasings"]
        for c in self.changes:
            who = f"asked {c.asked} times" if c.asked else ", ".join(c.origins[:2])
            lines += ["", f"« {c.question} » ({who})",
                      f"  before: {_line(c.before)}", f"  after:  {_line(c.after)}",
                      f"  why:    rule {c.why['rule'] or '-'}, reason {c.why['reason'] or '-'}"]
            if c.why.get("candidates"):
                lines.append("          tie between: " + "; ".join(c.why["candidates"]))
        for u in self.unreached:
            lines += ["", f"NOT REACHED: fact {u['fact']!r} ({u['file'] or 'new base'}): none of its "
                      f"{len(u['asked'])} phrasings answers it; e.g. « {u['asked'][0]['question']} » -> "
                      f"{u['asked'][0]['status']} {u['asked'][0]['facts']}"]
        return "\n".join(lines) + "\n"


def _line(reply: dict[str, Any]) -> str:
    first = reply["text"].split("\n")[0][:140]
    return f"[{reply['status']}] {first} (facts: {', '.join(reply['facts']) or '-'})"


def scoped(engine: Engine, fact: Fact, phrasing: str) -> str:
    """A phrasing asked with the fact's place and year, as a user would type it."""
    text = phrasing
    if fact.place:
        place = engine.lexicon.places.get(fact.place)
        text += f" pour {place.the}" if place else ""
    if fact.year:
        text += f" en {fact.year}"
    return text


def _log(state: Path) -> dict[str, int]:
    """The questions of the question log and how often each was asked (the database is opened read-only)."""
    try:
        db = sqlite3.connect(f"file:{state}?mode=ro", uri=True)
        try:
            rows = db.execute("SELECT text, COUNT(*) FROM question_log GROUP BY text").fetchall()
        finally:
            db.close()
    except sqlite3.Error as e:
        raise QAError(f"{state}: cannot read the question log: {e}") from e
    return {str(text): int(n) for text, n in rows if text}


def questions_of(engines: list[Engine], dev: Path | None, state: Path | None) -> dict[str, Question]:
    out: dict[str, Question] = {}

    def add(text: str, origin: str, asked: int = 0) -> None:
        text = text.strip()
        if not text:
            return
        q = out.setdefault(text, Question(text, origin))
        q.asked += asked
        if origin not in q.origin.split(" | "):
            q.origin = f"{q.origin} | {origin}"

    if state is not None:
        for text, n in _log(state).items():
            add(text, "log", n)
    if dev is not None and dev.exists():
        for line in dev.read_text(encoding="utf-8").splitlines():
            try:
                item = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(item, dict) and isinstance(item.get("question"), str) and item.get("session") is None:
                add(item["question"], f"dev {item.get('id', '')}")
    for engine in engines:
        for fact in engine.facts():
            for phrasing in fact.phrasings:
                add(scoped(engine, fact, phrasing), f"phrasing of {fact.id}")
    return out


def _reply(answer: Answer) -> dict[str, Any]:
    return {"status": answer.status, "text": answer.text, "facts": list(answer.facts),
            "candidates": list(answer.context.candidates)}


def _changed(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return a["status"] != b["status"] or set(a["facts"]) != set(b["facts"]) or set(a["candidates"]) != set(
        b["candidates"])


def _why(engine: Engine, question: str) -> dict[str, Any]:
    decision = engine.explain(question)
    if decision is None:
        return {"rule": "", "reason": "", "candidates": []}
    candidates = [f"{f.id} ({engine.replies.label(f)})" for f in decision.facts] if decision.status == "clarify" else []
    return {"rule": decision.rule, "reason": decision.reason, "candidates": candidates,
            "confidence": round(decision.confidence, 3)}


def check(new: Engine, old: Engine, *, dev: Path | None = None, state: Path | None = None,
          fact_files: dict[str, str] | None = None) -> CheckReport:
    questions = questions_of([new, old], dev, state)
    report = CheckReport(questions=len(questions))
    after: dict[str, dict[str, Any]] = {}
    before: dict[str, dict[str, Any]] = {}
    for text, q in questions.items():
        after[text], before[text] = _reply(new.ask(text)), _reply(old.ask(text))
        if _changed(before[text], after[text]):
            report.changes.append(Change(text, q.origin.split(" | "), q.asked, before[text], after[text],
                                         _why(new, text)))
    report.changes.sort(key=lambda c: (-c.asked, c.origins[0] != "log", c.question))
    old_ids = {f.id for f in old.facts()}
    for fact in new.facts():
        if not fact.phrasings:
            continue
        asked = [scoped(new, fact, p) for p in fact.phrasings]
        if any(fact.id in after[q]["facts"] for q in asked):
            continue
        before_fact = old.fact(fact.id) if fact.id in old_ids else None
        old_asked = [scoped(old, before_fact, p) for p in before_fact.phrasings] if before_fact else []
        if fact.id in old_ids and not any(fact.id in before[q]["facts"] for q in old_asked if q in before):
            continue  # it was not reached before either: not this change's doing
        report.unreached.append({"fact": fact.id, "file": (fact_files or {}).get(fact.id, ""), "asked": [
            {"question": q, "status": after[q]["status"], "facts": after[q]["facts"]} for q in asked]})
    return report


def check_main(args: argparse.Namespace) -> int:
    against = args.against or default_facts_db()
    if not Path(against).exists():
        print(f"qa check: {against}: no published fact base to compare with (give --against)", file=sys.stderr)
        return 2
    dev = args.dev if args.dev is not None else DEV_SET
    with tempfile.TemporaryDirectory(prefix="qa-check-") as tmp:
        new_path = args.facts
        if new_path is None:
            new_path = Path(tmp) / "facts.db"
            build(args.knowledge or [default_knowledge()], new_path)
        report = check(Engine.load(new_path), Engine.load(against), dev=dev, state=args.state)
    sys.stdout.write(json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n" if args.json
                     else report.to_text())
    return 1 if report.failed else 0
