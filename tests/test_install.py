"""content/ and flows/ are found from a source checkout and from a built, installed wheel."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from assistant import paths

ROOT = Path(__file__).resolve().parent.parent


def test_source_checkout_finds_flows_and_content(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REUNIFY_FLOWS", raising=False)
    monkeypatch.delenv("REUNIFY_CONTENT", raising=False)
    assert paths.flows_dir() == ROOT / "flows"
    assert paths.content_dir() == ROOT / "content"


def test_environment_overrides_each_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("REUNIFY_FLOWS", str(tmp_path / "f"))
    monkeypatch.setenv("REUNIFY_CONTENT", str(tmp_path / "c"))
    monkeypatch.setenv("REUNIFY_DB", str(tmp_path / "d"))
    assert paths.flows_dir() == tmp_path / "f"
    assert paths.content_dir() == tmp_path / "c"
    assert paths.default_db_path() == tmp_path / "d"


def test_default_database_is_in_the_user_data_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REUNIFY_DB")
    from platformdirs import user_data_path

    assert paths.default_db_path() == user_data_path("reunify", appauthor=False) / "data"


def test_installed_wheel_finds_its_flows_from_any_folder(tmp_path: Path) -> None:
    """Build the wheel (no network: hatchling is a test extra), install it into a
    folder of its own, and run the command from an unrelated folder."""
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "-q", "-w", str(tmp_path / "dist"), str(ROOT)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    wheel = next((tmp_path / "dist").glob("reunify-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "assistant/_data/flows/assessment-top-tips.toml" in names
    assert "assistant/_data/content/top-tips.md" in names
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("REUNIFY_")}
    env["PYTHONPATH"] = str(site)
    env["REUNIFY_DB"] = str(tmp_path / "db")
    probe = (
        "import assistant.paths as p, assistant; "
        "print(assistant.__file__); print(p.flows_dir()); print(p.content_dir())"
    )
    shown = subprocess.run(
        [sys.executable, "-c", probe], cwd=elsewhere, env=env,
        capture_output=True, text=True, check=True,
    ).stdout.splitlines()  # fmt: skip
    assert shown[0].startswith(str(site))
    assert shown[1] == str(site / "assistant" / "_data" / "flows")
    assert shown[2] == str(site / "assistant" / "_data" / "content")
    listed = subprocess.run(
        [sys.executable, "-m", "assistant", "flows", "list", "--json"], cwd=elsewhere, env=env,
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "assessment-top-tips" in {f["id"] for f in json.loads(listed.stdout)}
    assert listed.stderr == ""
