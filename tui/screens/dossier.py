"""A candidate's dossier: blocks and competencies with their live status, the logbook's state
and the evaluations, each verdict's explanation one key away."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Header

from models.completeness import outstanding
from models.dossier import DossierState, GridState
from models.grid import phases
from models.referential import ThresholdReferential, WeightedReferential
from models.status import cqp_label
from models.threshold import BlockVerdict, CompetencyVerdict, CqpVerdict
from models.timing import minutes_text
from models.vae import VaeVerdict
from models.weighted import WeightedVerdict, format_mark
from store.store import Snapshot
from tui.career_text import jury_summary, vae_cells
from tui.keys import HELP
from tui.labels import status_cell
from tui.modals.candidate_edit import CandidateEditForm
from tui.modals.explanation import ExplanationModal
from tui.modals.link_form import LinkForm
from tui.modals.open_grid import OpenGrid
from tui.modals.text_prompt import TextPrompt
from tui.operator import author_of
from tui.screens.candidate import CandidateScreen
from tui.text import DataTable, Static
from tui.timefmt import day, when
from tui.widgets.footer import KeyFooter


class DossierScreen(CandidateScreen):
    BINDINGS = [
        HELP,
        # The footer shows these in this order and cuts the rest at 80 columns: the main
        # actions and « Retour » first, in short words (the help gives the tooltip, whole).
        Binding("g", "grid", "Grille", id="grid", tooltip="Grille du bloc"),
        Binding("o", "open_grid", "Nouvelle grille", id="open-grid"),
        Binding("c", "logbook", "Carnet", id="logbook", tooltip="Carnet de suivi"),
        Binding("n", "marks", "Notes", id="marks"),
        Binding("j", "juries", "Jurys", id="juries"),
        Binding("v", "vae", "VAE", id="vae"),
        Binding("escape", "back", "Retour", id="back"),
        Binding("i", "explain", "Explication", id="explain"),
        Binding("l", "link", "Déclarer un lien", id="link"),
        Binding("x", "conflicts", "Conflits", id="conflicts"),
        Binding("h", "history", "Historique", id="history"),
        Binding("e", "edit_candidate", "Modifier", id="edit-candidate"),
        Binding("X", "deactivate_candidate", "Désactiver", id="deactivate-candidate"),
        Binding("d", "pdf", "Dossier PDF", id="pdf"),
    ]

    def __init__(self, candidate: str) -> None:
        super().__init__(candidate)
        self.sync: dict[str, str] = {}
        self.signatures: dict[str, str | None] = {}
        self.full_names: dict[str, str] = {}  # each row's title, uncut, by row key

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="identity", classes="screen-title")
        table: DataTable[Any] = DataTable(id="tree", cursor_type="row")
        yield table
        # The highlighted row's name whole: at 80 columns the title column cuts competencies
        # that begin alike (« Appliquer la législation… »).
        yield Static("", id="row-full", classes="row-full", markup=False)
        yield Static("", id="grids")
        yield KeyFooter()

    async def on_mount(self) -> None:
        table = self.query_one("#tree", DataTable)
        await self.reload()
        table.focus()
        self.loaded.set()

    async def on_screen_resume(self) -> None:
        await self.reload()

    async def reload(self) -> None:
        from store.sync import sync_status

        await self.load_view()
        self.sync = await self.app.store_call(  # type: ignore[attr-defined]
            lambda store: sync_status(store, self.candidate)
        )
        self.signatures = await self.app.store_call(  # type: ignore[attr-defined]
            lambda store: store.signature_states(self.candidate)
        )
        self._show()
        self.refresh_bindings()

    def _show(self) -> None:
        snap = self.snapshot
        assert snap is not None and snap.state.candidate is not None
        cand = snap.state.candidate
        self.sub_title = cand.name
        verdict = snap.verdict
        identity = Text.assemble(
            (cand.name, "bold"),
            f" — {cqp_label(cand.cqp)} — {cand.organisme} — tuteur : {self.person_name(cand.tutor)}, "
            f"manager : {self.person_name(cand.manager)}   ",
            status_cell(verdict.status),
        )
        if isinstance(verdict, CqpVerdict) and verdict.projection is not None:
            # Not final until both evaluators sign: say what the grids would give as they stand.
            identity.append(f" (provisoire : {verdict.projection.label} en l'état)", style="yellow")
        if snap.state.deactivated is not None:
            identity.append(f"   désactivé : {snap.state.deactivated.reason}", style="bold yellow")
        conflicts = len(snap.state.open_conflicts)
        if conflicts:
            identity.append(f"   ⚠ {conflicts} conflit(s) : « x »", style="bold yellow")
        self.query_one("#identity", Static).update(identity)
        table = self.query_one("#tree", DataTable)
        cursor = table.cursor_row
        table.clear()
        if not table.columns:
            # Widths that fit 80 columns; the title column is the one that gives.
            for label, key, width in _COLUMNS[type(verdict).__name__]:
                table.add_column(label, key=key, width=width)
        if isinstance(verdict, CqpVerdict) and isinstance(snap.referential, ThresholdReferential):
            self._threshold_rows(table, snap.referential, verdict, snap.state)
            self.query_one("#grids", Static).update(self._grids_text(snap.referential, snap.state))
        elif isinstance(verdict, WeightedVerdict):
            self._weighted_rows(table, verdict, snap)
            self.query_one("#grids", Static).update(self._career_text(snap))
        elif isinstance(verdict, VaeVerdict):
            self._vae_rows(table, verdict, snap)
            self.query_one("#grids", Static).update(self._career_text(snap))
        if cursor < table.row_count:
            table.move_cursor(row=cursor)
        self._show_full_name()

    def on_data_table_row_highlighted(self, _: DataTable.RowHighlighted) -> None:
        self._show_full_name()

    def _show_full_name(self) -> None:
        table = self.query_one("#tree", DataTable)
        key = ""
        if table.row_count:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or ""
        self.query_one("#row-full", Static).update(self.full_names.get(key, ""))

    def _threshold_rows(
        self,
        table: DataTable[Any],
        ref: ThresholdReferential,
        verdict: CqpVerdict,
        state: DossierState,
    ) -> None:
        for block, bv in zip(ref.blocks, verdict.blocks, strict=True):
            self.full_names[block.id] = f"Bloc {block.number} — {block.title}"
            table.add_row(
                status_cell(bv.status),
                Text(
                    f"Bloc {block.number}{' · provisoire' if bv.projection else ''} — {block.title}",
                    style="bold",
                ),
                f"{bv.count.validated}/{bv.count.total} comp",
                _needed(bv),
                _logbook_block(state, [c.id for c in block.competencies]),
                key=block.id,
            )
            for number, (comp, cv) in enumerate(
                zip(block.competencies, bv.competencies, strict=True), 1
            ):
                title = self.full_names[comp.id] = f"{block.number}.{number} {comp.title}"
                table.add_row(
                    status_cell(cv.status),
                    f"  {title}",
                    f"{cv.count.validated}/{cv.count.total} crit",
                    _needed(cv),
                    _logbook_cell(state, comp.id),
                    key=comp.id,
                )

    def _weighted_rows(
        self, table: DataTable[Any], verdict: WeightedVerdict, snap: Snapshot
    ) -> None:
        ref = snap.referential
        assert not isinstance(ref, ThresholdReferential)
        for evaluation in ref.evaluations:
            mark = verdict.marks.get(evaluation.id)
            eliminatory = evaluation.id in verdict.eliminatory
            self.full_names[evaluation.id] = evaluation.title
            table.add_row(
                Text(
                    "✘ élim." if eliminatory else ("✔ notée" if mark is not None else "… à noter"),
                    style="bold red" if eliminatory else "",
                ),
                evaluation.title,
                f"{format_mark(mark)}/20" if mark is not None else "—",
                f"× {evaluation.coefficient}",
                self._entered_by(snap, evaluation.id),
                key=evaluation.id,
            )

    def _vae_rows(self, table: DataTable[Any], verdict: VaeVerdict, snap: Snapshot) -> None:
        ref = snap.referential
        assert isinstance(ref, WeightedReferential)
        for competency, cell in vae_cells(ref, snap.state.career, verdict):
            comp = ref.competency(competency)
            title = self.full_names[competency] = f"{comp.number}. {comp.title}"
            table.add_row(cell, title, key=competency)

    def _entered_by(self, snap: Snapshot, evaluation: str) -> str:
        record = snap.state.career.mark_records.get(evaluation)
        return "" if record is None else f"{self.person_name(record.by)} {day(record.ts)}"

    def _career_text(self, snap: Snapshot) -> str:
        lines = [" ".join(snap.verdict.explanation.facts)]
        lines.extend(jury_summary(snap.state.career, self.person_name))
        if self.signatures:  # the jury's proposal and decisions, the proclamation (issue 11)
            lines.append(_signatures_line(self.signatures))
        return "\n".join(lines)

    def _grids_text(self, ref: ThresholdReferential, state: DossierState) -> Text:
        if not state.grids:
            lines = ["Aucune évaluation pour l'instant. « o » ouvre la grille du bloc sélectionné."]
        else:
            lines = [
                self._grid_line(ref, grid)
                for grid in sorted(state.grids.values(), key=lambda g: g.opened_seq)
            ]
        if self.signatures:
            lines.append(_signatures_line(self.signatures))
        missing = outstanding(state, ref, self.person_name)
        if missing:
            lines.append("À compléter : " + " ".join(item.text for item in missing))
        else:
            lines.append("Dossier de certification complet.")
        # Names come from people: text, never markup.
        return Text("\n".join(lines))

    def _grid_line(self, ref: ThresholdReferential, grid: GridState) -> str:
        block = ref.block(grid.block)
        situation = next(
            (
                s.label
                for s in getattr(block.evaluation.format, "situations", ())
                if s.id == grid.situation
            ),
            "",
        )
        parts = [
            f"Bloc {block.number}" + (f" · {situation}" if situation else ""),
            f"ouverte le {day(grid.opened_ts)}",
            grid.phase_label,
            f"{self.person_name(grid.evaluator)} et {self.person_name(grid.certifier)}",
        ]
        now = datetime.now(UTC)
        durations = [
            f"{phase.label.lower()} {minutes_text(grid.timers[phase.id].elapsed(now))}"
            for phase in phases(block, grid.situation)
            if phase.id in grid.timers
        ]
        if durations:
            parts.append("durées : " + ", ".join(durations))
        if grid.closed is not None and grid.closed.shortfalls:
            parts.append(
                f"⚠ close malgré : {' ; '.join(grid.closed.shortfalls)} — motif : {grid.closed.reason}"
            )
        for amendment in grid.amendments:
            parts.append(f"avenant du {when(amendment.ts)} : {amendment.reason}")
        if f"grid:{grid.id}" in self.sync:
            parts.append(f"envoi : {self.sync[f'grid:{grid.id}']}")
        return " · ".join(parts)

    def _selected_block(self) -> str | None:
        snap = self.snapshot
        if snap is None or not isinstance(snap.referential, ThresholdReferential):
            return None
        table = self.query_one("#tree", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or ""
        return ".".join(key.split(".")[:2])

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        threshold = self.snapshot is None or isinstance(
            self.snapshot.referential, ThresholdReferential
        )
        if action in {"grid", "open_grid", "logbook", "link"}:
            return threshold
        route = self._route()
        if action == "marks":
            return route is not None and route != "vae"
        if action == "vae":
            return route == "vae"
        if action == "juries":
            return route is not None
        if action == "conflicts":
            return self.snapshot is not None and bool(self.snapshot.state.conflicts)
        return True

    def _route(self) -> str | None:
        snap = self.snapshot
        if snap is None or snap.state.candidate is None:
            return None
        return snap.state.candidate.route

    def action_conflicts(self) -> None:
        from tui.screens.conflicts import ConflictsScreen

        self.app.push_screen(ConflictsScreen(self.candidate))

    async def action_pdf(self) -> None:
        """The dossier de certification, written to the exchange folder."""
        from tui.document_actions import dossier_document

        await dossier_document(self, self.candidate)

    def action_history(self) -> None:
        from tui.screens.history import HistoryScreen

        self.app.push_screen(HistoryScreen(self.candidate))

    def action_edit_candidate(self) -> None:
        """A secretariat agent edits the candidate: a new event, kept in the history."""
        snap = self.snapshot
        if snap is None or snap.state.candidate is None:
            return
        if snap.state.deactivated is not None:
            self.notify("Ce candidat est désactivé : son dossier ne change plus.")
            return
        self.app.push_screen(
            CandidateEditForm(self.candidate, snap.state.candidate, self.people),
            self.after_form("Modification enregistrée."),
        )

    def action_deactivate_candidate(self) -> None:
        snap = self.snapshot
        if snap is None or snap.state.candidate is None:
            return
        author = author_of(self.app)

        async def reason_given(reason: str | None) -> None:
            if reason:
                await self.save(
                    lambda s: s.deactivate_candidate(self.candidate, reason, author),
                    "Candidat désactivé.",
                )

        self.app.push_screen(
            TextPrompt(
                f"Désactiver {snap.state.candidate.name}",
                "Motif (obligatoire, gardé dans l'historique)",
                detail="Réservé à un agent du secrétariat. Le dossier reste consultable et "
                "dans les listes, mais plus rien n'y est enregistré.",
            ),
            reason_given,
        )

    def action_marks(self) -> None:
        from tui.screens.marks import MarksScreen

        self.app.push_screen(MarksScreen(self.candidate))

    def action_juries(self) -> None:
        from tui.screens.jury import JuryScreen

        self.app.push_screen(JuryScreen(self.candidate))

    def action_vae(self) -> None:
        from tui.screens.vae import VaeScreen

        self.app.push_screen(VaeScreen(self.candidate))

    def on_data_table_row_selected(self, _: DataTable.RowSelected) -> None:
        route = self._route()
        if route == "vae":
            self.action_vae()
        elif route is not None:
            self.action_marks()
        else:
            self.action_grid()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_grid(self) -> None:
        block = self._selected_block()
        if block is None or self.snapshot is None:
            return
        grid = self.snapshot.state.current_grid.get(block)
        if grid is None:
            self.action_open_grid()
            return
        from tui.screens.grid import GridScreen

        self.app.push_screen(GridScreen(self.candidate, grid))

    def action_open_grid(self) -> None:
        block_id = self._selected_block()
        snap = self.snapshot
        if (
            block_id is None
            or snap is None
            or not isinstance(snap.referential, ThresholdReferential)
        ):
            return
        current = snap.state.current_grid.get(block_id)
        if current is not None and not snap.state.grids[current].signed:
            self.notify(
                "Une grille de ce bloc est en cours : « entrée » pour la reprendre.",
                severity="warning",
            )
            return

        def opened(grid: str | None) -> None:
            if grid:
                from tui.screens.grid import GridScreen

                self.app.push_screen(GridScreen(self.candidate, grid))

        self.app.push_screen(
            OpenGrid(self.candidate, snap.referential.block(block_id), self.people), opened
        )

    def action_logbook(self) -> None:
        from tui.screens.logbook import LogbookScreen

        self.app.push_screen(LogbookScreen(self.candidate))

    def action_link(self) -> None:
        async def done(ok: bool | None) -> None:
            if ok:
                await self.reload()
                self.notify("Lien déclaré.")

        self.app.push_screen(LinkForm(self.candidate, self.people), done)

    def action_explain(self) -> None:
        snap = self.snapshot
        if snap is None:
            return
        verdict = snap.verdict
        if isinstance(verdict, WeightedVerdict | VaeVerdict):
            self.app.push_screen(ExplanationModal("Verdict calculé", verdict.explanation, []))
            return
        table = self.query_one("#tree", DataTable)
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or ""
        item: BlockVerdict | CompetencyVerdict | None = None
        for bv in verdict.blocks:
            if bv.id == key:
                item = bv
            for cv in bv.competencies:
                if cv.id == key:
                    item = cv
        if item is None:
            return
        ref = snap.referential
        assert isinstance(ref, ThresholdReferential)
        texts = _titles(ref)
        decided = [texts.get(i, i) for i in item.explanation.decided_by]
        self.app.push_screen(ExplanationModal(texts.get(key, key), item.explanation, decided))


_COLUMNS: dict[str, list[tuple[str, str, int | None]]] = {
    "CqpVerdict": [
        ("Statut", "status", 12),
        ("Bloc / compétence", "title", 28),
        ("Grille", "count", 9),
        ("Seuil", "needed", 8),
        ("Carnet", "logbook", 10),
    ],
    "WeightedVerdict": [
        ("Statut", "status", 12),
        ("Épreuve", "title", 38),
        ("Note", "count", 8),
        ("Coef.", "needed", 5),
        ("Saisie par", "logbook", None),
    ],
    "VaeVerdict": [("Décision", "status", 16), ("Compétence certifiée", "title", None)],
}


def _signatures_line(states: dict[str, str | None]) -> str:
    verified = sum(1 for why in states.values() if why is None)
    older = sum(1 for why in states.values() if why == "sans signature personnelle")
    bad = len(states) - verified - older
    parts = [f"Signatures personnelles : {verified} vérifiée(s) ✔"]
    if older:
        parts.append(f"{older} antérieure(s) sans signature personnelle")
    if bad:
        parts.append(f"⚠ {bad} invérifiable(s)")
    return ", ".join(parts) + "."


def _titles(ref: ThresholdReferential) -> dict[str, str]:
    titles: dict[str, str] = {}
    for block in ref.blocks:
        titles[block.id] = f"Bloc {block.number} — {block.title}"
        for number, comp in enumerate(block.competencies, 1):
            titles[comp.id] = f"{block.number}.{number} {comp.title}"
            for crit in comp.criteria:
                titles[crit.id] = crit.text
    return titles


def _needed(item: BlockVerdict | CompetencyVerdict) -> str:
    count = item.count
    if count.still_needed == 0:
        return f"≥{count.required} ✔"
    return f"encore {count.still_needed}"


def _logbook_cell(state: DossierState, competency: str) -> Text:
    signed = state.attestations.get(competency, {})
    if state.attested(competency):
        return Text("✔ attestée", style="green")
    if signed:
        who = "tuteur" if "tuteur" in signed else "manager"
        return Text(f"½ {who}", style="yellow")
    return Text("— non", style="dim")


def _logbook_block(state: DossierState, competencies: list[str]) -> str:
    done = sum(1 for c in competencies if state.attested(c))
    return f"{done}/{len(competencies)} att."
