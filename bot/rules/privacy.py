"""Recognise text shaped like something that identifies a client, so that it is never stored.

The domain forbids recording a client's personal identity code (henkilötunnus), date of birth,
phone number or e-mail address. These checks run before any answer is accepted, so they err on
the side of refusing: a mistyped identity code or an odd phone grouping is still refused.

Trade-offs, decided here so that the card-number rule (which runs after this one) stays simple:

- An identity code is recognised with its century sign, with the sign replaced by a space or
  hyphen, or with it left out, and with spaces or hyphens anywhere inside. The date part must be
  a plausible DDMMYY and the last character must come from the check-character alphabet; the
  checksum itself is not required to be right, because staff mistype. With a century sign (or a
  hyphen) after the date, the check character may even be missing or outside the alphabet.
- An identity code typed as ten bare digits ("0101901234") is refused only when it stands alone:
  not glued to other letters or digits. A longer run of digits that happens to start with a date
  ("010190123456") is not an identity code; it may be a long numeric card number. Any shape
  with a century sign or a letter as the check character is refused wherever it appears.
- A phone number is what the `phonenumbers` library finds valid for Finland (or for the country
  given with + / 00) and is of a kind a person has: mobile, fixed line, personal, VoIP. Service
  numbers (0100, 020x, 0600, 0800) are not a client's. A bare run of digits that does not begin
  with 0 or + is never a phone number when it is eight digits or shorter, so numeric card numbers
  such as "123456" or "12345678" pass. The price: a card number that begins with 0 and happens to
  be a valid Finnish number ("0401234567", "09123456") is refused as a phone number.
- A full date of birth is checked only where a date has no business (`looks_like_birth_date`,
  used by the birth-year question), not by `find_identifying`: card numbers may look like dates.
"""

from __future__ import annotations

import re
from enum import StrEnum

import phonenumbers
from phonenumbers import Leniency, PhoneNumber, PhoneNumberMatcher, PhoneNumberType


class IdentifyingKind(StrEnum):
    """What kind of client-identifying data a text appears to contain."""

    PERSONAL_IDENTITY_CODE = "personal_identity_code"
    PHONE_NUMBER = "phone_number"
    EMAIL_ADDRESS = "email_address"


class IdentifyingInputError(ValueError):
    """An answer looked like client-identifying data and was refused."""

    def __init__(self, kind: IdentifyingKind) -> None:
        # Only the kind goes into the message: the refused text itself must not reach any log.
        super().__init__(kind.value)
        self.kind = kind


_DASHES = "\\-\u2010\u2011\u2012\u2013\u2014\u2212"
_GAP = rf"[\s{_DASHES}]*"
_CHECK_CHARACTERS = "0-9ABCDEFHJKLMNPRSTUVWXY"
_IDENTITY_CODE = re.compile(
    rf"(?P<date>[0-9](?:{_GAP}[0-9]){{5}})"
    rf"(?P<sign>{_GAP}[+YXWVUABCDEF]?{_GAP})"
    rf"(?P<number>[0-9](?:{_GAP}[0-9]){{2}})"
    rf"(?:{_GAP}(?P<check>[{_CHECK_CHARACTERS}]))?",
    re.IGNORECASE,
)
# Starting only where a local part can start keeps a long run of letters linear, not quadratic.
_EMAIL = re.compile(
    r"(?<![\w.%+\-])[\w.%+\-]+\s*(?:@|＠|\(at\)|\[at\])\s*[\w\-]+(?:\.[\w\-]+)*\.[^\W\d_]{2,}",
    re.IGNORECASE,
)
# Digits with the separators people put in phone numbers; the library's matcher misses some
# shapes (glued to letters, unusual groupings) that are still a number once these are dropped.
_DIGIT_RUN = re.compile(rf"(?<![0-9])\+?\(?[0-9](?:[\s{_DASHES}./()]{{0,2}}[0-9])+")
_PERSONAL_PHONE_TYPES = frozenset(
    {
        PhoneNumberType.MOBILE,
        PhoneNumberType.FIXED_LINE,
        PhoneNumberType.FIXED_LINE_OR_MOBILE,
        PhoneNumberType.PERSONAL_NUMBER,
        PhoneNumberType.VOIP,
    }
)
_LONGEST_BARE_NON_PHONE = 8
_BIRTH_DATE_PATTERNS = (
    # 1.2.1985, 01-02-85, 1/2/1985, "1. 2. 1985"
    re.compile(
        r"(?<![0-9])(?P<day>[0-9]{1,2})\s*[./\-]\s*(?P<month>[0-9]{1,2})\s*[./\-]\s*"
        r"(?P<year>[0-9]{4}|[0-9]{2})(?![0-9])"
    ),
    # 1985-02-01
    re.compile(
        r"(?<![0-9])(?P<year>[0-9]{4})\s*[./\-]\s*(?P<month>[0-9]{1,2})\s*[./\-]\s*"
        r"(?P<day>[0-9]{1,2})(?![0-9])"
    ),
    re.compile(r"(?<![0-9])(?P<day>[0-9]{2})(?P<month>[0-9]{2})(?P<year>[0-9]{4})(?![0-9])"),
    re.compile(r"(?<![0-9])(?P<year>[0-9]{4})(?P<month>[0-9]{2})(?P<day>[0-9]{2})(?![0-9])"),
    re.compile(r"(?<![0-9])(?P<day>[0-9]{2})(?P<month>[0-9]{2})(?P<year>[0-9]{2})(?![0-9])"),
)
_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def find_identifying(text: str) -> IdentifyingKind | None:
    """The kind of client-identifying data the text seems to contain, or None."""
    # A ten-digit code without a century sign is checked last: a Finnish phone number such as
    # 040 123 4567 also starts with a plausible date, and "phone number" is the better reason.
    if _has_identity_code(text, bare=False):
        return IdentifyingKind.PERSONAL_IDENTITY_CODE
    if _EMAIL.search(text):
        return IdentifyingKind.EMAIL_ADDRESS
    if _has_phone_number(text):
        return IdentifyingKind.PHONE_NUMBER
    if _has_identity_code(text, bare=True):
        return IdentifyingKind.PERSONAL_IDENTITY_CODE
    return None


def looks_like_birth_date(text: str) -> bool:
    """Whether the text contains a full date that could be a date of birth."""
    for pattern in _BIRTH_DATE_PATTERNS:
        for match in pattern.finditer(text):
            year = match["year"]
            # A two-digit year may be 2000 or 1900: let February 29 through whenever it can be.
            leap = _is_leap(int(year)) if len(year) == 4 else int(year) % 4 == 0
            if _is_plausible_date(int(match["day"]), int(match["month"]), leap=leap):
                return True
    return False


def _has_identity_code(text: str, *, bare: bool) -> bool:
    """Whether an identity-code shape occurs: bare ten digits, or with a sign or letter."""
    for start, character in enumerate(text):
        if not "0" <= character <= "9":
            continue
        match = _IDENTITY_CODE.match(text, start)
        if match is None:
            continue
        date = re.sub(r"[^0-9]", "", match["date"])
        day, month, year = int(date[:2]), int(date[2:4]), int(date[4:])
        if not _is_plausible_date(day, month, leap=year % 4 == 0):
            continue
        check = match["check"] or ""
        # A century sign (or a hyphen in its place) after a date and three digits is telling
        # enough even when the check character is missing or mistyped.
        marked = bool(match["sign"].strip()) or check.isalpha()
        if marked and not bare:
            return True
        if check and not marked and bare and _stands_alone(text, start, match.end()):
            return True
    return False


def _stands_alone(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] touches no letter or digit on either side."""
    before = start == 0 or not text[start - 1].isalnum()
    after = end == len(text) or not text[end].isalnum()
    return before and after


def _is_plausible_date(day: int, month: int, *, leap: bool) -> bool:
    """Whether day.month is a real day of a year (of a leap year when leap is true)."""
    if not 1 <= month <= 12:
        return False
    longest = 29 if month == 2 and leap else _DAYS_IN_MONTH[month - 1]
    return 1 <= day <= longest


def _is_leap(year: int) -> bool:
    """Whether the (four-digit) year is a leap year."""
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _has_phone_number(text: str) -> bool:
    """Whether the text contains a number a person could be phoned at."""
    for match in PhoneNumberMatcher(text, "FI", leniency=Leniency.VALID):
        digits = re.sub(r"[^0-9]", "", match.raw_string)
        prefixed = match.raw_string.lstrip("(").startswith(("+", "0"))
        if not prefixed and len(digits) <= _LONGEST_BARE_NON_PHONE:
            continue
        if _is_personal(match.number):
            return True
    for run in _DIGIT_RUN.finditer(text):
        compact = re.sub(r"[^0-9+]", "", run.group())
        if not compact.startswith(("+", "0")):
            continue
        try:
            number = phonenumbers.parse(compact, "FI")
        except phonenumbers.NumberParseException:
            continue
        if _is_personal(number):
            return True
    return False


def _is_personal(number: PhoneNumber) -> bool:
    """Whether the number is valid and of a kind a private person has."""
    return (
        phonenumbers.is_valid_number(number)
        and phonenumbers.number_type(number) in _PERSONAL_PHONE_TYPES
    )
