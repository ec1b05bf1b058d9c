"""Telegram callbacks: thin wrappers that ask `Dialogue` and send its `Reply`.

They are registered, in order, by `bot.app.build_application`. `send` is shared by the
subscription handlers too: it keeps every message within Telegram's limits (bot/limits.py),
splitting a long list into several messages, the buttons under the last one.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Coroutine
from typing import Any

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
from telegram.error import InvalidToken, TelegramError
from telegram.ext import CommandHandler, filters

from . import texts
from .dialogue import Reply
from .limits import callback_answer, fits_callback, split_html
from .logs import note
from .runner import EXIT_TOKEN_REJECTED
from .services import Ctx

Callback = Callable[[Update, Ctx], Coroutine[Any, Any, None]]

__all__ = ["ADDRESSED_TO_BOT", "FRESH", "answer_query", "command", "keyboard", "send"]

log = logging.getLogger(__name__)

# New messages only. PTB's command handlers also take edited messages, and an admin who fixed
# a typo in an `/annonce` broadcast it a second time; an edited command now changes nothing.
FRESH = filters.UpdateType.MESSAGE


def command(names: str | list[str], callback: Callback) -> CommandHandler[Ctx, None]:
    return CommandHandler(names, callback, filters=FRESH)


# ------------------------------------------------------------------ helpers
def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """The reply's buttons; one whose data Telegram would refuse (over 64 bytes) is left out."""
    rows = [
        [InlineKeyboardButton(b.label, callback_data=b.data) for b in row if fits_callback(b.data)]
        for row in reply.buttons
    ]
    rows = [row for row in rows if row]
    return InlineKeyboardMarkup(rows) if rows else None


async def send(update: Update, context: Ctx, reply: Reply) -> None:
    """Send `reply` to the chat of `update` (quoting the question in groups), in as many
    messages as Telegram's length limit needs; the buttons go under the last one."""
    chat = update.effective_chat
    message = update.effective_message
    if chat is None:
        return
    parts = split_html(reply.html)
    for i, part in enumerate(parts):
        markup = keyboard(reply) if i == len(parts) - 1 else None
        if isinstance(message, Message):
            quote = i == 0 and update.callback_query is None and chat.type != ChatType.PRIVATE
            await message.reply_text(part, reply_markup=markup, do_quote=quote)
        else:  # a button under a message too old to be accessible
            await context.bot.send_message(chat.id, part, reply_markup=markup)


async def answer_query(update: Update, text: str | None = None) -> None:
    """Answer a button press, with a toast cut to Telegram's 200 characters."""
    if update.callback_query is not None:
        await update.callback_query.answer(None if text is None else callback_answer(text))


def _log_question(context: Ctx, text: str, status: str) -> None:
    """Queue the question for the log: written in the background, the answer never waits."""
    state = context.bot_data.state
    if state is None:
        return
    try:
        state.log_question(text, status)
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
        await send(update, context, context.bot_data.dialogue.start(chat.id))


async def help_command(update: Update, context: Ctx) -> None:
    user = update.effective_user
    admin = user is not None and user.id in context.bot_data.settings.admin_ids
    mention = f"@{context.bot.username}" if context.bot.username else None
    await send(update, context, context.bot_data.dialogue.help(mention=mention, admin=admin))


async def axes(update: Update, context: Ctx) -> None:
    await send(update, context, context.bot_data.dialogue.axes())


async def sources(update: Update, context: Ctx) -> None:
    await send(update, context, context.bot_data.dialogue.sources())


async def contact(update: Update, context: Ctx) -> None:
    await send(update, context, context.bot_data.dialogue.contact())


async def unknown_command(update: Update, context: Ctx) -> None:
    await send(update, context, Reply(html=texts.UNKNOWN_COMMAND, text=texts.UNKNOWN_COMMAND))


# --------------------------------------------------------- questions, buttons
async def _typing(chat: Chat) -> None:
    """The "typing..." indicator; if Telegram refuses it, the answer still goes out. Under
    load the rate limiter skips it (bot/ratelimit.py): the budget goes to answers first."""
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
    # "typing..." first, as users expect of a bot that is looking something up, when the
    # budget of Bot API calls has room for it; a failure of it never stops the answer.
    await _typing(chat)
    reply = context.bot_data.dialogue.ask(chat.id, text)
    note(status=reply.status)  # the log line says how it went, never what was asked
    await send(update, context, reply)
    if reply.status is not None:
        _log_question(context, text, reply.status)


async def button(update: Update, context: Ctx) -> None:
    """A click on one of our buttons; a notice for data we did not issue or no longer know."""
    query, chat = update.callback_query, update.effective_chat
    if query is None:
        return
    reply = None
    if chat is not None and isinstance(query.data, str) and query.data:
        reply = context.bot_data.dialogue.press(chat.id, query.data)
    if reply is None:
        await expired(update, context)
        return
    note(status=reply.status)
    await answer_query(update)
    await send(update, context, reply)
    if reply.question is not None and reply.status is not None:  # an example or a suggestion
        _log_question(context, reply.question, reply.status)


async def expired(update: Update, context: Ctx) -> None:
    """A button the bot did not issue, no longer knows, or without data at all."""
    note(button="expired")
    await answer_query(update, texts.BUTTON_EXPIRED)


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
        for item in context.bot_data.dialogue.inline(query.query)
    ]
    note(results=len(results))
    await query.answer(results, cache_time=300)


async def not_text(update: Update, context: Ctx) -> None:
    """Stickers, photos, voice, files...: the bot reads text only."""
    await send(update, context, Reply(html=texts.TEXT_ONLY, text=texts.TEXT_ONLY))


# -------------------------------------------------------------------- errors
async def error(update: object, context: Ctx) -> None:
    """Log with the traceback; tell the user politely, never with the traceback. A token the
    Bot API rejects is no bug of an update: the bot stops, exit status 1, and says why."""
    if isinstance(context.error, InvalidToken):
        if not context.bot_data.exit_status:
            log.error("the Bot API rejected the token: stopping; check TELEGRAM_BOT_TOKEN")
        context.bot_data.request_stop(EXIT_TOKEN_REJECTED)
        return
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
