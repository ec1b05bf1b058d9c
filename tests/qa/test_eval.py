"""The quality bars: dev set and our own cases through `qa ask --jsonl`, and grounding.

The scorer lives in ../shared/eval beside the repository (as in CI). Our own cases,
tests/qa/cases.jsonl, were written independently of the dev set and are held to the
same bars: at least 95 % of cases and not one wrong answer.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from qa import Answer, Context, Engine
from qa.knowledge import numbers_in

from ..conftest import SHARED

SCORER = SHARED / "eval" / "score.py"
DEV = SHARED / "eval" / "dev.jsonl"
OWN = Path(__file__).with_name("cases.jsonl")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
needs_shared = pytest.mark.skipif(not SCORER.exists(), reason="../shared/eval (the scorer) is not beside the repo")


def _score(cases: Path, facts_db: Path) -> subprocess.CompletedProcess[str]:
    command = f"{sys.executable} -m qa.cli ask --jsonl --facts {facts_db}"
    return subprocess.run(
        [sys.executable, str(SCORER), str(cases), "--cmd", command, "--min-accuracy", "0.95",
         "--max-wrong", "0", "--show-failures"],
        capture_output=True, text=True, timeout=300,
    )


@needs_shared
def test_dev_set(facts_db: Path) -> None:
    result = _score(DEV, facts_db)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "wrong 0" in result.stdout


@needs_shared
def test_own_cases(facts_db: Path) -> None:
    result = _score(OWN, facts_db)
    assert result.returncode == 0, result.stdout + result.stderr


def test_own_cases_are_many_and_varied() -> None:
    cases = [json.loads(line) for line in OWN.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(cases) >= 150
    assert len({c["id"] for c in cases}) == len(cases)
    tags = {t for c in cases for t in c.get("tags", [])}
    assert len(tags) >= 8


def _conversations() -> list[list[str]]:
    """Every question we have, grouped by session so follow-ups get their context."""
    files = [p for p in (DEV, OWN) if p.exists()]
    out: list[list[str]] = []
    sessions: dict[str, list[str]] = {}
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            case = json.loads(line)
            if "session" in case:
                key = f"{path.name}:{case['session']}"
                if key not in sessions:
                    sessions[key] = []
                    out.append(sessions[key])
                sessions[key].append(case["question"])
            else:
                out.append([case["question"]])
    return out


def _grounded(answer: Answer, engine: Engine) -> None:
    quotes = " ".join(s.quote for s in answer.sources)
    facts = [engine.fact(fid) for fid in answer.facts]
    allowed = numbers_in(quotes) | {str(f.year) for f in facts if f.year}
    allowed |= {str(a.n) for a in engine.axes() if any(f.id == a.fact_id for f in facts)}
    assert numbers_in(answer.text) <= allowed, (answer.text, numbers_in(answer.text) - allowed)
    assert set(EMAIL.findall(answer.text)) <= set(EMAIL.findall(quotes)), answer.text
    for fact in facts:  # the year shown is the year of the document section it comes from
        if fact.year:
            assert str(fact.year) in engine.documents()[0].text + engine.documents()[1].text


def test_every_answered_number_and_email_is_in_a_cited_quote(engine: Engine) -> None:
    answered = 0
    for conversation in _conversations():
        context: Context | None = None
        for question in conversation:
            answer = engine.ask(question, context)
            context = answer.context
            if answer.status == "answered":
                answered += 1
                _grounded(answer, engine)
    assert answered >= 40


def test_every_fact_answered_directly_is_grounded(engine: Engine) -> None:
    for fact_id in (f.id for f in engine.facts()):
        _grounded(engine.answer_fact(fact_id), engine)
