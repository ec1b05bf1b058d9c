"""The public API stays honest: everything in __all__ exists, records are frozen, qa never imports Telegram."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from typing import Any

import pytest

import qa
from qa.query import Decision, Query


def test_all_names_exist() -> None:
    for name in qa.__all__:
        assert hasattr(qa, name), name
    assert sorted(qa.__all__) == qa.__all__


@pytest.mark.parametrize("name", ["Answer", "Fact", "Context", "Source", "Suggestion", "Document", "Topic", "Place"])
def test_records_are_frozen(name: str) -> None:
    cls = getattr(qa, name)
    assert dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen


@pytest.mark.parametrize("cls", [pytest.param(Query, id="Query"), pytest.param(Decision, id="Decision")])
def test_query_and_decision_are_built_with_keywords_only(cls: Any) -> None:
    assert cls.__dataclass_params__.frozen
    first = dataclasses.fields(cls)[0]
    with pytest.raises(TypeError):
        cls(None)  # a positional argument: a place and a year could silently swap
    assert first.kw_only


def test_fact_place_replaces_geo() -> None:
    names = {f.name for f in dataclasses.fields(qa.Fact)}
    assert {"place", "metric", "year", "role", "person", "list_id", "n", "noun", "subscribable", "channel",
            "topics"} <= names
    assert not {"geo", "axes"} & names


def test_qa_does_not_import_telegram_or_bot() -> None:
    code = "import sys, qa, qa.cli, qa.engine; print(any(m.split('.')[0] in ('telegram', 'bot') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
