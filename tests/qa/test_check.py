"""`qa check`: what a knowledge change does to the answers (tests on copies of knowledge/)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from qa import build
from qa.cli import main

ROOT = Path(__file__).resolve().parents[2]
KNOWLEDGE = ROOT / "knowledge"
QUESTION = "combien de logements réhabilités dans l'Aisne en 2021 ?"

# A second, fictional source giving another 2021 figure for the same metric and place: it ties
# with aisne-2021-logements-rehabilites.
TIE_DOCUMENT = "Bilan fictif\n\nEn 2021, 1 100 logements ont été réhabilités dans l'Aisne selon ce bilan fictif.\n"
TIE_FACT = """
[[fact]]
id = "aisne-2021-logements-rehabilites-fictif"
kind = "figure"
document = "bilan-fictif"
quote = "En 2021, 1 100 logements ont été réhabilités dans l'Aisne selon ce bilan fictif."
subject = "action-logement"
attribute = "logements réhabilités"
value = "1 100"
value_number = 1100
unit = "logements"
metric = "logements-rehabilites"
place = "aisne"
year = 2021
answer = "1 100 logements réhabilités"
phrasings = ["combien de logements réhabilités"]
"""


@pytest.fixture(scope="module")
def old_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("old") / "facts.db"
    build(KNOWLEDGE, path)
    return path


def _state(tmp_path: Path, questions: dict[str, int]) -> Path:
    path = tmp_path / "state.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE question_log (id INTEGER PRIMARY KEY, text TEXT NOT NULL, status TEXT NOT NULL,"
               " asked_at REAL NOT NULL)")
    for text, n in questions.items():
        db.executemany("INSERT INTO question_log (text, status, asked_at) VALUES (?, 'answered', 0)", [(text,)] * n)
    db.commit()
    db.close()
    return path


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target)
    return target


def _check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    code = main(["check", "--json", "--dev", "/nonexistent", *args])
    return code, json.loads(capsys.readouterr().out)


def test_unchanged_base_reports_nothing_and_exits_0(old_db: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    state = _state(tmp_path, {QUESTION: 2})
    code, report = _check(capsys, "--knowledge", str(KNOWLEDGE), "--against", str(old_db), "--state", str(state))
    assert code == 0
    assert report["changed"] == [] and report["unreached"] == [] and report["questions"] > 100


def test_a_fact_that_ties_is_a_changed_answer_with_its_reason(old_db: Path, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    knowledge = _copy(tmp_path)
    (knowledge / "documents" / "bilan-fictif.txt").write_text(TIE_DOCUMENT, encoding="utf-8")
    (knowledge / "documents" / "bilan-fictif.toml").write_text('id = "bilan-fictif"\ntitle = "Bilan fictif"\n',
                                                               encoding="utf-8")
    (knowledge / "facts" / "fictif.toml").write_text(TIE_FACT, encoding="utf-8")
    state = _state(tmp_path, {QUESTION: 5, "qui préside Clésence ?": 1})
    code, report = _check(capsys, "--knowledge", str(knowledge), "--against", str(old_db), "--state", str(state))
    first = report["changed"][0]
    assert first["question"] == QUESTION and first["asked"] == 5  # most users affected first
    assert first["before"]["facts"] == ["aisne-2021-logements-rehabilites"]
    assert first["after"] != first["before"]
    tie = "aisne-2021-logements-rehabilites-fictif"
    assert first["why"]["rule"]
    assert tie in first["after"]["facts"] or any(tie in c for c in first["why"]["candidates"])
    if first["after"]["status"] == "clarify":
        assert first["why"]["reason"] and len(first["why"]["candidates"]) >= 2
    assert all(c["question"] != "qui préside Clésence ?" for c in report["changed"])
    # The plain-text report says the same for a person.
    main(["check", "--dev", "/nonexistent", "--knowledge", str(knowledge), "--against", str(old_db),
          "--state", str(state)])
    text = capsys.readouterr().out
    assert f"« {QUESTION} » (asked 5 times)" in text and "before:" in text and "why:" in text
    assert code in (0, 1)


def test_a_fact_its_phrasings_no_longer_reach_fails(old_db: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    knowledge = _copy(tmp_path)
    path = knowledge / "facts" / "personnes.toml"
    text = path.read_text(encoding="utf-8")
    old = 'phrasings = ["qui est la présidente de Clésence", "qui préside Clésence", "qui est Pascale Sébille"]'
    assert old in text
    path.write_text(text.replace(old, 'phrasings = ["tarif des croissants au beurre"]'), encoding="utf-8")
    code, report = _check(capsys, "--knowledge", str(knowledge), "--against", str(old_db))
    assert code == 1
    assert [u["fact"] for u in report["unreached"]] == ["personne-sebille"]


def test_without_a_published_base_it_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--against", str(tmp_path / "none.db")]) == 2
    assert "no published fact base" in capsys.readouterr().err
