"""`qa report`: unanswered questions of the question log, grouped, with the nearest facts.

The engine is the fictional knowledge's (tests/qa/fictional.py), so the nearest facts shown do
not change when a document is added to knowledge/.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from qa import Engine
from qa.report import Group, LoggedQuestion, group_questions, make_report, read_question_log, report_main
from qa.state import StateStore

NOW = datetime(2025, 6, 30, 12, 0, tzinfo=UTC)
DAY = 86400.0

# (days ago, status, text): what the bot logged, as users typed it.
SEED = [
    (1, "unknown", "combien de logements rénovés en Norlande ?"),
    (2, "unknown", "combien de logements rénovés en Norlande ?"),
    (3, "unknown", "cb de logements rénovés en norlande"),
    (4, "unknown", "logements renoves norlande stp"),
    (1, "unknown", "quel est le loyer moyen dans l'Ostrevan"),
    (5, "unknown", "loyers moyens Ostrevan"),
    (2, "unknown", "combien de logements rénovés en 2029"),
    (6, "unknown", "logements rénovés 2029"),
    (3, "unknown", "logements rénovés 2030"),
    (2, "clarify", "qui est Ferrand"),
    (8, "clarify", "Ferrand"),
    (1, "answered", "combien de logements rénovés en 2031"),  # answered: not reported
    (1, "unknown", "merci"),  # small talk: nothing to curate
    (45, "unknown", "combien de logements rénovés en Brisemer"),  # outside 30 days
]
RENOVATED = "logements-renoves"


def _seed(path: Path, now: datetime = NOW) -> None:
    clock_value = [0.0]
    with StateStore.open(path, clock=lambda: clock_value[0]) as store:
        for days_ago, status, text in SEED:
            clock_value[0] = now.timestamp() - days_ago * DAY
            store.log_question(text, status)


@pytest.fixture()
def state_db(tmp_path: Path) -> Path:
    path = tmp_path / "state.db"
    _seed(path)
    return path


def test_groups_on_a_plain_list_without_engine() -> None:
    # The grouping needs no database nor engine: a list of (text, status, time) and, here, a
    # few stopwords (the engine passes its lexicon's list, and expands shorthand like "cb").
    items = [LoggedQuestion(text, status, NOW - timedelta(days=d)) for d, status, text in SEED]
    groups = group_questions(items, stopwords={"combien", "de", "en", "le", "est", "qui", "quel", "dan", "stp"})
    assert [(g.question, g.count) for g in groups] == [
        ("combien de logements rénovés en Norlande ?", 4),
        ("loyers moyens Ostrevan", 2),  # equal counts: the most recently asked first
        ("Ferrand", 2),
        ("logements rénovés 2029", 2),
        ("merci", 1),  # small talk is dropped by make_report, which has the engine's lexicon
        ("logements rénovés 2030", 1),
        ("combien de logements rénovés en Brisemer", 1),  # the period is make_report's too
    ]
    assert dict(groups[0].variants) == {"combien de logements rénovés en Norlande ?": 2,
                                        "cb de logements rénovés en norlande": 1,
                                        "logements renoves norlande stp": 1}
    assert all(g.statuses.keys() <= {"unknown", "clarify"} for g in groups)  # the answered one left out


def _metrics(engine: Engine, group: Group) -> set[str | None]:
    return {engine.fact(f.id).metric for f in group.nearest}


def test_report_groups_the_seeded_log(state_db: Path, fictional: Engine) -> None:
    questions = read_question_log(state_db, NOW - timedelta(days=30))
    assert len(questions) == 12  # 30 days, unknown and clarify only
    report = make_report(questions, fictional, days=30, now=NOW)
    groups = [(g.question, g.count, dict(g.statuses)) for g in report.groups]
    assert groups == [
        ("combien de logements rénovés en Norlande ?", 4, {"unknown": 4}),
        ("loyers moyens Ostrevan", 2, {"unknown": 2}),  # equal counts: the most recently asked first
        ("Ferrand", 2, {"clarify": 2}),
        ("logements rénovés 2029", 2, {"unknown": 2}),
        ("logements rénovés 2030", 1, {"unknown": 1}),
    ]
    norlande, loyer, ferrand, year_2029, year_2030 = report.groups
    # "cb" is shorthand the engine's normaliser expands; "merci" was dropped as small talk.
    assert set(norlande.variants) == {
        "combien de logements rénovés en Norlande ?", "cb de logements rénovés en norlande",
        "logements renoves norlande stp"}
    # Numbers are never fuzzy: 2029 and 2030 are two gaps, not one.
    assert set(year_2029.variants) == {"combien de logements rénovés en 2029", "logements rénovés 2029"}
    assert year_2030.count == 1
    # The nearest facts show the curator what exists: the same metric for the places and years the base has.
    assert norlande.nearest and _metrics(fictional, norlande) == {RENOVATED}
    assert year_2029.nearest and _metrics(fictional, year_2029) == {RENOVATED}
    assert all(f.offered for f in year_2029.nearest)  # the bot offered them as suggestions
    # A clarification lists the candidates it offered; a topic the base lacks has none.
    assert {f.id for f in ferrand.nearest} == {"personne-lea-ferrand", "personne-paul-ferrand"}
    assert all(f.offered for f in ferrand.nearest)
    assert loyer.nearest == []
    assert report.questions == 11


def test_text_output(state_db: Path, fictional: Engine) -> None:
    text = report_main(state_db, fictional, days=30, as_json=False, now=NOW)
    lines = text.splitlines()
    assert lines[0].startswith("Questions answered unknown or clarify, last 30 day(s) (2025-05-31 to 2025-06-30)")
    assert "11 question(s) in 5 group(s)" in lines[0]
    assert "1. 4× « combien de logements rénovés en Norlande ? »  (unknown 4)" in lines
    shown = [line for line in lines if line.startswith("     - ostrevan-2032-logements-renoves: ")]
    assert shown and "logements rénovés (Ostrevan, 2032)" in shown[0] and "(offered)" in shown[0]
    assert "   nearest facts: none (a new fact, or a lexicon entry, is needed)" in lines


def test_json_output_and_period(state_db: Path, fictional: Engine) -> None:
    data = json.loads(report_main(state_db, fictional, days=60, as_json=True, now=NOW))
    assert data["days"] == 60 and data["questions"] == 12
    first = data["groups"][0]
    assert first["question"] == "combien de logements rénovés en Norlande ?"
    assert first["count"] == 4 and first["statuses"] == {"unknown": 4}
    assert first["variants"][0] == {"text": "combien de logements rénovés en Norlande ?", "count": 2}
    assert first["nearest"][0]["id"].endswith("-logements-renoves")
    assert set(first["nearest"][0]) == {"id", "label", "score", "offered"}
    # 45 days ago: inside 60 days, a separate group (another place).
    last = data["groups"][-1]
    assert (last["question"], last["count"]) == ("combien de logements rénovés en Brisemer", 1)
    week = json.loads(report_main(state_db, fictional, days=1, as_json=True, now=NOW))
    assert week["questions"] == 2  # asked exactly one day ago counts, two days ago does not


def test_empty_period(state_db: Path, fictional: Engine) -> None:
    later = NOW + timedelta(days=100)
    assert report_main(state_db, fictional, days=7, as_json=False, now=later).endswith("Nothing to review.\n")
    assert json.loads(report_main(state_db, fictional, days=7, as_json=True, now=later))["groups"] == []


def _qa(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "qa.cli", "report", *args],
                          capture_output=True, text=True, timeout=120)


@pytest.mark.slow
def test_cli(tmp_path: Path, fictional_db: Path) -> None:
    state = tmp_path / "state.db"
    _seed(state, now=datetime.fromtimestamp(time.time(), UTC))
    result = _qa("--state", str(state), "--facts", str(fictional_db), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["questions"] == 11 and data["groups"][0]["count"] == 4
    text = _qa("--state", str(state), "--facts", str(fictional_db), "--days", "7")
    assert text.returncode == 0 and "1. 4×" in text.stdout


def test_cli_missing_state_database_is_a_clear_error(tmp_path: Path, facts_db: Path) -> None:
    missing = tmp_path / "none" / "state.db"
    result = _qa("--state", str(missing), "--facts", str(facts_db))
    assert result.returncode == 1
    assert "state database not found" in result.stderr and "Traceback" not in result.stderr
    assert not missing.parent.exists()  # a report never creates a database


def test_cli_rejects_a_bad_period(tmp_path: Path, facts_db: Path) -> None:
    result = _qa("--state", str(tmp_path / "s.db"), "--facts", str(facts_db), "--days", "0")
    assert result.returncode == 2
