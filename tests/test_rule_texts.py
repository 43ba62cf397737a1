"""What the rules say to people, word for word: the VAE admissibility explanation, a grid's
unmet minimums, the clock, the refused marks. These texts are shown on screen and printed in
the dossier de certification; a mutation run found them unguarded (no textual)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from grids import Referentials
from models.dossier import GridState
from models.events import LetterRecorded, QuestionRecorded
from models.grid import phases, shortfalls
from models.status import cqp_label
from models.timing import Timer, clock, minutes_text
from models.vae import Period, admissibility, evaluate_vae
from models.verdict import Status
from models.weighted import MarkError, evaluate_weighted, parse_mark

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
RULE_1_YEAR = (
    "Recevable si l'expérience est en relation avec le CQP et dure au moins 1 an "
    "(périodes qui se chevauchent comptées une fois)."
)


# --- VAE admissibility -------------------------------------------------------------------


def test_admissibility_explains_its_rule_and_facts(refs: Referentials) -> None:
    verdict = admissibility(refs.carriere, False, [Period(date(2019, 9, 1), date(2021, 8, 31))])
    assert not verdict.admissible
    assert (verdict.days, verdict.required) == (731, 365)
    assert verdict.explanation.rule == RULE_1_YEAR
    assert verdict.explanation.facts == (
        "1 période(s) d'expérience : 731 jours, il en faut 365 "
        "(l'année civile qui finit le 31/08/2021).",
        "L'expérience n'est pas en relation avec le CQP.",
    )
    assert verdict.explanation.decided_by == ("relation",)


def test_adjacent_periods_are_one_period(refs: Referentials) -> None:
    periods = [
        Period(date(2020, 1, 1), date(2020, 6, 30)),
        Period(date(2020, 7, 1), date(2020, 12, 31)),
    ]
    verdict = admissibility(refs.carriere, True, periods)
    assert verdict.admissible and verdict.explanation.decided_by == ()
    assert verdict.explanation.facts == (
        "1 période(s) d'expérience : 366 jours, il en faut 366 "
        "(l'année civile qui finit le 31/12/2020).",
        "L'expérience est en relation avec le CQP.",
    )
    apart = [periods[0], Period(date(2020, 7, 2), date(2020, 12, 31))]
    assert (
        admissibility(refs.carriere, True, apart)
        .explanation.facts[0]
        .startswith("2 période(s) d'expérience : 365 jours")
    )


def test_no_period_is_said_and_measured_against_the_year_ending_today(
    refs: Referentials,
) -> None:
    verdict = admissibility(refs.carriere, True, [])
    today = date.today()
    # The days from the same date a year ago (excluded) to today (included).
    same_day = today.replace(
        year=today.year - 1, day=min(today.day, 28 if today.month == 2 else 31)
    )
    expected = (today - same_day).days + (1 if (today.month, today.day) == (2, 29) else 0)
    assert (verdict.admissible, verdict.days, verdict.required) == (False, 0, expected)
    assert verdict.explanation.rule == RULE_1_YEAR
    assert verdict.explanation.facts == (
        "Aucune période d'expérience saisie.",
        "L'expérience est en relation avec le CQP.",
    )
    assert verdict.explanation.decided_by == ("duree",)


def test_the_rule_says_years_in_the_plural(refs: Referentials) -> None:
    two = refs.carriere.model_copy(
        update={"vae": refs.carriere.vae.model_copy(update={"min_experience_years": 2})}
    )
    verdict = admissibility(two, True, [Period(date(2019, 1, 1), date(2020, 12, 31))])
    assert "dure au moins 2 ans (périodes" in verdict.explanation.rule
    assert (verdict.required, verdict.admissible) == (731, True)


# --- a grid's minimums ---------------------------------------------------------------------


def _grid(block: str, situation: str | None = None, **fields: object) -> GridState:
    return GridState(id="g-1", block=block, situation=situation, opened_seq=1, **fields)  # type: ignore[arg-type]


def _ran(minutes: int) -> Timer:
    return Timer(seconds_before=minutes * 60.0)


def test_block_1_minimums(refs: Referentials) -> None:
    block = refs.conseil.block("gc.b1")
    assert shortfalls(block, _grid("gc.b1", "double_ecoute"), NOW) == [
        "Double écoute : 0 min 00 s sur 20 min",
        "Questionnement : 0 min 00 s sur 15 min",
        "Entretiens : 0 sur 2 au moins",
        "Courriers/courriels traités : 0 sur 5",
    ]
    letters = {
        i: LetterRecorded(grid="g-1", index=i, reason="Changement d'adresse", processed=True)
        for i in range(1, 6)
    }
    met = _grid(
        "gc.b1",
        "accueil_physique",
        timers={"observation": _ran(20), "questioning": _ran(15)},
        interviews=2,
        letters=letters,
    )
    assert shortfalls(block, met, NOW) == []
    # No situation chosen (an old grid): no interview minimum can be named.
    assert "Entretiens" not in " ".join(shortfalls(block, _grid("gc.b1"), NOW))


def test_block_2_minimums(refs: Referentials) -> None:
    block = refs.conseil.block("gc.b2")
    assert shortfalls(block, _grid("gc.b2"), NOW) == [
        "Présentation : 0 min 00 s sur 10 min",
        "Échange : 0 min 00 s sur 10 min",
        "Compétences abordées : 0 sur 2 au moins",
        "Absence de document remis non confirmée",
    ]
    met = _grid(
        "gc.b2",
        timers={"presentation": _ran(10), "exchange": _ran(10)},
        coverage={"gc.b2.c1": True, "gc.b2.c2": True, "gc.b2.c3": False},
        no_document=True,
    )
    assert shortfalls(block, met, NOW) == []


def test_block_3_minimums(refs: Referentials) -> None:
    block = refs.conseil.block("gc.b3")
    assert shortfalls(block, _grid("gc.b3", timers={"observation": _ran(89)}), NOW) == [
        "Observation : 89 min 00 s sur 90 min",
        "Questionnaire vide",
    ]
    question = QuestionRecorded(grid="g-1", index=1, question="Pourquoi ?", answer="Parce que.")
    met = _grid("gc.b3", timers={"observation": _ran(90)}, questions={1: question})
    assert shortfalls(block, met, NOW) == []


# --- the clock and the marks ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(0, "00:00"), (0.5, "00:00"), (59.9, "00:59"), (61, "01:01"), (-0.5, "-00:00"),
     (-61, "-01:01"), (5400, "90:00")],
)  # fmt: skip
def test_clock(seconds: float, shown: str) -> None:
    assert clock(seconds) == shown


def test_minutes_text() -> None:
    assert minutes_text(0) == "0 min 00 s"
    assert minutes_text(605.9) == "10 min 05 s"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "abc",
            "« abc » n'est pas une note : un nombre de 0 à 20, avec au plus deux décimales (ex. 12,5).",
        ),
        (
            " 1e1 ",
            "« 1e1 » n'est pas une note : un nombre de 0 à 20, avec au plus deux décimales (ex. 12,5).",
        ),
        ("20,5", "20,50 dépasse la note maximale de 20."),
    ],
)
def test_refused_marks_say_why(typed: str, message: str) -> None:
    with pytest.raises(MarkError) as refused:
        parse_mark(typed)
    assert str(refused.value) == message


# --- the VAE verdict's explanation ----------------------------------------------------------

VAE_RULE = (
    "VAE : validation totale quand chacune des compétences certifiées est validée ; "
    "les compétences validées le restent sans limitation de durée."
)


def _certified(refs: Referentials) -> list[str]:
    return [line.competency for line in refs.carriere.certification]


def test_vae_before_admissibility(refs: Referentials) -> None:
    verdict = evaluate_vae(refs.carriere, None, [], {})
    assert (verdict.status, verdict.outcome, verdict.admissible) == (
        Status.PENDING,
        "en_cours",
        None,
    )
    assert verdict.explanation.rule == VAE_RULE
    assert verdict.explanation.facts == (
        "La recevabilité n'a pas encore été prononcée.",
        "0/15 compétences validées, 0 non validée(s), 15 à décider.",
        "Résultat calculé : en cours.",
    )
    assert verdict.explanation.decided_by == ("recevabilite", *_certified(refs))


def test_vae_inadmissible(refs: Referentials) -> None:
    verdict = evaluate_vae(refs.carriere, False, [], {})
    assert (verdict.status, verdict.outcome, verdict.admissible) == (Status.FAILED, "aucune", False)
    assert verdict.explanation.facts == (
        "La demande a été déclarée irrecevable.",
        "0/15 compétences validées, 0 non validée(s), 15 à décider.",
        "Résultat calculé : aucune validation.",
    )
    assert verdict.explanation.decided_by == ("recevabilite",)


def test_vae_second_session_under_way(refs: Referentials) -> None:
    c = _certified(refs)
    verdict = evaluate_vae(refs.carriere, True, c[:2], {c[2]: True, c[3]: False, c[0]: False})
    assert (verdict.status, verdict.outcome) == (Status.PENDING, "en_cours")
    assert (verdict.acquired, verdict.validated, verdict.refused) == (
        tuple(c[:2]),
        (c[2],),
        (c[3],),
    )
    assert verdict.undecided == tuple(c[4:])
    assert verdict.explanation.rule == VAE_RULE
    assert verdict.explanation.facts == (
        "2 compétence(s) acquise(s) lors d'une session antérieure.",
        "3/15 compétences validées, 1 non validée(s), 11 à décider.",
        "Résultat calculé : en cours.",
    )
    assert verdict.explanation.decided_by == tuple(c[4:])


def test_vae_all_refused_or_all_validated(refs: Referentials) -> None:
    c = _certified(refs)
    refused = evaluate_vae(refs.carriere, True, [], dict.fromkeys(c, False))
    assert (refused.status, refused.outcome, refused.validated) == (Status.FAILED, "aucune", ())
    assert refused.explanation.facts == (
        "0/15 compétences validées, 15 non validée(s), 0 à décider.",
        "Résultat calculé : aucune validation.",
    )
    partial = evaluate_vae(refs.carriere, True, [], {**dict.fromkeys(c, False), c[5]: True})
    assert (partial.status, partial.outcome) == (Status.FAILED, "partielle")
    assert partial.explanation.facts[-1] == "Résultat calculé : validation partielle."
    total = evaluate_vae(refs.carriere, True, [], dict.fromkeys(c, True))
    assert (total.status, total.outcome, total.validated) == (Status.VALIDATED, "totale", tuple(c))
    assert total.explanation.facts == (
        "15/15 compétences validées, 0 non validée(s), 0 à décider.",
        "Résultat calculé : validation totale.",
    )


# --- timers, labels, look-ups ---------------------------------------------------------------


def test_a_timer_keeps_when_it_first_started() -> None:
    first = NOW
    timer = Timer().start(first)
    assert (timer.running_since, timer.started_at, timer.seconds_before) == (first, first, 0.0)
    paused = timer.pause(first + timedelta(milliseconds=500))
    assert (paused.running, paused.started_at, paused.seconds_before) == (False, first, 0.5)
    again = paused.start(first + timedelta(seconds=10))
    assert (again.running_since, again.started_at) == (first + timedelta(seconds=10), first)
    assert again.start(first + timedelta(seconds=20)) is again
    # A clock set back never makes a phase run backwards.
    assert again.pause(first).seconds_before == 0.5


def test_cqp_labels() -> None:
    assert cqp_label("gestionnaire-conseil") == "Gestionnaire conseil"
    assert cqp_label("gestionnaire-carriere") == "Gestionnaire carrière"
    assert cqp_label("autre-cqp") == "autre-cqp"


def test_unknown_ids_name_themselves(refs: Referentials) -> None:
    with pytest.raises(KeyError) as competency:
        refs.carriere.competency("gk.c99")
    assert competency.value.args == ("gk.c99",)
    with pytest.raises(KeyError) as evaluation:
        refs.carriere.evaluation("dictee")
    assert evaluation.value.args == ("dictee",)


def test_each_blocks_phases(refs: Referentials) -> None:
    def shown(block: str, situation: str | None) -> list[tuple[str, str, int]]:
        return [(p.id, p.label, p.minutes) for p in phases(refs.conseil.block(block), situation)]

    assert shown("gc.b1", "accueil_physique") == [
        ("observation", "Accueil physique", 20),
        ("questioning", "Questionnement", 15),
    ]
    # No situation recorded: the first one stands.
    assert shown("gc.b1", None)[0] == ("observation", "Double écoute", 20)
    assert shown("gc.b2", None) == [
        ("presentation", "Présentation", 10),
        ("exchange", "Échange", 10),
    ]
    assert shown("gc.b3", None) == [("observation", "Observation", 90)]
    assert minutes_text(3599) == "59 min 59 s"


# --- the weighted verdict's explanation -----------------------------------------------------

WEIGHTED_RULE = (
    "Certifié si le parcours Pass a été suivi, la moyenne est d'au moins 10,00/20 et aucune "
    "note n'est éliminatoire (Epreuve écrite ≤ 6,00, Epreuve orale ≤ 6,00)."
)
IDS = ("cc_interbranche", "cc_carriere", "ecrit", "oral", "apt")
MISSING_THREE = (
    "notes manquantes : Contrôle continu – partie interbranche, Contrôle continu – partie "
    "carrière, Applications professionnelles tutorées."
)


def _weighted(refs: Referentials, marks: dict[str, str], followed: bool | None) -> Any:
    verdict = evaluate_weighted(refs.carriere, {k: Decimal(v) for k, v in marks.items()}, followed)
    assert verdict.explanation.rule == WEIGHTED_RULE
    assert verdict.pass_followed is followed
    return verdict


@pytest.mark.parametrize(
    ("marks", "followed", "status", "facts", "decided"),
    [
        (dict(zip(IDS, ("5.7", "16.4", "12.1", "9.0", "7.3"), strict=True)), True,
         Status.VALIDATED, ("Total 100,00/200, moyenne 10,00/20 (il faut au moins 10,00).",), IDS),
        ({"ecrit": "5", "oral": "14"}, None, Status.FAILED,
         ("Epreuve écrite : 5,00/20, note éliminatoire (≤ 6,00).",
          "Total provisoire 57,00/200 ; " + MISSING_THREE), ("ecrit",)),
        (dict(zip(IDS, ("20", "20", "6", "14", "20"), strict=True)), False, Status.FAILED,
         ("Epreuve écrite : 6,00/20, note éliminatoire (≤ 6,00).",
          "Le parcours Pass n'a pas été suivi.",
          "Total 140,00/200, moyenne 14,00/20 (il faut au moins 10,00)."), ("ecrit", "pass")),
        ({"ecrit": "15", "oral": "14"}, None, Status.PENDING,
         ("Total provisoire 87,00/200 ; " + MISSING_THREE,
          "Le suivi du parcours Pass n'est pas encore renseigné."),
         ("pass", "cc_interbranche", "cc_carriere", "apt")),
        (dict(zip(IDS, ("20", "20", "16", "14", "20"), strict=True)), None, Status.PENDING,
         ("Total 170,00/200, moyenne 17,00/20 (il faut au moins 10,00).",
          "Le suivi du parcours Pass n'est pas encore renseigné."), ("pass",)),
    ],
)  # fmt: skip
def test_weighted_explanations(
    refs: Referentials,
    marks: dict[str, str],
    followed: bool | None,
    status: Status,
    facts: tuple[str, ...],
    decided: tuple[str, ...],
) -> None:
    verdict = _weighted(refs, marks, followed)
    assert verdict.status is status
    assert verdict.explanation.facts == facts
    assert verdict.explanation.decided_by == decided
