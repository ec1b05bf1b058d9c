"""Turn decided facts into the reply a person reads: plain text and Telegram HTML.

Numbers are written the French way (narrow no-break space between thousands, decimal
comma). Every answered fact shows its scope (place, year), the document it comes from and
the quote, so the user can check and cite it. HTML output escapes every value.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .records import Document, Fact, Source

__all__ = ["Rendered", "format_number", "french_numbers", "render_facts", "scope_of", "source_of"]

NNBSP = "\u202f"  # narrow no-break space, the French thousands separator
_GROUPED = re.compile(r"(?<![\d,.])\d{1,3}(?: \d{3})+(?![\d])")
_PLACE_LABELS = {"hauts-de-france": "Hauts-de-France", "aisne": "Aisne"}


def format_number(value: float) -> str:
    """12345.6 -> '12 345,6' with narrow no-break spaces."""
    text = f"{value:,.1f}" if value != int(value) else f"{int(value):,}"
    return text.replace(",", NNBSP).replace(".", ",")


def french_numbers(text: str) -> str:
    """Use narrow no-break spaces in the digit groups of a curated sentence ("3 616")."""
    return _GROUPED.sub(lambda m: m.group().replace(" ", NNBSP), text)


def scope_of(fact: Fact) -> str:
    parts = []
    if fact.geo:
        parts.append(_PLACE_LABELS.get(fact.geo, fact.geo))
    if fact.year:
        parts.append(f"année {fact.year}")
    return ", ".join(parts)


def source_of(fact: Fact, document: Document) -> Source:
    return Source(document=document.id, title=document.title, publisher=_origin(document), quote=fact.quote)


def _origin(document: Document) -> str:
    return document.publisher or document.origin


@dataclass(frozen=True)
class Rendered:
    text: str
    html: str


def _bold_value(answer: str, fact: Fact) -> str:
    """Escape `answer` for HTML and put the fact's value in bold where it appears."""
    value = french_numbers(fact.value)
    escaped = html.escape(answer)
    target = html.escape(value)
    if target and target in escaped:
        return escaped.replace(target, f"<b>{target}</b>", 1)
    return escaped


def render_facts(
    main: Sequence[Fact],
    documents: Mapping[str, Document],
    *,
    lead: str = "",
    extra: Sequence[tuple[str, Fact]] = (),
    tail: str = "",
) -> Rendered:
    """The reply for answered facts: `main` facts, then `extra` (label, fact) mentions."""
    text_lines: list[str] = [lead] if lead else []
    html_lines: list[str] = [html.escape(lead)] if lead else []
    for fact in main:
        answer = french_numbers(fact.answer)
        scope = scope_of(fact) if fact.kind == "figure" else ""  # a person's sentence says its place
        suffix = f" ({scope})" if scope else ""
        text_lines.append(answer + suffix)
        html_lines.append(_bold_value(answer, fact) + html.escape(suffix))
    for label, fact in extra:
        answer = french_numbers(fact.answer)
        scope = scope_of(fact)
        line = (f"{label} : {answer}" if label else answer) + (f" ({scope})" if scope else "")
        text_lines.append(line)
        html_lines.append(html.escape(line))
    if tail:
        text_lines.append(tail)
        html_lines.append(html.escape(tail))
    # One "Source" line per document, then each distinct quote taken from it.
    quotes_by_document: dict[str, list[str]] = {}
    for fact in [*main, *(f for _, f in extra)]:
        quotes = quotes_by_document.setdefault(fact.document_id, [])
        if fact.quote not in quotes:
            quotes.append(fact.quote)
    for document_id, quotes in quotes_by_document.items():
        document = documents[document_id]
        origin = _origin(document)
        where = f"« {document.title} »" + (f" ({origin})" if origin else "")
        text_lines.append(f"Source : {where}")
        html_lines.append(f"<i>Source : {html.escape(where)}</i>")
        for quote in quotes:
            text_lines.append(f"« {quote} »")
            html_lines.append(f"<blockquote>{html.escape(quote)}</blockquote>")
    return Rendered("\n".join(text_lines), "\n".join(html_lines))
