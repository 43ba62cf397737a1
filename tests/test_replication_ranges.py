"""Inclusive ranges of sequence numbers (what a folder is known to hold): merged where they
touch or overlap, kept apart by a single missing number, sorted."""

from __future__ import annotations

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
