"""`qa draft`: proposals for review that build once reviewed, measured on the practice documents."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qa import KnowledgeError, build
from qa.cli import main
from qa.draft import draft_document
from qa.draft_base import Base

from .draft_recall import FIXTURE, PRACTICE, draft_practice, measure, reviewed_facts

ROOT = Path(__file__).resolve().parents[2]
KNOWLEDGE = ROOT / "knowledge"

# A small FICTIONAL document with one case of each pattern the drafter knows.
FICTION = """[Document fictif, pour les tests]
Bilan

Habitat Armor Bretagne a présenté son bilan 2024 à Rennes

Le Journal fictif du Logement, publié le 3 février 2025

La présidente de l'Union bretonne des bailleurs, Maëlle Tanguy, a ouvert la séance. « Nous avons relogé plus de familles que jamais cette année, malgré la crise », a souligné Maëlle Tanguy. Le maire de Quimper, Yann Le Goff, a présenté une résidence neuve. Dans le Finistère, Gaël Morvan, directeur général de Ker Habitat, a salué les équipes. « Sans logement, pas d'emploi durable pour les jeunes actifs de la région », a-t-il résumé.

La Fédération bretonne de l'habitat social (FBHS) organise les Rencontres régionales du logement du 12 au 14 mai 2025 à Brest. Près de 41 % des logements réhabilités étaient classés F ou G. Les bailleurs de la région se sont engagés à rénover 9 000 logements d'ici 2030, dans quarante-deux communes.

L'année 2024 en chiffres

En région Bretagne, Action Logement c'est :

- 5 210 ménages logés, contre 4 980 en 2023.

- 61,2 M€ investis pour la production de logements abordables.

Dans le département du Finistère :

- 812 logements réhabilités.

Le plan repose sur trois axes principaux :
– Produire des logements pour les jeunes actifs,
– Rénover le parc ancien,
– Accompagner les ménages.

Il fixe deux engagements :

engagement 1 : publier chaque année le nombre de places ;

engagement 2 : ouvrir un guichet unique.

Contact presse : Léa Riou, chargée de communication, l.riou@fbhs.bzh, 02 98 00 11 22, www.fbhs.bzh/presse
"""


@pytest.fixture(scope="module")
def fiction() -> list[dict]:
    return draft_document(FICTION, "bilan-fictif-bretagne", Base.load(KNOWLEDGE)).facts


def _one(facts: list[dict], **fields: object) -> dict:
    found = [f for f in facts if all(f.get(k) == v for k, v in fields.items())]
    assert len(found) == 1, (fields, found)
    return found[0]


def test_figures_numbers_as_printed_with_unit_place_year_metric(fiction: list[dict]) -> None:
    logged = _one(fiction, kind="figure", value_number=5210)
    assert (logged["value"], logged["metric"], logged["place"], logged["year"]) == ("5 210", "menages-loges", "bretagne",
                                                                                   2024)
    assert logged["quote"] == "5 210 ménages logés, contre 4 980 en 2023."
    assert "section heading" in logged["draft"]  # the year comes from "L'année 2024 en chiffres"
    before = _one(fiction, kind="figure", value_number=4980)  # "contre 4 980 en 2023": a second figure
    assert (before["metric"], before["place"], before["year"]) == ("menages-loges", "bretagne", 2023)
    money = _one(fiction, kind="figure", value_number=61200000)
    assert (money["value"], money["unit"], money["metric"]) == ("61,2 M€", "euros", "investissement-logements-abordables")
    heading = _one(fiction, kind="figure", value_number=812)  # place from "Dans le département du Finistère :"
    assert (heading["place"], heading["metric"]) == ("finistere", "logements-rehabilites")
    share = _one(fiction, kind="figure", value_number=41)
    assert share["unit"] == "%" and share["value"] == "près de 41 %" and share["metric"] != "logements-rehabilites"
    target = _one(fiction, kind="figure", value_number=9000)
    assert target["metric"].startswith("objectif-") and target["year"] == 2030 and target["place"] == "bretagne"
    words = _one(fiction, kind="figure", value_number=42)
    assert words["value"] == "quarante-deux"
    assert not [f for f in fiction if f["kind"] == "figure" and f["value_number"] in (2025, 3, 1, 2)]


def test_people_with_their_roles(fiction: list[dict]) -> None:
    tanguy = _one(fiction, kind="person", value="Maëlle Tanguy")
    assert tanguy["role"] == "president" and tanguy["subject"] == "union-bretonne-des-bailleurs"
    mayor = _one(fiction, kind="person", value="Yann Le Goff")
    assert (mayor["role"], mayor["subject"], mayor["place"]) == ("maire", "quimper", "quimper")
    morvan = _one(fiction, kind="person", value="Gaël Morvan")
    assert (morvan["role"], morvan["subject"]) == ("directeur-general", "ker-habitat")
    assert _one(fiction, kind="person", value="Léa Riou")["role"] == "charge-de-communication"


def test_quotations_with_their_speaker(fiction: list[dict]) -> None:
    said = [f for f in fiction if f["kind"] == "quotation"]
    assert {f["person"] for f in said} == {"maelle-tanguy", "gael-morvan"}  # "a-t-il résumé": the last one named


def test_lists_contacts_organisations_events(fiction: list[dict]) -> None:
    axes = _one(fiction, kind="list", noun="axe")
    assert axes["value_number"] == 3
    assert [f["value"] for f in fiction if f.get("list") == axes["id"]] == [
        "Produire des logements pour les jeunes actifs", "Rénover le parc ancien", "Accompagner les ménages"]
    pledges = _one(fiction, kind="list", noun="engagement")
    assert pledges["value_number"] == 2 and [f["n"] for f in fiction if f.get("list") == pledges["id"]] == [1, 2]
    contacts = {f["channel"]: f for f in fiction if f["kind"] == "contact"}
    assert {c: f["value"] for c, f in contacts.items()} == {
        "email": "l.riou@fbhs.bzh", "phone": "02 98 00 11 22", "web": "www.fbhs.bzh/presse"}
    assert contacts["email"]["person"] == "lea-riou"
    assert _one(fiction, kind="definition", value="Fédération bretonne de l'habitat social")["subject"] == "fbhs"
    dates = [f for f in fiction if f["kind"] == "event" and f["attribute"] == "dates"]
    assert dates and dates[0]["value"] == "du 12 au 14 mai 2025"


def test_every_fact_is_marked_and_quoted_verbatim(fiction: list[dict]) -> None:
    squashed = " ".join(FICTION.split())
    for fact in fiction:
        assert fact["draft"], fact["id"]
        assert " ".join(fact["quote"].split()) in squashed, fact["id"]


def _finish_review(knowledge: Path, doc_id: str) -> None:
    """What a curator does once the draft is reviewed: delete the marks, append the lexicon proposal."""
    for path in (knowledge / "facts" / f"{doc_id}.toml", knowledge / "documents" / f"{doc_id}.toml"):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text("".join(x for x in lines if not x.startswith("draft = ")), encoding="utf-8")
    proposal = (knowledge / "drafts" / f"{doc_id}.lexicon.toml").read_text(encoding="utf-8")
    with (knowledge / "lexicon.toml").open("a", encoding="utf-8") as f:
        f.write("\n" + proposal)


def test_practice_drafts_build_once_reviewed_and_not_before(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                            ) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, knowledge)
    for name, doc_id in PRACTICE.items():
        source = FIXTURE / "documents" / f"{doc_id}.txt"
        assert main(["draft", str(source), "--id", doc_id, "--knowledge", str(knowledge)]) == 0
        assert f"facts/{doc_id}.toml" in capsys.readouterr().out
        assert (knowledge / "documents" / f"{doc_id}.txt").read_text(encoding="utf-8") == source.read_text(
            encoding="utf-8"), name
        if doc_id == PRACTICE["doc-c.txt"]:
            with pytest.raises(KnowledgeError) as refused:  # unreviewed: nothing reaches users
                build(knowledge, tmp_path / "refused.db")
            message = str(refused.value)
            assert f"facts/{doc_id}.toml: fact 'personne-schaeffer': still carries its draft mark" in message
            assert f"documents/{doc_id}.toml: still marked as a draft" in message
        _finish_review(knowledge, doc_id)
    summary = build(knowledge, tmp_path / "facts.db")
    assert summary.documents == len(list(KNOWLEDGE.glob("documents/*.toml"))) + 2
    assert main(["draft", str(FIXTURE / "documents" / f"{PRACTICE['doc-c.txt']}.txt"), "--id",
                 PRACTICE["doc-c.txt"], "--knowledge", str(knowledge)]) == 1  # never overwrites


def test_build_refuses_a_draft_marked_fact_naming_file_and_fact(tmp_path: Path) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, knowledge)
    path = knowledge / "facts" / "personnes.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('id = "personne-sebille"\n', 'id = "personne-sebille"\ndraft = "role guessed"\n'),
                    encoding="utf-8")
    with pytest.raises(KnowledgeError) as refused:
        build(knowledge, tmp_path / "facts.db")
    assert f"{path}: fact 'personne-sebille': still carries its draft mark (role guessed)" in str(refused.value)
    assert not (tmp_path / "facts.db").exists()


@pytest.mark.parametrize("name", sorted(PRACTICE))
def test_recall_on_the_practice_documents(name: str) -> None:
    reviewed = reviewed_facts(PRACTICE[name])
    if not reviewed:
        pytest.skip(f"the fixture has no reviewed facts for {name} yet")
    found = measure(draft_practice(name), reviewed)
    assert found["figure"].recall >= 0.95, found["figure"].missed
    assert found["person"].recall >= 0.90, found["person"].missed
    assert found["contact"].recall == 1.0, found["contact"].missed
