"""The bot's dialogue, without Telegram: what it replies to a command, a question or a button.

Both front ends use it: the Telegram handlers (bot/handlers.py) turn a `Reply` into a message
with an inline keyboard, the terminal chat (bot/terminal.py) prints it with numbered buttons.

Callback data of the buttons (at most 64 bytes, Telegram's limit):

- `f:<fact id>`  answer that fact (clarification candidates, follow-ups): survives restarts;
- `t:<question>` ask that question (examples, suggestions) when it fits: survives restarts;
- `q:<number>`   a question kept in memory for this chat when it does not fit.

Anything else, or a `q:` number or fact id the bot no longer knows, makes `press` return
None, and the front end shows a short notice.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from qa import Answer, Engine
from qa.normalize import fold
from qa.records import Status, Topic

from . import texts
from .conversations import Conversations
from .limits import MAX_CALLBACK_BYTES, MAX_MESSAGE, fits_callback, message_length, plain
from .topics import Topics

__all__ = [
    "MAX_CALLBACK_BYTES",
    "Button",
    "Dialogue",
    "InlineItem",
    "Reply",
    "callback_data",
    "plain",
    "render_topics",
]

MAX_BUTTONS = 8
MAX_LABEL = 80


@dataclass(frozen=True)
class Button:
    label: str
    data: str  # callback data, at most 64 bytes in UTF-8


@dataclass(frozen=True)
class Reply:
    html: str  # for Telegram's HTML parse mode
    text: str  # the same, plain, for the terminal
    buttons: tuple[tuple[Button, ...], ...] = ()  # rows of buttons
    status: Status | None = None  # the engine's status when this answers a question
    question: str | None = None  # the question asked, typed or from a button (`ask`)


@dataclass(frozen=True)
class InlineItem:
    """One result of inline mode (`@bot question` in any chat)."""

    id: str
    title: str
    description: str
    html: str


def _reply(markup: str, buttons: tuple[tuple[Button, ...], ...] = ()) -> Reply:
    return Reply(html=markup, text=plain(markup), buttons=buttons)


def _label(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1].rstrip() + "…"


def callback_data(prefix: str, value: str) -> str | None:
    data = f"{prefix}:{value}"
    return data if fits_callback(data) else None


def _topic_line(topic: Topic) -> str:
    """One item, said once: its sentence with the title in bold when the sentence starts with
    it (as list items usually do), else the title and the sentence."""
    title, text = topic.title.strip(), " ".join(topic.text.split())
    if fold(text).startswith(fold(title)):
        rest = html.escape(text[len(title):])
        return texts.TOPIC_LINE.format(n=topic.n, text=f"<b>{html.escape(text[:len(title)])}</b>{rest}")
    if not text:
        return texts.TOPIC_LINE.format(n=topic.n, text=f"<b>{html.escape(title)}</b>")
    return texts.TOPIC_LINE_TITLED.format(n=topic.n, title=html.escape(title), text=html.escape(text))


def render_topics(topics: Topics) -> Reply:
    """/axes: each subscribable list of the base under its own sentence, each item once,
    numbered as /abonner takes it. Kept separate so that subscriptions can add buttons."""
    if not topics.groups:
        return _reply(texts.TOPICS_NONE)
    lines = [texts.TOPICS_HEAD]
    for group in topics.groups:
        lines += ["", texts.TOPICS_GROUP.format(heading=html.escape(group.heading))]
        lines += [_topic_line(t) for t in group.topics]
        if group.source:
            lines.append(texts.TOPICS_SOURCE.format(title=html.escape(group.source)))
    return _reply("\n".join(lines))


class Dialogue:
    def __init__(self, engine: Engine, conversations: Conversations | None = None) -> None:
        self.engine = engine
        self.conversations = conversations if conversations is not None else Conversations()
        self.topics = Topics.of(engine)  # what /axes and /abonner offer: the base's topics

    # ------------------------------------------------------------ commands
    def start(self, chat_id: int) -> Reply:
        """A greeting, what the base is about, and its example questions as buttons: all from
        the base, so that the greeting stays true when documents are added."""
        rows = tuple((self._question_button(chat_id, q, q),) for q in self.engine.examples())
        lines = [texts.START]
        if self.engine.can_answer():
            lines.append(texts.START_TOPICS.format(topics=html.escape(self.engine.can_answer())))
        if len(self.topics) > 1:
            lines.append(texts.START_SUBSCRIBE.format(count=len(self.topics)))
        elif self.topics.all:
            lines.append(texts.START_SUBSCRIBE_ONE)
        lines.append(texts.START_TRY)
        return _reply("\n\n".join(lines), rows)

    def help(self, *, mention: str | None = None, admin: bool = False) -> Reply:
        lines = [texts.HELP_HEAD.format(example=html.escape(self.engine.examples()[0]))]
        commands = texts.COMMANDS + (texts.ADMIN_COMMANDS if admin else ())
        for i, (name, description, example) in enumerate(commands):
            if admin and i == len(texts.COMMANDS):
                lines.append(texts.HELP_ADMIN_HEAD)
            line = f"/{name} : {html.escape(description)}"
            if example != f"/{name}":
                line += texts.HELP_EXAMPLE.format(example=html.escape(example))
            lines.append(line)
        if mention:
            lines.append("")
            lines.append(texts.HELP_GROUPS.format(mention=html.escape(mention)))
        return _reply("\n".join(lines))

    def axes(self) -> Reply:
        return render_topics(self.topics)

    def sources(self) -> Reply:
        lines = [texts.SOURCES_HEAD]
        for doc in self.engine.documents():
            line = texts.SOURCE_LINE.format(title=f"<b>{html.escape(doc.title)}</b>")
            if doc.publisher:
                line += texts.SOURCE_PUBLISHER.format(publisher=html.escape(doc.publisher))
            if doc.title_given_by_us:
                line += texts.SOURCE_TITLE_OURS
            if doc.date:
                line += texts.SOURCE_DATE.format(date=html.escape(doc.date))
            if doc.origin:
                line += texts.SOURCE_ORIGIN.format(origin=html.escape(doc.origin))
            lines.append(line)
        return _reply("\n".join(lines))

    def contact(self) -> Reply:
        contacts = self.engine.contacts()
        if not contacts:
            return _reply(texts.NO_CONTACT)
        lines = [texts.CONTACT_HEAD]
        for fact in contacts:
            source = self.engine.source_of(fact)
            lines.append(
                texts.CONTACT_LINE.format(
                    answer=html.escape(fact.answer or fact.value), title=html.escape(source.title)
                )
            )
        return _reply("\n".join(lines))

    def forget(self, chat_id: int) -> None:
        self.conversations.forget(chat_id)

    # ----------------------------------------------------------- questions
    def ask(self, chat_id: int, question: str) -> Reply:
        answer = self.engine.ask(question, self.conversations.context(chat_id))
        return self._answer(chat_id, answer, question)

    def press(self, chat_id: int, data: str) -> Reply | None:
        """The reply to a button; None when the bot did not issue it or no longer knows it."""
        prefix, _, value = data.partition(":")
        if prefix == "f" and value:
            try:
                answer = self.engine.answer_fact(value, self.conversations.context(chat_id))
            except KeyError:
                return None
            return self._answer(chat_id, answer)
        if prefix == "t" and value.strip():
            return self.ask(chat_id, value)
        if prefix == "q" and value.isdigit():
            question = self.conversations.question(chat_id, int(value))
            return None if question is None else self.ask(chat_id, question)
        return None

    def inline(self, query: str) -> tuple[InlineItem, ...]:
        """Results for inline mode: stateless, one per answer worth sending."""
        query = query.strip()
        if not query:
            items = []
            for i, question in enumerate(self.engine.examples()):
                answer = self.engine.ask(question)
                items.append(
                    InlineItem(
                        f"x{i}",
                        texts.INLINE_EXAMPLE.format(question=question),
                        _first_line(answer.text),
                        _fit(answer).html,
                    )
                )
            return tuple(items)
        answer = self.engine.ask(query)
        if answer.status == "clarify":
            picks = [
                (s, self.engine.answer_fact(s.fact_id)) for s in answer.suggestions if s.fact_id
            ]
            return tuple(
                InlineItem(f"f{i}", s.label, _first_line(a.text), _fit(a).html)
                for i, (s, a) in enumerate(picks)
            )
        title = _first_line(answer.text) if answer.status == "answered" else texts.INLINE_NO_ANSWER
        description = answer.sources[0].title if answer.sources else _first_line(answer.text)
        return (InlineItem("a", title, description, _fit(answer).html),)

    # -------------------------------------------------------------- helpers
    def _answer(self, chat_id: int, answer: Answer, question: str | None = None) -> Reply:
        self.conversations.remember(chat_id, answer.context)
        rows: list[tuple[Button, ...]] = []
        for suggestion in answer.suggestions[:MAX_BUTTONS]:
            data = callback_data("f", suggestion.fact_id) if suggestion.fact_id else None
            if data is None:
                rows.append(
                    (self._question_button(chat_id, suggestion.label, suggestion.question),)
                )
            else:
                rows.append((Button(_label(suggestion.label), data),))
        fitted = _fit(answer)
        return Reply(
            html=fitted.html, text=fitted.text, buttons=tuple(rows), status=answer.status, question=question
        )

    def _question_button(self, chat_id: int, label: str, question: str) -> Button:
        data = callback_data("t", question)
        if data is None:
            data = f"q:{self.conversations.register_question(chat_id, question)}"
        return Button(_label(label), data)


def _first_line(text: str) -> str:
    return text.split("\n", 1)[0][:200]


def _fit(answer: Answer) -> Reply:
    """The answer as it fits in one Telegram message (a long echo of the input is cut)."""
    if message_length(answer.html) <= MAX_MESSAGE - 96:
        return Reply(html=answer.html, text=answer.text)
    cut = answer.text[:3000].rstrip() + "…"
    return Reply(html=f"{texts.TOO_LONG}\n{html.escape(cut)}", text=f"{texts.TOO_LONG}\n{cut}")
