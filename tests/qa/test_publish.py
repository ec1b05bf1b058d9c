"""`qa publish`: one digest per subscriber of the base's topics; idempotent; `--dry-run` writes nothing.

The bases are FICTIONAL (tests/qa/fictional_lists.py): two subscribable lists, topics 1-3 (a
charter's commitments) and 4-5 (a pact's priorities, "priorité 1" being topic 4).
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from qa import Engine, Fact, Source, build
from qa.cli import main as qa_main
from qa.notices import MAX_MESSAGE, Notice, digest_text, notice_text, shown_length
from qa.publish import Publication, digest, dry_run, publish
from qa.state import StateStore
from qa.state_schema import MIGRATIONS

from .fictional import FACTS
from .fictional_lists import PACT_FACTS, PACT_TEXT, write_two_lists

ENGAGEMENT_1, ENGAGEMENT_2, ENGAGEMENT_3, PRIORITY_1 = "charte-engagement-1", "charte-engagement-2", \
    "charte-engagement-3", "pacte-priorite-1"  # fmt: skip
FOLLOWS = {1: [ENGAGEMENT_1], 2: [ENGAGEMENT_2], 4: [PRIORITY_1], 24: [ENGAGEMENT_2, PRIORITY_1], 3: [ENGAGEMENT_3]}


def make_base(tmp: Path, name: str = "facts.db", *, changed: bool = False) -> Path:
    """The two-lists base; `changed`: the pact's figure goes from 430 to 470 and the charter's
    2032 "ménages aidés" gets another wording (both tagged with commitment 2)."""
    root = tmp / f"knowledge-{name}"
    if not changed:
        write_two_lists(root)
    else:
        pact = [dict(f) for f in PACT_FACTS]
        figure = next(f for f in pact if f["kind"] == "figure")
        figure.update(value="470", value_number=470, answer="470 ménages aidés",
                      quote=str(figure["quote"]).replace("430", "470"))  # fmt: skip
        facts = [dict(f) for f in FACTS]
        aided = next(f for f in facts if f["id"] == "valombrie-2032-menages-aides")
        aided["answer"] = "5 300 ménages aidés en 2032"
        write_two_lists(root, pact_text=PACT_TEXT.replace("430", "470"), pact_facts=pact, facts=facts)
    build(root, tmp / name)
    return tmp / name


@pytest.fixture
def store(tmp_path: Path) -> Iterator[StateStore]:
    s = StateStore.open(tmp_path / "state.db")
    for chat, keys in FOLLOWS.items():
        s.subscribe(chat, keys)
    yield s
    s.close()


def pending(path: Path) -> dict[int, list[str]]:
    by_chat: dict[int, list[str]] = {}
    with sqlite3.connect(path) as db:
        for chat, text in db.execute("SELECT chat_id, text FROM outbox WHERE status = 'pending' ORDER BY id"):
            by_chat.setdefault(chat, []).append(text)
    return by_chat


def files(folder: Path) -> dict[str, str]:
    """Every file of a folder with its content's hash: what "nothing written" compares."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


# ------------------------------------------------------------------ publishing
def test_first_run_records_a_baseline_then_each_subscriber_gets_one_digest(tmp_path: Path, store: StateStore) -> None:
    first = publish(make_base(tmp_path), store)
    assert first.baseline and first.queued == 0 and pending(store.path) == {}

    new = make_base(tmp_path, "new.db", changed=True)
    second = publish(new, store)
    assert (second.notices, second.queued, second.baseline) == (2, 3, False)  # chats 2, 4 and 24
    digests = pending(store.path)
    assert sorted(digests) == [2, 4, 24] and all(len(d) == 1 for d in digests.values())  # ONE message each
    (to_2,), (to_4,), (to_24,) = digests[2], digests[4], digests[24]
    assert to_24.startswith("🔔 <b>2 nouveautés</b>") and "<s>430</s> → <b>470</b>" in to_24
    assert "5\u202f300 ménages aidés en 2032" in to_24 and to_24.endswith("/desabonner 2 4")
    # Labels from the base: noun, the item's own number, its title; the figure has a topic in each list.
    assert "🔄 <b>Mise à jour</b> – priorité 1 « Loger les jeunes actifs », " \
           "engagement 2 « Accompagner les ménages modestes »" in to_4  # fmt: skip
    assert "Norlande, année 2032 : <s>430</s> → <b>470</b>" in to_4
    assert "Source : « Pacte de l'habitat norlandais »" in to_4 and "<i>« En 2032, 470 ménages" in to_4
    assert to_4.endswith("\nPour ne plus recevoir ces nouvelles : /desabonner 4") and "🔔" not in to_4
    assert to_2.startswith("🔔 <b>2 nouveautés</b>") and to_2.endswith("/desabonner 2")

    third = publish(new, store)  # nothing changed since
    assert (third.notices, third.queued) == (0, 0)
    assert sum(len(v) for v in pending(store.path).values()) == 3


def test_removed_facts_leave_the_snapshot_and_come_back_as_new(tmp_path: Path, store: StateStore) -> None:
    whole = make_base(tmp_path)
    publish(whole, store)
    root = tmp_path / "without"
    write_two_lists(root, pact_facts=[f for f in PACT_FACTS if f["kind"] != "figure"])
    build(root, tmp_path / "without.db")
    assert publish(tmp_path / "without.db", store).queued == 0
    assert "norlande-2032-menages-aides" not in store.published()
    result = publish(whole, store)
    assert (result.notices, result.queued) == (1, 3)  # chats 2, 4 and 24, once each
    assert "🆕 <b>Nouveau</b>" in pending(store.path)[24][0]


def test_a_snapshot_of_an_older_digest_scheme_announces_only_new_values(tmp_path: Path, store: StateStore) -> None:
    """Upgrading qa changes how facts are digested: that alone is no news for subscribers."""
    base = make_base(tmp_path)
    publish(base, store)
    with sqlite3.connect(store.path) as db:
        db.execute("UPDATE published SET digest = 'an-older-scheme'")
    assert publish(base, store).queued == 0
    assert all(f.digest == digest(Engine.load(base).fact(f.fact_id)) for f in store.published().values())


def test_the_real_fact_base_publishes_a_baseline(facts_db: Path, store: StateStore) -> None:
    result = publish(facts_db, store)
    assert result.baseline and result.facts > 30 and len(store.published()) == result.facts
    assert publish(facts_db, store).queued == 0


# -------------------------------------------------------------------- digests
def _notice(i: int, size: int) -> Notice:
    return Notice(f"f{i}", ("t",), False, f"🆕 <b>Nouveau</b> {i}\n" + "é" * size, f"new: {i}")


@pytest.mark.parametrize(
    ("count", "size", "shown"),
    [
        pytest.param(2, 100, 2, id="two short notices: both"),
        pytest.param(30, 100, 30, id="thirty short notices fit"),
        pytest.param(12, 1500, 2, id="long notices: two, the rest summarised"),
        pytest.param(3, 3500, 1, id="one very long notice, then a summary"),
    ],
)
def test_a_digest_fits_in_one_message_and_summarises_the_rest(count: int, size: int, shown: int) -> None:
    text = digest_text([_notice(i, size) for i in range(count)], [2, 5])
    assert shown_length(text) <= MAX_MESSAGE
    assert text.count("🆕") == shown and text.endswith("/desabonner 2 5")
    left = count - shown
    if left:
        assert f"… et {left} autre{'s' if left > 1 else ''} nouveauté" in text
    else:
        assert "… et" not in text


def test_a_notice_is_bounded_and_escaped_whatever_the_base_holds() -> None:
    """The largest notice the bounds allow still fits with a head, a summary and a footer."""
    huge = "<b>&" * 3000
    fact = Fact(id="f", kind="figure", subject="s", attribute=huge, value=huge, document_id="d", quote=huge,
                answer=huge, topics=("t",))  # fmt: skip
    source = Source(document="d", title=huge, publisher=huge, quote=huge)
    labels = [huge] * 10
    text = notice_text(fact, source, scope=huge[:300], labels=labels, old_value=huge[::-1], changed=True)
    assert "<b>&" not in text.replace("<b>Mise à jour</b>", "").replace("<b>&lt;", "") and "&lt;b&gt;&amp;" in text
    assert "(+7)" in text  # three labels shown, the others counted
    notices = [Notice(f"f{i}", ("t",), True, text, "") for i in range(3)]
    many = digest_text(notices, list(range(1, 40)))
    assert shown_length(many) <= MAX_MESSAGE and "… et 2 autres nouveautés" in many
    assert many.endswith("/desabonner suivi du numéro (voir /abonnements)")  # too many numbers to list


def test_topic_numbers_run_across_both_lists(two_lists: Engine) -> None:
    publication = Publication(two_lists)
    assert publication.numbering() == {1: ENGAGEMENT_1, 2: ENGAGEMENT_2, 3: ENGAGEMENT_3, 4: PRIORITY_1,
                                       5: "pacte-priorite-2"}  # fmt: skip
    assert publication.labels[PRIORITY_1] == "priorité 1 « Loger les jeunes actifs »"
    assert publication.labels[ENGAGEMENT_3] == "engagement 3 « Construire avec les communes »"


# -------------------------------------------------------------------- dry run
def test_dry_run_shows_what_would_be_queued_and_writes_nothing(tmp_path: Path, store: StateStore) -> None:
    publish(make_base(tmp_path), store)
    store.close()
    new = make_base(tmp_path, "new.db", changed=True)
    before = files(tmp_path)
    preview = dry_run(new, store.path)
    assert files(tmp_path) == before  # the state database byte-identical, no -wal or -shm created
    shown = preview.render(store.path)
    assert shown.startswith("dry run (nothing written): 2 new or changed facts tagged with a topic, "
                            "3 digests would be queued")  # fmt: skip
    assert "topic 2, engagement 2 « Accompagner les ménages modestes »: 2 notices for 2 subscribers" in shown
    assert "topic 4, priorité 1 « Loger les jeunes actifs »: 1 notice for 2 subscribers" in shown
    assert "changed: 470 ménages aidés (norlande-2032-menages-aides)" in shown
    assert "3 other topics: nothing new" in shown
    sample = shown.split("-" * 60)[1]
    assert "<s>" not in sample and "430 → 470" in sample  # as Telegram shows it
    # What it announced is what a real run queues.
    with StateStore.open(store.path) as real:
        assert publish(new, real).queued == 3
    assert sorted(pending(store.path)) == sorted(d.chat_id for d in preview.digests)
    assert [t for ts in pending(store.path).values() for t in ts] == [d.text for d in preview.digests]


def test_dry_run_reads_a_v2_database_as_the_migration_would_and_leaves_it_v2(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    db = sqlite3.connect(path)
    for n, migration in enumerate(MIGRATIONS[:2], 1):
        db.executescript(f"{migration}\nPRAGMA user_version = {n};")
    db.execute("INSERT INTO users(chat_id, first_seen, last_seen) VALUES (9, 1, 1)")
    db.execute("INSERT INTO subscriptions(chat_id, axis, since) VALUES (9, 4, 1)")  # axis 4: topic 4 now
    db.execute("INSERT INTO published VALUES ('norlande-2032-menages-aides', 'old', '430', 1)")
    db.commit()
    db.close()
    before = files(tmp_path)
    preview = dry_run(make_base(tmp_path / "b"), path)
    assert files(tmp_path) == before
    assert preview.followers == {9: frozenset({PRIORITY_1})}
    assert [d.chat_id for d in preview.digests] == []  # the old snapshot's value is the same: no news
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 2


def test_dry_run_without_a_state_database_creates_none(tmp_path: Path) -> None:
    preview = dry_run(make_base(tmp_path), tmp_path / "nowhere" / "state.db")
    assert not (tmp_path / "nowhere").exists()
    assert "first publication" in preview.render(tmp_path / "state.db") and "no state database yet" in \
        preview.render(tmp_path / "state.db")  # fmt: skip


# ------------------------------------------------------------------------ CLI
def _cli(tmp_path: Path, facts: Path, *more: str) -> list[str]:
    state = tmp_path / "state.db"
    return ["publish", "--facts", str(facts), "--state", str(state), "--knowledge", str(tmp_path / "none"), *more]


def test_the_cli_runs_twice_and_queues_only_once(tmp_path: Path, store: StateStore,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    facts = make_base(tmp_path)
    assert qa_main(_cli(tmp_path, facts)) == 0
    assert "baseline" in capsys.readouterr().out
    changed = make_base(tmp_path, "new.db", changed=True)
    before = store.path.read_bytes()
    assert qa_main(_cli(tmp_path, changed, "--dry-run")) == 0  # while the store is open, as the bot's is
    out: Any = capsys.readouterr().out
    assert out.startswith("dry run (nothing written): 2 new or changed facts") and pending(store.path) == {}
    assert store.path.read_bytes() == before
    assert qa_main(_cli(tmp_path, changed)) == 0
    assert re.fullmatch(r"2 new or changed facts tagged with a topic, 3 digests queued \(one per subscriber\) "
                        r"\(state: .*\)\n", capsys.readouterr().out)  # fmt: skip
    assert qa_main(_cli(tmp_path, changed)) == 0
    assert "0 new or changed facts tagged with a topic, 0 digests queued" in capsys.readouterr().out


def test_a_missing_fact_base_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for dry in ((), ("--dry-run",)):
        assert qa_main(_cli(tmp_path, tmp_path / "no.db", *dry)) == 1
        assert "qa build" in capsys.readouterr().err
    assert not (tmp_path / "state.db").exists()  # the dry run did not create it
