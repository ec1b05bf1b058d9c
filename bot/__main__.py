"""`qa-bot`: the Telegram bot service.

    qa-bot                      serve (long polling, or a webhook when WEBHOOK_URL is set)
    qa-bot --check [--offline]  health check, one line per check, exit status 0 or 1

It needs `TELEGRAM_BOT_TOKEN` and refuses to start without it: a service that silently did
something else (it used to chat on an empty stdin and exit 0) looks healthy to its
supervisor. The terminal chat is its own command, `qa-chat`.

However it ends, it says why in at most one line, every secret redacted (the token in a
rejected-token error, in a URL...), and with an exit status:

- 0: stopped (SIGINT, SIGTERM);
- 1: failed: the token was rejected (at start or mid-run), the Bot API could not be
  reached, another instance runs on the state database, the fact base or the state
  database is unusable, the webhook's port is taken, or an unexpected error (its
  traceback on the same logfmt line);
- 2: invalid configuration (a variable is named), or no token.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from telegram.error import InvalidToken, NetworkError, TelegramError

from qa import QAError

from .logs import RedactSecrets, configure_logging
from .settings import Settings, SettingsError, secrets_in

__all__ = ["main"]

log = logging.getLogger("bot")

EXIT_FAILED, EXIT_CONFIGURATION = 1, 2
NO_TOKEN = (
    "TELEGRAM_BOT_TOKEN is not set: qa-bot is the Telegram service and needs the bot's token "
    "(from @BotFather); to chat in the terminal without Telegram, run qa-chat"
)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="qa-bot",
        description="Telegram bot answering questions on social housing from its sourced documents "
        "(configured by the environment: see deploy/env.example; the terminal chat is qa-chat).",
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
    secrets = secrets_in()
    redact = RedactSecrets(secrets).redact

    def fail(message: str, status: int) -> int:
        print(f"qa-bot: {redact(' '.join(message.split()))}", file=sys.stderr, flush=True)
        return status

    try:
        settings: Settings | SettingsError = Settings.from_env()
    except SettingsError as e:
        settings = e
    if args.check:
        from . import check

        configure_logging(logging.WARNING, secrets=secrets)
        return check.main(settings, offline=args.offline, out=sys.stdout, secrets=secrets)
    if isinstance(settings, SettingsError):
        return fail(f"invalid configuration: {settings}", EXIT_CONFIGURATION)
    if settings.token is None:
        return fail(NO_TOKEN, EXIT_CONFIGURATION)
    configure_logging(settings.log_level, secrets=secrets)
    api = settings.api_root
    try:
        from .app import build_application
        from .runner import serve

        return asyncio.run(serve(build_application(settings)))
    except InvalidToken:  # PTB's message holds the token: never printed, even redacted
        return fail(f"the Bot API at {api} rejected the token: copy TELEGRAM_BOT_TOKEN again from @BotFather", 1)
    except NetworkError as e:
        return fail(f"cannot reach the Bot API at {api}: {type(e).__name__}: {e}", EXIT_FAILED)
    except TelegramError as e:
        return fail(f"the Bot API at {api} refused to start the bot: {type(e).__name__}: {e}", EXIT_FAILED)
    except QAError as e:  # another instance, a fact base or state database that cannot be used
        return fail(str(e), EXIT_FAILED)
    except OSError as e:  # the webhook's port taken, a state directory it may not write...
        return fail(f"cannot start: {e}", EXIT_FAILED)
    except KeyboardInterrupt:  # Ctrl-C before the signal handlers were installed
        return 130
    except Exception:  # one logfmt line: the traceback on it, redacted like every record
        log.critical("qa-bot stopped by an unexpected error", exc_info=True)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
