"""`qa-chat`: the whole bot in the terminal, without Telegram (`make run` without a token).

It is the bot itself: the Application of `qa-bot`, its handlers, its engine and its state
database, fed with the lines a local user types, over a transport that prints what the bot
would have sent to Telegram. So everything works as on Telegram: questions and follow-ups,
buttons (type their number), /axes, /abonner, /desabonner, /abonnements, /mesdonnees,
/oublier. Notices queued for the local user (by `qa publish`, or an admin's /annonce) are
printed before each prompt: a curator sees a notice arrive (press Enter to check again).

Only the local user's notices are printed: the outbox rows of Telegram chats are left for
`qa-bot`, and the delivery and retention jobs do not run here. Like `qa-bot`, it takes the
state database's instance lock: the two never run on one state database at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import sys
import threading
import time
from dataclasses import dataclass, replace
from typing import Any, TextIO

from telegram import Update
from telegram.request import BaseRequest, RequestData

from qa import Engine, QAError

from . import texts
from .limits import plain
from .logs import configure_logging
from .services import App
from .settings import Settings, SettingsError

__all__ = ["LOCAL_CHAT", "LocalTelegram", "chat", "main"]

LOCAL_CHAT = 0  # no Telegram chat has this id: the local user's rows never reach Telegram
LOCAL_TOKEN = "0:local-chat-without-telegram-0000000000"  # never sent anywhere
PROMPT = "> "
NOTICES_PER_CHECK = 20
BOT = {"id": 1, "is_bot": True, "first_name": "Logement social", "username": "qa_chat"}
USER = {"id": LOCAL_CHAT, "is_bot": False, "first_name": "Vous", "language_code": "fr"}
CHAT = {"id": LOCAL_CHAT, "type": "private", "first_name": "Vous"}


@dataclass
class _Shown:
    message_id: int
    buttons: tuple[str, ...]  # callback data, in the order they were numbered


class LocalTelegram(BaseRequest):
    """A Bot API that prints: messages as plain text with numbered buttons, toasts, edits."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self._ids = itertools.count(1)
        self.shown: _Shown | None = None  # the last message with buttons

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        data = args[0] if args else kwargs.get("request_data")
        params = data.parameters if isinstance(data, RequestData) else {}
        result = self._handle(url.rsplit("/", 1)[-1], params)
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def _handle(self, endpoint: str, params: dict[str, Any]) -> Any:
        if endpoint == "getMe":
            return BOT
        if endpoint in ("sendMessage", "editMessageText", "editMessageReplyMarkup"):
            message_id = int(params.get("message_id") or next(self._ids))
            if "text" in params:
                self.print(plain(str(params["text"])))
            self._buttons(message_id, params.get("reply_markup"))
            return {"message_id": message_id, "date": int(time.time()), "chat": CHAT, "from": BOT, "text": ""}
        if endpoint == "answerCallbackQuery" and params.get("text"):
            self.print(f"({params['text']})")
        return True  # the menu, the description, "typing...": nothing to show

    def _buttons(self, message_id: int, markup: Any) -> None:
        if isinstance(markup, str):
            markup = json.loads(markup)
        rows = (markup or {}).get("inline_keyboard", [])
        buttons = [b for row in rows for b in row if "callback_data" in b]
        if not buttons:
            return
        self.shown = _Shown(message_id, tuple(b["callback_data"] for b in buttons))
        self.print(texts.TERMINAL_BUTTONS)
        self.print("\n".join(f"  {i}. {b['text']}" for i, b in enumerate(buttons, 1)))

    def print(self, text: str) -> None:
        print(text, file=self.out, flush=True)


class _Chat:
    """Turns each line typed into the update Telegram would send for it."""

    def __init__(self, app: App, telegram: LocalTelegram) -> None:
        self.app, self.telegram = app, telegram
        self._ids = itertools.count(1)

    async def say(self, line: str) -> None:
        line = line.strip()
        if not line:
            return
        shown = self.telegram.shown
        if shown is not None and line.isdigit() and 1 <= int(line) <= len(shown.buttons):
            data = self._press(shown, shown.buttons[int(line) - 1])
        else:
            data = self._message(line)
        await self.app.process_update(Update.de_json(data, self.app.bot))
        self.telegram.print("")

    def _message(self, text: str) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": next(self._ids), "date": int(time.time()), "chat": CHAT, "from": USER, "text": text,
        }  # fmt: skip
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return {"update_id": next(self._ids), "message": message}

    def _press(self, shown: _Shown, data: str) -> dict[str, Any]:
        message = {"message_id": shown.message_id, "date": int(time.time()), "chat": CHAT, "from": BOT, "text": "…"}
        query = {"id": str(next(self._ids)), "from": USER, "chat_instance": "local", "message": message, "data": data}
        return {"update_id": next(self._ids), "callback_query": query}

    async def notices(self) -> None:
        """Print what the outbox holds for the local user, and mark it sent."""
        state = self.app.bot_data.state
        if state is None:
            return
        for _ in range(NOTICES_PER_CHECK):  # due() gives a chat's oldest row: one at a time, in order
            rows = await state.due(limit=1, only=(LOCAL_CHAT,))
            if not rows or not await state.claim(rows[0].id, lease=60):
                return
            self.telegram.print(f"{texts.TERMINAL_NOTICE}\n{plain(rows[0].text)}\n")
            await state.mark_sent(rows[0].id)


async def _next_line(stdin: TextIO, interactive: bool) -> str | None:
    """The next line typed, None at the end of input (Ctrl-D). Read in a daemon thread: a
    Ctrl-C while waiting must not leave the interpreter waiting for a line at exit."""
    loop = asyncio.get_running_loop()
    line: asyncio.Future[str | None] = loop.create_future()

    def give(value: str | None | Exception) -> None:
        if line.done():
            return
        if isinstance(value, Exception):
            line.set_exception(value)
        else:
            line.set_result(value)

    def read() -> None:
        value: str | None | Exception
        try:
            if interactive:
                value = input(PROMPT)
            else:
                raw = stdin.readline()
                value = raw.rstrip("\n") if raw else None
        except EOFError:
            value = None
        except Exception as e:  # noqa: BLE001 - raised in the chat, not lost in this thread (no hang)
            value = e
        with contextlib.suppress(RuntimeError):  # the loop is gone: nobody waits any more
            loop.call_soon_threadsafe(give, value)

    threading.Thread(target=read, name="qa-chat-input", daemon=True).start()
    return await line


async def chat(settings: Settings, stdin: TextIO, stdout: TextIO, *, engine: Engine | None = None) -> int:
    """The terminal chat over `stdin`/`stdout` until the end of input; returns 0."""
    from .app import build_application  # the Telegram Application: imported when chatting only

    telegram = LocalTelegram(stdout)
    app = build_application(
        replace(settings, token=LOCAL_TOKEN), engine=engine, request=telegram, get_updates_request=telegram,
        rate_limiter=False,
    )  # fmt: skip
    interactive = stdin is sys.stdin and stdin.isatty() and stdout.isatty()
    session = _Chat(app, telegram)
    try:
        await app.initialize()
        if app.post_init is not None:
            await app.post_init(app)  # the instance lock, the engine, the state database
        telegram.print(texts.TERMINAL_WELCOME)
        while True:
            await session.notices()
            line = await _next_line(stdin, interactive)
            if line is None:
                break
            await session.say(line)
    finally:
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)
    telegram.print(texts.TERMINAL_BYE)
    return 0


def main(argv: list[str] | None = None) -> int:
    """`qa-chat`: configured by the same environment as qa-bot (no token needed)."""
    if argv or (argv is None and len(sys.argv) > 1):
        print("usage: qa-chat  (the bot in the terminal; settings from the environment, as qa-bot)", file=sys.stderr)
        return 2
    try:
        settings = Settings.from_env()
    except SettingsError as e:
        print(f"qa-chat: invalid configuration: {e}", file=sys.stderr)
        return 2
    configure_logging(logging.WARNING)  # the terminal is for the dialogue
    try:
        return asyncio.run(chat(settings, sys.stdin, sys.stdout))
    except QAError as e:  # another instance on the state database, no fact base...
        print(f"qa-chat: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
