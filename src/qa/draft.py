"""`qa draft DOCUMENT.txt`: propose a new document's metadata and facts, for review.

It writes into the knowledge folder:

- `documents/ID.txt`: the text, as is;
- `documents/ID.toml`: its metadata (title from the headline; publisher, origin and date only
  when the text states them; a proposed `topics` line) with a `draft` mark;
- `facts/ID.toml`: the proposed facts, each with a `draft` mark saying what to check; every
  quote is a sentence or list line copied from the text;
- `drafts/ID.lexicon.toml`: the new entities, metrics and roles the facts need, to append to
  `lexicon.toml` (`qa build` never reads `drafts/`).

`qa build` refuses anything still marked `draft`, naming the file and the fact.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import default_knowledge
from .draft_base import Base
from .draft_facts import Facts
from .draft_text import DATE, MONTHS, Segment, segments, slug, years_in
from .draft_write import toml_table, toml_value

__all__ = ["Draft", "draft_document", "draft_main", "write_draft"]

DRAFT_NOTE = "proposed by qa draft: check it against the document"


@dataclass
class Draft:
    doc_id: str
    metadata: dict[str, Any]
    facts: list[dict[str, Any]]
    lexicon: dict[str, dict[str, Any]] = field(default_factory=dict)  # section -> key -> table
    notes: list[str] = field(default_factory=list)


def _metadata(doc_id: str, segs: list[Segment], base: Base) -> tuple[dict[str, Any], list[str], int | None]:
    lines = [s for s in segs if s.kind == "line"]
    opening = [s for s in segs[:6] if s.kind == "line" and not s.text.startswith("[")]
    guessed: list[str] = []
    meta: dict[str, Any] = {"id": doc_id}
    byline = next((s for s in opening if DATE.search(s.text) and len(s.text.split()) <= 20), None)
    headline = next((s for s in opening if len(s.text.split()) >= 4 and s is not byline), None)
    if headline is not None:
        meta["title"] = headline.text
        meta["title_given_by_us"] = False
    else:
        first = next((s for s in segs if s.kind == "sentence"), None)
        words = (first.text if first else doc_id).split()
        meta["title"] = " ".join(words[:12]).rstrip(",;:") + ("…" if len(words) > 12 else "")
        meta["title_given_by_us"] = True
        guessed.append("title: the text has no headline; this one is made from its first sentence")
    doc_year = years_in(meta["title"])[0][0] if years_in(meta["title"]) else None
    if byline is not None:
        date = DATE.search(byline.text)
        assert date is not None
        before = byline.text[: date.start()].strip(" ,")
        before = re.sub(r",?\s*(?:publié|publiée|mis en ligne)\s*$", "", before)
        parts = [p.strip() for p in before.split(",") if p.strip()]
        if parts and not base.place_mentions(parts[0]):
            meta["publisher"] = parts[0]
        iso = _iso_date(date.group())
        if iso:
            meta["date"] = iso
            doc_year = doc_year or int(iso[:4])
    source = next((s for s in lines if re.match(r"^\(?\s*Source\b", s.text)), None)
    if source is not None:
        meta["origin"] = source.text.strip("() ")
    else:
        rubric = next((s for s in opening[:2] if re.match(r"(?i)communiqué de presse$", s.text)), None)
        if rubric is not None:
            meta["origin"] = rubric.text
            guessed.append("origin: the document's rubric, not a stated source")
    return meta, guessed, doc_year


def _iso_date(text: str) -> str | None:
    m = re.search(r"(\d{1,2}|1er)(?:\s+(?:au|et)\s+\S+)?\s+(" + "|".join(MONTHS) + r")\s+(\d{4})", text)
    if not m:
        return None
    day = 1 if m.group(1) == "1er" else int(m.group(1))
    return f"{m.group(3)}-{MONTHS[m.group(2)]:02d}-{day:02d}"


def _region(base: Base, text: str) -> str | None:
    counts = Counter(m.key for m in base.place_mentions(text) if base.places.get(m.key, {}).get("kind") == "région")
    return counts.most_common(1)[0][0] if counts else None


def draft_document(text: str, doc_id: str, base: Base) -> Draft:
    segs = segments(text)
    meta, guessed, doc_year = _metadata(doc_id, segs, base)
    region = _region(base, text)
    facts = Facts(base, doc_id, text, segs, region=region, doc_year=doc_year, publisher=meta.get("publisher", ""))
    facts.collect()
    meta["topics"] = facts.topics_line()
    guessed.append("topics: proposed from the facts found; say in a few words what users can ask about it")
    meta["draft"] = "; ".join(guessed)
    return Draft(doc_id, meta, facts.facts, facts.proposals, facts.notes)


# ------------------------------------------------------------------------------------ files

def _facts_file(draft: Draft) -> str:
    head = (
        f"# Facts proposed by `qa draft` for documents/{draft.doc_id}.txt: a DRAFT, to review.\n"
        "# Each fact carries `draft = \"…\"` saying what to check; `qa build` refuses it until you\n"
        "# have checked the fact (kind, subject, place, year, metric, answer, phrasings) and deleted\n"
        "# that line. Delete the facts you do not want. Quotes are copied from the document: keep them so.\n"
        f"# New entities, metrics and roles these facts need: drafts/{draft.doc_id}.lexicon.toml.\n"
    )
    head += "".join(f"# note: {n}\n" for n in draft.notes)
    return head + "".join(f"\n[[fact]]\n{toml_table(f)}" for f in draft.facts)


def _metadata_file(draft: Draft) -> str:
    order = ("id", "title", "title_given_by_us", "publisher", "origin", "date", "topics", "draft")
    lines = [f"# Metadata of {draft.doc_id}.txt, proposed by `qa draft`: review it, then delete the `draft` line.\n",
             "# publisher, origin and date are filled only when the text states them: never invent them.\n"]
    for key in order:
        if key in draft.metadata:
            lines.append(f"{key} = {toml_value(draft.metadata[key])}\n")
    return "".join(lines)


def _lexicon_file(draft: Draft) -> str:
    out = [
        f"# Lexicon proposal of `qa draft` for documents/{draft.doc_id}.txt. `qa build` does not read this folder:\n"
        "# review each table, then append it to knowledge/lexicon.toml (keys are new there; an entity that\n"
        "# already exists under another key should be used by the facts instead).\n"
    ]
    for section in ("entities", "metrics", "roles"):
        for key, table in draft.lexicon.get(section, {}).items():
            out.append(f"\n[{section}.{key}]\n")
            out.append("".join(f"{k} = {toml_value(v)}\n" for k, v in table.items() if v not in (None, "", [])))
    return "".join(out)


def write_draft(draft: Draft, text: str, knowledge: Path, *, force: bool = False) -> list[Path]:
    paths = [knowledge / "documents" / f"{draft.doc_id}.txt", knowledge / "documents" / f"{draft.doc_id}.toml",
             knowledge / "facts" / f"{draft.doc_id}.toml", knowledge / "drafts" / f"{draft.doc_id}.lexicon.toml"]
    existing = [p for p in paths if p.exists()]
    if existing and not force:
        raise FileExistsError(f"{existing[0]} exists (use --force to overwrite, or another --id)")
    contents = [text, _metadata_file(draft), _facts_file(draft), _lexicon_file(draft)]
    for path, content in zip(paths, contents, strict=True):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return paths


def draft_main(args: argparse.Namespace) -> int:
    source = Path(args.document)
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        print(f"qa draft: cannot read {source}: {e}", file=sys.stderr)
        return 1
    knowledge = Path(args.knowledge) if args.knowledge else default_knowledge()
    doc_id = args.id or slug(source.stem, 8)
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", doc_id):
        print(f"qa draft: --id {doc_id!r}: lowercase letters, digits and dashes only", file=sys.stderr)
        return 2
    base = Base.load(knowledge)
    if doc_id in base.document_ids and not args.force:
        print(f"qa draft: document {doc_id!r} already exists in {knowledge} (choose another --id)", file=sys.stderr)
        return 1
    draft = draft_document(text, doc_id, base)
    try:
        paths = write_draft(draft, text, knowledge, force=args.force)
    except FileExistsError as e:
        print(f"qa draft: {e}", file=sys.stderr)
        return 1
    kinds = Counter(f["kind"] for f in draft.facts)
    summary = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
    new = {s: len(t) for s, t in draft.lexicon.items() if t}
    print(f"drafted {len(draft.facts)} facts ({summary}) for review:")
    for path in paths:
        print(f"  {path}")
    print(f"new in the lexicon proposal: {', '.join(f'{s} {n}' for s, n in new.items()) or 'nothing'}")
    print("next: review each fact, delete its `draft` line, append the lexicon proposal, "
          "then `qa build` and `qa check`")
    return 0
