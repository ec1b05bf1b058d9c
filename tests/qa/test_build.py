"""`qa build`: the real knowledge builds; each refusal rule names the file, the fact and the problem.

Refusals are checked on a copy of `knowledge/` to which a fictional document is added (its
facts in `facts/valombrie.toml`, its lexicon entries and places in a second knowledge folder,
merged as `qa build --knowledge A --knowledge B` does), each test breaking one thing. Nothing
here counts today's documents or facts: the expected numbers are read from the files.
"""

from __future__ import annotations

import copy
import shutil
import sqlite3
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from qa import KnowledgeError, build
from qa.cli import main as qa_main
from qa.knowledge import load_knowledge
from qa.records import FACT_KINDS

from ..conftest import KNOWLEDGE
from .fictional import DOCUMENT_ID, FACTS, LEXICON, METADATA, PLACES, TEXT, toml_dumps

FACTS_FILE = "valombrie.toml"
TABLES = {"documents", "facts", "entities", "aliases", "places", "metrics", "roles", "lists", "list_items", "topics",
          "meta"}
FACT_COLUMNS = {"id", "kind", "subject", "attribute", "metric", "value", "value_number", "unit", "place", "year",
                "document_id", "quote", "topics", "role", "person", "list_id", "n", "noun", "channel"}


def _toml(path: Path) -> dict[str, Any]:
    with path.open("rb") as f:
        return tomllib.load(f)


def _curated_facts(root: Path) -> list[dict[str, Any]]:
    return [fact for path in sorted((root / "facts").glob("*.toml")) for fact in _toml(path).get("fact", [])]


# ------------------------------------------------------------------ the real knowledge
def test_real_knowledge_builds(tmp_path: Path) -> None:
    summary = build(KNOWLEDGE, tmp_path / "facts.db")
    assert summary.documents == len(list((KNOWLEDGE / "documents").glob("*.toml")))
    curated = _curated_facts(KNOWLEDGE)
    assert sum(summary.facts_by_kind.values()) == len(curated)
    assert set(summary.facts_by_kind) <= set(FACT_KINDS)
    assert summary.entities == len(_toml(KNOWLEDGE / "lexicon.toml")["entities"])
    assert "datasette" in str(summary) and str(summary.documents) in str(summary)


def _tables(db: sqlite3.Connection) -> set[str]:
    return {r[0] for r in db.execute("select name from sqlite_master where type = 'table'")}


def _columns(db: sqlite3.Connection, table: str) -> set[str]:
    return {r[1] for r in db.execute(f"pragma table_info({table})")}


def test_tables_of_the_design(facts_db: Path) -> None:
    with sqlite3.connect(facts_db) as db:
        assert _tables(db) >= TABLES
        assert _columns(db, "facts") >= FACT_COLUMNS
        assert {"id", "label", "kind", "parent"} <= _columns(db, "places")
        assert not {"geo", "axes"} & _columns(db, "facts")


def test_every_reference_of_the_base_resolves(facts_db: Path) -> None:
    with sqlite3.connect(facts_db) as db:
        places = {r[0] for r in db.execute("select id from places")}
        assert {r[0] for r in db.execute("select parent from places where parent is not null")} <= places
        assert {r[0] for r in db.execute("select place from facts where place is not null")} <= places
        metrics = {r[0] for r in db.execute("select id from metrics")}
        assert {r[0] for r in db.execute("select metric from facts where kind = 'figure'")} <= metrics
        roles = {r[0] for r in db.execute("select id from roles")}
        assert {r[0] for r in db.execute("select role from facts where kind = 'person'")} <= roles
        documents = {r[0] for r in db.execute("select id from documents")}
        assert {r[0] for r in db.execute("select document_id from facts")} <= documents
        entities = {r[0] for r in db.execute("select id from entities")}
        assert {r[0] for r in db.execute("select entity_id from aliases")} <= entities


def test_lists_are_numbered_and_topics_are_their_subscribable_items(facts_db: Path) -> None:
    with sqlite3.connect(facts_db) as db:
        lists = db.execute("select id, subscribable from lists").fetchall()
        for list_id, _ in lists:
            numbers = [r[0] for r in db.execute("select n from list_items where list_id = ? order by n", (list_id,))]
            assert numbers == list(range(1, len(numbers) + 1)), list_id
        topics = db.execute("select n, key, list_id from topics order by n").fetchall()
        subscribable = {list_id for list_id, sub in lists if sub}
        items = db.execute("select fact_id from list_items where list_id in (select id from lists where subscribable)")
        assert [n for n, _, _ in topics] == list(range(1, len(topics) + 1))  # what /abonner n takes
        assert {key for _, key, _ in topics} == {r[0] for r in items}
        assert {list_id for _, _, list_id in topics} <= subscribable
    assert subscribable, "the knowledge declares at least one subscribable list"


def test_same_input_same_content(tmp_path: Path) -> None:
    def dump(path: Path) -> list[str]:
        with sqlite3.connect(path) as db:
            return list(db.iterdump())

    build(KNOWLEDGE, tmp_path / "a.db")
    build(KNOWLEDGE, tmp_path / "b.db")
    assert dump(tmp_path / "a.db") == dump(tmp_path / "b.db")


# ------------------------------------------------------------------ knowledge with one more document
def knowledge_with(tmp_path: Path, *, facts: list[dict[str, Any]] | None = None,
                   lexicon: dict[str, Any] | None = None, places: dict[str, Any] | None = None,
                   metadata: dict[str, Any] | None = None) -> list[Path]:
    """A copy of knowledge/ plus the fictional document, and a folder with its lexicon entries and places."""
    root = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, root)
    (root / "documents" / f"{DOCUMENT_ID}.txt").write_text(TEXT, encoding="utf-8")
    (root / "documents" / f"{DOCUMENT_ID}.toml").write_text(toml_dumps(metadata or METADATA), encoding="utf-8")
    (root / "facts" / FACTS_FILE).write_text(toml_dumps({"fact": FACTS if facts is None else facts}),
                                             encoding="utf-8")
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "lexicon.toml").write_text(toml_dumps(LEXICON if lexicon is None else lexicon), encoding="utf-8")
    (extra / "places.toml").write_text(toml_dumps({"places": PLACES if places is None else places}),
                                       encoding="utf-8")
    return [root, extra]


def test_a_correct_new_document_builds(tmp_path: Path) -> None:
    real = build(KNOWLEDGE, tmp_path / "real.db")
    summary = build(knowledge_with(tmp_path), tmp_path / "facts.db")
    assert summary.documents == real.documents + 1
    assert sum(summary.facts_by_kind.values()) == sum(real.facts_by_kind.values()) + len(FACTS)


def test_several_knowledge_folders_merge(tmp_path: Path, fictional_knowledge: Path) -> None:
    real = load_knowledge(KNOWLEDGE)
    merged = load_knowledge(KNOWLEDGE, fictional_knowledge)
    assert set(merged.documents) == {*real.documents, DOCUMENT_ID}
    assert len(merged.facts) == len(real.facts) + len(FACTS)
    assert set(merged.lexicon["entities"]) == {*real.lexicon["entities"], *LEXICON["entities"]}
    assert set(merged.places) == {*real.places, *PLACES}
    status = qa_main(["build", "--knowledge", str(KNOWLEDGE), "--knowledge", str(fictional_knowledge),
                      "--output", str(tmp_path / "f.db")])
    assert status == 0
    with sqlite3.connect(tmp_path / "f.db") as db:
        assert {r[0] for r in db.execute("select id from documents")} == {*real.documents, DOCUMENT_ID}


# ------------------------------------------------------------------ refusals of a fact
def _fact(facts: list[dict[str, Any]], fact_id: str) -> dict[str, Any]:
    return next(f for f in facts if f["id"] == fact_id)


def _set(fact_id: str, **changes: Any) -> Callable[[list[dict[str, Any]]], None]:
    def change(facts: list[dict[str, Any]]) -> None:
        _fact(facts, fact_id).update(changes)
    return change


def _drop(fact_id: str, key: str) -> Callable[[list[dict[str, Any]]], None]:
    def change(facts: list[dict[str, Any]]) -> None:
        del _fact(facts, fact_id)[key]
    return change


def _duplicate(facts: list[dict[str, Any]]) -> None:
    facts.append({**_fact(facts, "valombrie-2031-logements-renoves")})


FIGURE = "valombrie-2031-logements-renoves"
QUOTE = "En 2031, l'Office valombrien de l'habitat a rénové 2 400 logements en Valombrie."


@pytest.mark.parametrize(
    ("breaks", "fact_id", "message"),
    [
        pytest.param(_set(FIGURE, quote=QUOTE.replace("a rénové", "a réhabilité")), FIGURE,
                     "quote not found verbatim", id="quote-not-verbatim"),
        pytest.param(_set(FIGURE, value="2 500"), FIGURE, "number(s) 2500 of its value not in its quote",
                     id="number-of-value-not-in-quote"),
        pytest.param(_set(FIGURE, answer="2 450 logements rénovés"), FIGURE,
                     "number(s) 2450 of its answer not in its quote", id="number-of-answer-not-in-quote"),
        pytest.param(_duplicate, FIGURE, "duplicate id", id="duplicate-id"),
        pytest.param(_set(FIGURE, document="nowhere"), FIGURE, "document 'nowhere' does not exist",
                     id="dangling-document"),
        pytest.param(_set(FIGURE, subject="nobody"), FIGURE, "subject 'nobody'", id="dangling-subject"),
        pytest.param(_set("personne-lea-ferrand", person="nobody"), "personne-lea-ferrand",
                     "person 'nobody' is not an entity", id="dangling-person"),
        pytest.param(_set(FIGURE, place="atlantide"), FIGURE, "place 'atlantide' is not a place",
                     id="dangling-place"),
        pytest.param(_set(FIGURE, metric="nothing-measured"), FIGURE, "metric 'nothing-measured' is not declared",
                     id="dangling-metric"),
        pytest.param(_set("personne-lea-ferrand", role="grande-maitresse"), "personne-lea-ferrand",
                     "role 'grande-maitresse' is not declared", id="role-not-declared"),
        pytest.param(_set("charte-engagement-2", list="no-list"), "charte-engagement-2",
                     "list 'no-list' is not a fact of kind 'list'", id="dangling-list"),
        pytest.param(_set(FIGURE, topics=["no-item"]), FIGURE,
                     "topic 'no-item' is not an item of a subscribable list", id="dangling-topic"),
        pytest.param(_set("charte-engagements", subscribable=False), FIGURE,
                     "topic 'charte-engagement-1' is not an item of a subscribable list", id="topic-not-subscribable"),
        pytest.param(_set(FIGURE, related=["no-fact"]), FIGURE, "related fact 'no-fact' does not exist",
                     id="dangling-related"),
        pytest.param(_set(FIGURE, kind="rumour"), FIGURE, "unknown kind 'rumour'", id="unknown-kind"),
        pytest.param(_set(FIGURE, palce="ostrevan"), FIGURE, "unknown field(s) palce", id="unknown-field"),
        pytest.param(_drop(FIGURE, "attribute"), FIGURE, "missing required field(s) attribute",
                     id="missing-field"),
        pytest.param(_drop(FIGURE, "metric"), FIGURE, "missing required field(s) metric",
                     id="figure-without-metric"),
        pytest.param(_set("contact-presse", channel="pigeon"), "contact-presse", "channel 'pigeon' is not one of",
                     id="unknown-channel"),
        pytest.param(_set(FIGURE, draft="année devinée"), FIGURE, "still carries its draft mark",
                     id="draft-mark"),
        pytest.param(_set("charte-engagement-3", n=4), "charte-engagements",
                     "items must be numbered 1 to 3 once each, got [1, 2, 4]", id="items-not-1-to-n"),
        pytest.param(_set("charte-engagement-3", n=2), "charte-engagements",
                     "items must be numbered 1 to 3 once each, got [1, 2, 2]", id="item-number-twice"),
        pytest.param(_set("charte-engagements", value_number=4), "charte-engagements", "it says 4 items but has 3",
                     id="list-count-mismatch"),
    ],
)
def test_fact_refusals_name_file_fact_and_problem(
    tmp_path: Path, breaks: Callable[[list[dict[str, Any]]], None], fact_id: str, message: str
) -> None:
    facts = copy.deepcopy(FACTS)
    breaks(facts)
    with pytest.raises(KnowledgeError) as info:
        build(knowledge_with(tmp_path, facts=facts), tmp_path / "facts.db")
    lines = [line for line in str(info.value).splitlines() if f"'{fact_id}'" in line and message in line]
    assert lines, str(info.value)
    assert FACTS_FILE in lines[0]
    assert not (tmp_path / "facts.db").exists()


# ------------------------------------------------------------------ refusals of the lexicon, places, metadata
def _lexicon(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    lexicon = copy.deepcopy(LEXICON)
    change(lexicon)
    return lexicon


def _places(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    places = copy.deepcopy(PLACES)
    change(places)
    return places


@pytest.mark.parametrize(
    ("lexicon", "places", "file", "where", "message"),
    [
        pytest.param(_lexicon(lambda x: x.update(synonymes={"a": ["b"]})), None, "lexicon.toml", "",
                     "unknown section(s) synonymes", id="lexicon-unknown-section"),
        pytest.param(_lexicon(lambda x: x["entities"]["office-valombrien"].update(alias=["O"])), None,
                     "lexicon.toml", "[entities.office-valombrien]", "unknown key(s) alias", id="entity-unknown-key"),
        pytest.param(_lexicon(lambda x: x["entities"]["assises-habitat"].update(place="atlantide")), None,
                     "lexicon.toml", "[entities.assises-habitat]", "place 'atlantide'", id="entity-unknown-place"),
        pytest.param(_lexicon(lambda x: x.update(roles={"grande-maitresse": {"label": "grande maîtresse",
                                                                              "words": ["gm"], "feminin": "x"}})),
                     None, "lexicon.toml", "[roles.grande-maitresse]", "unknown key(s) feminin",
                     id="role-unknown-key"),
        pytest.param(_lexicon(lambda x: x.update(roles={"vice-tresoriere": {"label": "vice-trésorière",
                                                                             "words": ["vt"], "broader": "nobody"}})),
                     None, "lexicon.toml", "[roles.vice-tresoriere]", "broader role 'nobody' is not declared",
                     id="role-broader-not-declared"),
        pytest.param(_lexicon(lambda x: x["metrics"]["menages-aides"].update(mots=["x"])), None, "lexicon.toml",
                     "[metrics.menages-aides]", "unknown key(s) mots", id="metric-unknown-key"),
        pytest.param(_lexicon(lambda x: x.update(relative_time={"hier": ["hier"]})), None, "lexicon.toml",
                     "[relative_time]", "unknown key(s) hier", id="relative-time-unknown-key"),
        pytest.param(_lexicon(lambda x: x.update(channels={"fax": ["fax"]})), None, "lexicon.toml", "[channels]",
                     "unknown key(s) fax", id="channels-unknown-key"),
        pytest.param(_lexicon(lambda x: x["ambiguous_names"].update(Dupond=["lea-ferrand", "nobody"])), None,
                     "lexicon.toml", "[ambiguous_names]", "'nobody' is not an entity", id="ambiguous-name-dangling"),
        pytest.param(None, _places(lambda p: p["ostrevan"].update(parnet="valombrie")), "places.toml",
                     "[places.ostrevan]", "unknown key(s) parnet", id="places-unknown-key"),
        pytest.param(None, _places(lambda p: p["ostrevan"].update(parent="atlantide")), "places.toml",
                     "[places.ostrevan]", "parent 'atlantide' is not a place", id="place-parent-missing"),
        pytest.param(None, _places(lambda p: p["valombrie"].update(parent="corbevaux")), "places.toml",
                     "[places.valombrie]", "cycle", id="place-parent-cycle"),
        pytest.param(None, _places(lambda p: p["ostrevan"].pop("kind")), "places.toml", "[places.ostrevan]",
                     "missing kind", id="place-without-kind"),
        pytest.param(None, _places(lambda p: p["valombrie"].update(authority="nobody")), "places.toml",
                     "[places.valombrie]", "authority 'nobody' is not an entity", id="place-authority-dangling"),
    ],
)
def test_lexicon_and_places_refusals_name_file_key_and_problem(
    tmp_path: Path, lexicon: dict[str, Any] | None, places: dict[str, Any] | None, file: str, where: str,
    message: str,
) -> None:
    with pytest.raises(KnowledgeError) as info:
        build(knowledge_with(tmp_path, lexicon=lexicon, places=places), tmp_path / "facts.db")
    lines = [line for line in str(info.value).splitlines() if file in line and where in line and message in line]
    assert lines, str(info.value)
    assert not (tmp_path / "facts.db").exists()


def test_places_toml_unknown_section_is_refused(tmp_path: Path) -> None:
    roots = knowledge_with(tmp_path)
    with (roots[1] / "places.toml").open("a", encoding="utf-8") as f:
        f.write('\n[lieux.atlantide]\nlabel = "Atlantide"\n')
    with pytest.raises(KnowledgeError, match=r"places\.toml: unknown section\(s\) lieux"):
        build(roots, tmp_path / "facts.db")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param({"auteur": "x"}, "unknown key(s) auteur", id="unknown-key"),
        pytest.param({"id": "another-name"}, "must equal the file name", id="id-not-file-name"),
        pytest.param({"title": ""}, "missing title", id="missing-title"),
        pytest.param({"draft": "titre deviné"}, "still marked as a draft", id="draft-mark"),
    ],
)
def test_document_refusals_name_the_metadata_file(tmp_path: Path, change: dict[str, Any], message: str) -> None:
    with pytest.raises(KnowledgeError) as info:
        build(knowledge_with(tmp_path, metadata={**METADATA, **change}), tmp_path / "facts.db")
    lines = [line for line in str(info.value).splitlines() if f"{DOCUMENT_ID}.toml" in line and message in line]
    assert lines, str(info.value)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    facts = copy.deepcopy(FACTS)
    _set(FIGURE, place="atlantide")(facts)
    _set("contact-presse", channel="pigeon")(facts)
    with pytest.raises(KnowledgeError) as info:
        build(knowledge_with(tmp_path, facts=facts), tmp_path / "facts.db")
    assert "atlantide" in str(info.value) and "pigeon" in str(info.value)


# ------------------------------------------------------------------ never half-written
def test_failed_build_leaves_previous_base_untouched(tmp_path: Path) -> None:
    output = tmp_path / "facts.db"
    build(KNOWLEDGE, output)
    before = output.read_bytes()
    facts = copy.deepcopy(FACTS)
    _set(FIGURE, value="2 500")(facts)
    with pytest.raises(KnowledgeError):
        build(knowledge_with(tmp_path, facts=facts), output)
    assert output.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".facts-")] == []


def test_cli_reports_refusal_without_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    facts = copy.deepcopy(FACTS)
    _set(FIGURE, quote=QUOTE.replace("a rénové", "a réhabilité"))(facts)
    roots = knowledge_with(tmp_path, facts=facts)
    args = [a for root in roots for a in ("--knowledge", str(root))]
    status = qa_main(["build", *args, "--output", str(tmp_path / "facts.db")])
    err = capsys.readouterr().err
    assert status == 1
    assert FIGURE in err and "quote not found verbatim" in err and FACTS_FILE in err
    assert "Traceback" not in err


def test_cli_prints_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert qa_main(["build", "--knowledge", str(KNOWLEDGE), "--output", str(tmp_path / "f.db")]) == 0
    out = capsys.readouterr().out
    documents = len(list((KNOWLEDGE / "documents").glob("*.toml")))
    assert f"documents: {documents}" in out and "facts:" in out and "aliases:" in out
    assert (tmp_path / "f.db").stat().st_mode & 0o444 == 0o444  # public data: world-readable
