"""Reading a stored file: each record's JSON is read as json.loads reads it, whichever way
the reader takes (the whole file decoded once, or the line alone), and any damage names its
record."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.errors import CorruptFileError
from store.storage import chain, encode, parse_log, record_lines


def _file(*bodies: bytes) -> bytes:
    """Records with their hash chain, whatever their bodies hold."""
    previous, lines = b"", []
    for body in bodies:
        previous = chain(previous, body)
        lines.append(previous + b" " + body + b"\n")
    return b"".join(lines)


def _body(doc_id: str, doc: dict[str, object]) -> bytes:
    return encode({"t": "events", "id": doc_id, "doc": doc}).encode()


def test_records_written_by_the_store_read_back(tmp_path: Path) -> None:
    docs = [{"name": "Océane", "n": 1}, {"quote": 'a "b" \\ c', "x": [1.5, None, True]}]
    data, last = record_lines(b"", [("events", str(i), d) for i, d in enumerate(docs, 1)])
    log = parse_log(data, tmp_path / "f.json")
    assert [dict(d) for d in log.tables["events"].values()] == docs
    assert log.last_hash == last and log.last_ids == {"events": 2} and log.size == len(data)


def test_spaces_around_a_record_are_read_as_json_loads_reads_them(tmp_path: Path) -> None:
    first = b"  " + _body("1", {"a": 1}) + b" \t"
    data = _file(first, _body("2", {"b": "é"}))
    log = parse_log(data, tmp_path / "f.json")
    assert [dict(d) for d in log.tables["events"].values()] == [{"a": 1}, {"b": "é"}]


@pytest.mark.parametrize(
    "bad",
    [
        _body("2", {"a": 1}) + b" " + _body("3", {"b": 2}),  # two values on one line
        _body("2", {"a": 1})[:-1],  # cut
        b'{"t":"events","id":"2","doc":{"a":"\xff\xfe"}}',  # not UTF-8
        b"[1, 2]",  # not a record
    ],
)
def test_a_record_that_is_not_one_json_record_is_named(tmp_path: Path, bad: bytes) -> None:
    data = _file(_body("1", {"a": 1}), bad, _body("3", {"c": 3}))
    with pytest.raises(CorruptFileError, match="enregistrement n° 2 illisible"):
        parse_log(data, tmp_path / "f.json")


def test_a_broken_chain_is_named_before_a_later_unreadable_record(tmp_path: Path) -> None:
    data = _file(_body("1", {"a": 1}), _body("2", {"b": 2}), b"{nope")
    lines = data.split(b"\n")
    lines[1] = b"0" * 32 + lines[1][32:]
    with pytest.raises(CorruptFileError, match=r"enregistrement n° 2 .*altéré"):
        parse_log(b"\n".join(lines), tmp_path / "f.json")


def test_ids_that_are_not_numbers_leave_the_last_id_alone(tmp_path: Path) -> None:
    data = _file(_body("7", {"a": 1}), _body("x", {"b": 2}), _body("3", {"c": 3}))
    assert parse_log(data, tmp_path / "f.json").last_ids == {"events": 7}
