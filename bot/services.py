"""What the handlers and jobs share: `context.bot_data`, typed with PTB's `ContextTypes`.

python-telegram-bot creates the bot data with the Application, without arguments (as in its
`contexttypesbot` example). `bot.app.build_application` gives it the settings; `post_init`
fills in what needs I/O or the event loop: the engine and its dialogue, the state store (after
taking the state database's instance lock) and the delivery job's deliverer. A handler that
runs before (tests) or without a state store reads None and says so to the user.

The runner (`bot.runner`) installs `request_stop`, so that a handler, a job or the transport
can end the process with an exit status (a token Telegram rejected mid-run, for example).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeAlias

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot, JobQueue

if TYPE_CHECKING:
    from qa import Engine

    from .delivery import Deliverer, Limits
    from .dialogue import Dialogue
    from .instance import InstanceLock
    from .settings import Settings
    from .state import AsyncState

__all__ = ["CONTEXT_TYPES", "App", "Ctx", "Services"]

log = logging.getLogger(__name__)


class Services:
    """The bot's shared objects. Created empty by PTB; see the module's docstring."""

    def __init__(self) -> None:
        self._settings: Settings | None = None
        self._dialogue: Dialogue | None = None
        self.engine: Engine | None = None  # given by tests and benchmarks, else loaded in post_init
        self.state: AsyncState | None = None  # None: subscriptions are unavailable, say so
        self.instance: InstanceLock | None = None  # held while this process owns the state database
        self.deliverer: Deliverer | None = None
        self.delivery_limits: Limits | None = None  # None: the defaults of bot.delivery
        self.exit_status = 0
        self._stop: Callable[[], None] | None = None
        self.questions_in_flight = 0  # the "typing..." indicator is for a bot with time to spare

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            raise RuntimeError("the settings are given by build_application")
        return self._settings

    @settings.setter
    def settings(self, settings: Settings) -> None:
        self._settings = settings

    @property
    def dialogue(self) -> Dialogue:
        if self._dialogue is None:
            raise RuntimeError("the dialogue is made by post_init")
        return self._dialogue

    @dialogue.setter
    def dialogue(self, dialogue: Dialogue) -> None:
        self._dialogue = dialogue

    @property
    def has_dialogue(self) -> bool:
        return self._dialogue is not None

    def on_stop(self, stop: Callable[[], None]) -> None:
        """The runner's way of stopping the Application (polling or webhook)."""
        self._stop = stop

    def request_stop(self, status: int) -> None:
        """End the process with `status` after a clean shutdown (databases flushed, closed).
        The first non-zero status wins; without a runner (tests), only the status is kept."""
        if status and not self.exit_status:
            self.exit_status = status
        if self._stop is not None:
            self._stop()
        else:
            log.warning("stop requested (status %d) but no runner is installed", status)


Ctx: TypeAlias = CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], Services]
App: TypeAlias = Application[ExtBot[Any], Ctx, dict[Any, Any], dict[Any, Any], Services, JobQueue[Ctx]]
CONTEXT_TYPES: ContextTypes[Ctx, dict[Any, Any], dict[Any, Any], Services] = ContextTypes(
    context=CallbackContext, bot_data=Services
)
