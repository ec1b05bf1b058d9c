"""The public API stays honest: everything in __all__ exists, and qa never imports Telegram."""

from __future__ import annotations

import subprocess
import sys

import qa


def test_all_names_exist() -> None:
    for name in qa.__all__:
        assert hasattr(qa, name), name
    assert sorted(qa.__all__) == qa.__all__


def test_records_are_frozen() -> None:
    import dataclasses

    for cls in (qa.Answer, qa.Fact, qa.Context, qa.Source, qa.Suggestion, qa.Document, qa.Axis):
        assert dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen  # type: ignore[attr-defined]


def test_qa_does_not_import_telegram_or_bot() -> None:
    code = "import sys, qa, qa.cli, qa.engine; print(any(m.split('.')[0] in ('telegram', 'bot') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
