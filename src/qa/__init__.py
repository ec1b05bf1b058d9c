"""qa: answer French questions on social housing in Hauts-de-France from sourced facts.

The library never imports Telegram; the bot (package `bot`) turns its answers into messages.
"""

from __future__ import annotations

from .build import BuildSummary, build
from .engine import Engine
from .errors import FactBaseError, KnowledgeError, QAError
from .records import Answer, Axis, Context, Document, Fact, Source, Status, Suggestion

__all__ = [
    "Answer",
    "Axis",
    "BuildSummary",
    "Context",
    "Document",
    "Engine",
    "Fact",
    "FactBaseError",
    "KnowledgeError",
    "QAError",
    "Source",
    "Status",
    "Suggestion",
    "build",
]
