"""The HTML reports are accessible (issue 20; councils are bound by the public sector
accessibility regulations, WCAG 2.1 AA): axe-core runs in headless Chromium against
every report of the demo case, and against the young person's report and the
assessment of a case with nothing recorded, and finds no violation at all, WCAG or
best practice (a `<main>` landmark, all content inside landmarks). The pictures'
text alternatives are checked too (axe's svg-img-alt, and their words).

One browser launch for the whole module. axe-core comes from npm: `.ci/run` installs
it into .ci-venv/node (or set AXE_CORE_JS to its axe.min.js). Skipped only where
Chromium or axe-core is missing and the environment variable CI is not set.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from assistant.casework.demo import write_demo
from assistant.documents.exports import report_text
from assistant.documents.reports import load_definitions
from assistant.flows.loader import default_library
from assistant.paths import content_dir
from assistant.records.store import Store

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AXE_PLACES = [
    os.environ.get("AXE_CORE_JS", ""),
    str(ROOT / ".ci-venv" / "node" / "node_modules" / "axe-core" / "axe.min.js"),
    str(ROOT / ".venv" / "node" / "node_modules" / "axe-core" / "axe.min.js"),
    str(ROOT / "node_modules" / "axe-core" / "axe.min.js"),
]
AXE = next((Path(p) for p in AXE_PLACES if p and Path(p).is_file()), None)

pytestmark = pytest.mark.skipif(
    (CHROMIUM is None or AXE is None) and not os.environ.get("CI"),
    reason="needs Debian's chromium and axe-core from npm (.ci/run installs both; CI never skips)",
)

#: Every rule axe runs by default (WCAG 2.x A and AA, and best practice), all reported.
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return {
    version: axe.version,
    violations: result.violations.map(v => ({id: v.id, help: v.help,
      nodes: v.nodes.map(n => n.target.join(' '))})),
    passes: result.passes.map(p => p.id),
  };
}"""


def pages(tmp_path: Path) -> dict[str, str]:
    """Every report of the demo case, and two of a case with nothing recorded."""
    store = Store(tmp_path / "db")
    library = default_library()
    write_demo(store, library)
    store.create_case("EMPTY-1")
    out = {
        f"DEMO-001/{name}": report_text(store, "DEMO-001", name, "html", library)
        for name in load_definitions(content_dir())
    }
    for name in ("young-person", "assessment"):
        out[f"EMPTY-1/{name}"] = report_text(store, "EMPTY-1", name, "html", library)
    return out


def test_every_html_report_passes_axe_core(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    assert AXE is not None and CHROMIUM is not None, "axe-core or chromium missing in CI"
    found: dict[str, Any] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            for name, html in pages(tmp_path).items():
                page.set_content(html)
                page.add_script_tag(path=str(AXE))
                found[name] = page.evaluate(RUN_AXE)
                pictures = page.eval_on_selector_all(
                    "svg[role=img]",
                    "svgs => svgs.map(s => s.querySelector('desc').textContent)",
                )
                found[name]["pictures"] = pictures
        finally:
            browser.close()
    assert found["DEMO-001/assessment"]["version"].startswith("4.")
    for name, result in found.items():
        assert result["violations"] == [], name
        assert {"landmark-one-main", "region"} <= set(result["passes"]), name
    # the pictures: named, and their words say what they show
    [steps] = found["DEMO-001/young-person"]["pictures"]
    assert "We are here: step 3, high risk: Not safe to go home." in steps
    assert "svg-img-alt" in found["DEMO-001/young-person"]["passes"]
    [timeline] = found["DEMO-001/assessment"]["pictures"]
    assert "agreed; Reunify's reading HIGH" in timeline
    assert "svg-img-alt" in found["DEMO-001/assessment"]["passes"]
    [undecided] = found["EMPTY-1/young-person"]["pictures"]
    assert "We are here" not in undecided
    assert found["EMPTY-1/assessment"]["pictures"] == []  # nothing classified: no chart
