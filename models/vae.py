"""The VAE route of the Gestionnaire carrière: admissibility, the oral exemption, and the
verdict from the jury's decisions per certified competency.

Durations are counted in whole days over the union of the periods entered, so a month worked
under two contracts at once counts once. "At least one year" is the calendar year: a single
period qualifies when it runs from a date to the eve of that date a year later (366 days when it
spans a 29 February, 365 otherwise); fragmented periods must cover as many days as the calendar
year that ends with the last day worked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from models.referential import OralExemption, WeightedReferential
from models.status import Status
from models.verdict import Explanation


@dataclass(frozen=True, slots=True)
class Period:
    start: date
    end: date  # inclusive: the last day worked


def merged(periods: Iterable[Period]) -> list[Period]:
    """The periods as disjoint, sorted stretches (overlapping or touching ones joined)."""
    result: list[Period] = []
    for period in sorted(periods, key=lambda p: (p.start, p.end)):
        if result and period.start <= result[-1].end + timedelta(days=1):
            last = result[-1]
            result[-1] = Period(last.start, max(last.end, period.end))
        else:
            result.append(period)
    return result


def experience_days(periods: Iterable[Period]) -> int:
    return sum((p.end - p.start).days + 1 for p in merged(periods))


def years_before(day: date, years: int) -> date:
    """The same day ``years`` earlier; a 29 February with no match falls back to the 28th."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def required_days(last_day: date, years: int) -> int:
    """Days in the ``years`` calendar years ending with ``last_day``."""
    after = last_day + timedelta(days=1)
    return (after - years_before(after, years)).days


@dataclass(frozen=True, slots=True)
class Admissibility:
    admissible: bool
    days: int
    required: int
    explanation: Explanation


def admissibility(
    ref: WeightedReferential, related: bool, periods: Sequence[Period]
) -> Admissibility:
    years = ref.vae.min_experience_years
    rule = (
        f"Recevable si l'expérience est en relation avec le CQP et dure au moins "
        f"{years} an{'s' if years > 1 else ''} (périodes qui se chevauchent comptées une fois)."
    )
    facts: list[str] = []
    decided: list[str] = []
    days = experience_days(periods)
    if periods:
        last = max(p.end for p in periods)
        required = required_days(last, years)
        facts.append(
            f"{len(merged(periods))} période(s) d'expérience : {days} jours, "
            f"il en faut {required} (l'année civile qui finit le {last.strftime('%d/%m/%Y')})."
        )
    else:
        required = required_days(date.today(), years)
        facts.append("Aucune période d'expérience saisie.")
    long_enough = bool(periods) and days >= required
    if not long_enough:
        decided.append("duree")
    if related:
        facts.append("L'expérience est en relation avec le CQP.")
    else:
        facts.append("L'expérience n'est pas en relation avec le CQP.")
        decided.append("relation")
    return Admissibility(
        admissible=related and long_enough,
        days=days,
        required=required,
        explanation=Explanation(rule=rule, facts=tuple(facts), decided_by=tuple(decided)),
    )


def oral_exempt(exemption: OralExemption, attestation: date | None) -> bool:
    """Holders of the "parcours 3a" attestation obtained in the window are judged on the
    dossier alone (unless the jury asks for an oral)."""
    if attestation is None:
        return False
    return date.fromisoformat(exemption.from_) <= attestation <= date.fromisoformat(exemption.to)


@dataclass(frozen=True, slots=True)
class VaeVerdict:
    status: Status
    outcome: str  # "totale", "partielle", "aucune" or "en_cours"
    acquired: tuple[str, ...]  # validated at an earlier attempt: no time limit
    validated: tuple[str, ...]  # validated at this attempt
    refused: tuple[str, ...]
    undecided: tuple[str, ...]
    admissible: bool | None
    explanation: Explanation


OUTCOME_LABELS = {
    "totale": "validation totale",
    "partielle": "validation partielle",
    "aucune": "aucune validation",
    "en_cours": "en cours",
}


def evaluate_vae(
    ref: WeightedReferential,
    admissible: bool | None,
    acquired: Iterable[str],
    decisions: Mapping[str, bool],
) -> VaeVerdict:
    certified = [line.competency for line in ref.certification]
    kept = set(acquired)
    acquired_ids = tuple(c for c in certified if c in kept)
    validated = tuple(c for c in certified if c not in kept and decisions.get(c) is True)
    refused = tuple(c for c in certified if c not in kept and decisions.get(c) is False)
    undecided = tuple(c for c in certified if c not in kept and c not in decisions)
    rule = (
        "VAE : validation totale quand chacune des compétences certifiées est validée ; "
        "les compétences validées le restent sans limitation de durée."
    )
    facts: list[str] = []
    decided: list[str] = []
    total = len(certified)
    if admissible is None:
        facts.append("La recevabilité n'a pas encore été prononcée.")
        decided.append("recevabilite")
    elif not admissible:
        facts.append("La demande a été déclarée irrecevable.")
        decided.append("recevabilite")
    if acquired_ids:
        facts.append(f"{len(acquired_ids)} compétence(s) acquise(s) lors d'une session antérieure.")
    facts.append(
        f"{len(acquired_ids) + len(validated)}/{total} compétences validées, "
        f"{len(refused)} non validée(s), {len(undecided)} à décider."
    )
    if admissible is False:
        status, outcome = Status.FAILED, "aucune"
    elif admissible is None or undecided:
        status, outcome = Status.PENDING, "en_cours"
        decided.extend(undecided)
    elif not refused:
        status, outcome = Status.VALIDATED, "totale"
        decided.extend(validated)
    else:
        status = Status.FAILED
        outcome = "partielle" if acquired_ids or validated else "aucune"
        decided.extend(refused)
    facts.append(f"Résultat calculé : {OUTCOME_LABELS[outcome]}.")
    return VaeVerdict(
        status=status,
        outcome=outcome,
        acquired=acquired_ids,
        validated=validated,
        refused=refused,
        undecided=undecided,
        admissible=admissible,
        explanation=Explanation(rule=rule, facts=tuple(facts), decided_by=tuple(decided)),
    )
