"""Telegram callbacks: thin wrappers that ask `Dialogue` and send its `Reply`.

They are registered, in order, by `bot.app.build_application`. Helpers here (`send`,
`dialogue_of`, `settings_of`) are meant to be shared by the subscription handlers too.
"""

from __future__ import annotations

import inspect
import logging
import re
from typing import Protocol, cast

from telegram import (
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes, filters

from . import texts
from .dialogue import Dialogue, Reply
from .logs import note
from .settings import Settings

__all__ = [
    "ADDRESSED_TO_BOT",
    "Ctx",
    "dialogue_of",
    "keyboard",
    "send",
    "settings_of",
]

log = logging.getLogger(__name__)

Ctx = ContextTypes.DEFAULT_TYPE


class QuestionLog(Protocol):
    """What the state store offers the question handler (bot/subscriptions.py's store)."""

    def log_question(self, text: str, status: str) -> object: ...


# ------------------------------------------------------------------ helpers
def dialogue_of(context: Ctx) -> Dialogue:
    return cast(Dialogue, context.bot_data["dialogue"])


def settings_of(context: Ctx) -> Settings:
    return cast(Settings, context.bot_data["settings"])


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.label, callback_data=b.data) for b in row]
            for row in reply.buttons
        ]
    )


async def send(update: Update, context: Ctx, reply: Reply) -> None:
    """Send `reply` to the chat of `update`: quoting the question in groups."""
    chat = update.effective_chat
    message = update.effective_message
    if chat is None:
        return
    markup = keyboard(reply)
    if isinstance(message, Message):
        quote = update.callback_query is None and chat.type != ChatType.PRIVATE
        await message.reply_text(reply.html, reply_markup=markup, do_quote=quote)
    else:  # a button under a message too old to be accessible
        await context.bot.send_message(chat.id, reply.html, reply_markup=markup)


async def _log_question(context: Ctx, text: str, status: str) -> None:
    state = cast("QuestionLog | None", context.bot_data.get("state"))
    if state is None:
        return
    try:
        result = state.log_question(text, status)
        if inspect.isawaitable(result):
            await result
    except Exception:  # the answer is already sent; a failed statistic must not hide it
        log.exception("could not log a question")


class _AddressedToBot(filters.MessageFilter):
    """Messages that mention the bot (@name or text mention) or reply to one of its messages."""

    __slots__ = ()

    def filter(self, message: Message) -> bool:
        bot = message.get_bot()
        replied = message.reply_to_message
        if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
            return True
        username = (bot.username or "").lower()
        entities = message.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION])
        for entity, text in entities.items():
            if (
                entity.type == MessageEntity.TEXT_MENTION
                and entity.user
                and entity.user.id == bot.id
            ):
                return True
            if entity.type == MessageEntity.MENTION and text[1:].lower() == username:
                return True
        return False


ADDRESSED_TO_BOT = _AddressedToBot(name="AddressedToBot")


def _without_mention(text: str, username: str | None) -> str:
    if not username:
        return text
    return re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.IGNORECASE).strip()


# ----------------------------------------------------------------- commands
async def start(update: Update, context: Ctx) -> None:
    chat = update.effective_chat
    if chat is not None:
        await send(update, context, dialogue_of(context).start(chat.id))


async def help_command(update: Update, context: Ctx) -> None:
    user = update.effective_user
    admin = user is not None and user.id in settings_of(context).admin_ids
    mention = f"@{context.bot.username}" if context.bot.username else None
    await send(update, context, dialogue_of(context).help(mention=mention, admin=admin))


async def axes(update: Update, context: Ctx) -> None:
    await send(update, context, dialogue_of(context).axes())


async def sources(update: Update, context: Ctx) -> None:
    await send(update, context, dialogue_of(context).sources())


async def contact(update: Update, context: Ctx) -> None:
    await send(update, context, dialogue_of(context).contact())


async def unknown_command(update: Update, context: Ctx) -> None:
    await send(update, context, Reply(html=texts.UNKNOWN_COMMAND, text=texts.UNKNOWN_COMMAND))


# --------------------------------------------------------- questions, buttons
async def _typing(chat: Chat) -> None:
    """The "typing..." indicator; if Telegram refuses it, the answer still goes out."""
    try:
        await chat.send_action(ChatAction.TYPING)
    except TelegramError as e:
        log.debug("no typing indicator: %s", e)


async def question(update: Update, context: Ctx) -> None:
    """Any text that is not a command (in groups: only when addressed to the bot)."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None or message.text is None:
        return
    text = message.text
    if chat.type != ChatType.PRIVATE:
        text = _without_mention(text, context.bot.username)
    # "typing..." first, as users expect of a bot that is looking something up. It costs one
    # Bot API round trip per question (see BENCHMARKS.md); a failure of it never stops the answer.
    await _typing(chat)
    reply = dialogue_of(context).ask(chat.id, text)
    note(status=reply.status)  # the log line says how it went, never what was asked
    await send(update, context, reply)
    if reply.status is not None:
        await _log_question(context, text, reply.status)


async def button(update: Update, context: Ctx) -> None:
    """A click on one of our buttons; a notice for data we did not issue or no longer know."""
    query, chat = update.callback_query, update.effective_chat
    if query is None:
        return
    reply = None
    if chat is not None and query.data:
        reply = dialogue_of(context).press(chat.id, query.data)
    if reply is None:
        note(button="expired")
        await query.answer(texts.BUTTON_EXPIRED)
        return
    note(status=reply.status)
    await query.answer()
    await send(update, context, reply)
    if reply.question is not None and reply.status is not None:  # an example or a suggestion
        await _log_question(context, reply.question, reply.status)


async def inline_query(update: Update, context: Ctx) -> None:
    query = update.inline_query
    if query is None:
        return
    results = [
        InlineQueryResultArticle(
            id=item.id,
            title=item.title,
            description=item.description,
            input_message_content=InputTextMessageContent(item.html, parse_mode=ParseMode.HTML),
        )
        for item in dialogue_of(context).inline(query.query)
    ]
    note(results=len(results))
    await query.answer(results, cache_time=300)


async def not_text(update: Update, context: Ctx) -> None:
    """Stickers, photos, voice, files...: the bot reads text only."""
    await send(update, context, Reply(html=texts.TEXT_ONLY, text=texts.TEXT_ONLY))


# -------------------------------------------------------------------- errors
async def error(update: object, context: Ctx) -> None:
    """Log with the traceback; tell the user politely, never with the traceback."""
    where = "while handling an update" if isinstance(update, Update) else "outside an update (polling, a job)"
    log.error("error %s", where, exc_info=context.error)
    if not isinstance(update, Update):
        return
    chat = update.effective_chat
    if chat is None:  # inline queries: nothing to answer in
        return
    try:
        await context.bot.send_message(chat.id, texts.ERROR)
    except TelegramError:
        log.warning("could not tell the user about the error", exc_info=True)
