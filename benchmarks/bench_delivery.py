"""Delivery benchmark: queueing a broadcast, and draining the outbox with and without the limits.

The sender is the bot's `Deliverer` over the real Application's Bot and a fake transport
(a `telegram.request.BaseRequest` answering like Telegram, instantly), on a state database
in a temporary directory. With the limits on, the rate should sit just under 30 messages per
second (Telegram's cap); with them off, it shows what the bot itself can do.

    python -m benchmarks.bench_delivery      # from the repository's root
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

from bot.app import build_application
from bot.delivery import Deliverer, Limits
from bot.settings import Settings
from bot.state import AsyncState
from qa import Engine, QAError
from qa.publish import Publication
from qa.state import StateStore
from tests.bot.fakes import TOKEN, FakeRequest

_ACCEPTED = json.dumps(
    {"ok": True, "result": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}}}
).encode()


class FastRequest(FakeRequest):
    """Telegram at its quickest: every sendMessage accepted at once, with the smallest reply."""

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        if url.endswith("/sendMessage"):
            return 200, _ACCEPTED
        return await super().do_request(url, method, *args, **kwargs)


QUEUED = 10_000
UNLIMITED = 10_000  # messages drained with the limits off
LIMITED_SECONDS = 4.0  # a bounded run with the limits on
TOPIC = "topic-2"  # an opaque key: delivery does not depend on the base
TEXT = "📣 <b>Annonce</b> – sujet 2 « Un titre de sujet »\nNouvelle étude publiée.\n/desabonner 2"


def _subscribers(path: Path, n: int, topics: tuple[str, ...] = (TOPIC,)) -> None:
    """n active subscribers, each of one of `topics`, written in bulk (the setup is not what
    is measured)."""
    StateStore.open(path).close()  # creates the schema
    db = sqlite3.connect(path)
    now = time.time()
    with db:
        db.executemany("INSERT INTO users(chat_id, first_seen, last_seen) VALUES (?, ?, ?)",
                       ((100_000 + i, now, now) for i in range(n)))  # fmt: skip
        db.executemany("INSERT INTO subscriptions(chat_id, topic, since) VALUES (?, ?, ?)",
                       ((100_000 + i, topics[i % len(topics)], now) for i in range(n)))  # fmt: skip
    db.close()


async def _drain(path: Path, limits: Limits, budget: float | None) -> tuple[int, float]:
    app = build_application(
        Settings(token=TOKEN, state_db=path),
        request=FastRequest(record=False),
        get_updates_request=FakeRequest(record=False),
        rate_limiter=False,
    )
    await app.initialize()
    state = await AsyncState.open(path)
    try:
        deliverer = Deliverer(state, app.bot, limits)
        start = time.perf_counter()
        report = await deliverer.drain(budget=budget)
        return report.sent, time.perf_counter() - start
    finally:
        await state.close()
        await app.shutdown()


def run() -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "state.db"
        _subscribers(path, QUEUED)
        with StateStore.open(path) as store:
            start = time.perf_counter()
            queued = store.queue_announcement(TOPIC, TEXT)
            elapsed = time.perf_counter() - start
        assert queued == QUEUED
        rows.append((f"delivery: queue {QUEUED} notifications", f"{elapsed * 1000:.0f} ms (one transaction)"))

        sent, elapsed = asyncio.run(_drain(path, Limits(), LIMITED_SECONDS))
        rows.append(
            ("delivery: limits on (30/s, 1/s per chat)", f"{sent / elapsed:.1f} msg/s ({sent} in {elapsed:.1f} s)")
        )
        # Limits off: what the bot itself can do. The in-flight window hides the commit latency.
        for in_flight in (Limits().in_flight, 32):
            with StateStore.open(path) as store:
                store.queue_announcement(TOPIC, TEXT)
            off = Limits(rate=None, per_chat=None, batch=1000, in_flight=in_flight)
            sent, elapsed = asyncio.run(_drain(path, off, None))
            rows.append(
                (
                    f"delivery: limits off, {in_flight} in flight",
                    f"{sent / elapsed:.0f} msg/s ({sent} in {elapsed:.1f} s)",
                )
            )
        rows.append(_publish(Path(tmp) / "publish.db"))
    return rows


def _publish(path: Path) -> tuple[str, str]:
    """`qa publish` on the project's fact base as if every fact with topics were new, to
    QUEUED subscribers spread over its topics: one digest for each subscriber of a topic with
    news, composed and queued in one transaction with the new snapshot."""
    try:
        publication = Publication(Engine.load())
    except QAError as e:
        return ("publish: digests", f"not run: {e}")
    keys = tuple(t.key for t in publication.topics)
    if not keys:
        return ("publish: digests", "not run: the base has no topic")
    _subscribers(path, QUEUED, keys)
    with StateStore.open(path) as store:
        start = time.perf_counter()
        queued, _ = store.publish(
            publication.current, lambda old, followers: publication.digests(publication.notices({}), followers),
            baseline_when_empty=False,
        )  # fmt: skip
        elapsed = time.perf_counter() - start
    return (f"publish: {queued} digests composed and queued", f"{elapsed * 1000:.0f} ms (one transaction)")


if __name__ == "__main__":
    for measure, value in run():
        print(f"{measure:<48} {value}")
