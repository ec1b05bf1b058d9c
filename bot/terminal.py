"""The terminal chat: the same dialogue as on Telegram, when no token is set (`make run`).

Commands work as on Telegram; buttons are printed with a number, and typing the number
presses the button. Ctrl-D (end of input) exits.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from typing import TextIO

from . import texts
from .dialogue import Button, Dialogue, Reply

__all__ = ["CHAT_ID", "TerminalChat", "run"]

CHAT_ID = 0  # the terminal is one chat
PROMPT = "> "


class TerminalChat:
    """Turns one line typed by the user into the reply to print (no I/O here)."""

    def __init__(self, dialogue: Dialogue) -> None:
        self.dialogue = dialogue
        self.buttons: tuple[Button, ...] = ()
        telegram_only = {name for name, _, _ in texts.COMMANDS + texts.ADMIN_COMMANDS}
        self.commands: dict[str, Callable[[], Reply]] = {
            name: self._telegram_only for name in telegram_only
        }
        self.commands.update(
            {
                "start": lambda: dialogue.start(CHAT_ID),
                "aide": dialogue.help,
                texts.HELP_ALIAS: dialogue.help,
                "axes": dialogue.axes,
                "sources": dialogue.sources,
                "contact": dialogue.contact,
            }
        )

    def handle(self, line: str) -> Reply | None:
        line = line.strip()
        if not line:
            return None
        if line.isdigit() and 1 <= int(line) <= len(self.buttons):
            reply = self.dialogue.press(CHAT_ID, self.buttons[int(line) - 1].data)
            reply = reply or _notice(texts.BUTTON_EXPIRED)
        elif line.startswith("/"):
            name = line[1:].split(maxsplit=1)[0].lower() if len(line) > 1 else ""
            reply = self.commands.get(name, lambda: _notice(texts.UNKNOWN_COMMAND))()
        else:
            reply = self.dialogue.ask(CHAT_ID, line)
        self.buttons = tuple(b for row in reply.buttons for b in row)
        return reply

    @staticmethod
    def _telegram_only() -> Reply:
        return _notice(texts.TERMINAL_TELEGRAM_ONLY)


def _notice(text: str) -> Reply:
    return Reply(html=text, text=text)


def render(reply: Reply) -> str:
    lines = [reply.text]
    buttons = [b for row in reply.buttons for b in row]
    if buttons:
        lines.append(texts.TERMINAL_BUTTONS)
        lines.extend(f"  {i}. {b.label}" for i, b in enumerate(buttons, 1))
    return "\n".join(lines)


def _lines(stdin: TextIO, interactive: bool) -> Iterator[str]:
    if interactive:
        while True:
            try:
                yield input(PROMPT)
            except EOFError:
                return
    else:
        for line in stdin:
            yield line.rstrip("\n")


def run(dialogue: Dialogue, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    interactive = stdin is sys.stdin and stdin.isatty() and stdout.isatty()
    chat = TerminalChat(dialogue)
    print(texts.TERMINAL_WELCOME, file=stdout)
    try:
        for line in _lines(stdin, interactive):
            reply = chat.handle(line)
            if reply is not None:
                print(render(reply) + "\n", file=stdout, flush=True)
    except KeyboardInterrupt:
        pass
    print(texts.TERMINAL_BYE, file=stdout)
    return 0
