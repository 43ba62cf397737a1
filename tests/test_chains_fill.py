"""Filling an origin's chain from its spine: the same slots as filling it hash by hash, and only
where nothing was known; a chain written only when something was filled."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.chains import CHAINS, Chains

_hash = st.binary(min_size=32, max_size=32).map(bytes.hex)


def _one_by_one(chains: Chains, origin: str, hashes: list[str]) -> None:
    for seq, digest in enumerate(hashes, 1):
        if chains.hash_at(origin, seq) is None:
            chains.put(origin, seq, digest)


def _written(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((folder / CHAINS).glob("*.bin"))}


def _compare(folder: Path, held: dict[int, str], spine: list[str]) -> None:
    fast, slow = folder / "a", folder / "b"
    for data in (fast, slow):
        data.mkdir(parents=True)
        chains = Chains(data)
        for seq, digest in held.items():
            chains.put("o", seq, digest)
        chains.save()
    chains_fast, chains_slow = Chains(fast), Chains(slow)
    chains_fast.fill("o", spine)
    _one_by_one(chains_slow, "o", spine)
    for seq in range(1, len(spine) + 45):
        assert chains_fast.hash_at("o", seq) == chains_slow.hash_at("o", seq)
    before = _written(fast)
    chains_fast.save()
    chains_slow.save()
    assert _written(fast) == _written(slow)
    if not spine:
        assert _written(fast) == before  # nothing filled, nothing written again


@given(
    held=st.dictionaries(st.integers(1, 40), _hash, max_size=20),
    spine=st.lists(_hash, max_size=40),
)
@settings(max_examples=100, deadline=None)
def test_a_spine_fills_what_one_by_one_would(
    tmp_path_factory: object, held: dict[int, str], spine: list[str]
) -> None:
    _compare(Path(str(tmp_path_factory.mktemp("c"))), held, spine)  # type: ignore[attr-defined]


def test_a_spine_that_is_not_hashes_is_taken_one_by_one(tmp_path: Path) -> None:
    _compare(tmp_path, {}, ["ab" * 32, "cd" * 16])  # the second is half a hash
    with pytest.raises(ValueError):  # not hexadecimal: refused, as put refuses it
        Chains(tmp_path / "c").fill("o", ["ab" * 32, "zz"])


@given(
    held=st.dictionaries(st.integers(1, 30), _hash, max_size=30),
    last=st.integers(-1, 32),
)
@settings(max_examples=100, deadline=None)
def test_a_span_is_the_held_hashes_end_to_end(
    tmp_path_factory: object, held: dict[int, str], last: int
) -> None:
    """What an export signs and sends of an origin: every hash 1…last, or nothing."""
    chains = Chains(Path(str(tmp_path_factory.mktemp("s"))))  # type: ignore[attr-defined]
    for seq, digest in held.items():
        chains.put("o", seq, digest)
    hashes = [chains.hash_at("o", k) for k in range(1, last + 1)]
    expected = b"".join(bytes.fromhex(h) for h in hashes if h) if all(hashes) else None
    assert chains.span("o", last) == expected
