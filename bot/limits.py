"""Telegram's limits on what a bot sends, checked before sending, in one place.

- a message: 1 to 4 096 characters *after entity parsing* (the HTML tags do not count, the
  entities count as the character they stand for); Telegram counts UTF-16 code units, so an
  emoji counts twice: `message_length` does the same;
- callback data of a button: 1 to 64 bytes (UTF-8);
- the text of a callback answer (a toast or an alert): 0 to 200 characters.

A text that may grow with the knowledge (/sources, /contact) is split into several messages
by `split_html`, between lines and never inside a tag; an announcement that cannot fit is
refused before anything is queued (bot/admin.py).
"""

from __future__ import annotations

import html
import re

from qa.textsize import MAX_MESSAGE, cut_units, shown, utf16_length

__all__ = [
    "MAX_CALLBACK_ANSWER",
    "MAX_CALLBACK_BYTES",
    "MAX_MESSAGE",
    "callback_answer",
    "fits_callback",
    "message_length",
    "plain",
    "split_html",
]

MAX_CALLBACK_BYTES = 64
MAX_CALLBACK_ANSWER = 200
ELLIPSIS = "…"
_TAG = re.compile(r"<(/?)([a-zA-Z-]+)[^>]*>")


plain = shown  # the text Telegram shows for a snippet of our HTML


def message_length(markup: str) -> int:
    """Length of an HTML message as Telegram counts it against MAX_MESSAGE."""
    return utf16_length(plain(markup))


def fits_callback(data: str) -> bool:
    return 0 < len(data.encode("utf-8")) <= MAX_CALLBACK_BYTES


def callback_answer(text: str) -> str:
    """A callback answer's text, cut to Telegram's 200 characters if it is longer."""
    if utf16_length(text) <= MAX_CALLBACK_ANSWER:
        return text
    return cut_units(text, MAX_CALLBACK_ANSWER - 1) + ELLIPSIS


def _blocks(markup: str) -> list[str]:
    """Lines grouped so that no group starts inside a tag, nor with an indented line (the
    continuation of a list item, such as a document's origin under its title)."""
    blocks: list[str] = []
    depth = 0
    for line in markup.split("\n"):
        if blocks and (depth > 0 or line[:1].isspace()):
            blocks[-1] += "\n" + line
        else:
            blocks.append(line)
        for closing, _ in _TAG.findall(line):
            depth += -1 if closing else 1
        depth = max(depth, 0)
    return blocks


def _hard_split(block: str, limit: int) -> list[str]:
    """A block longer than a message: its plain text, cut between words, escaped again."""
    text, parts = plain(block), []
    while utf16_length(text) > limit:
        head = cut_units(text, limit)
        cut = head.rfind(" ", limit // 2)
        head = head[:cut] if cut > 0 else head
        parts.append(html.escape(head.rstrip(), quote=False))
        text = text[len(head) :].lstrip()
    if text:
        parts.append(html.escape(text, quote=False))
    return parts


def split_html(markup: str, limit: int = MAX_MESSAGE) -> list[str]:
    """`markup` as messages of at most `limit` characters each, split between lines (never
    inside a tag); a single line longer than a message is cut as plain text."""
    if message_length(markup) <= limit:
        return [markup]
    messages: list[str] = []
    current = ""
    for block in _blocks(markup):
        pieces = [block] if message_length(block) <= limit else _hard_split(block, limit)
        for piece in pieces:
            joined = f"{current}\n{piece}" if current else piece
            if current and message_length(joined) > limit:
                messages.append(current)
                joined = piece
            current = joined
    if current.strip():
        messages.append(current)
    return messages
