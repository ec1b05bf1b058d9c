"""French normalisation: one function reads questions, phrasings and the lexicon alike."""

from __future__ import annotations

import pytest

from qa.normalize import Normalizer, fold, normalize, stem


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Réhabilités", "rehabilite", id="accents-plural"),
        pytest.param("cœur", "coeur", id="oe-ligature"),
        pytest.param("l’Aisne", "aisne", id="curly-elision"),
        pytest.param("qu'est-ce que", "est ce que", id="elision-hyphen"),
        pytest.param("3 616 logements", "3616 logement", id="digit-group-space"),
        pytest.param("3.616 logements", "3616 logement", id="digit-group-point"),
        pytest.param("3\u202f616", "3616", id="digit-group-nnbsp"),
        pytest.param("144,7 millions", "144.7 million", id="decimal-comma"),
        pytest.param("deux mille vingt et un", "2021", id="number-words"),
        pytest.param("deux mille vingt-et-un", "2021", id="number-words-hyphen"),
        pytest.param("entre deux mille dix et deux mille vingt", "entre 2010 et 2020", id="text2num-slip"),
        pytest.param("le deuxième axe", "le #2 axe", id="ordinal-word"),
        pytest.param("2e axe", "#2 axe", id="ordinal-digit"),
        pytest.param("le second", "le #2", id="ordinal-second"),
        pytest.param("logements 😀 !!", "logement", id="emoji"),
        pytest.param("<b>combien</b>", "combien", id="html-tags"),
        pytest.param("sociaux", "social", id="plural-aux"),
        pytest.param("logées", "loge", id="feminine-plural"),
        pytest.param("logements neufs", "logement neuf", id="neuf-is-new-not-nine"),
        pytest.param("dix-neuf logements", "19 logement", id="neuf-inside-a-number"),
        pytest.param("neuf cents", "900", id="neuf-before-a-scale"),
        pytest.param("deux mille trente et un", "2031", id="any-year-in-words"),
        pytest.param("quatre-vingt-dix", "90", id="number-words-compound"),
        pytest.param("la 1re", "la #1", id="ordinal-feminine"),
        pytest.param("axe n° 3", "axe 3", id="number-sign"),
        pytest.param("12 %", "12 pourcent", id="percent"),
        pytest.param("5 €", "5 euro", id="euro-sign"),
        pytest.param("2,5 millions", "2.5 million", id="scale-word-kept"),
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


def test_shorthand_expands_whole_words_only() -> None:
    n = Normalizer({"cb": "combien", "ds": "dans"})
    assert n("cb de logements ds l'Aisne") == "combien de logement dans aisne"
    assert n("cbx") == "cbx"


def test_stem_keeps_logement_and_loge_apart() -> None:
    assert stem("logements") != stem("logés")


def test_fold_is_idempotent() -> None:
    assert fold(fold("Élus À Saint-Quentin")) == fold("Élus À Saint-Quentin")


def test_long_input_is_cut() -> None:
    assert len(normalize("a" * 10000)) <= 4096
