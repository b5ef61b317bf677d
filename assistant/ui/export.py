"""Export a document from the case screen (`e`): choose, preview, save.

The preview is the Markdown the file will hold. Saving writes atomically with
mode 0600; a file that exists is replaced only after a second, deliberate
press of Save (the confirmation). A PDF is made from the printable page by the
optional WeasyPrint, in a thread (it takes a moment); without WeasyPrint the
dialog says how to get it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, Select, Static

from assistant.documents.exports import ExportError, report_bytes, report_text, write_export
from assistant.ui.dialog import Dialog
from assistant.ui.markdown import LinkedMarkdown

FORMAT_OPTIONS = [("Markdown (.md)", "md"), ("Web page to print (.html)", "html"),
                  ("PDF to print (.pdf)", "pdf"), ("Plain text (.txt)", "txt")]  # fmt: skip


class ExportScreen(Dialog[None]):
    """Choose a report and a format, look at it, save it."""

    DEFAULT_CSS = """
    ExportScreen .row { height: auto; }
    ExportScreen #save-row { margin-top: 1; }
    ExportScreen #report { width: 1fr; }
    ExportScreen #format { width: 30; margin-left: 1; }
    ExportScreen #preview { height: 1fr; border: round $primary; }
    ExportScreen .row Label { width: auto; }
    ExportScreen #path { width: 1fr; margin: 0 1; background: $boost; }
    ExportScreen #save { width: auto; min-width: 8; }
    ExportScreen #export-status { height: auto; }
    """
    BINDINGS = [Binding("escape", "dismiss", "Close", id="export.close")]

    def __init__(self, store: Any, library: Any, ref: str, reports: dict[str, Any]) -> None:
        super().__init__()
        self.store, self.library, self.ref, self.reports = store, library, ref, reports
        self._confirm: Path | None = None

    def compose(self) -> ComposeResult:
        options = [(d.title, name) for name, d in self.reports.items()]
        with Vertical(classes="dialog-box"):
            # one line per control (compact), so that the preview has room at 80×24
            with Horizontal(classes="row"):
                yield Select(options, id="report", prompt="Which document?", compact=True)
                yield Select(
                    FORMAT_OPTIONS, id="format", value="md", allow_blank=False, compact=True
                )
            yield VerticalScroll(Static(id="preview-text"), id="preview")
            with Horizontal(classes="row", id="save-row"):
                yield Label("Save as")
                yield Input(id="path", placeholder=f"~/{self.ref}-assessment.md", compact=True)
                yield Button("Save", id="save", variant="primary", compact=True)
            yield Static(
                "Choose a document to see it here. Esc closes.", id="export-status", markup=False
            )

    def on_mount(self) -> None:
        self.query_one("#report").focus()

    def _choice(self) -> tuple[str, str]:
        report = self.query_one("#report", Select).value
        fmt = self.query_one("#format", Select).value
        return ("" if report is Select.NULL else str(report)), str(fmt)

    @on(Select.Changed)
    def _changed(self) -> None:
        name, fmt = self._choice()
        self._confirm = None
        if not name:
            return
        try:
            preview = report_text(self.store, self.ref, name, "md", self.library)
        except ExportError as exc:
            self._status(str(exc))
            return
        self.query_one("#preview-text", Static).update(LinkedMarkdown(preview))
        self.query_one("#path", Input).value = f"~/{self.ref}-{name}.{fmt}"
        self._status("This is what the document will hold. Save writes it (private to you).")

    def _status(self, text: str) -> None:
        self.query_one("#export-status", Static).update(text)

    @on(Button.Pressed, "#save")
    @on(Input.Submitted, "#path")
    def _save(self) -> None:
        name, fmt = self._choice()
        if not name:
            self._status("Choose a document first.")
            return
        path = Path(self.query_one("#path", Input).value.strip() or "").expanduser()
        replace = self._confirm == path
        if path.exists() and not replace:
            self._confirm = path
            self._status(f"{path} exists. Press Save again to replace it.")
            return
        self._confirm = None
        if fmt == "pdf":  # a second or two of layout: in a thread, the dialog stays live
            self._status("Making the PDF…")

            def work() -> None:
                self.app.call_from_thread(self._said, self._write(name, fmt, path, replace))

            self.run_worker(work, thread=True, name="export-pdf", exit_on_error=False)
        else:
            self._said(self._write(name, fmt, path, replace))

    def _write(self, name: str, fmt: str, path: Path, replace: bool) -> Path | str:
        """Build the document and write it: the file written, or why not."""
        try:
            data = report_bytes(self.store, self.ref, name, fmt, self.library)
            return write_export(path, data, force=replace)
        except (ExportError, OSError) as exc:
            return f"Not saved: {exc}"

    def _said(self, outcome: Path | str) -> None:
        if isinstance(outcome, str):
            self._status(outcome)
            return
        self._status(f"Saved {outcome} (mode 0600).")
        self.notify(f"Saved {outcome}", markup=False)
