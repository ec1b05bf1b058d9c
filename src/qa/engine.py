"""The question-answering engine: read, match, decide, render.

`Engine.ask(question, context)` is pure and synchronous: the fact base is read once by
`Engine.load` and nothing touches the disk afterwards. The context returned with each
answer carries the slots of the conversation, so "et dans l'Aisne ?" reuses the question
before it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from . import texts
from .build import SCHEMA_VERSION, build, knowledge_digest
from .config import default_facts_db, default_knowledge
from .errors import FactBaseError
from .factbase import built_from, read_factbase
from .lexicon import Lexicon, Reading
from .matcher import FactIndex, FactSymbols, Scored, fact_vocabulary
from .records import Answer, Axis, Context, Document, Fact, Source, Suggestion
from .render import source_of
from .replies import Decision, Query, Replies

__all__ = ["Engine"]

# Decision thresholds, tuned on the dev set and tests/qa/cases.jsonl together.
ANSWER_MIN = 0.62  # score of the best fact to answer it
COVER_MIN = 0.6  # share of the question the answered fact must explain
MARGIN = 0.08  # lead over the runner-up to answer rather than ask
CLARIFY_MIN = 0.42  # candidates worth offering in a clarification
CLARIFY_BAND = 0.15  # how close to the best a candidate must be to be offered
CLARIFY_MAX = 5  # candidates offered at most (the five présidents of the documents fit)
FOLLOWUP_WEIGHT = 0.5  # weight of the previous question's concepts in a follow-up
AISNE_PENALTY = 0.1  # with no place given, the region's figure comes first
PLACE_BONUS = 0.05  # a fact of the very place asked comes before a fact without a place
SAME_KIND_BONUS = 0.05  # in a follow-up, a fact of the kind just answered comes first


class Engine:
    def __init__(self, documents: dict[str, Document], facts: list[Fact], lexicon: Lexicon,
                 axis_of: dict[str, int], *, symbols: dict[str, FactSymbols] | None = None,
                 vocabulary: list[str] | None = None) -> None:
        """Prefer Engine.load; `symbols` and `vocabulary` are what `qa build` precomputed."""
        self._documents = documents
        self._facts = {f.id: f for f in facts}
        self._axis_of = axis_of
        self._fact_of_axis = {n: self._facts[fid] for fid, n in axis_of.items()}
        self._figures = tuple(f for f in facts if f.kind == "figure" and (f.geo or f.year))
        self.lexicon = lexicon
        lexicon.learn(vocabulary if vocabulary is not None else fact_vocabulary(facts, lexicon))
        self.index = FactIndex(facts, lexicon, symbols)
        self.replies = Replies(documents, self._facts, lexicon, self.index, axis_of)

    # ----------------------------------------------------------------- loading
    @classmethod
    def load(cls, path: str | Path | None = None, *, knowledge: str | Path | None = None) -> Engine:
        """Load the fact base, building it first when it is missing or older than `knowledge`."""
        db_path = Path(path) if path is not None else default_facts_db()
        root = Path(knowledge) if knowledge is not None else default_knowledge()
        if root.is_dir() and built_from(db_path) != (SCHEMA_VERSION, knowledge_digest(root)):
            build(root, db_path)
        if not db_path.exists():
            raise FactBaseError(f"{db_path}: fact base not found; run `qa build` first")
        return cls.from_database(db_path)

    @classmethod
    def from_database(cls, db_path: Path) -> Engine:
        base = read_factbase(db_path)
        return cls(base.documents, base.facts, Lexicon(base.meta["lexicon"], base.meta["places"]),
                   base.axis_of, symbols=base.symbols, vocabulary=base.meta["vocabulary"])

    # ------------------------------------------------------------ public lists
    def axes(self) -> tuple[Axis, ...]:
        return tuple(
            Axis(n=n, title=f.value, text=f.quote, fact_id=f.id) for n, f in sorted(self._fact_of_axis.items())
        )

    def documents(self) -> tuple[Document, ...]:
        return tuple(self._documents[k] for k in sorted(self._documents))

    def contacts(self) -> tuple[Fact, ...]:
        return tuple(f for f in self._facts.values() if f.kind == "contact")

    def fact(self, fact_id: str) -> Fact:
        return self._facts[fact_id]

    def source_of(self, fact: Fact) -> Source:
        return source_of(fact, self._documents[fact.document_id])

    # --------------------------------------------------------------- answering
    def answer_fact(self, fact_id: str, context: Context | None = None) -> Answer:
        """Answer one fact directly (a clarification button); KeyError if it does not exist."""
        fact = self._facts[fact_id]
        reading = self.lexicon.read(fact.phrasings[0] if fact.phrasings else fact.attribute)
        query = Query(reading, {c: 1.0 for c in reading.concepts}, (), fact.geo, None, None, frozenset())
        return self.replies.answered(query, Decision("answered", (fact,), 1.0))

    def ask(self, question: str, context: Context | None = None) -> Answer:
        # The question is at the end of a long message: 600 characters are plenty to read it.
        question = question.strip()[-600:]
        if not any(ch.isalnum() for ch in question):
            return self.replies.plain(texts.EMPTY.format(example=texts.EXAMPLES[0]), context)
        reading = self.lexicon.read(question)
        if reading.smalltalk and not reading.concepts:
            message = {"thanks": texts.THANKS, "bye": texts.BYE, "about": texts.ABOUT}.get(
                reading.smalltalk, texts.GREETING
            )
            return self.replies.plain(f"{message}\n{texts.CAN_ANSWER}", context)
        if context and context.candidates and self._picks_candidate(reading, context):
            choice = reading.ordinal or int(reading.concepts[0])
            return self.answer_fact(context.candidates[choice - 1], context)

        if reading.negation and not reading.smalltalk:
            return self.replies.plain(texts.NEGATION, context)
        standalone = self._query(reading, None)
        decision = self._decide(standalone)
        query = standalone
        if decision.status != "answered" and not context:
            # "Bonjour, je suis chargée de mission… combien de logements neufs ?": the
            # question is often the last sentence of a longer message.
            for sentence in _last_sentences(question):
                candidate = self._query(self.lexicon.read(sentence), None)
                if not _sets_nothing_more(reading, candidate.reading):
                    continue  # "NPNRU dans l'Aisne : combien investi ?" is not "combien investi ?"
                found = self._decide(candidate)
                if found.status == "answered":
                    reading, decision, query = candidate.reading, found, candidate
                    break
        follows = reading.followup or reading.pronoun
        if context and (context.concepts or context.fact_ids) and (follows or decision.status != "answered"):
            merged = self._query(reading, context)
            merged_decision = self._counterpart(merged, context) or self._decide(merged)
            # A follow-up ("et neufs ?" after "en Bretagne") keeps the conversation's slots
            # even when that means "je ne sais pas"; a question that names its own subject
            # stands alone unless only the conversation makes it answerable.
            leans = reading.followup or reading.pronoun or not reading.concepts
            guess = self._changes_subject(merged, merged_decision, context) and decision.status != "answered"
            if (leans or merged_decision.status == "answered") and not guess:
                decision, query = merged_decision, merged
        if reading.english and decision.status != "answered":
            return self.replies.plain(texts.ENGLISH.format(example=texts.EXAMPLES[0]), context)
        if decision.status == "answered":
            answer = self.replies.answered(query, decision)
            if reading.english:
                answer = replace(answer, text=f"{texts.ENGLISH_PREFIX}\n{answer.text}",
                                 html=f"{texts.ENGLISH_PREFIX}\n{answer.html}")
            return answer
        if decision.status == "clarify":
            return self.replies.clarify(query, decision)
        return self.replies.unknown(query, decision)

    @staticmethod
    def _picks_candidate(reading: Reading, context: Context) -> bool:
        n = len(context.candidates)
        if reading.ordinal is not None and not reading.concepts:
            return 1 <= reading.ordinal <= n
        return len(reading.concepts) == 1 and reading.concepts[0].isdigit() and 1 <= int(reading.concepts[0]) <= n

    def _query(self, reading: Reading, context: Context | None) -> Query:
        concepts = {c: 1.0 for c in reading.concepts}
        axis = reading.axis
        if context is None:
            return Query(reading, concepts, reading.years, reading.geo, reading.role, axis, frozenset(concepts),
                         entities=reading.entities)
        # With nothing new named ("et dans l'Aisne ?") the previous subject is the question;
        # otherwise it only helps ("et réhabilités ?" after "logements produits").
        carried = FOLLOWUP_WEIGHT if reading.concepts else 1.0
        for c in context.concepts:
            concepts.setdefault(c, carried)
        if axis is None and context.axis is not None:
            # "et le deuxième ?", "et le suivant ?", "et le dernier ?" after an axis
            bare = [c for c in reading.concepts if c.isdigit()]
            if reading.ordinal is not None:
                axis = reading.ordinal
            elif bare and len(reading.concepts) == 1:
                axis = int(bare[0])  # "et le 4 ?"
            elif reading.step:
                axis = context.axis + reading.step
            elif "dernier" in reading.normalized.split():
                axis = max(self._fact_of_axis)
        # "et celui de Clésence ?" keeps the role asked before; "et réhabilités ?" does not.
        # Only organisations take the role over: "et Roger Thiriet ?" asks who he is.
        named_only = all(c.startswith("@") and not self.index.is_person(c) for c in reading.concepts)
        role = reading.role or (context.role if named_only else None)
        entities = reading.entities
        if reading.role and not entities and not reading.geo and context.subject:
            entities = (context.subject,)  # "et le DG ?" after Clésence's présidente: Clésence's DG
        organisation = self.lexicon.place_organisations.get(reading.geo or "")
        if role and organisation and not entities:
            concepts[f"@{organisation}"] = 1.0  # "et celui de la région ?": the Région's
            entities = (f"@{organisation}",)
        leans = reading.followup or reading.pronoun or not reading.concepts
        if leans and not entities and not reading.geo and context.entity:
            # "et son mail ?", "et le DG ?": of the person or organisation just talked about
            entities = (context.entity,)
            concepts.setdefault(context.entity, carried)
        return Query(
            reading=reading,
            concepts=concepts,
            years=reading.years or ((context.year,) if context.year is not None else ()),
            geo=reading.geo or context.geo,
            role=role,
            axis=axis,
            new_concepts=frozenset(reading.concepts),
            kind=context.kind,
            entities=entities,
        )

    def _changes_subject(self, query: Query, decision: Decision, context: Context) -> bool:
        """An answer to "et combien d'euros ?" that shares nothing with the conversation.

        Such a follow-up names only an attribute; when the fact found is about something
        else entirely, it is a guess: the question alone decides instead.
        """
        if decision.status != "answered" or not query.new_concepts:
            return False
        vocab = self.index.entries[decision.facts[0].id].vocab
        carried = set(context.concepts) - query.new_concepts
        return bool(carried) and not (carried & vocab)

    # ---------------------------------------------------------------- deciding
    def _counterpart(self, query: Query, context: Context) -> Decision | None:
        """"et dans l'Aisne ?", "et en 2021 ?": the same question with other slots.

        When the question changes only the place or the year, the answer is the previous
        fact itself or its counterpart (its `related` fact) for the new slots, if any.
        """
        if query.reading.concepts or not context.fact_ids or query.axis is not None:
            return None
        previous = self._facts.get(context.fact_ids[0])
        reading = query.reading
        if previous is None or not (previous.geo or previous.year) or not (reading.geo or reading.years):
            return None  # only a figure of a place and a year has counterparts
        why = None
        for fact in (previous, *(self._facts[r] for r in previous.related)):
            why = self.index.excluded(fact, years=query.years, geo=query.geo, role=query.role, entities=())
            same_metric = fact.kind == previous.kind == "figure" and fact.geo != previous.geo
            if why is None and (fact is previous or same_metric):
                return Decision("answered", (fact,), 1.0)
        # Not another figure instead (the Aisne's production for the filiales' stock): say so.
        reason = "year" if reading.years else "geo"
        return Decision("unknown", reason=reason, near=(previous,))

    def _decide(self, query: Query) -> Decision:
        if query.axis is not None:
            fact = self._fact_of_axis.get(query.axis)
            return Decision("answered", (fact,), 1.0) if fact else Decision("unknown", reason="axis")
        reading = query.reading
        names = [n for n in reading.ambiguous_names if not (set(query.entities) & set(self._people(n)))]
        if names:
            people = tuple(f for f in self._facts.values() if f.kind == "person"
                           and any(f"@{e}" in self.lexicon.symbols(f.value) for e in self._people(names[0])))
            if len(people) > 1:
                return Decision("clarify", people, 0.5, reason=f"name:{names[0]}")
        if not query.concepts:
            # "Aisne" or "chiffres 2021" alone: offer what the base holds for these slots.
            offered = tuple(f for f in self._figures if (query.geo is None or f.geo == query.geo)
                            and (not query.years or f.year in query.years))
            if (query.geo or query.years) and offered:
                return Decision("clarify", offered[:CLARIFY_MAX], 0.5)
            return Decision("unknown", reason="empty")
        ids, rest = self.index.candidates(query.concepts, years=query.years, geo=query.geo)
        allowed: list[tuple[str, str | None]] = []
        excluded: list[tuple[str, str | None]] = []
        money = "euro" in query.concepts and query.concepts["euro"] >= 1.0
        for fid in [*ids, *rest]:
            fact = self._facts[fid]
            # A year carried over from the conversation dates figures, not people or events.
            years = query.years if reading.years or fact.year is not None else ()
            why = self.index.excluded(fact, years=years, geo=query.geo, role=query.role, entities=query.entities,
                                      counted=reading.counted, money=money, reading=reading)
            (excluded if why else allowed).append((fid, why))
        scored = self.index.score(reading, query.concepts, [fid for fid, _ in allowed])
        if query.new_concepts and query.new_concepts != set(query.concepts):
            # A follow-up that names something new must be about that new thing.
            scored = [s for s in scored if query.new_concepts & self.index.entries[s.fact.id].vocab]
        if query.geo is None:  # the region's figure is answered, its Aisne counterpart mentioned
            cover = {s.fact.id: s.key_cover for s in scored}
            scored = [s for s in scored if not (
                s.fact.geo == "aisne" and any(cover.get(r, -1.0) >= s.key_cover for r in s.fact.related)
            )]
        scored = [self._by_place(s, query.geo) for s in scored]
        if query.kind:  # a conversation about figures goes on about figures
            scored = [replace(s, score=s.score + SAME_KIND_BONUS) if s.fact.kind == query.kind else s for s in scored]
        scored.sort(key=lambda s: (-s.score, s.fact.id))
        best = scored[0] if scored else None
        runner = scored[1] if len(scored) > 1 else None
        confident = best is not None and best.score >= ANSWER_MIN and best.question_cover >= COVER_MIN
        if best and confident and (runner is None or best.score - runner.score >= MARGIN):
            return Decision("answered", (best.fact,), min(best.score, 1.0))
        ruled_out = self._why_unknown(query, excluded)
        counterpart = best is not None and any(best.fact.id in f.related for f in ruled_out.near)
        if ruled_out.near and not counterpart and (best is None or ruled_out.confidence > best.score + MARGIN):
            return ruled_out  # what was asked exists, but for another year, place or role
        close = [s for s in scored if s.score >= CLARIFY_MIN and best and best.score - s.score <= CLARIFY_BAND]
        if query.geo and any(s.fact.geo == query.geo for s in close):
            close = [s for s in close if s.fact.geo == query.geo]  # offer what agrees with the place asked
        if close and best and best.question_cover >= COVER_MIN / 2:
            return Decision("clarify", tuple(s.fact for s in close[:CLARIFY_MAX]), min(best.score, 1.0))
        if ruled_out.reason == "topic" and best is not None:
            return replace(ruled_out, near=(best.fact,))  # nothing ruled out: the nearest fact
        return ruled_out

    @staticmethod
    def _by_place(s: Scored, geo: str | None) -> Scored:
        """A fact of the place asked comes first; with no place asked, the region's first."""
        if geo is None and s.fact.geo == "aisne":
            return replace(s, score=s.score - AISNE_PENALTY)
        if geo is not None and s.fact.geo == geo:
            return replace(s, score=s.score + PLACE_BONUS)
        return s

    def _people(self, name: str) -> tuple[str, ...]:
        return self.lexicon.ambiguous_names.get(name, ())

    def _why_unknown(self, query: Query, excluded: list[tuple[str, str | None]]) -> Decision:
        """Find the slot that ruled out the facts that would otherwise answer."""
        if excluded:
            # Only to explain an unknown: the cheap scores are enough (no rapidfuzz).
            rescored = self.index.score(query.reading, query.concepts, [fid for fid, _ in excluded], similar=False)
            # The region's fact first when no place was asked: "et en 2021 ?" follows it.
            rescored = sorted((self._by_place(s, query.geo) for s in rescored), key=lambda s: (-s.score, s.fact.id))
            why = dict(excluded)
            for s in rescored:
                if s.score >= CLARIFY_MIN and s.question_cover >= COVER_MIN:
                    near = tuple(r.fact for r in rescored if why[r.fact.id] == why[s.fact.id])[:3]
                    return Decision("unknown", confidence=s.score, reason=str(why[s.fact.id]), near=near)
        return Decision("unknown", reason="topic")

    # ------------------------------------------------------------ for buttons and tests
    def facts(self) -> tuple[Fact, ...]:
        return tuple(self._facts.values())

    def suggest(self, fact: Fact) -> Suggestion:
        """The button that asks for `fact` (its label and a question with its scope)."""
        return self.replies.suggest(fact)


# A sentence ends with . ! ? … ; : or a comma before a question word ("Bonjour, combien de ...").
_SENTENCE_BREAK = re.compile(
    r"(?<=[.!?…;:])\s+|\s*,\s+(?=(?:combien|qui|quel|quelle|quels|quelles|où|ou|quand|c'est)\b)"
)


def _last_sentences(text: str) -> list[str]:
    """The sentences of a message after the first, last first (none for a single sentence)."""
    parts = [p for p in _SENTENCE_BREAK.split(text) if p.strip()]
    return parts[:0:-1] if len(parts) > 1 else []


def _sets_nothing_more(whole: Reading, part: Reading) -> bool:
    """Whether the rest of a message only chats: no place, year, role or name of its own."""
    return (
        (whole.geo is None or whole.geo == part.geo)
        and set(whole.years) <= set(part.years)
        and (whole.role is None or whole.role == part.role)
        and set(whole.entities) <= set(part.entities)
    )
