"""The Telegram Application: built, and every handler registered, in one visible place.

Order matters: within a group, the first handler whose filters match an update handles it.
Commands come first, then questions, then buttons (the catch-all button handler last, so that
data the bot does not know gets a notice), then what is left (unknown commands, non-text).
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from typing import Any, TypeAlias

from telegram import BotCommand, BotCommandScopeChat, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from qa import Engine

from . import delivery, handlers, logs, retention, subscriptions, texts
from .dialogue import Dialogue
from .settings import Settings

__all__ = ["App", "build_application", "post_init", "post_shutdown", "run"]

log = logging.getLogger(__name__)

App: TypeAlias = Application[Any, Any, Any, Any, Any, Any]
MAX_RETRIES = 3  # AIORateLimiter: retries after a 429 (RetryAfter), waiting as Telegram asks

PRIVATE = filters.ChatType.PRIVATE
GROUPS = filters.ChatType.GROUPS
TEXT = filters.TEXT & ~filters.COMMAND & ~filters.VIA_BOT
NOT_TEXT = ~filters.TEXT & ~filters.StatusUpdate.ALL & ~filters.VIA_BOT


def build_application(
    settings: Settings,
    *,
    engine: Engine | None = None,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    rate_limiter: bool = True,
) -> App:
    """The bot's Application. `engine`, `request`s and `rate_limiter` are for tests and benches."""
    if settings.token is None:
        raise ValueError("build_application needs a token (the terminal chat needs none)")
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.base_url)
        .base_file_url(settings.base_file_url)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)
            )
        )
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    if rate_limiter:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=MAX_RETRIES))
    if request is not None:
        builder = builder.request(request)
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    app = builder.build()
    app.bot_data["settings"] = settings
    if engine is not None:
        app.bot_data["engine"] = engine

    # ---- every handler, in order --------------------------------------------------------
    app.add_handlers(
        [
            CommandHandler("start", handlers.start),
            CommandHandler(["aide", texts.HELP_ALIAS], handlers.help_command),
            CommandHandler("axes", subscriptions.axes),  # the axes, with the subscribe buttons
            CommandHandler("sources", handlers.sources),
            CommandHandler("contact", handlers.contact),
            *subscriptions.handlers(),  # /abonner ... /stats and their buttons (abo:, oubli:)
            MessageHandler(PRIVATE & TEXT, handlers.question),
            MessageHandler(GROUPS & TEXT & handlers.ADDRESSED_TO_BOT, handlers.question),
            CallbackQueryHandler(handlers.button),  # f:, t:, q: and a notice for anything else
            InlineQueryHandler(handlers.inline_query),
            MessageHandler(PRIVATE & filters.COMMAND, handlers.unknown_command),
            MessageHandler(
                (PRIVATE | (GROUPS & handlers.ADDRESSED_TO_BOT)) & NOT_TEXT, handlers.not_text
            ),
        ]
    )
    app.add_error_handler(handlers.error)
    for group in app.handlers.values():  # one `event=update` log line per handled update
        logs.instrument(group)
    retention.schedule(app)  # the question log's retention: at start, then daily
    delivery.install(app)  # the job that drains the notification outbox, every second
    return app


async def post_init(app: App) -> None:
    """After `initialize` (getMe): load the engine, open the stores, describe the bot."""
    settings: Settings = app.bot_data["settings"]
    engine = app.bot_data.get("engine")
    if engine is None:
        engine = await asyncio.to_thread(Engine.load)
        app.bot_data["engine"] = engine
    app.bot_data["dialogue"] = Dialogue(engine)
    await delivery.open_state(app)  # bot_data["state"]: subscriptions, outbox, question log
    commands = [BotCommand(name, description) for name, description, _ in texts.COMMANDS]
    admin = commands + [BotCommand(n, d) for n, d, _ in texts.ADMIN_COMMANDS]
    try:
        await app.bot.set_my_commands(commands)
        await app.bot.set_my_description(texts.DESCRIPTION)
        await app.bot.set_my_short_description(texts.SHORT_DESCRIPTION)
    except TelegramError as e:  # the bot answers without its menu; say so and go on
        log.warning("could not register the commands or the description: %s", e)
    for admin_id in sorted(settings.admin_ids):
        try:
            await app.bot.set_my_commands(admin, scope=BotCommandScopeChat(admin_id))
        except TelegramError as e:  # the admin has not talked to the bot yet
            log.info("no admin menu for %s: %s", admin_id, e)
    log.info("bot @%s ready", app.bot.username)


async def post_shutdown(app: App) -> None:
    """Close what post_init opened (the engine holds no open resource)."""
    for key in ("state",):
        store = app.bot_data.pop(key, None)
        close = getattr(store, "close", None)
        if callable(close):
            result = close()
            if inspect.isawaitable(result):
                await result


def run(settings: Settings) -> None:
    """Serve until stopped: a webhook when WEBHOOK_URL is set, long polling otherwise."""
    app = build_application(settings)
    if settings.webhook_url:
        log.info("webhook mode on port %d, path /%s", settings.port, settings.webhook_path)
        app.run_webhook(
            listen="0.0.0.0",  # noqa: S104 - the bot's own port, behind the operator's proxy
            port=settings.port,
            url_path=settings.webhook_path,
            webhook_url=settings.webhook_url,
            secret_token=settings.webhook_secret,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        log.info("long polling mode")
        app.run_polling(allowed_updates=Update.ALL_TYPES)
