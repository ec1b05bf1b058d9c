"""Retention of the question log: texts older than `BOT_QUESTION_LOG_DAYS` are deleted.

A JobQueue job runs at start, then once a day. The question log keeps a question's text,
its status and its time, never who asked (`qa.state.StateStore.log_question`).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from .logs import log_event
from .services import App, Ctx

__all__ = ["DAILY_JOB", "INTERVAL", "START_JOB", "purge_question_log", "schedule"]

log = logging.getLogger(__name__)

INTERVAL = timedelta(days=1)
START_JOB, DAILY_JOB = "purge question log at start", "purge question log daily"


async def purge_question_log(context: Ctx) -> None:
    """Delete the questions older than the retention period; one `purge` log line."""
    state = context.bot_data.state
    days = context.bot_data.settings.question_log_days
    if state is None:
        log.warning("no state database: the question log was not purged")
        return
    try:
        deleted = await state.purge_questions(days)
    except Exception:  # tomorrow's run tries again; the bot keeps answering
        log.exception("could not purge the question log")
        return
    log_event("purge", table="questions", days=days, deleted=deleted)


def schedule(app: App) -> None:
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
