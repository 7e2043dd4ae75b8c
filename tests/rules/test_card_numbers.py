"""A typed card number is kept only in the locality's pattern, and never when it identifies."""

from __future__ import annotations

import pytest

from bot.i18n import translator
from bot.rules.card_numbers import (
    MOBILE_ONLY,
    CardNumberFormatError,
    accepts,
    check_typed_card_number,
    describe_formats,
    normalise,
    normalise_examples,
    shape,
)
from bot.rules.privacy import IdentifyingInputError, IdentifyingKind


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("KK123456", "KK123456"),
        ("  kk 123 456 ", "KK123456"),
        ("ab-1234-5678", "AB12345678"),
        ("AB–1234–5678", "AB12345678"),
        ("x", "X"),
        ("", ""),
    ],
)
def test_normalising_trims_upper_cases_and_drops_spaces_and_hyphens(
    text: str, expected: str
) -> None:
    assert normalise(text) == expected


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("KK123456", (("A", 2), ("9", 6))),
        ("123456", (("9", 6),)),
        ("AB12345678", (("A", 2), ("9", 8))),
        ("A1B2", (("A", 1), ("9", 1), ("A", 1), ("9", 1))),
        ("X", (("A", 1),)),
        ("KK/12", (("A", 2), ("/", 1), ("9", 2))),
        ("", ()),
    ],
)
def test_a_shape_is_the_runs_of_letters_and_digits(
    number: str, expected: tuple[tuple[str, int], ...]
) -> None:
    assert shape(number) == expected


@pytest.mark.parametrize(
    ("number", "examples", "expected"),
    [
        ("KK654321", ["KK123456"], True),
        ("kk 654 321", ["KK123456"], True),
        ("AB98765432", ["AB-1234-5678"], True),
        ("KK65432", ["KK123456"], False),
        ("K6543210", ["KK123456"], False),
        ("654321KK", ["KK123456"], False),
        ("654321", ["KK123456", "123456"], True),
        ("ÄÖ123456", ["KK123456"], False),
        ("KK12.456", ["KK123456"], False),
        ("1234", [], True),
        ("A1B2C3D4E5F6G7H8", [], True),
        ("123", [], False),
        ("A1B2C3D4E5F6G7H89", [], False),
        ("KK12/3456", [], False),
        ("ÅÄÖ1", [], False),
        ("X", [], False),
    ],
)
def test_a_number_is_accepted_when_it_has_the_shape_of_an_example(
    number: str, examples: list[str], expected: bool
) -> None:
    assert accepts(number, examples) is expected


@pytest.mark.parametrize(
    ("text", "examples", "expected"),
    [
        (" kk 654 321 ", ["KK123456"], "KK654321"),
        ("ab-9876-5432", ["AB-1234-5678"], "AB98765432"),
        ("x", ["KK123456"], MOBILE_ONLY),
        ("X", [], MOBILE_ONLY),
        ("12345678", [], "12345678"),
        ("1234567890123456", [], "1234567890123456"),
        ("KK0101901234", [], "KK0101901234"),
    ],
)
def test_a_fitting_card_number_is_returned_normalised(
    text: str, examples: list[str], expected: str
) -> None:
    assert check_typed_card_number(text, examples) == expected


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("010190-123A", IdentifyingKind.PERSONAL_IDENTITY_CODE),
        ("010190 123A", IdentifyingKind.PERSONAL_IDENTITY_CODE),
        ("010190123a", IdentifyingKind.PERSONAL_IDENTITY_CODE),
        ("0101901234", IdentifyingKind.PERSONAL_IDENTITY_CODE),
        ("0401234567", IdentifyingKind.PHONE_NUMBER),
        ("040-123 4567", IdentifyingKind.PHONE_NUMBER),
        ("+358401234567", IdentifyingKind.PHONE_NUMBER),
        ("matti@example.fi", IdentifyingKind.EMAIL_ADDRESS),
    ],
)
def test_an_identifying_answer_is_refused_before_its_shape_is_looked_at(
    text: str, kind: IdentifyingKind
) -> None:
    # Ten-character examples: every one of these would otherwise fit, once normalised.
    examples = ["1234567890", "123456789A", "+358401234567", "0401234567"]
    with pytest.raises(IdentifyingInputError) as refused:
        check_typed_card_number(text, examples)
    assert refused.value.kind is kind


@pytest.mark.parametrize(
    ("text", "examples"),
    [
        ("KK12345", ["KK123456"]),
        ("123456", ["KK123456"]),
        ("Z", ["KK123456"]),
        ("Z", []),
        ("123", []),
        ("", []),
        ("KK 123 456 !", []),
    ],
)
def test_a_number_outside_the_pattern_is_refused(text: str, examples: list[str]) -> None:
    with pytest.raises(CardNumberFormatError):
        check_typed_card_number(text, examples)


def test_examples_are_normalised_and_deduplicated() -> None:
    examples = [" kk123456 ", "KK-123-456", "ab 1234 5678"]
    assert normalise_examples(examples) == ["KK123456", "AB12345678"]


@pytest.mark.parametrize(
    ("examples", "reason"),
    [
        # A blank example would leave no example, which switches the check off.
        ([""], "cannot be empty"),
        (["KK123456", " - "], "cannot be empty"),
        (["010190-123A"], "must not look like a personal identity code"),
        (["131052-308T"], "must not look like a personal identity code"),
        (["0101901234"], "must not look like a personal identity code"),
        (["KK123456", "0401234567"], "must not look like a phone number"),
        (["ma@ex.fi"], "must not look like an e-mail address"),
        (["KK123456", "AB1234", "123456"], "give one or two example card numbers, not 3"),
    ],
)
def test_examples_that_would_make_nonsense_cards_are_refused(
    examples: list[str], reason: str
) -> None:
    with pytest.raises(ValueError, match=reason) as refused:
        normalise_examples(examples)
    assert "010190" not in str(refused.value)  # an identity code is never repeated


@pytest.mark.parametrize(
    ("number", "examples", "expected"),
    [
        # A run of letters every example shares is fixed; other runs are any of that length.
        ("AB123456", ["KK123456"], False),
        ("KK999999", ["KK123456"], True),
        ("KL999999", ["KK123456", "KL654321"], True),
        ("AB999999", ["KK123456", "KL654321"], True),
        ("AB123456", ["KK123456", "123456"], False),
        ("999999", ["KK123456", "123456"], True),
        ("KK12AB34", ["KK12KK34"], False),
        ("KK12KK34", ["KK12KK34"], True),
    ],
)
def test_letters_shared_by_every_example_are_fixed(
    number: str, examples: list[str], expected: bool
) -> None:
    assert accepts(number, examples) is expected
    if expected:
        assert check_typed_card_number(number, examples) == number
    else:
        with pytest.raises(CardNumberFormatError):
            check_typed_card_number(number, examples)


@pytest.mark.parametrize(
    ("examples", "language", "expected"),
    [
        (["KK123456"], "en", "KK and 6 digits"),
        (["KK123456"], "fi", "KK ja 6 numeroa"),
        (["KK123456"], "sv", "KK och 6 siffror"),
        (["KK123456", "KL654321"], "en", "2 letters and 6 digits"),
        (["KK123456", "123456"], "en", "KK and 6 digits or 6 digits"),
        (["A1B2"], "en", "A, 1 digit, B, and 1 digit"),
        (["A1B2", "C1D2"], "sv", "1 bokstav, 1 siffra, 1 bokstav och 1 siffra"),
        ([], "en", "4 to 16 letters and digits"),
        ([], "fi", "4–16 kirjainta ja numeroa"),
    ],
)
def test_the_expected_shape_is_described_in_the_readers_language(
    examples: list[str], language: str, expected: str
) -> None:
    assert describe_formats(examples, translator(language)) == expected


@pytest.mark.parametrize("example", ["X", "123", "A1B2C3D4E5F6G7H89", "KK/123456", "ÄÄ1234"])
def test_an_example_that_is_not_four_to_sixteen_letters_and_digits_is_rejected(
    example: str,
) -> None:
    with pytest.raises(ValueError, match="4-16 letters and digits"):
        normalise_examples(["KK123456", example])
