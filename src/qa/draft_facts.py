"""`qa draft`, turning what was found into facts of the knowledge format, and proposals for the lexicon."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from .draft_base import Base
from .draft_figures import Figure, attribute_of, find_figures, find_lists
from .draft_people import Person, contacts_in, find_people, find_quotations, org_names
from .draft_text import DATE, Segment, fold, slug

__all__ = ["Facts"]

_EVENT = re.compile(r"\b(?:[Aa]ssises|[Rr]encontres|[Cc]onvention|[Aa]ssemblée générale|[Rr]éunion annuelle|"
                    r"[Cc]ongrès|[Cc]olloque|[Ff]orum|[Ss]alon|[Ss]éminaire|[Jj]ournées?|séance plénière|plénière)"
                    r"(?:\s+[\wÀ-ÿ’'-]+){0,8}?(?=\s*[,.;:(]|\s+(?:à|du|le|se|a|aura|sera|organis)\b)")
_ACRONYM = re.compile(r"\(([A-Z][A-Z0-9-]{1,15})\)")
_CHANNEL_LABEL = {"email": "e-mail", "phone": "téléphone", "web": "site web", "address": "adresse"}


def _int(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


class Facts:
    """Collects the facts of one document and the entities, metrics and roles they need."""

    def __init__(self, base: Base, doc_id: str, text: str, segs: list[Segment], *, region: str | None,
                 doc_year: int | None, publisher: str) -> None:
        self.base, self.doc_id, self.text, self.segs = base, doc_id, text, segs
        self.region, self.doc_year, self.publisher = region, doc_year, publisher
        self.facts: list[dict[str, Any]] = []
        self.proposals: dict[str, dict[str, Any]] = {"entities": {}, "metrics": {}, "roles": {}}
        self.notes: list[str] = []
        self._ids: set[str] = set(base.fact_ids)
        self._people: dict[str, str] = {}  # name -> entity key
        self._person_subject: dict[str, str] = {}
        self._person_role: dict[str, str] = {}

    # --------------------------------------------------------------- entities
    def _new_id(self, wanted: str) -> str:
        wanted = re.sub(r"-+", "-", wanted).strip("-") or "fait"
        out, n = wanted, 2
        while out in self._ids:
            out, n = f"{wanted}-{n}", n + 1
        self._ids.add(out)
        return out

    def entity(self, name: str, kind: str, *, acronym: str = "") -> str:
        """The key of a known entity, or of a new one proposed for the lexicon."""
        known = self.base.entity_named(name) or (self.base.entity_named(acronym) if acronym else None)
        if known:
            return known
        for mention in self.base.entity_mentions(name):
            if mention.end == len(name) and kind != "person":
                return mention.key
        key = slug(acronym or name, 7)
        entities = self.proposals["entities"]
        if key in entities or key in self.base.lexicon.get("entities", {}):
            return key
        aliases = [name] + ([acronym] if acronym else [])
        if kind == "person" and fold(name) != name.lower():
            aliases.append(fold(name).title())
        if kind == "person":
            parts = name.split()
            aliases += [parts[-1], parts[0]] if len(parts) >= 2 else []
        table: dict[str, Any] = {"kind": kind, "name": name if not acronym else f"{name} ({acronym})",
                                 "aliases": list(dict.fromkeys(aliases))}
        place = next((m.key for m in self.base.place_mentions(name)), None)
        if place and kind != "person":
            table["place"] = place
        entities[key] = table
        return key

    def main_subject(self) -> str:
        """The organisation the document is mostly about: the most named one (the publisher's first)."""
        counts: Counter[str] = Counter()
        for mention in self.base.entity_mentions(self.text):
            if self.base.lexicon.get("entities", {}).get(mention.key, {}).get("kind") != "person":
                counts[mention.key] += 1
        for name, _ in org_names(self.text):
            counts[self.entity(name, "organisation")] += 1
        if self.publisher and self.text.count(self.publisher) >= 2:
            counts[self.entity(self.publisher, "organisation")] += 100
        return counts.most_common(1)[0][0] if counts else self.entity(self.publisher or self.doc_id, "organisation")

    # ------------------------------------------------------------------ facts
    def add(self, fact: dict[str, Any], notes: list[str]) -> dict[str, Any]:
        fact = {"id": self._new_id(fact.pop("id")), **fact, "document": self.doc_id}
        fact["draft"] = "; ".join([*notes, "proposed by qa draft: check it against the document"])
        self.facts.append(fact)
        return fact

    def collect(self) -> None:
        self._subject = self.main_subject()
        self._orgs()
        lists = find_lists(self.segs)
        people = find_people(self.base, self.segs)
        self._persons(people)
        self._quotations(people)
        self._figures(find_figures(self.base, self.segs, region=self.region, doc_year=self.doc_year,
                                   list_nouns={x.noun for x in lists}))
        self._lists(lists)
        self._contacts()
        self._events()

    def _heading_subject(self, seg: Segment) -> str:
        for source in (seg.heading, seg.text):
            mentions = [m for m in self.base.entity_mentions(source)
                        if self.base.lexicon.get("entities", {}).get(m.key, {}).get("kind") == "organisation"]
            if mentions:
                return mentions[0].key
        return self._subject

    def _metric(self, figure: Figure, attribute: str) -> None:
        if figure.new_metric and figure.metric and figure.metric not in self.proposals["metrics"]:
            words = [attribute] + ([figure.unit] if figure.unit not in ("%", "euros", "") else [])
            self.proposals["metrics"][figure.metric] = {"label": attribute, "words": list(dict.fromkeys(words))}

    def _figures(self, figures: list[Figure]) -> None:
        for figure in figures:
            attribute = attribute_of(figure) or figure.unit or "nombre"
            self._metric(figure, attribute)
            number = figure.number
            value = f"{number.modifier} {number.printed}".strip() if number.modifier else number.printed
            kind = number.unit_kind
            phrasings = ([f"combien {attribute}", f"montant {attribute}"] if kind == "money" else
                         [f"quelle part {attribute}", f"quel pourcentage {attribute}"] if kind == "percent" else
                         [f"combien de {attribute}", f"nombre de {attribute}"])
            scope = "-".join(str(x) for x in (figure.place or slug(self.doc_id, 2), figure.year) if x)
            self.add({
                "id": f"{scope}-{figure.metric or slug(attribute, 4)}", "kind": "figure", "quote": figure.segment.text,
                "subject": self._heading_subject(figure.segment), "attribute": attribute, "value": value,
                "value_number": _int(number.value), "unit": figure.unit, "metric": figure.metric,
                "place": figure.place, "year": figure.year, "answer": f"{value} {attribute}".strip(),
                "keywords": [w for w in attribute.split() if len(w) > 3][:3], "phrasings": phrasings,
            }, figure.notes)

    def _subject_of_role(self, person: Person) -> tuple[str, str | None, list[str]]:
        """The body a role is held in (an entity, or a place for a mayor or a préfet) and its place."""
        org = person.org_text
        if org:
            stripped = re.sub(r"^(?:la |le )?(?:région|ville|commune|département)\s+(?:de\s+|du\s+|d[’'])?", "", org)
            place = next((m.key for m in self.base.place_mentions(stripped) if m.start == 0 and m.end == len(stripped)),
                         None)
            if place and (org[:1].islower() or org == stripped):
                return place, place, []
            if org[:1].isupper():
                key = self.entity(org, "organisation")
                table = self.proposals["entities"].get(key) or self.base.lexicon.get("entities", {}).get(key, {})
                return key, table.get("place"), []
        if re.search(r"régional", person.role_text) and self.region:
            return self._region_body(), self.region, ["subject: the Région of the document, guessed"]
        return self._subject, None, [f"subject: '{person.role_text}' names no body; the document's main one is guessed"]

    def _region_body(self) -> str:
        label = self.base.places.get(self.region or "", {}).get("label", "")
        return self.entity(f"Région {label}", "organisation") if label else self._subject

    def _persons(self, people: list[Person]) -> None:
        seen: set[tuple[str, str | None]] = set()
        for person in people:
            if (person.name, person.role) in seen:
                continue
            seen.add((person.name, person.role))
            key = self.entity(person.name, "person")
            self._people[person.name] = key
            subject, place, notes = self._subject_of_role(person)
            self._person_subject.setdefault(person.name, subject)
            self._person_role.setdefault(person.name, person.role or "")
            role = person.role or ""
            if person.new_role and role not in self.proposals["roles"]:
                word = person.role_text.split(" de ")[0].split(" d'")[0]
                self.proposals["roles"][role] = {"label": word, "feminine": word, "words": [word]}
                notes.append(f"role: new role '{role}' proposed (see the lexicon draft)")
            feminine = fold(person.role_text).startswith(tuple(
                fold(r.get("feminine", "")) for r in [self.base.lexicon.get("roles", {}).get(role, {})] if r))
            article = "la" if feminine and not person.role_text.lower().startswith("maire") else "le"
            label = self.base.lexicon.get("roles", {}).get(role, {}).get("label", person.role_text.split()[0])
            self.add({
                "id": f"personne-{slug(person.name.split()[-1], 3)}", "kind": "person", "quote": person.quote,
                "subject": subject, "attribute": person.role_text, "value": person.name, "place": place,
                "role": role, "person": key, "answer": f"{person.name} est {article} {person.role_text}.",
                "keywords": [person.name.lower()],
                "phrasings": [f"qui est {person.name}", f"qui est {article} {person.role_text}"] + (
                    [f"{label} de {person.org_text}"] if person.org_text and person.org_text[:1].isupper() else []),
            }, notes)

    def _quotations(self, people: list[Person]) -> None:
        for quotation in find_quotations(self.segs, people):
            key = self._people.get(quotation.speaker) or self.entity(quotation.speaker, "person")
            self._people[quotation.speaker] = key
            first = re.split(r"(?<=[.!?])\s+", quotation.words)[0]
            self.add({
                "id": f"citation-{slug(quotation.speaker.split()[-1], 3)}", "kind": "quotation",
                "quote": quotation.quote, "subject": self._person_subject.get(quotation.speaker, self._subject),
                "attribute": f"citation de {quotation.speaker}", "value": first, "person": key,
                "answer": f"{quotation.speaker} : « {quotation.words} ».",
                "keywords": [quotation.speaker.lower(), "dit"],
                "phrasings": [f"qu'a dit {quotation.speaker}", f"que dit {quotation.speaker}", first[:60]],
            }, ["speaker: check who says it"] if quotation.speaker not in {p.name for p in people} else [])

    def _lists(self, lists: list[Any]) -> None:
        for found in lists:
            heading = found.heading
            subject = self._heading_subject(heading) if heading is not None else self._subject
            count = found.count or len(found.items)
            notes = [] if found.count == len(found.items) else [
                f"the heading announces {found.count} items, {len(found.items)} found" if found.count else
                "no heading announces how many items: the count is the items found"]
            noun = found.noun
            head = self.add({
                "id": f"{slug(self.doc_id, 3)}-{noun}s", "kind": "list",
                "quote": heading.text if heading is not None else found.items[0][1].text, "subject": subject,
                "attribute": f"{noun}s", "value": f"{noun}s", "value_number": count, "noun": noun,
                "subscribable": False, "answer": heading.text if heading is not None else f"Les {noun}s :",
                "keywords": [noun],
                "phrasings": [f"quels sont les {noun}s", f"liste des {noun}s", f"combien de {noun}s"],
            }, [*notes, "subscribable: set true if users may subscribe to its items"])
            for n, seg, text in found.items:
                self.add({
                    "id": f"{head['id']}-{n}", "kind": "item", "quote": seg.text, "subject": subject,
                    "attribute": f"{noun} {n}", "value": text, "list": head["id"], "n": n,
                    "answer": f"{noun.capitalize()} {n} : {text}",
                    "keywords": [w for w in text.split() if len(w) > 4][:1],
                    "phrasings": [f"{noun} {n}", text[:60]],
                }, [])

    def _contacts(self) -> None:
        for channel, value, seg, name in contacts_in(self.segs):
            person = self._people.get(name) or (self.entity(name, "person") if name else None)
            domain = re.sub(r"^(?:.*@|https?://|www\.)", "", value).split("/")[0].rsplit(".", 1)[0]
            subject = next((key for key, table in {**self.base.lexicon.get("entities", {}),
                                                    **self.proposals["entities"]}.items()
                            if table.get("kind") != "person" and any(
                                fold(a).replace(" ", "-") == domain for a in table.get("aliases", []))), self._subject)
            role = self._person_role.get(name) or None
            who = f"{name}, " if name else ""
            self.add({
                "id": f"contact-{slug(name.split()[-1] if name else subject, 3)}-{_CHANNEL_LABEL[channel]}",
                "kind": "contact", "quote": seg.text, "subject": subject,
                "attribute": f"{_CHANNEL_LABEL[channel]}" + (f" de {name}" if name else ""), "value": value,
                "person": person, "role": role, "channel": channel, "answer": f"{who}{value}",
                "keywords": ["contact"],
                "phrasings": [f"{_CHANNEL_LABEL[channel]} de contact", "qui contacter"] + (
                    [f"comment joindre {name}"] if name else []),
            }, [] if name or channel == "web" else ["person: none named next to it"])

    def _orgs(self) -> None:
        for m in _ACRONYM.finditer(self.text):
            acronym = m.group(1)
            words = re.split(r"[,;:.!?()«»\n]", self.text[: m.start()])[-1].split()[-9:]
            while words and not (words[0][:1].isupper() and words[0] not in ("La", "Le", "Les", "L'", "L’")):
                words = words[1:]
            name = " ".join(words)
            if len(words) < 2 or "".join(w[0] for w in words if w[:1].isupper()).upper()[:1] != acronym[:1]:
                continue
            if self.base.entity_named(acronym):
                continue
            key = self.entity(name, "organisation", acronym=acronym)
            seg = next((s for s in self.segs if s.start <= m.start() < s.start + len(s.text) + 1), None)
            if seg is None or f"{name} ({acronym})" not in seg.text:
                continue
            self.add({"id": f"{key}-sigle", "kind": "definition", "quote": f"{name} ({acronym})", "subject": key,
                      "attribute": f"signification du sigle {acronym}", "value": name,
                      "answer": f"{acronym} : {name}.", "keywords": [acronym.lower()],
                      "phrasings": [f"que signifie {acronym}", f"c'est quoi {acronym}"]}, [])
        for seg in self.segs:
            about = re.match(r"À propos (?:de la |de l[’']|du |des |de )(.+?)\s*:", seg.text)
            if about:
                key = self.entity(about.group(1), "organisation")
                self.add({"id": f"{key}-definition", "kind": "organisation", "quote": seg.text, "subject": key,
                          "attribute": "définition", "value": about.group(1), "answer": seg.text[about.end():].strip(),
                          "keywords": [about.group(1).lower()],
                          "phrasings": [f"c'est quoi {about.group(1)}", f"que fait {about.group(1)}"]}, [])

    def _events(self) -> None:
        for seg in self.segs:
            if seg.kind == "line":
                continue
            event = _EVENT.search(seg.text)
            if not event:
                continue
            name = event.group()
            key = self.entity(name[0].upper() + name[1:], "event")
            date = DATE.search(seg.text)
            if date:
                self.add({"id": f"{key}-dates", "kind": "event", "quote": seg.text, "subject": key,
                          "attribute": "dates", "value": date.group(), "answer": seg.text,
                          "keywords": [name.split()[0].lower()],
                          "phrasings": [f"quand a lieu {name}", f"date de {name}"]}, ["event: check the event's name"])
            venue = re.search(r"\bà\s+([A-ZÀ-Ý][\w’'-]+(?:-[A-ZÀ-Ý][\w’'-]+)*)", seg.text)
            place = next((m.key for m in self.base.place_mentions(venue.group(1))), None) if venue else None
            if venue and place:
                self.add({"id": f"{key}-lieu", "kind": "event", "quote": seg.text, "subject": key, "attribute": "lieu",
                          "value": venue.group(1), "place": place, "answer": seg.text,
                          "keywords": [name.split()[0].lower()],
                          "phrasings": [f"où a lieu {name}", f"lieu de {name}"]}, ["event: check the event's name"])

    def topics_line(self) -> str:
        kinds = Counter(f["kind"] for f in self.facts)
        years = sorted({f["year"] for f in self.facts if f.get("year")})
        places = list(dict.fromkeys(self.base.places[f["place"]]["label"] for f in self.facts
                                    if f.get("kind") == "figure" and f.get("place") in self.base.places))
        people = [f["value"] for f in self.facts if f["kind"] == "person"]
        parts = []
        if kinds.get("figure"):
            parts.append("les chiffres" + (f" {years[0]}" if len(years) == 1 else "") +
                         (f" ({', '.join(places[:4])})" if places else ""))
        if kinds.get("list"):
            parts.append(", ".join(f"les {f['value']}" for f in self.facts if f["kind"] == "list"))
        if people:
            parts.append("les personnes citées (" + ", ".join(people[:6]) + ")")
        if kinds.get("contact"):
            parts.append("les contacts")
        return ", ".join(parts)
