"""A VAE request: admissibility, the dossier de preuve, and the jury's decision per certified
competency (« v » validée, « x » non validée). Competencies validated at an earlier session stay
acquired, with no time limit, and are not decided again."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Header

from models.referential import WeightedReferential
from models.vae import VaeVerdict, oral_exempt
from tui.career_text import final_versus_computed, vae_cells
from tui.keys import HELP
from tui.modals.explanation import ExplanationModal
from tui.modals.text_prompt import TextPrompt
from tui.modals.vae_forms import AdmissibilityForm, DecisionForm, ProofForm
from tui.operator import author_of
from tui.screens.candidate import CandidateScreen
from tui.text import DataTable, Static
from tui.widgets.footer import KeyFooter


class VaeScreen(CandidateScreen):
    BINDINGS = [
        HELP,
        # The decision keys and « Retour » first: the footer cuts the rest at 80 columns.
        Binding("v", "decide(True)", "Validée", id="validate"),
        Binding("x", "decide(False)", "Non validée", id="refuse"),
        Binding("r", "admissibility", "Recevabilité", id="admissibility"),
        Binding("d", "proof", "Preuve", id="proof", tooltip="Dossier de preuve"),
        Binding("escape", "back", "Retour", id="back"),
        Binding("j", "juries", "Jurys", id="juries"),
        Binding("s", "new_attempt", "Nouvelle session", id="attempt"),
        Binding("i", "explain", "Explication", id="explain"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="vae-title", classes="screen-title")
        yield Static("", id="vae-request")
        table: DataTable[Any] = DataTable(id="vae-competencies", cursor_type="row")
        yield table
        # The highlighted competency's name whole: the table cuts it at 80 columns.
        yield Static("", id="row-full", classes="row-full", markup=False)
        yield Static("", id="vae-verdict")
        yield KeyFooter()

    async def on_mount(self) -> None:
        table = self.query_one("#vae-competencies", DataTable)
        table.add_column("Décision", key="decision", width=16)
        table.add_column("Compétence certifiée", key="title")
        await self.reload()
        table.focus()
        self.loaded.set()

    async def on_screen_resume(self) -> None:
        await self.reload()

    async def reload(self) -> None:
        snap = await self.load_view()
        ref, cand, career = snap.referential, snap.state.candidate, snap.state.career
        verdict = snap.verdict
        assert isinstance(ref, WeightedReferential) and isinstance(verdict, VaeVerdict)
        assert cand is not None
        self.sub_title = cand.name
        self.query_one("#vae-title", Static).update(
            f"VAE — {cand.name} ({cand.organisme}) — session {career.attempt}"
        )
        request = Text()
        if career.admissibility is None:
            request.append("Recevabilité : à prononcer (« r »).", style="yellow")
        else:
            decided = career.admissibility.value
            request.append("Recevabilité : ")
            request.append(
                "recevable" if decided.admissible else "irrecevable",
                style="bold green" if decided.admissible else "bold red",
            )
            request.append(
                f" le {decided.on.strftime('%d/%m/%Y')} — {decided.days} jours d'expérience — "
                f"{decided.description}"
            )
            if decided.reason:
                request.append(f"\nMotif : {decided.reason}")
        request.append("\n")
        proof = career.proof
        if proof is None:
            request.append("Dossier de preuve : non reçu (« d »).", style="dim")
        else:
            exempt = oral_exempt(ref.vae.oral_exemption, proof.value.attestation_3a)
            attestation = proof.value.attestation_3a
            if not exempt:
                how = "présentation devant le jury local"
            elif proof.value.oral:
                how = f"oral demandé par le jury (attestation 3a du {attestation:%d/%m/%Y})"
            else:
                how = f"jugé sur dossier, sans oral (attestation 3a du {attestation:%d/%m/%Y})"
            request.append(
                f"Dossier de preuve reçu le {proof.value.received.strftime('%d/%m/%Y')} — {how}"
            )
        self.query_one("#vae-request", Static).update(request)
        table = self.query_one("#vae-competencies", DataTable)
        cursor = table.cursor_row
        table.clear()
        for competency, cell in vae_cells(ref, career, verdict):
            comp = ref.competency(competency)
            table.add_row(cell, f"{comp.number}. {comp.title}", key=competency)
        if cursor < table.row_count:
            table.move_cursor(row=cursor)
        self._show_full_name()
        self.query_one("#vae-verdict", Static).update(final_versus_computed(career, verdict))

    def on_data_table_row_highlighted(self, _: DataTable.RowHighlighted) -> None:
        self._show_full_name()

    def _show_full_name(self) -> None:
        competency, snap = self._selected(), self.snapshot
        if competency is None or snap is None:
            return
        ref = snap.referential
        assert isinstance(ref, WeightedReferential)
        comp = ref.competency(competency)
        self.query_one("#row-full", Static).update(f"{comp.number}. {comp.title}")

    def _selected(self) -> str | None:
        table = self.query_one("#vae-competencies", DataTable)
        if table.row_count == 0:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def action_decide(self, validated: bool) -> None:
        """The decision is signed by the jury member at the keyboard: a form asks their
        secret, then the cursor goes to the next competency."""
        competency = self._selected()
        snap = self.snapshot
        if competency is None or snap is None:
            return
        ref = snap.referential
        assert isinstance(ref, WeightedReferential)
        comp = ref.competency(competency)

        async def decided(saved: bool | None) -> None:
            if saved:
                await self.reload()
                self.notify("Décision enregistrée.")
                table = self.query_one("#vae-competencies", DataTable)
                table.move_cursor(row=min(table.cursor_row + 1, table.row_count - 1))

        self.app.push_screen(
            DecisionForm(self.candidate, competency, f"{comp.number}. {comp.title}", validated),
            decided,
        )

    def action_admissibility(self) -> None:
        snap = self.snapshot
        if snap is None or not isinstance(snap.referential, WeightedReferential):
            return
        self.app.push_screen(
            AdmissibilityForm(self.candidate, snap.referential),
            self.after_form("Recevabilité enregistrée."),
        )

    def action_proof(self) -> None:
        snap = self.snapshot
        if snap is None or not isinstance(snap.referential, WeightedReferential):
            return
        self.app.push_screen(
            ProofForm(self.candidate, snap.referential), self.after_form("Dossier de preuve reçu.")
        )

    def action_new_attempt(self) -> None:
        async def reason_given(reason: str | None) -> None:
            if reason:
                await self.save(
                    lambda s: s.start_attempt(self.candidate, reason, author_of(self.app)),
                    "Nouvelle session ouverte : les compétences validées restent acquises.",
                )

        self.app.push_screen(
            TextPrompt(
                "Nouvelle session de VAE",
                "Motif (ex. nouvelle présentation après formation)",
                detail="Les compétences déjà validées restent acquises sans limitation de durée.",
            ),
            reason_given,
        )

    def action_juries(self) -> None:
        from tui.screens.jury import JuryScreen

        self.app.push_screen(JuryScreen(self.candidate))

    def action_explain(self) -> None:
        snap = self.snapshot
        if snap is not None:
            self.app.push_screen(ExplanationModal("VAE", snap.verdict.explanation, []))

    def action_back(self) -> None:
        self.app.pop_screen()
