"""The outbox as the delivery job uses it: claims, a migrated group, a wall clock stepped back."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from qa.state import MAX_DELAY, StateStore


class Clock:
    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_a_claimed_row_is_sent_by_its_claimant_only(tmp_path: Path) -> None:
    clock = Clock()
    one = StateStore.open(tmp_path / "state.db", clock=clock)
    two = StateStore.open(tmp_path / "state.db", clock=clock)  # another process, say
    for chat in (1, 2):
        one.subscribe(chat, "topic-2")
    one.queue_announcement("topic-2", "a")
    one.queue_announcement("topic-2", "b")
    first = one.due(limit=10)
    assert [r.chat_id for r in first] == [1, 2]
    assert one.claim(first[0].id, lease=60) and not two.claim(first[0].id, lease=60)
    # the claimed row is not due for anyone, and neither is its chat's next row (order)
    assert [r.chat_id for r in two.due(limit=10)] == [2]
    one.mark_sent(first[0].id)
    assert [(r.chat_id, r.text) for r in two.due(limit=10)] == [(2, "a"), (1, "b")]  # oldest row first
    assert not two.claim(first[0].id, lease=60)  # sent: nobody claims it again
    one.close()
    two.close()


def test_a_lapsed_claim_and_released_claims_make_the_row_due_again(tmp_path: Path) -> None:
    clock = Clock()
    with StateStore.open(tmp_path / "state.db", clock=clock) as store:
        store.subscribe(1, "topic-1")
        store.queue_announcement("topic-1", "x")
        (row,) = store.due(limit=10)
        assert store.claim(row.id, lease=60)
        assert store.due(limit=10) == [] and store.next_due_in() == 60
        clock.now += 61  # the claimant died mid-send: its lease lapses
        assert store.due(limit=10) == [row]
        assert store.claim(row.id, lease=60)
        assert store.release_claims() == 1  # at start, under the instance lock
        assert store.due(limit=10) == [row]


def test_due_can_be_restricted_to_some_chats(tmp_path: Path) -> None:
    with StateStore.open(tmp_path / "state.db") as store:
        for chat in (0, 1, 2):
            store.subscribe(chat, "topic-3")
        store.queue_announcement("topic-3", "x")
        assert [r.chat_id for r in store.due(limit=10, only=[0])] == [0]
        assert [r.chat_id for r in store.due(limit=10, exclude=[0])] == [1, 2]


def test_a_wall_clock_stepped_back_does_not_stall_the_outbox(tmp_path: Path) -> None:
    clock = Clock()
    with StateStore.open(tmp_path / "state.db", clock=clock) as store:
        store.subscribe(1, "topic-1")
        store.subscribe(2, "topic-1")
        store.queue_announcement("topic-1", "x")
        rows = store.due(limit=10)
        store.retry_later(rows[1].id, "502", 30)  # a retry, due in 30 s
        clock.now -= 3600  # NTP steps the clock back one hour
        assert [r.chat_id for r in store.due(limit=10)] == [1, 2]  # neither waits an hour
        assert store.next_due_in() == 0


def test_retries_are_never_scheduled_beyond_max_delay(tmp_path: Path) -> None:
    clock = Clock()
    with StateStore.open(tmp_path / "state.db", clock=clock) as store:
        store.subscribe(1, "topic-1")
        store.queue_announcement("topic-1", "x")
        (row,) = store.due(limit=10)
        store.retry_later(row.id, "429", 10 * MAX_DELAY, count=False)
        assert store.next_due_in() == MAX_DELAY


def test_a_migrated_group_keeps_its_subscriptions_and_its_pending_notices(tmp_path: Path) -> None:
    old, new = -4001, -1004001
    with StateStore.open(tmp_path / "state.db") as store:
        store.subscribe(old, ("topic-2", "topic-3"))
        store.subscribe(7, "topic-2")
        store.queue_announcement("topic-2", "pending")
        assert store.move_chat(old, new) > 0
        assert store.subscriptions(old) == () and store.subscriptions(new) == ("topic-2", "topic-3")
        assert sorted(r.chat_id for r in store.due(limit=10)) == [new, 7]
        data = store.user_data(new)
        assert data.active and data.messages == {"pending": 1}
        assert not store.user_data(old).known
        assert store.move_chat(old, new) == 0  # reported twice (error, service message): no-op
        assert store.subscriptions(new) == ("topic-2", "topic-3")
    with sqlite3.connect(tmp_path / "state.db") as db:
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_claims_in_one_transaction_and_a_release(tmp_path: Path) -> None:
    with StateStore.open(tmp_path / "state.db") as store:
        for chat in (1, 2, 3):
            store.subscribe(chat, "topic-1")
        store.queue_announcement("topic-1", "x")
        ids = [r.id for r in store.due(limit=10)]
        assert store.claim_many(ids, lease=60) == ids and store.claim_many(ids, lease=60) == []
        store.release(ids[1:])  # not sent after all (the job's budget ran out)
        assert [r.id for r in store.due(limit=10)] == ids[1:]
