"""Turn decided facts into the reply a person reads: plain text and Telegram HTML.

Numbers are written the French way (narrow no-break space between thousands, decimal
comma). Every answered fact shows its scope (place, year) once, the document it comes
from and the quote, so the user can check and cite it. HTML output escapes every value,
and a reply never exceeds Telegram's 4 096 characters: quotes are shortened first.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from .records import Document, Fact, Source

__all__ = ["MAX_REPLY", "Line", "Rendered", "french_numbers", "render", "source_of"]

NNBSP = "\u202f"  # narrow no-break space, the French thousands separator
MAX_REPLY = 4000  # Telegram's limit is 4 096 characters: keep a margin for the bot's own markup
MAX_QUOTE = 600  # a quote longer than this is cut (with "…") when a reply would be too long
_GROUPED = re.compile(r"(?<![\d,.])\d{1,3}(?: \d{3})+(?![\d])")


def french_numbers(text: str) -> str:
    """Use narrow no-break spaces in the digit groups of a curated sentence ("3 616")."""
    return _GROUPED.sub(lambda m: m.group().replace(" ", NNBSP), text)


def source_of(fact: Fact, document: Document) -> Source:
    return Source(document=document.id, title=document.title, publisher=_origin(document), quote=fact.quote)


def _origin(document: Document) -> str:
    return document.publisher or document.origin


@dataclass(frozen=True)
class Line:
    """One line of a reply: plain text, and optionally the fact whose value goes in bold."""

    text: str
    fact: Fact | None = None


@dataclass(frozen=True)
class Rendered:
    text: str
    html: str


def _bold_value(line: str, fact: Fact | None) -> str:
    """Escape `line` for HTML and put the fact's value in bold where it appears."""
    escaped = html.escape(line)
    if fact is None:
        return escaped
    target = html.escape(french_numbers(fact.value))
    if target and target in escaped:
        return escaped.replace(target, f"<b>{target}</b>", 1)
    return escaped


def _cut(quote: str, limit: int) -> str:
    quote = " ".join(quote.split())  # one line, whatever the document's layout
    return quote if len(quote) <= limit else quote[: limit - 1].rstrip() + "…"


def render(lines: Sequence[Line], cited: Sequence[Fact], documents: Mapping[str, Document],
           *, tail: Sequence[str] = ()) -> Rendered:
    """The reply: its lines, one "Source" line per document with each distinct quote, then `tail`."""
    by_document: dict[str, list[str]] = {}
    for fact in cited:
        quotes = by_document.setdefault(fact.document_id, [])
        if fact.quote not in quotes:
            quotes.append(fact.quote)
    limit = MAX_QUOTE * 4
    while True:
        text_lines = [line.text for line in lines]
        html_lines = [_bold_value(line.text, line.fact) for line in lines]
        for document_id, quotes in by_document.items():
            document = documents[document_id]
            origin = _origin(document)
            where = f"« {document.title} »" + (f" ({origin})" if origin else "")
            text_lines.append(f"Source : {where}")
            html_lines.append(f"<i>Source : {html.escape(where)}</i>")
            for quote in quotes:
                text_lines.append(f"« {_cut(quote, limit)} »")
                html_lines.append(f"<blockquote>{html.escape(_cut(quote, limit))}</blockquote>")
        text_lines.extend(tail)
        html_lines.extend(html.escape(t) for t in tail)
        text, markup = "\n".join(text_lines), "\n".join(html_lines)
        if len(markup) <= MAX_REPLY or limit <= 80:
            return Rendered(_fit(text), _fit(markup, escape=html.escape))
        limit //= 2


def _fit(text: str, escape: Callable[[str], str] | None = None) -> str:
    """Last resort for a reply still too long: cut whole lines and say so."""
    if len(text) <= MAX_REPLY:
        return text
    note = "… (réponse raccourcie)"
    kept: list[str] = []
    size = len(note) + 1
    for line in text.split("\n"):
        if size + len(line) + 1 > MAX_REPLY or (escape is not None and line.count("<") != line.count(">")):
            break
        kept.append(line)
        size += len(line) + 1
    return "\n".join([*kept, note])
