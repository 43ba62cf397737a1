"""What a bundle's content says beside its events (heads, spines, holds, keys) comes from
another folder: any shape is refused or ignored, never a crash (Hypothesis, no textual)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.bundle import BundleError, Header, Opened, check_events
from store.chains import Chains
from store.keys import Ed25519PrivateKey, StationKey, TrustedKey, TrustStore
from store.replication import Knowledge, head_is_valid, sign_head, spine_hashes
from store.sync import Exchange, _learn_holds, _vouched_keys

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 10**6) | st.text(max_size=70),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


def _opened(content: Any) -> Opened:
    header = Header(kind="bundle", station="poste-x", public_key="", fingerprint="", seq=1,
                    created="", count=0, content_sha256="0" * 64)  # fmt: skip
    return Opened(header, json.dumps(content).encode())


@settings(max_examples=150, deadline=None)
@given(heads=JSON, holds=JSON, keys=JSON, spines=JSON)
def test_any_sections_are_read_or_refused(heads: Any, holds: Any, keys: Any, spines: Any) -> None:
    content = {"events": [], "heads": heads, "holds": holds, "keys": keys, "spines": spines}
    try:
        checked = check_events(_opened(content))
    except BundleError:
        return
    assert checked.events == []


@settings(max_examples=150, deadline=None)
@given(head=JSON, spine=JSON)
def test_any_head_or_spine_is_checked_not_trusted(head: Any, spine: Any) -> None:
    key = StationKey(Ed25519PrivateKey.generate())
    trusted = TrustedKey("poste-o", key.public, "")
    assert not head_is_valid(trusted, "poste-o", head)
    good = sign_head(key, "poste-o", ["ab" * 32, "cd" * 32])
    assert head_is_valid(trusted, "poste-o", good)
    assert not head_is_valid(trusted, "poste-autre", good)
    assert spine_hashes(good, spine) is None


@settings(max_examples=100, deadline=None)
@given(
    holds=st.dictionaries(
        st.text(max_size=10),
        st.lists(
            st.one_of(JSON, st.tuples(st.integers(-1, 9), st.integers(-1, 9), JSON).map(list)),
            max_size=3,
        ),
        max_size=4,
    ),
    keys=st.lists(JSON, max_size=3),
)
def test_any_holds_or_keys_are_refused_or_ignored(
    tmp_path_factory: Any, holds: Any, keys: Any
) -> None:
    folder: Path = tmp_path_factory.mktemp("f")
    sync = Exchange(TrustStore(folder), Knowledge(folder))
    _learn_holds(sync, Chains(folder), "poste-s", holds, "poste-moi", dict)
    for ranges in sync.knowledge.known("poste-s").values():
        assert all(1 <= a <= b for a, b in ranges)
    try:
        vouched = _vouched_keys(sync.trust, keys, "poste-s")
    except BundleError:
        return
    assert all(k.role == "poste" for k in vouched.values())


@pytest.mark.parametrize(
    "damage",
    [
        {"signature": "!!!! pas du base64"},
        {"signature": None},
        {"seq": 0},
        {"seq": "2"},
        {"hash": "ab" * 31},
        {"spine": "cd" * 33},
        {"spine": None},
    ],
    ids=[
        "signature-not-base64",
        "no-signature",
        "seq-0",
        "seq-text",
        "hash-short",
        "spine-long",
        "no-spine",
    ],
)
def test_a_head_with_one_field_wrong_is_not_valid(damage: dict[str, Any]) -> None:
    key = StationKey(Ed25519PrivateKey.generate())
    trusted = TrustedKey("poste-o", key.public, "")
    good = sign_head(key, "poste-o", ["ab" * 32, "cd" * 32])
    assert head_is_valid(trusted, "poste-o", good)
    assert not head_is_valid(trusted, "poste-o", good | damage)


def test_holds_from_the_first_event_are_learnt(tmp_path: Path) -> None:
    sync = Exchange(TrustStore(tmp_path), Knowledge(tmp_path))
    # Ranges of this folder's own events, each named by the hash of its last event.
    holds = {"poste-moi": [[1, 5, "ab" * 32], [8, 9, "cd" * 32]]}
    own = {5: "ab" * 32, 9: "cd" * 32}
    _learn_holds(sync, Chains(tmp_path), "poste-s", holds, "poste-moi", lambda: own)
    assert [tuple(r) for r in sync.knowledge.known("poste-s")["poste-moi"]] == [(1, 5), (8, 9)]


def test_holds_of_another_history_of_this_folder_are_not_learnt(tmp_path: Path) -> None:
    """A sender holding another copy's events under this folder's name (a folder copied, or
    restored): not counted as holding ours, so they are still sent to it."""
    sync = Exchange(TrustStore(tmp_path), Knowledge(tmp_path))
    holds = {"poste-moi": [[1, 5, "ab" * 32], [8, 9, "cd" * 32]]}
    own = {5: "ab" * 32, 9: "ef" * 32}  # the sender's n° 9 is not ours; ours stops at 9
    _learn_holds(sync, Chains(tmp_path), "poste-s", holds, "poste-moi", lambda: own)
    assert [tuple(r) for r in sync.knowledge.known("poste-s")["poste-moi"]] == [(1, 5)]
    _learn_holds(sync, Chains(tmp_path), "poste-t", holds, "poste-moi", lambda: {5: "ab" * 32})
    assert [tuple(r) for r in sync.knowledge.known("poste-t")["poste-moi"]] == [(1, 5)]
