"""The 80 % rule of the Gestionnaire conseil, exact and explained, with a live projection.

A competency is validated iff ``5 × validated ≥ 4 × criteria`` (numerator/denominator come from
the referential); a block iff the same holds for its validated competencies; the CQP when every
block is. While an evaluation is under way, what is not yet evaluated may still turn either way:
``failed`` means the threshold can no longer be reached with what is left, ``pending`` that it can.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from models.referential import Block, Competency, ThresholdReferential, ThresholdRules
from models.verdict import Explanation, Status


class CriterionState(StrEnum):
    VALIDATED = "validated"
    NOT_VALIDATED = "not_validated"
    NOT_EVALUATED = "not_evaluated"

    @property
    def label(self) -> str:
        return {
            CriterionState.VALIDATED: "validé",
            CriterionState.NOT_VALIDATED: "non validé",
            CriterionState.NOT_EVALUATED: "non évalué",
        }[self]


@dataclass(frozen=True, slots=True)
class Count:
    """Where a competency or a block stands against its threshold."""

    validated: int
    failed: int
    open: int  # not evaluated yet (criteria) or still pending (competencies)
    total: int
    required: int  # the smallest number of validated items that meets the threshold

    @property
    def still_needed(self) -> int:
        return max(0, self.required - self.validated)

    @property
    def status(self) -> Status:
        if self.validated >= self.required:
            return Status.VALIDATED
        if self.validated + self.open < self.required:
            return Status.FAILED
        return Status.PENDING


@dataclass(frozen=True, slots=True)
class CompetencyVerdict:
    id: str
    count: Count
    status: Status
    explanation: Explanation


@dataclass(frozen=True, slots=True)
class BlockVerdict:
    id: str
    count: Count
    status: Status
    competencies: tuple[CompetencyVerdict, ...]
    explanation: Explanation
    # Final once the block's grid is signed by both evaluators (see models.finality).
    final: bool = False
    projection: Status | None = None  # what an unsigned grid gives if signed as it stands


@dataclass(frozen=True, slots=True)
class CqpVerdict:
    status: Status
    blocks: tuple[BlockVerdict, ...]
    explanation: Explanation
    # While not final: what the open grids would give if signed as they stand.
    projection: Status | None = None


def required(total: int, rules: ThresholdRules) -> int:
    """The least k with k × denominator ≥ numerator × total, in integers."""
    return -(-rules.numerator * total // rules.denominator)


def _percent(rules: ThresholdRules) -> str:
    return f"{rules.numerator * 100 // rules.denominator} %"


def evaluate_competency(
    comp: Competency, states: Mapping[str, CriterionState], rules: ThresholdRules
) -> CompetencyVerdict:
    # Every mark recomputes the whole CQP: a competency whose criteria did not change gives
    # back the verdict it gave (frozen, so sharing it is safe).
    ids = tuple(crit.id for crit in comp.criteria)
    mine = tuple(states.get(crit, CriterionState.NOT_EVALUATED) for crit in ids)
    # Keyed by what the verdict is made of (hashing the pydantic models would cost more).
    key = (comp.id, ids, mine, rules.numerator, rules.denominator)
    found = _COMPETENCY_VERDICTS.get(key)
    if found is None:
        if len(_COMPETENCY_VERDICTS) >= _CACHED:
            _COMPETENCY_VERDICTS.clear()
        found = _COMPETENCY_VERDICTS[key] = _competency_verdict(comp, mine, rules)
    return found


_CACHED = 8192
_COMPETENCY_VERDICTS: dict[tuple[object, ...], CompetencyVerdict] = {}


def _competency_verdict(
    comp: Competency, mine: tuple[CriterionState, ...], rules: ThresholdRules
) -> CompetencyVerdict:
    validated: list[str] = []
    failed: list[str] = []
    for crit, state in zip(comp.criteria, mine, strict=True):
        if state is CriterionState.VALIDATED:
            validated.append(crit.id)
        elif state is CriterionState.NOT_VALIDATED:
            failed.append(crit.id)
    total = len(comp.criteria)
    count = Count(
        validated=len(validated),
        failed=len(failed),
        open=total - len(validated) - len(failed),
        total=total,
        required=required(total, rules),
    )
    status = count.status
    facts = [f"{count.validated} critère(s) validé(s) sur {total}, il en faut {count.required}."]
    if status is Status.PENDING:
        facts.append(f"Encore {count.still_needed} à valider parmi {count.open} non évalué(s).")
    elif status is Status.FAILED:
        facts.append(
            f"{count.failed} critère(s) non validé(s) : le seuil ne peut plus être atteint."
        )
    decided = validated if status is Status.VALIDATED else failed
    return CompetencyVerdict(
        id=comp.id,
        count=count,
        status=status,
        explanation=Explanation(
            rule=f"Compétence validée si au moins {_percent(rules)} de ses critères le sont "
            f"({rules.denominator} × validés ≥ {rules.numerator} × critères).",
            facts=tuple(facts),
            decided_by=tuple(decided),
        ),
    )


def block_facts(count: Count) -> tuple[str, ...]:
    """What a block's count says, in words (live, and once its grid is signed)."""
    facts = [
        f"{count.validated} compétence(s) acquise(s) sur {count.total}, il en faut {count.required}."
    ]
    if count.status is Status.PENDING:
        facts.append(f"Encore {count.still_needed} à acquérir parmi {count.open} en cours.")
    elif count.status is Status.FAILED:
        facts.append(
            f"{count.failed} compétence(s) non validée(s) : le seuil ne peut plus être atteint."
        )
    return tuple(facts)


def evaluate_block(
    block: Block, states: Mapping[str, CriterionState], rules: ThresholdRules
) -> BlockVerdict:
    verdicts = tuple(evaluate_competency(c, states, rules) for c in block.competencies)
    # The same competency verdicts (shared by the cache above) give the same block verdict.
    # Their identities are a safe key: the cached block verdict keeps them alive.
    key = (block.id, tuple(map(id, verdicts)), rules.numerator, rules.denominator)
    found = _BLOCK_VERDICTS.get(key)
    if found is None:
        if len(_BLOCK_VERDICTS) >= _CACHED:
            _BLOCK_VERDICTS.clear()
        found = _BLOCK_VERDICTS[key] = _block_verdict(block, verdicts, rules)
    return found


_BLOCK_VERDICTS: dict[tuple[object, ...], BlockVerdict] = {}


def forget_verdicts() -> None:
    """Empties both caches, so that the next evaluation computes every verdict again.

    For tests: each starts from nothing, so a verdict a test checks is one it computed (and
    mutation testing, which runs for a mutant only the tests that reached the mutated rule,
    sees every test that evaluates it, not only the first)."""
    _COMPETENCY_VERDICTS.clear()
    _BLOCK_VERDICTS.clear()


def _block_verdict(
    block: Block, verdicts: tuple[CompetencyVerdict, ...], rules: ThresholdRules
) -> BlockVerdict:
    by_status = {s: [v.id for v in verdicts if v.status is s] for s in Status}
    total = len(verdicts)
    count = Count(
        validated=len(by_status[Status.VALIDATED]),
        failed=len(by_status[Status.FAILED]),
        open=len(by_status[Status.PENDING]),
        total=total,
        required=required(total, rules),
    )
    status = count.status
    facts = block_facts(count)
    decided = (
        by_status[Status.VALIDATED] if status is Status.VALIDATED else by_status[Status.FAILED]
    )
    return BlockVerdict(
        id=block.id,
        count=count,
        status=status,
        competencies=verdicts,
        explanation=Explanation(
            rule=f"Bloc validé si au moins {_percent(rules)} de ses compétences sont acquises "
            f"({rules.denominator} × acquises ≥ {rules.numerator} × compétences).",
            facts=facts,
            decided_by=tuple(decided),
        ),
    )


def evaluate_cqp(
    ref: ThresholdReferential, states_by_block: Mapping[str, Mapping[str, CriterionState]]
) -> CqpVerdict:
    blocks = tuple(evaluate_block(b, states_by_block.get(b.id, {}), ref.rules) for b in ref.blocks)
    failed = [b.id for b in blocks if b.status is Status.FAILED]
    pending = [b.id for b in blocks if b.status is Status.PENDING]
    if failed:
        status, decided = Status.FAILED, failed
        fact = f"{len(failed)} bloc(s) non validé(s)."
    elif pending:
        status, decided = Status.PENDING, pending
        fact = f"{len(pending)} bloc(s) encore en cours."
    else:
        status, decided = Status.VALIDATED, [b.id for b in blocks]
        fact = "Tous les blocs sont validés."
    return CqpVerdict(
        status=status,
        blocks=blocks,
        explanation=Explanation(
            rule="Le CQP est obtenu quand chaque bloc de compétences est validé.",
            facts=(fact,),
            decided_by=tuple(decided),
        ),
    )
