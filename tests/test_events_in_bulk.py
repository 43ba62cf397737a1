"""A bundle's events checked all at once (``checked_in_bulk``) accept exactly what the check of
one event at a time accepts, and make the same JSON: an import relies on the first, and on
the second to say which event fails and why."""

from __future__ import annotations

import contextlib
import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from models.events import (
    GENESIS,
    Event,
    EventError,
    checked_in_bulk,
    content_hash,
    payload_of,
    seal,
)


def _chain(count: int = 4) -> list[dict[str, Any]]:
    """Events of one station, as stored: a candidate created, then criteria marked."""
    raws: list[dict[str, Any]] = []
    prev = GENESIS
    for seq in range(1, count + 1):
        if seq == 1:
            kind, payload = "candidate.created", {
                "candidate": "c-1", "name": "Ana [b]Diaz[/b]", "organisme": "CPAM 13",
                "cqp": "conseil", "referential_version": "v1",
            }  # fmt: skip
        elif seq % 2:
            kind, payload = "unknown.kind", {"anything": [1, "deux", None]}
        else:
            kind, payload = "criterion.marked", {
                "grid": "g-1", "criterion": f"1.1.{seq}", "state": "validated", "comment": "é\tx",
            }  # fmt: skip
        event = seal(
            event_id=f"{seq:032x}", station="poste-a", seq=seq, author="p-1",
            ts="2026-12-07T10:00:00.000000Z", dossier="c-1", type=kind, payload=payload,
            prev=prev,
        )  # fmt: skip
        raw = event.stored()
        raws.append(raw)
        prev = event.hash
    return raws


def _one_by_one(raws: list[Any]) -> list[bytes] | None:
    texts = []
    for raw in raws:
        try:
            event, text = Event.checked_json(raw)
            payload_of(event)
        except EventError:
            return None
        texts.append(text)
    return texts


def test_valid_events_give_the_same_json_and_chain_fields() -> None:
    raws = _chain()
    bulk = checked_in_bulk(raws)
    assert bulk is not None
    assert [s.json for s in bulk] == _one_by_one(raws)
    assert [(s.station, s.seq, s.prev, s.hash) for s in bulk] == [
        (r["station"], r["seq"], r["prev"], r["hash"]) for r in raws
    ]
    # The JSON is what the hash covers, the hash after it: the stored form, byte for byte.
    assert bulk[1].json.endswith(b',"hash":"%s"}' % raws[1]["hash"].encode())
    assert b'"comment":"\xc3\xa9\\tx"' in bulk[1].json


def test_an_unknown_type_is_kept_but_its_payload_must_be_an_object() -> None:
    raws = _chain(3)
    assert checked_in_bulk(raws) is not None  # n° 3 is of a type this version does not know
    raws[2]["payload"] = ["not", "an", "object"]
    assert checked_in_bulk(raws) is None
    assert _one_by_one(raws) is None


_JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-3, max_value=2**40),
    st.text(max_size=70),
    st.sampled_from(
        ["0" * 64, "f" * 32, "a.b", "validated", "validé", "2026-12-07T10:00:00.000000Z", "1"]
    ),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
_FIELDS = ["id", "station", "seq", "author", "ts", "dossier", "type", "payload", "prev", "hash"]


@settings(max_examples=300, deadline=None)
@given(
    which=st.integers(min_value=0, max_value=3),
    field=st.sampled_from([*_FIELDS, "payload.state", "payload.comment", "payload.extra"]),
    how=st.sampled_from(["replace", "delete", "add"]),
    junk=_JUNK,
    reseal=st.booleans(),
)
def test_bulk_accepts_exactly_what_one_by_one_accepts(
    which: int, field: str, how: str, junk: Any, reseal: bool
) -> None:
    raws = copy.deepcopy(_chain())
    event = target = raws[which]
    if field.startswith("payload."):
        target, field = target["payload"], field.removeprefix("payload.")
    if how == "delete":
        target.pop(field, None)
    elif how == "add":
        target[f"{field}_en_plus"] = junk
    else:
        target[field] = junk
    if reseal and field != "hash":
        # Its hash made again: what decides is then the field's own check, not the hash.
        with contextlib.suppress(KeyError):
            event["hash"] = content_hash(event)
    expected = _one_by_one(raws)
    bulk = checked_in_bulk(raws)
    if expected is None:
        assert bulk is None
    else:
        assert bulk is not None
        assert [s.json for s in bulk] == expected


def test_a_list_that_is_not_of_events_is_refused_in_bulk() -> None:
    raws: list[Any] = [*_chain(2), "pas un événement"]
    assert checked_in_bulk(raws) is None


@given(comment=st.text(max_size=50), seq=st.integers(min_value=1, max_value=2**40))
def test_a_valid_change_resealed_is_accepted_both_ways(comment: str, seq: int) -> None:
    """The accepting side of the property above, drawn on purpose: a field given another
    valid value, its event's hash made again."""
    raws = _chain()
    raws[1]["payload"]["comment"] = comment
    raws[3]["seq"] = seq
    for raw in raws[1], raws[3]:
        raw["hash"] = content_hash(raw)
    bulk = checked_in_bulk(raws)
    assert bulk is not None
    assert [s.json for s in bulk] == _one_by_one(raws)
    assert bulk[3].seq == seq
