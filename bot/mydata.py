"""Personal data: /mesdonnees shows everything stored about the chat, /oublier erases it.

Nothing is deleted before the user confirms with a button (`oubli:oui` / `oubli:non`, which
survive a restart). In a group, the data is the group's and only its administrators may
erase it (bot/groups.py).
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from typing import Any

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler

from . import texts
from .common import chat_and_state, group_admin_or_say, in_group, say, state_of, topics_of
from .dialogue import Button
from .handlers import answer_query, command, expired
from .services import Ctx

__all__ = ["FORGET", "forget", "forget_answer", "handlers", "my_data"]

FORGET = "oubli"


def _date(timestamp: float | None) -> str:
    return "–" if timestamp is None else datetime.fromtimestamp(timestamp, UTC).strftime(texts.DATE)


async def my_data(update: Update, context: Ctx) -> None:
    found = await chat_and_state(update, context)
    if found is None:
        return
    chat_id, state = found
    data = await state.user_data(chat_id)
    if not data.known:
        await say(update, context, texts.MYDATA_NONE)
        return
    reason = html.escape(data.inactive_reason or "")
    counts = [(s, data.messages.get(s, 0)) for s in ("sent", "pending", "failed", "dropped")]
    messages = ", ".join(texts.MYDATA_STATUS[s].format(n=n) for s, n in counts if n)
    if data.last_sent_at is not None:
        messages += texts.MYDATA_LAST_SENT.format(date=_date(data.last_sent_at))
    topics = topics_of(context)
    known = topics.known(data.topics)
    # Every key stored is shown: by its number when the base has it, else as it is stored.
    followed = [str(t.n) for t in known] + sorted(set(data.topics) - set(topics.keys(known)))
    text = texts.MYDATA.format(
        chat_id=chat_id,
        first_seen=_date(data.first_seen),
        last_seen=_date(data.last_seen),
        status=texts.MYDATA_ACTIVE if data.active else texts.MYDATA_INACTIVE.format(reason=reason),
        topics=html.escape(", ".join(followed)) or texts.MYDATA_NO_TOPIC,
        messages=messages or texts.MYDATA_NO_MESSAGE,
    )
    await say(update, context, text)


async def forget(update: Update, context: Ctx) -> None:
    """/oublier: nothing is deleted before the user confirms with the button."""
    if not await group_admin_or_say(update, context):
        return
    rows = ((Button(texts.FORGET_YES, f"{FORGET}:oui"), Button(texts.FORGET_NO, f"{FORGET}:non")),)
    confirm = texts.FORGET_CONFIRM_GROUP if in_group(update) else texts.FORGET_CONFIRM
    await say(update, context, confirm, rows)


async def forget_answer(update: Update, context: Ctx) -> None:
    query, chat, state = update.callback_query, update.effective_chat, state_of(context)
    if query is None:
        return
    if query.data not in (f"{FORGET}:oui", f"{FORGET}:non"):
        await expired(update, context)  # PTB passes a callback without data to any pattern
        return
    if chat is None or state is None:
        await answer_query(update, texts.SUB_UNAVAILABLE)
        return
    if not await group_admin_or_say(update, context):
        return
    await answer_query(update)
    group = in_group(update)
    if query.data == f"{FORGET}:oui":
        existed = await state.forget_user(chat.id)
        if context.bot_data.has_dialogue:
            context.bot_data.dialogue.forget(chat.id)  # the conversation context too
        if group:
            line = texts.FORGET_DONE_GROUP if existed else texts.FORGET_NOTHING_GROUP
        else:
            line = texts.FORGET_DONE if existed else texts.FORGET_NOTHING
    else:
        line = texts.FORGET_KEPT
    try:  # the answer replaces the question, so the buttons cannot be pressed twice
        await query.edit_message_text(line)
    except BadRequest:
        await say(update, context, line)


def handlers() -> list[BaseHandler[Update, Any, Any]]:
    """Registered by bot/app.py before the catch-all button handler."""
    return [
        command("mesdonnees", my_data),
        command("oublier", forget),
        CallbackQueryHandler(forget_answer, pattern=rf"^{FORGET}:(oui|non)$"),
    ]
