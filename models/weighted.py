"""The weighted rule of the Gestionnaire carrière, in Decimal, with its explanation.

Certified iff Pass was followed, the average of the five evaluations (total /200 brought back to
/20) is ≥ 10, and no mark is eliminatory (≤ 6 on the written and oral exams). Missing marks give
``pending`` unless the outcome is already decided either way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import ROUND_DOWN, Decimal

from pydantic import BaseModel, ConfigDict

from models.errors import CarnetError
from models.referential import WeightedReferential
from models.verdict import Explanation, Status

_MARK = re.compile(r"^\s*([0-9]{1,2})(?:[.,]([0-9]{1,2}))?\s*$")
TWO_PLACES = Decimal("0.01")


class MarkError(CarnetError, ValueError):
    """A typed mark that is not a mark /20 with at most two decimals."""


def parse_mark(text: str, scale: int = 20) -> Decimal:
    """Reads a mark as typed ("12", "12.5", "12,75"); refuses anything else, in French."""
    match = _MARK.match(text)
    if match is None:
        raise MarkError(
            f"« {text.strip()} » n'est pas une note : un nombre de 0 à {scale}, "
            "avec au plus deux décimales (ex. 12,5)."
        )
    whole, decimals = match.groups()
    mark = Decimal(f"{whole}.{decimals or '0'}")  # the pattern admits ASCII digits only
    if mark > scale:
        raise MarkError(f"{format_mark(mark)} dépasse la note maximale de {scale}.")
    return mark


def check_mark(mark: Decimal, scale: int = 20) -> Decimal:
    """Validates a mark already held as a Decimal (from a stored event)."""
    if not mark.is_finite() or mark < 0 or mark > scale or mark != mark.quantize(TWO_PLACES):
        raise MarkError(f"note invalide : {mark}")
    return mark


def format_mark(value: Decimal) -> str:
    """French display with two decimals, truncated so 9,995 never shows as 10,00."""
    return f"{value.quantize(TWO_PLACES, rounding=ROUND_DOWN):.2f}".replace(".", ",")


class WeightedVerdict(BaseModel):
    model_config = ConfigDict(frozen=True)

    status: Status
    marks: dict[str, Decimal]
    missing: tuple[str, ...]
    eliminatory: tuple[str, ...]
    total: Decimal  # of the marks present, weighted, out of the referential's total
    average: Decimal | None  # exact, out of 20; None while marks are missing
    best_possible_average: Decimal
    pass_followed: bool | None
    explanation: Explanation

    @property
    def average_text(self) -> str | None:
        """Two decimals with a dot, for the JSON contract; truncated, never rounded up."""
        if self.average is None:
            return None
        return f"{self.average.quantize(TWO_PLACES, rounding=ROUND_DOWN):.2f}"


def evaluate_weighted(
    ref: WeightedReferential, marks: Mapping[str, Decimal], pass_followed: bool | None
) -> WeightedVerdict:
    unknown = set(marks) - {e.id for e in ref.evaluations}
    if unknown:
        raise MarkError(f"épreuve inconnue : {', '.join(sorted(unknown))}")
    for mark in marks.values():
        check_mark(mark)
    scale = ref.total // sum(e.coefficient for e in ref.evaluations)
    total = sum((marks[e.id] * e.coefficient for e in ref.evaluations if e.id in marks), Decimal(0))
    missing = tuple(e.id for e in ref.evaluations if e.id not in marks)
    best_total = total + sum(
        Decimal(e.scale * e.coefficient) for e in ref.evaluations if e.id not in marks
    )
    # average = total × scale / ref.total; comparing totals avoids any division.
    threshold_total = ref.rule.min_average * ref.total / scale
    eliminatory = tuple(
        e.id
        for e in ref.evaluations
        if e.id in marks
        and e.eliminatory_at_or_below is not None
        and marks[e.id] <= e.eliminatory_at_or_below
    )
    average = total * scale / ref.total if not missing else None
    best_average = best_total * scale / ref.total

    facts: list[str] = []
    decided: list[str] = []
    for e in ref.evaluations:
        if e.id in eliminatory:
            facts.append(
                f"{e.title} : {format_mark(marks[e.id])}/20, note éliminatoire "
                f"(≤ {format_mark(e.eliminatory_at_or_below or Decimal(0))})."
            )
            decided.append(e.id)
    pass_missing = ref.rule.pass_required and pass_followed is not True
    if ref.rule.pass_required and pass_followed is False:
        facts.append("Le parcours Pass n'a pas été suivi.")
        decided.append("pass")
    if missing:
        facts.append(
            f"Total provisoire {format_mark(total)}/{ref.total} ; "
            f"notes manquantes : {', '.join(ref.evaluation(m).title for m in missing)}."
        )
    else:
        assert average is not None
        facts.append(
            f"Total {format_mark(total)}/{ref.total}, moyenne {_exact(average)}/20 "
            f"(il faut au moins {format_mark(ref.rule.min_average)})."
        )

    if eliminatory or (ref.rule.pass_required and pass_followed is False):
        status = Status.FAILED
    elif best_total < threshold_total:
        status = Status.FAILED
        facts.append(
            f"Même avec 20/20 aux épreuves restantes, la moyenne ne dépasserait pas "
            f"{_exact(best_average)} : le seuil ne peut plus être atteint."
        )
        decided.extend(e.id for e in ref.evaluations if e.id in marks)
    elif missing or pass_missing:
        status = Status.PENDING
        if pass_missing:
            facts.append("Le suivi du parcours Pass n'est pas encore renseigné.")
            decided.append("pass")
        decided.extend(missing)
    elif total >= threshold_total:
        status = Status.VALIDATED
        decided.extend(e.id for e in ref.evaluations)
    else:
        status = Status.FAILED
        decided.extend(e.id for e in ref.evaluations)

    return WeightedVerdict(
        status=status,
        marks=dict(marks),
        missing=missing,
        eliminatory=eliminatory,
        total=total,
        average=average,
        best_possible_average=best_average,
        pass_followed=pass_followed,
        explanation=Explanation(
            rule=_rule_text(ref),
            facts=tuple(facts),
            decided_by=tuple(decided),
        ),
    )


def _rule_text(ref: WeightedReferential) -> str:
    limits = ", ".join(
        f"{e.title} ≤ {format_mark(e.eliminatory_at_or_below)}"
        for e in ref.evaluations
        if e.eliminatory_at_or_below is not None
    )
    pass_part = "le parcours Pass a été suivi, " if ref.rule.pass_required else ""
    return (
        f"Certifié si {pass_part}la moyenne est d'au moins {format_mark(ref.rule.min_average)}/20 "
        f"et aucune note n'est éliminatoire ({limits})."
    )


def _exact(value: Decimal) -> str:
    """An exact average in French: two decimals, or three when the third is not zero."""
    exact = value.normalize()
    # A normalised zero or integer has an exponent ≥ 0: two places.
    places = max(2, -int(exact.as_tuple().exponent))
    return f"{value:.{places}f}".replace(".", ",")
