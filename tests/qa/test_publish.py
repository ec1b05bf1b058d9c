"""`qa publish`: notices for new or changed facts tagged with an axis; idempotent."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from qa.cli import main as qa_main
from qa.publish import publish
from qa.state import StateStore

FACT_COLUMNS = "id, kind, subject, attribute, value, value_number, unit, geo, year, document_id, quote, axes, answer"


def make_facts(path: Path, facts: list[dict[str, object]]) -> Path:
    """A tiny fact base in the shape `qa build` writes (only what publish reads)."""
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE documents (id TEXT PRIMARY KEY, title TEXT, publisher TEXT)")
    db.execute(f"CREATE TABLE facts ({FACT_COLUMNS})")
    db.execute("CREATE TABLE axes (n INTEGER PRIMARY KEY, title TEXT, text TEXT, fact_id TEXT)")
    db.execute("INSERT INTO documents VALUES ('doc', 'Convention régionale', 'Action Logement')")
    db.executemany(
        "INSERT INTO axes VALUES (?, ?, '', '')",
        [(1, "Quantifier"), (2, "Produire et réhabiliter"), (3, "Accompagner"), (4, "Animer")],
    )
    for f in facts:
        row = {
            "kind": "figure", "subject": "action-logement", "attribute": "logements réhabilités",
            "value_number": None, "unit": None, "geo": "hauts-de-france", "year": 2021,
            "document_id": "doc", "answer": "", **f,
        }  # fmt: skip
        row["axes"] = json.dumps(row.get("axes", []))
        row.setdefault("quote", f"{row['value']} logements réhabilités.")
        db.execute(
            f"INSERT INTO facts ({FACT_COLUMNS}) VALUES ({', '.join('?' * 13)})",
            [row[c.strip()] for c in FACT_COLUMNS.split(",")],
        )
    db.commit()
    db.close()
    return path


REHAB: dict[str, object] = {"id": "rehab", "value": "3 616", "axes": [2], "answer": "3 616 logements réhabilités"}
MENAGES: dict[str, object] = {"id": "menages", "value": "11 025", "axes": [2, 3], "attribute": "ménages logés"}
CONTACT: dict[str, object] = {"id": "contact", "kind": "contact", "value": "p.pruvost@union-habitat.org", "axes": []}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[StateStore]:
    s = StateStore.open(tmp_path / "state.db")
    s.subscribe(2, 2)  # follows axis 2
    s.subscribe(3, 3)  # follows axis 3
    s.subscribe(23, [2, 3])
    yield s
    s.close()


def pending(store: StateStore) -> dict[int, list[str]]:
    by_chat: dict[int, list[str]] = {}
    db = sqlite3.connect(store.path)
    for chat, text in db.execute("SELECT chat_id, text FROM outbox WHERE status = 'pending' ORDER BY id"):
        by_chat.setdefault(chat, []).append(text)
    db.close()
    return by_chat


def test_first_run_records_a_baseline_then_changes_are_announced_once(tmp_path: Path, store: StateStore) -> None:
    facts = make_facts(tmp_path / "facts.db", [REHAB, MENAGES, CONTACT])
    first = publish(facts, store)
    assert first.baseline and first.queued == 0 and pending(store) == {}

    changed: dict[str, object] = {
        **REHAB,
        "value": "3 700",
        "answer": "3 700 logements réhabilités",
        "quote": "3 700 logements.",
    }
    new: dict[str, object] = {
        "id": "visale",
        "value": "16 871",
        "axes": [3],
        "attribute": "garanties Visale",
        "geo": "aisne",
    }
    contact: dict[str, object] = {**CONTACT, "value": "contact@example.org"}  # changed, but tagged with no axis
    make_facts(facts, [changed, MENAGES, contact, new])
    second = publish(facts, store)
    assert (second.notices, second.queued, second.baseline) == (2, 4, False)
    notices = pending(store)
    assert sorted(notices) == [2, 3, 23]
    (to_axis_2,) = notices[2]
    assert "Mise à jour" in to_axis_2 and "axe 2 « Produire et réhabiliter »" in to_axis_2
    assert "<s>3\u202f616</s> → <b>3\u202f700</b>" in to_axis_2  # old value -> new value
    assert "Source : « Convention régionale », Action Logement" in to_axis_2
    assert "« 3 700 logements. »" in to_axis_2 and "/desabonner 2" in to_axis_2
    (to_axis_3,) = notices[3]
    assert "Nouveau" in to_axis_3 and "16\u202f871" in to_axis_3 and "Aisne, année 2021" in to_axis_3
    assert len(notices[23]) == 2  # one notice per fact, each once

    third = publish(facts, store)  # nothing changed since: idempotent
    assert (third.notices, third.queued) == (0, 0)
    assert sum(len(v) for v in pending(store).values()) == 4


def test_a_fact_on_two_axes_reaches_each_subscriber_once(tmp_path: Path, store: StateStore) -> None:
    facts = make_facts(tmp_path / "facts.db", [REHAB])
    publish(facts, store)
    make_facts(facts, [REHAB, MENAGES])
    result = publish(facts, store)
    assert (result.notices, result.queued) == (1, 3)  # chats 2, 3 and 23, once each
    assert {chat: len(texts) for chat, texts in pending(store).items()} == {2: 1, 3: 1, 23: 1}


def test_values_from_the_base_are_escaped(tmp_path: Path, store: StateStore) -> None:
    facts = make_facts(tmp_path / "facts.db", [REHAB])
    publish(facts, store)
    make_facts(facts, [{**REHAB, "value": "<b>1</b> & co", "quote": "<script>"}])
    publish(facts, store)
    (text,) = pending(store)[2]
    assert "&lt;b&gt;1&lt;/b&gt; &amp; co" in text and "&lt;script&gt;" in text and "<script>" not in text


def test_removed_facts_leave_the_snapshot_and_come_back_as_new(tmp_path: Path, store: StateStore) -> None:
    facts = make_facts(tmp_path / "facts.db", [REHAB, MENAGES])
    publish(facts, store)
    make_facts(facts, [MENAGES])
    assert publish(facts, store).queued == 0
    assert set(store.published()) == {"menages"}
    make_facts(facts, [MENAGES, REHAB])
    assert publish(facts, store).notices == 1


def test_the_real_fact_base_publishes_a_baseline(facts_db: Path, store: StateStore) -> None:
    result = publish(facts_db, store)
    assert result.baseline and result.facts > 30 and len(store.published()) == result.facts
    assert publish(facts_db, store).queued == 0


def test_the_cli_runs_twice_and_queues_only_once(
    tmp_path: Path, store: StateStore, capsys: pytest.CaptureFixture[str]
) -> None:
    facts = make_facts(tmp_path / "facts.db", [REHAB])
    argv = ["publish", "--facts", str(facts), "--state", str(store.path), "--knowledge", str(tmp_path / "none")]
    assert qa_main(argv) == 0
    assert "baseline" in capsys.readouterr().out
    make_facts(facts, [{**REHAB, "value": "4 000"}])
    assert qa_main(argv) == 0
    assert "1 new or changed facts tagged with an axis, 2 notices queued" in capsys.readouterr().out
    assert qa_main(argv) == 0
    assert "0 notices queued" in capsys.readouterr().out
    assert sum(len(v) for v in pending(store).values()) == 2  # chats 2 and 23


def test_a_missing_fact_base_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["publish", "--facts", str(tmp_path / "no.db"), "--state", str(tmp_path / "s.db")]
    assert qa_main([*argv, "--knowledge", str(tmp_path / "none")]) == 1
    assert "qa build" in capsys.readouterr().err
