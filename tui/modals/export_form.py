"""Export a signed bundle: for whom (the secretariat, or at the secretariat a station), where
to write it (a new file, never an existing one), and whether to send everything or only what
the recipient is not known to have. The content is encrypted to the recipient."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.widgets import Input

from store.sync import ExportReport
from tui.modals.form import FieldError, FormModal
from tui.text import Checkbox, Select, Static


class ExportForm(FormModal[str | None]):
    heading = "Exporter un lot"

    def __init__(
        self,
        folder: Path,
        station: str,
        recipients: list[tuple[str, str]] | None = None,
        default: str | None = None,
        bundle: int = 1,
        *,
        unreachable: list[str] | None = None,
    ) -> None:
        """``bundle``: the number the bundle will bear, which its file's name repeats;
        ``unreachable``: the folders trusted here without their encryption key."""
        super().__init__()
        self.unreachable = unreachable or []
        self.bundle = bundle
        self.folder = folder
        self.station = station
        self.recipients = recipients or []  # (label, id) of the folders trusted here
        self.default = default

    def _default(self, recipient: str | None) -> Path:
        """A new file named by this folder, the recipient once chosen and the bundle's number
        (« -2 », « -3 »… should a file of that name be there already)."""
        stem = f"{self.station}{f'-pour-{recipient}' if recipient else ''}-lot-{self.bundle:03d}"
        path, again = self.folder / f"{stem}.carnet", 1
        while path.exists():
            again += 1
            path = self.folder / f"{stem}-{again}.carnet"
        return path

    def on_select_changed(self, event: Select.Changed) -> None:
        """The file's name follows the recipient, unless a name was typed."""
        box = self.query_one("#path", Input)
        if box.value in self._defaults:
            chosen = event.value if isinstance(event.value, str) else None
            box.value = str(self._default(chosen))
            self._defaults.add(box.value)

    def fields(self) -> ComposeResult:
        yield Static(
            "Le lot contient ce que le destinataire n'a pas encore (les événements de ce poste "
            "et ceux qu'il a reçus), signé par la clé du poste et chiffré pour le destinataire. "
            "Un lot n'est jamais réécrit.",
            classes="form-detail",
        )
        options = [(label, ident) for label, ident in self.recipients]
        # With a recipient chosen for the user (their one secretariat), no blank to fall on.
        choice = Select(
            options,
            id="recipient",
            prompt="Destinataire",
            allow_blank=self.default is None,
            value=self.default if self.default is not None else Select.NULL,
        )
        yield from self.field("Pour", choice)
        if self.unreachable:
            yield Static(
                "Sans leur clé de chiffrement ici, pas encore destinataires : "
                f"{', '.join(self.unreachable)}. Un lot ne porte que la clé qui le signe : "
                "faites aussi confiance à leur fichier .cle (« carnet station --out » chez eux, "
                "puis « i » sur ce fichier).",
                classes="form-warning",
                markup=False,
            )
        elif not options:
            yield Static(
                "Aucun destinataire : faites d'abord confiance à la clé publique (fichier .cle) "
                "du secrétariat ou du poste (« i » sur ce fichier).",
                classes="form-warning",
                markup=False,
            )
        first = str(self._default(self.default))
        self._defaults = {first}
        yield from self.field("Fichier", Input(first, id="path"))
        yield from self.field(
            "", Checkbox("Tout, y compris ce que le destinataire a déjà", id="all")
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
        chosen = self.query_one("#recipient", Select).value
        if not isinstance(chosen, str):
            if not self.recipients:
                raise FieldError(
                    "recipient", "Aucun destinataire possible : voyez ci-dessous pourquoi."
                )
            raise FieldError("recipient", "Choisissez le destinataire du lot.")
        from store.sync import export

        report: ExportReport = await self.store(
            lambda s: export(s, path, everything=everything, pour=chosen)
        )
        return (
            f"Lot n° {report.bundle} pour {report.recipient} écrit : {report.path} "
            f"({report.events} événement(s), chiffré)."
        )
