"""The `qa ask` command line and its JSON-lines contract (DESIGN.md, "CLI contract").

It answers from the fictional knowledge's base (tests/qa/fictional.py): the contract does not
depend on today's documents. `--facts X` only reads X: it never rebuilds it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from ..conftest import KNOWLEDGE

FIELDS = {"id", "status", "text", "sources", "confidence", "facts", "suggestions"}


def _run(args: list[str], facts_db: Path, stdin: str = "", cwd: Path | None = None,
         ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "qa.cli", *args, "--facts", str(facts_db)],
                          input=stdin, capture_output=True, text=True, timeout=120, cwd=cwd)


def test_jsonl_contract_in_order_with_sessions(fictional_db: Path) -> None:
    lines = [
        {"id": "a", "question": "combien de logements rénovés en Valombrie en 2032 ?", "session": "s"},
        {"id": "b", "question": "et dans l'Ostrevan ?", "session": "s"},
        {"id": "c", "question": "et dans l'Ostrevan ?"},
        {"id": "d", "question": "quel temps fait-il ?"},
        {"id": "e", "question": "et en 2031 ?", "session": "other"},
    ]
    stdin = "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines) + "not json\n"
    result = _run(["ask", "--jsonl"], fictional_db, stdin)
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "b", "c", "d", "e", None]  # one line out per line in
    assert out[0]["status"] == "answered" and "2\u202f750" in out[0]["text"]
    assert out[1]["status"] == "answered"
    assert "900" in out[1]["text"] and "2\u202f750" not in out[1]["text"].split("Source")[0]
    assert out[2]["status"] != "answered"  # no session: no previous question to follow
    assert out[3]["status"] == "unknown"
    assert out[4]["status"] != "answered"  # another session knows nothing of the first
    for o in out:
        assert set(o) == FIELDS
        assert 0.0 <= o["confidence"] <= 1.0
    assert out[1]["sources"][0].keys() == {"document", "title", "quote"}
    assert "line 6" in result.stderr
    assert out[5]["status"] == "unknown"


def test_jsonl_question_that_is_not_text_is_no_question(fictional_db: Path) -> None:
    stdin = '{"id": "n", "question": null}\n{"id": 7, "question": ["a"]}\n'
    out = [json.loads(line) for line in _run(["ask", "--jsonl"], fictional_db, stdin).stdout.splitlines()]
    assert [(o["id"], o["status"]) for o in out] == [("n", "unknown"), ("7", "unknown")]
    assert all("None" not in o["text"] for o in out)


def test_ask_prints_a_reply(fictional_db: Path) -> None:
    result = _run(["ask", "contact", "presse"], fictional_db)
    assert result.returncode == 0
    assert "presse@ofvah.example" in result.stdout


def test_ask_prints_suggestions_of_a_clarification(fictional_db: Path) -> None:
    result = _run(["ask", "qui", "est", "Ferrand", "?"], fictional_db)
    assert result.returncode == 0
    assert "Par exemple :" in result.stdout and "Paul Ferrand" in result.stdout


def test_ask_without_a_question_says_how(fictional_db: Path) -> None:
    result = _run(["ask"], fictional_db)
    assert result.returncode == 2 and "--jsonl" in result.stderr


def test_missing_fact_base_is_a_clear_error(tmp_path: Path) -> None:
    result = _run(["ask", "bonjour"], tmp_path / "none.db")
    assert result.returncode == 1
    assert "fact base not found" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "none.db").exists()  # nothing built behind the user's back


def test_ask_facts_never_rebuilds_the_base(tmp_path: Path, fictional_db: Path) -> None:
    # The working directory has a knowledge/ folder other than the one the base was built from:
    # `--facts X` answers from X as it is, and leaves X byte for byte as it was.
    shutil.copytree(KNOWLEDGE, tmp_path / "knowledge")
    other = tmp_path / "other.db"
    shutil.copy(fictional_db, other)
    before = (other.read_bytes(), other.stat().st_mtime_ns)
    result = _run(["ask", "contact", "presse"], other, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "presse@ofvah.example" in result.stdout
    assert (other.read_bytes(), other.stat().st_mtime_ns) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["knowledge", "other.db"]


def test_unreadable_fact_base_asks_for_a_rebuild(tmp_path: Path) -> None:
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"not a fact base")
    result = _run(["ask", "bonjour"], broken)
    assert result.returncode == 1
    assert "qa build" in result.stderr and "Traceback" not in result.stderr
    assert broken.read_bytes() == b"not a fact base"
