"""An export checks each event and writes the text that check made (not a second encoding);
the bundle reads back as the same content."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from models.events import Event, EventError
from models.jsontext import Encoded
from store.bundle import Opened, check_events, open_file, seal_file
from store.keys import TrustedKey
from store.store import Store
from store.sync import station_key


def _events(tmp_path: Path) -> tuple[Store, list[dict[str, Any]]]:
    store = Store.open(tmp_path / "a")
    candidate = store.create_candidate('Océane « Ñ » \\ "x"', "CPAM", "gestionnaire-conseil", "t")
    return store, [dict(r) for r in store.raw_events(candidate).values()]


def test_the_checked_json_is_the_event(tmp_path: Path) -> None:
    store, events = _events(tmp_path)
    with store:
        for raw in events:
            event, text = Event.checked_json(raw)
            assert json.loads(text) == raw and event == Event.from_stored(raw)


@pytest.mark.parametrize("change", ["payload", "hash", "extra"])
def test_a_tampered_event_has_no_text(tmp_path: Path, change: str) -> None:
    store, events = _events(tmp_path)
    with store:
        raw = dict(events[0])
        if change == "payload":
            raw["payload"] = {**raw["payload"], "name": "Autre"}
        elif change == "hash":
            raw["hash"] = "0" * 64
        else:
            raw["extra"] = 1
        with pytest.raises(EventError):
            Event.checked_json(raw)
        with pytest.raises(EventError):
            Event.from_stored(raw)


def test_a_bundle_of_encoded_events_reads_as_the_plain_one(tmp_path: Path) -> None:
    store, events = _events(tmp_path)
    with store:
        key = station_key(store)
        me = store.station.id
        rest = {"heads": {"x": [1]}, "holds": {}, "keys": []}
        texts = [Event.checked_json(raw)[1] for raw in events]
        encoded = seal_file("bundle", me, key, 1, rest, count=len(events), events=texts)
        plain = seal_file("bundle", me, key, 1, {"events": events, **rest}, count=len(events))
        trusted = {me: TrustedKey(me, key.public, "")}
        for data in (encoded, plain):
            opened = open_file(data, trusted)
            assert opened.content == {"events": events, **rest}
            assert check_events(opened).events == events
            kept = check_events(opened).events
            plain = check_events(opened, keep_json=False).events
            assert all(type(e) is Encoded for e in kept) and all(type(e) is dict for e in plain)
        with pytest.raises(ValueError):
            seal_file("bundle", me, key, 1, {"events": []}, count=0, events=texts)
        empty = open_file(seal_file("bundle", me, key, 1, {}, count=0, events=[]), trusted)
        assert isinstance(empty, Opened) and empty.content == {"events": []}


def test_a_checked_event_is_stored_from_its_text(tmp_path: Path) -> None:
    """An import writes each checked event's record from the text its check made: the file
    reads back as the same events, its chain holds, and its batch is counted."""
    from models.jsontext import Encoded
    from store.storage import parse_log, record_lines

    store, events = _events(tmp_path)
    with store:
        events = events * 3  # a batch of records (the same event three times, for the store)
        checked = [Encoded(raw, Event.checked_json(raw)[1]) for raw in events]
        records = [("events", str(i), doc) for i, doc in enumerate(checked, 1)]
        data, last = record_lines(b"", records)
        plain, plain_last = record_lines(b"", [(t, i, dict(d)) for t, i, d in records])
        for written, end in ((data, last), (plain, plain_last)):
            log = parse_log(written, tmp_path / "f.json")
            assert list(log.tables["events"].values()) == events and log.last_hash == end
        assert data.split(b"\n")[0].endswith(b",%d]" % len(events))


def test_the_text_stays_in_the_process_that_made_it() -> None:
    """Sent to another process (the import's workers answer with pickles), a checked event is
    a plain dict: its text is never trusted out of the process that checked it."""
    import pickle

    from models.jsontext import Encoded

    back = pickle.loads(pickle.dumps(Encoded({"a": 1}, b'{"a":1}')))
    assert type(back) is dict and back == {"a": 1}


def test_records_of_any_table_and_id_read_back(tmp_path: Path) -> None:
    from models.jsontext import Encoded
    from store.storage import parse_log, record_lines

    doc = {"a": "é"}
    records = [
        (table, doc_id, Encoded(doc, b'{"a":"\xc3\xa9"}'))
        for table, doc_id in (("events", "12"), ('t"b', "x\\y"), ("events", "²"))
    ]
    data, _ = record_lines(b"", records)
    log = parse_log(data, tmp_path / "f.json")
    assert log.tables == {"events": {"12": doc, "²": doc}, 't"b': {"x\\y": doc}}
