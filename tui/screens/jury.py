"""The juries of a Gestionnaire carrière candidate: the local jury's members and proposal, the
national jury's proclamation, and the computed verdict beside the final decision."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header

from models.career import PROCLAMATION_LABELS, PROPOSAL_LABELS
from models.jury import JURY_ROLES
from models.vae import VaeVerdict
from models.weighted import WeightedVerdict, format_mark
from tui.career_text import final_versus_computed, national_line
from tui.keys import HELP
from tui.modals.jury_forms import JuryForm, ProclamationForm, ProposalForm
from tui.screens.candidate import CandidateScreen
from tui.text import Static
from tui.timefmt import day, when
from tui.widgets.footer import KeyFooter


class JuryScreen(CandidateScreen):
    BINDINGS = [
        HELP,
        # Short labels so that « Retour » fits at 80 columns; the help gives the long ones.
        Binding("m", "compose_jury", "Jury local", id="compose", tooltip="Composer le jury local"),
        Binding("p", "propose", "Proposition", id="propose", tooltip="Proposition du jury local"),
        Binding("n", "proclaim", "Proclamation", id="proclaim", tooltip="Proclamation nationale"),
        Binding("escape", "back", "Retour", id="back"),
        Binding("d", "minutes", "PV (PDF)", id="jury-minutes"),
        Binding("l", "national_list", "Liste nationale", id="national-list"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="jury-title", classes="screen-title")
        with VerticalScroll(id="jury-body"):
            yield Static("", id="jury-local")
            yield Static("", id="jury-results")
            yield Static("", id="jury-national")
        yield Static("", id="jury-verdict")
        yield KeyFooter()

    async def on_mount(self) -> None:
        await self.reload()

    async def reload(self) -> None:
        snap = await self.load_view()
        cand, career = snap.state.candidate, snap.state.career
        assert cand is not None
        self.sub_title = cand.name
        session = f" — session {career.attempt}" if career.attempt > 1 else ""
        self.query_one("#jury-title", Static).update(
            f"Jurys — {cand.name} ({cand.organisme}){session}"
        )
        local = Text("Jury local", style="bold")
        if career.jury is None:
            local.append("\n  non composé : « m » pour désigner ses trois membres.", style="dim")
        else:
            local.append(f" (composé le {when(career.jury.ts)})")
            for seat in career.jury.value.members:
                person = self.people.get(seat.person)
                who = f"{person.name} ({person.organisme})" if person else seat.person
                local.append(f"\n  {JURY_ROLES[seat.role]} : {who}")
            for warning in career.jury.value.warnings:
                local.append(f"\n  ⚠ {warning}", style="yellow")
            proposal = career.proposal
            if proposal is None:
                local.append("\n  Proposition : à rendre (« p »).", style="dim")
            else:
                local.append(
                    f"\n  Proposition du {day(proposal.ts)} : "
                    f"{PROPOSAL_LABELS[proposal.value.proposal]}",
                    style="bold",
                )
                if proposal.value.reasons:
                    local.append(f"\n  Motifs : {proposal.value.reasons}")
        self.query_one("#jury-local", Static).update(local)
        self.query_one("#jury-results", Static).update(self._results())
        national = Text(national_line(career))
        for past in career.past:
            national.append(
                f"\nSession {past.number} : {PROCLAMATION_LABELS[past.proclamation.value.decision]}"
                f" le {past.proclamation.value.on.strftime('%d/%m/%Y')} — "
                f"{past.proclamation.value.recommendations}",
                style="dim",
            )
        self.query_one("#jury-national", Static).update(national)
        verdict = snap.verdict
        assert isinstance(verdict, WeightedVerdict | VaeVerdict)
        self.query_one("#jury-verdict", Static).update(final_versus_computed(career, verdict))
        self.loaded.set()

    def _results(self) -> Text:
        """What the local jury studies: every mark, or the VAE decisions."""
        snap = self.snapshot
        assert snap is not None
        verdict = snap.verdict
        text = Text("Résultats étudiés", style="bold")
        if isinstance(verdict, WeightedVerdict):
            ref = snap.referential
            for evaluation in getattr(ref, "evaluations", ()):
                mark = verdict.marks.get(evaluation.id)
                shown = f"{format_mark(mark)}/20" if mark is not None else "non saisie"
                flag = " ⚠ éliminatoire" if evaluation.id in verdict.eliminatory else ""
                text.append(f"\n  {evaluation.title} : {shown}{flag}")
        elif isinstance(verdict, VaeVerdict):
            text.append(
                f"\n  VAE : {len(verdict.acquired)} acquise(s), {len(verdict.validated)} "
                f"validée(s), {len(verdict.refused)} non validée(s), "
                f"{len(verdict.undecided)} à décider."
            )
        return text

    def action_compose_jury(self) -> None:
        snap = self.snapshot
        if snap is None or snap.state.candidate is None:
            return
        jury = snap.state.career.jury
        self.app.push_screen(
            JuryForm(
                self.candidate,
                snap.state.candidate.organisme,
                self.people,
                {s.role: s.person for s in jury.value.members} if jury else None,
            ),
            self.after_form("Jury local enregistré."),
        )

    def action_propose(self) -> None:
        self.app.push_screen(
            ProposalForm(self.candidate),
            self.after_form("Proposition du jury local enregistrée."),
        )

    def action_proclaim(self) -> None:
        snap = self.snapshot
        if snap is None or snap.state.candidate is None:
            return
        self.app.push_screen(
            ProclamationForm(self.candidate, vae=snap.state.candidate.route == "vae"),
            self.after_form("Décision du jury paritaire national enregistrée."),
        )

    async def action_minutes(self) -> None:
        from tui.document_actions import local_jury_document

        await local_jury_document(self, self.candidate)

    async def action_national_list(self) -> None:
        from tui.document_actions import national_list_documents

        await national_list_documents(self, self.candidate)

    def action_back(self) -> None:
        self.app.pop_screen()
