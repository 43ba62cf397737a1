"""An event read from its dossier is checked on the bytes it is stored as (its hashed fields,
sorted, then its hash), not encoded again: the same verdicts as the long way, whatever the text
holds, and any change to an event still refused, even with the file's own chain made again."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.events import Event, EventError
from models.threshold import CriterionState
from store.errors import CorruptFileError, StoreError
from store.storage import chain, decode_record, parse_log
from store.store import Store
from tui.cli import main

V = CriterionState.VALIDATED


def _marked(folder: Path, comments: list[str]) -> tuple[str, Path]:
    """A candidate with a grid whose first criteria carry ``comments``; the dossier's file."""
    from tests.conftest import grid_with_people

    with Store.open(folder) as store:
        candidate, grid, evaluator = grid_with_people(store, "gc.b2")
        for number, comment in enumerate(comments, 1):
            criterion = f"gc.b2.c1.k{number}"
            store.mark_criteria(candidate, grid, [(criterion, V, comment)], evaluator)
        return candidate, store.path_of(candidate)


def _rechained(path: Path, change: Any) -> None:
    """Rewrites the file with ``change`` applied to each line's body, and the file's own chain
    of line hashes made again: what someone editing it on purpose would do."""
    lines = path.read_bytes().split(b"\n")[:-1]
    previous = b""
    out = []
    for line in lines:
        body = change(line[33:])
        previous = chain(previous, body)
        out.append(previous + b" " + body + b"\n")
    path.write_bytes(b"".join(out))


def _events(path: Path) -> list[Any]:
    return list(parse_log(path.read_bytes(), path).tables["events"].values())


def test_each_event_read_carries_the_text_it_is_checked_on(tmp_path: Path) -> None:
    candidate, path = _marked(tmp_path / "d", ['« guillemets », ,"doc": et \\ barre'])
    docs = _events(path)
    assert docs and all(doc.json.startswith(b'{"author":') for doc in docs)
    for doc in docs:
        event = Event.from_stored(doc)
        assert doc.json == event.encoded().json
        assert json.loads(doc.json) == dict(doc)
    with Store.open(tmp_path / "d", read_only=True) as store:
        assert any(
            "guillemets" in e.payload.get("comment", "") for e in store.snapshot(candidate).events
        )


def test_a_changed_event_is_refused_even_with_the_files_chain_made_again(tmp_path: Path) -> None:
    candidate, path = _marked(tmp_path / "d", ["premier", "second"])
    _rechained(path, lambda body: body.replace(b'"comment":"second"', b'"comment":"SECOND"'))
    with (
        pytest.raises((EventError, StoreError), match="altéré"),
        Store.open(tmp_path / "d", read_only=True) as store,
    ):
        store.snapshot(candidate)


def test_a_stored_text_laid_out_otherwise_is_still_read_the_long_way(tmp_path: Path) -> None:
    """A file of an earlier release holds its events' keys in another order: the same events,
    checked by encoding them again."""
    candidate, path = _marked(tmp_path / "d", ["un"])
    with Store.open(tmp_path / "d", read_only=True) as store:
        before = store.snapshot(candidate).events

    tails: dict[str, tuple[int, str]] = {}

    def unsorted(body: bytes) -> bytes:
        """The record as format 2 wrote it, its event whole with `id` first."""
        table, doc_id, doc = decode_record(body, tails)
        doc = {"id": doc["id"], **{k: v for k, v in doc.items() if k != "id"}}
        record = {"t": table, "id": doc_id, "doc": doc}
        return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode()

    _rechained(path, unsorted)
    assert not any(doc.json.startswith(b'{"author":') for doc in _events(path))
    with Store.open(tmp_path / "d", read_only=True) as store:
        assert store.snapshot(candidate).events == before


def test_a_key_added_after_the_hash_is_refused(tmp_path: Path) -> None:
    """The hashed bytes are untouched, but the document has one key more, after its hash: the
    text is no longer the stored layout, and the event's own check refuses it."""
    candidate, path = _marked(tmp_path / "d", ["un"])

    def extra(body: bytes) -> bytes:
        head, _, rest = body.rpartition(b'"}')
        return head + b'","en_plus":1}' + rest

    _rechained(path, extra)
    with (
        pytest.raises((EventError, StoreError), match="illisible"),
        Store.open(tmp_path / "d", read_only=True) as store,
    ):
        store.snapshot(candidate)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(comments=st.lists(st.text(max_size=40), min_size=1, max_size=3))
def test_any_comment_reads_back_by_its_stored_text(
    tmp_path_factory: Any, comments: list[str]
) -> None:
    folder = tmp_path_factory.mktemp("c") / "d"
    candidate, path = _marked(folder, comments)
    docs = _events(path)
    assert all(Event.from_stored(doc).encoded().json == doc.json for doc in docs)
    with Store.open(folder, read_only=True) as store:
        marked = [
            e.payload["comment"]
            for e in store.snapshot(candidate).events
            if e.type == "criterion.marked"
        ]
    assert marked == comments


# --- a folder written by the previous release (events in the model's order, `id` first) -------

RELEASE3 = Path(__file__).parent / "fixtures" / "release3"


def _previous_release(tmp_path: Path) -> Path:
    folder = tmp_path / "st"
    shutil.copytree(RELEASE3 / "st", folder)
    return folder


def _rename(store: Store, candidate: str, author: str) -> None:
    """One event written today in the dossier: its name corrected, the rest as it stands."""
    now = store.snapshot(candidate).state.candidate
    assert now is not None
    store.edit_candidate(
        candidate, author, name=now.name + " Corrigé", reason="Nom corrigé",
        started=now.started,
        tutor=now.tutor, manager=now.manager,
    )  # fmt: skip


def test_the_previous_releases_folder_reads_alike_and_takes_new_writes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _previous_release(tmp_path)
    expected = json.loads((RELEASE3 / "st.status.json").read_bytes())["candidates"]
    dossiers = sorted((folder / "dossiers").glob("c-*.json"))
    assert all(not doc.json.startswith(b'{"author":') for p in dossiers for doc in _events(p))
    assert main(["status", "--data", str(folder), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["candidates"] == expected
    assert main(["verify", "--data", str(folder)]) == 0
    capsys.readouterr()
    # A new write appends events in the stored layout after the old ones, in the same file.
    candidate = dossiers[0].stem
    with Store.open(folder) as store:
        before = store.snapshot(candidate).events
        registrar = next(p for p, x in store.people().items() if "secretariat" in x.roles)
        _rename(store, candidate, registrar)
        after = store.snapshot(candidate).events
    docs = _events(dossiers[0])
    assert [d.json.startswith(b'{"author":') for d in docs] == [False] * len(before) + [True]
    with Store.open(folder, read_only=True) as store:
        assert store.snapshot(candidate).events == after
        assert after[-1].author == registrar
    assert main(["verify", "--data", str(folder)]) == 0


@pytest.mark.parametrize("which", ["old", "new"])
def test_a_flipped_letter_in_either_layout_is_loud_and_recovered(
    tmp_path: Path, which: str
) -> None:
    """The corruption matrix's « flip a letter inside a string », on a line of each layout of
    a dossier the previous release began: loud, naming the file and the record, and
    ``carnet recover`` loses that record only."""
    from store.recovery import recover
    from tests.test_store import _flip_letter

    folder = _previous_release(tmp_path)
    path = sorted((folder / "dossiers").glob("c-*.json"))[0]
    candidate = path.stem
    with Store.open(folder) as store:
        registrar = next(p for p, x in store.people().items() if "secretariat" in x.roles)
        _rename(store, candidate, registrar)
        events = store.snapshot(candidate).events
    record = 2 if which == "old" else len(events)
    _flip_letter(path, record)
    with pytest.raises(CorruptFileError, match=rf"enregistrement n° {record} .*altéré") as caught:
        Store.open(folder)
    assert str(path) in str(caught.value)
    report = recover(folder)
    assert report.lost == {candidate: [events[record - 1].seq]}
    with Store.open(folder, read_only=True) as store:
        kept = [e.id for e in store.snapshot(candidate).events]
    assert kept == [e.id for i, e in enumerate(events, 1) if i != record]
