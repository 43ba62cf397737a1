"""A candidate's conflicts: values two stations recorded differently. Each competing value is a
line; « entrée » on one keeps it, with a reason, as an event of its own. Nothing is overwritten
in silence: the other value stays in the history and in the dossier de certification."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Header

from models.conflicts import Conflict
from models.referential import ThresholdReferential, WeightedReferential
from models.threshold import CriterionState
from models.weighted import format_mark
from tui.modals.resolve_conflict import ResolveConflict
from tui.screens.candidate import CandidateScreen
from tui.text import DataTable, Static
from tui.timefmt import when
from tui.widgets.footer import KeyFooter

STATES = {
    CriterionState.VALIDATED: "validé",
    CriterionState.NOT_VALIDATED: "non validé",
    CriterionState.NOT_EVALUATED: "non évalué",
}


class ConflictsScreen(CandidateScreen):
    BINDINGS = [
        Binding("enter", "choose", "Retenir cette valeur", id="choose"),
        Binding("escape", "app.pop_screen", "Retour", id="back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="conflicts-title", classes="screen-title")
        table: DataTable[Any] = DataTable(id="conflicts", cursor_type="row")
        yield table
        yield Static("", id="conflicts-resolved")
        yield KeyFooter()

    async def on_mount(self) -> None:
        table = self.query_one("#conflicts", DataTable)
        table.add_column("Sur quoi", key="what", width=34)
        table.add_column("Valeur", key="value", width=22)
        table.add_column("Poste, auteur, date", key="who")
        await self.reload()
        table.focus()

    async def reload(self) -> None:
        snap = await self.load_view()
        assert snap.state.candidate is not None
        self.sub_title = snap.state.candidate.name
        table = self.query_one("#conflicts", DataTable)
        table.clear()
        open_ones = snap.state.open_conflicts
        for conflict in open_ones:
            label = self._label(conflict)
            for number, source in enumerate(conflict.sources):
                table.add_row(
                    Text(label if number == 0 else "", style="bold"),
                    self._value(conflict, source.value),
                    f"{source.station}, {source.author}, {when(source.ts)}",
                    key=f"{conflict.key}|{source.event}",
                )
        count = len(open_ones)
        self.query_one("#conflicts-title", Static).update(
            f"Saisies concurrentes à trancher : {count}"
            if count
            else "Aucune saisie concurrente à trancher."
        )
        resolved = [c for c in snap.state.conflicts.values() if not c.open]
        self.query_one("#conflicts-resolved", Static).update(
            "\n".join(
                f"Tranché le {when(c.resolved_ts)} par {c.resolved_by} — {self._label(c)} : "
                f"{c.reason}"
                for c in resolved
            )
        )

    def _label(self, conflict: Conflict) -> str:
        snap = self.snapshot
        assert snap is not None
        ref = snap.referential
        kind, _, rest = conflict.key.partition(":")
        if kind == "criterion" and isinstance(ref, ThresholdReferential):
            criterion = rest.split(":")[1]
            for block in ref.blocks:
                for comp in block.competencies:
                    for crit in comp.criteria:
                        if crit.id == criterion:
                            return f"Critère : {crit.text}"
        if kind == "mark" and isinstance(ref, WeightedReferential):
            return f"Note : {ref.evaluation(rest).title}"
        if kind == "attestation":
            competency, _, role = rest.rpartition(":")
            return f"Carnet, {competency} : signature du {role}"
        if conflict.incompatible:
            return f"Événement incompatible : {conflict.incompatible}"
        return conflict.key

    def _value(self, conflict: Conflict, value: tuple[Any, ...]) -> str:
        if not value:
            return "(mis de côté)"
        first = value[0]
        if isinstance(first, CriterionState):
            comment = f" — {value[1]}" if len(value) > 1 and value[1] else ""
            return STATES[first] + comment
        if conflict.key.startswith("attestation:"):
            return self.person_name(str(first))
        if isinstance(first, Decimal):
            return f"{format_mark(first)}/20"
        return str(first)

    def on_data_table_row_selected(self, _: DataTable.RowSelected) -> None:
        self.action_choose()

    def action_choose(self) -> None:
        table = self.query_one("#conflicts", DataTable)
        if table.row_count == 0:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or ""
        conflict_key, _, event = key.rpartition("|")
        snap = self.snapshot
        conflict = snap.state.conflicts.get(conflict_key) if snap is not None else None
        source = next((x for x in conflict.sources if x.event == event), None) if conflict else None
        subject = (
            f"{self._label(conflict)} — valeur retenue : {self._value(conflict, source.value)}"
            if conflict is not None and source is not None
            else conflict_key
        )
        # The agent at the keyboard signs the choice with their secret (issue 11).
        self.app.push_screen(
            ResolveConflict(self.candidate, conflict_key, event, subject),
            self.after_form("Choix enregistré, avec son motif."),
        )
