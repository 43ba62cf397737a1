"""Gestionnaire carrière beyond the weighted rule: who enters marks, the local jury's
composition, the national jury, and the VAE route (admissibility, dossier de preuve, decisions
per competency, acquired competencies kept across attempts)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grids import Referentials
from models.errors import CarnetError
from models.jury import JuryError, same_organisme
from models.status import Status
from models.vae import Period, admissibility, experience_days, oral_exempt, required_days
from models.weighted import evaluate_weighted
from store.career import JuryWarning
from store.errors import ConflictError, StoreError
from store.store import Store
from tests.signing import secret_of

CERTIFIED = 15


def _people(store: Store) -> dict[str, str]:
    made = {
        "cnav": store.create_person("Claire Fonds", "Cnav", ["jury"], "t"),
        "retraite": store.create_person("Rémi Branche", "Carsat Nord", ["jury"], "t"),
        "expert": store.create_person("Eva Métier", "Carsat Sud", ["jury"], "t"),
        "local": store.create_person("Luc Local", "Carsat Bretagne", ["jury"], "t"),
        "nord2": store.create_person("Nora Nord", "CARSAT  nord", ["jury"], "t"),
        "trainer": store.create_person("Théo Formateur", "Carsat Bretagne", ["tuteur"], "t"),
        "sec": store.create_person("Sam Secrétariat", "Ucanss", ["secretariat"], "t"),
    }
    return made


def _agent(store: Store) -> str:
    """A secretariat agent, who records the steps no other role is named for (created once)."""
    for person, record in store.people().items():
        if "secretariat" in record.roles:
            return person
    return store.create_person("Agnès Agent", "Ucanss", ["secretariat"], "t")


def _candidate(store: Store, route: str = "parcours_formation") -> str:
    return store.create_candidate(
        "Jeanne Martin", "Carsat Bretagne", "gestionnaire-carriere", "t", route=route
    )


def _jury(p: dict[str, str]) -> list[tuple[str, str]]:
    return [
        ("caisse_nationale", p["cnav"]),
        ("branche_retraite", p["retraite"]),
        ("expert_metier", p["expert"]),
    ]


# --- the weighted rule at its boundaries ----------------------------------------------------


SEED_MARKS = {"cc_interbranche": "5.7", "cc_carriere": "16.4", "ecrit": "12.1", "oral": "9",
              "apt": "7.3"}  # fmt: skip


@pytest.mark.parametrize("evaluation", list(SEED_MARKS))
@pytest.mark.parametrize("delta", ["-0.01", "0", "0.01"])
def test_one_hundredth_either_side_of_ten(refs: Referentials, evaluation: str, delta: str) -> None:
    """From the seed's exact 10,00, a hundredth less on any mark fails, more passes."""
    marks = {e: Decimal(m) for e, m in SEED_MARKS.items()}
    marks[evaluation] += Decimal(delta)
    verdict = evaluate_weighted(refs.carriere, marks, True)
    expected = Status.FAILED if Decimal(delta) < 0 else Status.VALIDATED
    assert verdict.status is expected


def test_every_eliminatory_boundary_combination(refs: Referentials) -> None:
    """Written and oral at 5.99 / 6 / 6.01, with an average well above 10 otherwise."""
    for ecrit, oral in itertools.product(["5.99", "6", "6.01", "20"], repeat=2):
        marks = {"cc_interbranche": Decimal(20), "cc_carriere": Decimal(20), "apt": Decimal(20),
                 "ecrit": Decimal(ecrit), "oral": Decimal(oral)}  # fmt: skip
        verdict = evaluate_weighted(refs.carriere, marks, True)
        eliminated = {e for e, m in (("ecrit", ecrit), ("oral", oral)) if Decimal(m) <= 6}
        assert set(verdict.eliminatory) == eliminated
        assert verdict.status is (Status.FAILED if eliminated else Status.VALIDATED)


# --- marks: who enters them ------------------------------------------------------------------


def test_marks_keep_who_and_when(store: Store) -> None:
    p = _people(store)
    candidate = _candidate(store)
    store.enter_mark(candidate, "ecrit", "12,5", p["sec"], by=p["sec"])
    store.enter_mark(candidate, "ecrit", "13", p["sec"], by=p["sec"])
    career = store.snapshot(candidate).state.career
    assert [r.mark for r in career.mark_history] == [Decimal("12.5"), Decimal("13")]
    assert career.mark_records["ecrit"].by == p["sec"]
    assert career.mark_records["ecrit"].ts


def test_the_oral_is_marked_by_the_local_jury(store: Store) -> None:
    p = _people(store)
    candidate = _candidate(store)
    with pytest.raises(ConflictError, match="composez-le d'abord"):
        store.enter_mark(candidate, "oral", "12", p["sec"], by=p["cnav"])
    store.compose_jury(candidate, _jury(p), p["sec"])
    with pytest.raises(ConflictError, match="ne siège pas au jury local"):
        store.enter_mark(candidate, "oral", "12", p["sec"], by=p["trainer"])
    store.enter_mark(candidate, "oral", "12", p["sec"], by=p["cnav"])


def test_vae_candidates_have_no_marks(store: Store) -> None:
    candidate = _candidate(store, "vae")
    with pytest.raises(StoreError, match="VAE"):
        store.enter_mark(candidate, "ecrit", "12", _agent(store))
    with pytest.raises(StoreError, match="VAE"):
        store.record_pass(candidate, True, _agent(store))


# --- the local jury ---------------------------------------------------------------------------


def test_a_member_of_the_candidates_organisme_is_refused(store: Store) -> None:
    p = _people(store)
    candidate = _candidate(store)
    for role in ("branche_retraite", "expert_metier"):
        members = [(r, p["local"] if r == role else person) for r, person in _jury(p)]
        with pytest.raises(JuryError, match="autre organisme") as refused:
            store.compose_jury(candidate, members, p["sec"])
        assert refused.value.role == role
    # The national fund's seat has no such condition.
    members = [("caisse_nationale", p["local"]), *_jury(p)[1:]]
    assert store.compose_jury(candidate, members, p["sec"]) == []


def test_two_members_of_one_organisme_is_a_warning(store: Store) -> None:
    p = _people(store)
    candidate = _candidate(store)
    members = [("caisse_nationale", p["nord2"]), *_jury(p)[1:]]
    with pytest.raises(JuryWarning) as warned:
        store.compose_jury(candidate, members, p["sec"])
    assert "De préférence" in warned.value.warnings[0]
    assert store.snapshot(candidate).state.career.jury is None
    assert store.compose_jury(candidate, members, p["sec"], accept_warnings=True)
    jury = store.snapshot(candidate).state.career.jury
    assert jury is not None and jury.value.warnings


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ([("caisse_nationale", "cnav"), ("branche_retraite", "retraite")], "un et un seul"),
        (
            [
                ("caisse_nationale", "cnav"),
                ("branche_retraite", "cnav"),
                ("expert_metier", "expert"),
            ],
            "deux places",
        ),
        (
            [
                ("caisse_nationale", "cnav"),
                ("caisse_nationale", "retraite"),
                ("expert_metier", "expert"),
            ],
            "un et un seul",
        ),
        (
            [
                ("caisse_nationale", "trainer"),
                ("branche_retraite", "retraite"),
                ("expert_metier", "expert"),
            ],
            "membre de jury",
        ),
    ],
)
def test_malformed_juries_are_refused(
    store: Store, members: list[tuple[str, str]], message: str
) -> None:
    p = _people(store)
    candidate = _candidate(store)
    with pytest.raises(JuryError, match=message):
        store.compose_jury(candidate, [(r, p[k]) for r, k in members], p["sec"])


def test_same_organisme_ignores_case_accents_and_spaces() -> None:
    assert same_organisme("Carsat Île-de-France", "CARSAT  ile-de-france ")
    assert not same_organisme("Carsat Nord", "Carsat Sud")


# --- proposal and proclamation ----------------------------------------------------------------


def _complete_training(store: Store, p: dict[str, str], candidate: str) -> None:
    store.compose_jury(candidate, _jury(p), p["sec"])
    for evaluation, typed in SEED_MARKS.items():
        by = p["cnav"] if evaluation == "oral" else p["sec"]
        store.enter_mark(candidate, evaluation, typed, p["sec"], by=by)
    store.record_pass(candidate, True, p["sec"])


def test_the_national_jury_is_sovereign_and_final(store: Store) -> None:
    p = _people(store)
    candidate = _candidate(store)
    _complete_training(store, p, candidate)
    with pytest.raises(StoreError, match="avis du jury local"):
        store.proclaim(
            candidate,
            "certifie",
            "",
            date(2026, 11, 1),
            p["sec"],
            confirmed_final=True,
            secret=secret_of(store, p["sec"]),
        )
    with pytest.raises(CarnetError, match="argumenté"):
        store.propose(candidate, "non_certification", "  ", p["cnav"], secret_of(store, p["cnav"]))
    store.propose(
        candidate,
        "non_certification",
        "Oral fragile sur la réglementation.",
        p["cnav"],
        secret_of(store, p["cnav"]),
    )
    with pytest.raises(StoreError, match="déjà rendu"):
        store.propose(candidate, "certification", "", p["cnav"], secret_of(store, p["cnav"]))
    with pytest.raises(CarnetError, match="préconisations"):
        store.proclaim(
            candidate,
            "non_certifie",
            "",
            date(2026, 11, 1),
            p["sec"],
            confirmed_final=True,
            secret=secret_of(store, p["sec"]),
        )
    with pytest.raises(StoreError, match="hors de cette voie"):
        store.proclaim(
            candidate,
            "validation_totale",
            "",
            date(2026, 11, 1),
            p["sec"],
            confirmed_final=True,
            secret=secret_of(store, p["sec"]),
        )
    store.proclaim(
        candidate,
        "non_certifie",
        "Reprendre le module retraite.",
        date(2026, 11, 1),
        p["sec"],
        confirmed_final=True,
        secret=secret_of(store, p["sec"]),
    )
    snap = store.snapshot(candidate)
    assert snap.verdict.status is Status.VALIDATED  # the computed verdict is kept beside it
    record = store.summary(candidate)
    assert record["status"] == "validated"
    assert record["final_decision"] == "non_certifie"
    assert record["juries"]["local"]["reasons"] == "Oral fragile sur la réglementation."
    assert record["juries"]["national"]["recommendations"] == "Reprendre le module retraite."
    assert [e["by"] for e in record["mark_entries"]].count(p["cnav"]) == 1
    with pytest.raises(StoreError, match="déjà proclamé"):
        store.enter_mark(candidate, "apt", "20", p["sec"], by=p["sec"])
    with pytest.raises(StoreError, match="déjà proclamé"):
        store.proclaim(
            candidate,
            "certifie",
            "",
            date(2026, 11, 1),
            p["sec"],
            confirmed_final=True,
            secret=secret_of(store, p["sec"]),
        )


# --- VAE: admissibility ---------------------------------------------------------------------


def test_exactly_one_year_is_enough(refs: Referentials) -> None:
    ref = refs.carriere
    for start in (date(2021, 3, 1), date(2019, 3, 1), date(2020, 2, 29), date(2023, 1, 1)):
        anniversary = date(start.year + 1, start.month, start.day if start.day < 29 else 28)
        if start == date(2020, 2, 29):
            anniversary = date(2021, 3, 1)
        just = Period(start, anniversary - timedelta(days=1))
        short = Period(start, anniversary - timedelta(days=2))
        assert admissibility(ref, True, [just]).admissible, just
        assert not admissibility(ref, True, [short]).admissible, short


def test_leap_years_count_their_extra_day(refs: Referentials) -> None:
    # 1 March 2019 → 28 February 2020 is 365 days but not a year: 29 February 2020 is missing.
    assert experience_days([Period(date(2019, 3, 1), date(2020, 2, 28))]) == 365
    assert not admissibility(
        refs.carriere, True, [Period(date(2019, 3, 1), date(2020, 2, 28))]
    ).admissible
    assert admissibility(
        refs.carriere, True, [Period(date(2019, 3, 1), date(2020, 2, 29))]
    ).admissible
    assert required_days(date(2020, 12, 31), 1) == 366
    assert required_days(date(2021, 12, 31), 1) == 365


def test_overlapping_periods_count_once(refs: Referentials) -> None:
    periods = [
        Period(date(2022, 1, 1), date(2022, 8, 31)),
        Period(date(2022, 6, 1), date(2022, 12, 30)),  # overlaps the first by three months
    ]
    assert experience_days(periods) == 364
    verdict = admissibility(refs.carriere, True, periods)
    assert not verdict.admissible and "duree" in verdict.explanation.decided_by
    assert admissibility(
        refs.carriere, True, [*periods, Period(date(2022, 12, 31), date(2022, 12, 31))]
    ).admissible


def test_unrelated_experience_is_inadmissible_whatever_its_length(refs: Referentials) -> None:
    verdict = admissibility(refs.carriere, False, [Period(date(2010, 1, 1), date(2020, 1, 1))])
    assert not verdict.admissible
    assert verdict.explanation.decided_by == ("relation",)


days = st.integers(min_value=0, max_value=1500)


@given(st.lists(st.tuples(days, st.integers(min_value=0, max_value=500)), max_size=6))
def test_experience_days_match_a_day_by_day_count(raw: list[tuple[int, int]]) -> None:
    origin = date(2018, 1, 1)
    periods = [Period(origin + timedelta(s), origin + timedelta(s + n)) for s, n in raw]
    covered = {p.start + timedelta(i) for p in periods for i in range((p.end - p.start).days + 1)}
    assert experience_days(periods) == len(covered)


def test_the_oral_exemption_window_is_inclusive(refs: Referentials) -> None:
    exemption = refs.carriere.vae.oral_exemption
    assert oral_exempt(exemption, date(2013, 1, 1))
    assert oral_exempt(exemption, date(2015, 12, 31))
    assert not oral_exempt(exemption, date(2012, 12, 31))
    assert not oral_exempt(exemption, date(2016, 1, 1))
    assert not oral_exempt(exemption, None)


# --- VAE: the whole route in the store -------------------------------------------------------


def _certifier(store: Store) -> str:
    found = [pid for pid, x in store.people().items() if "certificateur" in x.roles]
    return (
        found[0]
        if found
        else store.create_person("Ursule Ucanss", "Ucanss", ["certificateur"], "t")
    )


def _admit(store: Store, candidate: str, related: bool = True, years: int = 3) -> bool:
    return store.decide_admissibility(
        candidate,
        related=related,
        description="Technicienne retraite, calcul et liquidation des droits.",
        periods=[(date(2026 - years, 1, 1), date(2025, 12, 31))],
        comment="",
        on=date(2026, 2, 1),
        author=_certifier(store),
    )


def _proof(
    store: Store,
    candidate: str,
    attestation: date | None = None,
    received: date = date(2026, 3, 1),
) -> bool:
    return store.receive_proof(
        candidate,
        received=received,
        attestation_3a=attestation,
        oral_requested=False,
        author=_agent(store),
    )


def test_an_inadmissible_request_keeps_its_reason(store: Store) -> None:
    candidate = _candidate(store, "vae")
    assert not _admit(store, candidate, related=False)
    record = store.summary(candidate)
    assert record["vae"]["admissibility"]["admissible"] is False
    assert "pas en relation" in record["vae"]["admissibility"]["reason"]
    assert record["status"] == "failed"
    with pytest.raises(StoreError, match="non recevable"):
        _proof(store, candidate)


def test_oral_exemption_is_recorded(store: Store) -> None:
    exempt = _candidate(store, "vae")
    _admit(store, exempt)
    oral = store.receive_proof(
        exempt,
        received=date(2026, 3, 1),
        attestation_3a=date(2014, 6, 30),
        oral_requested=False,
        author=_agent(store),
    )
    assert oral is False
    other = _candidate(store, "vae")
    _admit(store, other)
    assert store.receive_proof(
        other,
        received=date(2026, 3, 1),
        attestation_3a=date(2016, 1, 4),
        oral_requested=False,
        author=_agent(store),
    )


def test_partial_validation_then_a_later_attempt(store: Store, refs: Referentials) -> None:
    p = _people(store)
    candidate = _candidate(store, "vae")
    _admit(store, candidate)
    _proof(store, candidate)
    store.compose_jury(candidate, _jury(p), p["sec"])
    certified = [line.competency for line in refs.carriere.certification]
    assert len(certified) == CERTIFIED
    for number, competency in enumerate(certified):
        store.decide_competency(
            candidate, competency, number < 10, "", p["cnav"], secret_of(store, p["cnav"])
        )
    verdict = store.current_verdict(candidate)
    assert verdict.status is Status.FAILED
    assert store.summary(candidate)["vae"]["outcome"] == "partielle"
    with pytest.raises(StoreError, match="nouvelle session"):
        store.start_attempt(candidate, "Nouvelle session", p["sec"])
    store.propose(
        candidate,
        "non_certification",
        "Cinq compétences à consolider.",
        p["cnav"],
        secret_of(store, p["cnav"]),
    )
    store.proclaim(
        candidate,
        "validation_partielle",
        "Formation sur la carrière longue.",
        date(2026, 6, 1),
        p["sec"],
        confirmed_final=True,
        secret=secret_of(store, p["sec"]),
    )
    store.start_attempt(candidate, "Nouvelle présentation après formation.", p["sec"])

    record = store.summary(candidate)["vae"]
    assert record["attempt"] == 2
    assert record["acquired"] == certified[:10]
    assert record["undecided"] == certified[10:]
    assert record["past_attempts"][0]["decision"] == "validation_partielle"
    _proof(store, candidate, received=date(2026, 9, 1))
    with pytest.raises(ConflictError, match="jury local n'est pas encore composé"):
        store.decide_competency(
            candidate, certified[10], True, "", p["cnav"], secret_of(store, p["cnav"])
        )
    store.compose_jury(candidate, _jury(p), p["sec"])
    with pytest.raises(StoreError, match="déjà acquise"):
        store.decide_competency(
            candidate, certified[0], False, "", p["cnav"], secret_of(store, p["cnav"])
        )
    for competency in certified[10:]:
        store.decide_competency(
            candidate, competency, True, "", p["cnav"], secret_of(store, p["cnav"])
        )
    verdict = store.current_verdict(candidate)
    assert verdict.status is Status.VALIDATED
    assert store.summary(candidate)["vae"]["outcome"] == "totale"


def test_carriere_events_survive_a_reopen(tmp_path: object) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path)) / "data"
    with Store.open(folder) as store:
        p = _people(store)
        candidate = _candidate(store)
        _complete_training(store, p, candidate)
        store.propose(candidate, "certification", "", p["cnav"], secret_of(store, p["cnav"]))
        before = store.summary(candidate)
    with Store.open(folder) as store:
        assert store.summary(candidate) == before


def test_a_deactivated_member_cannot_sit_on_a_jury_and_the_rule_is_said(store: Store) -> None:
    p = _people(store)
    candidate = _candidate(store)
    store.deactivate_person(p["cnav"], "départ en retraite", p["sec"])
    with pytest.raises(JuryError) as refused:
        store.compose_jury(candidate, _jury(p), p["sec"])
    assert str(refused.value) == (
        "Claire Fonds est désactivé(e) et ne peut plus siéger. Règle : une personne désactivée "
        "ne signe plus et n'est plus choisie pour un rôle ; ses signatures passées restent "
        "valables."
    )
