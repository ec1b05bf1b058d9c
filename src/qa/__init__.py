"""qa: answer French questions on social housing from sourced facts.

The library never imports Telegram; the bot (package `bot`) turns its answers into messages.
"""

from __future__ import annotations

from .build import BuildSummary, build
from .engine import Engine
from .errors import FactBaseError, KnowledgeError, QAError
from .records import Answer, Context, Document, Fact, Place, Source, Status, Suggestion, Topic

__all__ = [
    "Answer",
    "BuildSummary",
    "Context",
    "Document",
    "Engine",
    "Fact",
    "FactBaseError",
    "KnowledgeError",
    "Place",
    "QAError",
    "Source",
    "Status",
    "Suggestion",
    "Topic",
    "build",
]
