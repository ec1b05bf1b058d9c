"""The engine's exceptions: one base class, so callers can catch them all."""

from __future__ import annotations


class QAError(Exception):
    """Base class of every error the qa package raises on purpose."""


class KnowledgeError(QAError):
    """The curated knowledge is inconsistent; the message names the file and the fact."""


class FactBaseError(QAError):
    """The fact base is missing, unreadable or from an incompatible build."""
