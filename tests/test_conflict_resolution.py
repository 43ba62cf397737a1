"""What the secretariat's choice puts back in force, field by field: the chosen mark with who
entered it and when, the chosen signature with its signer, time and situation, the chosen
criterion with its comment; and who settled the conflict, when and why (no textual)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from models.career import MarkRecord
from models.dossier import Signature
from models.events import EventError
from models.threshold import CriterionState
from store.errors import StoreError
from store.station import set_role
from store.store import Store
from tests.signing import secret_of
from tests.test_sync import _export, _import, _trust

V, N = CriterionState.VALIDATED, CriterionState.NOT_VALIDATED


def _three_stations(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """a and b set one mark, one signature and one criterion differently, unaware of each
    other; s receives both. Returns s and the ids involved."""
    a, b, s = tmp_path / "a", tmp_path / "b", tmp_path / "s"
    ids: dict[str, str] = {}
    with Store.open(a) as sa:
        ids["tutor"] = sa.create_person("Paul Tuteur", "CPAM", ["tuteur"], "t")
        ids["other"] = sa.create_person("Théo Tuteur", "CPAM", ["tuteur"], "t")
        manager = sa.create_person("Marie Manager", "CPAM", ["manager"], "t")
        # The secretariat enters the marks it receives (the referential), and settles.
        ids["agent_a"] = sa.create_person("Sam Secrétariat", "Ucanss", ["secretariat"], "t")
        ids["agent_b"] = sa.create_person("Sarah Secrétariat", "Ucanss", ["secretariat"], "t")
        evaluator = sa.create_person("Bruno Métier", "CAF", ["representant_metier"], "t")
        certifier = sa.create_person("Claire Certif", "Ucanss", ["certificateur"], "t")
        ids["conseil"] = sa.create_candidate("Jeanne", "CPAM", "gestionnaire-conseil", "t",
                                             tutor=ids["tutor"], manager=manager)  # fmt: skip
        sa.declare_link(ids["conseil"], ids["other"], "tuteur", "t")
        ids["grid"] = sa.open_grid(ids["conseil"], "gc.b3", "t", evaluator=evaluator,
                                   certifier=certifier)  # fmt: skip
        ids["carriere"] = sa.create_candidate(
            "Luc", "Carsat Bretagne", "gestionnaire-carriere", "t", route="parcours_formation"
        )
    for folder in (b, s):
        with Store.open(folder):
            pass
    # Bundles go encrypted to a trusted secretariat; b receives a's candidates through one
    # addressed to it, as issue 12's exchanges do.
    set_role(s, "secretariat")
    _trust(b, a, s)
    _trust(a, b, s)
    _trust(s, a, b)
    _import(b, _export(a, "a1.carnet", pour=b))
    criterion = "gc.b3.c1.k1"
    with Store.open(a) as sa:
        sa.enter_mark(ids["carriere"], "ecrit", "12", ids["agent_a"], by=ids["agent_a"])
        sa.sign_attestation(ids["conseil"], "gc.b1.c1", "tuteur", ids["tutor"], "Accueil.",
                            secret_of(sa, ids["tutor"]))  # fmt: skip
        sa.mark_criteria(ids["conseil"], ids["grid"], [(criterion, V, "vu en situation")], "t")
    with Store.open(b) as sb:
        sb.enter_mark(ids["carriere"], "ecrit", "14,5", ids["agent_b"], by=ids["agent_b"])
        sb.sign_attestation(ids["conseil"], "gc.b1.c1", "tuteur", ids["other"], "Appel.",
                            secret_of(sb, ids["other"]))  # fmt: skip
        sb.mark_criteria(ids["conseil"], ids["grid"], [(criterion, N, "non observé")], "t")
    report = _import(s, _export(a, "a2.carnet"), _export(b, "b1.carnet"))
    assert not report.rejected
    return s, ids


def _pick(conflict: Any, value: tuple[object, ...]) -> Any:
    """The source whose value starts with ``value`` (a criterion's also holds its comment)."""
    return next(src for src in conflict.sources if src.value[: len(value)] == value)


def test_the_chosen_values_come_back_whole(tmp_path: Path) -> None:
    s, ids = _three_stations(tmp_path)
    with Store.open(s) as store:
        conseil = store.snapshot(ids["conseil"]).state
        carriere = store.snapshot(ids["carriere"]).state
        mark = next(c for c in carriere.open_conflicts if c.key == "mark:ecrit")
        signature = next(c for c in conseil.open_conflicts if c.key.startswith("attestation:"))
        criterion = next(c for c in conseil.open_conflicts if c.key.startswith("criterion:"))
        # The value on screen stays the first one received until someone chooses.
        assert carriere.career.marks["ecrit"] == Decimal(12)

        chosen_mark = _pick(mark, (Decimal("14.5"),))
        store.resolve_conflict(
            ids["carriere"],
            mark.key,
            chosen_mark.event,
            " Copie revue. ",
            ids["agent_a"],
            secret_of(store, ids["agent_a"]),
        )
        chosen_signature = _pick(signature, (ids["other"],))
        store.resolve_conflict(
            ids["conseil"],
            signature.key,
            chosen_signature.event,
            "Tuteur du jour.",
            ids["agent_a"],
            secret_of(store, ids["agent_a"]),
        )
        chosen_criterion = _pick(criterion, (N,))
        store.resolve_conflict(
            ids["conseil"],
            criterion.key,
            chosen_criterion.event,
            "Vu avec Bruno.",
            ids["agent_a"],
            secret_of(store, ids["agent_a"]),
        )

        carriere_snap = store.snapshot(ids["carriere"])
        career = carriere_snap.state.career
        assert career.marks["ecrit"] == Decimal("14.5")
        assert career.mark_records["ecrit"] == MarkRecord(
            "ecrit", Decimal("14.5"), ids["agent_b"], chosen_mark.ts
        )
        settled = carriere_snap.state.conflicts[mark.key]
        resolution = carriere_snap.events[-1]
        assert resolution.type == "conflict.resolved"
        assert not settled.open
        assert (settled.chosen, settled.reason) == (chosen_mark.event, "Copie revue.")
        assert (settled.resolved_by, settled.resolved_ts) == (ids["agent_a"], resolution.ts)
        assert carriere_snap.state.sources[mark.key].event == chosen_mark.event

        state = store.snapshot(ids["conseil"]).state
        assert state.attestations["gc.b1.c1"]["tuteur"] == Signature(
            ids["other"], chosen_signature.ts, "Appel."
        )
        grid = state.grids[ids["grid"]]
        assert grid.states["gc.b3.c1.k1"] is N
        assert grid.comments["gc.b3.c1.k1"] == "non observé"
        assert state.sources[criterion.key].event == chosen_criterion.event
        assert not state.open_conflicts and not carriere_snap.state.open_conflicts


def test_a_choice_outside_the_conflict_or_on_a_settled_one_is_refused(tmp_path: Path) -> None:
    s, ids = _three_stations(tmp_path)
    with Store.open(s) as store:
        (mark,) = store.snapshot(ids["carriere"]).state.open_conflicts
        stranger = store.snapshot(ids["carriere"]).events[0].id
        with pytest.raises((StoreError, EventError)) as outside:
            store.resolve_conflict(
                ids["carriere"],
                mark.key,
                stranger,
                "Au hasard.",
                ids["agent_a"],
                secret_of(store, ids["agent_a"]),
            )
        assert "la valeur choisie ne fait pas partie du conflit" in str(outside.value)
        store.resolve_conflict(
            ids["carriere"],
            mark.key,
            mark.sources[0].event,
            "Vu.",
            ids["agent_a"],
            secret_of(store, ids["agent_a"]),
        )
        with pytest.raises((StoreError, EventError)) as again:
            store.resolve_conflict(
                ids["carriere"],
                mark.key,
                mark.sources[1].event,
                "Non.",
                ids["agent_a"],
                secret_of(store, ids["agent_a"]),
            )
        assert f"aucun conflit ouvert sur {mark.key}" in str(again.value)
        with pytest.raises((StoreError, EventError)) as unknown:
            store.resolve_conflict(
                ids["carriere"],
                "mark:oral",
                mark.sources[1].event,
                "Sans objet.",
                ids["agent_a"],
                secret_of(store, ids["agent_a"]),
            )
        assert "aucun conflit ouvert sur mark:oral" in str(unknown.value)
        assert store.snapshot(ids["carriere"]).state.career.marks["ecrit"] == Decimal(12)


def test_a_settled_conflict_stays_settled_through_later_changes(tmp_path: Path) -> None:
    s, ids = _three_stations(tmp_path)
    with Store.open(s) as store:
        (mark,) = store.snapshot(ids["carriere"]).state.open_conflicts
        store.resolve_conflict(
            ids["carriere"],
            mark.key,
            mark.sources[1].event,
            "Vu.",
            ids["agent_a"],
            secret_of(store, ids["agent_a"]),
        )
        settled = store.snapshot(ids["carriere"]).state.conflicts[mark.key]
        # Each later change is tried on a copy of the dossier's state first.
        store.enter_mark(ids["carriere"], "apt", "15", ids["agent_a"], by=ids["agent_a"])
        after = store.snapshot(ids["carriere"]).state.conflicts[mark.key]
        assert (after.chosen, after.reason, after.resolved_by, after.resolved_ts) == (
            settled.chosen, "Vu.", ids["agent_a"], settled.resolved_ts,
        )  # fmt: skip
        assert after.resolved_ts
