"""The quality bars, through `qa ask --jsonl --facts DB` and the shared scorer, and grounding.

The scorer lives in ../shared/eval beside the repository (as in CI). Bars (DESIGN.md):

- the dev set (../shared/eval/dev.jsonl): at least 95 % and not one wrong answer;
- our own cases (tests/qa/cases.jsonl), written independently of the dev set: the same;
- the held-out cases (tests/qa/heldout.jsonl, written by a colleague who never read the
  engine nor the other cases): at least 90 % and not one wrong answer.

Every answered reply to all of these questions is also checked for grounding, and every
refusal for sentences that deny what the base holds.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from qa import Answer, Context, Engine

from ..conftest import SHARED
from .truth import Base, grounded

SCORER = SHARED / "eval" / "score.py"
DEV = SHARED / "eval" / "dev.jsonl"
OWN = Path(__file__).with_name("cases.jsonl")
HELDOUT = Path(__file__).with_name("heldout.jsonl")
needs_shared = pytest.mark.skipif(not SCORER.exists(), reason="../shared/eval (the scorer) is not beside the repo")


def _score(cases: Path, facts_db: Path, min_accuracy: float) -> subprocess.CompletedProcess[str]:
    command = f"{sys.executable} -m qa.cli ask --jsonl --facts {facts_db}"
    return subprocess.run(
        [sys.executable, str(SCORER), str(cases), "--cmd", command, "--min-accuracy", str(min_accuracy),
         "--max-wrong", "0", "--show-failures"],
        capture_output=True, text=True, timeout=300,
    )


@needs_shared
def test_dev_set(facts_db: Path) -> None:
    result = _score(DEV, facts_db, 0.95)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "wrong 0" in result.stdout


@needs_shared
def test_own_cases(facts_db: Path) -> None:
    result = _score(OWN, facts_db, 0.95)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "wrong 0" in result.stdout


@needs_shared
def test_heldout_cases(facts_db: Path) -> None:
    result = _score(HELDOUT, facts_db, 0.90)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "wrong 0" in result.stdout


def _cases(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize(("path", "least"), [pytest.param(OWN, 150, id="own"), pytest.param(HELDOUT, 150, id="heldout")])
def test_case_files_are_many_varied_and_well_formed(path: Path, least: int) -> None:
    cases = _cases(path)
    assert len(cases) >= least
    assert len({c["id"] for c in cases}) == len(cases)
    assert len({t for c in cases for t in c.get("tags", [])}) >= 8
    for case in cases:
        assert isinstance(case["question"], str), case["id"]
        assert set(case.get("allow", ["answered"])) <= {"answered", "clarify", "unknown"}, case["id"]


def _conversations() -> list[list[str]]:
    """Every question we have, grouped by session so follow-ups get their context."""
    out: list[list[str]] = []
    sessions: dict[str, list[str]] = {}
    for path in (p for p in (DEV, OWN, HELDOUT) if p.exists()):
        for case in _cases(path):
            if "session" in case:
                key = f"{path.name}:{case['session']}"
                if key not in sessions:
                    sessions[key] = []
                    out.append(sessions[key])
                sessions[key].append(str(case["question"]))
            else:
                out.append([str(case["question"])])
    return out


def _replies(engine: Engine) -> list[tuple[str, Answer]]:
    replies = []
    for conversation in _conversations():
        context: Context | None = None
        for question in conversation:
            answer = engine.ask(question, context)
            context = answer.context
            replies.append((question, answer))
    return replies


def test_every_answered_number_and_email_is_in_a_cited_quote(engine: Engine) -> None:
    documents = {d.id: d for d in engine.documents()}
    answered = 0
    for _, answer in _replies(engine):
        if answer.status == "answered":
            answered += 1
            grounded(answer, engine)
            for fact in map(engine.fact, answer.facts):  # the year shown is one its document states
                assert fact.year is None or str(fact.year) in documents[fact.document_id].text, fact.id
    assert answered >= 100


def test_no_refusal_of_the_question_sets_denies_what_the_base_holds(engine: Engine) -> None:
    """No unknown or clarify reply says a place has no figures, or a body or place lacks a role, when it has.

    Sentences about "ce chiffre" need what was asked (test_engine probes them); those checked here
    claim something of the whole base.
    """
    base = Base(engine)
    wrong = []
    for question, answer in _replies(engine):
        if answer.status != "answered":
            claims = base.false_claims(answer.text)
            wrong += [f"{question!r}: {w}" for w in claims if w.startswith(("UNKNOWN_PLACE_NONE", "UNKNOWN_ROLE"))]
    assert not wrong, "\n".join(wrong)
