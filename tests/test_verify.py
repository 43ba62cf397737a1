"""``carnet verify``: every hash, the chains and the cross-references, with a report and exit code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from store.journal import journal_entries
from store.store import Store
from tui.cli import main


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    assert main(["demo", "--data", str(data), "--candidates", "3"]) == 0
    return data


def test_a_sound_folder_verifies(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "verify", "--data", str(folder), "--json")
    report = json.loads(out)
    assert code == 0 and report["ok"] and report["problems"] == []
    with Store.open(folder) as store:
        assert report["head"] == store.head.seq
    code, out, _ = _run(capsys, "verify", "--data", str(folder))
    assert code == 0 and out.startswith("Tout se vérifie")


def test_verify_works_while_the_app_holds_the_folder(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store.open(folder):
        assert _run(capsys, "verify", "--data", str(folder))[0] == 0


def _flip(path: Path, needle: bytes) -> None:
    raw = bytearray(path.read_bytes())
    at = raw.index(needle) + len(needle)
    raw[at] ^= 0x20
    path.write_bytes(bytes(raw))


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        ("letter", "altéré"),
        ("delete", "dossier absent"),
        ("journal", "altérée"),
        ("lost-line", "absent du journal"),
    ],
)
def test_damage_is_reported_with_file_and_record(
    folder: Path, capsys: pytest.CaptureFixture[str], damage: str, expected: str
) -> None:
    victim = sorted((folder / "dossiers").glob("c-*.json"))[0]
    journal = folder / "journal.log"
    if damage == "letter":
        _flip(victim, b'"type":"')
    elif damage == "delete":
        victim.unlink()
    elif damage == "journal":
        raw = journal.read_bytes()
        _flip(journal, raw[: raw.index(b" ", raw.index(b" ") + 1) + 1])  # line 1's dossier
    else:
        lines = journal.read_bytes().splitlines(keepends=True)
        journal.write_bytes(b"".join(lines[:3] + lines[4:]))
    code, out, _ = _run(capsys, "verify", "--data", str(folder), "--json")
    report = json.loads(out)
    assert code == 1 and not report["ok"]
    messages = [p["message"] for p in report["problems"]]
    assert any(expected in m for m in messages), messages
    if damage in ("letter", "delete"):
        assert any(victim.name in p["file"] for p in report["problems"])


@pytest.mark.parametrize("name", ["sync.json", "ledger.json", "trusted.json"])
def test_an_exchange_file_that_is_not_json_is_named(
    folder: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    (folder / name).write_bytes(b'{"tronque": ')
    code, out, _ = _run(capsys, "verify", "--data", str(folder), "--json")
    report = json.loads(out)
    assert code == 1 and not report["ok"]
    assert {"file": str(folder / name), "message": "fichier illisible (JSON invalide)"} in [
        {"file": p["file"], "message": p["message"]} for p in report["problems"]
    ]


def test_a_missing_journal_is_named_when_the_station_has_events(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "journal.log").unlink()
    code, out, _ = _run(capsys, "verify", "--data", str(folder), "--json")
    report = json.loads(out)
    assert code == 1
    assert {"file": str(folder / "journal.log"), "message": "journal absent"} in [
        {"file": p["file"], "message": p["message"]} for p in report["problems"]
    ]


def _relink_last_event(folder: Path) -> tuple[Path, str, int]:
    """Points the station's last event at the one two before it, its own hash made again to
    fit (what a second writer or a bad merge would leave): every hash checks, the link does
    not. Returns the file, the record and the event's number."""
    from models.events import content_hash
    from store.storage import record_lines
    from tests.conftest import file_records

    with Store.open(folder) as store:
        me, head = store.station.id, store.head.seq
    files = [folder / "registry.json", *sorted((folder / "dossiers").glob("c-*.json"))]
    events = {}
    for path in files:
        for _, _, doc in file_records(path):
            if doc.get("station") == me:
                events[doc["seq"]] = (path, doc)
    path, _ = events[head]
    records, record = [], ""
    for table, doc_id, doc in file_records(path):
        if doc.get("station") == me and doc["seq"] == head:
            doc["prev"] = events[head - 2][1]["hash"]
            doc["hash"] = content_hash(doc)
            record = doc_id
        records.append((table, doc_id, doc))
    data, _ = record_lines(b"", records)  # each event whole: its own hash made again
    path.write_bytes(data)
    return path, record, head


def test_an_event_that_does_not_follow_the_one_before_is_named(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, record, seq = _relink_last_event(folder)
    code, out, _ = _run(capsys, "verify", "--data", str(folder), "--json")
    assert code == 1
    assert {
        "file": str(path),
        "record": record,
        "message": f"chaîne rompue : l'événement n° {seq} ne suit pas le n° {seq - 1}",
    } in json.loads(out)["problems"]


def test_the_events_after_a_recorded_loss_verify(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The first candidate's dossier, whose events are followed by others of the station.
    first = next(e.dossier for e in journal_entries(folder) if e.dossier.startswith("c-"))
    (folder / "dossiers" / f"{first}.json").unlink()
    assert _run(capsys, "recover", "--data", str(folder))[0] == 0
    code, out, _ = _run(capsys, "verify", "--data", str(folder), "--json")
    assert (code, json.loads(out)["problems"]) == (0, [])


def test_a_damaged_list_of_lost_events_is_named(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "lost.json").write_bytes(b'{"c-')
    code, out, _ = _run(capsys, "verify", "--data", str(folder), "--json")
    assert code == 1
    assert {"file": str(folder / "lost.json"), "record": None, "message": "JSON invalide"} in (
        json.loads(out)["problems"]
    )


def test_a_number_of_the_station_used_twice_is_named(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What a sequence counter gone back would leave: a second event under a number."""
    from store.storage import HASH_LEN, record_lines
    from tests.conftest import file_records

    first, second = sorted((folder / "dossiers").glob("c-*.json"))[:2]
    event = file_records(first)[0][2]
    lines = second.read_bytes().splitlines()
    ids = [int(doc_id) for _, doc_id, _ in file_records(second)]
    record = str(max(ids) + 1)
    added, _ = record_lines(lines[-1][:HASH_LEN], [("events", record, event)])
    second.write_bytes(second.read_bytes() + added)
    code, out, _ = _run(capsys, "verify", "--data", str(folder), "--json")
    assert code == 1
    assert {
        "file": str(second),
        "record": record,
        "message": f"numéro {event['seq']} du poste utilisé deux fois",
    } in json.loads(out)["problems"]


def test_a_write_under_way_in_the_app_is_not_taken_for_damage(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The app writes a journal line, then its event: verify, run between the two, must not say
    the journal names an event its dossier lacks (and tell the user to run recover) while the
    app holds the folder. The same line with no app running is a write that never landed."""
    from store.journal import JOURNAL_NAME, Entry

    with Store.open(folder) as store:
        candidate = store.candidate_ids()[0]
        head = store.head
        under_way = Entry(head.seq + 1, "f" * 64, candidate, head.seq + 1).line()
        with open(folder / JOURNAL_NAME, "ab") as journal:
            journal.write(under_way)
        code, out, _ = _run(capsys, "verify", "--data", str(folder))
        assert (code, out.startswith("Tout se vérifie")) == (0, True), out
    code, out, _ = _run(capsys, "verify", "--data", str(folder))
    assert code == 1
    assert f"le journal nomme l'événement n° {head.seq + 1}, absent de son dossier" in out


@pytest.mark.slow
def test_verify_run_again_and_again_while_marks_are_written(tmp_path: Path) -> None:
    """A reader without the lock, racing a writer that marks criteria: never a problem."""
    import threading

    from models.threshold import CriterionState
    from store.verify import verify
    from tests.test_power_loss import _base

    folder = tmp_path / "race"
    candidate, grid, criteria = _base(folder)
    reports = []
    done = threading.Event()
    started = threading.Event()
    states = list(CriterionState)

    def marks() -> None:
        with Store.open(folder) as store:
            started.set()
            i = 0
            while not done.is_set():
                mark = (criteria[i % len(criteria)], states[i % 3], "")
                store.mark_criteria(candidate, grid, [mark], "t")
                i += 1

    writer = threading.Thread(target=marks)
    writer.start()
    try:
        assert started.wait(30)
        for _ in range(40):
            reports.append(verify(folder))
    finally:
        done.set()
        writer.join()
    problems = [p.line() for r in reports for p in r.problems]
    assert not problems, problems[:5]
    assert all(not r.notes for r in reports)
