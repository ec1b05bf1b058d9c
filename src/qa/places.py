"""The places hierarchy of places.toml: regions contain départements, which contain towns.

The engine never names a place in its code: which places exist, what they contain and
which of them the base has figures for all come from here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .records import Place

__all__ = ["Places"]


class Places:
    def __init__(self, table: Mapping[str, Any]) -> None:
        self.by_id: dict[str, Place] = {
            key: Place(id=key, label=str(p["label"]), kind=str(p["kind"]), the=str(p.get("the", p["label"])),
                       parent=p.get("parent"))
            for key, p in table.items()
        }
        self.authority: dict[str, str] = {k: str(p["authority"]) for k, p in table.items() if p.get("authority")}
        self.with_facts: frozenset[str] = frozenset()

    def __contains__(self, key: object) -> bool:
        return key in self.by_id

    def get(self, key: str | None) -> Place | None:
        return self.by_id.get(key) if key else None

    def label(self, key: str) -> str:
        place = self.by_id.get(key)
        return place.label if place else key

    def the(self, key: str) -> str:
        """The place with its article, as in "pour le Cher", "pour le Nord", "pour Lille"."""
        place = self.by_id.get(key)
        return place.the if place else key

    def kind(self, key: str) -> str | None:
        place = self.by_id.get(key)
        return place.kind if place else None

    def ancestors(self, key: str) -> list[str]:
        """The places that contain `key`, nearest first."""
        out: list[str] = []
        parent = self.by_id[key].parent if key in self.by_id else None
        while parent and parent in self.by_id and parent not in out:
            out.append(parent)
            parent = self.by_id[parent].parent
        return out

    def contains(self, outer: str, inner: str) -> bool:
        return outer in self.ancestors(inner)

    def of_kind(self, key: str, kind: str) -> str | None:
        """`key` itself or its nearest ancestor of that kind ("région" of the Cher)."""
        for candidate in (key, *self.ancestors(key)):
            if self.kind(candidate) == kind:
                return candidate
        return None

    def depth(self, key: str) -> int:
        return len(self.ancestors(key))

    def learn_facts(self, places: Iterable[str | None]) -> None:
        """Record which places the base has facts for (read when the engine loads)."""
        self.with_facts = frozenset(p for p in places if p)
