"""`qa-bot`: the Telegram bot, or the same dialogue in the terminal when no token is set."""

from __future__ import annotations

import logging
import sys

from qa import Engine, QAError

from .settings import Settings, SettingsError

__all__ = ["main"]

log = logging.getLogger("bot")


def configure_logging() -> None:
    logging.basicConfig(
        format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.INFO
    )
    # at INFO, httpx logs every request URL, and the URL contains the bot's token
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def main() -> int:
    configure_logging()
    try:
        settings = Settings.from_env()
    except SettingsError as e:
        print(f"qa-bot: invalid configuration: {e}", file=sys.stderr)
        return 2
    try:
        if settings.token is None:
            from . import terminal
            from .dialogue import Dialogue

            logging.getLogger().setLevel(logging.WARNING)  # the terminal is for the dialogue
            return terminal.run(Dialogue(Engine.load()))
        from .app import run

        run(settings)
    except QAError as e:
        print(f"qa-bot: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
