"""bot: the Telegram layer (python-telegram-bot v22) over the `qa` engine.

- `settings`: the configuration, read from the environment;
- `texts`: every sentence the bot says;
- `dialogue`: what to reply, without Telegram (shared by Telegram and the terminal);
- `conversations`: per-chat memory (follow-up context, button questions);
- `handlers`: Telegram callbacks; `app`: the Application and its handlers, in order;
- `terminal`: the terminal chat; `__main__`: the `qa-bot` script.
"""
