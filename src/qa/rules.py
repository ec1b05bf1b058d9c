"""Deciding: an ordered list of small named rules, the first that decides wins.

Each rule looks at the query (and the conversation) and returns a `Decision`, or None to
let the next rule try. The order is the policy, read top to bottom:

0. `role_reference`: "qu'a dit le président de X ?" -> about that person;
1. `list_item`: "axe 2", "la 3e priorité", "et la suivante ?" -> that item (or "there are six");
2. `ambiguous_name`: "qui est Martin ?" with two Martins -> ask which;
3. `role_check`: "Dupont dirige Habitat Sud ?" -> what the person is, yes or no;
4. `counterpart`: "et dans le Cher ?", "et en 2018 ?", "et celui des Bretagne ?";
5. `slots_only`: "Cher", "chiffres 2019" -> what the base holds for those slots;
6. `scopes`: one figure compared across places or years -> each figure, side by side;
7. `match`: score the facts the slots allow, then answer, list a metric, ask, or explain.

Thresholds were set on the dev set and the project's cases together; they are shared by
every document, never tuned for one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace

from rapidfuzz import fuzz

from . import compare
from . import symbols as sym
from .checks import verify, verify_place
from .lexicon import Lexicon
from .matcher import FactIndex, Scored
from .query import Decision, Query, Reason
from .records import Context, Fact
from .resolve import Resolver
from .slots import Slots

__all__ = ["ANSWER_MIN", "Decider"]

ANSWER_MIN = 0.62  # score of the best fact to answer it
COVER_MIN = 0.6  # share of the question the answered fact must explain
MARGIN = 0.08  # lead over the runner-up to answer rather than ask
CLARIFY_MIN = 0.42  # candidates worth offering in a clarification
CLARIFY_BAND = 0.15  # how close to the best a candidate must be to be offered
CLARIFY_MAX = 5  # candidates offered at most
LIST_MAX = compare.LIST_MAX  # figures of one metric listed at most
PLACE_BONUS = MARGIN  # a fact of the very place asked comes before a fact without a place
SAME_KIND_BONUS = 0.05  # in a follow-up, a fact of the kind just answered comes first

# A fact that speaks of what comes after its document: a target, a next meeting.
_FUTURE_FACT = re.compile(r"prochaine?|aura |sera |seront|prévu|objectif|d’ici|d'ici|à venir|se tiendra|attendus")

Rule = Callable[["Decider", Query, Context | None], Decision | None]


class Decider:
    def __init__(self, facts: Mapping[str, Fact], index: FactIndex, lexicon: Lexicon, resolver: Resolver) -> None:
        self.facts = facts
        self.index = index
        self.lexicon = lexicon
        self.places = lexicon.places
        self.resolver = resolver
        self.slots = Slots(index, lexicon)
        self.by_metric: dict[str, list[Fact]] = {}
        self.by_place: dict[str, list[Fact]] = {}
        self.by_year: dict[int, list[Fact]] = {}
        for fact in facts.values():
            if fact.kind != "figure":
                continue
            if fact.metric:
                self.by_metric.setdefault(fact.metric, []).append(fact)
            if fact.place:
                self.by_place.setdefault(fact.place, []).append(fact)
            if fact.year:
                self.by_year.setdefault(fact.year, []).append(fact)
        self.people: dict[str, list[Fact]] = {}
        for fact in facts.values():
            if fact.kind == "person" and fact.person:
                self.people.setdefault(sym.entity(fact.person), []).append(fact)

    def decide(self, query: Query, context: Context | None) -> Decision:
        decision = self._first(query, context)
        if query.reading.future:
            return self._after_the_documents(query, decision)
        if query.check is None:
            return decision
        if decision.status == "answered":
            return verify(self, query, decision)
        if decision.reason in ("place", "year") and decision.near and decision.near[0].kind != "figure":
            # "la convention, c'était à Arras ?": the place is what is checked, not a scope.
            kind = "where" if decision.reason == "place" else "when"
            relaxed = replace(query, places=() if decision.reason == "place" else query.places,
                              years=() if decision.reason == "year" else query.years,
                              reading=replace(query.reading, kinds=frozenset({kind})))
            found = self._first(relaxed, context)
            if found.status == "answered":
                return verify_place(self, query, found)
        return decision

    def _after_the_documents(self, query: Query, decision: Decision) -> Decision:
        """"la prochaine convention aura lieu où ?", "a-t-elle finalement été construite ?"

        The documents tell what they tell at their date: only a fact that itself speaks of
        what comes next (a target, a next meeting) answers; otherwise, say so and quote it.
        """
        facts = decision.facts or decision.near
        if decision.status != "unknown" and all(_FUTURE_FACT.search(f.quote.lower()) for f in facts):
            return verify(self, query, decision) if query.check and decision.status == "answered" else decision
        if not facts:
            return decision
        return Decision(status="unknown", reason="unsettled", near=facts[:1], rule="after_the_documents")

    def _first(self, query: Query, context: Context | None) -> Decision:
        for rule in RULES:
            decision = rule(self, query, context)
            if decision is not None:
                return decision if decision.rule else replace(decision, rule=rule.__name__)
        raise AssertionError("the last rule always decides")  # pragma: no cover

    # ------------------------------------------------------------------ rules
    def role_reference(self, query: Query, context: Context | None) -> Decision | None:
        """"qu'a dit le président du groupe X ?": the role names a person; the question is about them."""
        reading = query.reading
        if query.role is None or "who" in reading.kinds or query.check is not None:
            return None
        about = [c for c, w in query.concepts.items() if w >= 1.0 and not c.startswith((sym.ENTITY, sym.ROLE))]
        if not about:
            return None
        bodies = [e for e in query.entities if e not in self.people]
        holders = [f for facts in self.people.values() for f in facts if self.lexicon.role_matches(query.role, f.role)
                   and (not bodies or sym.entity(f.subject) in bodies)
                   and (not query.places or f.place in query.places)]
        people = {f.person for f in holders if f.person}
        if len(people) != 1:
            return None
        person = sym.entity(people.pop())
        concepts = {c: w for c, w in query.concepts.items() if not c.startswith(sym.ROLE) and c not in bodies}
        concepts[person] = 1.0
        named = replace(query, role=None, entities=(person,), concepts=concepts, places=())
        decision = self._first(named, context)
        return decision if decision.status == "answered" else None

    def list_item(self, query: Query, context: Context | None) -> Decision | None:
        if query.list_id is None or query.item is None:
            return None
        item = self.resolver.items.get((query.list_id, query.item))
        if item is not None:
            return Decision(status="answered", facts=(item,), confidence=1.0)
        return Decision(status="unknown", reason="item", near=(self.facts[query.list_id],))

    def ambiguous_name(self, query: Query, context: Context | None) -> Decision | None:
        for name in query.reading.ambiguous_names:
            people = self.lexicon.ambiguous_names.get(name, ())
            if set(query.entities) & {sym.entity(p) for p in people}:
                continue
            facts = tuple(f for p in people for f in self.people.get(sym.entity(p), [])[:1])
            if len(facts) > 1:
                return Decision(status="clarify", facts=facts, confidence=0.5, reason="name")
        return None

    def role_check(self, query: Query, context: Context | None) -> Decision | None:
        """A check that names a person and a role or body: is that what the person is?"""
        if query.check is None or (query.role is None and not query.entities):
            return None
        persons = [e for e in query.reading.entities if e in self.people]
        bodies = [e for e in query.entities if e not in self.people]
        if len(persons) != 1 or (query.role is None and not bodies):
            return None
        held = self.people[persons[0]]
        for fact in held:
            role_ok = query.role is None or self.lexicon.role_matches(query.role, fact.role)
            if role_ok and (not bodies or sym.entity(fact.subject) in bodies):
                return Decision(status="answered", facts=(fact,), confidence=1.0, verdict="oui")
        holders = tuple(
            f for facts in self.people.values() for f in facts if query.role is not None
            and self.lexicon.role_matches(query.role, f.role) and sym.entity(f.subject) in bodies
        )
        return Decision(status="answered", facts=(held[0], *holders[:1]), confidence=1.0, verdict="non")

    def counterpart(self, query: Query, context: Context | None) -> Decision | None:
        """"et dans le Cher ?", "et en 2018 ?": the same metric, or role, for other slots."""
        reading = query.reading
        if context is None or not context.fact_ids or reading.concepts and not reading.followup:
            return None
        news = [c for c in reading.concepts if not c.startswith(sym.ROLE)]
        if news or not (reading.places or reading.years or reading.year_shift or reading.place_kind):
            return None
        if context.metric:
            return self._metric_scopes(query, context.metric, context)
        previous = self.facts.get(context.fact_ids[0])
        if previous is not None and previous.kind == "person" and (query.places or query.any_places):
            return self._person_elsewhere(previous, query)
        return None

    def _metric_scopes(self, query: Query, metric: str, context: Context | None) -> Decision:
        figures = self.by_metric.get(metric, [])
        places = query.places or (context.places if context else ())
        years = query.years
        found = [f for f in figures if (not places or f.place in places) and (not years or f.year in years)]
        if not found and query.years_carried and not query.reading.places:
            found = [f for f in figures if not places or f.place in places]  # the year was only carried
        if found:
            return Decision(status="answered", facts=tuple(self.ordered(found, places, years)[:LIST_MAX]),
                            confidence=1.0)
        if query.reading.places and query.years_carried:
            # The new place has this metric only for other years: say so, then give it.
            other_years = [f for f in figures if f.place in query.reading.places]
            if other_years:
                latest = sorted(other_years, key=lambda f: -(f.year or 0))
                return Decision(status="answered", facts=tuple(latest[:LIST_MAX]), confidence=1.0,
                                lead="year", near=tuple(figures[:1]))
        reason: Reason = "year" if query.reading.years or query.reading.year_shift else "place"
        near = [f for f in figures if (reason == "year" and (not places or f.place in places))
                or (reason == "place" and (not years or f.year in years))] or figures
        return Decision(status="unknown", reason=reason, near=tuple(near[:3]))

    def ordered(self, facts: list[Fact], places: tuple[str, ...], years: tuple[int, ...]) -> list[Fact]:
        """The order the user named places and years in, else broadest place and latest year first."""
        def rank(f: Fact) -> tuple[int, int, int, str]:
            place_rank = places.index(f.place) if f.place in places else self.places.depth(f.place or "") + 10
            year_rank = years.index(f.year) if f.year in years else -(f.year or 0)
            return place_rank, year_rank, 0, f.id
        return sorted(facts, key=rank)

    def _person_elsewhere(self, previous: Fact, query: Query) -> Decision | None:
        """"et celui de la Bretagne ?" after a president: the same role of the most alike body."""
        places = query.places or query.any_places
        same = [f for facts in self.people.values() for f in facts if f.role == previous.role
                and f.id != previous.id and (f.place in places or f.subject in places)]
        if not same:
            return None
        authorities = {self.places.authority.get(p) for p in places}
        if query.reading.place_kind and any(f.subject in authorities for f in same):
            same = [f for f in same if f.subject in authorities]  # "et celui de la Région ?": the Région's
        name = self.lexicon.entity_names.get(previous.subject, previous.subject)
        best = max(same, key=lambda f: fuzz.ratio(name, self.lexicon.entity_names.get(f.subject, f.subject)))
        return Decision(status="answered", facts=(best,), confidence=0.9)

    def slots_only(self, query: Query, context: Context | None) -> Decision | None:
        """"Cher" or "chiffres 2019" alone: offer what the base holds for these slots."""
        if query.concepts:
            return None
        if not (query.places or query.years):
            return Decision(status="unknown", reason="empty")
        # Only the figures of the places (else of the years) named: a large base is never scanned.
        pool = ([f for p in query.places for f in self.by_place.get(p, [])] if query.places
                else [f for y in query.years for f in self.by_year.get(y, [])])
        offered = tuple(f for f in pool if not query.years or f.year in query.years)
        if offered:
            return Decision(status="clarify", facts=offered[:CLARIFY_MAX], confidence=0.5)
        reason: Reason = "place" if query.places else "year" if query.years else "empty"
        return Decision(status="unknown", reason=reason)

    def scopes(self, query: Query, context: Context | None) -> Decision | None:
        """One figure (or role) across several places or years: see `qa.compare`."""
        return compare.scopes(self, query, context)

    def match(self, query: Query, context: Context | None) -> Decision:
        ids, rest = self.index.candidates(query.concepts, years=query.years, places=query.places)
        allowed: list[str] = []
        excluded: list[tuple[str, str]] = []
        for fid in [*ids, *rest]:
            why = self.slots.excluded(self.facts[fid], query)
            if why is None:
                allowed.append(fid)
            else:
                excluded.append((fid, why))
        scored = self.index.score(query.reading, query.concepts, allowed)
        if query.new_concepts and query.new_concepts != set(query.concepts):
            # A follow-up that names something new must be about that new thing.
            scored = [s for s in scored if query.new_concepts & self.index.entries[s.fact.id].vocab]
        scored = [self._boosted(s, query) for s in scored]
        scored.sort(key=lambda s: (-s.score, s.fact.id))
        holders = [s for s in scored if s.fact.kind == "person" and query.role is not None]
        if len(holders) > 1 and not query.entities and not query.places and query.check is None:
            # "qui est le président ?": several people hold the role; the user says whose.
            return Decision(status="clarify", facts=tuple(s.fact for s in holders[:CLARIFY_MAX]),
                            confidence=0.5, reason="ambiguous", rule="role_holders")
        best = scored[0] if scored else None
        confident = best is not None and best.score >= ANSWER_MIN and best.question_cover >= COVER_MIN
        focus = query.reading.focus
        if best is not None and focus is not None and focus not in self.index.entries[best.fact.id].vocab:
            confident = False  # "dans quel contexte ?" is not answered by when they took place
        if best is not None and confident and best.fact.kind == "figure" and best.fact.metric:
            group = self._metric_group(best, scored, query)
            if group is not None:
                return group
        if best is not None and best.fact.kind in ("contact", "person"):
            card = self._contact_card(best, scored)
            if card is not None:
                return card
        runner = scored[1] if len(scored) > 1 else None
        if best and confident and (runner is None or best.score - runner.score >= MARGIN):
            return Decision(status="answered", facts=(best.fact,), confidence=min(best.score, 1.0),
                            cover=best.question_cover, rule="confident")
        absent = [self.facts[fid] for fid, why in excluded if why == "channel" and self.facts[fid].kind == "contact"
                  and all(e in self.index.entries[fid].vocab for e in query.entities)]  # contacts of what is asked
        if absent and not confident:
            # "téléphone de l'Union X ?": no phone is given; say so, with the channels that are.
            return Decision(status="unknown", reason="channel", near=tuple(absent[:2]), rule="channel_absent")
        ruled_out = self._why_unknown(query, excluded)
        if ruled_out.near and (best is None or ruled_out.confidence > best.score + MARGIN):
            return ruled_out  # what was asked exists, but for another year, place or role
        close = [s for s in scored if s.score >= CLARIFY_MIN and best and best.score - s.score <= CLARIFY_BAND]
        if close and best and best.question_cover >= COVER_MIN / 2:
            same = self._same_thing_elsewhere([s.fact for s in close])
            if same is not None:
                return same
            if len(close) == 1 and self._fits_every_slot(best, query):
                return Decision(status="answered", facts=(best.fact,), confidence=min(best.score, 1.0),
                                cover=best.question_cover, rule="single_fit")
            return Decision(status="clarify", facts=tuple(s.fact for s in close[:CLARIFY_MAX]),
                            confidence=min(best.score, 1.0), reason="ambiguous", rule="clarify")
        if ruled_out.reason == "topic" and best is not None:
            return replace(ruled_out, near=(best.fact,))  # nothing ruled out: the nearest fact
        return ruled_out

    # ---------------------------------------------------------------- helpers
    def _boosted(self, s: Scored, query: Query) -> Scored:
        """A fact of the very place asked first; in a follow-up, one of the kind just answered."""
        score = s.score
        if query.places and s.fact.place in query.places:
            score += PLACE_BONUS
        if query.kind and s.fact.kind == query.kind:
            score += SAME_KIND_BONUS
        if query.pronoun_entity and s.fact.person and query.pronoun_entity == sym.entity(s.fact.person):
            score += MARGIN  # "il a ouvert la convention avec qui ?": his fact, not his companion's
        return replace(s, score=score) if score != s.score else s

    def _metric_group(self, best: Scored, scored: list[Scored], query: Query) -> Decision | None:
        """Figures of one metric for several places or years: the short list, not a menu.

        With no place asked, the broadest place comes first and the places it contains are
        mentioned after it; with no year asked, the latest first.
        """
        metric = best.fact.metric
        others = [s for s in scored if s.fact.metric != metric and s.score > best.score - MARGIN]
        if others:
            return None  # another metric is as likely: let the clarification offer both
        group = [s.fact for s in scored if s.fact.metric == metric and s.score >= best.score - CLARIFY_BAND]
        if len(group) < 2:
            return None
        ordered = self.ordered(group, query.places, query.years)
        tops = [f for f in ordered if not any(self.places.contains(o.place or "", f.place or "")
                                                 for o in ordered if o is not f and o.place)]
        subs = [f for f in ordered if f not in tops]
        if len(tops) == 1:
            return Decision(status="answered", facts=(tops[0],), mentions=tuple(subs[: LIST_MAX - 1]),
                            confidence=min(best.score, 1.0), rule="metric_group")
        return Decision(status="answered", facts=tuple(ordered[:LIST_MAX]), confidence=min(best.score, 1.0),
                        rule="metric_list")

    def _same_thing_elsewhere(self, facts: list[Fact]) -> Decision | None:
        """"les filiales de Habitat Sud": one kind of fact of one subject in several places, all of them."""
        places = [f.place for f in facts]
        if len(facts) < 2 or facts[0].kind in ("figure", "person", "contact") or None in places:
            return None
        if len({(f.kind, f.subject) for f in facts}) != 1 or len(set(places)) != len(places):
            return None
        return Decision(status="answered", facts=tuple(self.ordered(facts, (), ())[:LIST_MAX]), confidence=0.7,
                        rule="same_thing_elsewhere")

    def _contact_card(self, best: Scored, scored: list[Scored]) -> Decision | None:
        """"contact presse ?": the e-mail and the phone of one contact are one answer, not a menu."""
        same = [s.fact for s in scored if s.fact.kind in ("contact", "person") and s.score >= best.score - CLARIFY_BAND
                and (s.fact.person or s.fact.quote) == (best.fact.person or best.fact.quote)]
        same.sort(key=lambda f: f.kind != "person")  # who they are, then how to reach them
        others = [s for s in scored if s.fact not in same and s.score > best.score - MARGIN]
        if len(same) < 2 or others or best.question_cover < COVER_MIN / 2:
            return None
        return Decision(status="answered", facts=tuple(same), confidence=min(best.score, 1.0),
                        cover=best.question_cover, rule="contact_card")

    def _fits_every_slot(self, best: Scored, query: Query) -> bool:
        """One candidate that agrees with everything the question names is an answer, not a menu."""
        vocab = self.index.entries[best.fact.id].vocab
        named = [c for c in query.new_concepts if c.startswith((sym.ENTITY, sym.ROLE))]
        # Words the base does not know are chatter around a question that names every key word.
        # Within one question, a word the base does not know is what is asked ("dans quel contexte ?"),
        # unless the question says what it asks and the fact has it ("quel financement ... ont-ils reçu ?").
        focus = query.reading.focus
        unknown = query.reading.unknown
        common = all(self.lexicon.is_common(w) for w in unknown) and focus not in unknown and best.key_cover >= 0.8
        chatter_ok = not unknown or common or (focus is not None and focus not in unknown and focus in vocab)
        words = any(not c[0].isdigit() for c in query.new_concepts)  # "1+1" points at nothing
        pointed = words and (best.key_cover >= 0.5 or best.question_cover >= 0.7)
        focused = focus is None or focus in vocab  # what "quel ..." asks about is what the fact says
        return pointed and chatter_ok and focused and not query.reading.outside and all(c in vocab for c in named)

    def _why_unknown(self, query: Query, excluded: list[tuple[str, str]]) -> Decision:
        """Find the slot that ruled out the facts that would otherwise answer."""
        if excluded:
            # Only to explain an unknown: the cheap scores are enough (no rapidfuzz).
            rescored = self.index.score(query.reading, query.concepts, [fid for fid, _ in excluded], similar=False)
            why = dict(excluded)
            for s in rescored:
                if s.score >= CLARIFY_MIN and s.question_cover >= COVER_MIN:
                    near = tuple(r.fact for r in rescored if why[r.fact.id] == why[s.fact.id])[:3]
                    return Decision(status="unknown", confidence=s.score, reason=why[s.fact.id],  # type: ignore[arg-type]
                                    near=near, rule="ruled_out")
        return Decision(status="unknown", reason="topic", rule="nothing_close")


RULES: tuple[Rule, ...] = (
    Decider.role_reference,
    Decider.list_item,
    Decider.ambiguous_name,
    Decider.role_check,
    Decider.counterpart,
    Decider.slots_only,
    Decider.scopes,
    Decider.match,
)
