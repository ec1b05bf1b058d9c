"""Turn a decision into the Answer a person reads: answered, clarify or unknown.

The engine decides which facts answer; this module says it: the figure with its scope and
source, the candidates of a clarification, what is missing and what can be asked instead,
the buttons to offer, and the context the next question of the conversation starts from.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, replace

from . import texts
from .lexicon import Lexicon, Reading
from .matcher import FactIndex
from .records import Answer, Context, Document, Fact, Suggestion
from .render import render_facts, scope_of, source_of

__all__ = ["Decision", "Query", "Replies"]


@dataclass(frozen=True)
class Query:
    """The effective question after follow-up merging: concept weights and slots."""

    reading: Reading
    concepts: dict[str, float]
    years: tuple[int, ...]
    geo: str | None
    role: str | None
    axis: int | None
    new_concepts: frozenset[str]
    kind: str | None = None  # in a follow-up, the kind of the previous answer (a figure...)
    entities: tuple[str, ...] = ()  # named, or carried over ("et son mail ?")


@dataclass(frozen=True)
class Decision:
    status: str
    facts: tuple[Fact, ...] = ()
    confidence: float = 0.0
    reason: str = ""
    near: tuple[Fact, ...] = ()  # excluded or rejected facts that explain an unknown



class Replies:
    def __init__(self, documents: Mapping[str, Document], facts: Mapping[str, Fact], lexicon: Lexicon,
                 index: FactIndex, axis_of: Mapping[str, int]) -> None:
        self._documents = documents
        self._facts = facts
        self.lexicon = lexicon
        self.index = index
        self._axis_of = axis_of
        self._fact_of_axis = {n: facts[fid] for fid, n in axis_of.items()}
        self._shown: dict[str, Fact] = {}  # fact id -> the fact as answered (with its actor)
        self._entity: dict[str, str] = {}  # fact id -> who a pronoun refers to after it
        years = [str(y) for y in sorted({f.year for f in facts.values() if f.year})]
        self.known_years = (
            "" if not years
            else f"l’année {years[0]}" if len(years) == 1
            else f"les années {', '.join(years[:-1])} et {years[-1]}"
        )

    def context(self, query: Query, facts: tuple[Fact, ...], candidates: tuple[str, ...] = ()) -> Context:
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
            # The overview of the axes is axis 0: "et le premier ?", "et le suivant ?" go on from it.
            axis=(0 if main.kind == "axis" and len(main.axes) > 1 else self._axis_of.get(main.id)) if main
            else query.axis,  # after "et le cinquième ?" (none), "et le premier ?" still counts axes
            entity=self._entity_of(main) if main else next(iter(query.entities), None),
            subject=f"@{main.subject}" if main else None,
            role=query.role or (main.role if main else None),
            fact_ids=tuple(f.id for f in facts),
            candidates=candidates,
        )

    def _entity_of(self, fact: Fact) -> str:
        """Who "il", "elle", "son" refer to after this fact: the person, else the subject."""
        if fact.id not in self._entity:
            named = [s for s in self.lexicon.symbols(fact.value) if s.startswith("@")] if fact.kind == "person" else []
            self._entity[fact.id] = named[0] if named else f"@{fact.subject}"
        return self._entity[fact.id]

    def answered(self, query: Query, decision: Decision) -> Answer:
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
                suggestions.append(self.suggest(other))
        tail = texts.ONLY_AISNE if fact.geo == "aisne" and query.geo is None else ""
        rendered = render_facts([self._with_actor(fact)], self._documents, extra=extra, tail=tail)
        cited = [fact, *(f for _, f in extra)]
        sources = tuple(dict.fromkeys(source_of(f, self._documents[f.document_id]) for f in cited))
        return Answer(
            status="answered", text=rendered.text, html=rendered.html, sources=sources,
            confidence=decision.confidence, facts=tuple(f.id for f in cited), suggestions=tuple(suggestions),
            context=self.context(query, (fact,)),
        )

    def _with_actor(self, fact: Fact) -> Fact:
        """A figure says whose it is: "Action Logement : 3 616 logements réhabilités"."""
        shown = self._shown.get(fact.id)
        if shown is None:
            name = self.lexicon.entity_names.get(fact.subject, "")
            shown = fact
            organisation = fact.kind == "figure" and self.lexicon.entity_kinds.get(fact.subject) == "organisation"
            if organisation and self.lexicon.normalize(name) not in self.lexicon.normalize(fact.answer):
                shown = replace(fact, answer=f"{name} : {fact.answer}")
            self._shown[fact.id] = shown  # computed once per fact: answers are read often
        return shown

    def label(self, fact: Fact) -> str:
        scope = scope_of(fact)
        label = fact.attribute if fact.kind != "person" else f"{fact.value}, {fact.attribute}"
        if len(label.split()) <= 2:  # "lieu": of what?
            label = f"{self.lexicon.entity_names.get(fact.subject, fact.subject)} : {label}"
        return f"{label[:1].upper()}{label[1:]}" + (f" ({scope})" if scope else "")

    def suggest(self, fact: Fact, label: str | None = None) -> Suggestion:
        """A button for `fact`: its label, and a question that asks for it with its scope."""
        question = fact.phrasings[0] if fact.phrasings else fact.attribute
        if fact.geo == "aisne":
            question += " dans l'Aisne"
        elif fact.geo == "hauts-de-france" and fact.kind == "figure":
            question += " en Hauts-de-France"
        if fact.year:
            question += f" en {fact.year}"
        return Suggestion(label or self.label(fact), question + " ?", fact.id)

    def clarify(self, query: Query, decision: Decision) -> Answer:
        facts = decision.facts
        if decision.reason.startswith("name:"):
            lead = texts.CLARIFY_NAME.format(name=decision.reason[5:].capitalize())
        else:
            lead = texts.CLARIFY if len(facts) > 1 else texts.CLARIFY_ONE
        labels = [self.label(f) for f in facts]
        lines = [lead, *(f"{i}. {label}" for i, label in enumerate(labels, 1)), texts.CLARIFY_HINT]
        text = "\n".join(lines)
        return Answer(
            status="clarify", text=text, html=html.escape(text), confidence=decision.confidence,
            facts=tuple(f.id for f in facts),
            suggestions=tuple(self.suggest(f, label) for label, f in zip(labels, facts, strict=True)),
            context=self.context(query, (), candidates=tuple(f.id for f in facts)),
        )

    def unknown(self, query: Query, decision: Decision) -> Answer:
        reading = query.reading
        lines = [texts.UNKNOWN]
        suggestions: list[Suggestion] = []
        if decision.reason == "year":
            years = ", ".join(str(y) for y in query.years if y)
            dated = any(f.year for f in decision.near)
            if not years:  # "l'an dernier": relative to a date the documents do not give
                lines = [texts.UNKNOWN_RELATIVE.format(known=self.known_years or "une année précise")]
            elif dated:
                lines = [texts.UNKNOWN_YEAR.format(years=years, known=self.known_years)]
            else:
                lines = [texts.UNKNOWN_YEAR_UNDATED.format(years=years)]
            suggestions = [self.suggest(f) for f in decision.near if f.year]
        elif decision.reason == "geo" and query.geo:
            place = reading.geo_name or self.lexicon.place_names.get(query.geo, query.geo)
            others = {f.geo for f in decision.near if f.geo}
            if query.geo.startswith("other:") or not others:
                lines = [texts.UNKNOWN_PLACE.format(place=place)]
            else:
                other = " et ".join(self.lexicon.place_names.get(g, g) for g in sorted(others))
                lines = [texts.UNKNOWN_PLACE_ONLY.format(place=place, other=other)]
                suggestions = [self.suggest(f) for f in decision.near]
        elif decision.reason == "subject" and decision.near:
            vocab = self.index.entries[decision.near[0].id].vocab
            foreign = [e for e in query.entities if e not in vocab] or list(query.entities)
            name = self.lexicon.entity_names.get(foreign[0][1:], foreign[0][1:])
            contact = decision.near[0].kind == "contact"
            lines = [(texts.UNKNOWN_CONTACT if contact else texts.UNKNOWN_SUBJECT).format(subject=name)]
            suggestions = [self.suggest(f) for f in decision.near]
        elif decision.reason in ("role", "entity") or (query.role or "").startswith("other:"):
            entities = list(query.entities)
            of = ""
            if entities:
                of = " pour " + self.lexicon.entity_names.get(entities[0][1:], entities[0][1:])
            lines = [texts.UNKNOWN_ROLE.format(role=reading.role_word or "cette fonction", of=of)]
            known = [f for f in self._facts.values() if f.kind == "person" and f"@{f.subject}" in entities]
            if known:
                lines.append(texts.UNKNOWN_ROLE_KNOWN.format(
                    known="; ".join(f"{f.value}, {f.attribute}" for f in known)))
                suggestions = [self.suggest(f) for f in known]
        elif reading.unknown:
            lines = [texts.UNKNOWN_WORDS.format(words=self.lexicon.surface(reading.original, reading.unknown[:3]))]
        elif decision.reason == "counted" and reading.counted and not self.index.counts_anything(reading.counted):
            what = self.lexicon.surface(reading.original, [self.index.counted(reading.counted)])
            lines = [texts.UNKNOWN_COUNTED.format(what=what)]
        lines.append(texts.CAN_ANSWER)
        if not suggestions:
            suggestions = [Suggestion(q, q) for q in texts.EXAMPLES]
        text = "\n".join(lines)
        # After "pas de chiffre pour le Nord", "et dans l'Aisne ?" follows the fact that was near.
        near = decision.near if decision.reason in ("year", "geo") else ()
        context = replace(self.context(query, ()), fact_ids=tuple(f.id for f in near))
        return Answer(status="unknown", text=text, html=html.escape(text), confidence=0.0,
                      suggestions=tuple(suggestions), context=context)

    def plain(self, text: str, context: Context | None) -> Answer:
        """A reply with no fact (greeting, empty or English question): the context is kept."""
        return Answer(status="unknown", text=text, html=html.escape(text),
                      suggestions=tuple(Suggestion(q, q) for q in texts.EXAMPLES),
                      context=context or Context())
