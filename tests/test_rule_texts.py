"""What the rules say to people, word for word: the VAE admissibility explanation, a grid's
unmet minimums, the clock, the refused marks. These texts are shown on screen and printed in
the dossier de certification; a mutation run found them unguarded (no textual)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from grids import Referentials
from models.dossier import GridState
from models.events import LetterRecorded, QuestionRecorded
from models.grid import shortfalls
from models.timing import Timer, clock, minutes_text
from models.vae import Period, admissibility
from models.weighted import MarkError, parse_mark

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
