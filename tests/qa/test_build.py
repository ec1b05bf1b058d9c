"""`qa build`: the real knowledge builds; each refusal rule names the file, the fact and the problem."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from qa import KnowledgeError, build
from qa.cli import main as qa_main

from ..conftest import KNOWLEDGE

FIGURES = "chiffres-2021.toml"


def test_real_knowledge_builds(tmp_path: Path) -> None:
    summary = build(KNOWLEDGE, tmp_path / "facts.db")
    assert summary.documents == 2
    assert summary.facts_by_kind["figure"] >= 20
    assert summary.facts_by_kind["person"] == 6
    assert summary.facts_by_kind["axis"] == 5
    assert "datasette" in str(summary)


def test_tables_of_the_design(facts_db: Path) -> None:
    with sqlite3.connect(facts_db) as db:
        tables = {r[0] for r in db.execute("select name from sqlite_master where type = 'table'")}
        assert {"documents", "facts", "entities", "aliases", "axes", "meta"} <= tables
        axes = db.execute("select n, title from axes order by n").fetchall()
    assert [n for n, _ in axes] == [1, 2, 3, 4]
    assert axes[1][1].startswith("Produire et réhabiliter")


def test_photo_caption_stored_once(facts_db: Path) -> None:
    caption = "Bruno Arcadipane, a ouvert la rencontre en compagnie du président de Région"
    with sqlite3.connect(facts_db) as db:
        quotes = [r[0] for r in db.execute("select quote from facts")]
    assert len({q for q in quotes if caption in q}) == 1


def test_same_input_same_content(tmp_path: Path) -> None:
    def dump(path: Path) -> list[str]:
        with sqlite3.connect(path) as db:
            return list(db.iterdump())

    build(KNOWLEDGE, tmp_path / "a.db")
    build(KNOWLEDGE, tmp_path / "b.db")
    assert dump(tmp_path / "a.db") == dump(tmp_path / "b.db")


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, root)
    return root


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture drifted: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _altered_quote(root: Path) -> None:
    _edit(root / "facts" / FIGURES, 'quote = "3 616 logements réhabilités."', 'quote = "3 617 logements réhabilités."')


def _number_not_in_quote(root: Path) -> None:
    _edit(root / "facts" / FIGURES, 'value = "1 228"', 'value = "1 229"')


def _duplicate_id(root: Path) -> None:
    _edit(root / "facts" / FIGURES, 'id = "hdf-2021-logements-neufs"', 'id = "hdf-2021-menages-loges"')


def _dangling_document(root: Path) -> None:
    _edit(root / "facts" / FIGURES, 'document = "action-logement-convention-saint-quentin"\nquote = "1 228',
          'document = "nowhere"\nquote = "1 228')


def _dangling_entity(root: Path) -> None:
    _edit(root / "facts" / FIGURES, 'subject = "npnru"', 'subject = "anru-imaginaire"')


def _dangling_related(root: Path) -> None:
    _edit(root / "facts" / FIGURES, 'related = ["aisne-2021-logements-rehabilites"]', 'related = ["pas-de-fait"]')


def _bad_axis(root: Path) -> None:
    _edit(root / "facts" / FIGURES, "axes = [2]\nanswer = \"1 228", "axes = [7]\nanswer = \"1 228")


def _missing_field(root: Path) -> None:
    _edit(root / "facts" / FIGURES, 'attribute = "logements neufs"\n', "")


@pytest.mark.parametrize(
    ("breaks", "fact_id", "message"),
    [
        pytest.param(_altered_quote, "hdf-2021-logements-rehabilites", "quote not found verbatim", id="quote"),
        pytest.param(_number_not_in_quote, "hdf-2021-logements-neufs", "1229 of its value not in its quote", id="number"),
        pytest.param(_duplicate_id, "hdf-2021-menages-loges", "duplicate id", id="duplicate"),
        pytest.param(_dangling_document, "hdf-2021-logements-neufs", "document 'nowhere' does not exist", id="document"),
        pytest.param(_dangling_entity, "npnru-sigle", "'anru-imaginaire' is not an entity", id="entity"),
        pytest.param(_dangling_related, "hdf-2021-logements-rehabilites", "related fact 'pas-de-fait'", id="related"),
        pytest.param(_bad_axis, "hdf-2021-logements-neufs", "axis 7 does not exist", id="axis"),
        pytest.param(_missing_field, "hdf-2021-logements-neufs", "missing required field(s) attribute", id="field"),
    ],
)
def test_refusals_name_file_fact_and_problem(
    tmp_path: Path, breaks: Callable[[Path], None], fact_id: str, message: str
) -> None:
    root = _copy(tmp_path)
    breaks(root)
    with pytest.raises(KnowledgeError) as info:
        build(root, tmp_path / "facts.db")
    lines = [line for line in str(info.value).splitlines() if fact_id in line and message in line]
    assert lines, str(info.value)
    assert FIGURES in lines[0]
    assert not (tmp_path / "facts.db").exists()


def test_failed_build_leaves_previous_base_untouched(tmp_path: Path) -> None:
    output = tmp_path / "facts.db"
    build(KNOWLEDGE, output)
    before = output.read_bytes()
    root = _copy(tmp_path)
    _altered_quote(root)
    with pytest.raises(KnowledgeError):
        build(root, output)
    assert output.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".facts-")] == []


def test_cli_reports_refusal_without_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _copy(tmp_path)
    _altered_quote(root)
    status = qa_main(["build", "--knowledge", str(root), "--output", str(tmp_path / "facts.db")])
    err = capsys.readouterr().err
    assert status == 1
    assert "hdf-2021-logements-rehabilites" in err and "quote not found verbatim" in err
    assert "Traceback" not in err


def test_cli_prints_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert qa_main(["build", "--knowledge", str(KNOWLEDGE), "--output", str(tmp_path / "f.db")]) == 0
    out = capsys.readouterr().out
    assert "documents: 2" in out and "facts:" in out and "aliases:" in out
