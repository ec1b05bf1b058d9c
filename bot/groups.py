"""Groups: who may change what a group receives, and a group that becomes a supergroup.

- In a group, subscriptions and erasure belong to the group: only its administrators (or an
  anonymous administrator, who writes as the group) may change them. Any member may still
  ask questions and read the group's subscriptions.
- When a group is upgraded to a supergroup it gets a new chat id: Telegram sends a service
  message in each (`migrate_to_chat_id` in the old, `migrate_from_chat_id` in the new), and
  a message sent to the old id fails with `ChatMigrated` (bot/delivery.py). Either way the
  group's subscriptions and pending notices move to the new id (`StateStore.move_chat`, a
  no-op when it already happened).
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError

from .logs import log_event, note
from .services import Ctx

__all__ = ["is_group_admin", "migrated"]

log = logging.getLogger(__name__)

ADMINS = frozenset({ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER})


async def is_group_admin(update: Update, context: Ctx) -> bool:
    """True in a private chat; in a group, True for its administrators only."""
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None:
        return False
    if chat.type == ChatType.PRIVATE:
        return True
    if message is not None and message.sender_chat is not None and message.sender_chat.id == chat.id:
        return True  # an anonymous administrator writes as the group itself
    if user is None:
        return False
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except TelegramError as e:  # cannot tell: the change is refused, never made
        log.warning("could not check a group member's status: %s", e)
        return False
    return member.status in ADMINS


async def migrated(update: Update, context: Ctx) -> None:
    """The service message of a group upgraded to a supergroup (in either chat)."""
    message, chat = update.effective_message, update.effective_chat
    state = context.bot_data.state
    if message is None or chat is None or state is None:
        return
    if message.migrate_to_chat_id:
        old, new = chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id:
        old, new = message.migrate_from_chat_id, chat.id
    else:
        return
    moved = await state.move_chat(old, new)
    note(migrated=moved)
    if moved:
        log_event("migration", source="service_message", moved=moved)
