"""A candidate's current state, derived from their events, and the verdict the rules give it.

Nothing here is stored: the state is a fold over the append-only events, so it can always be
rebuilt, and applying one more event is cheap (the live status after each mark). ``apply``
refuses an event that does not fit the state (a mark on a signed grid, a withdrawal of a
signature that is not there), so an inconsistent history is never shown as a plausible one.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from models.career import CareerState, MarkRecord
from models.conflicts import Conflict, Source
from models.events import (
    AttestationSigned,
    AttestationWithdrawn,
    CandidateAssigned,
    CandidateCreated,
    CandidateDeactivated,
    CandidateEdited,
    ConflictResolved,
    CoverageMarked,
    CriterionAmended,
    CriterionMarked,
    Event,
    EventError,
    GridClosed,
    GridOpened,
    GridSigned,
    InterviewsCounted,
    LetterRecorded,
    LinkDeclared,
    MarkEntered,
    NoDocumentNoted,
    QuestionRecorded,
    TimerPaused,
    TimerStarted,
    payload_of,
)
from models.finality import settle
from models.people import Change, FieldChange, diff
from models.referential import ThresholdReferential, WeightedReferential
from models.threshold import CqpVerdict, CriterionState, evaluate_cqp
from models.timing import Timer, parse_ts
from models.vae import VaeVerdict, evaluate_vae
from models.weighted import WeightedVerdict, evaluate_weighted

Verdict = CqpVerdict | WeightedVerdict | VaeVerdict


@dataclass(frozen=True)
class Signature:
    person: str
    ts: str
    situation: str = ""


@dataclass(frozen=True)
class Amendment:
    criterion: str
    state: CriterionState
    before: CriterionState
    reason: str
    author: str
    ts: str


@dataclass
class GridState:
    id: str
    block: str
    situation: str | None
    opened_seq: int
    evaluator: str = ""
    certifier: str = ""
    opened_ts: str = ""
    states: dict[str, CriterionState] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    timers: dict[str, Timer] = field(default_factory=dict)
    interviews: int = 0
    letters: dict[int, LetterRecorded] = field(default_factory=dict)
    coverage: dict[str, bool] = field(default_factory=dict)
    no_document: bool = False
    questions: dict[int, QuestionRecorded] = field(default_factory=dict)
    closed: GridClosed | None = None
    closed_ts: str = ""
    signatures: dict[str, Signature] = field(default_factory=dict)
    amendments: list[Amendment] = field(default_factory=list)

    @property
    def signed(self) -> bool:
        return {"representant_metier", "certificateur"} <= self.signatures.keys()

    def attested_states(self) -> dict[str, str]:
        """What a signature of this grid attests: each marked criterion's state."""
        return {criterion: state.value for criterion, state in sorted(self.states.items())}

    @property
    def phase_label(self) -> str:
        if self.signed:
            return "signée"
        if self.closed is not None:
            return "close, à signer"
        return "en cours"

    def copy(self) -> GridState:
        return replace(
            self,
            states=dict(self.states),
            comments=dict(self.comments),
            timers=dict(self.timers),
            letters=dict(self.letters),
            coverage=dict(self.coverage),
            questions=dict(self.questions),
            signatures=dict(self.signatures),
            amendments=list(self.amendments),
        )


@dataclass(frozen=True)
class LogbookEntry:
    """One line of the logbook's history: a signature or its withdrawal."""

    competency: str
    role: str
    person: str
    ts: str
    action: str  # "signed" or "withdrawn"
    text: str  # the work situation, or the reason for withdrawing


@dataclass
class DossierState:
    candidate: CandidateCreated | None = None
    links: list[LinkDeclared] = field(default_factory=list)
    grids: dict[str, GridState] = field(default_factory=dict)
    # The grid that decides each block: the most recently opened one.
    current_grid: dict[str, str] = field(default_factory=dict)
    # competency -> role -> signature in force
    attestations: dict[str, dict[str, Signature]] = field(default_factory=dict)
    logbook_history: list[LogbookEntry] = field(default_factory=list)
    career: CareerState = field(default_factory=CareerState)
    # The event behind each value two stations could set, and the conflicts between them.
    sources: dict[str, Source] = field(default_factory=dict)
    conflicts: dict[str, Conflict] = field(default_factory=dict)
    # station -> the evaluators who take the candidate there (the secretariat's assignments)
    assignments: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Each edit and the deactivation, in order (who, when, before → after, why).
    candidate_history: list[Change] = field(default_factory=list)
    # Tutors and managers replaced by an edit: no longer sign, still linked to the candidate.
    former: list[tuple[str, str]] = field(default_factory=list)
    deactivated: Change | None = None
    events: int = 0
    unknown_events: int = 0
    last_seq: int = 0
    last_ts: str = ""

    def related(self, person: str, *, former: bool = True) -> list[str]:
        """The relations declared between ``person`` and the candidate. A tutor or manager
        replaced by an edit stays related (``former``): they took part in the training, so
        they are still no independent evaluator; but they no longer sign (``former=False``)."""
        found: list[str] = [link.relation for link in self.links if link.person == person]
        if self.candidate is not None:
            if self.candidate.tutor == person:
                found.append("tuteur")
            if self.candidate.manager == person:
                found.append("manager")
        if former:
            found.extend(role for role, who in self.former if who == person)
        return sorted(set(found))

    def attested(self, competency: str) -> bool:
        return {"tuteur", "manager"} <= self.attestations.get(competency, {}).keys()

    @property
    def open_conflicts(self) -> list[Conflict]:
        return [c for c in self.conflicts.values() if c.open]

    def apply_received(self, event: Event) -> None:
        """Applies an event recorded elsewhere (a merged dossier): one that no longer fits the
        history is kept aside as a conflict for the secretariat, never dropped in silence."""
        trial_events = self.events
        try:
            self.apply(event)
        except EventError as exc:
            self.events = trial_events + 1
            key = f"event:{event.id}"
            source = Source(event.id, event.station, event.author, event.ts, (), None)
            self.conflicts[key] = Conflict(key, [source], incompatible=str(exc))

    def _claim(self, event: Event, key: str, value: tuple[object, ...], payload: object) -> bool:
        """Whether ``event`` may set ``key``; if not, the clash is recorded as a conflict."""
        replaces = getattr(payload, "replaces", None)
        source = Source(event.id, event.station, event.author, event.ts, value, payload)
        current = self.sources.get(key)
        if (
            current is None
            or current.station == event.station
            or replaces == current.event
            or current.value == value
        ):
            self.sources[key] = source
            return True
        conflict = self.conflicts.get(key)
        if conflict is None or not conflict.open:
            conflict = self.conflicts[key] = Conflict(key, [current])
        conflict.sources.append(source)
        return False

    def _resolve(self, event: Event, payload: ConflictResolved, where: str) -> None:
        conflict = self.conflicts.get(payload.key)
        if conflict is None or not conflict.open:
            raise EventError(f"{where} : aucun conflit ouvert sur {payload.key}")
        chosen = next((s for s in conflict.sources if s.event == payload.chosen), None)
        if chosen is None:
            raise EventError(f"{where} : la valeur choisie ne fait pas partie du conflit")
        if chosen.payload is not None:
            self._set(chosen)
            self.sources[payload.key] = chosen
        conflict.chosen = chosen.event
        conflict.reason = payload.reason
        conflict.resolved_by = event.author
        conflict.resolved_ts = event.ts

    def _set(self, source: Source) -> None:
        """Makes a chosen value the one in force."""
        payload = source.payload
        if isinstance(payload, CriterionMarked):
            grid = self.grids[payload.grid]
            grid.states[payload.criterion] = payload.state
            grid.comments[payload.criterion] = payload.comment
        elif isinstance(payload, MarkEntered):
            record = MarkRecord(payload.evaluation, Decimal(payload.mark), payload.by, source.ts)
            self.career.marks[payload.evaluation] = record.mark
            self.career.mark_records[payload.evaluation] = record
            self.career.mark_history.append(record)
        elif isinstance(payload, AttestationSigned):
            signed = self.attestations.setdefault(payload.competency, {})
            signed[payload.role] = Signature(payload.person, source.ts, payload.situation)

    def apply(self, event: Event) -> None:
        payload = payload_of(event)
        self.events += 1
        self.last_seq = max(self.last_seq, event.seq)
        self.last_ts = max(self.last_ts, event.ts)
        where = f"événement n° {event.seq}"
        # The payload classes are distinct (no one derives from another): the most frequent
        # event, a mark, is matched first.
        match payload:
            case CriterionMarked():
                grid = self._open_grid(payload.grid, where)
                self._check_criterion(grid, payload.criterion, where)
                key = f"criterion:{payload.grid}:{payload.criterion}"
                if not self._claim(event, key, (payload.state, payload.comment), payload):
                    return
                grid.states[payload.criterion] = payload.state
                grid.comments[payload.criterion] = payload.comment
            case None:
                self.unknown_events += 1
            case CandidateCreated():
                if self.candidate is not None:
                    raise EventError(f"{where} : candidat déjà créé")
                self.candidate = payload
            case CandidateEdited():
                self._edit(event, payload, where)
            case CandidateDeactivated():
                if self.candidate is None:
                    raise EventError(f"{where} : aucun candidat à désactiver")
                if self.deactivated is not None:
                    raise EventError(f"{where} : candidat déjà désactivé")
                self.deactivated = Change(
                    event.ts,
                    event.author,
                    "deactivated",
                    (FieldChange("active", "actif", "désactivé"),),
                    payload.reason,
                    event=event.id,
                )
                self.candidate_history.append(self.deactivated)
            case LinkDeclared():
                self.links.append(payload)
            case AttestationSigned():
                key = f"attestation:{payload.competency}:{payload.role}"
                if not self._claim(event, key, (payload.person,), payload):
                    return
                signed = self.attestations.setdefault(payload.competency, {})
                if payload.role in signed:
                    raise EventError(f"{where} : attestation déjà signée par le {payload.role}")
                other = "manager" if payload.role == "tuteur" else "tuteur"
                if other in signed and signed[other].person == payload.person:
                    raise EventError(f"{where} : une même personne ne signe pas les deux rôles")
                signed[payload.role] = Signature(payload.person, event.ts, payload.situation)
                self._log(payload, event.ts, "signed", payload.situation)
            case AttestationWithdrawn():
                signed = self.attestations.get(payload.competency, {})
                current = signed.get(payload.role)
                if current is None or current.person != payload.person:
                    raise EventError(f"{where} : seule sa propre signature peut être retirée")
                del signed[payload.role]
                self.sources.pop(f"attestation:{payload.competency}:{payload.role}", None)
                self._log(payload, event.ts, "withdrawn", payload.reason)
            case GridOpened():
                if payload.grid in self.grids:
                    raise EventError(f"{where} : grille {payload.grid} déjà ouverte")
                self.grids[payload.grid] = GridState(
                    payload.grid,
                    payload.block,
                    payload.situation,
                    event.seq,
                    evaluator=payload.evaluator,
                    certifier=payload.certifier,
                    opened_ts=event.ts,
                )
                self.current_grid[payload.block] = payload.grid
            case TimerStarted() | TimerPaused():
                grid = self._open_grid(payload.grid, where)
                timer = grid.timers.get(payload.phase, Timer())
                at = parse_ts(event.ts)
                started = isinstance(payload, TimerStarted)
                if started:
                    # One clock at a time: starting a phase pauses the others.
                    for name, running in grid.timers.items():
                        grid.timers[name] = running.pause(at)
                grid.timers[payload.phase] = timer.start(at) if started else timer.pause(at)
            case InterviewsCounted():
                self._open_grid(payload.grid, where).interviews = payload.count
            case LetterRecorded():
                self._open_grid(payload.grid, where).letters[payload.index] = payload
            case CoverageMarked():
                grid = self._open_grid(payload.grid, where)
                if not payload.competency.startswith(grid.block + "."):
                    raise EventError(f"{where} : compétence hors du bloc {grid.block}")
                grid.coverage[payload.competency] = payload.covered
            case NoDocumentNoted():
                self._open_grid(payload.grid, where).no_document = payload.confirmed
            case QuestionRecorded():
                self._open_grid(payload.grid, where).questions[payload.index] = payload
            case GridClosed():
                grid = self._open_grid(payload.grid, where)
                if payload.shortfalls and not payload.reason:
                    raise EventError(
                        f"{where} : clôture sans motif malgré des minimums non atteints"
                    )
                at = parse_ts(event.ts)
                grid.timers = {name: t.pause(at) for name, t in grid.timers.items()}
                grid.closed = payload
                grid.closed_ts = event.ts
            case GridSigned():
                grid = self._grid(payload.grid, where)
                if grid.closed is None:
                    raise EventError(f"{where} : la grille doit être close avant d'être signée")
                if payload.role in grid.signatures:
                    raise EventError(f"{where} : grille déjà signée à ce titre")
                expected = (
                    grid.evaluator if payload.role == "representant_metier" else grid.certifier
                )
                if payload.person != expected:
                    raise EventError(f"{where} : seul l'évaluateur désigné signe à ce titre")
                if payload.attests is not None and payload.attests != grid.attested_states():
                    raise EventError(
                        f"{where} : la signature porte sur un autre contenu que celui de la grille"
                    )
                grid.signatures[payload.role] = Signature(payload.person, event.ts)
            case CriterionAmended():
                grid = self._grid(payload.grid, where)
                if not grid.signed:
                    raise EventError(f"{where} : seule une grille signée se corrige par avenant")
                self._check_criterion(grid, payload.criterion, where)
                before = grid.states.get(payload.criterion, CriterionState.NOT_EVALUATED)
                grid.states[payload.criterion] = payload.state
                grid.comments[payload.criterion] = payload.comment
                grid.amendments.append(
                    Amendment(
                        payload.criterion,
                        payload.state,
                        before,
                        payload.reason,
                        event.author,
                        event.ts,
                    )
                )
            case ConflictResolved():
                self._resolve(event, payload, where)
            case CandidateAssigned():
                self.assignments[payload.station] = payload.evaluators
            case MarkEntered() if not self._claim(
                event, f"mark:{payload.evaluation}", (Decimal(payload.mark),), payload
            ):
                return
            case _:
                if not self.career.apply(event, payload, self.candidate):
                    # Registry payloads never belong in a candidate's dossier.
                    raise EventError(f"{where} : {event.type} hors de sa place")

    def _edit(self, event: Event, payload: CandidateEdited, where: str) -> None:
        """The candidate as the edit leaves them; the creation event stays as it was."""
        current = self.candidate
        if current is None:
            raise EventError(f"{where} : aucun candidat à modifier")
        if self.deactivated is not None:
            raise EventError(f"{where} : le candidat est désactivé")
        updated = current.model_copy(
            update={
                "name": payload.name,
                "started": payload.started,
                "tutor": payload.tutor,
                "manager": payload.manager,
            }
        )
        replaced = [
            (role, old)
            for role, old, new in (
                ("tuteur", current.tutor, updated.tutor),
                ("manager", current.manager, updated.manager),
            )
            if old != new
        ]
        if replaced and (payload.effective is None or len(payload.reason.strip()) < 3):
            raise EventError(f"{where} : un changement de tuteur ou de manager est daté et motivé")
        self.former.extend((role, old) for role, old in replaced if old is not None)
        self.candidate = updated
        self.candidate_history.append(
            Change(
                event.ts,
                event.author,
                "edited",
                diff(_candidate_fields(current), _candidate_fields(updated)),
                payload.reason,
                payload.effective.isoformat() if payload.effective else "",
                event.id,
            )
        )

    def _log(
        self, payload: AttestationSigned | AttestationWithdrawn, ts: str, action: str, text: str
    ) -> None:
        self.logbook_history.append(
            LogbookEntry(payload.competency, payload.role, payload.person, ts, action, text)
        )

    def _grid(self, grid_id: str, where: str) -> GridState:
        grid = self.grids.get(grid_id)
        if grid is None:
            raise EventError(f"{where} : grille inconnue {grid_id}")
        return grid

    def _open_grid(self, grid_id: str, where: str) -> GridState:
        grid = self._grid(grid_id, where)
        if grid.closed is not None:
            raise EventError(f"{where} : la grille est close ; une correction passe par un avenant")
        return grid

    @staticmethod
    def _check_criterion(grid: GridState, criterion: str, where: str) -> None:
        if not criterion.startswith(grid.block + "."):
            raise EventError(
                f"{where} : le critère {criterion} n'appartient pas au bloc {grid.block}"
            )

    def copy(self) -> DossierState:
        """A copy that ``apply`` can change without touching this one (cheaper than deepcopy)."""
        return replace(
            self,
            links=list(self.links),
            grids={gid: g.copy() for gid, g in self.grids.items()},
            current_grid=dict(self.current_grid),
            attestations={c: dict(s) for c, s in self.attestations.items()},
            logbook_history=list(self.logbook_history),
            career=self.career.copy(),
            sources=dict(self.sources),
            conflicts={k: c.copy() for k, c in self.conflicts.items()},
            assignments=dict(self.assignments),
            candidate_history=list(self.candidate_history),
            former=list(self.former),
        )

    def signed_blocks(self) -> set[str]:
        """The blocks whose deciding grid both evaluators signed: their verdict is final."""
        return {block for block, grid in self.current_grid.items() if self.grids[grid].signed}

    def states_by_block(self) -> dict[str, dict[str, CriterionState]]:
        return {block: self.grids[grid].states for block, grid in self.current_grid.items()}


def _candidate_fields(candidate: CandidateCreated) -> dict[str, str]:
    return {
        "name": candidate.name,
        "started": candidate.started.isoformat() if candidate.started else "",
        "tutor": candidate.tutor or "",
        "manager": candidate.manager or "",
    }


def verdict(state: DossierState, ref: ThresholdReferential | WeightedReferential) -> Verdict:
    if isinstance(ref, ThresholdReferential):
        live = evaluate_cqp(ref, state.states_by_block())
        return settle(live, state.signed_blocks(), state.current_grid.keys())
    career = state.career
    if state.candidate is not None and state.candidate.route == "vae":
        admissible = career.admissibility.value.admissible if career.admissibility else None
        decisions = {c: d.validated for c, d in career.decisions.items()}
        return evaluate_vae(ref, admissible, career.acquired, decisions)
    return evaluate_weighted(ref, career.marks, career.pass_followed)
