"""Provisional and final verdicts (issue 11): a conseil candidate is validated or failed only on
grids signed by both evaluators; until then pending, with a projection; the logbook's state per
competency and what the dossier de certification still lacks, in the JSON contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grids import Referentials
from models.finality import settle
from models.threshold import CriterionState, evaluate_cqp
from models.verdict import Status
from store.index import file_key, index_format
from store.store import Store
from tests.signing import secret_of

V = CriterionState.VALIDATED
N = CriterionState.NOT_VALIDATED


def _people(store: Store) -> dict[str, str]:
    return {
        "evaluator": store.create_person(
            "Rémi Métier", "CAF du Nord", ["representant_metier"], "t"
        ),
        "certifier": store.create_person("Cécile Certif", "Ucanss", ["certificateur"], "t"),
        "tutor": store.create_person("Tom Tuteur", "CPAM du Rhône", ["tuteur"], "t"),
        "manager": store.create_person("Mona Manager", "CPAM du Rhône", ["manager"], "t"),
    }


def _criteria(store: Store, block: str) -> list[str]:
    return [k.id for c in store.referentials.conseil.block(block).competencies for k in c.criteria]


def _grid(store: Store, candidate: str, block: str, people: dict[str, str]) -> str:
    situation = "double_ecoute" if block == "gc.b1" else None
    return store.open_grid(
        candidate,
        block,
        "t",
        situation=situation,
        evaluator=people["evaluator"],
        certifier=people["certifier"],
    )


def _ticked(store: Store, people: dict[str, str]) -> tuple[str, dict[str, str]]:
    """The issue's finding: every criterion ticked, no grid closed or signed, no logbook."""
    candidate = store.create_candidate(
        "Jeanne Martin",
        "CPAM du Rhône",
        "gestionnaire-conseil",
        "t",
        tutor=people["tutor"],
        manager=people["manager"],
    )
    grids = {}
    for block in ("gc.b1", "gc.b2", "gc.b3"):
        grids[block] = _grid(store, candidate, block, people)
        store.mark_criteria(
            candidate, grids[block], [(k, V, "") for k in _criteria(store, block)], "t"
        )
    return candidate, grids


def _sign(store: Store, candidate: str, grid: str, people: dict[str, str]) -> None:
    store.close_grid(candidate, grid, "Minimums vus sur place", "t")
    store.sign_grid(candidate, grid, people["evaluator"], secret_of(store, people["evaluator"]))
    store.sign_grid(candidate, grid, people["certifier"], secret_of(store, people["certifier"]))


def test_ticked_but_unsigned_is_pending_with_a_projection(store: Store) -> None:
    people = _people(store)
    candidate, grids = _ticked(store, people)
    record = store.summary(candidate)
    assert record["status"] == "pending"
    assert record["final"] is False
    assert record["projection"] == "validated"
    assert [b["final"] for b in record["blocks"]] == [False, False, False]
    assert [b["projection"] for b in record["blocks"]] == ["validated"] * 3
    # The live counts are still there: the grid screen needs them.
    assert [b["status"] for b in record["blocks"]] == ["validated"] * 3
    kinds = [item["kind"] for item in record["outstanding"]]
    assert kinds.count("grid_open") == 3
    assert kinds.count("grid_signature") == 6
    assert "logbook_tuteur" in kinds and "logbook_manager" in kinds

    _sign(store, candidate, grids["gc.b1"], people)
    _sign(store, candidate, grids["gc.b2"], people)
    record = store.summary(candidate)
    assert record["status"] == "pending"
    assert [b["final"] for b in record["blocks"]] == [True, True, False]
    _sign(store, candidate, grids["gc.b3"], people)
    record = store.summary(candidate)
    assert record["status"] == "validated"
    assert record["final"] is True and record["projection"] is None
    assert not [i for i in record["outstanding"] if i["kind"].startswith("grid")]


def test_a_failed_signed_block_is_final_even_with_others_open(store: Store) -> None:
    people = _people(store)
    candidate = store.create_candidate("Paul Petit", "CPAM du Rhône", "gestionnaire-conseil", "t")
    grid = _grid(store, candidate, "gc.b2", people)
    criteria = _criteria(store, "gc.b2")
    store.mark_criteria(candidate, grid, [(k, N, "") for k in criteria[:12]], "t")
    verdict = store.current_verdict(candidate)
    assert verdict.status is Status.PENDING
    assert verdict.projection is Status.FAILED  # type: ignore[union-attr]
    _sign(store, candidate, grid, people)
    verdict = store.current_verdict(candidate)
    assert verdict.status is Status.FAILED
    assert "grille signée" in " ".join(verdict.explanation.facts)


def test_unevaluated_criteria_at_signing_are_not_validated(store: Store) -> None:
    people = _people(store)
    candidate = store.create_candidate("Léa Roux", "CPAM du Rhône", "gestionnaire-conseil", "t")
    grid = _grid(store, candidate, "gc.b2", people)
    # Nothing marked: live, everything is still possible; signed as it stands, nothing is.
    block = store.current_verdict(candidate).blocks[1]  # type: ignore[union-attr]
    assert block.status is Status.PENDING and block.projection is Status.FAILED
    _sign(store, candidate, grid, people)
    block = store.current_verdict(candidate).blocks[1]  # type: ignore[union-attr]
    assert block.final and block.status is Status.FAILED
    assert all(c.status is Status.FAILED for c in block.competencies)


def test_logbook_state_per_competency_in_the_contract(store: Store) -> None:
    people = _people(store)
    candidate, _ = _ticked(store, people)
    store.sign_attestation(
        candidate,
        "gc.b1.c1",
        "tuteur",
        people["tutor"],
        "Un appel difficile",
        secret_of(store, people["tutor"]),
    )
    store.sign_attestation(
        candidate,
        "gc.b1.c2",
        "tuteur",
        people["tutor"],
        "Un autre appel",
        secret_of(store, people["tutor"]),
    )
    store.sign_attestation(
        candidate,
        "gc.b1.c2",
        "manager",
        people["manager"],
        "Vu lors d'un appel",
        secret_of(store, people["manager"]),
    )
    comps = {c["id"]: c for b in store.summary(candidate)["blocks"] for c in b["competencies"]}
    assert comps["gc.b1.c1"]["logbook"]["tutor"]["person"] == people["tutor"]
    assert comps["gc.b1.c1"]["logbook"]["manager"] is None
    assert comps["gc.b1.c1"]["logbook"]["attested"] is False
    assert comps["gc.b1.c2"]["logbook"]["attested"] is True
    assert comps["gc.b1.c3"]["logbook"] == {"tutor": None, "manager": None, "attested": False}


def test_an_index_of_an_older_release_is_not_trusted(tmp_path: Path) -> None:
    """Releases before format 4 cached « validated » for an unsigned dossier: recomputed."""
    data = tmp_path / "data"
    with Store.open(data) as store:
        candidate, _ = _ticked(store, _people(store))
        record = store.summary(candidate)
        key = file_key(store.path_of(candidate))
    forged = {**record, "status": "validated"}
    index = {"format": 3, "entries": {candidate: {"key": key, "summary": forged}}}
    (data / "index.json").write_text(json.dumps(index))
    with Store.open(data) as store:
        (listed,) = store.summaries().records
    assert listed["status"] == "pending"
    assert index_format(data / "index.json") == 5


def test_the_previous_releases_index_is_taken_over_without_reading_the_events(
    tmp_path: Path,
) -> None:
    """Format 4 holds the records this release computes: the first start after the upgrade
    lists them from it (a mark here shows it is read, not recomputed), in the new format."""
    data = tmp_path / "data"
    with Store.open(data) as store:
        candidate, _ = _ticked(store, _people(store))
        record = store.summary(candidate)
        key = file_key(store.path_of(candidate))
    marked = {**record, "organisme": "Repris de l'index"}
    index = {"format": 4, "entries": {candidate: {"key": key, "summary": marked}}}
    (data / "index.json").write_text(json.dumps(index))
    with Store.open(data) as store:
        assert store.summaries().records == [marked]
    assert index_format(data / "index.json") == 5
    with Store.open(data, read_only=True) as store:
        assert store.summaries().records == [marked]


def test_carriere_records_say_final_only_once_proclaimed(store: Store) -> None:
    candidate = store.create_candidate(
        "C", "Carsat Bretagne", "gestionnaire-carriere", "t", route="parcours_formation"
    )
    record = store.summary(candidate)
    assert record["final"] is False
    kinds = {i["kind"] for i in record["outstanding"]}
    assert {"mark", "pass", "jury_local", "jury_proposal", "proclamation"} <= kinds


block_states = st.lists(st.sampled_from(list(CriterionState)), min_size=60, max_size=60)


@given(
    states=block_states,
    graded=st.sets(st.sampled_from(["gc.b1", "gc.b2", "gc.b3"])),
    signed=st.sets(st.sampled_from(["gc.b1", "gc.b2", "gc.b3"])),
)
def test_settled_status_never_claims_more_than_the_signed_grids(
    refs: Referentials, states: list[CriterionState], graded: set[str], signed: set[str]
) -> None:
    ref = refs.conseil
    signed &= graded
    by_block: dict[str, dict[str, CriterionState]] = {}
    position = 0
    for block in ref.blocks:
        if block.id not in graded:
            continue
        marks = by_block.setdefault(block.id, {})
        for comp in block.competencies:
            for crit in comp.criteria:
                marks[crit.id] = states[position % len(states)]
                position += 1
    verdict = settle(evaluate_cqp(ref, by_block), signed, graded)
    finals = {b.id: b for b in verdict.blocks if b.final}
    assert set(finals) == signed
    if verdict.status is Status.VALIDATED:
        assert signed == {b.id for b in ref.blocks}
        assert all(b.status is Status.VALIDATED for b in finals.values())
    elif verdict.status is Status.FAILED:
        assert any(b.status is Status.FAILED for b in finals.values())
    else:
        assert verdict.projection is not None
        assert all(b.status is not Status.FAILED for b in finals.values())
    # A final block leaves nothing pending; a signed-as-it-stands projection neither.
    for block in verdict.blocks:
        if block.final:
            assert block.status is not Status.PENDING
        elif block.id in graded:
            assert block.projection in (Status.VALIDATED, Status.FAILED)


@pytest.mark.slow
async def test_dossier_screen_says_provisional_and_what_is_missing(tmp_path: Path) -> None:
    from textual.widgets import Static

    from tests.conftest import ready
    from tui.app import build_app
    from tui.screens.dossier import DossierScreen

    data = tmp_path / "data"
    with Store.open(data) as store:
        candidate, _ = _ticked(store, _people(store))
    app = build_app(data)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = DossierScreen(candidate)
        await app.push_screen(screen)
        await ready(screen.loaded)
        await pilot.pause()
        identity = str(screen.query_one("#identity", Static).content)
        assert "en cours (provisoire : validé en l'état)" in identity
        text = str(screen.query_one("#grids", Static).content)
        assert "Bloc 1 : signature du représentant métier (Rémi Métier) attendue." in text
        assert "Carnet de suivi : 16 compétence(s) sans la signature du tuteur." in text


def test_a_signed_grid_counts_its_open_criteria_as_failed(refs: Referentials) -> None:
    comp = refs.conseil.block("gc.b2").competencies[0]
    ids = [k.id for k in comp.criteria]
    live = evaluate_cqp(refs.conseil, {"gc.b2": {ids[0]: V, ids[1]: N}})
    assert live.blocks[1].competencies[0].count.open == len(ids) - 2
    signed = settle(live, {"gc.b2"}, {"gc.b2"}).blocks[1].competencies[0]
    # Nothing more can be evaluated: the open criteria have failed, none is « encore » open.
    assert (signed.count.validated, signed.count.failed, signed.count.open) == (
        1,
        len(ids) - 1,
        0,
    )
    assert signed.status is Status.FAILED
    assert not any("Encore" in fact for fact in signed.explanation.facts)
    assert signed.explanation.facts[1] == (
        "Grille signée : les critères restés non évalués ne sont pas validés."
    )


def test_one_block_graded_validated_projects_pending_while_others_have_no_grid(
    refs: Referentials,
) -> None:
    """The projection counts the blocks with no grid as still pending: one block graded
    validated does not say the CQP would be obtained."""
    ref = refs.conseil
    first = ref.blocks[0]
    live = evaluate_cqp(ref, {first.id: {k.id: V for c in first.competencies for k in c.criteria}})
    verdict = settle(live, [], [first.id])
    assert verdict.status is Status.PENDING
    assert verdict.explanation.facts == (
        f"Verdict provisoire : {len(ref.blocks)} bloc(s) sans grille signée par les deux "
        "évaluateurs.",
        "Signées en l'état, les grilles ouvertes donneraient : en cours.",
    )
