"""The weighted rule of the Gestionnaire carrière: Decimal, boundaries, and an exact reference."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grids import Referentials
from models.verdict import Status
from models.weighted import MarkError, evaluate_weighted, format_mark, parse_mark

IDS = ("cc_interbranche", "cc_carriere", "ecrit", "oral", "apt")
COEF = {"cc_interbranche": 1, "cc_carriere": 1, "ecrit": 3, "oral": 3, "apt": 2}


def _marks(*values: str) -> dict[str, Decimal]:
    return {e: Decimal(v) for e, v in zip(IDS, values, strict=False)}


def test_the_seed_example_is_exactly_ten(refs: Referentials) -> None:
    # In floats this total is 99.99999999999999: carnet must give exactly 100 and 10.00.
    verdict = evaluate_weighted(refs.carriere, _marks("5.7", "16.4", "12.1", "9.0", "7.3"), True)
    assert verdict.total == Decimal(100)
    assert verdict.average == Decimal(10)
    assert verdict.average_text == "10.00"
    assert verdict.status is Status.VALIDATED


def test_just_below_ten_fails_and_never_shows_ten(refs: Referentials) -> None:
    # Total 99.99: average 9.999, shown 9,99 (truncated), not 10,00.
    verdict = evaluate_weighted(refs.carriere, _marks("5.69", "16.4", "12.1", "9.0", "7.3"), True)
    assert verdict.status is Status.FAILED
    assert verdict.average == Decimal("9.999")
    assert verdict.average_text == "9.99"
    assert "moyenne 9,999/20" in " ".join(verdict.explanation.facts)


@pytest.mark.parametrize(
    ("written", "oral", "expected", "eliminatory"),
    [
        ("6", "15", Status.FAILED, ("ecrit",)),
        ("6.01", "15", Status.VALIDATED, ()),
        ("15", "6.00", Status.FAILED, ("oral",)),
        ("15", "6.01", Status.VALIDATED, ()),
        ("0", "0", Status.FAILED, ("ecrit", "oral")),
    ],
)
def test_eliminatory_at_exactly_six(
    refs: Referentials, written: str, oral: str, expected: Status, eliminatory: tuple[str, ...]
) -> None:
    verdict = evaluate_weighted(refs.carriere, _marks("20", "20", written, oral, "20"), True)
    assert verdict.status is expected
    assert verdict.eliminatory == eliminatory


def test_low_marks_without_threshold_are_not_eliminatory(refs: Referentials) -> None:
    verdict = evaluate_weighted(refs.carriere, _marks("0", "0", "13", "13", "12"), True)
    assert verdict.eliminatory == ()
    assert verdict.total == Decimal(102) and verdict.status is Status.VALIDATED


def test_pass_prerequisite(refs: Referentials) -> None:
    good = _marks("12", "12", "12", "12", "12")
    assert evaluate_weighted(refs.carriere, good, True).status is Status.VALIDATED
    refused = evaluate_weighted(refs.carriere, good, False)
    assert refused.status is Status.FAILED and "pass" in refused.explanation.decided_by
    unknown = evaluate_weighted(refs.carriere, good, None)
    assert unknown.status is Status.PENDING and unknown.explanation.decided_by == ("pass",)


def test_missing_marks(refs: Referentials) -> None:
    verdict = evaluate_weighted(refs.carriere, _marks("12", "12"), True)
    assert verdict.status is Status.PENDING
    assert verdict.missing == ("ecrit", "oral", "apt")
    assert verdict.average is None and verdict.average_text is None
    # 0 and 0 on the continuous tests still leave 160/200 within reach.
    assert evaluate_weighted(refs.carriere, _marks("0", "0"), True).status is Status.PENDING
    # An eliminatory mark decides at once, whatever is missing.
    early = evaluate_weighted(refs.carriere, {"oral": Decimal(5)}, True)
    assert early.status is Status.FAILED and early.eliminatory == ("oral",)


def test_unreachable_average_fails_early(refs: Referentials) -> None:
    # 0, 0, 6.01 ×3, 6.01 ×3: 36.06; with 20 × 2 still to come the best is 76.06 < 100.
    verdict = evaluate_weighted(refs.carriere, _marks("0", "0", "6.01", "6.01"), True)
    assert verdict.status is Status.FAILED
    assert verdict.best_possible_average == Decimal("7.606")


@pytest.mark.parametrize(
    ("typed", "value"),
    [("12", "12"), ("12.5", "12.5"), ("12,75", "12.75"), (" 0 ", "0"), ("20", "20"),
     ("20.00", "20"), ("7.3", "7.3"), ("09", "9"), ("0,01", "0.01"), ("19,99", "19.99")],
)  # fmt: skip
def test_parse_mark_accepts(typed: str, value: str) -> None:
    parsed = parse_mark(typed)
    assert isinstance(parsed, Decimal)
    assert parsed == Decimal(value)


@pytest.mark.parametrize(
    "typed",
    ["", "abc", "12.345", "20.01", "21", "-1", "1e1", "NaN", "inf", "12.", ".5", "1 2", "½", "١٢"],
)
def test_parse_mark_refuses(typed: str) -> None:
    with pytest.raises(MarkError) as caught:
        parse_mark(typed)
    assert "note" in str(caught.value)


def test_format_mark_is_french_and_truncates() -> None:
    assert format_mark(Decimal("9.999")) == "9,99"
    assert format_mark(Decimal("10")) == "10,00"


def _reference(marks: dict[str, Fraction], pass_followed: bool | None) -> Status:
    """Plain fractions, the seed's words, and every way missing marks could still turn out."""
    eliminatory = any(marks.get(e) is not None and marks[e] <= 6 for e in ("ecrit", "oral"))
    if eliminatory or pass_followed is False:
        return Status.FAILED
    low = sum(marks.get(e, Fraction(0)) * c for e, c in COEF.items()) / 10
    high = sum(marks.get(e, Fraction(20)) * c for e, c in COEF.items()) / 10
    if high < 10:
        return Status.FAILED
    if len(marks) < 5 or pass_followed is None:
        return Status.PENDING
    return Status.VALIDATED if low >= 10 else Status.FAILED


cents = st.integers(min_value=0, max_value=2000)


@given(st.dictionaries(st.sampled_from(IDS), cents), st.sampled_from([True, False, None]))
def test_weighted_matches_exact_reference(raw: dict[str, int], pass_followed: bool | None) -> None:
    from grids import load_referentials

    ref = load_referentials().carriere
    marks = {e: Decimal(v) / 100 for e, v in raw.items()}
    verdict = evaluate_weighted(ref, marks, pass_followed)
    assert verdict.status is _reference(
        {e: Fraction(v, 100) for e, v in raw.items()}, pass_followed
    )
    if len(raw) == 5:
        assert verdict.average is not None
        assert (
            Fraction(verdict.average)
            == sum(Fraction(raw[e], 100) * c for e, c in COEF.items()) / 10
        )


@given(cents)
def test_parse_round_trips(value: int) -> None:
    mark = Decimal(value) / 100
    assert parse_mark(f"{mark:.2f}") == mark
    assert parse_mark(f"{mark:.2f}".replace(".", ",")) == mark


def test_without_pass_required_the_rule_does_not_mention_it(refs: Referentials) -> None:
    rule = refs.carriere.rule.model_copy(update={"pass_required": False})
    ref = refs.carriere.model_copy(update={"rule": rule})
    verdict = evaluate_weighted(ref, _marks("10", "10", "10", "10", "10"), None)
    assert verdict.status is Status.VALIDATED
    assert verdict.explanation.rule.startswith("Certifié si la moyenne est d'au moins 10,00/20 ")
    assert "Pass" not in verdict.explanation.rule
    with_pass = evaluate_weighted(refs.carriere, _marks("10", "10", "10", "10", "10"), True)
    assert with_pass.explanation.rule.startswith(
        "Certifié si le parcours Pass a été suivi, la moyenne est d'au moins 10,00/20 "
    )


def test_an_eliminatory_threshold_of_zero_is_named(refs: Referentials) -> None:
    # A referential may eliminate only a zero: the fact must still name « ≤ 0,00 ».
    evaluations = tuple(
        e.model_copy(update={"eliminatory_at_or_below": Decimal(0)}) if e.id == "apt" else e
        for e in refs.carriere.evaluations
    )
    ref = refs.carriere.model_copy(update={"evaluations": evaluations})
    verdict = evaluate_weighted(ref, _marks("20", "20", "20", "20", "0"), True)
    assert verdict.status is Status.FAILED
    assert any(
        f.endswith("0,00/20, note éliminatoire (≤ 0,00).") for f in verdict.explanation.facts
    )
