"""Export a signed bundle: where to write it (a new file, never an existing one), and whether
to send everything or only what the secretariat has not confirmed yet."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.widgets import Input

from store.sync import ExportReport
from tui.modals.form import FieldError, FormModal
from tui.text import Checkbox, Static


class ExportForm(FormModal[str | None]):
    heading = "Exporter un lot pour le secrétariat"

    def __init__(self, folder: Path, station: str) -> None:
        super().__init__()
        self.folder = folder
        self.station = station

    def _default(self) -> Path:
        number = 1
        while (path := self.folder / f"{self.station}-lot-{number:03d}.carnet").exists():
            number += 1
        return path

    def fields(self) -> ComposeResult:
        yield Static(
            "Le lot contient les événements de ce poste que le secrétariat n'a pas encore "
            "confirmés, signés par la clé du poste. Un lot n'est jamais réécrit.",
            classes="form-detail",
        )
        yield from self.field("Fichier", Input(str(self._default()), id="path"))
        yield from self.field(
            "", Checkbox("Tout le poste, y compris ce qui est déjà confirmé", id="all")
        )

    async def submit(self) -> str | None:
        typed = self.query_one("#path", Input).value.strip()
        if not typed:
            raise FieldError("path", "Indiquez le fichier à écrire.")
        path = Path(typed).expanduser()
        if path.suffix != ".carnet":
            path = path.with_name(path.name + ".carnet")
        if path.exists():
            raise FieldError("path", "Ce fichier existe déjà : un lot n'est jamais réécrit.")
        if not path.parent.is_dir():
            raise FieldError("path", f"Le dossier {path.parent} n'existe pas.")
        everything = self.query_one("#all", Checkbox).value
        from store.sync import export

        report: ExportReport = await self.store(lambda s: export(s, path, everything=everything))
        return f"Lot n° {report.bundle} écrit : {report.path} ({report.events} événement(s))."
