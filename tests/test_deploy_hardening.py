"""Issue 12: the deployment starts as the guide says, and a fresh `make test` stays reproducible.

Read as text, like tests/test_deploy.py: the guides' shell blocks create the folders they
write into; development tools are pinned; nothing in the guides installs the project over
the editable install the tests use; `make run` starts the terminal chat without a token.
"""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import PurePosixPath

from tests.conftest import ROOT
from tests.test_deploy import GUIDES

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
MAKEFILE = (ROOT / "Makefile").read_text()
STANDARD_DIRS = {"/etc", "/etc/systemd/system", "/var/lib", "/var/backups", "/opt", "/usr/local/bin"}


def shell_blocks() -> list[tuple[str, str]]:
    out = []
    for guide in GUIDES:
        for block in re.findall(r"```(?:sh|bash|shell|console)\n(.*?)```", guide.read_text(encoding="utf-8"), re.S):
            out.append((guide.name, re.sub(r"\\\n", " ", block)))
    return out


def commands(block: str) -> list[list[str]]:
    found = []
    for line in block.splitlines():
        for part in re.split(r"&&|;", line):
            try:
                words = shlex.split(part, comments=True)
            except ValueError:
                continue
            while words and words[0] in {"sudo", "env"} | {w for w in words[:1] if w.startswith("-")}:
                words = words[1:]
            if words:
                found.append(words)
    return found


def test_the_guides_create_each_folder_before_writing_into_it() -> None:
    checked = 0
    for where, block in shell_blocks():
        created: set[str] = set()
        for words in commands(block):
            if words[0] in {"install", "mkdir"} and ("-d" in words or "-p" in words):
                created |= {w for w in words[1:] if w.startswith("/")}
            elif words[0] in {"install", "cp"}:
                target = PurePosixPath(words[-1])
                if target.is_absolute() and str(target).startswith("/etc/"):
                    parent = str(target) if words[-1].endswith("/") else str(target.parent)
                    assert parent in created or parent in STANDARD_DIRS, f"{where}: {' '.join(words)} before creating {parent}"
                    checked += 1
    assert checked >= 2  # the Docker and the systemd installs both write /etc/qa-bot/env


def test_development_tools_are_pinned_and_make_uses_the_pins() -> None:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[name.strip().lower()] = version.strip()
    assert {"ruff", "mypy", "pytest", "pytest-asyncio"} <= set(pins) and all(pins.values())
    for requirement in PYPROJECT["project"]["optional-dependencies"]["test"]:
        assert "<" in requirement or "==" in requirement, f"{requirement}: no upper bound"
    recipes = [line for line in MAKEFILE.splitlines() if line.startswith("\t") or line.startswith("PIP_INSTALL")]
    installs = [line for line in recipes if re.search(r"pip install\b", line) and "--upgrade pip" not in line]
    assert installs and all("-c constraints.txt" in line or "$(PIP_INSTALL)" in line for line in installs)
    assert "PIP_INSTALL := $(BIN)/pip install --quiet -c constraints.txt" in MAKEFILE


def test_no_guide_installs_the_project_over_the_development_install() -> None:
    for where, block in shell_blocks():
        for words in commands(block):
            if PurePosixPath(words[0]).name == "pip" and words[0].startswith(".venv"):
                targets = [w for w in words[2:] if not w.startswith("-")]
                assert not any(t == "." or t.startswith((".[", '".[')) for t in targets), f"{where}: {' '.join(words)}"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert 'pip install ".[browse]"' not in readme and "make browse" in readme


def test_make_run_starts_the_terminal_chat_without_a_token() -> None:
    assert PYPROJECT["project"]["scripts"]["qa-chat"] == "bot.terminal:main"
    recipe = MAKEFILE.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "TELEGRAM_BOT_TOKEN" in recipe and "$(BIN)/qa-chat" in recipe and "$(BIN)/qa-bot" in recipe
    assert recipe.index("qa-bot") < recipe.index("else") < recipe.index("qa-chat")
