"""A candidate's current state, derived from their events, and the verdict the rules give it.

Nothing here is stored: the state is a fold over the append-only events, so it can always be
rebuilt, and applying one more event is cheap (the live status after each mark).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from models.events import (
    CandidateCreated,
    CriterionMarked,
    Event,
    EventError,
    GridOpened,
    MarkEntered,
    PassRecorded,
    payload_of,
)
from models.referential import ThresholdReferential, WeightedReferential
from models.threshold import CqpVerdict, CriterionState, evaluate_cqp
from models.weighted import WeightedVerdict, check_mark, evaluate_weighted


@dataclass
class GridState:
    id: str
    block: str
    situation: str | None
    opened_seq: int
    states: dict[str, CriterionState] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)


@dataclass
class DossierState:
    candidate: CandidateCreated | None = None
    grids: dict[str, GridState] = field(default_factory=dict)
    # The grid that decides each block: the most recently opened one.
    current_grid: dict[str, str] = field(default_factory=dict)
    marks: dict[str, Decimal] = field(default_factory=dict)
    pass_followed: bool | None = None
    events: int = 0
    unknown_events: int = 0
    last_seq: int = 0
    last_ts: str = ""

    def apply(self, event: Event) -> None:
        payload = payload_of(event)
        self.events += 1
        self.last_seq = max(self.last_seq, event.seq)
        self.last_ts = max(self.last_ts, event.ts)
        match payload:
            case None:
                self.unknown_events += 1
            case CandidateCreated():
                if self.candidate is not None:
                    raise EventError(f"événement n° {event.seq} : candidat déjà créé")
                self.candidate = payload
            case GridOpened():
                if payload.grid in self.grids:
                    raise EventError(
                        f"événement n° {event.seq} : grille {payload.grid} déjà ouverte"
                    )
                self.grids[payload.grid] = GridState(
                    payload.grid, payload.block, payload.situation, event.seq
                )
                self.current_grid[payload.block] = payload.grid
            case CriterionMarked():
                grid = self.grids.get(payload.grid)
                if grid is None:
                    raise EventError(f"événement n° {event.seq} : grille inconnue {payload.grid}")
                if not payload.criterion.startswith(grid.block + "."):
                    raise EventError(
                        f"événement n° {event.seq} : le critère {payload.criterion} "
                        f"n'appartient pas au bloc {grid.block}"
                    )
                grid.states[payload.criterion] = payload.state
                grid.comments[payload.criterion] = payload.comment
            case MarkEntered():
                self.marks[payload.evaluation] = check_mark(Decimal(payload.mark))
            case PassRecorded():
                self.pass_followed = payload.followed
            case _:
                # Registry payloads never belong in a candidate's dossier.
                raise EventError(f"événement n° {event.seq} : {event.type} hors de sa place")

    def copy(self) -> DossierState:
        """A copy that ``apply`` can change without touching this one (cheaper than deepcopy)."""
        grids = {
            gid: GridState(
                g.id, g.block, g.situation, g.opened_seq, dict(g.states), dict(g.comments)
            )
            for gid, g in self.grids.items()
        }
        return replace(
            self, grids=grids, current_grid=dict(self.current_grid), marks=dict(self.marks)
        )

    def states_by_block(self) -> dict[str, dict[str, CriterionState]]:
        return {block: self.grids[grid].states for block, grid in self.current_grid.items()}


def fold(events: list[Event]) -> DossierState:
    state = DossierState()
    for event in events:
        state.apply(event)
    return state


def verdict(
    state: DossierState, ref: ThresholdReferential | WeightedReferential
) -> CqpVerdict | WeightedVerdict:
    if isinstance(ref, ThresholdReferential):
        return evaluate_cqp(ref, state.states_by_block())
    return evaluate_weighted(ref, state.marks, state.pass_followed)
