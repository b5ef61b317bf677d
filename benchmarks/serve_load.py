"""Load on a team server's database: N app processes, each a signed-in person's app
(as `reunify serve` starts one per browser tab), answering a flow at once.

    python benchmarks/run.py --serve [--quick]

For each N it reports answers per second across all sessions, the p95 time of one
save (the store's append under the database's lock) and the peak memory of one
session's process. Figures only: nothing here is asserted.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def _session(root: str, flows: str, who: str, questions: int, out: Any) -> None:
    """In its own process: one person's app answering `questions` questions."""
    os.environ["REUNIFY_FLOWS"] = flows
    os.environ["REUNIFY_SETTINGS"] = str(Path(root).parent / f"settings-{who}.json")
    from assistant.records.store import Store
    from assistant.records.users import access_for
    from assistant.ui.app import create_app
    from assistant.ui.inputs import Submitted

    store = Store(Path(root), access=access_for(Path(root), who))
    saves: list[float] = []
    real_record = store.record

    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return real_record(*args, **kwargs)
        finally:
            saves.append((time.perf_counter() - started) * 1000)

    store.record = timed  # type: ignore[method-assign]

    async def answer() -> None:
        app = create_app(store, select="LOAD-1")
        async with app.run_test(size=(100, 40)) as pilot:
            flows = app.screen.query_one("#flows")
            flows.focus()
            flows.highlighted = next(
                i for i in range(flows.option_count) if flows.get_option_at_index(i).id == "long"
            )
            await pilot.press("enter")
            await pilot.pause()
            chat = app.screen
            for i in range(questions):
                widget = chat._input
                widget.post_message(Submitted(widget, f"{who}: answer {i}"))
                deadline = time.monotonic() + 60
                while (len(saves) <= i or chat._input is widget) and time.monotonic() < deadline:
                    await asyncio.sleep(0.001)
                await pilot.pause()

    asyncio.run(answer())
    out.put((saves, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def run(counts: list[int], questions: int) -> dict[str, Any]:
    from assistant.records import users
    from assistant.records.store import Store
    from benchmarks.run import long_flow

    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="reunify-serve-bench-") as folder:
        base = Path(folder)
        flows = base / "flows"
        flows.mkdir()
        long_flow(flows, questions + 1)
        context = multiprocessing.get_context("spawn")
        for count in counts:
            root = base / f"db-{count}"
            store = Store(root, user="admin")
            store.create_case("LOAD-1")
            for n in range(count):
                users.add_user(root, f"worker{n}", "worker", "a-long-password", "load")
                store.share_case("LOAD-1", f"worker{n}")
            queue = context.Queue()
            sessions = [
                context.Process(
                    target=_session, args=(str(root), str(flows), f"worker{n}", questions, queue)
                )
                for n in range(count)
            ]
            started = time.perf_counter()
            for session in sessions:
                session.start()
            reports = [queue.get(timeout=600) for _ in sessions]
            wall = time.perf_counter() - started
            for session in sessions:
                session.join()
            saves = sorted(s for report in reports for s in report[0])
            results[f"n{count}"] = {
                "answers": len(saves),
                "answers_per_s": round(len(saves) / wall, 1),
                "save_ms_p50": round(statistics.median(saves), 2),
                "save_ms_p95": round(saves[int(0.95 * (len(saves) - 1))], 2),
                "memory_mb_per_session": round(statistics.mean(r[1] for r in reports), 1),
                "wall_s": round(wall, 1),
            }
    return results
