"""`qa draft`, writing: TOML for the facts, the metadata and the lexicon proposal.

Written by hand (a few value types) so that the files read like the curated ones: one
`[[fact]]` table after another, keys in the order of knowledge/README.md.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["FACT_ORDER", "toml_table", "toml_value"]

FACT_ORDER = (
    "id", "kind", "document", "quote", "subject", "attribute", "value", "value_number", "unit", "metric", "place",
    "year", "role", "person", "list", "n", "noun", "subscribable", "channel", "answer", "keywords", "phrasings",
    "related", "draft",
)


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a TOML basic string


def toml_table(table: dict[str, Any], order: tuple[str, ...] = FACT_ORDER) -> str:
    keys = [k for k in order if k in table] + sorted(k for k in table if k not in order)
    return "".join(f"{k} = {toml_value(table[k])}\n" for k in keys if table[k] not in (None, "", [], ()))
