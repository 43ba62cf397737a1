"""Format 3 of the data files and the journal: an event's record leaves out its hash and, when
the event above is its station's previous one, its ``prev`` (``store.compact``); a journal line
is five fields. Whatever is written reads back as the same events, with the same JSON and
hashes, in files of either format and in files that began in format 2; and damage stays loud."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.events import GENESIS, Event, seal
from store.errors import CorruptFileError
from store.journal import Entry, JournalDamaged, _parse, journal_entries, read_entries
from store.layout import EVENTS
from store.storage import AppendOnlyStorage, parse_log
from store.store import Store
from tui.cli import main

STATIONS = ["poste-aaaaaaaaaaaa", "poste-bbbbbbbbbbbb", "poste-cccccccccccc"]


def _chains(order: list[int], texts: list[str]) -> list[Event]:
    """Events of the three stations in ``order`` (a station's index per event), each chained
    to its station's previous event, as replication brings them into one dossier."""
    heads = {s: (0, GENESIS) for s in STATIONS}
    made = []
    for number, (who, text) in enumerate(zip(order, texts, strict=False)):
        station = STATIONS[who]
        seq, prev = heads[station]
        event = seal(
            event_id=f"{number:032x}",
            station=station,
            seq=seq + 1,
            author="p-0000000001",
            ts="2026-12-08T02:00:00.000000Z",
            dossier="c-0123456789",
            type="comment.added",
            payload={"text": text, "nested": {"seq": number, "prev": prev}},
            prev=prev,
        )
        heads[station] = (event.seq, event.hash)
        made.append(event)
    return made


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    order=st.lists(st.integers(0, 2), min_size=1, max_size=14),
    texts=st.lists(st.text(max_size=12), min_size=14, max_size=14),
    cuts=st.lists(st.integers(1, 5), min_size=1, max_size=6),
)
def test_any_events_written_in_any_writes_read_back_whole(
    tmp_path_factory: Any, order: list[int], texts: list[str], cuts: list[int]
) -> None:
    """Stations interleaved, payloads holding « seq » and « prev » keys of their own, written
    in writes of any size, the file reopened between them: every event reads back with its
    hash, its ``prev`` and the JSON ``Event.encoded`` makes, and the chain of the file holds."""
    path = tmp_path_factory.mktemp("f3") / "c-0123456789.json"
    events = _chains(order, texts)
    at = 0
    for size in [*cuts, len(events)]:
        if at >= len(events):
            break
        storage = AppendOnlyStorage(path)
        storage.append(EVENTS, [e.encoded() for e in events[at : at + size]])
        at += size
    log = parse_log(path.read_bytes(), path)
    docs = list(log.tables[EVENTS].values())
    assert [Event.from_stored(d) for d in docs] == events
    assert [d.json for d in docs] == [e.encoded().json for e in events]
    assert all(dict(d) == e.stored() for d, e in zip(docs, events, strict=True))
    stored = [json.loads(line[33:])[2] for line in path.read_bytes().splitlines()]
    assert not any("hash" in doc for doc in stored)
    # Each station's first event names its ``prev``; the next ones, whose previous event is
    # their station's last in the file, with others' in between or not, do not.
    assert [("prev" in doc) for doc in stored] == [e.seq == 1 for e in events]


def test_a_file_begun_in_format_2_goes_on_in_format_3(tmp_path: Path) -> None:
    """The previous release's records (events whole) followed by new ones: both read, and a
    new event whose station's previous one is among the old records leaves out its ``prev``."""
    from store.storage import chain

    path = tmp_path / "c-0123456789.json"
    events = _chains([0, 0, 1, 0, 2], ["a", "b", "c", "d", "e"])
    previous, lines = b"", []
    for number, event in enumerate(events[:3], 1):
        body = json.dumps(
            {"t": EVENTS, "id": str(number), "doc": event.stored()}, separators=(",", ":")
        ).encode()
        previous = chain(previous, body)
        lines.append(previous + b" " + body + b"\n")
    path.write_bytes(b"".join(lines))
    AppendOnlyStorage(path).append(EVENTS, [e.encoded() for e in events[3:]])
    written = path.read_bytes().splitlines()
    assert written[3].split(b" ", 1)[1].startswith(b'["events",4,{')
    stored = [json.loads(line[33:])[2] for line in written[3:]]
    assert "prev" not in stored[0]  # station 0's previous event: an old record, two above
    assert "prev" in stored[1]  # station 2's first: nothing above says it
    assert not any("hash" in doc for doc in stored)
    docs = list(parse_log(path.read_bytes(), path).tables[EVENTS].values())
    assert [Event.from_stored(d) for d in docs] == events


def test_an_event_whose_previous_is_not_above_is_loud(tmp_path: Path) -> None:
    """A record left without its ``prev`` whose station's previous event is missing above it
    (a line removed, the chain made again): refused, file and record named."""
    from store.storage import chain

    path = tmp_path / "c-0123456789.json"
    AppendOnlyStorage(path).append(EVENTS, [e.encoded() for e in _chains([0, 0, 0], "abc")])
    lines = path.read_bytes().splitlines()
    previous, kept = b"", []
    for line in [lines[0], lines[2]]:
        previous = chain(previous, line[33:])
        kept.append(previous + b" " + line[33:] + b"\n")
    path.write_bytes(b"".join(kept))
    with pytest.raises(CorruptFileError, match="enregistrement n° 2 : l'événement précédent"):
        parse_log(path.read_bytes(), path)


# --- the journal -------------------------------------------------------------------------------


def test_journal_lines_of_both_formats_read_in_one_file() -> None:
    old = (
        json.dumps({"seq": 1, "hash": "a" * 64, "dossier": "_registry"}) + "\n"
        '{"seq": 2, "hash": "' + "b" * 64 + '", "dossier": "c-0123456789", "batch": 2, '
        '"sum": "' + _old_sum(2, "b" * 64, "c-0123456789", 2) + '"}\n'
    ).encode()
    new = Entry(3, "c" * 64, "c-0123456789", 3).line() + Entry(4, "d" * 64, "_registry", 3).line()
    entries, damaged = read_entries(old + new)
    assert damaged == 0
    assert entries == [
        Entry(1, "a" * 64, "_registry"),
        Entry(2, "b" * 64, "c-0123456789", 2),
        Entry(3, "c" * 64, "c-0123456789", 3),
        Entry(4, "d" * 64, "_registry", 3),
    ]
    assert new.split(b"\n")[1] == b"4 " + b"d" * 64 + b" _registry 1 " + new.split(b" ")[-1][:8]


def _old_sum(seq: int, digest: str, dossier: str, batch: int) -> str:
    import hashlib

    fields = {"seq": seq, "hash": digest, "dossier": dossier, "batch": batch}
    return hashlib.blake2b(json.dumps(fields).encode(), digest_size=8).hexdigest()


def test_every_byte_changed_in_a_journal_line_is_seen() -> None:
    """One byte changed anywhere in a line (another digit, another letter, a space): the
    line no longer checks, never read as another entry."""
    line = Entry(123456, "e" * 64, "c-0123456789", 123450).line().rstrip(b"\n")
    assert _parse(line) == Entry(123456, "e" * 64, "c-0123456789", 123450)
    for at in range(len(line)):
        for other in (b"0", b"7", b"f", b" ", b"x"):
            changed = line[:at] + other + line[at + 1 :]
            if changed == line:
                continue
            with pytest.raises(JournalDamaged):
                _parse(changed)


# --- a folder of the previous release --------------------------------------------------------

RELEASE3 = Path(__file__).parent / "fixtures" / "release3"


def test_the_previous_releases_folder_takes_format_3_and_verifies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A station folder written by the previous release (format 2 dossiers, a JSON journal):
    a new mark is written in format 3 in both, the folder verifies, its status is the same
    apart from the mark, and a damaged new record is repaired by ``carnet recover``."""
    folder = tmp_path / "st"
    shutil.copytree(RELEASE3 / "st", folder)
    journal = folder / "journal.log"
    assert journal.read_bytes().startswith(b"{")
    old_lines = len(journal.read_bytes().splitlines())
    candidate = sorted((folder / "dossiers").glob("c-*.json"))[0].stem
    with Store.open(folder) as store:
        registrar = next(p for p, x in store.people().items() if "secretariat" in x.roles)
        now = store.snapshot(candidate).state.candidate
        assert now is not None
        store.edit_candidate(
            candidate, registrar, name=now.name + " B", reason="Nom corrigé",
            started=now.started, tutor=now.tutor, manager=now.manager,
        )  # fmt: skip
        head = store.head
    lines = journal.read_bytes().splitlines()
    assert len(lines) == old_lines + 1 and not lines[-1].startswith(b"{")
    assert journal_entries(folder)[-1] == Entry(head.seq, head.hash, candidate, head.seq)
    last = (folder / "dossiers" / f"{candidate}.json").read_bytes().splitlines()[-1]
    assert last[33:].startswith(b'["events",') and b'"hash"' not in last
    assert main(["verify", "--data", str(folder)]) == 0
    capsys.readouterr()
    assert main(["status", "--data", str(folder), "--json"]) == 0
    named = {c["id"]: c["name"] for c in json.loads(capsys.readouterr().out)["candidates"]}
    assert named[candidate] == now.name + " B"


# --- carnet recover, another station's events after a damaged record -----------------------


def _received_dossier(folder: Path, with_chain: bool) -> tuple[Path, list[Event]]:
    """A station folder holding a dossier of another station's four events (as an import
    leaves it), and that station's chain of what was received (``chaines/``) or not."""
    from store.chains import Chains

    with Store.open(folder):
        pass
    events = _chains([1, 1, 1, 1], "abcd")
    path = folder / "dossiers" / "c-0123456789.json"
    path.parent.mkdir(exist_ok=True)
    AppendOnlyStorage(path).append(EVENTS, [e.encoded() for e in events])
    if with_chain:
        chains = Chains(folder)
        for event in events:
            chains.put(event.station, event.seq, event.hash)
        chains.save()
    return path, events


@pytest.mark.parametrize("with_chain", [True, False])
def test_recover_gets_back_the_events_after_a_damaged_one_from_what_was_received(
    tmp_path: Path, with_chain: bool
) -> None:
    """The second event of another station is damaged; the two after it are stored without
    their ``prev``. ``carnet recover`` takes it from the chain of what was received from that
    station (as it takes an own event's from the journal) and keeps them, each with the hash
    received: only the damaged record is lost. Without that chain, they cannot be rebuilt and
    are counted among the records left out, never rebuilt wrong."""
    from store.recovery import recover

    path, events = _received_dossier(tmp_path, with_chain)
    lines = path.read_bytes().split(b"\n")
    lines[1] = lines[1].replace(b'"text":"b"', b'"text":"X"')
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(CorruptFileError, match="enregistrement n° 2"):
        parse_log(path.read_bytes(), path)
    report = recover(tmp_path)
    kept = [
        Event.from_stored(d) for d in parse_log(path.read_bytes(), path).tables[EVENTS].values()
    ]
    if with_chain:
        assert kept == [events[0], events[2], events[3]]
        assert report.dropped == {path.name: 1}
    else:
        assert kept == [events[0]]
        assert report.dropped == {path.name: 3}


def test_a_journal_line_with_a_damaged_dossier_name_names_no_dossier(tmp_path: Path) -> None:
    """One letter of a dossier's name changed in a journal line: the line is damage (its
    checksum), and the journal's scan for the dossiers it names does not take the rest of
    the name for another dossier, which would then be called absent."""
    from store.index import journal_dossiers

    good = Entry(1, "a" * 64, "c-385dcb4470", 1).line()
    damaged = good.replace(b"c-385dcb4470", b"c-385dcb447x")
    (tmp_path / "journal.log").write_bytes(good + damaged)
    assert read_entries(good + damaged)[1] == 1
    assert journal_dossiers(tmp_path / "journal.log") == {"c-385dcb4470"}
