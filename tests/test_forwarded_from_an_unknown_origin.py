"""Events forwarded by a station from an origin the receiver does not trust are refused
whole, saying whose they are and what to do (no textual)."""

from __future__ import annotations

from pathlib import Path

from store.station import set_role
from store.store import Store
from store.sync import export
from tests.test_sync import _id, _import, _trust


def test_events_of_an_origin_not_trusted_here_are_refused(tmp_path: Path) -> None:
    x, p, s = tmp_path / "x", tmp_path / "p", tmp_path / "s"
    with Store.open(x) as store:
        store.create_person("Paul Tuteur", "CPAM du Rhône", ["tuteur"], "t")
    with Store.open(p):
        pass
    with Store.open(s):
        pass
    set_role(s, "secretariat")
    _trust(x, p)
    _trust(p, x, s)
    _trust(s, p)  # the secretariat knows p, not x
    with Store.open(x) as store:
        to_p = export(store, tmp_path / "x-p.carnet", pour=_id(p)).path
    assert not _import(p, to_p).rejected
    with Store.open(p) as store:
        to_s = export(store, tmp_path / "p-s.carnet").path
    (result,) = _import(s, to_s).files
    assert result.error == (
        f"événements du poste {_id(x)}, inconnu ici : faites d'abord confiance à sa clé "
        "(ou importez un lot du secrétariat, qui la transmet) ; rien n'est appliqué"
    )
    assert result.new_events == 0
    with Store.open(s) as store:
        assert not any(p.name == "Paul Tuteur" for p in store.people().values())
