"""The summary index (``index.json``): a cache that is never believed when damaged, that the app
reads without decoding every record, and that remembers what the journal named."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import store.store as store_module
from store.demo import populate
from store.index import FORMAT, INDEX_NAME, SummaryIndex, file_key, index_format
from store.journal import JOURNAL_NAME, journal_entries
from store.roster import read_roster, roster_row
from store.store import Listing, Store
from tests.forked import count_children, failing_in_child, reaped
from tui.cli import main


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict], bytes]:
    """A folder with its index, the records computed from the events, and the index's bytes."""
    folder = tmp_path_factory.mktemp("index") / "data"
    with Store.open(folder) as store:
        populate(store, 4, seed=5, events_per_dossier=30)
    shutil.copytree(folder, folder.with_name("fresh"))
    (folder.with_name("fresh") / INDEX_NAME).unlink()
    with Store.open(folder.with_name("fresh"), read_only=True) as store:
        records = sorted(store.summaries().records, key=lambda r: r["id"])
    with Store.open(folder) as store:
        store.summaries()
    return folder, records, (folder / INDEX_NAME).read_bytes()


def _linked(folder: Path, copy: Path) -> Path:
    """A copy whose data files are the same files (hard links: same inode, same time), so the
    index's keys hold for it as they did in place; the caches are copies of their own, free to
    damage."""
    shutil.copytree(folder, copy, copy_function=os.link)
    for name in (INDEX_NAME, "roster.json"):
        data = (copy / name).read_bytes()
        (copy / name).unlink()
        (copy / name).write_bytes(data)
    return copy


def _listed(folder: Path) -> tuple[list[dict], list[dict], list[dict]]:
    with Store.open(folder, read_only=True) as store:
        records = sorted(store.summaries().records, key=lambda r: r["id"])
        rows = sorted(store.rows().records, key=lambda r: r["id"])
        texts, listing = store.summary_texts()
        assert not listing.unreadable
    decoded = sorted((json.loads(text) for _, text in texts), key=lambda r: r["id"])
    return records, rows, decoded


def test_the_index_gives_what_the_events_give(written: tuple[Path, list[dict], bytes]) -> None:
    folder, records, raw = written
    header = json.loads(raw.split(b"\n", 1)[0].rpartition(b"\t")[0])
    assert header["format"] == FORMAT == 5
    assert len(raw.splitlines()) == 1 + len(records)
    listed, rows, texts = _listed(folder)
    assert listed == records
    assert texts == records
    assert rows == [roster_row(r) for r in records]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_a_damaged_index_is_recomputed_never_believed(
    written: tuple[Path, list[dict], bytes], tmp_path_factory: pytest.TempPathFactory, data
) -> None:
    """Any byte of the file changed, a line cut or dropped: what is listed is what the events
    say, in every form (records, rows, the JSON text ``status --json`` prints)."""
    folder, records, raw = written
    copy = _linked(folder, tmp_path_factory.mktemp("damaged") / "data")
    damage = data.draw(st.sampled_from(["flip", "cut", "drop line"]))
    if damage == "flip":
        at = data.draw(st.integers(0, len(raw) - 1))
        bit = data.draw(st.integers(1, 255))
        damaged = raw[:at] + bytes([raw[at] ^ bit]) + raw[at + 1 :]
    elif damage == "cut":
        damaged = raw[: data.draw(st.integers(0, len(raw) - 1))]
    else:
        lines = raw.splitlines(keepends=True)
        gone = data.draw(st.integers(0, len(lines) - 1))
        damaged = b"".join(lines[:gone] + lines[gone + 1 :])
    (copy / INDEX_NAME).write_bytes(damaged)
    listed, rows, texts = _listed(copy)
    assert listed == records
    assert texts == records
    assert rows == [roster_row(r) for r in records]


def test_status_json_prints_the_records_as_the_events_give_them(
    written: tuple[Path, list[dict], bytes], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder, records, _ = written
    assert main(["status", "--data", str(folder), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)["candidates"]
    assert sorted(printed, key=lambda r: r["id"]) == records


def _tutor_renamed_after_listing(folder: Path) -> tuple[Path, dict]:
    """A folder whose index was written, then a candidate's tutor renamed « Nouveau Nom » by
    a secretariat agent: that candidate's record as it was listed."""
    with Store.open(folder) as store:
        populate(store, 2, seed=8, events_per_dossier=20)
        (record, *_) = store.summaries().records
        secretariat = next(i for i, p in store.people().items() if "secretariat" in p.roles)
        tutor = store.people()[record["tutor"]]
        store.edit_person(
            record["tutor"],
            secretariat,
            name="Nouveau Nom",
            organisme=tutor.organisme,
            roles=list(tutor.roles),
        )
    return folder, record


def test_a_renamed_tutor_is_named_anew_in_every_listing(tmp_path: Path) -> None:
    """A person's edit changes no dossier file: the index's entry, still current by its key,
    must not keep the old name in the rows nor in the JSON text."""
    folder, record = _tutor_renamed_after_listing(tmp_path / "d")
    with Store.open(folder, read_only=True) as store:
        texts, _ = store.summary_texts()
        rows = store.rows().records
    named = [json.loads(t) for _, t in texts if json.loads(t)["id"] == record["id"]]
    assert named[0]["tutor_name"] == "Nouveau Nom"
    assert next(r for r in rows if r["id"] == record["id"])["tutor_name"] == "Nouveau Nom"
    with Store.open(folder) as store:
        store.summaries()
    rows, complete = read_roster(folder)
    assert complete
    assert next(r for r in rows if r["id"] == record["id"])["tutor_name"] == "Nouveau Nom"


def test_a_reader_leaves_the_index_as_it_found_it(
    written: tuple[Path, list[dict], bytes], tmp_path: Path
) -> None:
    folder, records, _ = written
    copy = tmp_path / "data"
    shutil.copytree(folder, copy)
    (copy / INDEX_NAME).unlink()
    assert _listed(copy)[0] == records
    assert not (copy / INDEX_NAME).exists()


def test_the_index_is_private(written: tuple[Path, list[dict], bytes]) -> None:
    folder, _, _ = written
    assert (folder / INDEX_NAME).stat().st_mode & 0o777 == 0o600


# --- what the journal names ------------------------------------------------------------------


def _line(seq: int, dossier: str) -> bytes:
    return json.dumps({"seq": seq, "hash": f"{seq:064x}", "dossier": dossier}).encode() + b"\n"


def _remembered(folder: Path) -> set[str]:
    """Reads the journal as a start would, and keeps where it stopped, as the app does."""
    index = SummaryIndex(folder)
    names = index.journal_names(folder / JOURNAL_NAME)
    index.flush()
    index.close()
    return names


def _named(folder: Path) -> set[str]:
    index = SummaryIndex(folder, read_only=True)
    try:
        return index.journal_names(folder / JOURNAL_NAME)
    finally:
        index.close()


def test_only_what_the_journal_gained_is_read_again(tmp_path: Path) -> None:
    journal = tmp_path / JOURNAL_NAME
    journal.write_bytes(_line(1, "c-aa") + _line(2, "c-bb") + _line(3, "c-aa"))
    assert _remembered(tmp_path) == {"c-aa", "c-bb"}
    # The start of the journal is not read again: a change there, far from where the last read
    # stopped, goes unseen (the journal is never rewritten in place, only appended or cut).
    raw = journal.read_bytes()
    journal.write_bytes(raw.replace(b"c-bb", b"c-cc", 1))
    with open(journal, "ab") as f:
        f.write(_line(4, "c-dd") + b'{"seq": 5, "hash": "x", "dossier": "c-ee"')  # 5: under way
    assert _named(tmp_path) == {"c-aa", "c-bb", "c-dd"}
    with open(journal, "ab") as f:
        f.write(b"}\n")
    assert _named(tmp_path) == {"c-aa", "c-bb", "c-dd", "c-ee"}


def test_a_journal_cut_back_and_written_again_is_read_whole(tmp_path: Path) -> None:
    journal = tmp_path / JOURNAL_NAME
    journal.write_bytes(_line(1, "c-aa") + _line(2, "c-bb") + _line(3, "c-cc"))
    assert _remembered(tmp_path) == {"c-aa", "c-bb", "c-cc"}
    # Dead intents cut (same file, shorter), then new writes past where the last read stopped.
    with open(journal, "r+b") as f:
        f.truncate(len(_line(1, "c-aa")))
        f.seek(0, os.SEEK_END)
        f.write(_line(2, "c-dd") + _line(3, "c-ee") + _line(4, "c-ff"))
    assert _named(tmp_path) == {"c-aa", "c-dd", "c-ee", "c-ff"}


def test_a_rebuilt_or_shorter_journal_is_read_whole(tmp_path: Path) -> None:
    journal = tmp_path / JOURNAL_NAME
    journal.write_bytes(_line(1, "c-aa") + _line(2, "c-bb"))
    assert _remembered(tmp_path) == {"c-aa", "c-bb"}
    journal.write_bytes(_line(1, "c-aa"))  # shorter than where the last read stopped
    assert _named(tmp_path) == {"c-aa"}
    journal.unlink()
    rebuilt = _line(1, "c-aa") + _line(2, "c-f0") + _line(3, "c-f1")
    journal.write_bytes(rebuilt)  # a new file (``Journal.rebuild``), however long
    assert _named(tmp_path) == {"c-aa", "c-f0", "c-f1"}
    journal.unlink()
    assert _named(tmp_path) == set()


def test_a_dossier_deleted_after_the_index_was_written_is_still_missed(tmp_path: Path) -> None:
    """The journal's names are remembered across sessions; one written since is read too."""
    folder = tmp_path / "d"
    with Store.open(folder) as store:
        populate(store, 2, seed=9, events_per_dossier=10)
        store.summaries()
        secretariat = next(i for i, p in store.people().items() if "secretariat" in p.roles)
        newer = store.create_candidate(
            "Zoé Nouvelle",
            store.rows().records[0]["organisme"],
            "gestionnaire-conseil",
            secretariat,
        )
    (folder / "dossiers" / f"{newer}.json").unlink()
    with Store.open(folder, read_only=True) as store:
        listing = store.summaries()
    assert [c for c, _ in listing.unreadable] == [newer]


def test_the_previous_releases_roster_lists_at_once_after_an_upgrade(
    written: tuple[Path, list[dict], bytes], tmp_path: Path
) -> None:
    folder, records, _ = written
    copy = tmp_path / "data"
    shutil.copytree(folder, copy)
    rows = {}
    for record in records:
        st_ = (copy / "dossiers" / f"{record['id']}.json").stat()
        row = {k: v for k, v in roster_row(record).items() if k not in ("conflicts", "vae")}
        rows[record["id"]] = {"key": [st_.st_size, st_.st_mtime_ns, st_.st_ino], "row": row}
    (copy / "roster.json").write_text(json.dumps({"format": 4, "entries": rows}))
    listed, complete = read_roster(copy)
    assert complete
    assert sorted(r["id"] for r in listed) == [r["id"] for r in records]
    (copy / "roster.json").write_text(json.dumps({"format": 3, "entries": rows}))
    assert read_roster(copy) == ([], False)


# --- many records to compute: half of them beside, in a forked child -------------------------


@pytest.fixture(scope="module")
def unindexed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    """A folder of 44 dossiers without its index, and their records computed here alone."""
    folder = tmp_path_factory.mktemp("beside") / "data"
    with Store.open(folder) as store:
        populate(store, 44, seed=6, events_per_dossier=8)
    (folder / INDEX_NAME).unlink(missing_ok=True)
    with pytest.MonkeyPatch.context() as patch:
        # Private: no public way keeps a listing from forking (the machine decides).
        patch.setattr(store_module, "_BESIDE_FROM", 10**6)
        with Store.open(folder, read_only=True) as store:
            records = sorted(store.summaries().records, key=lambda r: r["id"])
    return folder, records


def _first_listing(folder: Path, tmp_path: Path) -> tuple[list[dict], list[dict], Listing]:
    copy = tmp_path / "data"
    shutil.copytree(folder, copy)
    with Store.open(copy) as store:
        listing = store.summaries()
    with Store.open(copy, read_only=True) as store:
        again = store.summaries().records
    key = lambda r: r["id"]  # noqa: E731
    return sorted(listing.records, key=key), sorted(again, key=key), listing


def test_a_first_listing_computes_half_beside_with_the_same_records(
    unindexed: tuple[Path, list[dict]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, records = unindexed
    children = count_children(monkeypatch)
    here: list[str] = []
    # Private: the one place a record is computed from the events; no public way counts where.
    parent, fresh = os.getpid(), Store._fresh_summary

    def counted(self: Store, candidate: str) -> dict:
        if os.getpid() == parent:
            here.append(candidate)
        return fresh(self, candidate)

    monkeypatch.setattr(Store, "_fresh_summary", counted)
    listed, again, _ = _first_listing(folder, tmp_path)
    assert len(children) == 1 and reaped(children[0])
    assert listed == records
    assert again == records  # and the index it wrote holds them
    # This process computed the first half only; the child, the rest.
    assert sorted(here) == sorted(r["id"] for r in records)[:22]


@pytest.mark.parametrize("how", ["crash", "raise", "hang"])
def test_a_child_that_fails_changes_nothing_but_the_time(
    unindexed: tuple[Path, list[dict]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    folder, records = unindexed
    children = count_children(monkeypatch)
    monkeypatch.setattr(store_module, "_BESIDE_WAIT", (0.5, 0.0))
    # Private: the one place a record is computed; no public way makes it fail in a child only.
    monkeypatch.setattr(Store, "_fresh_summary", failing_in_child(Store._fresh_summary, how))
    listed, again, _ = _first_listing(folder, tmp_path)
    assert len(children) == 1 and reaped(children[0])
    assert listed == records and again == records


def test_a_dossier_unreadable_in_the_childs_half_is_named_in_french(
    unindexed: tuple[Path, list[dict]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, records = unindexed
    count_children(monkeypatch)
    # In the second half, the child's; not the last one written, which the journal's start
    # check reads (the store would then refuse to open, before any listing).
    newest = journal_entries(folder)[-1].dossier
    last = next(r["id"] for r in reversed(records) if r["id"] != newest)
    copy = tmp_path / "src"
    shutil.copytree(folder, copy)
    path = copy / "dossiers" / f"{last}.json"
    raw = path.read_bytes()
    path.write_bytes(raw[:100] + bytes([raw[100] ^ 1]) + raw[101:])
    listed, _, listing = _first_listing(copy, tmp_path)
    assert [r["id"] for r in listed] == [r["id"] for r in records if r["id"] != last]
    ((candidate, error),) = listing.unreadable
    assert candidate == last
    assert "altéré" in str(error) and f"{last}.json" in str(error)


# --- a folder written by the previous release ------------------------------------------------

RELEASE2 = Path(__file__).parent / "fixtures" / "release2"


def _in_place(tmp_path: Path) -> Path:
    """The fixture's station folder, its caches keyed to the copy as they were in place."""
    folder = tmp_path / "st"
    shutil.copytree(RELEASE2 / "st", folder)
    for name in (INDEX_NAME, "roster.json"):
        raw = json.loads((folder / name).read_bytes())
        assert raw["format"] == 4
        for dossier, entry in raw["entries"].items():
            entry["key"] = file_key(folder / "dossiers" / f"{dossier}.json")
        (folder / name).write_text(json.dumps(raw, ensure_ascii=False))
    return folder


def test_the_previous_releases_folder_lists_at_once_and_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _in_place(tmp_path)
    expected = json.loads((RELEASE2 / "st.status.json").read_bytes())["candidates"]
    rows, complete = read_roster(folder)  # the home screen's list before the store opens
    assert complete and sorted(r["id"] for r in rows) == sorted(r["id"] for r in expected)

    def recomputed(self: Store, candidate: str) -> dict:
        raise AssertionError(f"{candidate} read again from its events")

    with monkeypatch.context() as patch:
        # Private: the one place a record is computed from the events.
        patch.setattr(Store, "_fresh_summary", recomputed)
        with Store.open(folder) as store:
            assert sorted(store.summaries().records, key=lambda r: r["id"]) == sorted(
                expected, key=lambda r: r["id"]
            )
    assert index_format(folder / INDEX_NAME) == FORMAT
    assert json.loads((folder / "roster.json").read_bytes())["format"] == 5
    assert main(["status", "--data", str(folder), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["candidates"] == expected
    assert main(["verify", "--data", str(folder)]) == 0


def test_a_forged_list_of_the_journals_dossiers_names_no_phantom(
    written: tuple[Path, list[dict], bytes], tmp_path: Path
) -> None:
    """The header is checked like every line: a dossier name changed in it (still valid JSON,
    still a dossier's shape) would otherwise be reported missing, and status would fail."""
    folder, records, raw = written
    copy = _linked(folder, tmp_path / "data")
    first, rest = raw.split(b"\n", 1)
    head = json.loads(first.rpartition(b"\t")[0])
    head["journal"]["names"].append("c-0123456789")
    forged = json.dumps(head).encode() + b"\t" + first.rpartition(b"\t")[2]
    (copy / INDEX_NAME).write_bytes(forged + b"\n" + rest)
    with Store.open(copy, read_only=True) as store:
        listing = store.summaries()
    assert not listing.unreadable
    assert sorted(listing.records, key=lambda r: r["id"]) == records


def test_a_record_the_index_cannot_give_back_is_computed_not_left_out(
    written: tuple[Path, list[dict], bytes], tmp_path: Path
) -> None:
    """The index file cut short in place after it was read (its entries are current, their
    records no longer there): every candidate is still listed, from the events."""
    folder, records, raw = written
    copy = _linked(folder, tmp_path / "data")
    with Store.open(copy, read_only=True) as store:
        assert len(store.rows().records) == len(records)
        with open(copy / INDEX_NAME, "r+b") as f:
            f.truncate(len(raw) // 3)
        listed = sorted(store.summaries().records, key=lambda r: r["id"])
        texts, listing = store.summary_texts()
    assert listed == records
    assert not listing.unreadable
    assert sorted((json.loads(t) for _, t in texts), key=lambda r: r["id"]) == records


def test_a_child_beside_never_keeps_the_folder_locked(tmp_path: Path) -> None:
    """The child inherits the lock's descriptor at fork: it closes it, so a writer killed while
    its child computes leaves the folder free for the next one at once."""
    import time

    from store import beside
    from store.lock import DataLock

    lock = DataLock(tmp_path)
    lock.acquire()
    child = beside.fork(lambda: time.sleep(5), wait=10)
    assert child is not None
    try:
        time.sleep(0.2)  # the child is running, past its start
        lock.release()  # as the kernel does for a killed parent
        second = DataLock(tmp_path)
        second.acquire()  # no « Une autre instance de carnet utilise déjà ce dossier »
        second.release()
    finally:
        child.close()
    assert reaped(child.pid)


# --- caches damaged in ways their digests cannot see, or too big to be ours -------------------


@pytest.mark.parametrize(
    "change",
    [
        {"status": "pgnding"},  # one bit of « pending »
        {"name": None},
        {"id": "c-0000000000"},
        {"blocks": [{"validated": "3", "total": 6}]},
        {"vae": {"acquired": 3}},
        {"active": "oui"},
        {"tutor_name": ["x"]},
    ],
)
def test_a_row_that_does_not_read_as_a_row_is_never_shown(
    written: tuple[Path, list[dict], bytes], tmp_path: Path, change: dict
) -> None:
    """roster.json has no digest: a flipped bit there stopped the app at every start
    (« 'pgnding' is not a valid Status »). The same row in the index, its digest made anew,
    is computed again too."""
    folder, records, raw = written
    copy = _linked(folder, tmp_path / "data")
    roster = json.loads((copy / "roster.json").read_bytes())
    first = records[0]["id"]
    roster["entries"][first]["row"].update(change)
    (copy / "roster.json").write_text(json.dumps(roster, ensure_ascii=False))
    rows, complete = read_roster(copy)
    assert not complete
    assert sorted(r["id"] for r in rows) == [r["id"] for r in records[1:]]
    lines = raw.split(b"\n")
    for n, line in enumerate(lines[1:], 1):
        body = line.rpartition(b"\t")[0]
        head, _, text = body.partition(b"\t")
        parsed = json.loads(head) if head else {}
        if parsed.get("d") == first:
            parsed["row"].update(change)
            body = json.dumps(parsed, ensure_ascii=False).encode() + b"\t" + text
            lines[n] = body + b"\t" + hashlib.blake2b(body, digest_size=16).hexdigest().encode()
    (copy / INDEX_NAME).write_bytes(b"\n".join(lines))
    listed, rows, texts = _listed(copy)
    assert listed == records and texts == records
    assert rows == [roster_row(r) for r in records]


def test_an_index_that_is_no_file_or_too_long_a_line_is_read_past(
    written: tuple[Path, list[dict], bytes], tmp_path: Path
) -> None:
    """A device in its place (never read: /dev/zero has no end), a line of 20 MB of junk: the
    listing is what the events give, and the writer's next index is clean and small."""
    folder, records, raw = written
    copy = _linked(folder, tmp_path / "data")
    (copy / INDEX_NAME).unlink()
    (copy / INDEX_NAME).symlink_to("/dev/zero")
    assert _listed(copy)[0] == records
    (copy / INDEX_NAME).unlink()
    first, rest = raw.split(b"\n", 1)
    (copy / INDEX_NAME).write_bytes(first + b"\n" + b"x" * (20 << 20) + b"\n" + rest)
    listed, _, texts = _listed(copy)
    assert listed == records and texts == records
    with Store.open(copy) as store:
        assert sorted(store.summaries().records, key=lambda r: r["id"]) == records
    assert (copy / INDEX_NAME).stat().st_size < len(raw) + 1000


# --- a cache forged with digests of its own: carnet verify compares, carnet recover removes ----


def _forged(folder: Path, dossier: str, change: dict) -> None:
    """The index's line of ``dossier`` changed in its record and its row, digest made anew (as
    someone able to write the folder can)."""
    lines = (folder / INDEX_NAME).read_bytes().split(b"\n")
    for n, line in enumerate(lines[1:], 1):
        head, _, rest = line.partition(b"\t")
        text = rest.rpartition(b"\t")[0]
        parsed = json.loads(head) if head else {}
        if parsed.get("d") == dossier:
            parsed["row"].update(change)
            record = {**json.loads(text), **change}
            body = json.dumps(parsed).encode() + b"\t" + json.dumps(record).encode()
            lines[n] = body + b"\t" + hashlib.blake2b(body, digest_size=16).hexdigest().encode()
    (folder / INDEX_NAME).unlink()
    (folder / INDEX_NAME).write_bytes(b"\n".join(lines))


def test_verify_names_a_cache_that_disagrees_with_the_events_and_recover_removes_it(
    written: tuple[Path, list[dict], bytes], tmp_path: Path
) -> None:
    from store.recovery import recover
    from store.verify import stale_caches, verify

    folder, records, _ = written
    copy = _linked(folder, tmp_path / "data")
    assert verify(copy).ok
    first = records[0]["id"]
    _forged(copy, first, {"status": "validated", "name": "Quelqu'un d'autre"})
    roster = json.loads((copy / "roster.json").read_bytes())
    roster["entries"][records[1]["id"]]["row"]["name"] = "Nom forgé"
    (copy / "roster.json").unlink()
    (copy / "roster.json").write_text(json.dumps(roster, ensure_ascii=False))
    with Store.open(copy, read_only=True) as store:
        assert any(r["name"] == "Quelqu'un d'autre" for r in store.rows().records)  # believed
    report = verify(copy)
    assert not report.ok
    assert {(Path(p.file).name, p.record) for p in report.problems} == {
        ("index.json", first),
        ("roster.json", records[1]["id"]),
    }
    assert all(p.message == "ne dit pas ce que disent les événements" for p in report.problems)
    repaired = recover(copy, stale_caches=stale_caches)
    assert sorted(p.name for p in repaired.caches) == ["index.json", "roster.json"]
    assert any("Cache écarté" in line for line in repaired.lines())
    assert _listed(copy)[0] == records
    assert verify(copy).ok


def test_verify_names_a_journal_memory_that_is_not_the_journal(
    written: tuple[Path, list[dict], bytes], tmp_path: Path
) -> None:
    from store.verify import verify

    folder, _, raw = written
    copy = _linked(folder, tmp_path / "data")
    first, rest = raw.split(b"\n", 1)
    head = json.loads(first.rpartition(b"\t")[0])
    head["journal"]["names"].remove(head["journal"]["names"][0])
    body = json.dumps(head).encode()
    digest = hashlib.blake2b(body, digest_size=16).hexdigest().encode()
    (copy / INDEX_NAME).unlink()
    (copy / INDEX_NAME).write_bytes(body + b"\t" + digest + b"\n" + rest)
    (problem,) = verify(copy).problems
    assert problem.message == "les dossiers que le journal nomme n'y sont pas ceux du journal"


def test_a_renamed_person_is_no_disagreement(tmp_path: Path) -> None:
    """A person's edit changes no dossier: until the next listing the index names them as they
    were; verify does not call that a cache that lies."""
    from store.verify import verify

    folder, _ = _tutor_renamed_after_listing(tmp_path / "d")
    assert verify(folder).ok


@pytest.mark.parametrize(
    "text",
    [
        b'{"id": "%s"]]]',
        b'{"id": "%s", "name": "\xff\x00"}',
        b'{"id": "c-0000000000", "name": "Autre"}',
        b'{"id": "%s", "name": "A"}, {"id": "c-00000000ff", "name": "Fant\xc3\xb4me"}X',
    ],
)
def test_status_json_never_prints_bytes_that_are_not_one_record(
    written: tuple[Path, list[dict], bytes],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    text: bytes,
) -> None:
    """Record bytes put in the index with a digest of their own: not valid JSON, not UTF-8,
    another candidate's: computed again, and the output still parses as the events say."""
    folder, records, _ = written
    copy = _linked(folder, tmp_path / "data")
    first = records[0]["id"]
    forged = text % first.encode() if b"%s" in text else text
    lines = (copy / INDEX_NAME).read_bytes().split(b"\n")
    for n, line in enumerate(lines[1:], 1):
        head = line.partition(b"\t")[0]
        if head and json.loads(head)["d"] == first:
            body = head + b"\t" + forged
            lines[n] = body + b"\t" + hashlib.blake2b(body, digest_size=16).hexdigest().encode()
    (copy / INDEX_NAME).unlink()
    (copy / INDEX_NAME).write_bytes(b"\n".join(lines))
    assert main(["status", "--data", str(copy), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)["candidates"]
    assert sorted(printed, key=lambda r: r["id"]) == records


def test_a_named_pipe_in_place_of_a_cache_never_blocks(
    written: tuple[Path, list[dict], bytes], tmp_path: Path
) -> None:
    """Opening a named pipe for reading waits for a writer: the start would hang before the
    first screen. Each cache is opened without waiting and read only if it is a file."""
    import threading

    folder, records, _ = written
    copy = _linked(folder, tmp_path / "data")
    for name in (INDEX_NAME, "roster.json"):
        (copy / name).unlink()
        os.mkfifo(copy / name)
    found: list[object] = []
    worker = threading.Thread(
        target=lambda: found.extend([read_roster(copy), _listed(copy)[0]]), daemon=True
    )
    worker.start()
    worker.join(30)
    assert not worker.is_alive(), "blocked on a named pipe"
    assert found == [([], False), records]
