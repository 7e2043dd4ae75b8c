"""The issuing form's background answers: what each may be, normalised or refused with a reason."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from enum import StrEnum

from bot.rules.privacy import IdentifyingKind, find_identifying, looks_like_birth_date

MINIMUM_AGE = 16
MAXIMUM_AGE = 110
MAXIMUM_CHILDREN = 30
# The buttons offer 0 to 5; "More than 5" asks for a typed number from here on.
MORE_THAN_BUTTONS = 6
WELLBEING_SCORES = (1, 2, 3, 4, 5)

_YEAR = re.compile(r"[0-9]{4}")
_POSTAL_CODE = re.compile(r"[0-9]{5}")
_COUNT = re.compile(r"[0-9]+")
_POSTAL_RANGE = re.compile(r"([0-9]{5})\s*[\-\u2010\u2011\u2012\u2013\u2014\u2212]\s*([0-9]{5})")


class Reason(StrEnum):
    """Why an answer was refused; the handler turns each into a translated message."""

    PERSONAL_IDENTITY_CODE = "personal_identity_code"
    PHONE_NUMBER = "phone_number"
    EMAIL_ADDRESS = "email_address"
    BIRTH_DATE_NOT_ALLOWED = "birth_date_not_allowed"
    NOT_A_YEAR = "not_a_year"
    TOO_YOUNG = "too_young"
    TOO_OLD = "too_old"
    NOT_A_POSTAL_CODE = "not_a_postal_code"
    NOT_A_COUNT = "not_a_count"
    TOO_MANY_CHILDREN = "too_many_children"
    TOO_FEW_CHILDREN = "too_few_children"
    NOT_A_WELLBEING_SCORE = "not_a_wellbeing_score"


class AnswerError(ValueError):
    """A background answer was refused for the given reason; nothing was stored."""

    def __init__(self, reason: Reason) -> None:
        # Only the reason goes into the message: the refused text itself must not reach any log.
        super().__init__(reason.value)
        self.reason = reason


class Gender(StrEnum):
    """The voluntary gender answer; the values are stored, so they never change."""

    WOMAN = "woman"
    MAN = "man"
    OTHER = "other"
    UNDISCLOSED = "undisclosed"


class LifeSituation(StrEnum):
    """The voluntary life-situation answer; the values are stored, so they never change."""

    UNEMPLOYED = "unemployed"
    PENSIONER = "pensioner"
    STUDENT = "student"
    REHABILITATION_OR_SICK_LEAVE = "rehabilitation_or_sick_leave"
    LOW_INCOME_EMPLOYED = "low_income_employed"
    FAMILY_CARER = "family_carer"
    OTHER = "other"
    UNDISCLOSED = "undisclosed"


_IDENTIFYING_REASONS = {
    IdentifyingKind.PERSONAL_IDENTITY_CODE: Reason.PERSONAL_IDENTITY_CODE,
    IdentifyingKind.PHONE_NUMBER: Reason.PHONE_NUMBER,
    IdentifyingKind.EMAIL_ADDRESS: Reason.EMAIL_ADDRESS,
}


def parse_birth_year(text: str, today: date) -> int:
    """The birth year of a holder who is at least 16 this year and at most 110."""
    text = text.strip()
    kind = find_identifying(text)
    # The form keeps the year only; an identity code carries the whole date of birth, so both
    # get the one reason that tells staff to type just the year.
    if kind is IdentifyingKind.PERSONAL_IDENTITY_CODE or looks_like_birth_date(text):
        raise AnswerError(Reason.BIRTH_DATE_NOT_ALLOWED)
    _refuse_identifying(kind)
    if _YEAR.fullmatch(text) is None:
        raise AnswerError(Reason.NOT_A_YEAR)
    year = int(text)
    earliest, latest = birth_year_bounds(today)
    if year > latest:
        raise AnswerError(Reason.TOO_YOUNG)
    if year < earliest:
        raise AnswerError(Reason.TOO_OLD)
    return year


def parse_postal_code(text: str) -> str:
    """A five-digit postal code."""
    text = text.strip()
    _refuse_identifying(find_identifying(text))
    if _POSTAL_CODE.fullmatch(text) is None:
        raise AnswerError(Reason.NOT_A_POSTAL_CODE)
    return text


def parse_children(text: str, minimum: int = 0) -> int:
    """The number of the holder's minor children or grandchildren, `minimum` to 30."""
    text = text.strip()
    if _COUNT.fullmatch(text) is None:
        raise AnswerError(Reason.NOT_A_COUNT)
    children = int(text)
    if children > MAXIMUM_CHILDREN:
        raise AnswerError(Reason.TOO_MANY_CHILDREN)
    if children < minimum:
        raise AnswerError(Reason.TOO_FEW_CHILDREN)
    return children


def birth_year_bounds(today: date) -> tuple[int, int]:
    """The earliest and latest birth year a holder may have this year."""
    return today.year - MAXIMUM_AGE, today.year - MINIMUM_AGE


def parse_wellbeing(text: str) -> int:
    """A cultural-wellbeing self-assessment score, 1 to 5."""
    text = text.strip()
    if _COUNT.fullmatch(text) is None or int(text) not in WELLBEING_SCORES:
        raise AnswerError(Reason.NOT_A_WELLBEING_SCORE)
    return int(text)


def in_network(code: str, entries: Sequence[str]) -> bool:
    """Whether the postal code is one of the entries ("00100") or within one ("00100-00990")."""
    code = code.strip()
    if _POSTAL_CODE.fullmatch(code) is None:
        return False
    for entry in entries:
        first, last = _bounds(entry)
        # Postal codes are five digits each, so comparing them as text compares them as numbers.
        if first <= code <= last:
            return True
    return False


def normalise_postal_entries(entries: Iterable[str]) -> list[str]:
    """A locality's postal codes and ranges, validated and deduplicated; blank ones dropped."""
    normalised: list[str] = []
    for entry in entries:
        if not entry.strip():
            continue
        first, last = _bounds(entry)
        if first > last:
            raise ValueError(f"postal code range {entry.strip()!r} ends before it starts")
        value = first if first == last else f"{first}-{last}"
        if value not in normalised:
            normalised.append(value)
    return normalised


def _bounds(entry: str) -> tuple[str, str]:
    """The first and last postal code of an entry, or raise ValueError if it is neither shape."""
    entry = entry.strip()
    if _POSTAL_CODE.fullmatch(entry):
        return entry, entry
    match = _POSTAL_RANGE.fullmatch(entry)
    if match is None:
        raise ValueError(f"{entry!r} is neither a 5-digit postal code nor a range like 00100-00990")
    return match[1], match[2]


def _refuse_identifying(kind: IdentifyingKind | None) -> None:
    """Raise the reason matching the identifying kind, if there is one."""
    if kind is not None:
        raise AnswerError(_IDENTIFYING_REASONS[kind])
