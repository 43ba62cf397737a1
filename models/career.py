"""A Gestionnaire carrière candidate's state: marks with who entered them, Pass, the juries and
the VAE request, folded from their events like the rest of the dossier.

``apply`` refuses what the process forbids (a mark after the national jury's proclamation, a
proclamation with no local proposal, a VAE decision on a competency already acquired), so a
history that breaks the order of the certification is never shown as a plausible one.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Generic, TypeVar

from models.events import (
    AttemptStarted,
    CandidateCreated,
    Event,
    EventError,
    JuryComposed,
    JuryProclaimed,
    JuryProposed,
    MarkEntered,
    PassRecorded,
    VaeAdmissibility,
    VaeCompetencyDecided,
    VaeProofReceived,
)
from models.weighted import MarkError, check_mark

TRAINING_DECISIONS = frozenset({"certifie", "non_certifie"})
VAE_DECISIONS = frozenset({"validation_totale", "validation_partielle", "aucune_validation"})
PROCLAMATION_LABELS = {
    "certifie": "certifié",
    "non_certifie": "non certifié",
    "validation_totale": "validation totale",
    "validation_partielle": "validation partielle",
    "aucune_validation": "aucune validation",
}
PROPOSAL_LABELS = {
    "certification": "propose la certification",
    "non_certification": "avis argumenté de non-certification",
}


@dataclass(frozen=True, slots=True)
class MarkRecord:
    evaluation: str
    mark: Decimal
    by: str | None
    ts: str


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Stamped(Generic[T]):
    """A decision with the moment it was recorded."""

    value: T
    ts: str


@dataclass(frozen=True, slots=True)
class PastAttempt:
    number: int
    proclamation: Stamped[JuryProclaimed]
    validated: tuple[str, ...]
    reason_for_next: str
    # What that session decided, kept for the dossier de certification of the later sessions.
    jury: Stamped[JuryComposed] | None = None
    proposal: Stamped[JuryProposed] | None = None
    proof: Stamped[VaeProofReceived] | None = None
    decisions: tuple[VaeCompetencyDecided, ...] = ()


@dataclass
class CareerState:
    marks: dict[str, Decimal] = field(default_factory=dict)
    mark_records: dict[str, MarkRecord] = field(default_factory=dict)
    mark_history: list[MarkRecord] = field(default_factory=list)
    pass_followed: bool | None = None
    pass_ts: str = ""
    jury: Stamped[JuryComposed] | None = None
    proposal: Stamped[JuryProposed] | None = None
    proclamation: Stamped[JuryProclaimed] | None = None
    admissibility: Stamped[VaeAdmissibility] | None = None
    proof: Stamped[VaeProofReceived] | None = None
    decisions: dict[str, VaeCompetencyDecided] = field(default_factory=dict)
    acquired: list[str] = field(default_factory=list)
    attempt: int = 1
    past: list[PastAttempt] = field(default_factory=list)

    def copy(self) -> CareerState:
        return replace(
            self,
            marks=dict(self.marks),
            mark_records=dict(self.mark_records),
            mark_history=list(self.mark_history),
            decisions=dict(self.decisions),
            acquired=list(self.acquired),
            past=list(self.past),
        )

    def jury_members(self) -> set[str]:
        return {seat.person for seat in self.jury.value.members} if self.jury else set()

    def apply(self, event: Event, payload: object, candidate: CandidateCreated | None) -> bool:
        """Applies a carrière payload; False when the payload is not one of them."""
        where = f"événement n° {event.seq}"
        vae = candidate is not None and candidate.route == "vae"
        match payload:
            case MarkEntered():
                self._not_proclaimed(where)
                if vae:
                    raise EventError(f"{where} : la voie VAE ne passe pas par les épreuves notées")
                self.record_mark(payload, event.ts)
            case PassRecorded():
                self._not_proclaimed(where)
                self.pass_followed = payload.followed
                self.pass_ts = event.ts
            case JuryComposed():
                if self.proposal is not None:
                    raise EventError(f"{where} : le jury local a déjà rendu sa proposition")
                self.jury = Stamped(payload, event.ts)
            case JuryProposed():
                if self.jury is None:
                    raise EventError(f"{where} : proposition sans jury local composé")
                if self.proposal is not None:
                    raise EventError(f"{where} : le jury local a déjà rendu sa proposition")
                if vae and self.proof is None:
                    raise EventError(f"{where} : le dossier de preuve n'a pas été reçu")
                self.proposal = Stamped(payload, event.ts)
            case JuryProclaimed():
                if self.proposal is None:
                    raise EventError(f"{where} : le jury national statue sur l'avis du jury local")
                self._not_proclaimed(where)
                allowed = VAE_DECISIONS if vae else TRAINING_DECISIONS
                if payload.decision not in allowed:
                    raise EventError(f"{where} : décision {payload.decision} hors de cette voie")
                self.proclamation = Stamped(payload, event.ts)
            case VaeAdmissibility():
                self._vae_only(vae, where)
                if self.admissibility is not None:
                    raise EventError(f"{where} : la recevabilité est déjà prononcée")
                self.admissibility = Stamped(payload, event.ts)
            case VaeProofReceived():
                self._vae_only(vae, where)
                if self.admissibility is None or not self.admissibility.value.admissible:
                    raise EventError(f"{where} : dossier de preuve d'une demande non recevable")
                if self.proof is not None:
                    raise EventError(f"{where} : dossier de preuve déjà reçu pour cette session")
                self.proof = Stamped(payload, event.ts)
            case VaeCompetencyDecided():
                self._vae_only(vae, where)
                if self.proof is None:
                    raise EventError(f"{where} : décision avant la réception du dossier de preuve")
                if self.proposal is not None:
                    raise EventError(f"{where} : le jury local a déjà rendu sa proposition")
                if payload.competency in self.acquired:
                    raise EventError(f"{where} : compétence déjà acquise, sans limite de durée")
                self.decisions[payload.competency] = payload
            case AttemptStarted():
                self._vae_only(vae, where)
                self._next_attempt(payload, where)
            case _:
                return False
        return True

    def record_mark(self, payload: MarkEntered, ts: str) -> None:
        """The mark in force for its evaluation, and one more line of its history."""
        try:
            mark = check_mark(Decimal(payload.mark))
        except MarkError as exc:
            # Recorded elsewhere, as an event: set aside like any event that does not fit.
            raise EventError(f"{payload.evaluation} : {exc}") from exc
        record = MarkRecord(payload.evaluation, mark, payload.by, ts)
        self.marks[payload.evaluation] = record.mark
        self.mark_records[payload.evaluation] = record
        self.mark_history.append(record)

    def validated_now(self) -> tuple[str, ...]:
        return tuple(c for c, d in self.decisions.items() if d.validated)

    def _next_attempt(self, payload: AttemptStarted, where: str) -> None:
        done = self.proclamation
        if done is None or done.value.decision == "validation_totale":
            raise EventError(
                f"{where} : une nouvelle session suit une validation partielle ou refusée"
            )
        validated = self.validated_now() if done.value.decision == "validation_partielle" else ()
        self.past.append(
            PastAttempt(
                self.attempt,
                done,
                validated,
                payload.reason,
                self.jury,
                self.proposal,
                self.proof,
                tuple(self.decisions.values()),
            )
        )
        self.acquired.extend(c for c in validated if c not in self.acquired)
        self.attempt += 1
        self.jury = self.proposal = self.proclamation = self.proof = None
        self.decisions = {}

    def _not_proclaimed(self, where: str) -> None:
        if self.proclamation is not None:
            raise EventError(f"{where} : le jury national a déjà proclamé sa décision")

    @staticmethod
    def _vae_only(vae: bool, where: str) -> None:
        if not vae:
            raise EventError(f"{where} : réservé à la voie VAE")
