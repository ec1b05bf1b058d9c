"""The service's life cycle: start, serve until told to stop, stop cleanly, say how it ended.

    initialize (getMe) -> post_init (instance lock, engine, state) -> polling or webhook
    -> start -> ... SIGINT/SIGTERM, or a stop requested -> stop -> shutdown -> post_shutdown

The same for both modes, written out rather than PTB's `run_polling`/`run_webhook`, so that:

- every step of the shutdown runs even when an earlier one fails (PTB skips the shutdown
  when the polling task died of an exception), so the databases are always flushed and closed;
- a stop can carry an exit status: a token Telegram rejects mid-run (401 on getUpdates)
  used to end polling for good while the process looked alive; now the process exits 1,
  the supervisor restarts it, and the restart says what is wrong;
- the webhook server is ours (bot/webhook.py).

`serve` returns the exit status; exceptions at start (a rejected token, another instance)
propagate, after the shutdown, to `bot.__main__`, which prints one line.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.request import BaseRequest

from .services import App
from .webhook import WebhookServer

__all__ = ["EXIT_TOKEN_REJECTED", "TokenWatch", "serve"]

log = logging.getLogger(__name__)

EXIT_TOKEN_REJECTED = 1
_REJECTED = (401, 404)  # what the Bot API answers to a token it does not know (PTB: InvalidToken)
_NO_UPDATES = b'{"ok": true, "result": []}'



class TokenWatch(BaseRequest):
    """The getUpdates transport, watched: a rejected token stops the bot instead of silently
    ending the polling task (python-telegram-bot does not retry, nor tell the Application).

    The rejection is reported to `on_rejected` (which stops the bot, exit status 1) and PTB
    is answered "no updates", so that its polling task never dies of an exception that would
    race the shutdown (and be logged as never retrieved)."""

    def __init__(self, inner: BaseRequest) -> None:
        self.inner = inner
        self.on_rejected: Callable[[int], None] | None = None

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        code, payload = await self.inner.do_request(url, method, *args, **kwargs)
        if code in _REJECTED and self.on_rejected is not None:
            self.on_rejected(code)
            return 200, _NO_UPDATES
        return code, payload


async def serve(app: App) -> int:
    services = app.bot_data
    settings = services.settings
    stopped = asyncio.Event()
    services.on_stop(stopped.set)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, services.request_stop, 0)
    webhook: WebhookServer | None = None
    try:
        await app.initialize()
        if app.post_init is not None:
            await app.post_init(app)
        if settings.webhook_url:
            where = (settings.webhook_listen, settings.port, settings.webhook_path)
            log.info("webhook mode on %s port %d, path /%s", *where)
            webhook = WebhookServer(app)
            await webhook.start()
        else:
            log.info("long polling mode")
            assert app.updater is not None

            def polling_error(error: TelegramError) -> None:  # as run_polling does
                app.create_task(app.process_error(error=error, update=None))

            await app.updater.start_polling(allowed_updates=Update.ALL_TYPES, error_callback=polling_error)
        await app.start()
        log.info("bot @%s ready", app.bot.username)
        await stopped.wait()  # set by a signal or a stop request, maybe already
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        await _shutdown(app, webhook)
    return services.exit_status


async def _shutdown(app: App, webhook: WebhookServer | None) -> None:
    """Each step runs even if one before failed; failures are logged, never raised."""
    steps: list[tuple[str, Callable[[], Any]]] = []
    if webhook is not None:
        steps.append(("webhook server", webhook.stop))
    if app.updater is not None and app.updater.running:
        steps.append(("polling", app.updater.stop))  # re-raises what ended the polling task
    if app.running:
        steps.append(("application", app.stop))
    steps.append(("shutdown", app.shutdown))
    if app.post_shutdown is not None:
        post_shutdown = app.post_shutdown
        steps.append(("databases", lambda: post_shutdown(app)))
    for name, step in steps:
        try:
            await step()
        except Exception as e:  # noqa: BLE001 - the next steps must run (databases above all)
            log.info("stopping %s: %s", name, type(e).__name__)
