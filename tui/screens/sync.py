"""Exchanges with the secretariat: export a signed bundle, import bundles or receipts.

The folder tree starts in the user's exchange folder (``~/carnet-echanges``, created on first
use), where bundles, receipts and public keys are usually carried by USB key or file share.
Imports show a progress bar over many files, then one line per file: accepted with what it
brought, or refused whole with the reason. A bundle from a station not trusted yet offers to
trust it once its fingerprint has been checked with that station.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DirectoryTree, Header, ProgressBar, RichLog

from models.errors import CarnetError
from tui.keys import HELP
from tui.text import Static
from tui.widgets.footer import KeyFooter

EXCHANGE_FOLDER = "carnet-echanges"


def exchange_folder() -> Path:
    folder = Path.home() / EXCHANGE_FOLDER
    try:
        folder.mkdir(exist_ok=True)
    except OSError:
        return Path.home()
    return folder


class SyncScreen(Screen[None]):
    BINDINGS = [
        HELP,
        Binding("e", "export", "Exporter un lot", id="export"),
        Binding("escape", "app.pop_screen", "Retour", id="back"),
        Binding("i", "import", "Importer la sélection", id="import"),
        Binding("k", "write_key", "Écrire la clé publique", id="write-key"),
        Binding("n", "identity", "Nom du poste", id="identity"),
        Binding("p", "stations", "Postes", id="stations"),
        Binding("t", "table", "Tableau consolidé", id="table"),
        Binding("l", "national_list", "Liste du jury national", id="national-list"),
    ]

    class Progress(Message):
        def __init__(self, done: int, total: int, line: Text) -> None:
            super().__init__()
            self.done, self.total, self.line = done, total, line

    def __init__(self, root: Path | None = None) -> None:
        super().__init__()
        self.root = root or exchange_folder()
        self.selected: Path = self.root
        self.identity = ("", "")
        self.recipients: list[tuple[str, str]] = []
        self.unreachable: list[str] = []
        self.default_recipient: str | None = None
        self._resumed = False  # the first showing loads the tree already
        self.next_bundle = 1

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="sync-station", classes="screen-title", markup=False)
        with Horizontal(id="sync-body"):
            yield DirectoryTree(self.root, id="sync-tree")
            with Vertical(id="sync-side"):
                yield Static("", id="sync-selected", markup=False)
                # Shown from the first import on: before, it only animated « --% ».
                bar = ProgressBar(id="sync-progress", show_eta=False)
                bar.display = False
                yield bar
                # Lines wrap at the panel's width (RichLog's default minimum, 78 columns, cut them
                # at 80×24: a path, a count, a fingerprint lost).
                yield RichLog(id="sync-log", wrap=True, markup=False, min_width=20)
        yield KeyFooter()

    async def on_mount(self) -> None:
        self.sub_title = "Échanges"
        await self._show_station()
        self._show_selected()
        self.query_one("#sync-tree", DirectoryTree).focus()

    def on_screen_resume(self) -> None:
        """Back on the screen (a USB key plugged in meanwhile): the tree shows what is there."""
        if self._resumed:
            self.query_one("#sync-tree", DirectoryTree).reload()
        self._resumed = True

    async def _show_station(self) -> None:
        from store.replication import covered
        from store.sync import own_events, station_key, sync_state

        def describe(store: Any) -> tuple[str, str, str, str, bool]:
            self.identity = (store.station.name, store.station.organisme)
            self._recipients(store)
            self.next_bundle = sync_state(store).next_bundle
            key = station_key(store)
            state = sync_state(store)
            seqs = [int(e["seq"]) for e in own_events(store)]
            exported = sum(1 for s in seqs if covered(state.exported, s))
            confirmed = sum(1 for s in seqs if covered(state.acknowledged, s))
            counts = (
                f"{len(seqs)} événement(s) de ce poste : {len(seqs) - exported} non exporté(s), "
                f"{exported - confirmed} exporté(s) non confirmé(s), {confirmed} confirmé(s)"
            )
            if store.station.secretariat:
                # Nobody confirms the secretariat's own events: each station's bundle
                # (« e », for whom) carries what that station is not known to have.
                counts = (
                    f"{len(seqs)} événement(s) enregistré(s) ici ; chaque lot pour un poste "
                    "porte ce qu'il n'a pas encore de ses candidats"
                )
            role = " — secrétariat central" if store.station.secretariat else ""
            if store.station.name:
                role += f" — {store.station.name} ({store.station.organisme})"
            else:
                role += " — sans nom (« n »)"
            return store.station.id, key.fingerprint, counts, role, store.station.secretariat

        described = await self.app.store_call(describe)  # type: ignore[attr-defined]
        station, fingerprint, counts, role, secretariat = described
        self.station = station
        with_whom = "les postes" if secretariat else "le secrétariat"
        self.sub_title = f"Échanges avec {with_whom}"
        self.query_one("#sync-station", Static).update(
            f"Poste {station}{role} — empreinte {fingerprint}\n{counts}"
        )

    def _recipients(self, store: Any) -> None:
        """The folders a bundle can be for: the trusted ones that can be encrypted to; the
        secretariat first, chosen by default at a station."""
        from store.keys import ROLE_TEXT, TrustStore

        trusted = TrustStore(store.folder).keys.values()
        keys = [k for k in trusted if k.encryption is not None]
        keys.sort(key=lambda k: (not k.secretariat, k.label))
        # Trusted from a bundle (which carries the signing key alone) or by the release before:
        # nothing can be encrypted to them until their key file is trusted too.
        self.unreachable = sorted(k.label for k in trusted if k.encryption is None)
        self.recipients = [(f"{k.label} — {ROLE_TEXT[k.role]}", k.station) for k in keys]
        secretariats = [k.station for k in keys if k.secretariat]
        self.default_recipient = (
            secretariats[0] if len(secretariats) == 1 and not store.station.secretariat else None
        )

    def _show_selected(self) -> None:
        self.query_one("#sync-selected", Static).update(
            f"Sélection : {self.selected}\n« i » importe ce fichier, ou tous les .carnet de ce "
            "dossier, ou fait confiance à cette clé publique (.cle) ; « e » exporte vers ce "
            "dossier ; « k » y écrit la clé publique du poste."
        )

    def on_directory_tree_file_selected(self, event: DirectoryTree.FileSelected) -> None:
        self.selected = event.path
        self._show_selected()

    def on_directory_tree_directory_selected(self, event: DirectoryTree.DirectorySelected) -> None:
        self.selected = event.path
        self._show_selected()

    def on_tree_node_highlighted(self, event: DirectoryTree.NodeHighlighted[Any]) -> None:
        data = event.node.data
        path = getattr(data, "path", None)
        if isinstance(path, Path):
            self.selected = path
            self._show_selected()

    def _folder(self) -> Path:
        return self.selected if self.selected.is_dir() else self.selected.parent

    async def action_export(self) -> None:
        from tui.modals.export_form import ExportForm

        # A key trusted since the screen opened is a recipient now.
        await self.app.store_call(self._recipients)  # type: ignore[attr-defined]

        async def done(message: str | None) -> None:
            if message:
                self._log(Text(message, style="green"))
                await self._show_station()
                self.query_one("#sync-tree", DirectoryTree).reload()

        self.app.push_screen(
            ExportForm(
                self._folder(), self.station, self.recipients, self.default_recipient,
                self.next_bundle, unreachable=self.unreachable,
            ),
            done,
        )  # fmt: skip

    async def action_write_key(self) -> None:
        from store.sync import public_key_of
        from tui.cli_sync import write_new

        target = self._folder() / f"{self.station}.cle"

        def write(store: Any) -> None:
            write_new(target, public_key_of(store), replace=True)

        try:
            await self.app.store_call(write)  # type: ignore[attr-defined]
        except CarnetError as exc:
            self._log(Text(f"✘ {exc}", style="red"))
            return
        self._log(Text(f"Clé publique écrite : {target}", style="green"))
        self.query_one("#sync-tree", DirectoryTree).reload()

    async def action_table(self) -> None:
        from tui.document_actions import table_documents

        files = await table_documents(self, self._folder())
        for target in files:
            self._log(Text(f"Tableau consolidé écrit : {target}", style="green"))
        if files:
            self.query_one("#sync-tree", DirectoryTree).reload()

    async def action_national_list(self) -> None:
        from tui.document_actions import national_list_documents

        files = await national_list_documents(self, quiet=True)
        for target in files:
            self._log(Text(f"Liste du jury national écrite : {target}", style="green"))
        if files:
            self.query_one("#sync-tree", DirectoryTree).reload()

    def action_stations(self) -> None:
        from tui.screens.stations import StationsScreen

        self.app.push_screen(StationsScreen())

    def action_identity(self) -> None:
        from tui.modals.station_form import StationForm

        async def done(message: str | None) -> None:
            if message:
                self._log(Text(message, style="green"))
                await self._show_station()

        self.app.push_screen(StationForm(*self.identity), done)

    async def _second(self, key: Any) -> str:
        """The warning shown before trusting a second secretariat."""
        from store.sync import other_secretariats, second_secretariat_warning

        if not key.secretariat:
            return ""
        others = await self.app.store_call(  # type: ignore[attr-defined]
            lambda store: other_secretariats(store.folder, key.station)
        )
        return second_secretariat_warning(others) if others else ""

    async def _trust_key_file(self, path: Path) -> None:
        from store.sync import confirm_trust, read_key_file
        from tui.modals.trust_form import TrustForm

        try:
            key = read_key_file(path)
        except CarnetError as exc:
            self._log(Text(f"✘ {path.name} : {exc}", style="red"))
            return

        def done(message: str | None) -> None:
            if message:
                self._log(Text(message, style="green"))

        def trust(store: Any, typed: str) -> str:
            return confirm_trust(store, path, typed)[1]

        self.app.push_screen(TrustForm(key, trust, warning=await self._second(key)), done)

    def action_import(self) -> None:
        from store.sync import expand

        if self.selected.is_file() and self.selected.suffix == ".cle":
            self.run_worker(self._trust_key_file(self.selected), group="trust")
            return
        files = expand([self.selected])
        if not files:
            self._log(Text("Aucun fichier .carnet ici.", style="yellow"))
            return
        self._import(files)

    @work(exclusive=True, group="import")
    async def _import(self, files: list[Path]) -> None:
        from store.sync import import_files, ranges_text

        bar = self.query_one("#sync-progress", ProgressBar)
        bar.update(total=len(files), progress=0)
        bar.display = True

        from store.keys import TrustStore

        known = await self.app.store_call(  # type: ignore[attr-defined]
            lambda store: TrustStore(store.folder).keys
        )

        def progress(done: int, total: int, result: Any) -> None:
            self.post_message(self.Progress(done, total, _line(result, known)))

        try:
            # Receipts go beside the bundles, to travel back the way they came.
            receipts = self._folder()
            report = await self.app.store_call(  # type: ignore[attr-defined]
                lambda store: import_files(store, files, receipts_dir=receipts, progress=progress)
            )
        except CarnetError as exc:
            self._log(Text(f"✘ Import interrompu : {exc}", style="bold red"))
            return
        for station, missing in report.gaps.items():
            self._log(
                Text(f"⚠ poste {station} : événements manquants {ranges_text(missing)}", "yellow")
            )
        if report.acknowledged:
            self._log(Text(f"{report.acknowledged} événement(s) confirmé(s) par le secrétariat."))
        for path in report.receipts:
            self._log(Text(f"Accusé de réception écrit : {path}"))
        own = sum(1 for f in report.files if f.own)
        mine = f"{own} écrit(s) par ce poste, " if own else ""
        accepted = len(report.files) - len(report.rejected) - own
        self._log(
            Text(
                f"{accepted} fichier(s) accepté(s), {mine}{len(report.rejected)} refusé(s), "
                f"{report.new_events} nouvel(s) événement(s).",
                style="bold",
            )
        )
        await self._show_station()
        # Receipts were written beside the bundles, and files may have come meanwhile.
        self.query_one("#sync-tree", DirectoryTree).reload()
        unknown = {r.unknown.station: r for r in report.files if r.unknown is not None}
        if unknown:
            await self._offer_trust(list(unknown.values()), files)

    async def _offer_trust(self, results: list[Any], files: list[Path]) -> None:
        """Each unknown sender's key, trusted only once its fingerprint is typed as that
        station reads it out (the same form as for a key file)."""
        from store.keys import TrustedKey
        from tui.modals.trust_form import TrustForm

        trusted = []
        for result in results:
            unknown = result.unknown
            key = TrustedKey(
                unknown.station, unknown.public, "", unknown.role or "inconnu",
                unknown.name or "", unknown.organisme or "",
            )  # fmt: skip
            form = TrustForm(
                key,
                partial(_trust_sender, unknown),
                warning=await self._second(key),
                came_with=result.path.name,
            )
            message = await self.app.push_screen_wait(form)
            if message:
                trusted.append(unknown.station)
                self._log(Text(message, style="green"))
        if trusted:
            self._import(files)

    def on_sync_screen_progress(self, message: Progress) -> None:
        self.query_one("#sync-progress", ProgressBar).update(
            total=message.total, progress=message.done
        )
        self._log(message.line)

    def _log(self, line: Text) -> None:
        self.query_one("#sync-log", RichLog).write(line)


def _trust_sender(unknown: Any, store: Any, typed: str) -> str:
    from store.sync import trust_station

    return trust_station(store, unknown, typed)


def _line(result: Any, known: Any) -> Text:
    from store.keys import sender_label

    said = result.said_by(lambda station: sender_label(known, station))
    style = "red" if result.error else "dim" if result.own else "green"
    return Text(f"{result.mark} {result.path.name} {said}", style=style)
