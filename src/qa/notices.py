"""What `qa publish` sends: a notice per new or changed fact, one digest message per subscriber.

A notice says what is new about one fact (its answer, scope and value, the old value struck
through when it changed, its source and quote) and which topics it belongs to. A subscriber
receives ONE message per publication, the digest of the notices of the topics they follow,
with one footer to unsubscribe. Both are Telegram HTML, every value from the base escaped
where it is inserted.

A digest fits in one Telegram message by construction: each notice is bounded (its quote,
answer and labels are cut), and the notices that would overflow are summarised in one line
("… et 3 autres nouveautés"). Lengths are counted as Telegram counts them: the text it shows
(tags dropped, entities decoded), in UTF-16 units.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .records import Fact, Source, Topic
from .render import french_numbers
from .textsize import MAX_MESSAGE, cut_units, shown_length, utf16_length

__all__ = ["MAX_MESSAGE", "Notice", "digest_text", "notice_text", "shown_length", "topic_label"]

# Bounds of one notice's parts, so that a notice alone always fits with its head and footer.
MAX_QUOTE = 1200
MAX_ANSWER = 600
MAX_VALUE = 200
MAX_TITLE = 300
MAX_LABEL = 150
MAX_LABELS = 3  # topic labels named in a notice's first line; the others are counted
MAX_NUMBERS = 12  # topic numbers in the unsubscribe footer; beyond, the footer says how to find them

# ---- what subscribers read (French; HTML) ----
NEW = "🆕 <b>Nouveau</b>"
CHANGED = "🔄 <b>Mise à jour</b>"
ABOUT = " – {labels}"
MORE_LABELS = " (+{n})"
LABEL = "{noun} {n} « {title} »"
LABEL_UNNAMED = "« {title} »"
VALUE_CHANGED = "{answer}\n{scope}<s>{old}</s> → <b>{new}</b>"
VALUE_NEW = "{answer}\n{scope}<b>{new}</b>"
SCOPE = "{scope} : "
SOURCE = "Source : « {title} »{publisher}\n<i>« {quote} »</i>"
HEAD = "🔔 <b>{n} nouveautés</b> sur les sujets que vous suivez :"
MORE_ONE = "… et 1 autre nouveauté sur ces sujets : posez-moi la question pour la voir."
MORE = "… et {n} autres nouveautés sur ces sujets : posez-moi la question pour les voir."
FOOTER = "Pour ne plus recevoir ces nouvelles : /desabonner {numbers}"
FOOTER_MANY = "Pour ne plus recevoir ces nouvelles : /desabonner suivi du numéro (voir /abonnements)"


@dataclass(frozen=True)
class Notice:
    """What is new about one fact, for the subscribers of its topics."""

    fact_id: str
    topics: tuple[str, ...]  # topic keys
    changed: bool  # published before with another digest (else: new)
    text: str  # HTML, bounded (see the module's docstring)
    summary: str  # plain, one line: what `qa publish --dry-run` lists


_BREAKS = re.compile(r"[ \t\r\n]+")


def _escape(text: str) -> str:
    return html.escape(text, quote=False)  # text between tags: only <, > and & matter


def _cut(text: str, limit: int) -> str:
    """`text` on one line, at most `limit` UTF-16 units, "…" ending a cut one. (Not
    `str.split`: it would turn the narrow no-break spaces of "3 616" into plain ones.)"""
    text = _BREAKS.sub(" ", text).strip()
    if utf16_length(text) <= limit:
        return text
    return cut_units(text, limit - 1).rstrip() + "…"


def topic_label(topic: Topic, item: Fact | None = None) -> str:
    """"axe 2 « Produire et réhabiliter »": the list's noun, the item's own number in its list
    (which is the topic's number only for the first list) and its title. Plain text."""
    if not topic.noun:
        return _cut(LABEL_UNNAMED.format(title=topic.title), MAX_LABEL)
    n = item.n if item is not None and item.n is not None else topic.n
    return _cut(LABEL.format(noun=topic.noun, n=n, title=topic.title), MAX_LABEL)


def notice_text(fact: Fact, source: Source, *, scope: str, labels: Sequence[str], old_value: str | None,
                changed: bool) -> str:
    """The HTML of one notice. `labels` name its topics; `old_value` when the value changed."""
    e = _escape
    head = CHANGED if changed else NEW
    if labels:
        shown = ", ".join(e(_cut(label, MAX_LABEL)) for label in labels[:MAX_LABELS])
        head += ABOUT.format(labels=shown)
        if len(labels) > MAX_LABELS:
            head += MORE_LABELS.format(n=len(labels) - MAX_LABELS)
    answer = e(_cut(french_numbers(fact.answer or fact.attribute), MAX_ANSWER))
    new = e(_cut(french_numbers(fact.value), MAX_VALUE))
    where = SCOPE.format(scope=e(scope)) if scope else ""
    if old_value is not None and old_value != fact.value:
        old = e(_cut(french_numbers(old_value), MAX_VALUE))
        body = VALUE_CHANGED.format(answer=answer, scope=where, old=old, new=new)
    else:
        body = VALUE_NEW.format(answer=answer, scope=where, new=new)
    publisher = f", {e(_cut(source.publisher, MAX_TITLE))}" if source.publisher else ""
    quote = e(_cut(source.quote, MAX_QUOTE))
    return "\n".join([head, body, SOURCE.format(title=e(_cut(source.title, MAX_TITLE)), publisher=publisher,
                                                quote=quote)])


def _footer(numbers: Sequence[int]) -> str:
    if not numbers or len(numbers) > MAX_NUMBERS:
        return FOOTER_MANY
    return FOOTER.format(numbers=" ".join(str(n) for n in sorted(set(numbers))))


def digest_text(notices: Sequence[Notice], numbers: Sequence[int], *, limit: int = MAX_MESSAGE) -> str:
    """One message for one subscriber: `notices` (those of the topics they follow, in order)
    and the footer to unsubscribe from `numbers` (the topics of theirs these notices concern).
    One notice is sent as it is; several get a head line, and those that do not fit within
    `limit` are counted in one summary line."""
    if not notices:
        raise ValueError("a digest needs at least one notice")
    footer = _footer(numbers)
    if len(notices) == 1:
        return f"{notices[0].text}\n{footer}"
    head = HEAD.format(n=len(notices))
    kept: list[str] = []
    for i, notice in enumerate(notices):
        rest = len(notices) - i - 1
        more = [MORE.format(n=rest) if rest > 1 else MORE_ONE] if rest else []
        candidate = "\n\n".join([head, *kept, notice.text, *more]) + f"\n{footer}"
        if kept and shown_length(candidate) > limit:
            break
        kept.append(notice.text)
    left = len(notices) - len(kept)
    more = [MORE.format(n=left) if left > 1 else MORE_ONE] if left else []
    return "\n\n".join([head, *kept, *more]) + f"\n{footer}"
