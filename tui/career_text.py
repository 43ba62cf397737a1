"""How the Gestionnaire carrière juries and VAE decisions read on screen, shared by the
dossier, jury and VAE screens."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text

from models.career import PROCLAMATION_LABELS, PROPOSAL_LABELS, CareerState
from models.referential import WeightedReferential
from models.status import Status
from models.vae import OUTCOME_LABELS, VaeVerdict
from models.weighted import WeightedVerdict
from tui.labels import status_cell

SUCCESS = frozenset({"certifie", "validation_totale"})


def jury_summary(career: CareerState, name: Callable[[str | None], str]) -> list[str]:
    lines = []
    if career.jury is None:
        lines.append("Jury local : non composé (« j »).")
    else:
        members = ", ".join(name(seat.person) for seat in career.jury.value.members)
        proposal = career.proposal
        said = (
            "proposition à venir"
            if proposal is None
            else PROPOSAL_LABELS[proposal.value.proposal]
            + (f" : {proposal.value.reasons}" if proposal.value.reasons else "")
        )
        lines.append(f"Jury local : {members} — {said.rstrip('.')}.")
    lines.append(national_line(career))
    return lines


def national_line(career: CareerState) -> str:
    done = career.proclamation
    if done is None:
        return "Jury paritaire national : décision à proclamer."
    text = (
        f"Jury paritaire national : {PROCLAMATION_LABELS[done.value.decision]}, "
        f"proclamé le {done.value.on.strftime('%d/%m/%Y')} (décision finale)"
    )
    if done.value.recommendations:
        text += f" — préconisations : {done.value.recommendations.rstrip('.')}"
    return text + "."


def final_versus_computed(career: CareerState, verdict: WeightedVerdict | VaeVerdict) -> Text:
    """Both decisions side by side; the national jury's stands when they differ."""
    text = Text("Verdict calculé : ")
    text.append_text(status_cell(verdict.status))
    if isinstance(verdict, VaeVerdict):
        if verdict.outcome != "en_cours":
            text.append(f" ({OUTCOME_LABELS[verdict.outcome]})")
    elif verdict.average_text is not None:
        text.append(f" (moyenne {verdict.average_text.replace('.', ',')}/20)")
    done = career.proclamation
    if done is None:
        text.append(" · décision du jury national : à venir", style="dim")
        return text
    decision = done.value.decision
    text.append(" · décision finale : ")
    text.append(
        PROCLAMATION_LABELS[decision], style="bold green" if decision in SUCCESS else "bold red"
    )
    agrees = (decision in SUCCESS) == (verdict.status is Status.VALIDATED)
    if not agrees:
        text.append(" (le jury national est souverain : sa décision s'impose)", style="italic")
    return text


def vae_cells(
    ref: WeightedReferential, career: CareerState, verdict: VaeVerdict
) -> list[tuple[str, Text]]:
    acquired_at = {c: past.number for past in career.past for c in past.validated}
    cells = []
    for line in ref.certification:
        competency = line.competency
        if competency in verdict.acquired:
            cell = Text(f"✔ acquise (s. {acquired_at.get(competency, 1)})", style="green")
        elif competency in verdict.validated:
            cell = Text("✔ validée", style="bold green")
        elif competency in verdict.refused:
            cell = Text("✘ non validée", style="bold red")
        else:
            cell = Text("… à décider", style="yellow")
        cells.append((competency, cell))
    return cells
