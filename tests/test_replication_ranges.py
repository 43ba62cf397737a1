"""Inclusive ranges of sequence numbers (what a folder is known to hold): merged where they
touch or overlap, kept apart by a single missing number, sorted."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.replication import add_ranges, covered, ranges_of


@pytest.mark.parametrize(
    ("held", "more", "merged"),
    [
        ([[1, 3]], [[4, 5]], [[1, 5]]),  # touching: 3 then 4
        ([[1, 3]], [[3, 6]], [[1, 6]]),  # sharing 3
        ([[1, 3]], [[2, 2]], [[1, 3]]),  # inside
        ([[1, 3]], [[5, 6]], [[1, 3], [5, 6]]),  # 4 missing: apart
        ([[5, 6]], [[1, 3]], [[1, 3], [5, 6]]),  # sorted
        ([[1, 1], [3, 3]], [[2, 2]], [[1, 3]]),  # the gap filled
        ([], [[7, 9]], [[7, 9]]),
    ],
)
def test_ranges_merge_where_they_touch_and_stay_apart_over_a_gap(
    held: list[list[int]], more: list[list[int]], merged: list[list[int]]
) -> None:
    assert add_ranges(held, more) == merged
    # The same numbers, whichever way they came.
    numbers = {n for a, b in [*held, *more] for n in range(a, b + 1)}
    assert ranges_of(numbers) == merged
    assert all(covered(merged, n) for n in numbers)
    assert not any(covered(merged, n) for n in range(0, 12) if n not in numbers)


def test_what_a_folder_holds_is_learned_range_by_range_and_kept(tmp_path: Path) -> None:
    from store.replication import REPLICATION_NAME, Knowledge

    knowledge = Knowledge(tmp_path)
    knowledge.learn("poste-b", "poste-a", [[1, 3]])
    knowledge.learn("poste-b", "poste-a", [[5, 6]])
    knowledge.learn("poste-b", "poste-c", [[1, 1]])
    knowledge.save()
    again = Knowledge(tmp_path)
    assert again.known("poste-b") == {"poste-a": [[1, 3], [5, 6]], "poste-c": [[1, 1]]}
    # Learning what is known already changes nothing on disk.
    written = (tmp_path / REPLICATION_NAME).stat().st_mtime_ns
    again.learn("poste-b", "poste-a", [[2, 3]])
    again.save()
    assert (tmp_path / REPLICATION_NAME).stat().st_mtime_ns == written
    assert not again.dirty
    # Nor does saving twice what was saved once (each save is a synced write).
    again.learn("poste-b", "poste-a", [[7, 7]])
    again.save()
    written = (tmp_path / REPLICATION_NAME).stat().st_mtime_ns
    again.save()
    assert (tmp_path / REPLICATION_NAME).stat().st_mtime_ns == written


def test_a_damaged_replication_state_names_its_backup_only_when_there_is_one(
    tmp_path: Path,
) -> None:
    from store.atomic import backup_path
    from store.errors import CorruptFileError
    from store.replication import REPLICATION_NAME, Knowledge

    path = tmp_path / REPLICATION_NAME
    path.write_bytes(b"{pas du json")
    with pytest.raises(CorruptFileError) as caught:
        Knowledge(tmp_path)
    assert (caught.value.reason, caught.value.backup) == ("état de la réplication illisible", None)
    backup_path(path).write_bytes(b'{"peers": {}, "heads": {}}')
    with pytest.raises(CorruptFileError) as caught:
        Knowledge(tmp_path)
    assert caught.value.backup == backup_path(path)


def test_each_signed_head_is_kept_once_in_order(tmp_path: Path) -> None:
    """Heads to forward with an origin's events: the same head received twice is kept once;
    another head at the same number (two histories the origin signed, a fork) is kept beside
    it, for the fork to be seen where it is forwarded."""
    from store.replication import Knowledge

    def head(seq: int, digest: str) -> dict[str, object]:
        return {"seq": seq, "hash": digest * 64, "spine": "s" * 64, "signature": "x", "n": 0}

    knowledge = Knowledge(tmp_path)
    knowledge.add_head("poste-a", head(5, "b"))
    knowledge.add_head("poste-a", head(3, "a"))
    knowledge.add_head("poste-a", head(3, "a"))
    knowledge.save()
    again = Knowledge(tmp_path)
    assert [(h["seq"], h["hash"][0]) for h in again.heads["poste-a"]] == [(3, "a"), (5, "b")]
    assert set(again.heads["poste-a"][0]) == {"seq", "hash", "spine", "signature"}
    again.add_head("poste-a", head(3, "c"))
    assert [(h["seq"], h["hash"][0]) for h in again.heads["poste-a"]] == [
        (3, "a"),
        (3, "c"),
        (5, "b"),
    ]
    assert [h["seq"] for h in again.heads_from("poste-a", 4)] == [5]
    assert again.heads_from("poste-z", 1) == []  # an origin no head came from
