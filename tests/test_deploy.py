"""The deploy files agree with the code: the same variables, commands, flags and paths.

Docker and systemd cannot run in CI, so this reads deploy/ as text and checks it against
what the code really reads (an AST scan of src/qa and bot), the console scripts of
pyproject.toml and the command-line parsers. A renamed variable or flag fails here, not
on the server.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path, PurePosixPath

import pytest

from qa.cli import main as qa_main
from tests.conftest import ROOT

DEPLOY = ROOT / "deploy"
DOCKERFILE = DEPLOY / "Dockerfile"
UNIT = DEPLOY / "qa-bot.service"
ENV_EXAMPLE = DEPLOY / "env.example"
GUIDES = [DEPLOY / "README.md", ROOT / "knowledge" / "README.md", ROOT / "README.md"]
# Set by the operating system, not by the operator: read by the code for a default path.
OS_VARIABLES = {"HOME", "XDG_STATE_HOME"}
SCRIPTS: dict[str, str] = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]


# ---------------------------------------------------------------- what the code reads
def _is_environment(node: ast.expr) -> bool:
    """`os.environ`, `environ`, or a mapping named `env` (the settings' injectable environment)."""
    if isinstance(node, ast.Attribute):
        return node.attr == "environ"
    return isinstance(node, ast.Name) and node.id in {"environ", "env"}


def _variable(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and re.fullmatch(r"[A-Z][A-Z0-9_]*", node.value):
        return node.value
    return None


def variables_read_by_code() -> set[str]:
    found: set[str] = set()
    for path in [*(ROOT / "src" / "qa").rglob("*.py"), *(ROOT / "bot").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = None
            if isinstance(node, ast.Call) and node.args:
                func = node.func
                if isinstance(func, ast.Attribute) and func.attr in {"get", "getenv", "pop"}:
                    if _is_environment(func.value) or (isinstance(func.value, ast.Name) and func.value.id == "os"):
                        name = _variable(node.args[0])
                elif isinstance(func, ast.Name) and func.id in {"get", "getenv"}:
                    name = _variable(node.args[0])  # settings' local get(name) over the environment
            elif isinstance(node, ast.Subscript) and _is_environment(node.value):
                name = _variable(node.slice)
            elif isinstance(node, ast.Compare) and any(_is_environment(c) for c in node.comparators):
                name = _variable(node.left)  # "X" in os.environ
            if name:
                found.add(name)
    return found


def env_example() -> dict[str, tuple[bool, str]]:
    """Variable -> (set, i.e. not commented out; its example value)."""
    out = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        m = re.fullmatch(r"(#?)([A-Z][A-Z0-9_]*)=(.*)", line.strip())
        if m:
            out[m.group(2)] = (m.group(1) == "", m.group(3))
    return out


def test_the_scan_finds_the_known_variables() -> None:
    # Guards the scanner itself: if it found nothing, the next test would prove nothing.
    assert {"TELEGRAM_BOT_TOKEN", "WEBHOOK_SECRET", "PORT", "QA_FACTS_DB", "BOT_STATE_DB"} <= variables_read_by_code()


def test_env_example_lists_exactly_the_variables_the_code_reads() -> None:
    read = variables_read_by_code() - OS_VARIABLES
    listed = set(env_example())
    assert not read - listed, f"read by the code, missing from deploy/env.example: {sorted(read - listed)}"
    assert not listed - read, f"in deploy/env.example, read by no code: {sorted(listed - read)}"


def test_env_example_documents_each_variable() -> None:
    lines = ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if re.fullmatch(r"#?[A-Z][A-Z0-9_]*=.*", line.strip()):
            assert i > 0 and lines[i - 1].startswith("# "), f"{line!r} has no comment above it"


def test_env_example_does_not_override_the_paths_the_image_and_unit_set() -> None:
    # An env file's `BOT_STATE_DB=` (empty) would override the Dockerfile's ENV and the unit's
    # Environment=, and the settings read an empty value as "use the default": a home directory.
    example = env_example()
    fixed = (set(dockerfile_env()) | set(unit_environment())) & set(example)
    assert {"BOT_STATE_DB", "QA_FACTS_DB"} <= fixed
    for name in fixed:
        assert not example[name][0], f"deploy/env.example must leave {name} commented out"
    unset = [n for n, (is_set, value) in example.items() if is_set and not value and n != "TELEGRAM_BOT_TOKEN"]
    assert not unset, f"empty assignments override defaults: {unset}"


def test_design_variables_are_listed() -> None:
    design = ROOT.parent / "shared" / "DESIGN.md"
    if not design.exists():
        pytest.skip("../shared/DESIGN.md is not beside the repository")
    table = re.findall(r"^\| `([A-Z_`, ]+)` \|", design.read_text(encoding="utf-8"), re.M)
    names = {n.strip(" `") for row in table for n in row.split(",")}
    assert names and names <= set(env_example())


# ------------------------------------------------------------------------ Dockerfile
def dockerfile_instructions() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text(encoding="utf-8"))
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            out.append((keyword.upper(), rest.strip()))
    return out


def dockerfile_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for keyword, rest in dockerfile_instructions():
        if keyword == "ENV":
            env.update(dict(item.split("=", 1) for item in shlex.split(rest)))
    return env


def _exec_form(rest: str) -> list[str]:
    value = json.loads(rest)
    assert isinstance(value, list), f"use the exec form (a JSON list): {rest}"
    return [str(v) for v in value]


def test_dockerfile_base_user_volume_and_healthcheck() -> None:
    instructions = dockerfile_instructions()
    keywords = [k for k, _ in instructions]
    base = next(rest for k, rest in instructions if k == "FROM")
    assert re.fullmatch(r"python:3\.\d+-slim(-\w+)?", base), base
    users = [rest for k, rest in instructions if k == "USER"]
    assert users and users[-1].split(":")[0] not in {"root", "0"}, "the bot must not run as root"
    assert keywords.index("USER") < keywords.index("CMD")
    volumes = [v for k, rest in instructions if k == "VOLUME" for v in _exec_form(rest)]
    state = PurePosixPath(dockerfile_env()["BOT_STATE_DB"])
    assert any(state.is_relative_to(v) for v in volumes), f"{state} is not on a volume {volumes}"
    health = next(rest for k, rest in instructions if k == "HEALTHCHECK")
    assert "CMD [" in health
    assert _exec_form(health.split("CMD", 1)[1].strip())[:2] == ["qa-bot", "--check"]


def test_dockerfile_builds_the_fact_base_where_the_bot_reads_it() -> None:
    env = dockerfile_env()
    builds = [shlex.split(rest) for k, rest in dockerfile_instructions() if k == "RUN" and rest.startswith("qa build")]
    assert len(builds) == 1, "the fact base is built at image build, once"
    argv = builds[0]
    assert argv[argv.index("--output") + 1] == env["QA_FACTS_DB"]
    assert argv[argv.index("--knowledge") + 1] == env["QA_KNOWLEDGE"]
    workdir = next(rest for k, rest in dockerfile_instructions() if k == "WORKDIR")
    copies = [shlex.split(rest) for k, rest in dockerfile_instructions() if k == "COPY"]
    copied = {str(PurePosixPath(workdir) / c[-1]): c[0] for c in copies}
    assert copied.get(env["QA_KNOWLEDGE"]) == "knowledge"
    for source, *_ in copies:
        assert (ROOT / source).exists(), f"COPY {source}: no such file in the repository"
    assert any(k == "RUN" and re.search(r"\bpip install \.", rest) for k, rest in dockerfile_instructions())


def test_dockerignore_keeps_what_the_build_copies() -> None:
    ignored = {line.strip() for line in (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")}
    for keyword, rest in dockerfile_instructions():
        if keyword == "COPY":
            assert shlex.split(rest)[0] not in ignored
    assert {".venv", "data", ".git"} <= ignored


# ---------------------------------------------------------------------- systemd unit
def unit_entries() -> list[tuple[str, str]]:
    out = []
    for line in UNIT.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if "=" in line and not line.startswith(("#", ";", "[")):
            key, _, value = line.partition("=")
            out.append((key, value))
    return out


def unit_environment() -> dict[str, str]:
    return dict(v.split("=", 1) for k, v in unit_entries() if k == "Environment")


def test_unit_restart_environment_and_hardening() -> None:
    entries = dict(unit_entries())
    assert entries["Restart"] == "on-failure"
    assert entries["EnvironmentFile"].startswith("/etc/")
    assert entries["User"] not in {"root", "0"}
    for key, value in {"NoNewPrivileges": "yes", "ProtectSystem": "strict", "PrivateTmp": "yes",
                       "ProtectHome": "yes", "PrivateDevices": "yes", "CapabilityBoundingSet": ""}.items():
        assert entries.get(key) == value, f"{key}={value}"


def test_unit_writes_only_in_its_state_directory() -> None:
    # ProtectSystem=strict makes everything read-only but StateDirectory=: the state database,
    # and the fact base the bot rebuilds when the knowledge changed, must both live there.
    entries = dict(unit_entries())
    state_dir = PurePosixPath("/var/lib") / entries["StateDirectory"]
    env = unit_environment()
    for name in ("BOT_STATE_DB", "QA_FACTS_DB"):
        assert PurePosixPath(env[name]).is_relative_to(state_dir), f"{name}={env[name]} is outside {state_dir}"
    assert PurePosixPath(env["QA_KNOWLEDGE"]).is_relative_to(entries["WorkingDirectory"])


def test_unit_runs_console_scripts_of_the_venv() -> None:
    execs = [v for k, v in unit_entries() if k.startswith("Exec")]
    assert execs
    for line in execs:
        program = PurePosixPath(shlex.split(line.lstrip("-+!@:"))[0])
        assert program.name in SCRIPTS, f"{program} is not a console script of pyproject.toml"
        assert program.parent == PurePosixPath(dict(unit_entries())["WorkingDirectory"]) / "venv" / "bin"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_unit_passes_systemd_analyze(tmp_path: Path) -> None:
    unit = tmp_path / "qa-bot.service"
    unit.write_text(UNIT.read_text())
    result = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60)
    # The programs are not installed on the test machine; anything else is a real finding.
    problems = [line for line in (result.stdout + result.stderr).splitlines()
                if line.strip() and "is not executable" not in line and "No such file" not in line]
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------- the paths table of the guide
def test_guide_paths_table_matches_the_files() -> None:
    text = (DEPLOY / "README.md").read_text(encoding="utf-8")
    rows = {m.group(1): (m.group(2), m.group(3)) for m in re.finditer(r"^\| (\w[\w ]+) \| `([^`]+)` \| `([^`]+)` \|$", text, re.M)}
    docker, unit = dockerfile_env(), unit_environment()
    for label, name in {"knowledge": "QA_KNOWLEDGE", "fact base": "QA_FACTS_DB", "state database": "BOT_STATE_DB"}.items():
        assert rows[label] == (docker[name], unit[name]), label
    assert rows["settings"][1] == dict(unit_entries())["EnvironmentFile"]


# ------------------------------------------------------------- commands named in the docs
def _qa_help(subcommand: str) -> str | None:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        try:
            qa_main([subcommand, "--help"])
        except SystemExit as e:
            if e.code != 0:
                return None
    return out.getvalue()


def _commands(text: str) -> list[list[str]]:
    """Shell commands of `text` split into words, one list per simple command."""
    text = re.sub(r"\\\n", " ", text)
    out = []
    for line in text.splitlines():
        line = line.strip().removeprefix("$ ")
        for part in re.split(r"&&|\|\||;|\|", line):
            try:
                words = shlex.split(part, comments=True)
            except ValueError:
                continue
            if words:
                out.append(words)
    return out


def documented_commands() -> list[tuple[str, list[str]]]:
    """(where, words from `qa`/`qa-bot` on) for every command of the docs and deploy files."""
    sources: list[tuple[str, str]] = []
    for guide in GUIDES:
        blocks = re.findall(r"```(?:sh|bash|shell|console)\n(.*?)```", guide.read_text(encoding="utf-8"), re.S)
        sources += [(guide.name, b) for b in blocks]
    sources.append(("Dockerfile", "\n".join(
        " ".join(_exec_form(rest) if rest.startswith("[") else [rest]) if k in {"RUN", "CMD"} else
        " ".join(_exec_form(rest.split("CMD", 1)[1].strip())) if k == "HEALTHCHECK" else ""
        for k, rest in dockerfile_instructions())))
    sources.append(("qa-bot.service", "\n".join(v for k, v in unit_entries() if k.startswith("Exec"))))
    found = []
    for where, text in sources:
        for words in _commands(text):
            for i, word in enumerate(words):
                name = PurePosixPath(word).name
                # A program, not the container, user or unit that shares its name: the first
                # word, a path (/opt/qa-bot/venv/bin/qa), or after `docker exec CONTAINER`.
                program = i == 0 or word.endswith(("/bin/qa", "/bin/qa-bot")) or (i >= 2 and words[i - 2] == "exec")
                if program and name in SCRIPTS:
                    found.append((where, [name, *words[i + 1:]]))
    return found


def test_the_docs_name_commands() -> None:
    names = {tuple(words[:2]) for _, words in documented_commands()}
    assert {("qa", "build"), ("qa", "publish"), ("qa", "report")} <= names
    assert any(w[0] == "qa-bot" and "--check" in w for _, w in documented_commands())


def test_documented_qa_commands_exist_with_their_options() -> None:
    for where, words in documented_commands():
        if words[0] != "qa" or len(words) < 2 or words[1].startswith("-"):
            continue
        help_text = _qa_help(words[1])
        assert help_text is not None, f"{where}: `qa {words[1]}` is not a command of qa"
        for flag in (w.split("=")[0] for w in words[2:] if w.startswith("--")):
            assert re.search(rf"{re.escape(flag)}\b", help_text), f"{where}: `qa {words[1]}` has no {flag}"


def test_documented_qa_bot_flags_exist() -> None:
    result = subprocess.run([sys.executable, "-m", "bot", "--help"], capture_output=True, text=True,
                            timeout=60, stdin=subprocess.DEVNULL, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    for where, words in documented_commands():
        if words[0] == "qa-bot":
            for flag in (w for w in words[1:] if w.startswith("--")):
                assert re.search(rf"{re.escape(flag)}\b", result.stdout), f"{where}: qa-bot has no {flag} option"


def test_console_scripts_point_at_real_functions() -> None:
    import importlib

    for name, target in SCRIPTS.items():
        module, _, function = target.partition(":")
        assert callable(getattr(importlib.import_module(module), function)), name


def test_guides_name_only_real_variables() -> None:
    known = set(env_example()) | OS_VARIABLES
    for guide in GUIDES:
        named = set(re.findall(r"\b((?:TELEGRAM|BOT|WEBHOOK|QA)_[A-Z_]+)\b", guide.read_text(encoding="utf-8")))
        assert named <= known, f"{guide.name} names unknown variables {sorted(named - known)}"


def test_python_version_of_the_image_is_supported() -> None:
    base = next(rest for k, rest in dockerfile_instructions() if k == "FROM")
    version = tuple(int(x) for x in re.search(r"python:(\d+)\.(\d+)", base).groups())  # type: ignore[union-attr]
    required = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    minimum = tuple(int(x) for x in re.search(r">=(\d+)\.(\d+)", required).groups())  # type: ignore[union-attr]
    assert version >= minimum
    assert sys.version_info[:2] >= minimum


# --------------------------------------------------- the image's layout, without Docker
@pytest.mark.slow
def test_healthcheck_passes_in_the_image_layout(tmp_path: Path) -> None:
    """Replay the Dockerfile's build step and HEALTHCHECK with its ENV, under tmp_path.

    The fact base must be fresh for the bot as built: in the image /app is read-only to the
    bot's user, so a bot that wanted to rebuild it at start would fail its health check.
    """
    def here(path: str) -> str:
        return str(tmp_path / path.lstrip("/"))

    env_image = {name: here(value) for name, value in dockerfile_env().items() if value.startswith("/")}
    shutil.copytree(ROOT / "knowledge", env_image["QA_KNOWLEDGE"])
    argv = next(shlex.split(rest) for k, rest in dockerfile_instructions() if k == "RUN" and rest.startswith("qa build"))
    argv = [here(a) if a.startswith("/") else a for a in argv]
    old_umask = os.umask(0o077)  # root's umask on a hardened build host: the file must not follow it
    try:
        assert qa_main(argv[1:]) == 0
    finally:
        os.umask(old_umask)
    built = Path(env_image["QA_FACTS_DB"]).stat().st_mtime_ns
    # The image builds the fact base as root and runs the bot as uid 10001: world-readable.
    assert Path(env_image["QA_FACTS_DB"]).stat().st_mode & 0o777 == 0o644

    health = next(rest for k, rest in dockerfile_instructions() if k == "HEALTHCHECK")
    command = _exec_form(health.split("CMD", 1)[1].strip())
    module = SCRIPTS[command[0]].partition(":")[0]
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "WEBHOOK_", "BOT_", "QA_", "PORT"))}
    env["TELEGRAM_BOT_TOKEN"] = "123456789:AAE-fake-token-for-tests-only_0123456789"  # from the env file
    result = subprocess.run([sys.executable, "-m", module.removesuffix(".__main__"), *command[1:]],
                            env=env | env_image, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert Path(env_image["QA_FACTS_DB"]).stat().st_mtime_ns == built, "the bot rebuilt the image's fact base"
    assert Path(env_image["BOT_STATE_DB"]).exists()
