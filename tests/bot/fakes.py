"""Test doubles for the Bot API: no network, ever.

- `FakeRequest`: a `telegram.request.BaseRequest` that records every call and answers like
  Telegram (as python-telegram-bot's own test suite does), for the Application in-process;
- `FakeBotApi`: a loopback HTTP server of ours playing the Bot API (getUpdates long polling
  included), for `qa-bot` started as a subprocess;
- helpers building the updates Telegram would send.

Both refuse what Telegram refuses, with Telegram's 400 and description, and keep the list in
`rejected`: a text over 4 096 characters (after entity parsing, in UTF-16 units), an empty
text, HTML Telegram cannot parse (an unknown tag, an unclosed tag, a bare `<` or `&`, a named
entity other than lt, gt, amp, quot), callback data over 64 bytes, a callback answer over 200
characters. Both can be scripted to fail a method, for one chat or any, once per entry.

Also used by benchmarks/bench_bot.py.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.request import BaseRequest, RequestData

TOKEN = "123456789:AAE-fake-token-for-tests-only_0123456789"
BOT_ID = 123456789
BOT_USERNAME = "LogementHdfBot"
USER_ID = 4242
ADMIN_ID = 1001
GROUP_ID = -100777

BOT_USER: dict[str, Any] = {
    "id": BOT_ID,
    "is_bot": True,
    "first_name": "Logement HDF",
    "username": BOT_USERNAME,
    "can_join_groups": True,
    "can_read_all_group_messages": True,
    "supports_inline_queries": True,
}

Call = tuple[str, dict[str, Any]]
_TAG = re.compile(r"<[^>]+>")


# Tags Telegram's HTML parse mode accepts; any other tag is refused.
TELEGRAM_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a",
                 "tg-emoji", "code", "pre", "blockquote"}  # fmt: skip
_OPEN_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:=(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*)\s*>")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")
Failure = tuple[int, str, dict[str, Any] | None]  # HTTP code, description, parameters


def html_problem(text: str) -> str | None:
    """Why Telegram's HTML parser would refuse `text`, or None."""
    stack: list[str] = []
    i = 0
    while i < len(text):
        if text[i] == "<":
            m = _OPEN_TAG.match(text, i)
            if m is None or m.group(2).lower() not in TELEGRAM_TAGS:
                return f"Unsupported start tag at byte offset {len(text[:i].encode())}"
            name = m.group(2).lower()
            if m.group(1):
                if not stack or stack[-1] != name:
                    return f'Unexpected end tag "{name}" at byte offset {len(text[:i].encode())}'
                stack.pop()
            else:
                stack.append(name)
            i = m.end()
        elif text[i] == "&":
            m = _ENTITY.match(text, i)
            if m is None:
                return f"Unsupported entity at byte offset {len(text[:i].encode())}"
            i = m.end()
        else:
            i += 1
    return f'Can\'t find end tag corresponding to start tag "{stack[-1]}"' if stack else None


def telegram_length(text: str, parse_mode: object) -> int:
    if str(parse_mode) in ("HTML", "ParseMode.HTML"):
        text = html.unescape(_TAG.sub("", text))
    return len(text.encode("utf-16-le")) // 2


def _markup(params: dict[str, Any]) -> dict[str, Any]:
    markup = params.get("reply_markup") or {}
    return json.loads(markup) if isinstance(markup, str) else markup


class BotApiState:
    """What a fake Bot API server answers, shared by the in-process and the HTTP fakes."""

    def __init__(self) -> None:
        self._ids = itertools.count(1000)
        self.lock = threading.Lock()
        self.admins: set[tuple[int, int]] = set()  # (chat, user): administrators of groups
        self.script: dict[tuple[str, int | None], list[Failure]] = {}
        self.rejected: list[tuple[str, str]] = []  # (method, description) refused as Telegram would

    def fail(self, method: str, code: int, description: str, *, chat: int | None = None,
             parameters: dict[str, Any] | None = None) -> None:  # fmt: skip
        """The next call of `method` (to `chat`, or to any chat) fails once this way."""
        with self.lock:
            self.script.setdefault((method, chat), []).append((code, description, parameters))

    def answer(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """The HTTP code and JSON body Telegram would answer."""
        chat = params.get("chat_id")
        with self.lock:
            for key in ((method, int(chat) if chat is not None else None), (method, None)):
                if self.script.get(key):
                    code, description, parameters = self.script[key].pop(0)
                    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
                    if parameters:
                        body["parameters"] = parameters
                    return code, body
        problem = self.problem(method, params)
        if problem is not None:
            with self.lock:
                self.rejected.append((method, problem))
            return 400, {"ok": False, "error_code": 400, "description": f"Bad Request: {problem}"}
        return 200, {"ok": True, "result": self.result(method, params)}

    def problem(self, method: str, params: dict[str, Any]) -> str | None:
        """What Telegram would refuse in this call, or None."""
        texts = []
        if method in ("sendMessage", "editMessageText"):
            texts.append((str(params.get("text", "")), params.get("parse_mode")))
        if method == "answerInlineQuery":
            results = params.get("results") or []
            results = json.loads(results) if isinstance(results, str) else results
            for result in results:
                content = result.get("input_message_content") or {}
                texts.append((str(content.get("message_text", "")), content.get("parse_mode")))
        for text, parse_mode in texts:
            if str(parse_mode) in ("HTML", "ParseMode.HTML") and (problem := html_problem(text)):
                return f"can't parse entities: {problem}"
            length = telegram_length(text, parse_mode)
            if length == 0:
                return "message text is empty"
            if length > 4096:
                return "message is too long"
        for row in _markup(params).get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= 64:
                    return "BUTTON_DATA_INVALID"
        if method == "answerCallbackQuery" and len(str(params.get("text") or "")) > 200:
            return "MESSAGE_TOO_LONG"
        return None

    def result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method == "getChatMember":
            chat, member = int(params["chat_id"]), int(params["user_id"])
            status = "administrator" if (chat, member) in self.admins else "member"
            extra = {"can_be_edited": False, "is_anonymous": False, "can_manage_chat": True,
                     "can_delete_messages": True, "can_manage_video_chats": True, "can_restrict_members": True,
                     "can_promote_members": False, "can_change_info": True, "can_invite_users": True,
                     "can_post_stories": False, "can_edit_stories": False, "can_delete_stories": False}  # fmt: skip
            return {"status": status, "user": user(member)} | (extra if status == "administrator" else {})
        if method in ("sendMessage", "editMessageText"):
            with self.lock:
                message_id = next(self._ids)
            chat_id = int(params.get("chat_id", 0))
            message: dict[str, Any] = {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
                "from": BOT_USER,
                "text": _TAG.sub("", str(params.get("text", ""))),
            }
            if "reply_markup" in params:
                message["reply_markup"] = params["reply_markup"]
            return message
        if method == "getUpdates":
            return []
        if method == "getWebhookInfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        return True


class FakeRequest(BaseRequest):
    """Records (method, parameters) of every request and answers like Telegram would."""

    def __init__(self, state: BotApiState | None = None, *, record: bool = True) -> None:
        self.state = state or BotApiState()
        self.calls: list[Call] = []
        self.record = record
        self.errors: dict[str, tuple[int, str]] = {}  # method -> (HTTP code, description), once

    @property
    def rejected(self) -> list[tuple[str, str]]:
        return self.state.rejected

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data is not None else {}
        if self.record:
            self.calls.append((name, params))
        if name in self.errors:
            code, description = self.errors.pop(name)
            return code, json.dumps(
                {"ok": False, "error_code": code, "description": description}
            ).encode()
        code, body = self.state.answer(name, params)
        return code, json.dumps(body).encode()

    def sent(self, method: str = "sendMessage") -> list[dict[str, Any]]:
        return [params for name, params in self.calls if name == method]


# --------------------------------------------------------------- updates
_update_ids = itertools.count(1)
_message_ids = itertools.count(1)


def user(user_id: int = USER_ID) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": "Camille", "language_code": "fr"}


def chat(chat_id: int = USER_ID) -> dict[str, Any]:
    if chat_id > 0:
        return {"id": chat_id, "type": "private", "first_name": "Camille"}
    return {"id": chat_id, "type": "supergroup", "title": "Élus de l’Aisne"}


def message(
    text: str | None = None,
    *,
    chat_id: int = USER_ID,
    user_id: int = USER_ID,
    reply_to: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "message_id": next(_message_ids),
        "date": int(time.time()),
        "chat": chat(chat_id),
        "from": user(user_id),
    }
    if text is not None:
        data["text"] = text
        entities = []
        if text.startswith("/"):
            entities.append({"type": "bot_command", "offset": 0, "length": len(text.split()[0])})
        for match in re.finditer(r"@\w+", text):
            if match.start() != 0 or not text.startswith("/"):
                entities.append(
                    {
                        "type": "mention",
                        "offset": _utf16(text[: match.start()]),
                        "length": _utf16(match.group()),
                    }
                )
        if entities:
            data["entities"] = entities
    if reply_to is not None:
        data["reply_to_message"] = reply_to
    data.update(extra)
    return data


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def text_update(text: str, *, edited: bool = False, **kwargs: Any) -> dict[str, Any]:
    key = "edited_message" if edited else "message"
    data = message(text, **kwargs)
    if edited:
        data["edit_date"] = data["date"]
    return {"update_id": next(_update_ids), key: data}


def callback_update(data: str, *, chat_id: int = USER_ID, user_id: int = USER_ID) -> dict[str, Any]:
    shown = {
        "message_id": next(_message_ids),
        "date": int(time.time()),
        "chat": chat(chat_id),
        "from": BOT_USER,
        "text": "…",
    }
    return {
        "update_id": next(_update_ids),
        "callback_query": {
            "id": str(next(_update_ids)),
            "from": user(user_id),
            "chat_instance": "ci",
            "message": shown,
            "data": data,
        },
    }


def inline_update(query: str, *, user_id: int = USER_ID) -> dict[str, Any]:
    return {
        "update_id": next(_update_ids),
        "inline_query": {
            "id": str(next(_update_ids)),
            "from": user(user_id),
            "query": query,
            "offset": "",
        },
    }


def buttons(params: dict[str, Any]) -> list[tuple[str, str]]:
    """(text, callback data) of the inline keyboard of a sent message."""
    markup = params.get("reply_markup") or {}
    if isinstance(markup, str):
        markup = json.loads(markup)
    return [
        (b["text"], b["callback_data"]) for row in markup.get("inline_keyboard", []) for b in row
    ]


# ------------------------------------------------------ loopback server
class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a bot killed mid-request resets its connection: expected, not a failure


class FakeBotApi:
    """A loopback HTTP server playing the Bot API for one bot token, in a thread.

    `push(update)` queues an update for getUpdates; `wait_for(method, n)` blocks until the bot
    made `n` calls of `method` (or a generous deadline passes), so tests never depend on speed.
    """

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.state = BotApiState()
        self.calls: list[Call] = []
        self._updates: list[dict[str, Any]] = []
        self._cond = threading.Condition()
        self._closed = False
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                code, payload = api.handle(self.path, self.headers.get("Content-Type", ""), body)
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST  # noqa: N815

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = _QuietServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> FakeBotApi:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self.server.shutdown()
        self.server.server_close()

    # ------------------------------------------------------------ protocol
    def handle(self, path: str, content_type: str, body: bytes) -> tuple[int, bytes]:
        prefix = f"/bot{self.token}/"
        if not path.startswith(prefix):
            return 404, json.dumps(
                {"ok": False, "error_code": 404, "description": "Not Found"}
            ).encode()
        method = path[len(prefix) :].split("?", 1)[0]
        params = _params(content_type, body)
        scripted = self.state.script.get((method, None))
        if method == "getUpdates" and not scripted:
            code, answer = 200, {"ok": True, "result": self._get_updates(params)}
        else:
            code, answer = self.state.answer(method, params)
        with self._cond:
            self.calls.append((method if code == 200 else f"{method}:{code}", params))
            self._cond.notify_all()
        return code, json.dumps(answer).encode()

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), 1.0)  # quick to stop
        deadline = time.monotonic() + timeout
        with self._cond:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while not self._updates and not self._closed:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            return list(self._updates)

    # ---------------------------------------------------------------- tests
    def push(self, update: dict[str, Any]) -> None:
        with self._cond:
            self._updates.append(update)
            self._cond.notify_all()

    @property
    def rejected(self) -> list[tuple[str, str]]:
        return self.state.rejected

    def count(self, method: str) -> int:
        with self._cond:
            return sum(1 for name, _ in self.calls if name == method)

    def sent(self, method: str = "sendMessage") -> list[dict[str, Any]]:
        with self._cond:
            return [params for name, params in self.calls if name == method]

    def wait_for(self, method: str, n: int = 1, timeout: float = 60.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while sum(1 for name, _ in self.calls if name == method) < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{method} called fewer than {n} times: {self.calls!r}")
                self._cond.wait(left)
            return [params for name, params in self.calls if name == method]


_JSON_FIELDS = {
    "reply_markup",
    "results",
    "commands",
    "scope",
    "allowed_updates",
    "reply_parameters",
    "link_preview_options",
    "entities",
}


def _params(content_type: str, body: bytes) -> dict[str, Any]:
    if not body:
        return {}
    if content_type.startswith("application/json"):
        data = json.loads(body)
        return data if isinstance(data, dict) else {}
    if content_type.startswith("application/x-www-form-urlencoded"):
        from urllib.parse import parse_qsl

        return {k: json.loads(v) if k in _JSON_FIELDS else v for k, v in parse_qsl(body.decode())}
    return {}

