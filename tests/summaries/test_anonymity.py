"""The anonymity rules: small counts hidden, and no hidden count recoverable from a total."""

from __future__ import annotations

import random

import pytest

from bot.summaries.anonymity import Sum, hidden, hidden_in_table, table_counts, table_sums


def test_counts_of_one_to_four_are_hidden_and_zero_and_five_are_shown() -> None:
    assert hidden_in_table([[0, 1, 4, 5, 6, 0, 2, 3]]) >= {(0, 1), (0, 2), (0, 6), (0, 7)}
    shown = {(0, 0), (0, 5)}
    assert not shown & hidden_in_table([[0, 1, 4, 5, 6, 0, 2, 3]])


def test_a_lone_small_count_in_a_row_hides_the_next_smallest_of_that_row() -> None:
    # 3 alone could be worked out as 33 - 10 - 20: the 10 goes too, not the 20.
    found = hidden_in_table([[3, 20, 10]])

    assert (0, 0) in found
    assert (0, 2) in found
    assert (0, 1) not in found
    assert (0, None) not in found  # the row's total stays


def test_a_lone_small_count_in_a_column_hides_the_next_smallest_of_that_column() -> None:
    found = hidden_in_table([[12], [2], [8], [30]])

    assert {(1, 0), (2, 0)} <= found
    assert (0, 0) not in found
    assert (3, 0) not in found


def test_hiding_in_a_row_goes_on_into_the_columns_it_touches() -> None:
    # 3 is hidden; its row then hides 8 and its column 7; 7's row is left with one hidden
    # count, so 6 goes too. Every row and column now has two hidden counts or none.
    found = hidden_in_table([[3, 8, 9], [7, 6, 12]])

    assert {key for key in found if None not in key} == {(0, 0), (0, 1), (1, 0), (1, 1)}
    assert not {key for key in found if None in key}


def test_a_zero_is_never_the_second_hidden_count() -> None:
    # Hiding the 0 would tell nothing: the 3 would still be 3 = 12 - 9.
    found = hidden_in_table([[3, 0, 9]])

    assert found >= {(0, 0), (0, 2)}
    assert (0, 1) not in found


def test_a_small_total_is_hidden_with_its_parts() -> None:
    found = hidden_in_table([[2, 2]])

    assert {(0, 0), (0, 1), (0, None)} <= found


def test_of_equal_counts_the_first_is_hidden_every_time() -> None:
    assert hidden_in_table([[2, 7, 7]]) == hidden_in_table([[2, 7, 7]])
    assert (0, 1) in hidden_in_table([[2, 7, 7]])
    assert (0, 2) not in hidden_in_table([[2, 7, 7]])


def test_breakdowns_sharing_a_total_protect_it_together() -> None:
    # An organisation's units add up to its count, the organisations to the total: a unit
    # of 2 hides its sister unit, and the organisations' sum is untouched (none hidden there).
    counts = {"total": 30, "a": 12, "b": 18, "a1": 2, "a2": 10, "b1": 18}
    sums = [Sum("total", ["a", "b"]), Sum("a", ["a1", "a2"]), Sum("b", ["b1"])]

    assert hidden(counts, sums) == {"a1", "a2"}


def test_parts_that_do_not_add_up_are_refused() -> None:
    with pytest.raises(ValueError, match="do not add up"):
        hidden({"total": 5, "a": 2}, [Sum("total", ["a"])])


@pytest.mark.parametrize("seed", range(200))
def test_no_sum_of_random_tables_is_left_with_one_hidden_count(seed: int) -> None:
    generator = random.Random(seed)
    rows, columns = generator.randint(1, 6), generator.randint(1, 6)
    cells = [
        [generator.choice([0, 1, 2, 3, 4, 5, 7, 12, 40]) for _ in range(columns)]
        for _ in range(rows)
    ]
    counts = table_counts(cells)

    found = hidden_in_table(cells)

    assert {key for key, count in counts.items() if 0 < count < 5} <= found
    assert all(counts[key] > 0 for key in found)  # a 0 is always shown
    for relation in table_sums(rows, columns):
        entries = [relation.total, *relation.parts]
        assert sum(entry in found for entry in entries) != 1
