"""Delivery of the outbox: a JobQueue job that sends queued notifications within Telegram's limits.

Producers (/annonce, `qa publish`) only write rows; this job is the only sender. Each run sends,
oldest first, for about `Limits.budget` seconds, then returns (the job runs every second), so
that stopping the bot never waits long for a broadcast.

- Rate: at most `rate` messages per second overall (Telegram's ~30/s) and one per
  `per_chat` seconds to the same chat; a chat's messages keep their order.
- 429 (RetryAfter): everything pauses for `retry_after`, the row stays pending, no attempt spent.
- Network errors, timeouts and 5xx: the row is retried after an exponential backoff and
  sending pauses as long (Telegram or the network is in trouble); after `max_attempts`
  attempts the row is marked failed with the reason.
- 403 (blocked, kicked, deactivated) or "chat not found": the user is deactivated and their
  pending rows are dropped. Any other 400 fails the row at once, with Telegram's reason.
- A group that became a supergroup (`ChatMigrated`): its subscriptions and pending rows move
  to the new chat id, and the row is sent there.
- A rejected token (`InvalidToken`) is not the message's fault: the row stays pending and the
  error goes to the error handler, which stops the bot (bot/handlers.py).
- Each row is claimed in the state database before it is sent (`StateStore.claim`): even two
  processes on one database (which the instance lock forbids) never send a row twice. The
  process that holds the instance lock releases, at start, the claims a crash left behind.
- The 429s of notices are handled here only: the bot's rate limiter does not retry them
  (`NO_RETRY`), it only keeps the notices within the budget it shares with the answers.
- A row is marked sent only after Telegram accepted it. After a crash (even SIGKILL) the next
  start sends every row not marked sent: nothing is lost, and only the messages in flight at the
  crash can arrive twice: at most `in_flight` of them, one per chat (`in_flight=1` sends
  strictly one at a time, at the cost of a rate bounded by the Bot API's latency).

Pacing, pauses and the job's budget use a monotonic clock (a wall clock stepped back one hour
used to stall delivery for an hour); rows' due times are the state store's business. The
clock and the sleep are injectable: tests and benchmarks never wait for real.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, RetryAfter, TelegramError
from telegram.ext import ExtBot

from qa.state import OutboxRow

from .logs import log_event
from .ratelimit import NO_RETRY, retry_after_seconds
from .services import App, Ctx, Services
from .state import AsyncState

__all__ = ["CLAIM_LEASE", "JOB_NAME", "Deliverer", "DrainReport", "Limits", "deliverer_of", "install"]

log = logging.getLogger(__name__)

JOB_NAME = "delivery"
INTERVAL = 1.0  # seconds between two runs of the job
# How long a claimed row stays out of others' reach: far longer than one send (a few
# seconds at worst, PTB's timeouts), far shorter than the outbox's MAX_DELAY.
CLAIM_LEASE = 120.0
_GONE = ("chat not found", "user not found", "bot was blocked", "user is deactivated", "bot was kicked")


@dataclass(frozen=True)
class Limits:
    rate: float | None = 30.0  # messages per second overall; None: no limit (benchmarks)
    per_chat: float | None = 1.0  # seconds between two messages to one chat; None: no limit
    max_attempts: int = 6  # network errors and 5xx: attempts before a row is marked failed
    backoff: float = 2.0  # first retry delay after a network error, doubled at each attempt
    max_backoff: float = 300.0
    batch: int = 200  # rows read at a time
    # Messages sent concurrently, at most one per chat. DESIGN.md promises that a crash can
    # duplicate only the one message in flight, so the default is 1; at ~100 ms a Bot API
    # call that caps a broadcast near 10/s, within Telegram's limits. A larger value sends
    # faster, at the price of up to that many duplicates (one per chat) after a crash.
    in_flight: int = 1
    budget: float = 0.9  # seconds a job run may send for (the job runs every INTERVAL)


@dataclass
class DrainReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    dropped: int = 0  # pending rows dropped because their chat blocked the bot or is gone


class Deliverer:
    def __init__(
        self,
        state: AsyncState,
        bot: ExtBot[Any],
        limits: Limits = Limits(),
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        # `clock` only paces (intervals); it is never compared with the store's times.
        self.state, self.bot, self.limits = state, bot, limits
        self._clock, self._sleep = clock, sleep
        self._lock = asyncio.Lock()
        self._next_slot = 0.0  # the global rate: when the next message may go
        self._paused_until = 0.0  # after a 429 or a network error: nothing goes before
        self._rejected: InvalidToken | None = None  # the token was refused: stop sending, report it
        self._failures = 0  # network errors in a row, for the global pause
        self._cooling: dict[int, float] = {}  # chat -> when it may receive its next message
        self._busy: set[int] = set()  # chats with a message in flight
        # Group commit of "sent": rows accepted while a commit runs go together in the next one.
        self._accepted: list[tuple[int, asyncio.Future[None]]] = []
        self._committing = False

    async def drain(self, budget: float | None = None) -> DrainReport:
        """Send what is due. With a `budget` (the job), return after about that many seconds,
        or when nothing is due yet; without (tests, benchmarks, a manual flush), return only
        when nothing is pending any more, sleeping through pauses and backoffs. Returns with
        nothing in flight; if cancelled, the messages in flight are abandoned (not marked, still
        claimed: the next start releases them). A rejected token is raised once nothing is in
        flight any more (the rows stay pending)."""
        report = DrainReport()
        if self._lock.locked():  # the previous run of the job is still sending
            return report
        async with self._lock:
            start = self._clock()
            slots = asyncio.Semaphore(self.limits.in_flight)
            running: set[asyncio.Task[None]] = set()
            async with asyncio.TaskGroup() as group:  # leaving it waits for the messages in flight
                self._rejected = None
                while self._rejected is None:
                    now = self._clock()
                    left = None if budget is None else budget - (now - start)
                    if left is not None and left <= 0:
                        break
                    wait = self._paused_until - now
                    if wait <= 0:
                        self._cooling = {c: t for c, t in self._cooling.items() if t > now}
                        busy = self._busy | self._cooling.keys()
                        rows = await self.state.due(limit=self.limits.batch, exclude=busy)
                        if rows:
                            await self._launch(rows, group, slots, running, report, start, budget)
                            continue
                        if running:  # what is left is for chats with a message in flight
                            await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                            continue
                        due_in = await self.state.next_due_in()
                        if due_in is None:
                            break  # nothing pending at all
                        wakes = [t - now for t in self._cooling.values()] + ([due_in] if due_in > 0 else [])
                        wait = min(wakes) if wakes else 0.05
                    if left is not None and wait >= left:
                        break  # the next run of the job takes over
                    await self._sleep(max(wait, 0.001))
        if self._rejected is not None:  # raised here, not in a task: the error handler sees it as is
            raise self._rejected
        if report.sent or report.failed or report.dropped:
            log_event("delivery", result="run", sent=report.sent, retried=report.retried,
                      failed=report.failed, dropped=report.dropped)
        return report

    async def _launch(
        self,
        rows: list[OutboxRow],
        group: asyncio.TaskGroup,
        slots: asyncio.Semaphore,
        running: set[asyncio.Task[None]],
        report: DrainReport,
        start: float,
        budget: float | None,
    ) -> None:
        """Claim `rows` (one transaction: nobody else sends them), then send them at the pace,
        each in its own task; the claims of those not sent (budget spent, a pause) are given back."""
        claimed = set(await self.state.claim_many([r.id for r in rows], CLAIM_LEASE))
        unsent = set(claimed)
        try:
            for row in rows:
                if row.id not in claimed:  # another deliverer has it, or it was sent, dropped, erased
                    continue
                if budget is not None and self._clock() - start >= budget:
                    break
                await self._pace()
                await slots.acquire()
                if self._paused_until > self._clock() or self._rejected:  # a 429 meanwhile
                    slots.release()
                    break
                unsent.discard(row.id)
                self._busy.add(row.chat_id)
                task = group.create_task(self._send(row, report))
                running.add(task)
                task.add_done_callback(partial(self._done, row.chat_id, slots, running))
        finally:
            if unsent:
                await self.state.release(unsent)

    def _done(
        self, chat_id: int, slots: asyncio.Semaphore, running: set[asyncio.Task[None]], task: asyncio.Task[None]
    ) -> None:
        running.discard(task)
        self._busy.discard(chat_id)
        slots.release()

    async def _pace(self) -> None:
        """The global rate: one message every 1/rate seconds, no burst."""
        if self.limits.rate is None:
            return
        now = self._clock()
        if self._next_slot > now:
            await self._sleep(self._next_slot - now)
            now = max(now, self._clock())
        self._next_slot = max(self._next_slot, now) + 1.0 / self.limits.rate

    async def _send(self, row: OutboxRow, report: DrainReport) -> None:
        """Send a row this deliverer claimed; record the outcome (which releases the claim)."""
        try:
            await self.bot.send_message(
                row.chat_id,
                row.text,
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                # this job owns the 429s of notices: the rate limiter must not retry them too
                rate_limit_args=NO_RETRY if self.bot.rate_limiter is not None else None,
            )
        except RetryAfter as e:
            delay = retry_after_seconds(e)
            self._paused_until = self._clock() + delay
            await self.state.retry_later(row.id, f"429: {e.message}", delay, count=False)
            report.retried += 1
            log_event("delivery", level=logging.WARNING, result="wait", retry_after=delay)
        except Forbidden as e:
            await self._gone(row.chat_id, f"403: {e.message}", report)
        except BadRequest as e:  # before NetworkError: BadRequest is one of its subclasses
            if any(words in e.message.lower() for words in _GONE):
                await self._gone(row.chat_id, f"400: {e.message}", report)
            else:
                await self.state.mark_failed(row.id, f"refused by Telegram: {e.message}")
                report.failed += 1
        except ChatMigrated as e:  # a group became a supergroup: it follows its new id
            moved = await self.state.move_chat(row.chat_id, e.new_chat_id)
            await self.state.retry_later(row.id, "group migrated to a supergroup", 0, count=False)
            report.retried += 1
            log_event("delivery", result="migrated", moved=moved)
        except InvalidToken as e:  # a configuration error, not the message's: the bot stops
            await self.state.retry_later(row.id, "token rejected", 0, count=False)
            self._rejected = e
        except TelegramError as e:  # network errors, timeouts, 5xx, unknown answers
            await self._backoff(row, e, report)
        else:
            await self._mark_sent(row.id)
            self._failures = 0
            report.sent += 1
        finally:
            if self.limits.per_chat is not None:
                self._cooling[row.chat_id] = self._clock() + self.limits.per_chat

    async def _mark_sent(self, row_id: int) -> None:
        """Return once the row is committed as sent; the first caller commits for everyone
        waiting, so concurrent messages share one transaction (and one thread hop)."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._accepted.append((row_id, done))
        if self._committing:
            await done
            return
        self._committing = True
        try:
            while self._accepted:
                batch, self._accepted = self._accepted, []
                await self.state.mark_sent(*(i for i, _ in batch))
                for _, waiter in batch:
                    if not waiter.done():
                        waiter.set_result(None)
        finally:  # on an error the TaskGroup cancels the waiters; later rows start a new commit
            self._committing = False

    async def _backoff(self, row: Any, error: TelegramError, report: DrainReport) -> None:
        attempts = row.attempts + 1
        reason = f"{type(error).__name__}: {error.message}"
        if attempts >= self.limits.max_attempts:
            await self.state.mark_failed(row.id, f"gave up after {attempts} attempts; last error {reason}")
            report.failed += 1
        else:
            delay = min(self.limits.backoff * 2 ** (attempts - 1), self.limits.max_backoff)
            await self.state.retry_later(row.id, reason, delay)
            report.retried += 1
        self._failures += 1
        pause = min(self.limits.backoff * 2 ** (self._failures - 1), self.limits.max_backoff)
        self._paused_until = self._clock() + pause
        log_event("delivery", level=logging.WARNING, result="retry", reason=reason, pause=pause)

    async def _gone(self, chat_id: int, reason: str, report: DrainReport) -> None:
        dropped = await self.state.deactivate(chat_id, reason)
        report.dropped += dropped
        # No chat id: in a private chat it is the user's id, which logs never carry.
        log_event("delivery", result="deactivated", reason=reason, dropped=dropped)


# -------------------------------------------------------- the bot's wiring
def deliverer_of(services: Services, bot: ExtBot[Any]) -> Deliverer | None:
    """The deliverer of this Application, made on first use (None without a state store)."""
    if services.deliverer is None and services.state is not None:
        services.deliverer = Deliverer(services.state, bot, services.delivery_limits or Limits())
    return services.deliverer


async def delivery_job(context: Ctx) -> None:
    deliverer = deliverer_of(context.bot_data, context.bot)
    if deliverer is not None:
        await deliverer.drain(budget=deliverer.limits.budget)


def install(app: App, limits: Limits | None = None) -> None:
    """Schedule the delivery job on `app` (bot/app.py calls it once, after the handlers)."""
    if limits is not None:
        app.bot_data.delivery_limits = limits
    if app.job_queue is None:
        log.warning("no job queue (install python-telegram-bot[job-queue]): notifications stay queued")
        return
    # Two instances allowed: a run that overruns its second is not reported as "skipped";
    # the second one sees the lock and returns at once.
    app.job_queue.run_repeating(
        delivery_job, interval=INTERVAL, first=INTERVAL, name=JOB_NAME, job_kwargs={"max_instances": 2}
    )
