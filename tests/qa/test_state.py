"""The state database: schema and migrations, subscriptions, outbox, personal data, statistics."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from qa.state import SCHEMA_VERSION, StateError, StateStore, default_state_path


class Clock:
    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> Iterator[StateStore]:
    s = StateStore.open(tmp_path / "deep" / "dir" / "state.db", clock=clock)
    yield s
    s.close()


# ----------------------------------------------------------- location, schema
def test_default_path_is_outside_the_source_tree_and_follows_the_environment(tmp_path: Path) -> None:
    assert default_state_path({"BOT_STATE_DB": str(tmp_path / "s.db")}) == tmp_path / "s.db"
    assert default_state_path({"XDG_STATE_HOME": "/x"}) == Path("/x/logement-hdf-bot/state.db")
    assert default_state_path({"HOME": "/home/u"}) == Path("/home/u/.local/state/logement-hdf-bot/state.db")


def test_open_creates_the_directory_uses_wal_and_records_the_schema_version(store: StateStore) -> None:
    assert store.path.parent.is_dir()
    assert store.schema_version == SCHEMA_VERSION >= 1
    db = sqlite3.connect(store.path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"users", "subscriptions", "outbox", "question_log", "published"} <= tables
    columns = {r[1] for r in db.execute("PRAGMA table_info(question_log)")}
    assert columns == {"id", "text", "status", "asked_at"}  # no user id, on purpose
    db.close()


def test_reopening_keeps_the_data_and_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with StateStore.open(path) as s:
        s.subscribe(1, 2)
    with StateStore.open(path) as s:
        assert s.subscriptions(1) == (2,)
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(StateError, match="newer than this code"):
        StateStore.open(path)


# --------------------------------------------------------------- subscriptions
def test_subscribe_unsubscribe_toggle_and_list(store: StateStore) -> None:
    assert store.subscribe(7, 2) == (2,)
    assert store.subscribe(7, 2) == ()  # already followed
    assert store.subscribe(7, [1, 3]) == (1, 3)
    assert store.subscriptions(7) == (1, 2, 3)
    assert store.unsubscribe(7, 1) == (1,)
    assert store.unsubscribe(7, 1) == ()
    assert store.toggle(7, 4) is True
    assert store.toggle(7, 2) is False
    assert store.subscriptions(7) == (3, 4)
    assert store.unsubscribe(7, "tout") == (3, 4)
    assert store.subscribe(7, "tout") == (1, 2, 3, 4)


@pytest.mark.parametrize("bad", [0, 5, 9, [], [2, 7], "deux", True])
def test_an_axis_outside_1_to_4_changes_nothing(store: StateStore, bad: object) -> None:
    store.subscribe(7, 2)
    with pytest.raises(StateError):
        store.subscribe(7, bad)  # type: ignore[arg-type, unused-ignore]
    assert store.subscriptions(7) == (2,)


def test_concurrent_subscriptions_from_many_threads_are_all_persisted(store: StateStore) -> None:
    def work(chat: int) -> None:
        store.subscribe(chat, chat % 4 + 1)

    threads = [threading.Thread(target=work, args=(c,)) for c in range(1, 201)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(store.stats().subscribers.values()) == 200
    assert store.stats().users == 200


# ---------------------------------------------------------------------- outbox
def test_an_announcement_queues_one_row_per_active_subscriber_of_its_axes(store: StateStore) -> None:
    store.subscribe(1, 2)
    store.subscribe(2, [2, 3])
    store.subscribe(3, 3)
    store.subscribe(4, 2)
    store.deactivate(4, "403: blocked")
    assert store.queue_announcement(2, "axe 2") == 2  # chats 1 and 2; 4 is inactive
    assert store.queue_announcement("tout", "tous") == 3  # chat 2 once, not twice
    rows = store.due(limit=100)
    assert [(r.chat_id, r.text) for r in rows] == [(1, "axe 2"), (2, "axe 2"), (3, "tous")]
    assert store.queue_announcement(4, "nobody") == 0


def test_due_gives_each_chat_its_oldest_row_and_skips_excluded_and_later_rows(store: StateStore, clock: Clock) -> None:
    store.subscribe(1, 1)
    store.subscribe(2, 1)
    store.queue_announcement(1, "a")
    store.queue_announcement(1, "b")
    first = store.due(limit=10)
    assert [(r.chat_id, r.text) for r in first] == [(1, "a"), (2, "a")]
    assert [r.chat_id for r in store.due(limit=10, exclude={1})] == [2]
    store.retry_later(first[0].id, "network", 30)
    assert [r.chat_id for r in store.due(limit=10)] == [2]  # chat 1 waits, its "b" too (order)
    assert store.next_attempt_at() == clock.now  # chat 2's row is due now
    clock.now += 31
    store.mark_sent(first[0].id)
    assert [(r.chat_id, r.text) for r in store.due(limit=10)] == [(2, "a"), (1, "b")]  # oldest first


def test_sent_failed_and_dropped_rows_leave_the_queue(store: StateStore) -> None:
    for chat in (1, 2, 3):
        store.subscribe(chat, 1)
    store.queue_announcement(1, "x")
    store.queue_announcement(1, "y")
    rows = store.due(limit=10)
    store.mark_sent(rows[0].id)
    store.mark_failed(rows[1].id, "refused by Telegram: bad HTML")
    assert store.deactivate(3, "403: Forbidden: bot was blocked by the user") == 2
    assert store.outbox_counts() == {"sent": 1, "failed": 1, "dropped": 2, "pending": 2}
    assert [r.chat_id for r in store.due(limit=10)] == [1, 2]
    assert store.user_data(3).active is False
    store.subscribe(3, 1)  # coming back reactivates
    assert store.user_data(3).active is True


# --------------------------------------------------- personal data, statistics
def test_user_data_and_forget_user(store: StateStore, clock: Clock) -> None:
    assert not store.user_data(9).known
    store.subscribe(9, [1, 4])
    store.subscribe(10, 1)
    store.queue_announcement(1, "hello")
    store.mark_sent(store.due(limit=1)[0].id)
    data = store.user_data(9)
    assert data.known and data.axes == (1, 4) and data.messages == {"sent": 1}
    assert data.first_seen == clock.now and data.last_sent_at == clock.now
    assert store.forget_user(9) is True
    assert not store.user_data(9).known
    assert store.forget_user(9) is False
    assert store.subscriptions(10) == (1,)  # other users untouched
    assert store.outbox_counts() == {"pending": 1}


def test_question_log_stats_and_purge(store: StateStore, clock: Clock) -> None:
    store.log_question("vieille question", "answered")
    clock.now += 10 * 86400
    store.log_question("combien", "answered")
    store.log_question("qui", "clarify")
    store.log_question("x" * 10_000, "unknown")
    store.subscribe(1, 2)
    stats = store.stats(days=7)
    assert stats.questions == {"answered": 1, "clarify": 1, "unknown": 1}
    assert stats.subscribers == {1: 0, 2: 1, 3: 0, 4: 0} and stats.users == 1
    assert store.purge_questions(older_than_days=7) == 1
    longest = sqlite3.connect(store.path).execute("SELECT MAX(LENGTH(text)) FROM question_log").fetchone()[0]
    assert longest == 4096
