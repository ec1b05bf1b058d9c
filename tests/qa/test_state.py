"""The state database: schema and migrations, subscriptions, outbox, personal data, statistics."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from qa import Engine
from qa.state import SCHEMA_VERSION, StateError, StateStore, default_state_path, legacy_key
from qa.state_schema import MIGRATIONS

# Topic keys are opaque to the state database: these are not the base's, on purpose.
A, B, C, D = "t-a", "t-b", "t-c", "t-d"


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
        s.subscribe(1, B)
    with StateStore.open(path) as s:
        assert s.subscriptions(1) == (B,)
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(StateError, match="newer than this code"):
        StateStore.open(path)


# ---------------------------------------------------------- schema v2 -> v3
def _v2_database(path: Path, subscriptions: dict[int, list[int]]) -> None:
    """A state database as the bot of schema v2 left it: subscriptions to axis numbers."""
    db = sqlite3.connect(path)
    for n, migration in enumerate(MIGRATIONS[:2], 1):
        db.executescript(f"{migration}\nPRAGMA user_version = {n};")
    for chat, axes in subscriptions.items():
        db.execute("INSERT INTO users(chat_id, first_seen, last_seen) VALUES (?, 1.0, 1.0)", (chat,))
        db.executemany("INSERT INTO subscriptions(chat_id, axis, since) VALUES (?, ?, 1.0)", [(chat, a) for a in axes])
    db.commit()
    db.close()


def test_migrating_from_v2_keeps_axis_subscriptions_as_legacy_keys(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    _v2_database(path, {1: [2], 2: [1, 2, 3, 4], 3: [3]})
    with StateStore.open(path) as store:
        assert store.schema_version == SCHEMA_VERSION == 3
        assert store.subscriptions(2) == tuple(legacy_key(n) for n in (1, 2, 3, 4)) == ("#1", "#2", "#3", "#4")
        columns = {r[1] for r in sqlite3.connect(path).execute("PRAGMA table_info(subscriptions)")}
        assert columns == {"chat_id", "topic", "since"}  # no axis, no CHECK on a count
        assert store.queue_announcement("#2", "still reachable before adoption") == 2


def test_legacy_subscriptions_are_adopted_with_the_bases_numbering_and_then_work(
    tmp_path: Path, two_lists: Engine
) -> None:
    path = tmp_path / "state.db"
    _v2_database(path, {1: [2], 2: [1, 2, 3, 4], 3: [3], 4: [4]})
    numbering = {t.n: t.key for t in two_lists.topics()}
    with StateStore.open(path) as store:
        store.subscribe(4, numbering[4])  # chat 4 had already re-subscribed under the new key
        assert store.adopt_legacy(numbering) == 6  # 1 + 4 + 1; chat 4's legacy row merges
        assert store.subscriptions(2) == tuple(sorted(numbering[n] for n in (1, 2, 3, 4)))
        assert store.subscriptions(4) == (numbering[4],)
        assert store.adopt_legacy(numbering) == 0  # done once
        # They work: an announcement to topic 2's key reaches its two subscribers.
        assert store.queue_announcement(numbering[2], "x") == 2
        assert store.stats().subscribers == {numbering[1]: 1, numbering[2]: 2, numbering[3]: 2, numbering[4]: 2}


def test_legacy_numbers_the_base_lacks_stay_until_a_base_has_them(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    _v2_database(path, {1: [1, 4]})
    with StateStore.open(path) as store:
        assert store.adopt_legacy({1: "only-topic"}) == 1
        assert store.subscriptions(1) == ("#4", "only-topic")
        assert store.adopt_legacy({1: "only-topic", 4: "fourth"}) == 1
        assert store.subscriptions(1) == ("fourth", "only-topic")


# --------------------------------------------------------------- subscriptions
def test_subscribe_unsubscribe_toggle_and_list(store: StateStore) -> None:
    assert store.subscribe(7, B) == (B,)
    assert store.subscribe(7, B) == ()  # already followed
    assert store.subscribe(7, [A, C]) == (A, C)
    assert store.subscriptions(7) == (A, B, C)
    assert store.unsubscribe(7, A) == (A,)
    assert store.unsubscribe(7, A) == ()
    assert store.toggle(7, D) is True
    assert store.toggle(7, B) is False
    assert store.subscriptions(7) == (C, D)
    assert store.unsubscribe(7, [C, D]) == (C, D)
    assert store.followers() == {}  # chat 7 is known, but follows nothing
    assert store.subscribe(7, [A, B]) == (A, B)
    assert store.followers() == {7: frozenset({A, B})}


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param("", id="empty key"),
        pytest.param("  ", id="blank key"),
        pytest.param([], id="no key"),
        pytest.param(2, id="a number is not a key"),
        pytest.param([A, 7], id="one bad key among good ones"),
        pytest.param("x" * 201, id="too long"),
    ],
)
def test_anything_but_topic_keys_changes_nothing(store: StateStore, bad: object) -> None:
    store.subscribe(7, B)
    with pytest.raises(StateError):
        store.subscribe(7, bad)  # type: ignore[arg-type, unused-ignore]
    assert store.subscriptions(7) == (B,)


def test_any_number_of_topics_is_stored(store: StateStore) -> None:
    keys = [f"liste-{i}-item" for i in range(1, 41)]  # no count is built into the schema
    assert len(store.subscribe(7, keys)) == 40 and len(store.subscriptions(7)) == 40


def test_concurrent_subscriptions_from_many_threads_are_all_persisted(store: StateStore) -> None:
    def work(chat: int) -> None:
        store.subscribe(chat, (A, B, C, D)[chat % 4])

    threads = [threading.Thread(target=work, args=(c,)) for c in range(1, 201)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(store.stats().subscribers.values()) == 200
    assert store.stats().users == 200


# ---------------------------------------------------------------------- outbox
def test_an_announcement_queues_one_row_per_active_subscriber_of_its_topics(store: StateStore) -> None:
    store.subscribe(1, B)
    store.subscribe(2, [B, C])
    store.subscribe(3, C)
    store.subscribe(4, B)
    store.deactivate(4, "403: blocked")
    assert store.queue_announcement(B, "topic B") == 2  # chats 1 and 2; 4 is inactive
    assert store.queue_announcement([A, B, C, D], "tous") == 3  # chat 2 once, not twice
    rows = store.due(limit=100)
    assert [(r.chat_id, r.text) for r in rows] == [(1, "topic B"), (2, "topic B"), (3, "tous")]
    assert store.queue_announcement(D, "nobody") == 0


def test_due_gives_each_chat_its_oldest_row_and_skips_excluded_and_later_rows(store: StateStore, clock: Clock) -> None:
    store.subscribe(1, A)
    store.subscribe(2, A)
    store.queue_announcement(A, "a")
    store.queue_announcement(A, "b")
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
        store.subscribe(chat, A)
    store.queue_announcement(A, "x")
    store.queue_announcement(A, "y")
    rows = store.due(limit=10)
    store.mark_sent(rows[0].id)
    store.mark_failed(rows[1].id, "refused by Telegram: bad HTML")
    assert store.deactivate(3, "403: Forbidden: bot was blocked by the user") == 2
    assert store.outbox_counts() == {"sent": 1, "failed": 1, "dropped": 2, "pending": 2}
    assert [r.chat_id for r in store.due(limit=10)] == [1, 2]
    assert store.user_data(3).active is False
    store.subscribe(3, A)  # coming back reactivates
    assert store.user_data(3).active is True


# --------------------------------------------------- personal data, statistics
def test_user_data_and_forget_user(store: StateStore, clock: Clock) -> None:
    assert not store.user_data(9).known
    store.subscribe(9, [A, D])
    store.subscribe(10, A)
    store.queue_announcement(A, "hello")
    store.mark_sent(store.due(limit=1)[0].id)
    data = store.user_data(9)
    assert data.known and data.topics == (A, D) and data.messages == {"sent": 1}
    assert data.first_seen == clock.now and data.last_sent_at == clock.now
    assert store.forget_user(9) is True
    assert not store.user_data(9).known
    assert store.forget_user(9) is False
    assert store.subscriptions(10) == (A,)  # other users untouched
    assert store.outbox_counts() == {"pending": 1}


def test_question_log_stats_and_purge(store: StateStore, clock: Clock) -> None:
    store.log_question("vieille question", "answered")
    clock.now += 10 * 86400
    store.log_question("combien", "answered")
    store.log_question("qui", "clarify")
    store.log_question("x" * 10_000, "unknown")
    store.subscribe(1, B)
    stats = store.stats(days=7)
    assert stats.questions == {"answered": 1, "clarify": 1, "unknown": 1}
    assert stats.subscribers == {B: 1} and stats.users == 1
    assert store.purge_questions(older_than_days=7) == 1
    longest = sqlite3.connect(store.path).execute("SELECT MAX(LENGTH(text)) FROM question_log").fetchone()[0]
    assert longest == 4096
