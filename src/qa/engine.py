"""The question-answering engine: find the questions, read, resolve, decide, reply.

`Engine.ask(message, context)` is pure and synchronous: the fact base is read once by
`Engine.load` and nothing touches the disk afterwards. The context returned with each
answer carries the slots of the conversation, so "et dans le Cher ?" reuses the question
before it. A message may hold chatter and up to three questions; each is answered.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from . import texts
from .config import default_facts_db
from .errors import FactBaseError
from .factbase import read_factbase
from .lexicon import Lexicon
from .matcher import FactIndex, FactSymbols, fact_vocabulary
from .query import Decision, Query
from .reading import Reading, read
from .records import Answer, Context, Document, Fact, Source, Status, Suggestion, Topic
from .render import MAX_REPLY, source_of
from .replies import Replies
from .resolve import Resolver, Shared
from .rules import Decider
from .segment import REQUEST, parts, question_tail, split_and, two_asks

__all__ = ["Engine"]

MAX_QUESTIONS = 3  # questions answered in one message
READINGS_KEPT = 5_000
SPLIT_COVER = 0.75  # an answer that explains less of "X et Y ?" than this: try X and Y apart


@dataclass(frozen=True)
class _Part:
    """One question of a message, answered."""

    text: str
    answer: Answer
    decision: Decision | None
    asked: bool  # it reads as a question: a question mark, a question word, a request


class Engine:
    def __init__(self, documents: dict[str, Document], facts: list[Fact], lexicon: Lexicon, *,
                 symbols: dict[str, FactSymbols] | None = None, vocabulary: list[str] | None = None,
                 common_words: list[str] | None = None) -> None:
        """Prefer Engine.load; `symbols` and `vocabulary` are what `qa build` precomputed."""
        self._documents = documents
        self._facts = {f.id: f for f in facts}
        self.lexicon = lexicon
        lexicon.places.learn_facts(f.place for f in facts)
        lexicon.learn(vocabulary if vocabulary is not None else fact_vocabulary(facts, lexicon),
                      common=common_words or ())
        self.index = FactIndex(facts, lexicon, symbols)
        self.resolver = Resolver(lexicon, self._facts, self.index.persons)
        self.decider = Decider(self._facts, self.index, lexicon, self.resolver)
        self.replies = Replies(documents, self._facts, lexicon, self.index)
        self._list_nouns = frozenset(self.resolver.nouns)
        self._topics = self._make_topics()
        self._readings: dict[str, Reading] = {}

    # ----------------------------------------------------------------- loading
    @classmethod
    def load(cls, path: str | Path | None = None) -> Engine:
        """Load the fact base that `qa build` wrote; only reads (rebuilding is `qa build`)."""
        db_path = Path(path) if path is not None else default_facts_db()
        if not db_path.exists():
            raise FactBaseError(f"{db_path}: fact base not found; run `qa build` first")
        base = read_factbase(db_path)
        return cls(base.documents, base.facts, Lexicon(base.meta["lexicon"], base.meta["places"]),
                   symbols=base.symbols, vocabulary=base.meta["vocabulary"], common_words=base.meta["common_words"])

    # ------------------------------------------------------------ public lists
    def _make_topics(self) -> tuple[Topic, ...]:
        topics: list[Topic] = []
        for head in self._facts.values():
            if head.kind != "list" or not head.subscribable:
                continue
            items = sorted((f for f in self._facts.values() if f.list_id == head.id), key=lambda f: f.n or 0)
            for item in items:
                topics.append(Topic(n=len(topics) + 1, key=item.id, title=item.value, text=item.quote,
                                    list_title=head.attribute, noun=head.noun or ""))
        return tuple(topics)

    def topics(self) -> tuple[Topic, ...]:
        """The items of the subscribable lists, numbered as `/abonner n` takes them."""
        return self._topics

    def documents(self) -> tuple[Document, ...]:
        return tuple(self._documents[k] for k in sorted(self._documents))

    def contacts(self) -> tuple[Fact, ...]:
        return tuple(f for f in self._facts.values() if f.kind == "contact")

    def facts(self) -> tuple[Fact, ...]:
        return tuple(self._facts.values())

    def fact(self, fact_id: str) -> Fact:
        return self._facts[fact_id]

    def source_of(self, fact: Fact) -> Source:
        return source_of(fact, self._documents[fact.document_id])

    def suggest(self, fact: Fact) -> Suggestion:
        """The button that asks for `fact` (its label and a question with its scope)."""
        return self.replies.suggest(fact)

    def can_answer(self) -> str:
        """What the base is about, from each document's `topics` line."""
        return self.replies.can_answer

    def examples(self) -> tuple[str, ...]:
        return self.replies.examples

    # --------------------------------------------------------------- answering
    def read(self, text: str) -> Reading:
        """`text` read into slots; a message's parts are read more than once (whole, part,
        split), so readings are kept (bounded: a flood of distinct texts cannot grow it)."""
        found = self._readings.get(text)
        if found is None:
            if len(self._readings) > READINGS_KEPT:
                self._readings.clear()
            found = self._readings[text] = read(self.lexicon, text, list_nouns=self._list_nouns)
        return found

    def forget_readings(self) -> None:
        """Empty every cache of the reading (benchmarks time questions read from scratch)."""
        self._readings.clear()
        self.lexicon.forget()

    def answer_fact(self, fact_id: str, context: Context | None = None) -> Answer:
        """Answer one fact directly (a clarification button); KeyError if it does not exist."""
        fact = self._facts[fact_id]
        reading = self.read(fact.phrasings[0] if fact.phrasings else fact.attribute)
        query = Query(reading=reading, concepts={c: 1.0 for c in reading.concepts},
                      places=(fact.place,) if fact.place else ())
        return self.replies.answered(query, Decision(status="answered", facts=(fact,), confidence=1.0))

    def ask(self, message: str, context: Context | None = None) -> Answer:
        message = message.strip()[:4096]
        if not any(ch.isalnum() for ch in message):
            return self.replies.plain(texts.EMPTY.format(example=self.examples()[0]), context)
        whole = self.read(message)
        if whole.smalltalk and not whole.concepts and not whole.kinds:
            return self._smalltalk(whole, context)
        pieces = parts(message)
        if len(pieces) <= 1:
            return self._single(message, context)[0]
        return self._several(pieces, context)

    def _smalltalk(self, reading: Reading, context: Context | None) -> Answer:
        message = {"thanks": texts.THANKS, "bye": texts.BYE}.get(reading.smalltalk or "")
        if message is None:
            lead = texts.ABOUT if reading.smalltalk == "about" else texts.GREETING
            message = f"{lead}\n{self.can_answer()}" if self.can_answer() else lead
        return self.replies.plain(message, context)

    def _single(self, text: str, context: Context | None, shared: Shared | None = None,
                ) -> tuple[Answer, Decision | None]:
        asks = two_asks(text)
        if asks:  # "où et quand aura lieu X ?": each question word is its own question
            both = self._several(asks, context, split=False)
            if both.status == "answered":
                return both, None
        answer, decision = self._one(text, context, shared)
        if " et " not in text or (answer.status == "answered" and (decision is None or decision.cover >= SPLIT_COVER)):
            return answer, decision
        tail = question_tail(text)
        if answer.status != "answered" and tail:
            # "... ma collègue m'a dit que vous aviez les chiffres, du coup je voulais savoir combien
            # de ... ?": the question is the end; what comes before only chats (it names nothing else).
            found, why = self._one(tail, context, shared)
            if found.status == "answered" and self._only_chats(text[: len(text) - len(tail)], found):
                return found, why
        # "prêts accordés et places créées dans le Cher ?": two questions in one.
        for left, right in split_and(text):
            both = self._several([left, f"et {right}"], context, split=False)
            new = set(both.facts) - (set(answer.facts) if answer.status == "answered" else set())
            if both.status == "answered" and len(new) >= 1 and len(both.facts) >= 2:
                return both, decision
        return answer, decision

    def _several(self, pieces: list[str], context: Context | None, *, split: bool = True) -> Answer:
        """Answer each question of the message; chatter is left out, never reported unknown."""
        readings = [self.read(p) for p in pieces]
        asked = [self._asks(p, r) for p, r in zip(pieces, readings, strict=True)]
        if split:
            pieces, readings, asked = self._join_topics(pieces, readings, asked)
        questions = [r for r, a in zip(readings, asked, strict=True) if a]  # chatter lends no place nor year
        years = tuple(dict.fromkeys(y for r in questions for y in r.years if y))
        places = tuple(dict.fromkeys(p for r in questions for p in self.resolver.region_words(r, context)))
        shared = Shared(years if len(years) == 1 else (), places if len(places) == 1 else ())
        done: list[_Part] = []
        current = context
        for text, reading, question in zip(pieces, readings, asked, strict=True):
            if reading.smalltalk and not reading.concepts:
                continue
            if split and not question:
                # Chatter is not answered, but "il y a un article sur les rencontres de l'Union X.
                # Elles ont eu lieu quand ?" needs what it names.
                named = reading.entities
                if named:
                    current = replace(current or Context(), entity=named[0], subject=named[0], concepts=named)
                continue
            answer, decision = self._single(text, current, shared) if split else self._one(text, current, shared)
            if answer.status == "answered" and any(set(answer.facts) == set(p.answer.facts) for p in done):
                continue  # "qui est X et quel est son mail ?": one fact answers both, once
            done.append(_Part(text, answer, decision, question))
            if answer.status == "answered":
                current = answer.context
        answered = [p for p in done if p.answer.status == "answered"]
        if not answered:
            if done:  # the most telling refusal: one that says what was checked, or shows a fact
                return max(reversed(done), key=self._telling).answer
            return self._single(" ".join(pieces), context)[0]
        unanswered = [p for p in done if p.answer.status != "answered" and "?" in p.text]
        chosen = sorted([*answered, *unanswered], key=lambda p: done.index(p))[:MAX_QUESTIONS]
        return self._combine(chosen)

    def _only_chats(self, prefix: str, answer: Answer) -> bool:
        """Whether the words before a question name no place, year, role or thing the answer is not about."""
        reading = self.read(prefix)
        cited = [self._facts[f] for f in answer.facts]
        vocab = frozenset().union(*(self.index.entries[f.id].vocab for f in cited))
        places = {f.place for f in cited}
        return (reading.role is None and all(y in {f.year for f in cited} for y in reading.years)
                and all(p in places for p in reading.places) and all(e in vocab for e in reading.entities))

    @staticmethod
    def _telling(part: _Part) -> tuple[bool, bool, bool]:
        """How much a refusal tells: a clarification, a fact shown, a reason that was checked."""
        checked = part.decision is not None and part.decision.reason not in ("topic", "empty", "")
        return part.answer.status == "clarify", bool(part.answer.sources), checked

    @staticmethod
    def _asks(text: str, reading: Reading) -> bool:
        """It reads as a question: a question mark, a question word, a check, a request."""
        return "?" in text or bool(reading.kinds) or reading.asks or reading.check is not None or bool(
            REQUEST.search(text))

    def _join_topics(self, pieces: list[str], readings: list[Reading], asked: list[bool],
                     ) -> tuple[list[str], list[Reading], list[bool]]:
        """"PNRQAD dans le Cher : combien investi ?": a topic that only names things joins its question."""
        out: tuple[list[str], list[Reading], list[bool]] = ([], [], [])
        i = 0
        while i < len(pieces):
            r = readings[i]
            names = bool(r.concepts or r.places or r.years or r.place_kind)
            if i + 1 < len(pieces) and not asked[i] and asked[i + 1] and names and not r.unknown:
                joined = f"{pieces[i]} {pieces[i + 1]}"
                out[0].append(joined)
                out[1].append(self.read(joined))
                out[2].append(True)
                i += 2
                continue
            out[0].append(pieces[i])
            out[1].append(r)
            out[2].append(asked[i])
            i += 1
        return out

    def _combine(self, chosen: list[_Part]) -> Answer:
        if len(chosen) == 1:
            return chosen[0].answer
        texts_, htmls = [], []
        for part in chosen:
            answer = part.answer
            if answer.status == "answered":
                texts_.append(answer.text)
                htmls.append(answer.html)
            else:  # a part that cannot be answered says so on its own line
                first = answer.text.split("\n")[0]
                line = texts.PART_UNKNOWN.format(part=part.text.strip()[:80], reply=first)
                texts_.append(line)
                htmls.append(line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
        text, markup = "\n\n".join(texts_), "\n\n".join(htmls)
        if len(markup) > MAX_REPLY:  # each part stays readable: keep the first ones whole
            keep = max(1, len(chosen) - 1)
            return self._combine(chosen[:keep])
        answered = [p.answer for p in chosen if p.answer.status == "answered"]
        # Answered only when every question is: a part left unanswered makes the whole reply partial.
        status: Status = "answered" if len(answered) == len(chosen) else "unknown"
        return Answer(
            status=status, text=text, html=markup,
            sources=tuple(dict.fromkeys(s for a in answered for s in a.sources)),
            confidence=min(a.confidence for a in answered),
            facts=tuple(dict.fromkeys(f for a in answered for f in a.facts)),
            suggestions=tuple(dict.fromkeys(s for a in answered for s in a.suggestions))[:4],
            context=answered[-1].context,
        )

    # ------------------------------------------------------------ one question
    def _one(self, text: str, context: Context | None, shared: Shared | None = None) -> tuple[Answer, Decision | None]:
        reading = self.read(text)
        if reading.smalltalk and not reading.concepts and not reading.kinds:
            return self._smalltalk(reading, context), None
        if context and context.candidates and self._picks_candidate(reading, context):
            choice = reading.ordinal or int(reading.concepts[0])
            return self.answer_fact(context.candidates[choice - 1], context), None
        if reading.negation and not reading.smalltalk:
            return self.replies.plain(texts.NEGATION, context), None
        query = self.resolver.query(reading, None, shared)
        decision = self.decider.decide(query, None)
        follows = reading.followup or reading.pronoun or reading.step != 0 or reading.year_shift != 0
        if context and (context.concepts or context.fact_ids or context.list_id) and (
                follows or decision.status != "answered"):
            merged = self.resolver.query(reading, context, shared)
            merged_decision = self.decider.decide(merged, context)
            # A follow-up ("et neufs ?" after "en Bretagne") keeps the conversation's slots
            # even when that means "je ne sais pas"; a question that names its own subject
            # stands alone unless only the conversation makes it answerable.
            leans = follows or not reading.concepts
            guess = (self._changes_subject(merged, merged_decision, context) and decision.status != "answered"
                     and not reading.pronoun)
            if (leans or merged_decision.status == "answered") and not guess:
                decision, query = merged_decision, merged
        if reading.english and decision.status != "answered":
            return self.replies.plain(texts.ENGLISH.format(example=self.examples()[0]), context), decision
        if decision.status == "answered":
            answer = self.replies.answered(query, decision)
            if reading.english:
                answer = replace(answer, text=f"{texts.ENGLISH_PREFIX}\n{answer.text}",
                                 html=f"{texts.ENGLISH_PREFIX}\n{answer.html}")
            return answer, decision
        if decision.status == "clarify":
            return self.replies.clarify(query, decision), decision
        return self.replies.unknown(query, decision), decision

    @staticmethod
    def _picks_candidate(reading: Reading, context: Context) -> bool:
        n = len(context.candidates)
        if reading.ordinal is not None and not reading.concepts:
            return 1 <= reading.ordinal <= n
        return len(reading.concepts) == 1 and reading.concepts[0].isdigit() and 1 <= int(reading.concepts[0]) <= n

    def _changes_subject(self, query: Query, decision: Decision, context: Context) -> bool:
        """An answer to "et combien d'euros ?" that shares nothing with the conversation."""
        if decision.status != "answered" or not query.new_concepts or not decision.facts:
            return False
        vocab = self.index.entries[decision.facts[0].id].vocab
        carried = set(context.concepts) - query.new_concepts
        return bool(carried) and not (carried & vocab)

    def explain(self, message: str, context: Context | None = None) -> Decision | None:
        """The decision behind the reply to a one-question message (for `qa check`)."""
        return self._one(message.strip(), context)[1]
