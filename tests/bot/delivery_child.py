"""A bot to kill: the real Application and its delivery job, over a transport that hangs.

    python -m tests.bot.delivery_child STATE_DB FACTS_DB LOG ACCEPTED

Each message Telegram "accepts" is appended to LOG (one chat id a line) before the answer
goes back; the message after the first ACCEPTED ones is logged and then never answered: it
is in flight when tests/bot/test_delivery.py kills this process with SIGKILL.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bot.app import build_application
from bot.settings import Settings
from qa import Engine

from .delivery_fakes import ScriptedRequest
from .fakes import TOKEN, FakeRequest


class HangingRequest(ScriptedRequest):
    def __init__(self, log: Path, accepted: int) -> None:
        super().__init__()
        self.log = log.open("a", buffering=1)  # line-buffered: each line reaches the file at once
        self.left = accepted
        self.hang = asyncio.Event()

    def accepted(self, chat: int, text: str) -> None:
        self.log.write(f"{chat}\n")
        self.left -= 1

    async def do_request(self, url: str, method: str, *args: object, **kwargs: object) -> tuple[int, bytes]:
        result = await super().do_request(url, method, *args, **kwargs)  # type: ignore[arg-type]
        if url.endswith("/sendMessage") and self.left < 0:
            await self.hang.wait()  # Telegram has it, the bot will never know: killed here
        return result


async def main(state_db: Path, facts_db: Path, log: Path, accepted: int) -> None:
    engine = Engine.load(facts_db)
    app = build_application(
        Settings(token=TOKEN, state_db=state_db),
        engine=engine,
        request=HangingRequest(log, accepted),
        get_updates_request=FakeRequest(),
        rate_limiter=False,
    )
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)
    await app.start()  # starts the JobQueue: the delivery job runs every second
    print("started", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])))
