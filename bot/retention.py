"""Retention of the question log: texts older than `BOT_QUESTION_LOG_DAYS` are deleted.

A JobQueue job runs at start, then once a day. The question log keeps a question's text,
its status and its time, never who asked (`qa.state.StateStore.log_question`).
"""

from __future__ import annotations

import inspect
import logging
from datetime import timedelta
from typing import Any, Protocol, cast

from telegram.ext import Application, ContextTypes

from .logs import log_event
from .settings import Settings

__all__ = ["DAILY_JOB", "INTERVAL", "START_JOB", "purge_question_log", "schedule"]

log = logging.getLogger(__name__)

INTERVAL = timedelta(days=1)
START_JOB, DAILY_JOB = "purge question log at start", "purge question log daily"


class QuestionLogStore(Protocol):
    """What the job needs of `bot_data["state"]` (sync `StateStore` or async `AsyncState`)."""

    def purge_questions(self, older_than_days: float) -> object: ...


async def purge_question_log(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Delete the questions older than the retention period; one `purge` log line."""
    state = cast("QuestionLogStore | None", context.bot_data.get("state"))
    days = cast(Settings, context.bot_data["settings"]).question_log_days
    if state is None:
        log.warning("no state database: the question log was not purged")
        return
    try:
        deleted = state.purge_questions(days)
        if inspect.isawaitable(deleted):
            deleted = await deleted
    except Exception:  # tomorrow's run tries again; the bot keeps answering
        log.exception("could not purge the question log")
        return
    log_event("purge", table="questions", days=days, deleted=deleted if isinstance(deleted, int) else None)


def schedule(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Run `purge_question_log` when the application starts, then every `INTERVAL`."""
    if app.job_queue is None:  # python-telegram-bot installed without its job-queue extra
        raise RuntimeError("qa-bot needs python-telegram-bot[job-queue]")
    # An interval trigger never fires in the past (PTB's docs: `first=0` does not work), and the
    # start is past by the time the scheduler starts: a one-off run, late by any amount, then daily.
    late_is_fine = {"misfire_grace_time": None, "coalesce": True}
    app.job_queue.run_once(purge_question_log, when=0, name=START_JOB, job_kwargs=late_is_fine)
    app.job_queue.run_repeating(
        purge_question_log, interval=INTERVAL, first=INTERVAL, name=DAILY_JOB, job_kwargs=late_is_fine
    )
