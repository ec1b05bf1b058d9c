"""What `qa publish --dry-run` prints: per topic, the notices a run would queue and how many
subscribers get them, then one digest as a subscriber would read it (Telegram shows the HTML
without its tags). The curator reads it before running `qa publish`."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .notices import Notice
from .records import Topic
from .state_schema import Digest

__all__ = ["Preview"]

_TAG = re.compile(r"</?[a-z]+>")
RULE = "-" * 60


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def shown(markup: str) -> str:
    """A message as Telegram shows it: the tags dropped, the entities decoded."""
    return html.unescape(_TAG.sub("", markup))


@dataclass(frozen=True)
class Preview:
    result: str  # the line `qa publish` would print
    topics: tuple[Topic, ...]
    labels: Mapping[str, str]  # topic key -> "axe 2 « … »"
    notices: Sequence[Notice]
    followers: Mapping[int, frozenset[str]]
    digests: Sequence[Digest]
    state_exists: bool

    def render(self, state: Path) -> str:
        lines = [f"dry run (nothing written): {self.result} (state: {state})"]
        if not self.state_exists:
            lines.append("no state database yet: nobody has subscribed, and the first run records the baseline")
        quiet = 0
        for topic in self.topics:
            mine = [n for n in self.notices if topic.key in n.topics]
            if not mine:
                quiet += 1
                continue
            followers = sum(1 for keys in self.followers.values() if topic.key in keys)
            label = self.labels.get(topic.key, topic.key)
            lines.append(f"topic {topic.n}, {label}: {_plural(len(mine), 'notice', 'notices')} "
                         f"for {_plural(followers, 'subscriber', 'subscribers')}")
            lines.extend(f"  {n.summary}" for n in mine)
        if self.topics and quiet:
            every = quiet == len(self.topics)
            lines.append(f"{'every topic' if every else _plural(quiet, 'other topic', 'other topics')}: nothing new")
        if not self.topics:
            lines.append("the fact base declares no subscribable list: there is no topic to publish to")
        if self.digests:
            sample = max(self.digests, key=lambda d: (len(d.text), -d.chat_id))
            lines += [f"the longest of the {_plural(len(self.digests), 'digest', 'digests')}, "
                      "as its subscriber would read it:", RULE, shown(sample.text), RULE]
        return "\n".join(lines)
