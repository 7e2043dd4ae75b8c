"""Background answers are kept normalised, or refused with a reason the handler can translate."""

from __future__ import annotations

from datetime import date

import pytest

from bot.rules.background import (
    WELLBEING_SCORES,
    AnswerError,
    Gender,
    LifeSituation,
    Reason,
    birth_year_bounds,
    in_network,
    normalise_postal_entries,
    parse_birth_year,
    parse_children,
    parse_postal_code,
    parse_wellbeing,
)

TODAY = date(2025, 6, 15)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1985", 1985),
        (" 1985 ", 1985),
        ("2009", 2009),  # turns 16 this year
        ("1915", 1915),  # turns 110 this year
    ],
)
def test_a_plausible_birth_year_is_kept(text: str, expected: int) -> None:
    assert parse_birth_year(text, TODAY) == expected


BIRTH_YEAR_REFUSALS = [
    ("2010", Reason.TOO_YOUNG),
    ("2025", Reason.TOO_YOUNG),
    ("2030", Reason.TOO_YOUNG),
    ("1914", Reason.TOO_OLD),
    ("0000", Reason.TOO_OLD),
    ("85", Reason.NOT_A_YEAR),
    ("19855", Reason.NOT_A_YEAR),
    ("1985.", Reason.NOT_A_YEAR),
    ("vuonna 1985", Reason.NOT_A_YEAR),
    ("2.1985", Reason.NOT_A_YEAR),
    ("", Reason.NOT_A_YEAR),
    ("١٩٨٥", Reason.NOT_A_YEAR),  # Arabic-Indic digits are not what the form stores
    ("1.2.1985", Reason.BIRTH_DATE_NOT_ALLOWED),
    ("01.02.1985", Reason.BIRTH_DATE_NOT_ALLOWED),
    ("01021985", Reason.BIRTH_DATE_NOT_ALLOWED),
    ("1985-02-01", Reason.BIRTH_DATE_NOT_ALLOWED),
    ("010285", Reason.BIRTH_DATE_NOT_ALLOWED),
    ("010185-123A", Reason.BIRTH_DATE_NOT_ALLOWED),
    ("010185A123B", Reason.BIRTH_DATE_NOT_ALLOWED),
    ("0101851234", Reason.BIRTH_DATE_NOT_ALLOWED),
    ("040 123 4567", Reason.PHONE_NUMBER),
    ("matti@example.fi", Reason.EMAIL_ADDRESS),
]


@pytest.mark.parametrize(("text", "reason"), BIRTH_YEAR_REFUSALS)
def test_an_impossible_birth_year_is_refused_with_its_reason(text: str, reason: Reason) -> None:
    with pytest.raises(AnswerError) as refused:
        parse_birth_year(text, TODAY)
    assert refused.value.reason is reason


@pytest.mark.parametrize(("text", "expected"), [("00100", "00100"), (" 99999 ", "99999")])
def test_a_five_digit_postal_code_is_kept(text: str, expected: str) -> None:
    assert parse_postal_code(text) == expected


POSTAL_CODE_REFUSALS = [
    ("0010", Reason.NOT_A_POSTAL_CODE),
    ("001000", Reason.NOT_A_POSTAL_CODE),
    ("00 100", Reason.NOT_A_POSTAL_CODE),
    ("FI-00100", Reason.NOT_A_POSTAL_CODE),
    ("Helsinki", Reason.NOT_A_POSTAL_CODE),
    ("", Reason.NOT_A_POSTAL_CODE),
    ("010190-123A", Reason.PERSONAL_IDENTITY_CODE),
    ("0401234567", Reason.PHONE_NUMBER),
    ("posti@example.fi", Reason.EMAIL_ADDRESS),
]


@pytest.mark.parametrize(("text", "reason"), POSTAL_CODE_REFUSALS)
def test_anything_but_a_postal_code_is_refused_with_its_reason(text: str, reason: Reason) -> None:
    with pytest.raises(AnswerError) as refused:
        parse_postal_code(text)
    assert refused.value.reason is reason


@pytest.mark.parametrize(("text", "expected"), [("0", 0), ("3", 3), (" 12 ", 12), ("30", 30)])
def test_a_count_of_children_is_kept(text: str, expected: int) -> None:
    assert parse_children(text) == expected


CHILDREN_REFUSALS = [
    ("31", Reason.TOO_MANY_CHILDREN),
    ("1000", Reason.TOO_MANY_CHILDREN),
    ("-1", Reason.NOT_A_COUNT),
    ("2.5", Reason.NOT_A_COUNT),
    ("kolme", Reason.NOT_A_COUNT),
    ("", Reason.NOT_A_COUNT),
    ("²", Reason.NOT_A_COUNT),
]


@pytest.mark.parametrize(("text", "reason"), CHILDREN_REFUSALS)
def test_anything_but_a_count_of_children_is_refused(text: str, reason: Reason) -> None:
    with pytest.raises(AnswerError) as refused:
        parse_children(text)
    assert refused.value.reason is reason


@pytest.mark.parametrize("score", WELLBEING_SCORES)
def test_a_wellbeing_score_from_one_to_five_is_kept(score: int) -> None:
    assert parse_wellbeing(f" {score} ") == score


@pytest.mark.parametrize("text", ["0", "6", "", "hyvä", "3.5", "-1"])
def test_any_other_wellbeing_answer_is_refused(text: str) -> None:
    with pytest.raises(AnswerError) as refused:
        parse_wellbeing(text)
    assert refused.value.reason is Reason.NOT_A_WELLBEING_SCORE


@pytest.mark.parametrize(("text", "expected"), [("6", 6), (" 7 ", 7), ("30", 30)])
def test_more_than_five_children_is_kept_from_six_on(text: str, expected: int) -> None:
    assert parse_children(text, minimum=6) == expected


MORE_THAN_FIVE_REFUSALS = [
    ("5", Reason.TOO_FEW_CHILDREN),
    ("0", Reason.TOO_FEW_CHILDREN),
    ("31", Reason.TOO_MANY_CHILDREN),
    ("six", Reason.NOT_A_COUNT),
]


@pytest.mark.parametrize(("text", "reason"), MORE_THAN_FIVE_REFUSALS)
def test_more_than_five_children_means_more_than_five(text: str, reason: Reason) -> None:
    with pytest.raises(AnswerError) as refused:
        parse_children(text, minimum=6)
    assert refused.value.reason is reason


def test_birth_year_bounds_are_those_of_the_checks() -> None:
    earliest, latest = birth_year_bounds(date(2026, 5, 1))
    assert (earliest, latest) == (1916, 2010)
    assert parse_birth_year("1916", date(2026, 5, 1)) == 1916
    assert parse_birth_year("2010", date(2026, 5, 1)) == 2010


def test_every_reason_is_given_by_some_answer() -> None:
    refusals = (
        BIRTH_YEAR_REFUSALS + POSTAL_CODE_REFUSALS + CHILDREN_REFUSALS + MORE_THAN_FIVE_REFUSALS
    )
    given = {reason for _, reason in refusals} | {Reason.NOT_A_WELLBEING_SCORE}
    assert given == set(Reason)


def test_a_refusal_carries_the_reason_but_never_the_text() -> None:
    with pytest.raises(AnswerError) as refused:
        parse_postal_code("0401234567")
    assert str(refused.value) == "phone_number"


NETWORK = ["00100-00990", "02100", "33100-33900"]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("00100", True),
        ("00500", True),
        ("00990", True),
        ("02100", True),
        ("33100", True),
        ("33900", True),
        (" 00500 ", True),
        ("00099", False),
        ("00991", False),
        ("02101", False),
        ("33901", False),
        ("99999", False),
        ("0050", False),
        ("", False),
    ],
)
def test_a_postal_code_is_in_the_network_when_listed_or_within_a_range(
    code: str, expected: bool
) -> None:
    assert in_network(code, NETWORK) is expected


def test_no_postal_code_is_in_an_empty_network() -> None:
    assert in_network("00100", []) is False


def test_postal_entries_are_normalised_deduplicated_and_blanks_dropped() -> None:
    entries = [" 00100 - 00990 ", "02100", "", "00100–00990", "33100-33100", "02100 "]
    assert normalise_postal_entries(entries) == ["00100-00990", "02100", "33100"]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("0010", "neither a 5-digit postal code nor a range"),
        ("00100-0099", "neither a 5-digit postal code nor a range"),
        ("00100,00200", "neither a 5-digit postal code nor a range"),
        ("Helsinki", "neither a 5-digit postal code nor a range"),
        ("00990-00100", "ends before it starts"),
    ],
)
def test_a_malformed_postal_entry_is_rejected_with_a_clear_reason(entry: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        normalise_postal_entries(["00100", entry])


@pytest.mark.parametrize(
    ("member", "value"),
    [
        (Gender.WOMAN, "woman"),
        (Gender.MAN, "man"),
        (Gender.OTHER, "other"),
        (Gender.UNDISCLOSED, "undisclosed"),
        (LifeSituation.UNEMPLOYED, "unemployed"),
        (LifeSituation.PENSIONER, "pensioner"),
        (LifeSituation.STUDENT, "student"),
        (LifeSituation.REHABILITATION_OR_SICK_LEAVE, "rehabilitation_or_sick_leave"),
        (LifeSituation.LOW_INCOME_EMPLOYED, "low_income_employed"),
        (LifeSituation.FAMILY_CARER, "family_carer"),
        (LifeSituation.OTHER, "other"),
        (LifeSituation.UNDISCLOSED, "undisclosed"),
    ],
)
def test_voluntary_answers_keep_their_stored_values(member: str, value: str) -> None:
    assert member == value
    assert type(member)(value) is member


def test_the_voluntary_choices_are_exactly_these() -> None:
    assert len(Gender) == 4
    assert len(LifeSituation) == 8
