"""The `qa` command line: build the fact base, ask questions, publish updates.

The library raises QAError subclasses; this module turns them into one clear message on
stderr and a non-zero exit status, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from .build import build
from .config import default_facts_db, default_knowledge
from .engine import Engine
from .errors import QAError
from .records import Context

__all__ = ["main"]


def _cmd_build(args: argparse.Namespace) -> int:
    summary = build(args.knowledge or [default_knowledge()], args.output)
    print(summary)
    return 0


def _load(args: argparse.Namespace) -> Engine:
    return Engine.load(args.facts)


def _ask_jsonl(engine: Engine) -> int:
    """The evaluation contract: JSON lines in, one JSON line out per question, in order."""
    sessions: dict[str, Context] = {}
    for n, line in enumerate(sys.stdin, 1):
        line = line.strip()
        if not line:
            continue
        try:
            item = json.loads(line)
            qid = item["id"]
        except (json.JSONDecodeError, KeyError, TypeError) as e:
            # Still one line out, so that replies and questions stay aligned.
            print(f"line {n}: not a question object ({e})", file=sys.stderr)
            record = engine.ask("").to_json("")
            record["id"] = None
            print(json.dumps(record, ensure_ascii=False))
            continue
        question = item.get("question")
        question = question if isinstance(question, str) else ""  # null, a number, a list: no question
        qid = str(qid)
        session = item.get("session")
        context = sessions.get(str(session)) if session is not None else None
        answer = engine.ask(question, context)
        if session is not None:
            sessions[str(session)] = answer.context
        print(json.dumps(answer.to_json(qid), ensure_ascii=False), flush=False)
    sys.stdout.flush()
    return 0


def _cmd_ask(args: argparse.Namespace) -> int:
    engine = _load(args)
    if args.jsonl:
        return _ask_jsonl(engine)
    if not args.question:
        print("qa ask: give a question, or --jsonl to read JSON lines on stdin", file=sys.stderr)
        return 2
    answer = engine.ask(" ".join(args.question))
    print(answer.text)
    if answer.suggestions and answer.status != "answered":
        print("\nPar exemple : " + " | ".join(s.question for s in answer.suggestions))
    return 0


def _cmd_publish(args: argparse.Namespace) -> int:
    from .publish import publish_main  # the state database is only needed here

    return int(publish_main(args))


def _cmd_draft(args: argparse.Namespace) -> int:
    from .draft import draft_main

    return draft_main(args)


def _cmd_check(args: argparse.Namespace) -> int:
    from .check import check_main

    return check_main(args)


def _cmd_report(args: argparse.Namespace) -> int:
    from .report import report_main
    from .state import default_state_path

    if args.days < 1:
        print("qa report: --days must be at least 1", file=sys.stderr)
        return 2
    state = args.state if args.state is not None else default_state_path()
    sys.stdout.write(report_main(state, _load(args), days=args.days, as_json=args.json))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qa", description="Sourced answers on social housing.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("build", help="verify knowledge/ and write the fact base")
    p.add_argument("--knowledge", type=Path, action="append", default=None,
                   help="knowledge directory, repeatable (default: ./knowledge or $QA_KNOWLEDGE)")
    p.add_argument("--output", type=Path, default=default_facts_db(), help="default: ./data/facts.db or $QA_FACTS_DB")
    p.set_defaults(func=_cmd_build)

    p = sub.add_parser("ask", help="ask a question (or --jsonl: the evaluation contract)")
    p.add_argument("question", nargs="*")
    p.add_argument("--jsonl", action="store_true", help="read {id, question, session?} lines on stdin")
    p.add_argument("--facts", type=Path, default=None, help="fact base (default: ./data/facts.db or $QA_FACTS_DB)")
    p.set_defaults(func=_cmd_ask)

    p = sub.add_parser("publish", help="queue one digest of new or changed facts per topic subscriber")
    p.add_argument("--dry-run", action="store_true",
                   help="show the notices per topic and a sample digest, and write nothing")
    p.add_argument("--facts", type=Path, default=None, help="fact base (default: ./data/facts.db or $QA_FACTS_DB)")
    p.add_argument("--knowledge", type=Path, default=None,
                   help="rebuild the fact base first when this folder changed (default: ./knowledge or $QA_KNOWLEDGE)")
    p.add_argument("--state", type=Path, default=None, help="state database (default: $BOT_STATE_DB)")
    p.set_defaults(func=_cmd_publish)

    p = sub.add_parser("draft", help="propose the metadata and facts of a new document, for review")
    p.add_argument("document", type=Path, help="the document's text (UTF-8)")
    p.add_argument("--id", default=None, help="its id (default: from the file name)")
    p.add_argument("--knowledge", type=Path, default=None,
                   help="knowledge directory (default: ./knowledge or $QA_KNOWLEDGE)")
    p.add_argument("--force", action="store_true", help="overwrite an earlier draft of the same id")
    p.set_defaults(func=_cmd_draft)

    p = sub.add_parser("check", help="which answers a knowledge change changes, and why")
    p.add_argument("--knowledge", type=Path, action="append", default=None,
                   help="knowledge directory, repeatable (default: ./knowledge or $QA_KNOWLEDGE)")
    p.add_argument("--facts", type=Path, default=None,
                   help="the new fact base (default: build --knowledge into a temporary file)")
    p.add_argument("--against", type=Path, default=None,
                   help="the old fact base (default: ./data/facts.db or $QA_FACTS_DB)")
    p.add_argument("--dev", type=Path, default=None,
                   help="dev set of questions (default: ../shared/eval/dev.jsonl if present)")
    p.add_argument("--state", type=Path, default=None, help="state database whose question log is replayed (read-only)")
    p.add_argument("--json", action="store_true", help="JSON instead of text")
    p.set_defaults(func=_cmd_check)

    p = sub.add_parser("report", help="group the questions answered unknown or clarify, with the nearest facts")
    p.add_argument("--days", type=int, default=30, help="period, in days up to now (default: 30)")
    p.add_argument("--json", action="store_true", help="JSON instead of text")
    p.add_argument("--state", type=Path, default=None, help="state database (default: $BOT_STATE_DB)")
    p.add_argument("--facts", type=Path, default=None, help="fact base (default: ./data/facts.db or $QA_FACTS_DB)")
    p.set_defaults(func=_cmd_report)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.func(args))
    except QAError as e:
        print(f"qa {args.command}: {e}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
