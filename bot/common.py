"""What the subscription, personal-data and admin commands share: saying one line, the state
store (or saying it is missing), who may change a chat's data, and the base's topics."""

from __future__ import annotations

import html
from collections.abc import Sequence

from telegram import Update
from telegram.constants import ChatType

from qa import Topic

from . import texts
from .dialogue import Button, Reply, plain
from .groups import is_group_admin
from .handlers import answer_query, send
from .services import Ctx
from .state import AsyncState
from .topics import MAX_LISTED, Topics

__all__ = [
    "chat_and_state",
    "group_admin_or_say",
    "in_group",
    "is_bot_admin",
    "numbers",
    "say",
    "state_of",
    "topics_of",
    "what",
]


def state_of(context: Ctx) -> AsyncState | None:
    return context.bot_data.state


def topics_of(context: Ctx) -> Topics:
    """The base's topics (none before post_init made the dialogue: tests, a failed start)."""
    services = context.bot_data
    return services.dialogue.topics if services.has_dialogue else Topics()


async def say(update: Update, context: Ctx, markup: str, buttons: tuple[tuple[Button, ...], ...] = ()) -> None:
    await send(update, context, Reply(html=markup, text=plain(markup), buttons=buttons))


async def chat_and_state(update: Update, context: Ctx) -> tuple[int, AsyncState] | None:
    """The chat and the state store, or None after telling the user the store is missing."""
    chat, state = update.effective_chat, state_of(context)
    if chat is None:
        return None
    if state is None:
        await say(update, context, texts.SUB_UNAVAILABLE)
        return None
    return chat.id, state


def is_bot_admin(update: Update, context: Ctx) -> bool:
    user = update.effective_user
    return user is not None and user.id in context.bot_data.settings.admin_ids


def in_group(update: Update) -> bool:
    return update.effective_chat is not None and update.effective_chat.type != ChatType.PRIVATE


async def group_admin_or_say(update: Update, context: Ctx) -> bool:
    """In a group, changes are for its administrators; others are told so, nothing changes."""
    if await is_group_admin(update, context):
        return True
    if update.callback_query is not None:
        await answer_query(update, texts.GROUP_ADMINS_ONLY)
    else:
        await say(update, context, texts.GROUP_ADMINS_ONLY)
    return False


def numbers(topics: Sequence[Topic]) -> str:
    """ "1, 2 et 4"."""
    shown = [str(t.n) for t in topics]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + texts.SUB_AND + shown[-1]


def what(topics: Sequence[Topic], all_topics: Topics) -> str:
    """The topics of a confirmation, escaped: their labels ("axe 2 « … »"), or beyond a few
    of them, their count and numbers."""
    if len(topics) > MAX_LISTED:
        return texts.SUB_NUMBERS.format(count=len(topics), numbers=numbers(topics))
    labels = [html.escape(all_topics.label(t)) for t in topics]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + texts.SUB_AND + labels[-1]
