"""The exchange's guarantees that a mutation run found unguarded (issue 9): applied once after
an interrupted import, chains checked inside a bundle and against what was received before,
a bundle's signature checked against its own station's key, an event that no longer fits set
aside, the station key readable by its owner only. Each test goes through the public API and
fails if the one check it is about is removed (no textual here)."""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from models.events import canonical, content_hash
from models.threshold import CriterionState
from store.bundle import seal_file
from store.keys import KEY_NAME, StationKey, load_or_create_encryption_key, load_or_create_key
from store.layout import REGISTRY
from store.station import set_role
from store.store import Store
from store.sync import LEDGER_NAME, Ledger, own_events, station_key
from tests.conftest import umask as process_umask
from tests.signing import secret_of
from tests.test_sync import _export, _files, _import, _station, _trust

V, N = CriterionState.VALIDATED, CriterionState.NOT_VALIDATED
ROOT = Path(__file__).parent.parent


def _refs(store: Store) -> dict[str, str]:
    return {r.id: r.version for r in store.referentials.all()}


def _sealed(folder: Path, events: list[dict[str, Any]], number: int = 50) -> bytes:
    """A bundle of ``events`` signed by the station's own key: everything a forger with the
    station's key, or a bug in the station, could produce."""
    with Store.open(folder) as store:
        return seal_file("bundle", store.station.id, station_key(store), number, events,
                         count=len(events), referentials=_refs(store))  # fmt: skip


def _resealed(raw: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """An event with some fields changed and its own hash made right again."""
    event = {**raw, **changes}
    event["hash"] = content_hash(event)
    return event


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder.parent / name
    path.write_bytes(data)
    return path


def _only_error(report: Any) -> str:
    (result,) = report.files
    assert result.error is not None, "the bundle should have been refused"
    return str(result.error)


def _station_events(folder: Path) -> list[dict[str, Any]]:
    with Store.open(folder) as store:
        return own_events(store)


def _received(secretariat: Path) -> dict[str, list[list[Any]]]:
    """What the secretariat's ledger records as received, per station."""
    return Ledger(secretariat).stations


# --- applied once, even after an interrupted import -----------------------------------------


class _Killed(BaseException):
    """Stands for the process dying: nothing after it runs, not even ``except Exception``."""


def _dossier_files(folder: Path) -> dict[str, str]:
    return {
        k: v for k, v in _files(folder).items() if k.startswith("dossiers/") or k == "registry.json"
    }


def _assert_applied_once(station: Path, secretariat: Path, candidate: str) -> None:
    with Store.open(station) as a, Store.open(secretariat) as s:
        mine = [e for e in own_events(a) if e["dossier"] == candidate]
        held = [e for e in s.snapshot(candidate).events if e.station == a.station.id]
        assert sorted(e.id for e in held) == sorted(e["id"] for e in mine)
        assert s.summary(candidate) == a.summary(candidate)
        people = [e for e in s.raw_events(REGISTRY).values() if e["station"] == a.station.id]
        assert len({e["id"] for e in people}) == len(people) == 4


def test_an_import_interrupted_before_its_ledger_is_applied_once_when_run_again(
    pair: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    station, secretariat, candidate, _, _ = pair
    bundle = _export(station, "lot1.carnet")

    def die(self: Ledger) -> None:
        raise _Killed

    with monkeypatch.context() as patch:
        patch.setattr(Ledger, "save", die)
        with pytest.raises(_Killed):
            _import(secretariat, bundle)
    # The dossiers were written, the ledger was not: the secretariat does not know it holds them.
    assert not (secretariat / LEDGER_NAME).exists()
    written = _dossier_files(secretariat)
    assert f"dossiers/{candidate}.json" in written
    again = _import(secretariat, bundle)
    assert not again.rejected and not again.gaps
    # Counted as new by the ledger, but not one event is added twice to a dossier.
    assert _dossier_files(secretariat) == written
    assert [r[0] for r in _received(secretariat)[_station_id(station)]] == [1]
    _assert_applied_once(station, secretariat, candidate)


def _station_id(folder: Path) -> str:
    with Store.open(folder) as store:
        return store.station.id


KILL_AT_LEDGER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from store.store import Store
    from store.sync import Ledger, import_files

    def die(self):
        os.kill(os.getpid(), signal.SIGKILL)

    Ledger.save = die
    with Store.open(Path(sys.argv[1])) as store:
        import_files(store, [Path(sys.argv[2])], receipts_dir=Path(sys.argv[3]))
    """
)


@pytest.mark.slow
def test_an_import_killed_before_its_ledger_then_run_again_applies_each_event_once(
    pair: Any,
) -> None:
    station, secretariat, candidate, grid, criteria = pair
    _import(secretariat, _export(station, "lot1.carnet"))
    with Store.open(station) as a:
        a.mark_criteria(candidate, grid, [(criteria[3], N, "")], "t")
    second = _export(station, "lot2.carnet")  # lot1 unacknowledged: overlaps it
    ledger_before = (secretariat / LEDGER_NAME).read_bytes()
    killed = subprocess.run(
        [sys.executable, "-c", KILL_AT_LEDGER, str(secretariat), str(second),
         str(secretariat.parent / "accuses")],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert (secretariat / LEDGER_NAME).read_bytes() == ledger_before
    written = _dossier_files(secretariat)
    again = _import(secretariat, second)
    assert not again.rejected and not again.gaps
    assert _dossier_files(secretariat) == written
    _assert_applied_once(station, secretariat, candidate)


# --- chains: inside a bundle, and against what was received before ---------------------------


def test_a_bundle_whose_chain_is_broken_inside_is_refused(pair: Any) -> None:
    station, secretariat, *_ = pair
    events = _station_events(station)
    # Event 3 no longer follows event 2, though each event's own hash is right.
    events[2] = _resealed(events[2], prev=events[0]["hash"])
    path = _write(station, "rompu.carnet", _sealed(station, events))
    before = _files(secretariat)
    error = _only_error(_import(secretariat, path))
    assert error == f"chaîne rompue dans le lot au n° {events[2]['seq']}"
    assert _files(secretariat) == before


def test_a_bundle_that_continues_from_another_head_than_the_one_received_is_refused(
    pair: Any,
) -> None:
    station, secretariat, candidate, grid, criteria = pair
    _import(secretariat, _export(station, "lot1.carnet"))
    received = _received(secretariat)
    last = received[_station_id(station)][-1][2]
    # A copy of the station's folder, made before its last event: it forks from there.
    fork = station.parent / "copie"
    with Store.open(station) as a:
        a.mark_criteria(candidate, grid, [(criteria[3], N, "")], "t")
    shutil.copytree(station, fork, ignore=shutil.ignore_patterns("carnet.lock"))
    with Store.open(station) as a:
        a.mark_criteria(candidate, grid, [(criteria[4], V, "")], "t")
    with Store.open(fork) as b:
        b.mark_criteria(candidate, grid, [(criteria[4], N, "")], "t")
        b.mark_criteria(candidate, grid, [(criteria[5], N, "")], "t")
    genuine = _station_events(station)
    forked = _station_events(fork)
    assert [e["seq"] for e in genuine[last:]] == [last + 1, last + 2]
    assert forked[last + 1]["prev"] != genuine[last + 1]["hash"]
    _import(secretariat, _write(station, "lot2.carnet", _sealed(station, genuine[last:], 2)))
    # Only the fork's new event: it claims to follow n° last+2, but another one.
    path = _write(fork, "fourche.carnet", _sealed(fork, forked[last + 2 :], 3))
    before = _records(secretariat)
    error = _only_error(_import(secretariat, path))
    # Its event n° last+3 follows another n° last+2 than the one received.
    _fork_refused(error, station, last + 2)
    assert _records(secretariat) == before
    assert (secretariat / "a-part").is_dir()
    with Store.open(secretariat) as s:
        assert forked[-1]["id"] not in {e.id for e in s.snapshot(candidate).events}


def test_a_bundle_filling_a_gap_must_lead_to_the_chain_received_after_it(pair: Any) -> None:
    station, secretariat, candidate, grid, criteria = pair
    with Store.open(station) as a:
        for criterion in criteria[3:6]:
            a.mark_criteria(candidate, grid, [(criterion, N, "")], "t")
    events = _station_events(station)
    first, middle, last = events[:-3], events[-3:-1], events[-1:]
    _import(secretariat, _write(station, "debut.carnet", _sealed(station, first, 1)))
    late = _import(secretariat, _write(station, "fin.carnet", _sealed(station, last, 3)))
    assert list(late.gaps.values()) == [[(middle[0]["seq"], middle[1]["seq"])]]
    # The filler's first event follows the start, but its last one is not what the end follows.
    forged = [middle[0], _resealed(middle[1], payload={**middle[1]["payload"], "comment": "x"})]
    path = _write(station, "milieu-faux.carnet", _sealed(station, forged, 2))
    before = _records(secretariat)
    error = _only_error(_import(secretariat, path))
    # The end received follows another version of the filler's last event.
    _fork_refused(error, station, middle[1]["seq"])
    assert _records(secretariat) == before
    # The genuine filler closes the gap.
    genuine = _import(secretariat, _write(station, "milieu.carnet", _sealed(station, middle, 4)))
    assert not genuine.rejected and not genuine.gaps and genuine.new_events == 2


def test_a_bundle_whose_first_event_does_not_follow_the_received_head_is_refused(
    pair: Any,
) -> None:
    station, secretariat, candidate, grid, criteria = pair
    _import(secretariat, _export(station, "lot1.carnet"))
    with Store.open(station) as a:
        a.mark_criteria(candidate, grid, [(criteria[3], N, "")], "t")
    new = _station_events(station)[-1]
    forged = _resealed(new, prev="0" * 64)
    before = _records(secretariat)
    error = _only_error(
        _import(secretariat, _write(station, "x.carnet", _sealed(station, [forged])))
    )
    # It claims to follow another n° seq-1 than the one received.
    _fork_refused(error, station, new["seq"] - 1)
    assert _records(secretariat) == before


def _fork_refused(error: str, station: Path, seq: int) -> None:
    """A chain that does not follow what was received is a fork (issue 12): both versions are
    kept aside, nothing of the bundle is applied."""
    assert error.startswith(
        f"FOURCHE : {_station_id(station)} a envoyé deux versions différentes de son "
        f"événement n° {seq}."
    ), error
    # Then why, where both versions are kept, and what to do, whole.
    assert (
        " Son dossier de données a été copié sur un autre ordinateur ou restauré d'une "
        "sauvegarde, puis utilisé des deux côtés. Rien de ce lot n'est appliqué ni confirmé ; "
        "les deux versions sont gardées dans "
    ) in error, error
    assert error.endswith(
        ". Que faire : n'utiliser plus qu'une des deux copies, y ressaisir ce qui n'a été fait "
        "que sur l'autre, et créer un nouveau poste (dossier de données vide) pour tout second "
        "ordinateur."
    ), error


def _records(folder: Path) -> dict[str, str]:
    """What the folder holds as records: dossiers, registry and journal (a fork adds its two
    versions under a-part/ and flags the station in the ledger, and nothing else)."""
    return {
        name: digest
        for name, digest in _files(folder).items()
        if name.startswith("dossiers/") or name in {"registry.json", "journal.log"}
    }


# --- whose signature -----------------------------------------------------------------------


def _signed_by(envelope_of: bytes, signer: StationKey) -> bytes:
    """The same file, its header (naming its station and that station's key) signed by
    ``signer`` instead."""
    first, _, body = envelope_of.partition(b"\n")
    envelope = json.loads(first)
    envelope["signature"] = base64.b64encode(signer.sign(canonical(envelope["header"]))).decode()
    return json.dumps(envelope).encode() + b"\n" + body


def test_a_bundle_signed_with_another_trusted_stations_key_is_refused_for_that(
    tmp_path: Path,
) -> None:
    a, b, s = tmp_path / "a", tmp_path / "b", tmp_path / "s"
    _station(a)
    with Store.open(b):
        pass
    with Store.open(s):
        pass
    set_role(s, "secretariat")
    _trust(s, a, b)
    _trust(a, s)  # bundles are encrypted to a trusted secretariat
    load_or_create_key(s)  # made by the first import otherwise
    load_or_create_encryption_key(s)
    genuine = _export(a, "a1.carnet")
    # Station b, trusted by the secretariat, signs a bundle that claims to come from a, with
    # a's public key and fingerprint in the header: only the signature check can catch it.
    forged = _write(a, "faux.carnet", _signed_by(genuine.read_bytes(), load_or_create_key(b)))
    before = _files(s)
    error = _only_error(_import(s, forged))
    assert error == (
        "signature invalide : l'en-tête a été modifié ou n'est pas signé par " + _station_id(a)
    )
    assert _files(s) == before
    assert not _import(s, genuine).rejected


# --- an event that no longer fits is set aside, not dropped -------------------------------


def test_an_event_from_another_station_that_no_longer_fits_is_set_aside(tmp_path: Path) -> None:
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
        view = sa.grid_view(candidate, grid)
        sa.close_grid(candidate, grid, "Situation écourtée par l'assuré.", "t")
        sa.sign_grid(candidate, grid, view.evaluator, secret_of(sa, view.evaluator))
        sa.sign_grid(candidate, grid, view.certifier, secret_of(sa, view.certifier))
    # Station b never saw the grid signed, and marks one of its criteria afterwards.
    with Store.open(b) as sb:
        sb.mark_criteria(candidate, grid, [(criteria[6], V, "observé")], "t")
        late = sb.snapshot(candidate).events[-1]
    report = _import(s, _export(a, "a2.carnet"), _export(b, "b1.carnet"))
    assert not report.rejected
    with Store.open(s) as store:
        snap = store.snapshot(candidate)
        assert late.id in {e.id for e in snap.events}, "the late event is kept in the dossier"
        (conflict,) = snap.state.open_conflicts
        assert conflict.key == f"event:{late.id}"
        assert conflict.incompatible
        assert [(src.event, src.station, src.author, src.ts) for src in conflict.sources] == [
            (late.id, late.station, late.author, late.ts)
        ]
        assert store.summary(candidate)["events"] == len(snap.events)
        # The signed grid stays as signed; the late mark did not slip into it.
        assert criteria[6] not in snap.state.grids[grid].states
        (record,) = store.summary(candidate)["conflicts"]
        assert record["key"] == conflict.key
        # Why it was set aside, in the record the secretariat reads (the model's refusal).
        assert record["incompatible"] == conflict.incompatible and "close" in record["incompatible"]


# --- the station key --------------------------------------------------------------------------


@pytest.mark.parametrize("umask", [0o022, 0o000])
def test_the_station_key_is_readable_by_its_owner_only(tmp_path: Path, umask: int) -> None:
    with process_umask(umask):
        key = load_or_create_key(tmp_path)
    for path in tmp_path.glob(KEY_NAME + "*"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    assert (tmp_path / KEY_NAME).exists()
    assert load_or_create_key(tmp_path).public == key.public


def test_a_bundle_written_but_not_recorded_says_so_and_its_events_go_again(
    pair: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from store.errors import StoreError
    from store.sync import SyncState, export

    station, *_ = pair
    out = station.parent / "lot.carnet"

    def disk_full(*_: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with Store.open(station) as store:
        with monkeypatch.context() as patch, pytest.raises(StoreError) as caught:
            patch.setattr(SyncState, "save", disk_full)
            export(store, out)
        assert str(caught.value) == (
            f"lot écrit dans {out}, mais son envoi n'a pas pu être noté "
            "(le disque est plein) : il peut être transmis ; le prochain lot contiendra "
            "de nouveau ses événements"
        )
        assert out.exists()
        again = export(store, station.parent / "lot-2.carnet")
        assert again.events == len(own_events(store))
