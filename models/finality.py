"""Provisional and final verdicts of the Gestionnaire conseil.

The live count of a grid (``models.threshold``) says where an evaluation stands while it is
under way; it decides nothing. A block's verdict is *final* only once the grid that decides it
is signed by both evaluators, and the candidate is ``validated`` or ``failed`` only on final
blocks. Until then the candidate is ``pending`` with a *projection*: what the grids opened so
far would give if they were signed as they stand (a criterion still « non évalué » at signing
is not validated: nobody can evaluate it any more, short of an amendment).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

from models.threshold import BlockVerdict, CompetencyVerdict, Count, CqpVerdict, block_facts
from models.verdict import Explanation, Status

_UNEVALUATED_AT_SIGNING = "Grille signée : les critères restés non évalués ne sont pas validés."


def _signed(count: Count) -> Count:
    """The count once nothing more can be evaluated: the still-open items have failed."""
    return replace(count, failed=count.failed + count.open, open=0)


def _settle_competency(comp: CompetencyVerdict) -> CompetencyVerdict:
    if comp.status is not Status.PENDING:
        return comp
    count = _signed(comp.count)
    explanation = replace(
        comp.explanation, facts=(*comp.explanation.facts[:1], _UNEVALUATED_AT_SIGNING)
    )
    return replace(comp, count=count, status=count.status, explanation=explanation)


def settle_block(block: BlockVerdict) -> BlockVerdict:
    """The block as its grid stands, read as signed: no competency is left pending."""
    competencies = tuple(_settle_competency(c) for c in block.competencies)
    validated = [c.id for c in competencies if c.status is Status.VALIDATED]
    failed = [c.id for c in competencies if c.status is Status.FAILED]
    count = replace(block.count, validated=len(validated), failed=len(failed), open=0)
    status = count.status
    explanation = Explanation(
        block.explanation.rule,
        block_facts(count),
        tuple(validated if status is Status.VALIDATED else failed),
    )
    return replace(
        block, count=count, status=status, competencies=competencies, explanation=explanation
    )


def _overall(blocks: Collection[BlockVerdict]) -> Status:
    statuses = [b.status for b in blocks]
    if Status.FAILED in statuses:
        return Status.FAILED
    if statuses and all(s is Status.VALIDATED for s in statuses):
        return Status.VALIDATED
    return Status.PENDING


def settle(
    live: CqpVerdict, signed_blocks: Collection[str], graded_blocks: Collection[str]
) -> CqpVerdict:
    """The candidate's verdict from the live one: ``signed_blocks`` are the blocks whose
    deciding grid both evaluators signed, ``graded_blocks`` those that have a grid at all."""
    blocks: list[BlockVerdict] = []
    projected: list[BlockVerdict] = []
    for block in live.blocks:
        if block.id in signed_blocks:
            final = replace(settle_block(block), final=True, projection=None)
            blocks.append(final)
            projected.append(final)
        elif block.id in graded_blocks:
            would = settle_block(block)
            blocks.append(replace(block, final=False, projection=would.status))
            projected.append(would)
        else:
            blocks.append(replace(block, final=False, projection=None))
            projected.append(block)
    finals = [b for b in blocks if b.final]
    failed = [b.id for b in finals if b.status is Status.FAILED]
    unsigned = [b.id for b in blocks if not b.final]
    projection = _overall(projected)
    if failed:
        status = Status.FAILED
        facts: tuple[str, ...] = (
            f"{len(failed)} bloc(s) non validé(s), grille signée par les deux évaluateurs.",
        )
        decided = failed
    elif not unsigned:
        status = Status.VALIDATED
        facts = ("Tous les blocs sont validés, chaque grille signée par les deux évaluateurs.",)
        decided = [b.id for b in blocks]
    else:
        status = Status.PENDING
        facts = (
            f"Verdict provisoire : {len(unsigned)} bloc(s) sans grille signée par les deux "
            "évaluateurs.",
            f"Signées en l'état, les grilles ouvertes donneraient : {projection.label}.",
        )
        decided = unsigned
    explanation = Explanation(
        "Le CQP est obtenu quand chaque bloc de compétences est validé ; le verdict d'un bloc "
        "n'est définitif qu'une fois sa grille signée par ses deux évaluateurs.",
        facts,
        tuple(decided),
    )
    return CqpVerdict(
        status=status,
        blocks=tuple(blocks),
        explanation=explanation,
        projection=projection if status is Status.PENDING else None,
    )
