"""The carnet de suivi des compétences: per competency, the tutor's and the manager's
attestations; a competency is attested only when both have signed."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Header

from models.referential import ThresholdReferential
from tui.keys import HELP
from tui.modals.attestation import SignAttestation, WithdrawAttestation
from tui.screens.candidate import CandidateScreen
from tui.text import DataTable, Static
from tui.timefmt import when
from tui.widgets.footer import KeyFooter


class LogbookScreen(CandidateScreen):
    BINDINGS = [
        HELP,
        # Short words so that « Retour » fits at 80 columns; the help gives the tooltips.
        Binding("t", "sign('tuteur')", "Tuteur signe", id="sign-tutor", tooltip="Signer (tuteur)"),
        Binding(
            "m", "sign('manager')", "Manager signe", id="sign-manager", tooltip="Signer (manager)"
        ),
        Binding("w", "withdraw", "Retirer", id="withdraw", tooltip="Retirer sa signature"),
        Binding("escape", "app.pop_screen", "Retour", id="back"),
    ]

    def __init__(self, candidate: str) -> None:
        super().__init__(candidate)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Carnet de suivi des compétences", classes="screen-title", id="logbook-title")
        table: DataTable[Any] = DataTable(id="logbook", cursor_type="row")
        yield table
        # The highlighted competency's name whole: the table's first column cuts it at 80.
        yield Static("", id="row-full", classes="row-full", markup=False)
        yield Static("", id="history")
        yield KeyFooter()

    async def on_mount(self) -> None:
        table = self.query_one("#logbook", DataTable)
        table.add_column("Compétence", key="title", width=28)
        table.add_column("Tuteur", key="tutor", width=18)
        table.add_column("Manager", key="manager", width=18)
        table.add_column("Att.", key="done", width=5)
        await self.reload()
        table.focus()
        self.loaded.set()

    async def reload(self) -> None:
        from store.sync import sync_status

        snap = await self.load_view()
        self.sync: dict[str, str] = await self.app.store_call(  # type: ignore[attr-defined]
            lambda store: sync_status(store, self.candidate)
        )
        ref = snap.referential
        assert isinstance(ref, ThresholdReferential) and snap.state.candidate is not None
        self.sub_title = snap.state.candidate.name
        table = self.query_one("#logbook", DataTable)
        cursor = table.cursor_row
        table.clear()
        done = 0
        for block in ref.blocks:
            for number, comp in enumerate(block.competencies, 1):
                signed = snap.state.attestations.get(comp.id, {})
                attested = snap.state.attested(comp.id)
                done += attested
                table.add_row(
                    f"{block.number}.{number} {comp.title}",
                    self._signature(signed.get("tuteur")),
                    self._signature(signed.get("manager")),
                    Text("✔", style="green") if attested else Text("—", style="dim"),
                    key=comp.id,
                )
        if cursor < table.row_count:
            table.move_cursor(row=cursor)
        total = table.row_count
        self.query_one("#logbook-title", Static).update(
            f"Carnet de suivi des compétences — {done}/{total} attestées (tuteur et manager)"
        )
        self._show_history()

    def _signature(self, signature: Any) -> str:
        if signature is None:
            return "—"
        person = self.people.get(signature.person)
        return f"✔ {_short(person.name) if person else signature.person} {when(signature.ts)[:5]}"

    def _selected(self) -> str:
        table = self.query_one("#logbook", DataTable)
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def on_data_table_row_highlighted(self, _: DataTable.RowHighlighted) -> None:
        self._show_history()

    def _show_history(self) -> None:
        if self.snapshot is None:
            return
        competency = self._selected()
        self.query_one("#row-full", Static).update(self._title(competency))
        lines = []
        for entry in self.snapshot.state.logbook_history:
            if entry.competency != competency:
                continue
            person = self.people.get(entry.person)
            name = person.name if person else entry.person
            if entry.action == "signed":
                lines.append(f"{when(entry.ts)} · {name} signe comme {entry.role} : {entry.text}")
            else:
                lines.append(
                    f"{when(entry.ts)} · {name} retire sa signature de {entry.role} — motif : {entry.text}"
                )
        sent = [
            f"{role} : {self.sync[f'attestation:{competency}:{role}']}"
            for role in ("tuteur", "manager")
            if f"attestation:{competency}:{role}" in getattr(self, "sync", {})
        ]
        if sent:
            lines.append("Envoi au secrétariat — " + " ; ".join(sent))
        self.query_one("#history", Static).update(
            "\n".join(lines[-6:]) if lines else "Aucune signature pour cette compétence."
        )

    def _title(self, competency: str) -> str:
        snap = self.snapshot
        assert snap is not None and isinstance(snap.referential, ThresholdReferential)
        for block in snap.referential.blocks:
            for number, comp in enumerate(block.competencies, 1):
                if comp.id == competency:
                    return f"{block.number}.{number} {comp.title}"
        return competency

    def action_sign(self, role: str) -> None:
        snap = self.snapshot
        if snap is None:
            return
        competency = self._selected()
        if role in snap.state.attestations.get(competency, {}):
            label = "tuteur" if role == "tuteur" else "manager"
            self.notify(f"Le {label} a déjà signé cette compétence.", severity="warning")
            return
        signers = {
            pid: p
            for pid, p in self.people.items()
            if role in snap.state.related(pid, former=False) and role in p.roles
        }
        if not signers:
            self.notify(f"Aucun {role} n'est déclaré pour ce candidat.", severity="error")
            return

        async def done(ok: bool | None) -> None:
            if ok:
                await self.reload()
                self.notify("Signature enregistrée.")

        self.app.push_screen(
            SignAttestation(self.candidate, competency, self._title(competency), role, signers),
            done,
        )

    def action_withdraw(self) -> None:
        snap = self.snapshot
        if snap is None:
            return
        competency = self._selected()
        signed = snap.state.attestations.get(competency, {})
        if not signed:
            self.notify("Aucune signature à retirer sur cette compétence.", severity="warning")
            return
        choices = {
            role: (
                sig.person,
                self.people[sig.person].name if sig.person in self.people else sig.person,
            )
            for role, sig in signed.items()
        }

        async def done(ok: bool | None) -> None:
            if ok:
                await self.reload()
                self.notify("Signature retirée ; le motif est gardé dans l'historique.")

        self.app.push_screen(WithdrawAttestation(self.candidate, competency, choices), done)


def _short(name: str) -> str:
    """« O. Garcia »: the column is narrow; the full name is in the history below."""
    first, _, last = name.partition(" ")
    return f"{first[:1]}. {last}" if last else name
