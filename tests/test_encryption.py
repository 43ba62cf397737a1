"""Bundles encrypted to their recipient: a lost USB key reveals nothing, a bundle for another
folder is refused with its reason, clear bundles of the release before still import."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from store.keys import TrustStore
from store.store import Store
from store.sync import export
from tests.test_sync import (
    _export,
    _files,
    _id,
    _import,
    _key_file,
    _station,
    _trust,
    station_and_two_secretariats,
)

FIXTURES = Path(__file__).parent / "fixtures" / "release1"


@pytest.fixture
def three(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A station a, its secretariat s, and another secretariat t that trusts a too."""
    a, s, t = station_and_two_secretariats(tmp_path)
    _trust(t, a)
    _key_file(t)  # its keys made, as on any folder that wrote its public key
    return a, s, t


def test_a_bundle_on_a_lost_usb_key_reveals_nothing(three: Any) -> None:
    a, s, _ = three
    bundle = _export(a, "lot.carnet")
    raw = bundle.read_bytes()
    first, _, body = raw.partition(b"\n")
    header = json.loads(first)["header"]
    assert header["recipient"] == _id(s) and header["encryption"]["scheme"].startswith("x25519")
    with Store.open(a) as store:
        people = [p.name for p in store.people().values()]
        names = [r["name"] for r in store.summaries().records]
    for text in [*people, *names, "criterion.marked", "gc.b2", "payload", "Rhône"]:
        assert text.encode() not in raw and text.encode("unicode_escape") not in raw
    with pytest.raises(ValueError):
        json.loads(body)
    # The secretariat opens it.
    assert not _import(s, bundle).rejected


def test_a_bundle_for_another_folder_is_refused_with_its_reason(three: Any) -> None:
    a, s, t = three
    bundle = _export(a, "lot.carnet")
    before = _files(t)
    (result,) = _import(t, bundle).files
    assert result.error is not None
    assert f"lot chiffré pour {_id(s)}" in result.error and "pas pour ce poste" in result.error
    assert _files(t) == before
    # Claiming t as the recipient breaks the sender's signature.
    first, _, body = bundle.read_bytes().partition(b"\n")
    envelope = json.loads(first)
    envelope["header"]["recipient"] = _id(t)
    forged = bundle.parent / "detourne.carnet"
    forged.write_bytes(json.dumps(envelope).encode() + b"\n" + body)
    (result,) = _import(t, forged).files
    assert result.error is not None and "signature invalide" in result.error
    assert _files(t) == before


def test_export_names_its_recipient_and_never_writes_in_clear(tmp_path: Path, three: Any) -> None:
    a, s, t = three
    lone = tmp_path / "seul"
    _station(lone)
    with Store.open(lone) as store, pytest.raises(Exception, match="aucun secrétariat"):
        export(store, tmp_path / "x.carnet")
    assert not (tmp_path / "x.carnet").exists()
    _trust(a, t)  # two secretariats: which one must be said
    with Store.open(a) as store, pytest.raises(Exception, match="plusieurs secrétariats"):
        export(store, tmp_path / "y.carnet")
    with Store.open(s) as store, pytest.raises(Exception, match="--pour"):
        export(store, tmp_path / "z.carnet")
    with Store.open(a) as store, pytest.raises(Exception, match="destinataire inconnu"):
        export(store, tmp_path / "z.carnet", pour="poste-000000000000")
    bundle = _export(a, "pour-t.carnet", pour=t)
    assert not _import(t, bundle).rejected


def test_clear_bundles_and_keys_of_the_release_before_still_import(tmp_path: Path) -> None:
    old = tmp_path / "release1"
    shutil.copytree(FIXTURES, old)
    fresh = tmp_path / "nouveau-secretariat"
    with Store.open(fresh):
        pass
    from store.station import set_role

    set_role(fresh, "secretariat")
    from store.sync import confirm_trust, read_key_file

    with Store.open(fresh) as store:
        key = old / "st.cle"
        confirm_trust(store, key, read_key_file(key).fingerprint)
    report = _import(fresh, old / "st-1.carnet")
    assert not report.rejected and report.new_events == 159
    # A station trusted from an old key file has no encryption key: saying so, not clear text.
    (trusted,) = TrustStore(fresh).keys.values()
    with Store.open(fresh) as store, pytest.raises(Exception, match="clé de chiffrement"):
        export(store, tmp_path / "retour.carnet", pour=trusted.station)
