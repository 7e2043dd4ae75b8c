"""Staff's own phone numbers and e-mail addresses: checked and normalised, or refused with why."""

from __future__ import annotations

import enum

import phonenumbers
from email_validator import EmailNotValidError, validate_email

# Numbers typed without a country code are Finnish.
DEFAULT_REGION = "FI"
MAX_NAME = 200


class DetailProblem(enum.StrEnum):
    """Why a phone number or an e-mail address was not taken."""

    PHONE_UNREADABLE = "phone_unreadable"
    PHONE_INVALID = "phone_invalid"
    EMAIL_INVALID = "email_invalid"


class DetailRefused(ValueError):
    """A detail was not taken; `problem` says why (the text itself is never kept)."""

    def __init__(self, problem: DetailProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


def normalise_phone(text: str) -> str:
    """A phone number in E.164 form ("+358401234567"); Finnish without a country code."""
    try:
        number = phonenumbers.parse(text.strip(), DEFAULT_REGION)
    except phonenumbers.NumberParseException as error:
        raise DetailRefused(DetailProblem.PHONE_UNREADABLE) from error
    if not phonenumbers.is_valid_number(number):
        raise DetailRefused(DetailProblem.PHONE_INVALID)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def international(phone: str) -> str:
    """A stored number as people read it: "+358 40 1234567"."""
    number = phonenumbers.parse(phone, DEFAULT_REGION)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def normalise_email(text: str) -> str:
    """An e-mail address checked for its syntax only (no network), its domain lowercased."""
    try:
        checked = validate_email(text.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise DetailRefused(DetailProblem.EMAIL_INVALID) from error
    return str(checked.normalized)
