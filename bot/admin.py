"""The bot administrators' commands (BOT_ADMIN_IDS): /annonce feeds the outbox, /stats.

/annonce <n|tout> <texte>   one outbox row per active subscriber of topic n (or of any topic),
                            in one transaction; the numbers are the base's, as in /axes
/stats                      users, subscribers per topic, the outbox, questions of the week

An announcement that would not fit in one Telegram message is refused, with the limit,
before anything is queued. Commands answer new messages only: an edited /annonce must not
broadcast twice.
"""

from __future__ import annotations

import html
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler

from . import texts
from .common import is_bot_admin, say, state_of, topics_of, what
from .handlers import command
from .limits import MAX_MESSAGE, message_length
from .services import Ctx
from .state import AsyncState

__all__ = ["announce", "handlers", "stats"]


async def _admin_state(update: Update, context: Ctx) -> AsyncState | None:
    """The state store for an admin command; None (with the reason said) otherwise."""
    state = state_of(context)
    if not is_bot_admin(update, context):
        await say(update, context, texts.ADMIN_ONLY)
        return None
    if state is None:
        await say(update, context, texts.SUB_UNAVAILABLE)
    return state


async def announce(update: Update, context: Ctx) -> None:
    message = update.effective_message
    if message is None:
        return
    state = await _admin_state(update, context)
    if state is None:
        return
    # text_html keeps the admin's bold and links, escaped; the command and topic are plain words.
    parts = (message.text_html or "").split(maxsplit=2)
    topics = topics_of(context)
    target = topics.parse([html.unescape(parts[1])]) if len(parts) == 3 else None
    if not target:
        await say(update, context, texts.ANNOUNCE_USAGE)
        return
    everything = len(target) == len(topics) and len(topics) > 1
    label = texts.ANNOUNCE_TARGET_ALL if everything else what(target, topics)
    head = texts.ANNOUNCE_HEAD.format(target=label)
    foot = texts.ANNOUNCE_FOOT.format(numbers="tout" if everything else " ".join(str(t.n) for t in target))
    body = "\n".join([head, parts[2].strip(), foot])
    if message_length(body) > MAX_MESSAGE:  # Telegram would refuse it for every subscriber
        room = MAX_MESSAGE - message_length(f"{head}\n\n{foot}")
        await say(update, context, texts.ANNOUNCE_TOO_LONG.format(max=room, length=message_length(parts[2].strip())))
        return
    queued = await state.queue_announcement(topics.keys(target), body)
    await say(update, context, texts.ANNOUNCE_QUEUED.format(n=queued, target=label))


async def stats(update: Update, context: Ctx) -> None:
    state = await _admin_state(update, context)
    if state is None:
        return
    s = await state.stats(days=7)
    topics = topics_of(context)
    per_topic = [texts.STATS_TOPIC.format(n=t.n, count=s.subscribers.get(t.key, 0)) for t in topics.all]
    gone = sum(n for key, n in s.subscribers.items() if topics.by_key(key) is None)
    if gone:  # subscriptions to topics the base no longer has (or not yet adopted)
        per_topic.append(texts.STATS_GONE.format(count=gone))
    text = texts.STATS.format(
        users=s.users,
        active=s.active_users,
        topics=", ".join(per_topic) or texts.STATS_NONE,
        pending=s.outbox.get("pending", 0),
        sent=s.outbox.get("sent", 0),
        failed=s.outbox.get("failed", 0),
        dropped=s.outbox.get("dropped", 0),
        days=s.days,
        answered=s.questions.get("answered", 0),
        clarify=s.questions.get("clarify", 0),
        unknown=s.questions.get("unknown", 0),
    )
    await say(update, context, text)


def handlers() -> list[BaseHandler[Update, Any, Any]]:
    return [command("annonce", announce), command("stats", stats)]
