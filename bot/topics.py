"""The topics users subscribe to, as the fact base declares them: numbers, labels, parsing.

The items of the subscribable lists of the base (`Engine.topics()`) are numbered 1 to N
across all those lists, in order: `/abonner 2`, `/desabonner tout` and the buttons take those
numbers; the state database stores each topic's key (the item's fact id), which does not
change when another list is added. Nothing here knows how many topics there are, nor what
they are called: a curator adds a subscribable list and the bot offers it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from qa import Engine, Fact, Topic
from qa.normalize import fold, normalize

from . import texts

__all__ = ["MAX_LISTED", "TopicGroup", "Topics"]

_ALL = frozenset({"tout", "tous", "toutes", "all"})
# Words around the numbers ("l'axe n° 2 et le 3"): filler, as are the nouns of the lists.
_FILLER = frozenset({"l", "le", "la", "les", "et", "n", "no", "numero", "numeros", "sujet", "sujets"})
# Not "-": "1-3" could mean 1 to 3; refused, it is asked again rather than half understood.
_SEPARATORS = re.compile(r"[\s,;.+/'’&°]+")
_ONE = frozenset({"un", "une"})  # the normaliser keeps them as words (mostly articles elsewhere)
MAX_LISTED = 3  # a confirmation names up to this many topics; beyond, it gives their numbers
MAX_LABEL = 120


@dataclass(frozen=True)
class TopicGroup:
    """The topics of one subscribable list, for /axes."""

    list_id: str
    heading: str  # the list's own sentence ("… s'organise autour de … axes :"), from the base
    source: str  # the title of its document
    topics: tuple[Topic, ...]


def _fact(engine: Engine, fact_id: str | None) -> Fact | None:
    try:
        return engine.fact(fact_id) if fact_id else None
    except KeyError:
        return None


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _label(topic: Topic, item: Fact | None) -> str:
    """"axe 2 « Produire et réhabiliter »": the list's noun, the item's number in its own list
    (the topic's number is the same for the first list only) and its title."""
    if not topic.noun:
        return _cut(texts.TOPIC_LABEL_UNNAMED.format(title=topic.title), MAX_LABEL)
    n = item.n if item is not None and item.n is not None else topic.n
    return _cut(texts.TOPIC_LABEL.format(noun=topic.noun, n=n, title=topic.title), MAX_LABEL)


@dataclass(frozen=True)
class Topics:
    all: tuple[Topic, ...] = ()
    groups: tuple[TopicGroup, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)  # key -> "axe 2 « Produire… »" (plain)
    nouns: frozenset[str] = frozenset()  # the lists' nouns, folded, singular and plural

    @classmethod
    def of(cls, engine: Engine) -> Topics:
        topics = engine.topics()
        groups: list[TopicGroup] = []
        labels: dict[str, str] = {}
        for topic in topics:
            item = _fact(engine, topic.key)
            head = _fact(engine, item.list_id if item is not None else None)
            labels[topic.key] = _label(topic, item)
            list_id = head.id if head is not None else topic.list_title
            if groups and groups[-1].list_id == list_id:
                last = groups[-1]
                groups[-1] = TopicGroup(last.list_id, last.heading, last.source, (*last.topics, topic))
                continue
            heading = (head.answer or head.attribute) if head is not None else topic.list_title
            source = engine.source_of(head).title if head is not None else ""
            groups.append(TopicGroup(list_id, heading, source, (topic,)))
        nouns = {fold(t.noun) for t in topics if t.noun}
        nouns |= {f"{n}s" for n in nouns if not n.endswith(("s", "x"))}
        return cls(topics, tuple(groups), labels, frozenset(nouns))

    # ---------------------------------------------------------------- lookups
    def __len__(self) -> int:
        return len(self.all)

    def by_number(self, n: int) -> Topic | None:
        return self.all[n - 1] if 1 <= n <= len(self.all) else None

    def by_key(self, key: str) -> Topic | None:
        return next((t for t in self.all if t.key == key), None)

    def keys(self, topics: Iterable[Topic]) -> tuple[str, ...]:
        return tuple(t.key for t in topics)

    def known(self, keys: Iterable[str]) -> tuple[Topic, ...]:
        """The topics of these keys, in the base's order (keys the base lacks are left out)."""
        wanted = set(keys)
        return tuple(t for t in self.all if t.key in wanted)

    def label(self, topic: Topic) -> str:
        return self.labels.get(topic.key) or _label(topic, None)

    # ---------------------------------------------------------------- parsing
    @staticmethod
    def says_all(args: Sequence[str]) -> bool:
        """Whether the arguments say "tout" (every topic)."""
        return any(word in _ALL for word in _SEPARATORS.split(fold(" ".join(args))))

    def parse(self, args: Sequence[str]) -> tuple[Topic, ...] | None:
        """The topics named by command arguments: () for none, None when a word is not one.

        "2", "1 3", "1,3", "axe 2", "deuxième", "deux", "tout". Anything else ("99", "deux
        cents") is refused as a whole, so that a typo never changes a subscription."""
        found: set[int] = set()
        for word in _SEPARATORS.split(fold(" ".join(args))):
            if not word or word in _FILLER or word in self.nouns:
                continue
            if word in _ALL:
                found.update(t.n for t in self.all)
                continue
            n = _number(word)
            if n is None or self.by_number(n) is None:
                return None
            found.add(n)
        return tuple(t for t in self.all if t.n in found)


def _number(word: str) -> int | None:
    """ "2", "deux", "deuxième", "2e", "second": 2; None for anything else."""
    if word.isdigit():
        return int(word)
    if word in _ONE:
        return 1
    if not word.isalnum():  # "-1", "2bis!": not a number the way people write one
        return None
    normal = normalize(word)
    if normal.isdigit():
        return int(normal)
    if normal.startswith("#") and normal[1:].isdigit():  # an ordinal
        return int(normal[1:])
    return None
