"""Stations → secretariat: signed bundles, lossless and idempotent merge, gaps, conflicts,
receipts back to the station (no textual)."""

from __future__ import annotations

import base64
import hashlib
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.threshold import CriterionState
from store.bundle import seal_file
from store.keys import Ed25519PrivateKey, StationKey
from store.station import set_role
from store.store import Store
from store.sync import (
    export,
    import_files,
    own_events,
    public_key_of,
    station_key,
    sync_state,
)
from tests.signing import secret_of

V, N = CriterionState.VALIDATED, CriterionState.NOT_VALIDATED


def _station(folder: Path) -> tuple[str, str, list[str]]:
    """A station with one Gestionnaire conseil candidate and a grid under way."""
    with Store.open(folder) as store:
        tutor = store.create_person("Paul Tuteur", "CPAM du Rhône", ["tuteur"], "t")
        manager = store.create_person("Marie Manager", "CPAM du Rhône", ["manager"], "t")
        evaluator = store.create_person("Bruno Métier", "CAF", ["representant_metier"], "t")
        certifier = store.create_person("Claire Certif", "Ucanss", ["certificateur"], "t")
        candidate = store.create_candidate(
            "Jeanne Martin", "CPAM du Rhône", "gestionnaire-conseil", "t",
            tutor=tutor, manager=manager,
        )  # fmt: skip
        grid = store.open_grid(candidate, "gc.b2", "t", evaluator=evaluator, certifier=certifier)
        criteria = [k.id for c in store.referentials.conseil.block("gc.b2").competencies
                    for k in c.criteria]  # fmt: skip
        store.mark_criteria(candidate, grid, [(k, V, "") for k in criteria[:3]], "t")
    return candidate, grid, criteria


def _key_file(folder: Path) -> Path:
    with Store.open(folder) as store:
        path = folder.parent / f"{folder.name}.cle"
        path.write_bytes(public_key_of(store))
    return path


def _trust(folder: Path, *others: Path) -> None:
    from store.sync import confirm_trust, read_key_file

    with Store.open(folder) as store:
        for other in others:
            path = _key_file(other)
            confirm_trust(store, path, read_key_file(path).fingerprint)


def secretariat_for(station: Path, secretariat: Path) -> Path:
    """A secretariat's folder for a station's, each trusting the other."""
    from store.station import set_role

    with Store.open(secretariat):
        pass
    set_role(secretariat, "secretariat")
    _trust(secretariat, station)
    _trust(station, secretariat)
    return secretariat


def station_and_secretariat(tmp_path: Path) -> tuple[Path, Path, str, str, list[str]]:
    """A station a with a grid under way, and its secretariat s, each trusting the other:
    the folders, the candidate, the grid and its criteria."""
    station = tmp_path / "a"
    candidate, grid, criteria = _station(station)
    return station, secretariat_for(station, tmp_path / "s"), candidate, grid, criteria


def station_and_two_secretariats(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A station a and its secretariat s, each trusting the other, and another secretariat t
    that trusts nobody yet."""
    from store.station import set_role

    a, t = tmp_path / "a", tmp_path / "t"
    _station(a)
    with Store.open(t):
        pass
    set_role(t, "secretariat")
    return a, secretariat_for(a, tmp_path / "s"), t


def _id(folder: Path) -> str:
    identity: str = json.loads((folder / "station.json").read_bytes())["id"]
    return identity


def _export(folder: Path, name: str, everything: bool = False, pour: Path | None = None) -> Path:
    """A bundle for the folder's secretariat, or for the folder ``pour``."""
    with Store.open(folder) as store:
        recipient = None if pour is None else _id(pour)
        return export(store, folder.parent / name, everything=everything, pour=recipient).path


def _import(folder: Path, *paths: Path) -> Any:
    with Store.open(folder) as store:
        return import_files(store, list(paths), receipts_dir=folder.parent / "accuses")


def _files(folder: Path) -> dict[str, str]:
    """Every file under the data folder with its SHA-256: "nothing changed" made checkable."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name not in {"carnet.lock"}
    }


def test_round_trip_station_secretariat_receipt(pair: Any) -> None:
    station, secretariat, candidate, _, _ = pair
    bundle = _export(station, "lot1.carnet")
    report = _import(secretariat, bundle)
    assert not report.rejected and report.new_events > 0 and not report.gaps
    with Store.open(station) as a, Store.open(secretariat) as s:
        assert s.summary(candidate) == a.summary(candidate)
        assert sync_state(a).status_of(e["seq"] for e in own_events(a)) == "exporté, non confirmé"
    (receipt,) = report.receipts
    back = _import(station, receipt)
    assert not back.rejected and back.acknowledged == report.new_events
    with Store.open(station) as a:
        assert sync_state(a).status_of(e["seq"] for e in own_events(a)) == (
            "confirmé par le secrétariat"
        )
        # Nothing left to send; « --all » still sends everything.
        assert export(a, station.parent / "vide.carnet").events == 0
        assert export(a, station.parent / "tout.carnet", everything=True).events == len(
            own_events(a)
        )
    # An exchange folder shared both ways holds each side's own files: recognised by their
    # signature, set aside as such (not refused), and nothing taken from them.
    with Store.open(secretariat) as s:
        before = sync_state(s)
    again = _import(secretariat, receipt)
    (own,) = again.files
    assert (own.own, own.error, own.acknowledged, own.kind) == (True, None, 0, "receipt")
    assert own.recipient == _id(station) and not again.rejected and not again.receipts
    assert own.said("S") == (
        f": accusé de réception n° {own.number} écrit par ce poste pour {_id(station)} : "
        "rien à importer ici"
    )
    with Store.open(secretariat) as s:
        assert sync_state(s) == before
    (mine,) = _import(station, bundle).files
    assert (mine.own, mine.error, mine.kind, mine.new_events) == (True, None, "bundle", 0)
    assert mine.recipient == _id(secretariat) and mine.number == 1
    assert mine.said("P", "Secrétariat") == (
        ": lot n° 1 écrit par ce poste pour Secrétariat : rien à importer ici"
    )


def test_a_file_claiming_to_be_this_folders_own_but_signed_otherwise_is_refused(
    pair: Any,
) -> None:
    station, secretariat, *_ = pair
    stranger = StationKey(Ed25519PrivateKey.generate())
    forged = station.parent / "faux.carnet"
    content = {"for_station": _id(station), "ranges": [], "heads": [], "holds": {}}
    forged.write_bytes(seal_file("receipt", _id(secretariat), stranger, 7, content, count=0))
    (result,) = _import(secretariat, forged).files
    assert not result.own and result.error is not None and "signé" in result.error


def test_importing_twice_or_overlapping_changes_nothing(pair: Any) -> None:
    station, secretariat, candidate, grid, criteria = pair
    first = _export(station, "lot1.carnet")
    _import(secretariat, first)
    before = {
        k: v for k, v in _files(secretariat).items() if "dossiers" in k or k == "registry.json"
    }
    again = _import(secretariat, first)
    assert again.new_events == 0 and not again.rejected
    after = {
        k: v for k, v in _files(secretariat).items() if "dossiers" in k or k == "registry.json"
    }
    assert after == before
    with Store.open(station) as a:
        a.mark_criteria(candidate, grid, [(criteria[3], N, "")], "t")
    overlapping = _export(station, "lot2.carnet")  # nothing acknowledged: holds lot1 too
    report = _import(secretariat, overlapping, first)
    assert report.new_events == 1
    with Store.open(station) as a, Store.open(secretariat) as s:
        assert s.summary(candidate) == a.summary(candidate)
        events = s.snapshot(candidate).events
        assert len({e.id for e in events}) == len(events)


def test_a_gap_is_reported_and_what_arrived_is_kept(pair: Any) -> None:
    station, secretariat, candidate, grid, criteria = pair
    first = _export(station, "lot1.carnet")
    with Store.open(station) as a:
        for criterion in criteria[3:6]:
            a.mark_criteria(candidate, grid, [(criterion, N, "")], "t")
        mine = own_events(a)
        # Only the last event: the two before it never reach the secretariat.
        late = seal_file("bundle", a.station.id, station_key(a), 9, mine[-1:], count=1,
                         referentials={r.id: r.version for r in a.referentials.all()})  # fmt: skip
    path = station.parent / "tardif.carnet"
    path.write_bytes(late)
    report = _import(secretariat, first, path)
    assert not report.rejected
    last = mine[-1]["seq"]
    assert list(report.gaps.values()) == [[(last - 2, last - 1)]]
    with Store.open(secretariat) as s:
        assert any(e.id == mine[-1]["id"] for e in s.snapshot(candidate).events)
    # The full bundle fills the gap, its chain checked against both edges.
    full = _import(secretariat, _export(station, "lot2.carnet"))
    assert not full.rejected and not full.gaps and full.new_events == 2


def conflicting(tmp_path: Path) -> tuple[Path, str, str, list[str]]:
    """Station b imports a's candidate; both then mark one criterion differently (and b another
    one, with no clash); the secretariat s imports both. Returns s, candidate, grid, criteria."""
    a, b, s = tmp_path / "a", tmp_path / "b", tmp_path / "s"
    candidate, grid, criteria = _station(a)
    for folder in (b, s):
        with Store.open(folder):
            pass
    set_role(s, "secretariat")
    _trust(b, a, s)
    _trust(a, b, s)
    _trust(s, a, b)
    _import(b, _export(a, "a1.carnet", pour=b))
    with Store.open(a) as sa:
        sa.mark_criteria(candidate, grid, [(criteria[4], V, "vu en situation")], "t")
    with Store.open(b) as sb:
        sb.mark_criteria(candidate, grid, [(criteria[4], N, "non observé")], "t")
        sb.mark_criteria(candidate, grid, [(criteria[5], V, "")], "t")  # no clash: kept
    report = _import(s, _export(a, "a2.carnet"), _export(b, "b1.carnet"))
    assert not report.rejected
    return s, candidate, grid, criteria


def test_two_stations_editing_one_grid_give_a_flagged_conflict(tmp_path: Path) -> None:
    s, candidate, grid, criteria = conflicting(tmp_path)
    with Store.open(s) as store:
        snap = store.snapshot(candidate)
        (conflict,) = snap.state.open_conflicts
        assert conflict.key == f"criterion:{grid}:{criteria[4]}"
        assert {src.value[0] for src in conflict.sources} == {V, N}
        assert snap.state.grids[grid].states[criteria[5]] is V
        record = store.summary(candidate)
        assert record["conflicts"][0]["key"] == conflict.key
        chosen = next(src for src in conflict.sources if src.value[0] is N)
        agent = store.create_person("Sam Secrétariat", "Ucanss", ["secretariat"], "s")
        store.resolve_conflict(
            candidate,
            conflict.key,
            chosen.event,
            "Vérifié avec l'évaluateur.",
            agent,
            secret_of(store, agent),
        )
        after = store.snapshot(candidate)
        assert not after.state.open_conflicts
        assert after.state.grids[grid].states[criteria[4]] is N
        assert after.events[-1].type == "conflict.resolved"
        assert store.summary(candidate)["conflicts"] == []


# --- bad bundles ------------------------------------------------------------------------------


def _refused(secretariat: Path, data: bytes, name: str = "mauvais.carnet") -> str:
    path = secretariat.parent / name
    path.write_bytes(data)
    before = _files(secretariat)
    report = _import(secretariat, path)
    (result,) = report.files
    assert result.error, "the bundle should have been refused"
    assert _files(secretariat) == before, "a refused bundle must change nothing"
    return result.error


def _envelope(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_bytes().partition(b"\n")[0])
    return data


def _with(path: Path, envelope: dict[str, Any]) -> bytes:
    """The file with its first line replaced, its content kept."""
    return json.dumps(envelope).encode() + b"\n" + path.read_bytes().partition(b"\n")[2]


def test_each_kind_of_bad_bundle_is_refused_whole(pair: Any) -> None:
    station, secretariat, *_ = pair
    good = _export(station, "lot1.carnet")
    raw = good.read_bytes()
    assert "tronqué" in _refused(secretariat, raw[: len(raw) // 2])
    assert "tronqué" in _refused(secretariat, raw[:200])
    # Encrypted: the candidate's name is nowhere in the file; one byte changed is caught.
    assert b"Jeanne Martin" not in raw and b"Paul Tuteur" not in raw
    middle = len(raw) - 100
    altered = raw[:middle] + bytes([raw[middle] ^ 1]) + raw[middle + 1 :]
    assert "altéré" in _refused(secretariat, altered)
    env = _envelope(good)
    env["header"]["count"] += 1
    assert "signature invalide" in _refused(secretariat, _with(good, env))
    env = _envelope(good)
    env["version"] = 3
    assert "version de format inconnue" in _refused(secretariat, _with(good, env))
    assert "pas un lot" in _refused(secretariat, b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    assert "pas un lot" in _refused(secretariat, b'{"bonjour": 1}')
    assert "pas un lot" in _refused(secretariat, b"[1, 2, 3]")
    assert "pas un lot" in _refused(secretariat, b"")

    # Signed by a key the secretariat does not know, under an unknown station id…
    stranger = StationKey(Ed25519PrivateKey.generate())
    with Store.open(station) as a:
        events = own_events(a)
        refs = {r.id: r.version for r in a.referentials.all()}
        station_id = a.station.id
    unknown = seal_file(
        "bundle", "poste-inconnu", stranger, 1, events, count=len(events), referentials=refs
    )
    assert "poste inconnu" in _refused(secretariat, unknown)
    # …or claiming to be a known station.
    forged = seal_file(
        "bundle", station_id, stranger, 1, events, count=len(events), referentials=refs
    )
    assert "autre clé" in _refused(secretariat, forged)
    # A referential version this secretariat does not have.
    with Store.open(station) as a:
        other = seal_file("bundle", station_id, station_key(a), 1, events, count=len(events),
                          referentials={**refs, "gestionnaire-conseil": "9"})  # fmt: skip
    assert "référentiel inconnu" in _refused(secretariat, other)
    # A path in a dossier name, signed by the real key: refused all the same.
    with Store.open(station) as a:
        bad = [dict(e) for e in events]
        from models.events import content_hash

        bad[-1]["dossier"] = "../../évasion"
        bad[-1]["hash"] = content_hash(bad[-1])
        sneaky = seal_file("bundle", station_id, station_key(a), 1, bad, count=len(bad),
                           referentials=refs)  # fmt: skip
    assert "refusé" in _refused(secretariat, sneaky)
    # After all this, the real bundle still imports in full.
    assert not _import(secretariat, good).rejected


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_mutated_or_random_bytes_are_refused_cleanly(pair: Any, data: Any) -> None:
    station, secretariat, *_ = pair
    good = station.parent / "lot-hypothese.carnet"
    if not good.exists():
        good = _export(station, good.name)
    raw = bytearray(good.read_bytes())
    how = data.draw(st.sampled_from(["flip", "truncate", "random", "splice"]))
    if how == "flip":
        for _ in range(data.draw(st.integers(1, 4))):
            at = data.draw(st.integers(0, len(raw) - 1))
            raw[at] = (raw[at] + data.draw(st.integers(1, 255))) % 256
    elif how == "truncate":
        raw = raw[: data.draw(st.integers(0, len(raw) - 1))]
    elif how == "random":
        raw = bytearray(data.draw(st.binary(max_size=2000)))
    else:
        at = data.draw(st.integers(0, len(raw)))
        raw[at:at] = data.draw(st.binary(min_size=1, max_size=50))
    path = secretariat.parent / "mute.carnet"
    path.write_bytes(bytes(raw))
    before = _files(secretariat)
    report = _import(secretariat, path)
    (result,) = report.files
    if result.error is None:
        # Only a change JSON ignores (spacing) can pass, and then it is the genuine bundle.
        first, _, body = bytes(raw).partition(b"\n")
        assert body == good.read_bytes().partition(b"\n")[2]
        assert base64.b64decode(json.loads(first)["signature"]) == base64.b64decode(
            _envelope(good)["signature"]
        )
    else:
        assert _files(secretariat) == before


def test_two_marks_or_two_signatures_for_one_thing_are_conflicts(tmp_path: Path) -> None:
    a, b, s = tmp_path / "a", tmp_path / "b", tmp_path / "s"
    with Store.open(a) as sa:
        tutor = sa.create_person("Paul Tuteur", "CPAM", ["tuteur"], "t")
        other = sa.create_person("Théo Tuteur", "CPAM", ["tuteur"], "t")
        manager = sa.create_person("Marie Manager", "CPAM", ["manager"], "t")
        agent = sa.create_person("Sam Secrétariat", "Ucanss", ["secretariat"], "t")
        conseil = sa.create_candidate("Jeanne", "CPAM", "gestionnaire-conseil", "t",
                                      tutor=tutor, manager=manager)  # fmt: skip
        sa.declare_link(conseil, other, "tuteur", "t")
        carriere = sa.create_candidate(
            "Luc", "Carsat Bretagne", "gestionnaire-carriere", "t", route="parcours_formation"
        )
    for folder in (b, s):
        with Store.open(folder):
            pass
    set_role(s, "secretariat")
    _trust(b, a, s)
    _trust(a, b, s)
    _trust(s, a, b)
    _import(b, _export(a, "a1.carnet", pour=b))
    with Store.open(a) as sa:
        sa.enter_mark(carriere, "ecrit", "12", agent)
        sa.sign_attestation(
            conseil, "gc.b1.c1", "tuteur", tutor, "Accueil d'un assuré.", secret_of(sa, tutor)
        )
    with Store.open(b) as sb:
        sb.enter_mark(carriere, "ecrit", "14,5", agent)
        sb.sign_attestation(
            conseil, "gc.b1.c1", "tuteur", other, "Appel d'une allocataire.", secret_of(sb, other)
        )
    _import(s, _export(a, "a2.carnet"), _export(b, "b1.carnet"))
    with Store.open(s) as store:
        (mark,) = store.snapshot(carriere).state.open_conflicts
        assert mark.key == "mark:ecrit" and {x.value for x in mark.sources} == {
            (Decimal(12),),
            (Decimal("14.5"),),
        }
        (signature,) = store.snapshot(conseil).state.open_conflicts
        assert signature.key == "attestation:gc.b1.c1:tuteur"
        assert {x.value for x in signature.sources} == {(tutor,), (other,)}
        chosen = next(x for x in mark.sources if x.value == (Decimal("14.5"),))
        store.resolve_conflict(
            carriere,
            mark.key,
            chosen.event,
            "Copie revue par le jury.",
            agent,
            secret_of(store, agent),
        )
        assert store.snapshot(carriere).state.career.marks["ecrit"] == Decimal("14.5")


def crash_in_worker(path: Path) -> Any:
    """A worker process that dies (killed, out of memory)."""
    import os

    os._exit(1)


@pytest.mark.slow  # spawns worker processes
def test_import_survives_its_worker_processes_dying(
    pair: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import store.sync as sync

    station, secretariat, candidate, grid, criteria = pair
    bundles = [_export(station, "lot1.carnet")]
    with Store.open(station) as a:
        for number, criterion in enumerate(criteria[3:5]):
            a.mark_criteria(candidate, grid, [(criterion, N, "")], "t")
            bundles.append(export(a, station.parent / f"lot{number + 2}.carnet").path)
    monkeypatch.setattr(sync, "POOL_FROM", 1)
    monkeypatch.setattr(sync, "_check_in_worker", crash_in_worker)
    report = _import(secretariat, *bundles)
    assert not report.rejected and not report.gaps
    with Store.open(station) as a, Store.open(secretariat) as s:
        assert s.summary(candidate) == a.summary(candidate)
