"""`reunify flows list|check`: for people who write flows and content."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from assistant.commands.common import Parser


def add_commands(commands: Any, case_commands: Any) -> None:
    """`flows list` and `flows check`."""
    flows = commands.add_parser("flows", help="list or check flows")
    flow_commands = flows.add_subparsers(dest="flows_command", parser_class=Parser, required=True)
    flows_list = flow_commands.add_parser("list", help="list the flows")
    flows_list.add_argument("--json", action="store_true", help="print JSON")
    flows_list.set_defaults(func=cmd_flows_list)
    check = flow_commands.add_parser("check", help="validate flow files")
    check.add_argument("paths", nargs="*", type=Path, help="flow files (default: all flows)")
    check.set_defaults(func=cmd_flows_check)


def cmd_flows_list(args: argparse.Namespace) -> int:
    from assistant.casework.learning import LearningError, learning_items
    from assistant.flows.loader import default_library
    from assistant.paths import content_dir

    library = default_library()
    flows = sorted(library.flows.values(), key=lambda f: (f.audience, f.title))
    rows = [
        {"id": f.id, "title": f.title, "audience": f.audience, "stages": list(f.stages)}
        for f in flows
    ]
    try:
        rows += learning_items(content_dir())  # practice cases and the quiz
    except LearningError as exc:
        print(f"reunify: warning: {exc}", file=sys.stderr)
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        print(flows_table(rows))
    for problem in library.problems:
        print(f"reunify: warning: {problem}", file=sys.stderr)
    return 0


def cmd_flows_check(args: argparse.Namespace) -> int:
    from assistant.flows.content import card_ids
    from assistant.flows.loader import flow_files, load_paths
    from assistant.paths import content_dir, flows_dir

    paths = args.paths or flow_files(flows_dir())
    problems = load_paths(paths, card_ids(content_dir())).problems
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in {len(paths)} flow file(s)", file=sys.stderr)
        return 1
    print(f"{len(paths)} flow file(s) checked: no problems")
    return 0


def flows_table(rows: list[dict[str, Any]]) -> str:
    """The flows as aligned columns (each as wide as its longest entry), titles last."""
    cells = [
        (str(r["id"]), str(r["audience"]), ", ".join(map(str, r["stages"])), str(r["title"]))
        for r in rows
    ]
    header = ("FLOW", "AUDIENCE", "STAGES", "TITLE")
    widths = [max(len(c[i]) for c in [header, *cells]) for i in range(3)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True))
        + "  "
        + row[3]
        for row in [header, *cells]
    ]
    return "\n".join(line.rstrip() for line in lines)
