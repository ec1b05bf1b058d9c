"""The worked example of knowledge/README.md: every file and output it shows is the real one.

The guide marks what it shows with HTML comments, read here:

- `<!-- file: PATH -->`: the next code block is the fixture file tests/qa/fixtures/curator/PATH;
- `<!-- edit: PATH -->`: the next block holds `key = value` lines replacing the same keys of
  PATH, giving the "wrong" stage (a mistake the build must catch);
- `<!-- run: STAGE -->`: the next block is `$ qa ...` then its exact output, run in a copy of
  knowledge/ built as it was ("the last published base"), with the fixture then added ("check",
  before the build; "good") or with the edits applied too ("wrong"). A `…` in the expected
  output stands for any text (counts that grow with the real knowledge);
- `publish-before` and `publish` runs happen in one folder holding a state database with three
  subscribers (axis 2, every axis, axis 3): the first before the fixture is added, the others
  after it (and `qa build`); `<!-- notice -->` is the digest a subscriber then reads.

So when the engine's wording or the build's messages change, this test says which block of
the guide to update; the fictitious figure itself never reaches the real knowledge.
"""

from __future__ import annotations

import html
import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from qa.state import StateStore
from tests.conftest import KNOWLEDGE, ROOT

GUIDE = ROOT / "knowledge" / "README.md"
FIXTURE = Path(__file__).parent / "fixtures" / "curator"
_MARKED = re.compile(r"<!-- (file|edit|run|notice):? ?(\S*) -->\n```[a-z]*\n(.*?)```", re.S)
# chat id -> the topic keys it follows, as the guide says: axis 2, every axis, axis 3
SUBSCRIBERS = {1001: ["axe-2"], 1002: ["axe-1", "axe-2", "axe-3", "axe-4"], 1003: ["axe-3"]}


@dataclass(frozen=True)
class Block:
    marker: str
    arg: str
    body: str


def _blocks(marker: str) -> list[Block]:
    return [Block(m, a, b) for m, a, b in _MARKED.findall(GUIDE.read_text(encoding="utf-8")) if m == marker]


def _stage(tmp: Path, name: str) -> Path:
    """A working folder: the real knowledge built (the published base), then the fixture added,
    plus the guide's edits for "wrong"."""
    root = tmp / name
    shutil.copytree(KNOWLEDGE, root / "knowledge")
    assert "fact base written" in _qa(root, "qa build")
    shutil.copytree(FIXTURE / "documents", root / "knowledge" / "documents", dirs_exist_ok=True)
    shutil.copytree(FIXTURE / "facts", root / "knowledge" / "facts", dirs_exist_ok=True)
    if name == "wrong":
        _apply_edits(root)
    return root


def _apply_edits(root: Path) -> None:
    for block in _blocks("edit"):
        target = root / "knowledge" / block.arg
        text = target.read_text(encoding="utf-8")
        for line in block.body.splitlines():
            key = line.split("=", 1)[0].strip()
            text, n = re.subn(rf"(?m)^{re.escape(key)} = .*$", lambda _m, line=line: line, text, count=1)
            assert n == 1, f"the guide edits {key!r}, which {block.arg} does not have"
        target.write_text(text, encoding="utf-8")


def _qa(cwd: Path, command: str) -> str:
    argv = shlex.split(command)
    assert argv[0] == "qa", f"the guide's examples run `qa`, not {argv[0]!r}"
    # The defaults (./knowledge, ./data/facts.db) are what a curator gets: no QA_* override.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QA_", "BOT_", "TELEGRAM_"))}
    result = subprocess.run([sys.executable, "-m", "qa.cli", *argv[1:]], cwd=cwd, env=env,
                            capture_output=True, text=True, timeout=120)
    return result.stdout + result.stderr


def _pattern(expected: str) -> re.Pattern[str]:
    return re.compile("".join(".*?" if part == "…" else re.escape(part) for part in re.split("(…)", expected)))


@pytest.fixture(scope="module")
def stages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("curator")
    stages = {name: _stage(tmp, name) for name in ("good", "wrong")}
    return {"check": stages["good"], **stages}


def test_the_guide_has_the_example() -> None:
    assert [b.arg for b in _blocks("file")] == [
        "documents/bilan-aisne-2022.txt", "documents/bilan-aisne-2022.toml", "facts/aisne-2022.toml"]
    assert [b.arg for b in _blocks("run")] == [
        "check", "good", "good", "good", "good", "wrong", "publish-before", "publish", "publish", "publish"]
    assert _blocks("edit") and len(_blocks("notice")) == 1


@pytest.mark.parametrize("block", _blocks("file"), ids=lambda b: b.arg)
def test_files_shown_are_the_fixture(block: Block) -> None:
    assert block.body == (FIXTURE / block.arg).read_text(encoding="utf-8")


def test_the_example_is_not_in_the_real_knowledge() -> None:
    for block in _blocks("file"):
        assert not (KNOWLEDGE / block.arg).exists(), "the worked example is fictitious: keep it in the fixture"


def _check_run(block: Block, cwd: Path) -> None:
    command, _, expected = block.body.partition("\n")
    assert command.startswith("$ "), block.body
    actual = _qa(cwd, command[2:])
    assert _pattern(expected).fullmatch(actual), (
        f"knowledge/README.md, block `{command}` ({block.arg}) is out of date; the real output is:\n{actual}"
    )


@pytest.mark.slow
def test_outputs_shown_are_the_real_ones(stages: dict[str, Path]) -> None:
    # In the guide's order: the build comes first, the questions use the base it wrote.
    for block in _blocks("run"):
        if block.arg in stages:
            _check_run(block, stages[block.arg])


@pytest.mark.slow
def test_publish_notifies_the_subscribers_of_the_axis(tmp_path: Path) -> None:
    root = tmp_path / "publish"
    shutil.copytree(KNOWLEDGE, root / "knowledge")
    assert "fact base written" in _qa(root, "qa build")
    with StateStore.open(root / "state.db") as store:
        for chat_id, target in SUBSCRIBERS.items():
            store.subscribe(chat_id, target)
    for block in _blocks("run"):
        if block.arg == "publish-before":
            _check_run(block, root)
    shutil.copytree(FIXTURE / "documents", root / "knowledge" / "documents", dirs_exist_ok=True)
    shutil.copytree(FIXTURE / "facts", root / "knowledge" / "facts", dirs_exist_ok=True)
    assert "fact base written" in _qa(root, "qa build")
    for block in _blocks("run"):
        if block.arg == "publish":
            _check_run(block, root)
    with sqlite3.connect(root / "state.db") as db:
        rows = db.execute("SELECT chat_id, text FROM outbox ORDER BY id").fetchall()
    assert [chat_id for chat_id, _ in rows] == [1001, 1002]  # axis 2 and "tout"; not axis 3
    shown = _blocks("notice")[0].body
    for _, text in rows:
        # What Telegram shows of the HTML notice: the text without its tags.
        assert html.unescape(re.sub(r"</?[a-z]+>", "", text)) + "\n" == shown


@pytest.mark.slow
def test_a_refused_build_keeps_the_previous_base(tmp_path: Path) -> None:
    """What the guide promises: "Nothing is written, and the bot keeps answering"."""
    root = _stage(tmp_path, "good")
    assert "fact base written" in _qa(root, "qa build")
    before = (root / "data" / "facts.db").read_bytes()
    _apply_edits(root)
    assert "quote not found verbatim" in _qa(root, "qa build")
    assert (root / "data" / "facts.db").read_bytes() == before
    assert sorted(p.name for p in (root / "data").iterdir()) == ["facts.db"]  # no temporary file left
    # `qa ask` never rebuilds: it keeps answering from the previous base, as the bot does.
    assert "1 250" in _qa(root, 'qa ask "combien de logements réhabilités dans l\'Aisne en 2022"')


def test_the_figure_is_fictitious_and_marked_so() -> None:
    text = (FIXTURE / "documents" / "bilan-aisne-2022.txt").read_text(encoding="utf-8")
    assert "fictif" in text
    assert "fictitious" in GUIDE.read_text(encoding="utf-8").split("## Worked example")[1][:200]
