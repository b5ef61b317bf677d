"""`reunify` commands about what a case means: classification (from JSON or from a
case's answers), what is due, the timeline and independent classification rounds."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from assistant.commands.common import EXIT_USAGE, UserError, open_store


def add_commands(commands: Any, case_commands: Any) -> None:
    """`classify`, `case classify`, `due`, `case timeline` and `case round`."""
    classify = commands.add_parser("classify", help="classify risk from a JSON input")
    classify.add_argument("--input", required=True, help="JSON file, or - for standard input")
    classify.set_defaults(func=cmd_classify)
    case_classify = case_commands.add_parser(
        "classify", help="Reunify's reading of the framework's table for a case, from its answers"
    )
    case_classify.add_argument("ref", help="case reference")
    case_classify.add_argument(
        "--json", action="store_true", help="add 'input': what was assembled from the answers"
    )
    case_classify.set_defaults(func=cmd_case_classify)
    due = commands.add_parser("due", help="what is due and overdue across cases, soonest first")
    due.add_argument("--profile", default="framework", help="policy profile (default: framework)")
    due.add_argument("--json", action="store_true", help="print JSON")
    due.set_defaults(func=cmd_due)
    timeline = case_commands.add_parser("timeline", help="a case's classifications over time")
    timeline.add_argument("ref", help="case reference")
    timeline.add_argument("--json", action="store_true", help="print JSON")
    timeline.set_defaults(func=cmd_timeline)
    rnd = case_commands.add_parser(
        "round", help="independent classification: open a round, rate, confer, agree"
    )
    rnd.add_argument("action", choices=["open", "rate", "show", "agree"])
    rnd.add_argument("ref", help="case reference")
    rnd.add_argument(
        "--as", dest="role", help="your role: worker, team_manager, independent_reviewer"
    )
    rnd.add_argument("--name", help="your name or initials")
    rnd.add_argument(
        "--rows",
        help="risk_factors=LEVEL,protective_factors=LEVEL,capacity_to_change=LEVEL,wishes=LEVEL",
    )
    rnd.add_argument("--level", help="overall level (rate) or the agreed level (agree)")
    rnd.add_argument("--reason", help="your reasons")
    rnd.set_defaults(func=cmd_round)


#: The largest classify input read (a real case is a few KiB; /dev/zero never ends).
MAX_INPUT = 1024 * 1024


def cmd_classify(args: argparse.Namespace) -> int:
    from assistant.risk import ClassificationInputError, classify_json

    try:
        if args.input == "-":
            stream = getattr(sys.stdin, "buffer", None)  # a text stream in tests
            raw = (
                stream.read(MAX_INPUT + 1)
                if stream is not None
                else sys.stdin.read(MAX_INPUT + 1).encode("utf-8")
            )
        else:
            with Path(args.input).open("rb") as handle:
                raw = handle.read(MAX_INPUT + 1)
        if len(raw) > MAX_INPUT:
            raise UserError(f"{args.input} is larger than {MAX_INPUT // 1024} KiB", EXIT_USAGE)
        text = raw.decode("utf-8")
    except OSError as exc:
        raise UserError(f"cannot read {args.input}: {exc.strerror}", EXIT_USAGE) from None
    except UnicodeDecodeError as exc:
        raise UserError(
            f"{args.input} is not UTF-8 text (byte {exc.start + 1})", EXIT_USAGE
        ) from None
    try:
        result = classify_json(text)
    except ClassificationInputError as exc:
        raise UserError(str(exc), EXIT_USAGE) from None
    print(json.dumps(result, indent=2))
    return 0


def cmd_case_classify(args: argparse.Namespace) -> int:
    from assistant.casework.classification import classify_case, to_record_next
    from assistant.flows.loader import default_library

    store = open_store(args)
    store.case(args.ref)
    case = classify_case(store, default_library(), args.ref)
    if case.result is None:
        raise UserError(f"case {args.ref}: {case.problem}")
    result = case.result.as_dict()
    if args.json:
        result["input"] = case.inputs.data
    print(json.dumps(result, indent=2))
    if case.result.suggested is None:
        print("reunify: Not enough recorded to suggest a level yet.", file=sys.stderr)
        for step in to_record_next(case.result):
            print(f"reunify: record next: {step}", file=sys.stderr)
    for flow_id in case.unread_flows:
        print(
            f"reunify: warning: answers of flow '{flow_id}' not used: it cannot be loaded",
            file=sys.stderr,
        )
    return 0


def cmd_due(args: argparse.Namespace) -> int:
    from assistant.casework.due import due_items
    from assistant.casework.policies import load_policies
    from assistant.flows.loader import default_library
    from assistant.paths import content_dir

    try:
        items = due_items(
            open_store(args),
            default_library(),
            load_policies(content_dir()),
            args.profile,
            date.today(),
            helper=True,
        )
    except KeyError as exc:
        raise UserError(str(exc.args[0]), EXIT_USAGE) from None
    if args.json:
        print(json.dumps([i.as_dict() for i in items], indent=2))
        return 0
    if not items:
        print("Nothing is due.")
    for item in items:
        flag = "OVERDUE " if item.overdue else ""
        print(f"{item.due_on}  {flag}{item.case}: {item.what}")
        print(f"            source: {item.source}")
    return 0


def cmd_timeline(args: argparse.Namespace) -> int:
    from assistant.casework.classification import classify_case
    from assistant.casework.timeline import entries, render
    from assistant.flows.loader import default_library

    store = open_store(args)
    store.case(args.ref)
    timeline = entries(store.decisions(args.ref))
    now = classify_case(store, default_library(), args.ref)
    current = None
    if now.result is not None and not now.inputs.empty:
        current = {"suggested": now.result.suggested, "trajectory": now.result.trajectory.as_dict()}
    if args.json:
        print(
            json.dumps(
                {"case": args.ref, "entries": [e.__dict__ for e in timeline], "now": current},
                indent=2,
            )
        )
        return 0
    print(render(args.ref, timeline, current))
    return 0


def cmd_round(args: argparse.Namespace) -> int:
    from assistant.casework.rounds import RoundError

    try:
        return _round(args)
    except RoundError as exc:
        raise UserError(f"{exc}; nothing was changed", EXIT_USAGE) from None


def _round(args: argparse.Namespace) -> int:
    from assistant.casework.rounds import (
        agree_round,
        conferring_text,
        make_rating,
        open_round,
        rate,
        rounds,
        suggestion_now,
    )
    from assistant.flows.loader import default_library

    store = open_store(args)
    store.case(args.ref)
    current = [r for r in rounds(store, args.ref) if r.open]
    if args.action == "open":
        if current:
            raise UserError(f"case {args.ref} already has an open round ({current[0].id})")
        suggested = suggestion_now(store, default_library(), args.ref)
        opened = open_round(store, args.ref, suggested)
        print(
            f"Round {opened.id} is open for case {args.ref}. Each rater classifies on their "
            "own; Reunify's reading shows to each once they have rated:"
        )
        print(
            f"  reunify case round rate {args.ref} --as ROLE --name INITIALS "
            "--rows ... --level L --reason ..."
        )
        return 0
    if not current:
        raise UserError(f"case {args.ref} has no open round: 'reunify case round open {args.ref}'")
    round_ = current[0]
    if args.action == "rate":
        rows = dict(part.split("=", 1) for part in (args.rows or "").split(",") if "=" in part)
        rating = make_rating(
            args.role or "", args.name or "", rows, args.level or "", args.reason or ""
        )
        rate(store, args.ref, round_.id, rating)
        print(
            "Your rating is kept. Others' ratings are now visible to you: "
            f"reunify case round show {args.ref} --as {rating.role}"
        )
        return 0
    if args.action == "show":
        print(conferring_text(round_, args.role or ""))
        return 0
    if not args.level or not args.reason or not args.name:
        raise UserError("agree needs --level, --reason and --name (who agreed)", EXIT_USAGE)
    agreed = agree_round(store, args.ref, round_.id, args.level, args.reason, args.name)
    reading = str(agreed["suggested"]).upper() if agreed["suggested"] else "not enough recorded"
    print(
        f"Agreed: {agreed['level'].upper()} (Reunify's reading of the framework's table "
        f"when the round opened: {reading}). The round is closed."
    )
    return 0
