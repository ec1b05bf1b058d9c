"""Engine benchmark: per-question latency at seed size and on a synthetic base of 100 000 facts.

A report, not a test: `make bench` prints it. Run alone with
`python -m benchmarks.bench_engine` (add `--large-only` for the 100 000-fact part, which
runs in a child process so its memory is measured on its own).
"""

from __future__ import annotations

import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from qa import Engine, build

ROOT = Path(__file__).resolve().parent.parent
SEED_QUESTIONS = [
    "combien de logements réhabilités en 2021",
    "cb de menages loges",
    "combien de garanties Visale dans l'Aisne ?",
    "qui est la présidente de Clésence",
    "quels sont les partenaires de la plateforme d'ambition ?",
    "quel est le deuxième axe ?",
    "combien de logements réhabilités en Bretagne ?",
    "quel est le loyer moyen à Amiens ?",
    "combien de logements ?",
    "c'est quoi AXENTIA ?",
    "montant investi dans le programme Action Coeur de ville",
    "qui dirige Flandre Opale Habitat ?",
    "combien de logements réhabilités en deux mille vingt et un",
    "quand ont eu lieu les rencontres nationales de l'UNAFO ?",
    "contact UNAFO",
    "qui est le directeur général de Clésence",
]


def _questions() -> list[str]:
    questions = list(SEED_QUESTIONS)
    for path in (ROOT.parent / "shared" / "eval" / "dev.jsonl", ROOT / "tests" / "qa" / "cases.jsonl",
                 ROOT / "tests" / "qa" / "heldout.jsonl"):
        if path.exists():
            questions += [json.loads(line)["question"] for line in path.read_text().splitlines() if line.strip()]
    return questions


def _latencies(engine: Engine, questions: list[str], rounds: int) -> list[float]:
    """Milliseconds per Engine.ask; the readings, the normaliser's and the corrector's caches
    are emptied so every call reads its question from scratch."""
    for q in questions:  # warm-up: imports, lazy structures
        engine.ask(q)
    out = []
    for _ in range(rounds):
        for q in questions:
            engine.forget_readings()
            start = time.perf_counter_ns()
            engine.ask(q)
            out.append((time.perf_counter_ns() - start) / 1e6)
    return out


def _p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=1000)[int(q * 1000) - 1] if len(values) > 1 else values[0]


def seed(rounds: int = 20) -> list[tuple[str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "facts.db"
        start = time.perf_counter()
        build(ROOT / "knowledge", db)
        built = time.perf_counter() - start
        start = time.perf_counter()
        engine = Engine.load(db)
        loaded = time.perf_counter() - start
        lat = _latencies(engine, _questions(), rounds)
    return [
        ("seed: facts", str(len(engine.facts()))),
        ("seed: build", f"{built * 1000:.0f} ms"),
        ("seed: load", f"{loaded * 1000:.0f} ms"),
        ("seed: questions timed", str(len(lat))),
        ("seed: ask p50", f"{statistics.median(lat):.3f} ms"),
        ("seed: ask p99 (target < 10 ms)", f"{_p(lat, 0.99):.3f} ms"),
    ]


# ----------------------------------------------------------------- synthetic base
NOUNS = ["logements", "ménages", "garanties", "aides", "prêts", "places", "résidences", "foyers",
         "chantiers", "dossiers", "subventions", "contrats", "studios", "pensions", "colocations",
         "accédants", "locataires", "salariés", "étudiants", "apprentis"]
QUALIFIERS = ["réhabilités", "neufs", "accompagnés", "livrés", "financés", "attribués", "signés",
              "rénovés", "vacants", "démolis"]
YEARS = [2017, 2018, 2019, 2020, 2021]


def _place_names() -> list[tuple[str, str]]:
    """(id, label) of every département of the real places.toml."""
    import tomllib

    with (ROOT / "knowledge" / "places.toml").open("rb") as f:
        places = tomllib.load(f)["places"]
    return sorted((key, p["label"]) for key, p in places.items() if p["kind"] == "département")


def write_synthetic(root: Path, n_facts: int = 100_000) -> list[str]:
    """A knowledge directory of the real shape: metrics x places x years, with phrasings."""
    import shutil

    (root / "documents").mkdir(parents=True)
    (root / "facts").mkdir()
    shutil.copy(ROOT / "knowledge" / "places.toml", root / "places.toml")
    places = _place_names()
    metrics = [f"{n} {q}" for n in NOUNS for q in QUALIFIERS]
    lexicon = (ROOT / "knowledge" / "lexicon.toml").read_text(encoding="utf-8")
    lexicon += "".join(f'\n[metrics.m{i}]\nlabel = "{m}"\nwords = ["{m}"]\n' for i, m in enumerate(metrics))
    (root / "lexicon.toml").write_text(lexicon, encoding="utf-8")
    rng = random.Random(7)
    questions = []
    count = 0
    for d, (place_id, place) in enumerate(places):
        lines, facts = [], []
        for mi, metric in enumerate(metrics):
            for year in YEARS:
                if count >= n_facts:
                    break
                value = rng.randint(10, 99999)
                quote = f"En {year}, {place} : {value} {metric}."
                lines.append(quote)
                facts.append(
                    "[[fact]]\n"
                    f'id = "f{count}"\nkind = "figure"\ndocument = "doc{d}"\nquote = "{quote}"\n'
                    f'subject = "action-logement"\nattribute = "{metric}"\nvalue = "{value}"\n'
                    f'value_number = {value}\nmetric = "m{mi}"\nplace = "{place_id}"\nyear = {year}\n'
                    f'answer = "{value} {metric}"\n'
                    f'phrasings = ["combien de {metric}", "nombre de {metric}"]\n'
                )
                count += 1
        if not facts:
            break
        (root / "documents" / f"doc{d}.txt").write_text("\n".join(lines), encoding="utf-8")
        (root / "documents" / f"doc{d}.toml").write_text(f'id = "doc{d}"\ntitle = "Synthèse {place}"\n')
        (root / "facts" / f"doc{d}.toml").write_text("\n".join(facts), encoding="utf-8")
        questions += [f"combien de {rng.choice(metrics)} dans {place} en {rng.choice(YEARS)}" for _ in range(3)]
    questions += ["combien de logements réhabilités", "combien de loyers impayés en Bretagne", "qui est le président"]
    return questions


def large(n_facts: int = 100_000, rounds: int = 3) -> list[tuple[str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "knowledge"
        questions = write_synthetic(root, n_facts)
        db = Path(tmp) / "facts.db"
        start = time.perf_counter()
        build(root, db)
        built = time.perf_counter() - start
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        engine = Engine.load(db)
        loaded = time.perf_counter() - start
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        lat = _latencies(engine, questions, rounds)
        db_size = db.stat().st_size
    return [
        ("100k: facts", str(len(engine.facts()))),
        ("100k: build", f"{built:.1f} s"),
        ("100k: fact base size", f"{db_size / 1e6:.0f} MB"),
        ("100k: load", f"{loaded:.1f} s"),
        ("100k: peak RSS after load", f"{rss_after / 1024:.0f} MB (before load {rss_before / 1024:.0f} MB)"),
        ("100k: questions timed", str(len(lat))),
        ("100k: ask p50", f"{statistics.median(lat):.3f} ms"),
        ("100k: ask p99 (target < 25 ms)", f"{_p(lat, 0.99):.3f} ms"),
    ]


def run() -> list[tuple[str, str]]:
    rows = seed()
    child = subprocess.run([sys.executable, "-m", "benchmarks.bench_engine", "--large-only"],
                           capture_output=True, text=True, cwd=ROOT, timeout=1800)
    if child.returncode != 0:
        rows.append(("100k", f"failed: {child.stderr.strip().splitlines()[-1:]}"))
    else:
        rows += [tuple(r) for r in json.loads(child.stdout)]  # type: ignore[misc]
    return rows


if __name__ == "__main__":
    if "--large-only" in sys.argv:
        print(json.dumps(large()))
    else:
        for name, value in run():
            print(f"{name:<40} {value}")
