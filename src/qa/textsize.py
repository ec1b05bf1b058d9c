"""Lengths as Telegram counts them, for the texts `qa` writes (notices) and the bot sends.

Telegram counts a message's text after entity parsing (tags dropped, entities decoded), in
UTF-16 code units: an emoji counts twice. `qa` never imports the bot, so these helpers live
here and `bot.limits` uses them.
"""

from __future__ import annotations

import html
import re

__all__ = ["MAX_MESSAGE", "cut_units", "shown", "shown_length", "utf16_length"]

MAX_MESSAGE = 4096  # Telegram's limit for one message
_TAG = re.compile(r"<[^<>]*>")


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def shown(markup: str) -> str:
    """The text Telegram shows for a snippet of our HTML (tags dropped, entities decoded)."""
    return html.unescape(_TAG.sub("", markup))


def shown_length(markup: str) -> int:
    """What Telegram counts against MAX_MESSAGE."""
    return utf16_length(shown(markup))


def cut_units(text: str, units: int) -> str:
    """The longest prefix of `text` of at most `units` UTF-16 code units."""
    out, used = [], 0
    for ch in text:
        used += utf16_length(ch)
        if used > units:
            break
        out.append(ch)
    return "".join(out)
