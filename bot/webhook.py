"""The webhook server: Telegram posts updates to it, through the operator's reverse proxy.

Ours rather than python-telegram-bot's `run_webhook`, whose server reads a request body of up
to 100 MB before it checks the secret, and logs a whole update (user ids, texts) at CRITICAL
when it cannot parse it. Here:

- the secret header is checked (in constant time) as soon as the headers arrive, before any
  byte of the body is read: 403 without it;
- a body is at most `MAX_BODY` (1 MiB; updates are a few kB): 413 beyond;
- an update that cannot be read is logged by its id only, never its content;
- it listens on `WEBHOOK_LISTEN` (default 127.0.0.1), on `PORT`, at the path of `WEBHOOK_URL`.

Replayed updates are ignored by the Application itself (bot/replays.py), as in polling mode.
The webhook is registered with `setWebhook` (url, secret_token, allowed_updates) once the
server listens.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
from http import HTTPStatus
from typing import Any

import tornado.web
from telegram import Update
from tornado.httpserver import HTTPServer

from .services import App

__all__ = ["MAX_BODY", "WebhookServer"]

log = logging.getLogger(__name__)

MAX_BODY = 1 << 20
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@tornado.web.stream_request_body
class _UpdateHandler(tornado.web.RequestHandler):
    SUPPORTED_METHODS = ("POST",)

    def initialize(self, app: App, secret: str) -> None:
        self.app, self.secret = app, secret
        self.body = bytearray()

    def prepare(self) -> None:
        """Headers only: nothing of the body has been read yet."""
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)
        length = self.request.headers.get("Content-Length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
            raise tornado.web.HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        connection = self.request.connection
        if connection is not None and hasattr(connection, "set_max_body_size"):
            connection.set_max_body_size(MAX_BODY)

    def data_received(self, chunk: bytes) -> None:
        self.body += chunk
        if len(self.body) > MAX_BODY:
            raise tornado.web.HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)

    async def post(self) -> None:
        try:
            data = json.loads(self.body)
        except ValueError:
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST) from None
        if not isinstance(data, dict):
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST)
        try:
            update = Update.de_json(data, self.app.bot)
        except Exception as e:  # noqa: BLE001 - a new kind of update, say: never log its content
            update_id = data.get("update_id")
            log.warning(
                "webhook: update %s could not be read (%s); ignored",
                update_id if isinstance(update_id, int) else "without an id",
                type(e).__name__,
            )
            return  # 200: Telegram would only send it again
        await self.app.update_queue.put(update)

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        if not isinstance(value, tornado.web.HTTPError):  # never the request (headers, body)
            log.error("webhook: %s while handling a request", type(value).__name__)


class WebhookServer:
    def __init__(self, app: App) -> None:
        self.app = app
        self._server: HTTPServer | None = None

    async def start(self) -> None:
        settings = self.app.bot_data.settings
        assert settings.webhook_url is not None and settings.webhook_secret is not None
        routes = [
            (
                rf"/{re.escape(settings.webhook_path)}/?",
                _UpdateHandler,
                {"app": self.app, "secret": settings.webhook_secret},
            )
        ]
        web = tornado.web.Application(routes, log_function=lambda handler: None)
        self._server = HTTPServer(web, max_body_size=MAX_BODY)
        self._server.listen(settings.port, address=settings.webhook_listen)
        await self.app.bot.set_webhook(
            url=settings.webhook_url,
            secret_token=settings.webhook_secret,
            allowed_updates=Update.ALL_TYPES,
        )

    async def stop(self) -> None:
        if self._server is not None:
            server, self._server = self._server, None
            server.stop()
            await server.close_all_connections()
