"""`qa-bot`: the Telegram bot, or the same dialogue in the terminal when no token is set.

    qa-bot                      serve (long polling, or a webhook when WEBHOOK_URL is set)
    qa-bot --check [--offline]  health check, one line per check, exit status 0 or 1
"""

from __future__ import annotations

import argparse
import logging
import sys

from qa import Engine, QAError

from .logs import configure_logging
from .settings import Settings, SettingsError

__all__ = ["main"]

log = logging.getLogger("bot")


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="qa-bot",
        description="Telegram bot answering questions on social housing in Hauts-de-France "
        "(configured by the environment: see deploy/env.example).",
    )
    parser.add_argument(
        "--check", action="store_true", help="check configuration, fact base, state database and Bot API, then exit"
    )
    parser.add_argument("--offline", action="store_true", help="with --check: do not call the Bot API")
    args = parser.parse_args(argv)
    if args.offline and not args.check:
        parser.error("--offline goes with --check")
    return args


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as e:
        if args.check:
            from . import check

            configure_logging(logging.WARNING)
            return check.main(e, offline=args.offline, out=sys.stdout)
        print(f"qa-bot: invalid configuration: {e}", file=sys.stderr)
        return 2
    secrets = (settings.token, settings.webhook_secret)
    if args.check:
        from . import check

        configure_logging(logging.WARNING, secrets=secrets)
        return check.main(settings, offline=args.offline, out=sys.stdout)
    configure_logging(settings.log_level, secrets=secrets)
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
