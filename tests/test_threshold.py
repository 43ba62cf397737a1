"""The 80 % rule: exact, on every small case, and against a brute-force reference."""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grids import Referentials
from models.referential import Block, Competency, Criterion, ThresholdRules
from models.threshold import (
    CriterionState,
    evaluate_block,
    evaluate_competency,
    evaluate_cqp,
    required,
)
from models.verdict import Status

V, N, E = CriterionState.VALIDATED, CriterionState.NOT_VALIDATED, CriterionState.NOT_EVALUATED
RULES = ThresholdRules(competency="c", block="b", numerator=4, denominator=5)


def _comp(n: int, cid: str = "x.c1") -> Competency:
    return Competency(
        id=cid, title="t", criteria=tuple(Criterion(id=f"{cid}.k{i}", text="k") for i in range(n))
    )


def _reached(validated: int, total: int) -> bool:
    """The reference: a plain fraction comparison, no integer trick."""
    return Fraction(validated, total) >= Fraction(80, 100)


def _reference_status(states: list[CriterionState]) -> Status:
    """Brute force: try every way the unevaluated criteria could still turn out."""
    open_slots = [i for i, s in enumerate(states) if s is E]
    outcomes = set()
    for filling in itertools.product((V, N), repeat=len(open_slots)):
        full = list(states)
        for slot, value in zip(open_slots, filling, strict=True):
            full[slot] = value
        outcomes.add(_reached(full.count(V), len(full)))
    if _reached(states.count(V), len(states)):
        return Status.VALIDATED
    return Status.FAILED if outcomes == {False} else Status.PENDING


@pytest.mark.parametrize(
    ("validated", "total", "expected"),
    [
        (3, 4, False),
        (4, 5, True),
        (5, 6, True),
        (4, 6, False),
        (3, 3, True),
        (2, 3, False),
        (6, 7, True),
        (5, 7, False),
        (8, 10, True),
        (7, 9, False),
        (0, 1, False),
        (1, 1, True),
    ],
)
def test_threshold_boundaries(validated: int, total: int, expected: bool) -> None:
    states = {f"x.c1.k{i}": V if i < validated else N for i in range(total)}
    verdict = evaluate_competency(_comp(total), states, RULES)
    assert (verdict.status is Status.VALIDATED) is expected
    assert verdict.count.required == _fewest(total)


def _fewest(total: int) -> int:
    """The reference: the smallest count that is at least 80 % of ``total``, by counting."""
    return next(k for k in range(total + 1) if Fraction(k, total) >= Fraction(4, 5))


@pytest.mark.parametrize(
    ("total", "expected"), [(1, 1), (2, 2), (3, 3), (4, 4), (5, 4), (6, 5), (7, 6), (10, 8)]
)
def test_required_counts_as_on_paper(total: int, expected: int) -> None:
    assert required(total, RULES) == expected == _fewest(total)


def test_every_state_combination_up_to_seven_criteria() -> None:
    for n in range(1, 8):
        for states in itertools.product((V, N, E), repeat=n):
            marks = {f"x.c1.k{i}": s for i, s in enumerate(states)}
            verdict = evaluate_competency(_comp(n), marks, RULES)
            assert verdict.status is _reference_status(list(states)), states
            assert verdict.count.validated == states.count(V)
            assert verdict.count.open == states.count(E)
            if verdict.status is Status.PENDING:
                assert verdict.count.still_needed == _fewest(n) - states.count(V) > 0
                assert verdict.count.still_needed <= states.count(E)


@given(st.lists(st.sampled_from([V, N, E]), min_size=1, max_size=12))
def test_competency_matches_brute_force(states: list[CriterionState]) -> None:
    marks = {f"x.c1.k{i}": s for i, s in enumerate(states)}
    assert evaluate_competency(_comp(len(states)), marks, RULES).status is _reference_status(states)


@given(
    st.lists(st.lists(st.sampled_from([V, N, E]), min_size=1, max_size=5), min_size=1, max_size=7)
)
def test_block_matches_brute_force(per_competency: list[list[CriterionState]]) -> None:
    comps = tuple(_comp(len(s), f"x.c{i}") for i, s in enumerate(per_competency))
    block = Block.model_construct(id="x", number=1, title="t", activity="a", competencies=comps)
    marks = {
        f"x.c{i}.k{j}": s for i, states in enumerate(per_competency) for j, s in enumerate(states)
    }
    verdict = evaluate_block(block, marks, RULES)
    statuses = [_reference_status(s) for s in per_competency]
    # The block's own brute force over what its pending competencies could become.
    pending = statuses.count(Status.PENDING)
    validated = statuses.count(Status.VALIDATED)
    outcomes = {_reached(validated + k, len(statuses)) for k in range(pending + 1)}
    if _reached(validated, len(statuses)):
        expected = Status.VALIDATED
    elif outcomes == {False}:
        expected = Status.FAILED
    else:
        expected = Status.PENDING
    assert verdict.status is expected
    assert [c.status for c in verdict.competencies] == statuses


def test_block_examples_from_the_domain(refs: Referentials) -> None:
    block = refs.conseil.block("gc.b1")  # six competencies

    def marks_for(failing: int) -> dict[str, CriterionState]:
        marks = {}
        for index, comp in enumerate(block.competencies):
            for crit in comp.criteria:
                marks[crit.id] = N if index < failing else V
        return marks

    assert evaluate_block(block, marks_for(1), refs.conseil.rules).status is Status.VALIDATED  # 5/6
    assert evaluate_block(block, marks_for(2), refs.conseil.rules).status is Status.FAILED  # 4/6


def test_cqp_needs_every_block(refs: Referentials) -> None:
    ref = refs.conseil
    all_valid = {b.id: {k.id: V for c in b.competencies for k in c.criteria} for b in ref.blocks}
    assert evaluate_cqp(ref, all_valid).status is Status.VALIDATED
    assert evaluate_cqp(ref, all_valid).explanation.rule == (
        "Le CQP est obtenu quand chaque bloc de compétences est validé."
    )
    partial = dict(all_valid)
    del partial["gc.b3"]
    verdict = evaluate_cqp(ref, partial)
    assert verdict.status is Status.PENDING and verdict.explanation.decided_by == ("gc.b3",)
    failing = dict(all_valid)
    failing["gc.b2"] = {k.id: N for c in ref.block("gc.b2").competencies for k in c.criteria}
    verdict = evaluate_cqp(ref, failing)
    assert verdict.status is Status.FAILED and verdict.explanation.decided_by == ("gc.b2",)


def test_explanations_name_what_decided(refs: Referentials) -> None:
    comp = refs.conseil.block("gc.b1").competencies[3]  # four criteria
    ids = [k.id for k in comp.criteria]
    verdict = evaluate_competency(
        comp, {ids[0]: V, ids[1]: V, ids[2]: V, ids[3]: N}, refs.conseil.rules
    )
    assert verdict.status is Status.FAILED
    assert verdict.explanation.decided_by == (ids[3],)
    assert "3 critère(s) validé(s) sur 4, il en faut 4." in verdict.explanation.facts
    assert "5 × validés ≥ 4 × critères" in verdict.explanation.rule
    pending = evaluate_competency(comp, {ids[0]: V}, refs.conseil.rules)
    assert pending.status is Status.PENDING
    assert pending.count.still_needed == 3
    assert "Encore 3 à valider parmi 3 non évalué(s)." in pending.explanation.facts


@pytest.mark.parametrize(
    ("validated", "failed", "total", "second"),
    [
        (5, 0, 5, None),  # validated: the count alone
        (4, 1, 5, None),  # validated with one not validated: nothing more to say
        (2, 0, 5, "Encore 2 à valider parmi 3 non évalué(s)."),
        (3, 2, 5, "2 critère(s) non validé(s) : le seuil ne peut plus être atteint."),
    ],
)
def test_a_competencys_facts_say_only_what_its_status_calls_for(
    validated: int, failed: int, total: int, second: str | None
) -> None:
    states = {f"x.c1.k{i}": V for i in range(validated)}
    states |= {f"x.c1.k{i}": N for i in range(validated, validated + failed)}
    verdict = evaluate_competency(_comp(total), states, RULES)
    first = f"{validated} critère(s) validé(s) sur {total}, il en faut {_fewest(total)}."
    assert verdict.explanation.facts == ((first,) if second is None else (first, second))
