"""A candidate's full history: every event, from every station, in the order it happened."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Header

from tui.change_text import change_text
from tui.screens.candidate import CandidateScreen
from tui.text import DataTable, Static
from tui.timefmt import when
from tui.widgets.footer import KeyFooter

LABELS = {
    "candidate.created": "Candidat créé",
    "link.declared": "Lien déclaré",
    "attestation.signed": "Carnet : signature",
    "attestation.withdrawn": "Carnet : signature retirée",
    "grid.opened": "Grille ouverte",
    "criterion.marked": "Critère évalué",
    "timer.started": "Chrono démarré",
    "timer.paused": "Chrono en pause",
    "interviews.counted": "Entretiens comptés",
    "letter.recorded": "Courrier noté",
    "coverage.marked": "Compétence abordée",
    "no_document.noted": "Aucun document remis",
    "question.recorded": "Question notée",
    "grid.closed": "Grille close",
    "grid.signed": "Grille signée",
    "criterion.amended": "Avenant",
    "mark.entered": "Note saisie",
    "pass.recorded": "Parcours Pass",
    "jury.composed": "Jury local composé",
    "jury.proposed": "Proposition du jury local",
    "jury.proclaimed": "Proclamation nationale",
    "vae.admissibility": "Recevabilité VAE",
    "vae.proof_received": "Dossier de preuve reçu",
    "vae.competency_decided": "Décision VAE",
    "attempt.started": "Nouvelle session",
    "conflict.resolved": "Conflit tranché",
    "candidate.edited": "Candidat modifié",
    "candidate.deactivated": "Candidat désactivé",
}
# The payload fields worth a glance in the list; the rest is in the dossier.
SHOWN = ("name", "criterion", "state", "competency", "role", "evaluation", "mark", "proposal",
         "decision", "reason", "validated", "followed", "phase", "count", "undoes")  # fmt: skip


class HistoryScreen(CandidateScreen):
    BINDINGS = [Binding("escape", "app.pop_screen", "Retour", id="back")]

    def __init__(self, candidate: str) -> None:
        super().__init__(candidate)
        self._details: dict[str, str] = {}

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        detail = self._details.get(event.row_key.value or "", "")
        self.query_one("#history-detail", Static).update(detail)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="history-title", classes="screen-title")
        table: DataTable[Any] = DataTable(id="history-table", cursor_type="row")
        yield table
        # The highlighted event's detail in full: at 80 columns the table cuts it.
        yield Static("", id="history-detail")
        yield KeyFooter()

    async def on_mount(self) -> None:
        table = self.query_one("#history-table", DataTable)
        table.add_column("Date", key="ts", width=16)
        table.add_column("Poste", key="station", width=18)
        table.add_column("Événement", key="type", width=24)
        table.add_column("Détail", key="detail")
        snap = await self.load_view()
        assert snap.state.candidate is not None
        self.sub_title = snap.state.candidate.name
        stations = {e.station for e in snap.events}
        self.query_one("#history-title", Static).update(
            f"Historique complet — {len(snap.events)} événement(s) de {len(stations)} poste(s)"
        )
        # An edit shows what it changed, before → after, as the people's history does.
        changes = {c.event: c for c in snap.state.candidate_history}
        for event in snap.events:
            detail = ", ".join(
                f"{field} {event.payload[field]}" for field in SHOWN if field in event.payload
            )
            if event.id in changes:
                detail = change_text(changes[event.id], self.people)
            kind = LABELS.get(event.type, event.type)
            if event.payload.get("undoes"):
                kind = "Critère : annulation (u)"
            self._details[event.id] = f"{kind} — {detail}" if detail else kind
            table.add_row(
                when(event.ts),
                f"{event.station} n° {event.seq}",
                kind,
                detail,
                key=event.id,
            )
        table.focus()
