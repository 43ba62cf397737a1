"""What an observation grid's format asks for: its timed phases and its minimums."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from models.referential import (
    Block,
    LongObservationFormat,
    ObservationFormat,
    PresentationFormat,
)
from models.timing import Timer, minutes_text

if TYPE_CHECKING:
    from models.dossier import GridState


@dataclass(frozen=True)
class Phase:
    id: str
    label: str
    minutes: int


def phases(block: Block, situation: str | None) -> tuple[Phase, ...]:
    fmt = block.evaluation.format
    if isinstance(fmt, ObservationFormat):
        chosen = next((s for s in fmt.situations if s.id == situation), fmt.situations[0])
        return (
            Phase("observation", chosen.label, chosen.minutes),
            Phase("questioning", "Questionnement", fmt.questioning_minutes),
        )
    if isinstance(fmt, PresentationFormat):
        return (
            Phase("presentation", "Présentation", fmt.presentation_minutes),
            Phase("exchange", "Échange", fmt.exchange_minutes),
        )
    return (Phase("observation", "Observation", fmt.observation_minutes),)


def shortfalls(block: Block, grid: GridState, now: datetime) -> list[str]:
    """The format's minimums this grid does not meet, in French; empty when all are met."""
    missing = []
    for phase in phases(block, grid.situation):
        run = grid.timers.get(phase.id, Timer()).elapsed(now)
        if run < phase.minutes * 60:
            missing.append(f"{phase.label} : {minutes_text(run)} sur {phase.minutes} min")
    fmt = block.evaluation.format
    if isinstance(fmt, ObservationFormat):
        needed = next((s.min_interviews for s in fmt.situations if s.id == grid.situation), 0)
        if grid.interviews < needed:
            missing.append(f"Entretiens : {grid.interviews} sur {needed} au moins")
        processed = sum(1 for letter in grid.letters.values() if letter.processed)
        if processed < fmt.letters:
            missing.append(f"Courriers/courriels traités : {processed} sur {fmt.letters}")
    elif isinstance(fmt, PresentationFormat):
        covered = sum(1 for c in grid.coverage.values() if c)
        if covered < fmt.min_covered_competencies:
            missing.append(
                f"Compétences abordées : {covered} sur {fmt.min_covered_competencies} au moins"
            )
        if not fmt.documents_allowed and not grid.no_document:
            missing.append("Absence de document remis non confirmée")
    elif isinstance(fmt, LongObservationFormat) and fmt.questionnaire and not grid.questions:
        missing.append("Questionnaire vide")
    return missing
