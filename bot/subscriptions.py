"""Subscriptions to the topics of the base: the commands and the buttons.

/axes                       the topics (the items of the base's subscribable lists), with buttons
/abonner [n|tout]           subscribe; without argument, the topics as buttons (✅ = followed)
/desabonner [n|tout]        unsubscribe; without argument, the same buttons
/abonnements                what the chat follows

The numbers are the base's (bot/topics.py); the state database keeps each topic's key.
Subscriptions belong to the chat (in a group, the group follows the topic, and only the
group's administrators change them: bot/groups.py). The store is `context.bot_data.state`
(bot/state.py); without it the commands say so and change nothing. Callback data:
`abo:<key>` toggles the topic of that key (`abo:#<n>` when the key does not fit in Telegram's
64 bytes; `abo:<n>`, from buttons sent before topics had keys, still toggles topic n); it
survives a restart, and a topic the base no longer has gets the expired notice.
Personal data and the admin commands are in bot/mydata.py and bot/admin.py.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler

from qa import Topic

from . import texts
from .common import chat_and_state, group_admin_or_say, say, state_of, topics_of, what
from .dialogue import Button, callback_data
from .handlers import answer_query, command, expired, send
from .services import Ctx
from .topics import Topics

__all__ = ["TOGGLE", "axes", "handlers", "subscribe_buttons", "toggle_data"]

log = logging.getLogger(__name__)

TOGGLE = "abo"
_MAX_TITLE = 40


def _short(title: str) -> str:
    return title if len(title) <= _MAX_TITLE else title[: _MAX_TITLE - 1].rstrip() + "…"


def toggle_data(topic: Topic) -> str:
    """`abo:<key>`, or `abo:#<n>` for a key too long for Telegram's 64 bytes."""
    return callback_data(TOGGLE, topic.key) or f"{TOGGLE}:#{topic.n}"


def _pressed(data: str, topics: Topics) -> Topic | None:
    prefix, _, value = data.partition(":")
    if prefix != TOGGLE or not value:
        return None
    if value.startswith("#") and value[1:].isdigit():
        return topics.by_number(int(value[1:]))
    found = topics.by_key(value)
    if found is None and value.isdigit():  # a button sent before topics had keys (`abo:2`)
        return topics.by_number(int(value))
    return found


def _buttons(followed: Iterable[str], topics: Topics) -> tuple[tuple[Button, ...], ...]:
    on = set(followed)
    return tuple(
        (
            Button(
                texts.SUB_BUTTON.format(
                    mark=texts.SUB_MARK_ON if t.key in on else texts.SUB_MARK_OFF, n=t.n, title=_short(t.title)
                ).rstrip(),
                toggle_data(t),
            ),
        )
        for t in topics.all
    )


def _markup(rows: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in rows])


async def subscribe_buttons(context: Ctx, chat_id: int) -> tuple[tuple[Button, ...], ...]:
    """The topics as toggle buttons, ticked when `chat_id` follows them (for /axes)."""
    state = state_of(context)
    if state is None:
        return ()
    return _buttons(await state.subscriptions(chat_id), topics_of(context))


# ----------------------------------------------------------------- commands
async def axes(update: Update, context: Ctx) -> None:
    """/axes: the topics (the dialogue's text) with the subscribe buttons under them."""
    chat = update.effective_chat
    reply = context.bot_data.dialogue.axes()
    if chat is not None:
        rows = await subscribe_buttons(context, chat.id)
        if rows:
            reply = replace(reply, html=f"{reply.html}\n\n{texts.SUB_TOPICS_BUTTONS}", buttons=rows)
    await send(update, context, reply)


def _invalid(args: list[str], command: str, topics: Topics) -> str:
    choices = texts.SUB_CHOICE_ONE if len(topics) == 1 else texts.SUB_CHOICES.format(count=len(topics))
    return texts.SUB_INVALID.format(arg=html.escape(" ".join(args)[:60]), choices=choices, command=command)


async def _change(update: Update, context: Ctx, *, subscribe: bool) -> None:
    found = await chat_and_state(update, context)
    if found is None:
        return
    chat_id, state = found
    topics = topics_of(context)
    if not topics.all:
        await say(update, context, texts.SUB_NO_TOPIC)
        return
    command = "abonner" if subscribe else "desabonner"
    args = context.args or []
    wanted = topics.parse(args)
    if wanted is None:
        await say(update, context, _invalid(args, command, topics))
        return
    if not wanted:
        followed = await state.subscriptions(chat_id)
        await say(update, context, texts.SUB_CHOOSE, _buttons(followed, topics))
        return
    if not await group_admin_or_say(update, context):
        return
    if subscribe:
        changed = topics.known(await state.subscribe(chat_id, topics.keys(wanted)))
        line = texts.SUB_ADDED if changed else texts.SUB_ALREADY
    else:
        keys = topics.keys(wanted)
        if topics.says_all(args):  # "tout" also ends subscriptions to topics the base no longer has
            keys += tuple(k for k in await state.subscriptions(chat_id) if k not in keys)
        changed = topics.known(await state.unsubscribe(chat_id, keys))
        line = texts.SUB_REMOVED if changed else texts.SUB_NOT_FOLLOWED
    await say(update, context, line.format(what=what(changed or wanted, topics)))


async def subscribe(update: Update, context: Ctx) -> None:
    await _change(update, context, subscribe=True)


async def unsubscribe(update: Update, context: Ctx) -> None:
    await _change(update, context, subscribe=False)


async def list_subscriptions(update: Update, context: Ctx) -> None:
    found = await chat_and_state(update, context)
    if found is None:
        return
    chat_id, state = found
    followed = await state.subscriptions(chat_id)
    if not followed:
        await say(update, context, texts.SUB_LIST_NONE)
        return
    topics = topics_of(context)
    known = topics.known(followed)
    lines = [texts.SUB_LIST_HEAD]
    lines += [texts.SUB_LIST_LINE.format(n=t.n, label=html.escape(topics.label(t))) for t in known]
    gone = sorted(set(followed) - set(topics.keys(known)))
    lines += [texts.SUB_LIST_GONE.format(key=html.escape(k)) for k in gone]
    lines.append(texts.SUB_LIST_FOOT)
    await say(update, context, "\n".join(lines))


async def toggle(update: Update, context: Ctx) -> None:
    """A click on a topic button: follow it or stop, confirm in one line, re-tick the buttons."""
    query, chat, state = update.callback_query, update.effective_chat, state_of(context)
    if query is None:
        return
    topics = topics_of(context)
    topic = _pressed(query.data if isinstance(query.data, str) else "", topics)
    if topic is None:
        await expired(update, context)  # not ours, or a topic the base no longer has
        return
    if chat is None or state is None:
        await answer_query(update, texts.SUB_UNAVAILABLE)
        return
    if not await group_admin_or_say(update, context):
        return
    followed = await state.toggle(chat.id, topic.key)
    line = html.unescape(what((topic,), topics))  # an alert is plain text
    await answer_query(update, (texts.SUB_ADDED if followed else texts.SUB_REMOVED).format(what=line))
    rows = _buttons(await state.subscriptions(chat.id), topics)
    try:
        await query.edit_message_reply_markup(_markup(rows))
    except BadRequest as e:  # the message is too old or already shows this state: the toast said it
        log.debug("could not update the subscription buttons: %s", e)


def handlers() -> list[BaseHandler[Update, Any, Any]]:
    """Registered by bot/app.py before the catch-all button handler (commands: new messages
    only, never an edit: an edited /abonner changes nothing)."""
    return [
        command("abonner", subscribe),
        command("desabonner", unsubscribe),
        command("abonnements", list_subscriptions),
        CallbackQueryHandler(toggle, pattern=rf"^{TOGGLE}:"),
    ]
