"""The Telegram Application: built, and every handler registered, in one visible place.

Order matters: within a group, the first handler whose filters match an update handles it.
Group -1 drops replayed updates. Then commands, questions, buttons (the catch-all button
handler last, so that data the bot does not know gets a notice), then what is left (unknown
commands, non-text).

Commands answer new messages only: an edited `/annonce` must not broadcast again, an edited
`/abonner` changes nothing. An edited question is answered again (the user corrected it).

The Application handles chats concurrently, each in order (bot/processor.py), within one
budget of Bot API calls (bot/ratelimit.py); `context.bot_data` is typed (bot/services.py).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import BotCommand, BotCommandScopeChat, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest, HTTPXRequest

from qa import Engine

from . import admin, delivery, groups, handlers, logs, mydata, replays, retention, subscriptions, texts
from .dialogue import Dialogue
from .instance import InstanceLock
from .processor import PerChatProcessor
from .ratelimit import Budget
from .runner import EXIT_TOKEN_REJECTED, TokenWatch
from .services import CONTEXT_TYPES, App
from .settings import Settings
from .state import AsyncState

__all__ = ["App", "build_application", "description", "post_init", "post_shutdown"]

log = logging.getLogger(__name__)

MAX_DESCRIPTION = 512  # Telegram's limit for setMyDescription

PRIVATE = filters.ChatType.PRIVATE
GROUPS = filters.ChatType.GROUPS
FRESH = handlers.FRESH  # not an edit: commands and notices answer new messages only
TEXT = filters.TEXT & ~filters.COMMAND & ~filters.VIA_BOT
NOT_TEXT = ~filters.TEXT & ~filters.StatusUpdate.ALL & ~filters.VIA_BOT
command = handlers.command

def build_application(
    settings: Settings,
    *,
    engine: Engine | None = None,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    rate_limiter: bool | Budget = True,
) -> App:
    """The bot's Application. `engine`, `request`s and `rate_limiter` (off, or another
    budget) are for tests and benchmarks."""
    if settings.token is None:
        raise ValueError("build_application needs a token (the terminal chat makes its own)")
    watch = TokenWatch(get_updates_request or HTTPXRequest(connection_pool_size=1))
    # Any: each builder call changes the builder's type parameters; `App` below is the result's.
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = (
        ApplicationBuilder()
        .context_types(CONTEXT_TYPES)
        .token(settings.token)
        .base_url(settings.base_url)
        .base_file_url(settings.base_file_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .concurrent_updates(PerChatProcessor())
        .get_updates_request(watch)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    if rate_limiter:
        builder = builder.rate_limiter(rate_limiter if isinstance(rate_limiter, Budget) else Budget())
    if request is not None:
        builder = builder.request(request)
    app: App = builder.build()
    services = app.bot_data
    services.settings = settings
    services.engine = engine
    watch.on_rejected = lambda code: _token_rejected(app, code)

    # ---- every handler, in order --------------------------------------------------------
    app.add_handler(replays.handler(replays.RecentUpdates()), group=replays.REPLAY_GROUP)
    app.add_handlers(
        [
            MessageHandler(filters.StatusUpdate.MIGRATE, groups.migrated),  # group -> supergroup
            command("start", handlers.start),
            command(["aide", texts.HELP_ALIAS], handlers.help_command),
            command("axes", subscriptions.axes),  # the base's topics, with the subscribe buttons
            command("sources", handlers.sources),
            command("contact", handlers.contact),
            *subscriptions.handlers(),  # /abonner, /desabonner, /abonnements and their buttons (abo:)
            *mydata.handlers(),  # /mesdonnees, /oublier and its buttons (oubli:)
            *admin.handlers(),  # /annonce, /stats
            MessageHandler(PRIVATE & TEXT, handlers.question),
            MessageHandler(GROUPS & TEXT & handlers.ADDRESSED_TO_BOT, handlers.question),
            CallbackQueryHandler(handlers.button),  # f:, t:, q: and a notice for anything else
            InlineQueryHandler(handlers.inline_query),
            MessageHandler(PRIVATE & filters.COMMAND & FRESH, handlers.unknown_command),
            MessageHandler((PRIVATE | (GROUPS & handlers.ADDRESSED_TO_BOT)) & NOT_TEXT & FRESH, handlers.not_text),
        ]
    )
    app.add_error_handler(handlers.error)
    logs.instrument(app.handlers[0])  # one `event=update` log line per handled update
    retention.schedule(app)  # the question log's retention: at start, then daily
    delivery.install(app)  # the job that drains the notification outbox, every second
    return app


def _token_rejected(app: App, code: int) -> None:
    if not app.bot_data.exit_status:
        log.error("the Bot API rejected the token while polling (HTTP %d): stopping; check TELEGRAM_BOT_TOKEN", code)
    app.bot_data.request_stop(EXIT_TOKEN_REJECTED)


async def post_init(app: App) -> None:
    """After `initialize` (getMe): the instance lock, the engine, the state, the menus."""
    services = app.bot_data
    settings = services.settings
    if services.state is None:  # tests may bring their own store, on a fake clock
        services.instance = InstanceLock.acquire(settings.state_db)  # first: one bot per database
        services.state = await AsyncState.open(settings.state_db)
        log.info("state database %s", settings.state_db)
    # This process owns the outbox now: claims still in the database are a dead process's.
    if released := await services.state.release_claims():
        log.info("%d notice(s) left in flight by the previous run will be sent again", released)
    engine = services.engine
    if engine is None:
        engine = services.engine = await asyncio.to_thread(Engine.load, settings.facts_db)
    services.dialogue = Dialogue(engine)
    # Subscriptions made when topics were axis numbers (state schema v2) follow the base's
    # topic of that number from now on: the numbering the users saw when they subscribed.
    numbering = {t.n: t.key for t in engine.topics()}
    if adopted := await services.state.adopt_legacy(numbering):
        log.info("%d subscription(s) of the former numbering now follow the base's topics", adopted)
    commands = [BotCommand(name, description) for name, description, _ in texts.COMMANDS]
    admin = commands + [BotCommand(n, d) for n, d, _ in texts.ADMIN_COMMANDS]
    try:
        await app.bot.set_my_commands(commands)
        await app.bot.set_my_description(description(engine))
        await app.bot.set_my_short_description(texts.SHORT_DESCRIPTION)
    except TelegramError as e:  # the bot answers without its menu; say so and go on
        log.warning("could not register the commands or the description: %s", e)
    for admin_id in sorted(settings.admin_ids):
        try:
            await app.bot.set_my_commands(admin, scope=BotCommandScopeChat(admin_id))
        except TelegramError as e:  # the admin has not talked to the bot yet
            log.info("no admin menu for %s: %s", admin_id, e)


def description(engine: Engine) -> str:
    """The bot's profile text, from the base: what it can answer (cut to fit Telegram's 512
    characters) and an example question."""
    example = engine.examples()[0]
    plain = texts.DESCRIPTION_PLAIN.format(example=example)
    room = MAX_DESCRIPTION - len(plain) - 1
    topics = engine.can_answer()
    if not topics or room < 40:
        return plain[:MAX_DESCRIPTION]
    if len(topics) > room:
        topics = topics[: room - 1].rstrip(" ;,") + "…"
    return texts.DESCRIPTION.format(topics=topics, example=example)


async def post_shutdown(app: App) -> None:
    """Close what post_init opened: the state (its question log flushed), then the lock."""
    services = app.bot_data
    state, services.state = services.state, None
    try:
        if state is not None:
            await state.close()
    finally:
        if services.instance is not None:
            services.instance.release()
            services.instance = None
