"""Nothing shaped like a client's identity code, phone number or e-mail address gets through."""

from __future__ import annotations

import pytest

from bot.rules.privacy import (
    IdentifyingInputError,
    IdentifyingKind,
    find_identifying,
    looks_like_birth_date,
)

CENTURY_SIGNS = ["+", "-", "Y", "X", "W", "V", "U", "A", "B", "C", "D", "E", "F"]


@pytest.mark.parametrize("sign", CENTURY_SIGNS)
@pytest.mark.parametrize(
    "template",
    [
        "010190{sign}123A",
        "010190{sign}1234",
        "010190 {sign} 123A",
        "01 01 90{sign}123 A",
        "Asiakkaan hetu on 311299{sign}999Y, kiitos",
    ],
)
def test_an_identity_code_is_refused_with_every_century_sign(template: str, sign: str) -> None:
    code = template.format(sign=sign)
    assert find_identifying(code) is IdentifyingKind.PERSONAL_IDENTITY_CODE
    assert find_identifying(code.lower()) is IdentifyingKind.PERSONAL_IDENTITY_CODE


@pytest.mark.parametrize(
    "text",
    [
        "010190-123A",
        "010190123A",
        "010190 123A",
        "010190A123B",
        "010190a123b",
        "010190–123A",  # an en dash, as phones autocorrect it
        "0 1 0 1 9 0 - 1 2 3 A",
        "010190- 123-A",
        "0101901234",
        "010190 1234",
        "hetu: 0101901234.",
        "KK 0101901234",
        "5010190-123A",
        "290200-123A",  # February 29 of 2000
        "010190-123M",  # the right check character
        "010190-123B",  # a wrong one: staff mistype
        "010190-123G",  # not a check character at all, but the sign says enough
        "010190-123",
    ],
)
def test_an_identity_code_is_refused_in_any_typing(text: str) -> None:
    assert find_identifying(text) is IdentifyingKind.PERSONAL_IDENTITY_CODE


@pytest.mark.parametrize(
    "text",
    [
        "+358 40 123 4567",
        "+358401234567",
        "+358-40-123-4567",
        "+358 (0) 40 123 4567",
        "00358 40 123 4567",
        "358 40 1234567",
        "087--- 2 313",
        "KK123456 / 040 1234567",
        "1985, 040 1234567",
        "1985 - 040 1234567",
        "12 0401234567",
        "1(08174)/21",
        "040-1234567",
        "0401234567",
        "040 123 4567",
        "040 12 34 567",
        "04 01 23 45 67",
        "0 4 0 1 2 3 4 5 6 7",
        "040.123.4567",
        "040/1234567",
        "050 555 1234",
        "045-123 4567",
        "044 1234 567",
        "puh. 050 555 1234, iltaisin",
        "tel0401234567",
        "0401234567kiitos",
        "AB0401234567",
        "09 123 4567",
        "09-1234567",
        "(09) 1234 567",
        "(09)1234567",
        "09123456",
        "+358 9 123 4567",
        "017 123 4567",
        "+46 70 123 45 67",
        "0046 70 123 45 67",
        "+44 20 7946 0958",
        "+1 212 555 0100",
        "+49 30 123456",
    ],
)
def test_a_phone_number_is_refused_in_any_spacing(text: str) -> None:
    assert find_identifying(text) is IdentifyingKind.PHONE_NUMBER


@pytest.mark.parametrize(
    "text",
    [
        "matti.meikalainen@example.fi",
        "MATTI@EXAMPLE.COM",
        "matti @ example.com",
        "sähköposti: liisa+kaiku@posti.example.org",
        "maija.virtanen(at)example.fi",
        "0401234567@example.fi",
    ],
)
def test_an_email_address_is_refused(text: str) -> None:
    assert find_identifying(text) is IdentifyingKind.EMAIL_ADDRESS


@pytest.mark.parametrize(
    "text",
    [
        "KK123456",
        "kk 123 456",
        "123456",
        "AB-1234-5678",
        "X",
        "Z",
        "1985",
        "2009",
        "00100",
        "99999",
        "3",
        "0",
        "12345678",
        "35821234",  # eight bare digits are a numeric card number, even after 358
        "912345678",  # digits without 0 or + are not a Finnish number on their own
        "401234567",
        "141456611",
        "1234 0567 8901",  # a grouped card number: a phone number starts where the digits do
        "1234567",
        "0123456",
        "01234567",
        "0123456789",
        "1234567890",
        "123456789012",
        "1234567890123456",
        "1234 5678 9012 3456",
        "4400-1203-8512-3456",
        "01019012345",  # a date followed by five digits: longer than any identity code
        "KK0101901234",
        "320190-123A",  # no 32nd day
        "011390-123A",  # no 13th month
        "290201-123A",  # no February 29 in 2001 or 1901
        "0101901235G",  # ten digits and a letter that is no check character
        "010190 123",
        "0800 12345",  # service numbers are nobody's own
        "0100 100",
        "020 123 456",
        "00100-00990",
        "2025-03-15",
        "@kaikubot",
        "Miten toimin, jos kortti katoaa?",
    ],
)
def test_a_legitimate_answer_is_not_refused(text: str) -> None:
    assert find_identifying(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.2.1985", True),
        ("01.02.1985", True),
        ("1. 2. 1985", True),
        ("1/2/85", True),
        ("1-2-1985", True),
        ("1985-02-01", True),
        ("01021985", True),
        ("19850201", True),
        ("010285", True),
        ("syntynyt 29.2.2000", True),
        ("1985", False),
        ("2.1985", False),
        ("29.2.2001", False),
        ("31.4.1985", False),
        ("123456", False),
        ("00100", False),
        ("KK123456", False),
    ],
)
def test_a_full_date_is_told_apart_from_a_year(text: str, expected: bool) -> None:
    assert looks_like_birth_date(text) is expected


def test_the_refusal_carries_the_kind_but_never_the_text() -> None:
    error = IdentifyingInputError(IdentifyingKind.PHONE_NUMBER)
    assert error.kind is IdentifyingKind.PHONE_NUMBER
    assert str(error) == "phone_number"
