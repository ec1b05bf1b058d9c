"""From a decision to the reply: answered, clarification or unknown, and the next context.

Every sentence of an unknown or a clarification is derived from what was checked: a
place is said to have no figures only when the base has none for it, a role is said to
be missing only for the body or place asked, and what the base has instead is named.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, replace

from . import symbols as sym
from . import texts
from .lexicon import Lexicon
from .matcher import FactIndex
from .query import Decision, Query
from .records import Answer, Context, Document, Fact, Suggestion
from .render import Line, french_numbers, render, source_of
from .why import explain

__all__ = ["Replies"]


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} et {items[-1]}"


@dataclass(frozen=True)
class _Reply:
    lines: tuple[Line, ...]
    cited: tuple[Fact, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()


class Replies:
    def __init__(self, documents: Mapping[str, Document], facts: Mapping[str, Fact], lexicon: Lexicon,
                 index: FactIndex) -> None:
        self.documents = documents
        self.facts = facts
        self.lexicon = lexicon
        self.places = lexicon.places
        self.index = index
        self.items: dict[str, list[Fact]] = {}
        for fact in facts.values():
            if fact.kind == "item" and fact.list_id:
                self.items.setdefault(fact.list_id, []).append(fact)
        for items in self.items.values():
            items.sort(key=lambda f: f.n or 0)
        # Read by every unknown reply: computed once here, never by scanning the base per question.
        self.people = tuple(f for f in facts.values() if f.kind == "person")
        self.figure_places = frozenset(f.place for f in facts.values() if f.kind == "figure" and f.place)
        years = sorted({f.year for f in facts.values() if f.year and f.kind == "figure"})
        self.known_years = _join([str(y) for y in years]) if years else ""
        self.known_years_list = [str(y) for y in years]
        self.examples = self._examples()
        topics = [d.topics for d in documents.values() if d.topics]
        self.can_answer = texts.CAN_ANSWER.format(topics="; ".join(topics)) if topics else ""

    def _examples(self) -> tuple[str, ...]:
        """A few questions the base answers, one per kind, taken from curated phrasings."""
        found: dict[str, str] = {}
        for fact in self.facts.values():
            if fact.phrasings and fact.kind in ("figure", "person", "list") and fact.kind not in found:
                found[fact.kind] = fact.phrasings[0] + " ?"
        return tuple(found.values()) or ("qui êtes-vous ?",)

    # ----------------------------------------------------------------- context
    def context(self, query: Query, facts: tuple[Fact, ...], candidates: tuple[str, ...] = (), *,
                answered: bool = True) -> Context:
        main = facts[0] if facts else None
        if main is None:
            concepts = tuple(c for c, w in query.concepts.items() if w >= 1.0) or tuple(query.concepts)
        elif main.kind == "person":
            concepts = (sym.role(main.role),) if main.role else ()  # "et celui de la région ?": the same role
        else:
            # What the answered fact is about, so "et dans le Cher ?" finds its counterpart.
            keys = self.index.entries[main.id].symbols.keys
            concepts = tuple(sorted(keys[0])) if keys else ()
        places = query.places
        if answered and main is not None and main.place and main.kind == "figure" and not query.reading.places:
            places = (main.place,)
        several = len({(f.place, f.year) for f in facts}) > 1  # a list of places or years pins none of them
        if several and not query.reading.places:
            places = ()
        return Context(
            concepts=concepts,
            places=places,
            year=None if several and not query.reading.years else main.year if main is not None and main.year
            else (query.years[0] if query.years else None),
            kind=main.kind if main else None,
            metric=main.metric if main is not None and main.kind == "figure" else None,
            list_id=(main.id if main.kind == "list" else main.list_id) if main else query.list_id,
            item=main.n if main is not None and main.kind == "item" else None,
            entity=self._entity_of(main) if main else next(iter(query.entities), None),
            subject=sym.entity(main.subject) if main else None,
            role=query.role or (main.role if main else None),
            fact_ids=tuple(f.id for f in facts),
            candidates=candidates,
        )

    @staticmethod
    def _entity_of(fact: Fact) -> str:
        """Who "il", "elle", "son" refer to after this fact: the person, else the subject."""
        return sym.entity(fact.person) if fact.person else sym.entity(fact.subject)

    # ----------------------------------------------------------------- labels
    def scope(self, fact: Fact, *, place: bool = True) -> str:
        """"(Cher, 2019)": what the fact's sentence does not already say (never printed twice)."""
        said = self.lexicon.normalize(fact.answer)
        parts = []
        if fact.place and place and fact.kind in ("figure", "person"):
            label = self.places.label(fact.place)
            if self.lexicon.normalize(label) not in said:
                parts.append(label)
        if fact.year and str(fact.year) not in said:
            parts.append(str(fact.year))
        return ", ".join(parts)

    def label(self, fact: Fact) -> str:
        scope = self.scope(fact)
        label = fact.attribute if fact.kind != "person" else f"{fact.value}, {fact.attribute}"
        if len(label.split()) <= 2:  # "lieu": of what?
            label = f"{self.lexicon.entity_names.get(fact.subject, fact.subject)} : {label}"
        return f"{label[:1].upper()}{label[1:]}" + (f" ({scope})" if scope else "")

    def suggest(self, fact: Fact, label: str | None = None) -> Suggestion:
        """A button for `fact`: its label, and a question that asks for it with its scope."""
        question = fact.phrasings[0] if fact.phrasings else fact.attribute
        scope = self.scope(fact) if fact.kind == "figure" else ""
        return Suggestion(label or self.label(fact), question + (f" ({scope})" if scope else "") + " ?", fact.id)

    def _shown(self, fact: Fact) -> str:
        """A fact's sentence; a figure says whose it is: "Habitat Sud : 3 616 places créées"."""
        answer = french_numbers(fact.answer)
        if fact.kind == "figure" and self.lexicon.entity_kinds.get(fact.subject) == "organisation":
            name = self.lexicon.entity_names.get(fact.subject, "")
            if name and self.lexicon.normalize(name) not in self.lexicon.normalize(fact.answer):
                answer = f"{name} : {answer}"
        return answer

    def fact_lines(self, fact: Fact) -> list[Line]:
        scope = self.scope(fact)
        lines = [Line(self._shown(fact) + (f" ({scope})" if scope else ""), fact)]
        if fact.kind == "list":  # each item by its title; its whole sentence is in the quotes below
            noun = (fact.noun or "").capitalize()
            items = self.items.get(fact.id, [])
            lines += [Line(f"{noun} {item.n} : {french_numbers(item.value)}", item) for item in items]
        if fact.kind == "contact":
            title = self.documents[fact.document_id].title
            lines.insert(0, Line(texts.CONTACT_FOR.format(title=title)))
        return lines

    # ---------------------------------------------------------------- replies
    def answered(self, query: Query, decision: Decision) -> Answer:
        reply = self._answered(query, decision)
        return self._answer("answered", reply, decision, self.context(query, decision.facts))

    def _answered(self, query: Query, decision: Decision) -> _Reply:
        lines: list[Line] = []
        facts = decision.facts
        if decision.lead == "year" and facts[0].place:
            years = _join(sorted({str(f.year) for f in facts if f.year}))
            lines.append(Line(texts.ONLY_YEARS.format(place=self.places.the(facts[0].place), years=years)))
        if decision.verdict:
            lines.append(Line(texts.VERDICTS[decision.verdict]))
        for place, year in decision.missing:  # a compared scope the base lacks, on its own line
            parts = (f"pour {self.places.the(place)}" if place else "", f"en {year}" if year else "")
            scope = " ".join(p for p in parts if p)
            lines.append(Line(texts.MISSING_SCOPE.format(scope=scope)))
        for fact in facts:
            lines += self.fact_lines(fact)
        for fact in decision.mentions:
            scope = self.scope(fact, place=False)
            place = self.places.label(fact.place) if fact.place else ""
            lines.append(Line(f"{place} : {french_numbers(fact.answer)}" + (f" ({scope})" if scope else ""), fact))
        items = tuple(i for f in facts if f.kind == "list" for i in self.items.get(f.id, []))
        cited = (*facts, *items, *decision.mentions)
        suggestions = [self.suggest(self.facts[r]) for f in facts for r in f.related if r in self.facts]
        return _Reply(tuple(lines), cited, tuple(dict.fromkeys(suggestions))[:4])

    def clarify(self, query: Query, decision: Decision) -> Answer:
        facts = decision.facts
        if decision.reason == "name":
            name = next(iter(query.reading.ambiguous_names), "").capitalize()
            lead = texts.CLARIFY_NAME.format(name=name)
        else:
            lead = texts.CLARIFY if len(facts) > 1 else texts.CLARIFY_ONE
        labels = [self.label(f) for f in facts]
        lines = [Line(lead), *(Line(f"{i}. {label}") for i, label in enumerate(labels, 1)), Line(texts.CLARIFY_HINT)]
        suggestions = tuple(self.suggest(f, label) for label, f in zip(labels, facts, strict=True))
        context = self.context(query, (), candidates=tuple(f.id for f in facts))
        return self._answer("clarify", _Reply(tuple(lines), (), suggestions), decision, context)

    def unknown(self, query: Query, decision: Decision) -> Answer:
        lines, shown, suggestions = self._why(query, decision)
        reply = _Reply(tuple(Line(t) for t in lines) + tuple(line for f in shown for line in self.fact_lines(f)),
                       tuple(shown), tuple(suggestions))
        # After "pas de chiffre pour le Nord", "et dans le Cher ?" follows the fact that was near.
        near = decision.near if decision.reason in ("year", "place") else ()
        context = replace(self.context(query, near[:1], answered=False), fact_ids=tuple(f.id for f in near))
        return self._answer("unknown", reply, decision, context)

    def _answer(self, status: str, reply: _Reply, decision: Decision, context: Context) -> Answer:
        rendered = render(reply.lines, reply.cited, self.documents)
        sources = tuple(dict.fromkeys(source_of(f, self.documents[f.document_id]) for f in reply.cited))
        return Answer(
            status=status,  # type: ignore[arg-type]
            text=rendered.text, html=rendered.html, sources=sources,
            confidence=decision.confidence if status == "answered" else 0.0,
            facts=tuple(f.id for f in reply.cited) if status == "answered" else tuple(f.id for f in decision.facts)
            if status == "clarify" else (),
            suggestions=reply.suggestions, context=context,
        )

    def plain(self, text: str, context: Context | None) -> Answer:
        """A reply with no fact (greeting, empty or English question): the context is kept."""
        return Answer(status="unknown", text=text, html=html.escape(text),
                      suggestions=tuple(Suggestion(q, q) for q in self.examples),
                      context=context or Context())

    # ------------------------------------------------------------- unknowns
    def _why(self, query: Query, decision: Decision) -> tuple[list[str], list[Fact], list[Suggestion]]:
        """The sentences of an unknown, each true of the base, and the facts worth showing."""
        return explain(self, query, decision)
