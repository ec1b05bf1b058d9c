"""Subscriptions to the four axes, personal data, and the admin commands that feed the outbox.

/abonner [1-4|tout]     subscribe; without argument, the four axes as buttons (✅ = followed)
/desabonner [1-4|tout]  unsubscribe; without argument, the same buttons
/abonnements            what the chat follows
/mesdonnees, /oublier   everything stored about the chat; delete it (after a button)
/annonce, /stats        admin only (BOT_ADMIN_IDS): queue an announcement; usage figures

Subscriptions belong to the chat (in a group, the group follows the axis, and only the
group's administrators change them or erase its data: bot/groups.py). The store is
`context.bot_data.state` (bot/state.py); without it the commands say so and change nothing.
Callback data: `abo:<n>` toggles axis n, `oubli:oui` / `oubli:non` answer /oublier; both
survive a restart (nothing is kept in memory). An announcement that would not fit in one
Telegram message is refused, with the limit, before anything is queued.
"""

from __future__ import annotations

import html
import logging
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler

from qa.state import AXES

from . import texts
from .dialogue import Button, Reply, plain
from .groups import is_group_admin
from .handlers import answer_query, command, expired, send
from .limits import MAX_MESSAGE, message_length
from .services import Ctx
from .state import AsyncState

__all__ = ["axes", "handlers", "parse_axes", "subscribe_buttons"]

log = logging.getLogger(__name__)

TOGGLE = "abo"
FORGET = "oubli"
_MAX_TITLE = 40
_ALL = {"tout", "tous", "toutes", "all"}
_WORDS = {
    "un": 1, "une": 1, "premier": 1, "premiere": 1, "1er": 1, "1re": 1,
    "deux": 2, "deuxieme": 2, "second": 2, "seconde": 2, "2e": 2, "2eme": 2,
    "trois": 3, "troisieme": 3, "3e": 3, "3eme": 3,
    "quatre": 4, "quatrieme": 4, "4e": 4, "4eme": 4,
}  # fmt: skip
_FILLER = {"axe", "axes", "l", "le", "les", "et", "n", "no", "numero"}


def parse_axes(args: Sequence[str]) -> tuple[int, ...] | None:
    """The axes named by command arguments: () for none, None when a word is not an axis.

    "2", "1 3", "1,3", "axe 2", "deuxième", "tout". Anything else ("9", "deux cents") is
    refused as a whole, so that a typo never changes a subscription."""
    text = unicodedata.normalize("NFKD", " ".join(args).lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    axes: set[int] = set()
    for word in re.split(r"[\s,;.+/'’&-]+", text):
        if not word or word in _FILLER:
            continue
        if word in _ALL:
            axes.update(AXES)
        elif word.isdigit() and int(word) in AXES:
            axes.add(int(word))
        elif word in _WORDS:
            axes.add(_WORDS[word])
        else:
            return None
    return tuple(sorted(axes))


# ------------------------------------------------------------------ helpers
def _state(context: Ctx) -> AsyncState | None:
    return context.bot_data.state


def _titles(context: Ctx) -> dict[int, str]:
    services = context.bot_data
    return {a.n: a.title for a in services.dialogue.engine.axes()} if services.has_dialogue else {}


def _what(axes: Sequence[int], titles: dict[int, str]) -> str:
    if len(axes) == 1:
        n = axes[0]
        if n in titles:
            return texts.SUB_AXIS.format(n=n, title=html.escape(titles[n]))
        return texts.SUB_AXIS_UNTITLED.format(n=n)
    numbers = [str(n) for n in axes]
    return texts.SUB_AXES.format(numbers=", ".join(numbers[:-1]) + texts.SUB_AND + numbers[-1])


def _short(title: str) -> str:
    return title if len(title) <= _MAX_TITLE else title[: _MAX_TITLE - 1].rstrip() + "…"


def _buttons(followed: Iterable[int], titles: dict[int, str]) -> tuple[tuple[Button, ...], ...]:
    on = set(followed)
    return tuple(
        (
            Button(
                texts.SUB_BUTTON.format(
                    mark=texts.SUB_MARK_ON if n in on else texts.SUB_MARK_OFF,
                    n=n,
                    title=_short(titles.get(n, "")),
                ).rstrip(),
                f"{TOGGLE}:{n}",
            ),
        )
        for n in AXES
    )


def _markup(rows: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in rows])


async def _chat_and_state(update: Update, context: Ctx) -> tuple[int, AsyncState] | None:
    """The chat and the state store, or None after telling the user the store is missing."""
    chat, state = update.effective_chat, _state(context)
    if chat is None:
        return None
    if state is None:
        await _say(update, context, texts.SUB_UNAVAILABLE)
        return None
    return chat.id, state


async def _say(update: Update, context: Ctx, markup: str, buttons: tuple[tuple[Button, ...], ...] = ()) -> None:
    await send(update, context, Reply(html=markup, text=plain(markup), buttons=buttons))


async def subscribe_buttons(context: Ctx, chat_id: int) -> tuple[tuple[Button, ...], ...]:
    """The four axes as toggle buttons, ticked when `chat_id` follows them (for /axes)."""
    state = _state(context)
    if state is None:
        return ()
    return _buttons(await state.subscriptions(chat_id), _titles(context))


def _date(timestamp: float | None) -> str:
    return "–" if timestamp is None else datetime.fromtimestamp(timestamp, UTC).strftime(texts.DATE)


def _is_admin(update: Update, context: Ctx) -> bool:
    user = update.effective_user
    return user is not None and user.id in context.bot_data.settings.admin_ids


def _in_group(update: Update) -> bool:
    return update.effective_chat is not None and update.effective_chat.type != ChatType.PRIVATE


async def _group_admin_or_say(update: Update, context: Ctx) -> bool:
    """In a group, changes are for its administrators; others are told so, nothing changes."""
    if await is_group_admin(update, context):
        return True
    if update.callback_query is not None:
        await answer_query(update, texts.GROUP_ADMINS_ONLY)
    else:
        await _say(update, context, texts.GROUP_ADMINS_ONLY)
    return False


# ----------------------------------------------------------------- commands
async def axes(update: Update, context: Ctx) -> None:
    """/axes: the four axes (the dialogue's text) with the subscribe buttons under them."""
    chat = update.effective_chat
    reply = context.bot_data.dialogue.axes()
    if chat is not None:
        rows = await subscribe_buttons(context, chat.id)
        if rows:
            reply = replace(reply, html=f"{reply.html}\n\n{texts.SUB_AXES_BUTTONS}", buttons=rows)
    await send(update, context, reply)


async def _change(update: Update, context: Ctx, *, subscribe: bool) -> None:
    found = await _chat_and_state(update, context)
    if found is None:
        return
    chat_id, state = found
    command = "abonner" if subscribe else "desabonner"
    args = context.args or []
    wanted = parse_axes(args)
    if wanted is None:
        arg = html.escape(" ".join(args)[:60])
        await _say(update, context, texts.SUB_INVALID.format(arg=arg, command=command))
        return
    titles = _titles(context)
    if not wanted:
        followed = await state.subscriptions(chat_id)
        await _say(update, context, texts.SUB_CHOOSE, _buttons(followed, titles))
        return
    if not await _group_admin_or_say(update, context):
        return
    if subscribe:
        changed = await state.subscribe(chat_id, wanted)
        line = texts.SUB_ADDED if changed else texts.SUB_ALREADY
    else:
        changed = await state.unsubscribe(chat_id, wanted)
        line = texts.SUB_REMOVED if changed else texts.SUB_NOT_FOLLOWED
    await _say(update, context, line.format(what=_what(changed or wanted, titles)))


async def subscribe(update: Update, context: Ctx) -> None:
    await _change(update, context, subscribe=True)


async def unsubscribe(update: Update, context: Ctx) -> None:
    await _change(update, context, subscribe=False)


async def list_subscriptions(update: Update, context: Ctx) -> None:
    found = await _chat_and_state(update, context)
    if found is None:
        return
    chat_id, state = found
    followed = await state.subscriptions(chat_id)
    if not followed:
        await _say(update, context, texts.SUB_LIST_NONE)
        return
    titles = _titles(context)
    lines = [texts.SUB_LIST_HEAD]
    lines += [texts.SUB_LIST_LINE.format(n=n, title=html.escape(titles.get(n, ""))) for n in followed]
    lines.append(texts.SUB_LIST_FOOT)
    await _say(update, context, "\n".join(lines))


async def toggle(update: Update, context: Ctx) -> None:
    """A click on an axis button: follow it or stop, confirm in one line, re-tick the buttons."""
    query, chat, state = update.callback_query, update.effective_chat, _state(context)
    if query is None:
        return
    data = query.data if isinstance(query.data, str) else ""
    if not re.fullmatch(rf"{TOGGLE}:\d", data) or int(data[-1]) not in AXES:
        await expired(update, context)  # PTB passes a callback without data to any pattern
        return
    if chat is None or state is None:
        await answer_query(update, texts.SUB_UNAVAILABLE)
        return
    if not await _group_admin_or_say(update, context):
        return
    axis = int(data[-1])
    followed = await state.toggle(chat.id, axis)
    titles = _titles(context)
    what = html.unescape(_what((axis,), titles))  # an alert is plain text
    await answer_query(update, (texts.SUB_ADDED if followed else texts.SUB_REMOVED).format(what=what))
    rows = _buttons(await state.subscriptions(chat.id), titles)
    try:
        await query.edit_message_reply_markup(_markup(rows))
    except BadRequest as e:  # the message is too old or already shows this state: the toast said it
        log.debug("could not update the subscription buttons: %s", e)


async def my_data(update: Update, context: Ctx) -> None:
    found = await _chat_and_state(update, context)
    if found is None:
        return
    chat_id, state = found
    data = await state.user_data(chat_id)
    if not data.known:
        await _say(update, context, texts.MYDATA_NONE)
        return
    reason = html.escape(data.inactive_reason or "")
    counts = [(s, data.messages.get(s, 0)) for s in ("sent", "pending", "failed", "dropped")]
    messages = ", ".join(texts.MYDATA_STATUS[s].format(n=n) for s, n in counts if n)
    if data.last_sent_at is not None:
        messages += texts.MYDATA_LAST_SENT.format(date=_date(data.last_sent_at))
    text = texts.MYDATA.format(
        chat_id=chat_id,
        first_seen=_date(data.first_seen),
        last_seen=_date(data.last_seen),
        status=texts.MYDATA_ACTIVE if data.active else texts.MYDATA_INACTIVE.format(reason=reason),
        axes=", ".join(str(n) for n in data.axes) or texts.MYDATA_NO_AXIS,
        messages=messages or texts.MYDATA_NO_MESSAGE,
    )
    await _say(update, context, text)


async def forget(update: Update, context: Ctx) -> None:
    """/oublier: nothing is deleted before the user confirms with the button."""
    if not await _group_admin_or_say(update, context):
        return
    rows = ((Button(texts.FORGET_YES, f"{FORGET}:oui"), Button(texts.FORGET_NO, f"{FORGET}:non")),)
    confirm = texts.FORGET_CONFIRM_GROUP if _in_group(update) else texts.FORGET_CONFIRM
    await _say(update, context, confirm, rows)


async def forget_answer(update: Update, context: Ctx) -> None:
    query, chat, state = update.callback_query, update.effective_chat, _state(context)
    if query is None:
        return
    if query.data not in (f"{FORGET}:oui", f"{FORGET}:non"):
        await expired(update, context)  # PTB passes a callback without data to any pattern
        return
    if chat is None or state is None:
        await answer_query(update, texts.SUB_UNAVAILABLE)
        return
    if not await _group_admin_or_say(update, context):
        return
    await answer_query(update)
    group = _in_group(update)
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
        await _say(update, context, line)


# ------------------------------------------------------------------- admin
async def announce(update: Update, context: Ctx) -> None:
    """/annonce <1-4|tout> <texte>: one outbox row per subscriber, in one transaction."""
    message, state = update.effective_message, _state(context)
    if message is None:
        return
    if not _is_admin(update, context):
        await _say(update, context, texts.ADMIN_ONLY)
        return
    if state is None:
        await _say(update, context, texts.SUB_UNAVAILABLE)
        return
    # text_html keeps the admin's bold and links, escaped; the command and axis are plain words.
    parts = (message.text_html or "").split(maxsplit=2)
    target = parse_axes(parts[1:2]) if len(parts) == 3 else None
    if not target:
        await _say(update, context, texts.ANNOUNCE_USAGE)
        return
    everything = target == AXES
    titles = _titles(context)
    if everything:
        label = texts.ANNOUNCE_TARGET_ALL
    elif len(target) == 1:
        label = texts.ANNOUNCE_AXIS.format(n=target[0], title=html.escape(titles.get(target[0], "")))
    else:
        label = texts.ANNOUNCE_AXES.format(numbers=", ".join(map(str, target)))
    head = texts.ANNOUNCE_HEAD.format(target=label)
    foot = texts.ANNOUNCE_FOOT.format(axes="tout" if everything else " ".join(map(str, target)))
    body = "\n".join([head, parts[2].strip(), foot])
    if message_length(body) > MAX_MESSAGE:  # Telegram would refuse it for every subscriber
        room = MAX_MESSAGE - message_length(f"{head}\n\n{foot}")
        await _say(update, context, texts.ANNOUNCE_TOO_LONG.format(max=room, length=message_length(parts[2].strip())))
        return
    queued = await state.queue_announcement(target, body)
    await _say(update, context, texts.ANNOUNCE_QUEUED.format(n=queued, target=label))


async def stats(update: Update, context: Ctx) -> None:
    state = _state(context)
    if not _is_admin(update, context):
        await _say(update, context, texts.ADMIN_ONLY)
        return
    if state is None:
        await _say(update, context, texts.SUB_UNAVAILABLE)
        return
    s = await state.stats(days=7)
    text = texts.STATS.format(
        users=s.users,
        active=s.active_users,
        axes=", ".join(texts.STATS_AXIS.format(n=n, count=c) for n, c in sorted(s.subscribers.items())),
        pending=s.outbox.get("pending", 0),
        sent=s.outbox.get("sent", 0),
        failed=s.outbox.get("failed", 0),
        dropped=s.outbox.get("dropped", 0),
        days=s.days,
        answered=s.questions.get("answered", 0),
        clarify=s.questions.get("clarify", 0),
        unknown=s.questions.get("unknown", 0),
    )
    await _say(update, context, text)


def handlers() -> list[BaseHandler[Update, Any, Any]]:
    """Registered by bot/app.py before the catch-all button handler (commands: new messages
    only, never an edit: an edited /annonce must not broadcast twice)."""
    return [
        command("abonner", subscribe),
        command("desabonner", unsubscribe),
        command("abonnements", list_subscriptions),
        command("mesdonnees", my_data),
        command("oublier", forget),
        command("annonce", announce),
        command("stats", stats),
        CallbackQueryHandler(toggle, pattern=rf"^{TOGGLE}:[1-4]$"),
        CallbackQueryHandler(forget_answer, pattern=rf"^{FORGET}:(oui|non)$"),
    ]
