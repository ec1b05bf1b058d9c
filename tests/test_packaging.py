"""A plain `pip install .` must ship both packages, `qa` (from src/) and `bot`, and both scripts."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT


@pytest.mark.skipif(importlib.util.find_spec("setuptools") is None, reason="setuptools is needed to build offline")
def test_wheel_holds_both_packages_and_scripts(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(tmp_path), str(ROOT)],
        check=True, capture_output=True, timeout=300,
    )
    wheel = next(tmp_path.glob("*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "qa/engine.py" in names and "qa/py.typed" in names
    assert "bot/__init__.py" in names and "bot/__main__.py" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "qa = qa.cli:main" in text and "qa-bot = bot.__main__:main" in text
