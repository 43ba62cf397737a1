"""Three stations record one criterion three ways: one open conflict holds the three values,
the second station's kept beside the third's, for the secretariat to choose among them."""

from __future__ import annotations

from pathlib import Path

from store.station import set_role
from store.store import Store
from tests.test_sync import N, V, _export, _import, _station, _trust


def test_a_third_value_joins_the_open_conflict(tmp_path: Path) -> None:
    a, b, c, s = (tmp_path / name for name in "abcs")
    candidate, grid, criteria = _station(a)
    for folder in (b, c, s):
        with Store.open(folder):
            pass
    set_role(s, "secretariat")
    for folder in (a, b, c):
        _trust(folder, *(f for f in (a, b, c, s) if f != folder))
    _trust(s, a, b, c)
    _import(b, _export(a, "a-b.carnet", pour=b))
    _import(c, _export(a, "a-c.carnet", pour=c))
    for folder, state, comment in ((a, V, "vu en situation"), (b, N, "non observé"),
                                   (c, V, "vu sur dossier")):  # fmt: skip
        with Store.open(folder) as store:
            store.mark_criteria(candidate, grid, [(criteria[4], state, comment)], "t")
    for name, folder in (("a2", a), ("b1", b), ("c1", c)):
        assert not _import(s, _export(folder, f"{name}.carnet")).rejected
    with Store.open(s) as store:
        (conflict,) = store.snapshot(candidate).state.open_conflicts
    assert sorted(source.value[1] for source in conflict.sources) == [
        "non observé",
        "vu en situation",
        "vu sur dossier",
    ]
