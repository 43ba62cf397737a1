"""One replication model for every folder: the secretariat forwards and distributes, each
event verifiable against its origin's key; decisions made at the secretariat come back to the
stations (no textual)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from models.events import content_hash
from store.bundle import Recipient, seal_file
from store.keys import TrustStore
from store.station import set_role
from store.store import Store
from store.sync import assign, export, import_files, station_key
from tests.signing import secret_of
from tests.test_sync import _export, _files, _id, _import, _trust


def _folders(tmp_path: Path) -> tuple[Path, Path, Path]:
    """Stations a and b, the secretariat s: each station trusts s, s trusts both; a and b
    know nothing of each other."""
    a, b, s = tmp_path / "a", tmp_path / "b", tmp_path / "s"
    for folder in (a, b, s):
        with Store.open(folder):
            pass
    set_role(s, "secretariat")
    _trust(a, s)
    _trust(b, s)
    _trust(s, a, b)
    return a, b, s


def _career_candidate(a: Path) -> str:
    with Store.open(a) as store:
        return store.create_candidate(
            "Luc Martin", "Carsat Bretagne", "gestionnaire-carriere", "t",
            route="parcours_formation",
        )  # fmt: skip


def _agent(folder: Path) -> str:
    """The folder's secretariat agent (created once): the referential has the marks of the
    training routes entered by the secretariat, and its agents settle conflicts."""
    name = f"Agent {folder.name}"
    with Store.open(folder) as store:
        found = [p for p, x in store.people().items() if x.name == name]
        return found[0] if found else store.create_person(name, "Ucanss", ["secretariat"], "t")


def _status(folder: Path, candidate: str) -> dict[str, Any]:
    with Store.open(folder) as store:
        record = store.summary(candidate)
    return json.loads(json.dumps(record, default=str))  # type: ignore[no-any-return]


def _mark(folder: Path, candidate: str) -> Decimal | None:
    with Store.open(folder) as store:
        return store.snapshot(candidate).state.career.marks.get("cc_interbranche")


@pytest.fixture
def settled(tmp_path: Path) -> tuple[Path, Path, Path, str]:
    """The issue's case: a mark entered as 9 at a and 14 at b, 14 kept at the secretariat."""
    a, b, s = _folders(tmp_path)
    candidate = _career_candidate(a)
    assert not _import(s, _export(a, "a1.carnet")).rejected
    with Store.open(s) as store:
        assign(store, candidate, _id(b), [], "secretariat")
    to_b = _import(b, _export(s, "s-b1.carnet", pour=b))
    assert not to_b.rejected and to_b.new_events > 0
    at_a, at_b, at_s = _agent(a), _agent(b), _agent(s)
    with Store.open(a) as store:
        store.enter_mark(candidate, "cc_interbranche", "9", at_a, by=at_a)
    with Store.open(b) as store:
        store.enter_mark(candidate, "cc_interbranche", "14", at_b, by=at_b)
    assert not _import(s, _export(a, "a2.carnet"), _export(b, "b1.carnet")).rejected
    with Store.open(s) as store:
        (conflict,) = store.snapshot(candidate).state.open_conflicts
        chosen = next(x for x in conflict.sources if x.value == (Decimal(14),))
        store.resolve_conflict(
            candidate, conflict.key, chosen.event, "Copie revue.", at_s, secret_of(store, at_s)
        )
    return a, b, s, candidate


def test_a_decision_of_the_secretariat_comes_back_to_every_station(settled: Any) -> None:
    a, b, s, candidate = settled
    for station, name in ((a, "s-a.carnet"), (b, "s-b2.carnet")):
        report = _import(station, _export(s, name, pour=station))
        # Today: « aucun conflit ouvert sur mark:cc_interbranche », a keeps 9,00.
        assert not report.rejected, report.rejected[0].error
    for folder in (a, b, s):
        assert _mark(folder, candidate) == Decimal(14)
        with Store.open(folder) as store:
            assert not store.snapshot(candidate).state.open_conflicts
    # Each station's view of its candidate equals the secretariat's.
    assert _status(a, candidate) == _status(s, candidate) == _status(b, candidate)
    # The secretariat's bundle acknowledged what it holds: nothing of a is left to send.
    with Store.open(a) as store:
        assert export(store, a.parent / "a-vide.carnet").events == 0


def test_the_secretariat_forwards_with_each_origins_key(settled: Any) -> None:
    a, b, s, candidate = settled
    bundle = _export(s, "s-b2.carnet", pour=b)
    # b never trusted a: a's key came vouched by the secretariat, with a's events.
    report = _import(b, bundle)
    assert not report.rejected
    assert _id(a) in TrustStore(b).keys and TrustStore(b).keys[_id(a)].role == "poste"
    # With the name and organisme the secretariat knows it by (for b's stations view).
    vouched, known = TrustStore(b).keys[_id(a)], TrustStore(s).keys[_id(a)]
    assert (vouched.name, vouched.organisme) == (known.name, known.organisme)
    with Store.open(b) as store:
        stations = {e.station for e in store.snapshot(candidate).events}
    assert stations == {_id(a), _id(b), _id(s)}
    # Again: nothing new, nothing changed.
    before = {k: v for k, v in _files(b).items() if k.startswith("dossiers")}
    again = _import(b, _export(s, "s-b3.carnet", pour=b))
    assert not again.rejected and again.new_events == 0
    assert {k: v for k, v in _files(b).items() if k.startswith("dossiers")} == before


def test_a_forwarded_event_without_its_origins_signature_is_refused(settled: Any) -> None:
    """The secretariat's key cannot vouch for an event a station never recorded."""
    a, b, s, candidate = settled
    with Store.open(s) as store:
        held = [dict(r) for r in store.raw_events(candidate).values() if r["station"] == _id(a)]
        forged = dict(held[-1])
        forged["payload"] = {**forged["payload"], "mark": "20"}
        forged["hash"] = content_hash(forged)
        b_key = TrustStore(s).keys[_id(b)]
        assert b_key.encryption is not None
        content = {"events": [forged], "heads": {}, "holds": {}, "keys": []}
        data = seal_file(
            "bundle", store.station.id, station_key(store), 99, content, count=1,
            referentials={r.id: r.version for r in store.referentials.all()},
            sender=store.station, recipient=Recipient(_id(b), b_key.encryption),
        )  # fmt: skip
    path = s.parent / "faux.carnet"
    path.write_bytes(data)
    _import(b, _export(s, "s-b2.carnet", pour=b))  # b knows a's key now
    before = _files(b)
    (result,) = _import(b, path).files
    assert result.error == (
        f"événement n° {forged['seq']} du poste {_id(a)} sans signature de son poste (aucune "
        "tête signée ne le couvre) : lot refusé, rien n'est appliqué"
    )
    assert _files(b) == before


def test_a_replayed_old_secretariat_bundle_changes_nothing(settled: Any) -> None:
    _, b, s, candidate = settled
    old = s.parent / "s-b1.carnet"
    assert not _import(b, _export(s, "s-b2.carnet", pour=b)).rejected
    before = {k: v for k, v in _files(b).items() if k.startswith("dossiers")}
    report = _import(b, old)
    assert not report.rejected and report.new_events == 0
    (result,) = report.files
    # Said as such, not only « 0 nouvel(s) » (a newcomer's walk: not flagged as a replay).
    assert result.imported_before == 1
    assert result.said("S") == (
        ": de S, lot n° 1 déjà importé ici : rien de nouveau, rien n'est appliqué deux fois "
        f"({result.known_events} événement(s) déjà reçu(s))"
    )
    assert {k: v for k, v in _files(b).items() if k.startswith("dossiers")} == before
    assert _mark(b, candidate) == Decimal(14)


def test_a_station_forwards_what_it_received_to_the_secretariat(tmp_path: Path) -> None:
    """The tutor's station hands a dossier to the evaluator's laptop, which sends it all on."""
    a, b, s = _folders(tmp_path)
    _trust(a, b)
    _trust(b, a)
    candidate = _career_candidate(a)
    assert not _import(b, _export(a, "a-b.carnet", pour=b)).rejected
    agent = _agent(b)
    with Store.open(b) as store:
        store.enter_mark(candidate, "ecrit", "12,5", agent, by=agent)
    report = _import(s, _export(b, "b-s.carnet"))
    assert not report.rejected
    assert _status(s, candidate) == _status(b, candidate)
    assert _mark(s, candidate) is None
    with Store.open(s) as store:
        assert store.snapshot(candidate).state.career.marks["ecrit"] == Decimal("12.5")
    # a's bundle arrives later: its events were there already.
    late = _import(s, _export(a, "a-s.carnet"))
    assert not late.rejected and late.new_events == 0


def test_secretariat_exports_for_one_station_only_its_candidates(tmp_path: Path) -> None:
    a, b, s = _folders(tmp_path)
    mine = _career_candidate(a)
    with Store.open(b) as store:
        other = store.create_candidate("Zoé", "CAF", "gestionnaire-carriere", "t",
                                       route="parcours_formation")  # fmt: skip
    _import(s, _export(a, "a.carnet"), _export(b, "b.carnet"))
    with Store.open(s) as store, pytest.raises(Exception, match="--pour"):
        export(store, s.parent / "x.carnet")
    assert not _import(a, _export(s, "s-a.carnet", pour=a)).rejected
    with Store.open(a) as store:
        assert store.candidate_ids() == [mine] != [other]
    with Store.open(s) as store, pytest.raises(Exception, match="poste inconnu"):
        assign(store, mine, "poste-000000000000", [], "s")


def test_import_reports_its_parts(tmp_path: Path) -> None:
    a, _, s = _folders(tmp_path)
    _career_candidate(a)
    with Store.open(s) as store:
        report = import_files(store, [_export(a, "a.carnet")], receipts_dir=tmp_path / "acc")
    assert report.receipts and report.new_events > 0


def test_events_of_an_origin_unknown_here_are_refused(tmp_path: Path) -> None:
    """A peer forwards events recorded by a folder the recipient has never trusted."""
    a, b, _ = _folders(tmp_path)
    c = tmp_path / "c"
    with Store.open(c):
        pass
    _trust(c, a)
    _trust(a, b, c)
    _trust(b, a)
    _career_candidate(c)
    assert not _import(a, _export(c, "c-a.carnet", pour=a)).rejected
    bundle = _export(a, "a-b.carnet", pour=b)
    before = _files(b)
    (result,) = _import(b, bundle).files
    assert result.error is not None and "inconnu ici" in result.error
    assert _files(b) == before


def test_part_of_a_stations_chain_is_forwarded_with_its_spine(tmp_path: Path) -> None:
    """The secretariat sends the laptop one of the tutor's candidates, not the others: the
    events travel without their neighbours, checked against the list of hashes the tutor's
    station signed."""
    a, b, s = _folders(tmp_path)
    given = _career_candidate(a)
    agent = _agent(a)
    with Store.open(a) as store:
        kept = store.create_candidate("Autre Personne", "CPAM", "gestionnaire-carriere", "t",
                                      route="parcours_formation")  # fmt: skip
        store.enter_mark(given, "ecrit", "15", agent, by=agent)
        store.enter_mark(kept, "ecrit", "8", agent, by=agent)
    assert not _import(s, _export(a, "a.carnet")).rejected
    with Store.open(s) as store:
        assign(store, given, _id(b), [], "s")
    report = _import(b, _export(s, "s-b.carnet", pour=b))
    assert not report.rejected, report.rejected[0].error
    with Store.open(b) as store:
        assert store.candidate_ids() == [given]
    assert _status(b, given) == _status(s, given)
    # The laptop can pass them on: the spine came with them.
    c = tmp_path / "c"
    with Store.open(c):
        pass
    _trust(b, c)
    _trust(c, b, a, s)
    forwarded = _import(c, _export(b, "b-c.carnet", pour=c))
    assert not forwarded.rejected, forwarded.rejected[0].error
    assert _status(c, given) == _status(s, given)


def test_the_secretariats_own_events_can_be_passed_on(tmp_path: Path) -> None:
    """A resolution recorded at the secretariat, received by a station among others it does
    not receive, goes on from that station to the evaluator's laptop."""
    a, b, s = _folders(tmp_path)
    first, second = _career_candidate(a), _career_candidate(a)
    assert not _import(s, _export(a, "a.carnet")).rejected
    with Store.open(s) as store:
        assign(store, first, _id(b), [], "s")
        assign(store, second, _id(a), [], "s")
    assert not _import(a, _export(s, "s-a.carnet", pour=a)).rejected
    c = tmp_path / "c"
    with Store.open(c):
        pass
    _trust(a, c)
    _trust(c, a, s)
    forwarded = _import(c, _export(a, "a-c.carnet", pour=c))
    assert not forwarded.rejected, forwarded.rejected[0].error
    assert _status(c, second) == _status(s, second)


def test_a_station_passes_on_what_it_received_in_part_from_the_secretariat(
    tmp_path: Path,
) -> None:
    """The secretariat's events reach a station in part (not another station's candidates);
    the list of their hashes that comes with them lets the station forward those it has to
    the evaluator's laptop, each still checked against the secretariat's key."""
    a, b, s = _folders(tmp_path)
    _trust(a, b)
    _trust(b, a)
    with Store.open(s) as store:
        store.create_candidate("Luc Martin", "Carsat Bretagne", "gestionnaire-conseil", "t")
        store.create_person("Sam Secrétariat", "Ucanss", ["secretariat"], "t")
    assert _import(a, _export(s, "s-a.carnet", pour=a)).new_events == 1  # the person only
    report = _import(b, _export(a, "a-b.carnet", pour=b))
    assert not report.rejected and report.new_events == 1
    with Store.open(b) as store:
        assert [p.name for p in store.people().values()] == ["Sam Secrétariat"]
        assert store.candidate_ids() == []
