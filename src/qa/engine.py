"""The question-answering engine: read, match, decide, render.

`Engine.ask(question, context)` is pure and synchronous: the fact base is read once by
`Engine.load` and nothing touches the disk afterwards. The context returned with each
answer carries the slots of the conversation, so "et dans l'Aisne ?" reuses the question
before it.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, replace
from pathlib import Path

from . import texts
from .build import SCHEMA_VERSION, build, knowledge_digest
from .config import default_facts_db, default_knowledge
from .errors import FactBaseError
from .lexicon import Lexicon, Reading
from .matcher import FactIndex, FactSymbols, Scored, fact_vocabulary
from .records import Answer, Axis, Context, Document, Fact, Source, Suggestion
from .render import render_facts, scope_of, source_of

__all__ = ["Engine"]

# Decision thresholds, tuned on the dev set and tests/qa/cases.jsonl together.
ANSWER_MIN = 0.62  # score of the best fact to answer it
COVER_MIN = 0.6  # share of the question the answered fact must explain
MARGIN = 0.08  # lead over the runner-up to answer rather than ask
CLARIFY_MIN = 0.42  # candidates worth offering in a clarification
CLARIFY_BAND = 0.15  # how close to the best a candidate must be to be offered
FOLLOWUP_WEIGHT = 0.5  # weight of the previous question's concepts in a follow-up
AISNE_PENALTY = 0.1  # with no place given, the region's figure comes first
PLACE_BONUS = 0.05  # a fact of the very place asked comes before a fact without a place
SAME_KIND_BONUS = 0.05  # in a follow-up, a fact of the kind just answered comes first


@dataclass(frozen=True)
class _Query:
    """The effective question after follow-up merging: concept weights and slots."""

    reading: Reading
    concepts: dict[str, float]
    years: tuple[int, ...]
    geo: str | None
    role: str | None
    axis: int | None
    new_concepts: frozenset[str]
    kind: str | None = None  # in a follow-up, the kind of the previous answer (a figure...)


@dataclass(frozen=True)
class _Decision:
    status: str
    facts: tuple[Fact, ...] = ()
    confidence: float = 0.0
    reason: str = ""
    near: tuple[Fact, ...] = ()  # excluded or rejected facts that explain an unknown


class Engine:
    def __init__(self, documents: dict[str, Document], facts: list[Fact], lexicon: Lexicon,
                 axis_of: dict[str, int], *, symbols: dict[str, FactSymbols] | None = None,
                 vocabulary: list[str] | None = None) -> None:
        """Prefer Engine.load; `symbols` and `vocabulary` are what `qa build` precomputed."""
        self._documents = documents
        self._facts = {f.id: f for f in facts}
        self._axis_of = axis_of
        self._fact_of_axis = {n: self._facts[fid] for fid, n in axis_of.items()}
        self._facts_of_place: dict[str, tuple[Fact, ...]] = {}
        for fact in facts:
            if fact.geo and fact.kind == "figure":
                self._facts_of_place[fact.geo] = (*self._facts_of_place.get(fact.geo, ()), fact)
        self.lexicon = lexicon
        lexicon.learn(vocabulary if vocabulary is not None else fact_vocabulary(facts, lexicon))
        self.index = FactIndex(facts, lexicon, symbols)
        years = [str(y) for y in sorted({f.year for f in facts if f.year})]
        self._known_years = (
            "" if not years
            else f"l’année {years[0]}" if len(years) == 1
            else f"les années {', '.join(years[:-1])} et {years[-1]}"
        )

    # ----------------------------------------------------------------- loading
    @classmethod
    def load(cls, path: str | Path | None = None, *, knowledge: str | Path | None = None) -> Engine:
        """Load the fact base, building it first when it is missing or older than `knowledge`."""
        db_path = Path(path) if path is not None else default_facts_db()
        root = Path(knowledge) if knowledge is not None else default_knowledge()
        if root.is_dir() and _built_from(db_path) != (SCHEMA_VERSION, knowledge_digest(root)):
            build(root, db_path)
        if not db_path.exists():
            raise FactBaseError(f"{db_path}: fact base not found; run `qa build` first")
        return cls.from_database(db_path)

    @classmethod
    def from_database(cls, db_path: Path) -> Engine:
        try:
            with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as db:
                db.row_factory = sqlite3.Row
                meta = {r["key"]: json.loads(r["value"]) for r in db.execute("select * from meta")}
                documents = {r["id"]: _document(r) for r in db.execute("select * from documents")}
                rows = db.execute("select * from facts order by rowid").fetchall()
                facts = [_fact(r) for r in rows]
                symbols = {r["id"]: FactSymbols.from_json(r["symbols"]) for r in rows}
                axis_of = {r["fact_id"]: r["n"] for r in db.execute("select * from axes")}
        except (sqlite3.Error, KeyError, ValueError) as e:
            raise FactBaseError(f"{db_path}: cannot read the fact base ({e}); rebuild it with `qa build`") from e
        return cls(documents, facts, Lexicon(meta["lexicon"], meta["places"]), axis_of,
                   symbols=symbols, vocabulary=meta["vocabulary"])

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
        query = _Query(reading, {c: 1.0 for c in reading.concepts}, (), fact.geo, None, None, frozenset())
        return self._answered(query, _Decision("answered", (fact,), 1.0))

    def ask(self, question: str, context: Context | None = None) -> Answer:
        question = question.strip()
        if not any(ch.isalnum() for ch in question):
            return self._plain(texts.EMPTY.format(example=texts.EXAMPLES[0]), context)
        reading = self.lexicon.read(question)
        if reading.smalltalk and not reading.concepts:
            message = {"thanks": texts.THANKS, "bye": texts.BYE}.get(reading.smalltalk, texts.GREETING)
            return self._plain(f"{message}\n{texts.CAN_ANSWER}", context)
        if context and context.candidates and self._picks_candidate(reading, context):
            choice = reading.ordinal or int(reading.concepts[0])
            return self.answer_fact(context.candidates[choice - 1], context)

        standalone = self._query(reading, None)
        decision = self._decide(standalone)
        query = standalone
        if context and (context.concepts or context.fact_ids) and (reading.followup or decision.status != "answered"):
            merged = self._query(reading, context)
            merged_decision = self._counterpart(merged, context) or self._decide(merged)
            # "et réhabilités ?" or "celui de la région" lean on the previous question: its
            # reading wins unless it knows nothing. A question that names its own subject
            # stands alone, unless only the conversation makes it answerable.
            leans = reading.followup or not reading.concepts
            if merged_decision.status == "answered" or (
                leans and (merged_decision.status != "unknown" or decision.status == "unknown")
            ):
                decision, query = merged_decision, merged
        if reading.english and decision.status != "answered":
            return self._plain(texts.ENGLISH.format(example=texts.EXAMPLES[0]), context, status="unknown")
        if decision.status == "answered":
            answer = self._answered(query, decision)
            if reading.english:
                answer = replace(answer, text=f"{texts.ENGLISH_PREFIX}\n{answer.text}",
                                 html=f"{texts.ENGLISH_PREFIX}\n{answer.html}")
            return answer
        if decision.status == "clarify":
            return self._clarify(query, decision)
        return self._unknown(query, decision)

    @staticmethod
    def _picks_candidate(reading: Reading, context: Context) -> bool:
        n = len(context.candidates)
        if reading.ordinal is not None and not reading.concepts:
            return 1 <= reading.ordinal <= n
        return len(reading.concepts) == 1 and reading.concepts[0].isdigit() and 1 <= int(reading.concepts[0]) <= n

    def _query(self, reading: Reading, context: Context | None) -> _Query:
        concepts = {c: 1.0 for c in reading.concepts}
        axis = reading.axis
        if context is None:
            return _Query(reading, concepts, reading.years, reading.geo, reading.role, axis, frozenset(concepts))
        # With nothing new named ("et dans l'Aisne ?") the previous subject is the question;
        # otherwise it only helps ("et réhabilités ?" after "logements produits").
        carried = FOLLOWUP_WEIGHT if reading.concepts else 1.0
        for c in context.concepts:
            concepts.setdefault(c, carried)
        if axis is None and context.axis is not None:
            # "et le deuxième ?", "et le suivant ?", "et le dernier ?" after an axis
            if reading.ordinal is not None:
                axis = reading.ordinal
            elif reading.step:
                axis = context.axis + reading.step
            elif "dernier" in reading.normalized.split():
                axis = max(self._fact_of_axis)
        role = reading.role or context.role
        organisation = self.lexicon.place_organisations.get(reading.geo or "")
        if role and organisation and not reading.entities:
            concepts[f"@{organisation}"] = 1.0  # "et celui de la région ?": the Région's
        return _Query(
            reading=reading,
            concepts=concepts,
            years=reading.years or ((context.year,) if context.year else ()),
            geo=reading.geo or context.geo,
            role=role,
            axis=axis,
            new_concepts=frozenset(reading.concepts),
            kind=context.kind,
        )

    # ---------------------------------------------------------------- deciding
    def _counterpart(self, query: _Query, context: Context) -> _Decision | None:
        """"et dans l'Aisne ?", "et en 2021 ?": the same question with other slots.

        When the question changes only the place or the year, the answer is the previous
        fact itself or its counterpart (its `related` fact) for the new slots, if any.
        """
        if query.reading.concepts or not context.fact_ids or query.axis is not None:
            return None
        previous = self._facts.get(context.fact_ids[0])
        if previous is None or not (previous.geo or previous.year):
            return None  # only a figure of a place and a year has counterparts
        for fact in (previous, *(self._facts[r] for r in previous.related)):
            why = self.index.excluded(fact, years=query.years, geo=query.geo, role=query.role,
                                      entities=query.reading.entities)
            same_metric = fact.kind == previous.kind == "figure" and fact.geo != previous.geo
            if why is None and (fact is previous or same_metric):
                return _Decision("answered", (fact,), 1.0)
        return None

    def _decide(self, query: _Query) -> _Decision:
        if query.axis is not None:
            fact = self._fact_of_axis.get(query.axis)
            return _Decision("answered", (fact,), 1.0) if fact else _Decision("unknown", reason="axis")
        reading = query.reading
        names = [n for n in reading.ambiguous_names if not (set(reading.entities) & set(self._people(n)))]
        if names:
            people = tuple(f for f in self._facts.values() if f.kind == "person"
                           and any(f"@{e}" in self.lexicon.symbols(f.value) for e in self._people(names[0])))
            if len(people) > 1:
                return _Decision("clarify", people, 0.5, reason=f"name:{names[0]}")
        if not query.concepts:
            if query.geo in self._facts_of_place:  # "Aisne" alone: what do I know there?
                return _Decision("clarify", self._facts_of_place[query.geo][:4], 0.5)
            return _Decision("unknown", reason="empty")
        ids, rest = self.index.candidates(query.concepts, years=query.years, geo=query.geo)
        allowed: list[tuple[str, str | None]] = []
        excluded: list[tuple[str, str | None]] = []
        entities = reading.entities
        for fid in [*ids, *rest]:
            why = self.index.excluded(self._facts[fid], years=query.years, geo=query.geo,
                                      role=query.role, entities=entities, counted=reading.counted)
            (excluded if why else allowed).append((fid, why))
        scored = self.index.score(reading, query.concepts, [fid for fid, _ in allowed])
        if query.new_concepts and query.new_concepts != set(query.concepts):
            # A follow-up that names something new must be about that new thing.
            scored = [s for s in scored if query.new_concepts & self.index.entries[s.fact.id].vocab]
        if query.geo is None:  # the region's figure is answered, its Aisne counterpart mentioned
            present = {s.fact.id for s in scored}
            scored = [s for s in scored if not (s.fact.geo == "aisne" and present.intersection(s.fact.related))]
        scored = [self._by_place(s, query.geo) for s in scored]
        if query.kind:  # a conversation about figures goes on about figures
            scored = [replace(s, score=s.score + SAME_KIND_BONUS) if s.fact.kind == query.kind else s for s in scored]
        scored.sort(key=lambda s: (-s.score, s.fact.id))
        best = scored[0] if scored else None
        runner = scored[1] if len(scored) > 1 else None
        confident = best is not None and best.score >= ANSWER_MIN and best.question_cover >= COVER_MIN
        if best and confident and (runner is None or best.score - runner.score >= MARGIN):
            return _Decision("answered", (best.fact,), min(best.score, 1.0))
        ruled_out = self._why_unknown(query, excluded, None)
        counterpart = best is not None and any(best.fact.id in f.related for f in ruled_out.near)
        if ruled_out.near and not counterpart and (best is None or ruled_out.confidence > best.score + MARGIN):
            return ruled_out  # what was asked exists, but for another year, place or role
        close = [s for s in scored if s.score >= CLARIFY_MIN and best and best.score - s.score <= CLARIFY_BAND]
        if query.geo and any(s.fact.geo == query.geo for s in close):
            close = [s for s in close if s.fact.geo == query.geo]  # offer what agrees with the place asked
        if close and best and best.question_cover >= COVER_MIN / 2:
            return _Decision("clarify", tuple(s.fact for s in close[:4]), min(best.score, 1.0))
        return self._why_unknown(query, excluded, best)

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

    def _why_unknown(self, query: _Query, excluded: list[tuple[str, str | None]], best: Scored | None) -> _Decision:
        """Find the slot that ruled out the facts that would otherwise answer."""
        if excluded:
            rescored = self.index.score(query.reading, query.concepts, [fid for fid, _ in excluded])
            why = dict(excluded)
            for s in rescored:
                if s.score >= CLARIFY_MIN and s.question_cover >= COVER_MIN:
                    near = tuple(r.fact for r in rescored if why[r.fact.id] == why[s.fact.id])[:3]
                    return _Decision("unknown", confidence=s.score, reason=str(why[s.fact.id]), near=near)
        return _Decision("unknown", reason="topic", near=(best.fact,) if best else ())

    # --------------------------------------------------------------- replying
    def _context(self, query: _Query, facts: tuple[Fact, ...], candidates: tuple[str, ...] = ()) -> Context:
        main = facts[0] if facts else None
        if main is None:
            concepts = tuple(c for c, w in query.concepts.items() if w >= 1.0) or tuple(query.concepts)
        elif main.kind == "person":
            concepts = (f"role:{main.role}",)  # "et celui de la région ?" asks for the same role
        else:
            # What the answered fact is about, so "et dans l'Aisne ?" finds its counterpart.
            concepts = tuple(sorted(self.index.entries[main.id].symbols.keys[0]))
        return Context(
            concepts=concepts,
            geo=query.geo or (main.geo if main and main.kind == "figure" else None),
            year=query.years[0] if query.years else None,
            kind=main.kind if main else None,
            axis=self._axis_of.get(main.id) if main else None,
            entity=next((e for e in query.reading.entities), None),
            role=query.role or (main.role if main else None),
            fact_ids=tuple(f.id for f in facts),
            candidates=candidates,
        )

    def _answered(self, query: _Query, decision: _Decision) -> Answer:
        fact = decision.facts[0]
        extra: list[tuple[str, Fact]] = []
        suggestions: list[Suggestion] = []
        if fact.kind == "axis" and len(fact.axes) > 1:
            extra = [("", self._fact_of_axis[n]) for n in sorted(fact.axes)]  # "Axe n : ..." already
        for rid in fact.related:
            other = self._facts[rid]
            if fact.geo == "hauts-de-france" and other.geo == "aisne":
                if query.geo is None:
                    extra.append((texts.IN_AISNE, other))
                suggestions.append(Suggestion(texts.ASK_AISNE, "et dans l'Aisne ?", rid))
            elif fact.geo == "aisne" and other.geo == "hauts-de-france":
                suggestions.append(Suggestion(texts.ASK_REGION, "et dans toute la région ?", rid))
            else:
                suggestions.append(self._suggest(other))
        tail = texts.ONLY_AISNE if fact.geo == "aisne" and query.geo is None else ""
        rendered = render_facts([fact], self._documents, extra=extra, tail=tail)
        cited = [fact, *(f for _, f in extra)]
        sources = tuple(dict.fromkeys(self.source_of(f) for f in cited))
        return Answer(
            status="answered", text=rendered.text, html=rendered.html, sources=sources,
            confidence=decision.confidence, facts=tuple(f.id for f in cited), suggestions=tuple(suggestions),
            context=self._context(query, (fact,)),
        )

    def _label(self, fact: Fact) -> str:
        scope = scope_of(fact)
        label = fact.attribute if fact.kind != "person" else f"{fact.value}, {fact.attribute}"
        if len(label.split()) <= 2:  # "lieu": of what?
            label = f"{self.lexicon.entity_names.get(fact.subject, fact.subject)} : {label}"
        return f"{label[:1].upper()}{label[1:]}" + (f" ({scope})" if scope else "")

    def _suggest(self, fact: Fact, label: str | None = None) -> Suggestion:
        """A button for `fact`: its label, and a question that asks for it with its scope."""
        question = fact.phrasings[0] if fact.phrasings else fact.attribute
        if fact.geo == "aisne":
            question += " dans l'Aisne"
        elif fact.geo == "hauts-de-france" and fact.kind == "figure":
            question += " en Hauts-de-France"
        if fact.year:
            question += f" en {fact.year}"
        return Suggestion(label or self._label(fact), question + " ?", fact.id)

    def _clarify(self, query: _Query, decision: _Decision) -> Answer:
        facts = decision.facts
        if decision.reason.startswith("name:"):
            lead = texts.CLARIFY_NAME.format(name=decision.reason[5:].capitalize())
        else:
            lead = texts.CLARIFY if len(facts) > 1 else texts.CLARIFY_ONE
        labels = [self._label(f) for f in facts]
        lines = [lead, *(f"{i}. {label}" for i, label in enumerate(labels, 1)), texts.CLARIFY_HINT]
        text = "\n".join(lines)
        return Answer(
            status="clarify", text=text, html=_escape(text), confidence=decision.confidence,
            facts=tuple(f.id for f in facts),
            suggestions=tuple(self._suggest(f, label) for label, f in zip(labels, facts, strict=True)),
            context=self._context(query, (), candidates=tuple(f.id for f in facts)),
        )

    def _unknown(self, query: _Query, decision: _Decision) -> Answer:
        reading = query.reading
        lines = [texts.UNKNOWN]
        suggestions: list[Suggestion] = []
        if decision.reason == "year":
            years = ", ".join(str(y) for y in query.years)
            dated = any(f.year for f in decision.near)
            lines = [texts.UNKNOWN_YEAR.format(years=years, known=self._known_years) if dated
                     else texts.UNKNOWN_YEAR_UNDATED.format(years=years)]
            suggestions = [self._suggest(f) for f in decision.near if f.year]
        elif decision.reason == "geo" and query.geo:
            place = reading.geo_name or self.lexicon.place_names.get(query.geo, query.geo)
            others = {f.geo for f in decision.near if f.geo}
            if query.geo.startswith("other:") or not others:
                lines = [texts.UNKNOWN_PLACE.format(place=place)]
            else:
                other = " et ".join(self.lexicon.place_names.get(g, g) for g in sorted(others))
                lines = [texts.UNKNOWN_PLACE_ONLY.format(place=place, other=other)]
                suggestions = [self._suggest(f) for f in decision.near]
        elif decision.reason == "subject" and decision.near:
            vocab = self.index.entries[decision.near[0].id].vocab
            foreign = [e for e in reading.entities if e not in vocab] or list(reading.entities)
            name = self.lexicon.entity_names.get(foreign[0][1:], foreign[0][1:])
            lines = [texts.UNKNOWN_SUBJECT.format(subject=name)]
            suggestions = [self._suggest(f) for f in decision.near]
        elif decision.reason in ("role", "entity") or (query.role or "").startswith("other:"):
            entities = [e for e in reading.entities]
            of = ""
            if entities:
                of = " pour " + self.lexicon.entity_names.get(entities[0][1:], entities[0][1:])
            lines = [texts.UNKNOWN_ROLE.format(role=reading.role_word or "cette fonction", of=of)]
            known = [f for f in self._facts.values() if f.kind == "person" and f"@{f.subject}" in entities]
            if known:
                lines.append(texts.UNKNOWN_ROLE_KNOWN.format(
                    known="; ".join(f"{f.value}, {f.attribute}" for f in known)))
                suggestions = [self._suggest(f) for f in known]
        elif reading.unknown:
            lines = [texts.UNKNOWN_WORDS.format(words=self.lexicon.surface(reading.original, reading.unknown[:3]))]
        elif decision.reason == "counted" and reading.counted:
            what = self.lexicon.surface(reading.original, [self.index.counted(reading.counted)])
            lines = [texts.UNKNOWN_COUNTED.format(what=what)]
        lines.append(texts.CAN_ANSWER)
        if not suggestions:
            suggestions = [Suggestion(q, q) for q in texts.EXAMPLES]
        text = "\n".join(lines)
        # After "pas de chiffre pour le Nord", "et dans l'Aisne ?" follows the fact that was near.
        near = decision.near if decision.reason in ("year", "geo") else ()
        context = replace(self._context(query, ()), fact_ids=tuple(f.id for f in near))
        return Answer(status="unknown", text=text, html=_escape(text), confidence=0.0,
                      suggestions=tuple(suggestions), context=context)

    def _plain(self, text: str, context: Context | None, *, status: str = "unknown") -> Answer:
        return Answer(status="unknown", text=text, html=_escape(text),
                      suggestions=tuple(Suggestion(q, q) for q in texts.EXAMPLES),
                      context=context or Context())


def _escape(text: str) -> str:
    import html

    return html.escape(text)


def _built_from(db_path: Path) -> tuple[int, str] | None:
    """(schema version, knowledge digest) of an existing fact base, None if unreadable."""
    if not db_path.exists():
        return None
    try:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as db:
            meta = dict(db.execute("select key, value from meta where key in ('schema_version', 'knowledge_digest')"))
        return json.loads(meta["schema_version"]), json.loads(meta["knowledge_digest"])
    except (sqlite3.Error, KeyError, ValueError):
        return None


def _document(row: sqlite3.Row) -> Document:
    return Document(id=row["id"], title=row["title"], title_given_by_us=bool(row["title_given_by_us"]),
                    publisher=row["publisher"] or "", date=row["date"], origin=row["origin"] or "",
                    text=row["text"])


def _fact(row: sqlite3.Row) -> Fact:
    return Fact(
        id=row["id"], kind=row["kind"], subject=row["subject"], attribute=row["attribute"],
        value=row["value"], document_id=row["document_id"], quote=row["quote"],
        value_number=row["value_number"], unit=row["unit"], geo=row["geo"], year=row["year"],
        axes=tuple(json.loads(row["axes"])), answer=row["answer"],
        phrasings=tuple(json.loads(row["phrasings"])), keywords=tuple(json.loads(row["keywords"])),
        role=row["role"], related=tuple(json.loads(row["related"])),
    )
