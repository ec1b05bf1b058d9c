"""The `qa ask` command line and its JSON-lines contract (DESIGN.md, "CLI contract")."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def _run(args: list[str], facts_db: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "qa.cli", *args, "--facts", str(facts_db)],
                          input=stdin, capture_output=True, text=True, timeout=120)


def test_jsonl_contract_in_order_with_sessions(facts_db: Path) -> None:
    lines = [
        {"id": "a", "question": "combien de logements réhabilités en 2021 ?", "session": "s"},
        {"id": "b", "question": "et dans l'Aisne ?", "session": "s"},
        {"id": "c", "question": "et dans l'Aisne ?"},
        {"id": "d", "question": "quel temps fait-il ?"},
    ]
    stdin = "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines) + "not json\n"
    result = _run(["ask", "--jsonl"], facts_db, stdin)
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "b", "c", "d", None]  # one line out per line in
    assert out[0]["status"] == "answered" and out[1]["status"] == "answered"
    assert "1\u202f000" in out[1]["text"] and "3\u202f616" not in out[1]["text"].split("Source")[0]
    assert out[2]["status"] != "answered"  # no session: no previous question to follow
    assert out[3]["status"] == "unknown"
    for o in out:
        assert set(o) == {"id", "status", "text", "sources", "confidence", "facts", "suggestions"}
        assert 0.0 <= o["confidence"] <= 1.0
    assert "line 5" in result.stderr
    assert out[4]["status"] == "unknown"


def test_jsonl_question_that_is_not_text_is_no_question(facts_db: Path) -> None:
    stdin = '{"id": "n", "question": null}\n{"id": 7, "question": ["a"]}\n'
    out = [json.loads(line) for line in _run(["ask", "--jsonl"], facts_db, stdin).stdout.splitlines()]
    assert [(o["id"], o["status"]) for o in out] == [("n", "unknown"), ("7", "unknown")]
    assert all("None" not in o["text"] for o in out)


def test_ask_prints_a_reply(facts_db: Path) -> None:
    result = _run(["ask", "contact", "UNAFO"], facts_db)
    assert result.returncode == 0
    assert "p.pruvost@union-habitat.org" in result.stdout


def test_missing_fact_base_is_a_clear_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "qa.cli", "ask", "bonjour", "--facts", str(tmp_path / "none.db"),
         "--knowledge", str(tmp_path / "none")],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1
    assert "fact base not found" in result.stderr and "Traceback" not in result.stderr
