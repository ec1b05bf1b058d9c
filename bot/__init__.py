"""bot: the Telegram layer (python-telegram-bot v22) over the `qa` engine.

- `settings`: the configuration, the one place that reads the environment;
- `services`: what handlers and jobs share (`context.bot_data`, typed);
- `texts`: every sentence the bot says; `limits`: Telegram's limits on what it sends;
- `dialogue`: what to reply, without Telegram; `conversations`: per-chat memory;
- `topics`: the base's subscribable topics (numbers, labels, parsing `/abonner 2`);
- `handlers`, `subscriptions`, `mydata`, `admin`, `groups`: Telegram callbacks (`common`: what
  the last three share); `app`: the Application and its handlers, in order; `replays`: an
  update is handled once;
- `processor`: chats concurrently, each in order; `ratelimit`: the budget of Bot API calls;
- `state`: the state store for the event loop; `privacy`: what the question log must not keep;
- `delivery`: the job that sends the outbox; `retention`: the question log's retention;
- `instance`: one bot per state database; `runner`: the service's life cycle; `webhook`: its
  webhook server; `check`: `qa-bot --check`; `logs`: one logfmt line per record, redacted;
- `__main__`: the `qa-bot` script (the service); `terminal`: `qa-chat`, the bot in the terminal.
"""
