"""Anonymity of published counts: small cells hidden, and hidden cells kept from coming back.

A count of 1–4 is shown as "< 5" (0 is shown as 0). Published totals are sums of other
published counts (a row, a column, an organisation's units), and a hidden count that is the
only hidden one of such a sum could be worked out from the rest. So in every sum with exactly
one hidden count, the next smallest shown count (not 0) is hidden too, until no sum has one.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)

# Counts from 1 up to this are never shown.
SMALLEST_SHOWN = 5


@dataclass(frozen=True, slots=True)
class Sum(Generic[K]):
    """A published total and the published counts it is the sum of."""

    total: K
    parts: Sequence[K]


def is_small(count: int) -> bool:
    """Whether a count, on its own, is too small to show."""
    return 0 < count < SMALLEST_SHOWN


def hidden(counts: Mapping[K, int], sums: Iterable[Sum[K]]) -> frozenset[K]:
    """The counts to show as "< 5": the small ones, and those that would give one back."""
    relations = [(relation.total, *relation.parts) for relation in sums]
    for keys in relations:
        if sum(counts[key] for key in keys[1:]) != counts[keys[0]]:
            raise ValueError(f"the parts of {keys[0]!r} do not add up to it")
    suppressed = {key for key, count in counts.items() if is_small(count)}
    changed = True
    while changed:
        changed = False
        for keys in relations:
            if sum(key in suppressed for key in keys) != 1:
                continue
            shown = [key for key in keys if key not in suppressed and counts[key] > 0]
            if not shown:
                continue  # never: a hidden count is above 0, so another count of its sum is too
            # The smallest, and of equals the first: the same input hides the same cells.
            suppressed.add(min(shown, key=lambda key: counts[key]))
            changed = True
    return frozenset(suppressed)


def table_sums(rows: int, columns: int) -> list[Sum[tuple[int | None, int | None]]]:
    """The sums of a table with row totals, column totals and a grand total.

    Keys are (row, column); None stands for "total", so (r, None) is row r's total,
    (None, c) column c's and (None, None) the grand total.
    """
    sums: list[Sum[tuple[int | None, int | None]]] = []
    row_indexes: list[int | None] = [*range(rows), None]
    column_indexes: list[int | None] = [*range(columns), None]
    for row in row_indexes:
        sums.append(Sum((row, None), [(row, column) for column in range(columns)]))
    for column in column_indexes:
        sums.append(Sum((None, column), [(row, column) for row in range(rows)]))
    return sums


def table_counts(cells: Sequence[Sequence[int]]) -> dict[tuple[int | None, int | None], int]:
    """A table's cells with their row, column and grand totals, keyed as table_sums keys them."""
    counts: dict[tuple[int | None, int | None], int] = {}
    columns = len(cells[0]) if cells else 0
    for row, values in enumerate(cells):
        if len(values) != columns:
            raise ValueError("every row of a table has as many cells")
        for column, value in enumerate(values):
            counts[(row, column)] = value
        counts[(row, None)] = sum(values)
    for column in range(columns):
        counts[(None, column)] = sum(values[column] for values in cells)
    counts[(None, None)] = sum(counts[(row, None)] for row in range(len(cells)))
    return counts


def hidden_in_table(cells: Sequence[Sequence[int]]) -> frozenset[tuple[int | None, int | None]]:
    """The cells and totals of a table (published with all its totals) to show as "< 5"."""
    columns = len(cells[0]) if cells else 0
    return hidden(table_counts(cells), table_sums(len(cells), columns))
