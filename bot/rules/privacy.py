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
- A phone number is what the `phonenumbers` library's metadata finds valid for Finland (or for
  the country given with + / 00) and is of a kind a person has: mobile, fixed line, personal,
  VoIP. Service numbers (0100, 020x, 0600, 0800) are not a client's. Digits without 0 or + in
  front are a phone number only after Finland's code 358 ("358 40 123 4567", as phonenumbers
  reads them), never when eight digits or shorter or glued to letters, so numeric card numbers
  such as "123456", "12345678" or "912345678" pass. The price: a card number that begins with 0
  and happens to be a valid Finnish number ("0401234567", "09123456") is refused as a phone
  number.
- Every check runs in time linear in the text, whatever it holds: a message of Telegram's
  4096 characters takes a few milliseconds on the event loop. So no pattern backtracks over the
  text, and phone numbers are not searched for with the library's matcher (about 0.1-0.5 s for
  such a message of digits and slashes) but read here: runs of digit groups joined by up to
  four separators, each number starting where a run does or at a group set apart inside it,
  of a length the country's numbers have, checked against the metadata's patterns once per
  call. A country's patterns are compiled the first time one of its numbers is looked at (a
  millisecond or two; every country's, ~0.5 s, at most once per process).
- A full date of birth is checked only where a date has no business (`looks_like_birth_date`,
  used by the birth-year question), not by `find_identifying`: card numbers may look like dates.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from dataclasses import dataclass
from enum import StrEnum

from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, PhoneMetadata, PhoneNumberDesc


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
# Possessive gaps: what follows a gap is never a gap character, so nothing is given back, and
# a search costs a bounded look at each digit (linear in the text, see the module docstring).
_GAP = rf"[\s{_DASHES}]*+"
_CHECK_CHARACTERS = "0-9ABCDEFHJKLMNPRSTUVWXY"
_CHECK_LETTERS = "ABCDEFHJKLMNPRSTUVWXY"
# A real DDMMYY, with gaps anywhere (only February 29 is checked after the match, for the
# leap year): 31.4. is refused here, so that text full of it costs no work in Python.
_MONTH = rf"(?:0{_GAP}[1-9]|1{_GAP}[0-2])"
_DATE = (
    rf"(?P<date>(?:(?:0{_GAP}[1-9]|1{_GAP}[0-9]|2{_GAP}[0-8]){_GAP}{_MONTH}"
    rf"|2{_GAP}9{_GAP}{_MONTH}"
    rf"|3{_GAP}0{_GAP}(?:0{_GAP}[13-9]|1{_GAP}[0-2])"
    rf"|3{_GAP}1{_GAP}(?:0{_GAP}[13578]|1{_GAP}[02]))"
    rf"{_GAP}[0-9]{_GAP}[0-9])"
)
_INDIVIDUAL_NUMBER = rf"[0-9]{_GAP}[0-9]{_GAP}[0-9]"
# Marked: a century sign or a hyphen after the date, or a letter as the check character.
_MARKED_IDENTITY_CODE = re.compile(
    rf"{_DATE}(?:"
    rf"\s*+(?:[{_DASHES}]{_GAP}(?:[+YXWVUABCDEF]{_GAP})?|[+YXWVUABCDEF]{_GAP})"
    rf"{_INDIVIDUAL_NUMBER}"
    rf"|{_GAP}{_INDIVIDUAL_NUMBER}{_GAP}[{_CHECK_LETTERS}])",
    re.IGNORECASE,
)
# Bare: ten digits (spaces allowed, no sign), touching no letter or digit on either side.
_BARE_IDENTITY_CODE = re.compile(
    rf"(?<![^\W_]){_DATE}\s*+{_INDIVIDUAL_NUMBER}{_GAP}[0-9](?![^\W_])"
)
# Starting only where a local part can start keeps a long run of letters linear, not quadratic.
_EMAIL = re.compile(
    r"(?<![\w.%+\-])[\w.%+\-]+\s*(?:@|＠|\(at\)|\[at\])\s*[\w\-]+(?:\.[\w\-]+)*\.[^\W\d_]{2,}",
    re.IGNORECASE,
)
# Digits with the separators people put in phone numbers: one run per number-like stretch.
# At least five digits: no phone number anywhere is shorter.
_PHONE_RUN = re.compile(rf"(?<![0-9])(\+?)\(?[0-9](?:[\s{_DASHES}./()]{{0,4}}[0-9]){{4,}}")
_DIGIT_GROUP = re.compile(r"[0-9]+")
_FINLAND = 358
_FINLAND_DIGITS = str(_FINLAND)
_LONGEST_BARE_NON_PHONE = 8
_SHORTEST_GROUP_ALONE = 6
# phonenumbers' order of deciding a number's type: the first that matches wins.
_TYPES_IN_ORDER = (
    ("premium_rate", False),
    ("toll_free", False),
    ("shared_cost", False),
    ("voip", True),
    ("personal_number", True),
    ("pager", False),
    ("uan", False),
    ("voicemail", False),
    ("fixed_line", True),
    ("mobile", True),
)
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
    pattern = _BARE_IDENTITY_CODE if bare else _MARKED_IDENTITY_CODE
    position = 0
    while (match := pattern.search(text, position)) is not None:
        date = re.sub(r"[^0-9]", "", match["date"])
        day, month, year = int(date[:2]), int(date[2:4]), int(date[4:])
        if _is_plausible_date(day, month, leap=year % 4 == 0):
            return True
        position = match.start() + 1  # no such day (31.4., 29.2. of a common year): look on
    return False


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
    # Adversarial text repeats itself: each candidate is judged once per call.
    judged: dict[tuple[int, str], bool] = {}
    for run in _PHONE_RUN.finditer(text):
        before = text[run.start() - 1] if run.start() else ""
        after = text[run.end()] if run.end() < len(text) else ""
        glued = before.isalpha() or after.isalpha()
        for country, national in _candidates(run.group(), plus=bool(run[1]), glued=glued):
            key = (country, national)
            if key not in judged:
                judged[key] = _is_personal(country, national)
            if judged[key]:
                return True
    return False


def _candidates(run: str, *, plus: bool, glued: bool) -> list[tuple[int, str]]:
    """Each (country code, national number) a run of digit groups could hold: from where a
    number may start (+, 00, 0, or Finland's 358 without either) to the end of a group, of a
    length the country's numbers have. A number starts at the run's start, or inside it at a
    group set apart (after a wider gap, a slash or a parenthesis: "KK123456 / 040 …") or long
    enough to be one by itself ("12 0401234567"): "1234 0567 8901" is a grouped card number,
    not a phone number after "1234"."""
    spans = [match.span() for match in _DIGIT_GROUP.finditer(run)]
    digits = "".join(run[start:end] for start, end in spans)
    ends = list(itertools.accumulate(end - start for start, end in spans))
    found: list[tuple[int, str]] = []
    start = 0
    for index, (group_start, group_end) in enumerate(spans):
        if index == 0 or _set_apart(run, spans[index - 1][1], group_start, group_end):
            _add_starting_at(found, digits, ends, start, plus=plus and index == 0, glued=glued)
        start = ends[index]
    return found


def _set_apart(run: str, previous_end: int, start: int, end: int) -> bool:
    """Whether a group inside a run may start a number of its own."""
    gap = run[previous_end:start]
    return len(gap) > 1 or "/" in gap or "(" in gap or end - start >= _SHORTEST_GROUP_ALONE


def _add_starting_at(
    found: list[tuple[int, str]],
    digits: str,
    ends: list[int],
    start: int,
    *,
    plus: bool,
    glued: bool,
) -> None:
    """The candidates that start at this digit."""
    if plus:
        _add_international(found, digits, ends, start)
    elif digits.startswith("00", start):
        _add_international(found, digits, ends, start + 2)
    elif digits.startswith("0", start):
        _add_national(found, digits, ends, _FINLAND, start + 1)
    elif digits.startswith(_FINLAND_DIGITS, start) and not glued:
        # Digits without 0 or + are a phone number only after Finland's code (as phonenumbers
        # reads "358 40 …"), and never while short enough to be a numeric card number.
        first_end = start + _LONGEST_BARE_NON_PHONE + 1
        national = start + len(_FINLAND_DIGITS)
        _add_national(found, digits, ends, _FINLAND, national, first_end=first_end)


def _add_international(
    found: list[tuple[int, str]], digits: str, ends: list[int], body: int
) -> None:
    """The candidates after + or 00: country codes are prefix-free, so at most one fits."""
    if digits.startswith("0", body):
        return  # no country code starts with 0
    for length in (1, 2, 3):
        code = digits[body : body + length]
        if len(code) == length and int(code) in COUNTRY_CODE_TO_REGION_CODE:
            national = body + length
            _add_national(found, digits, ends, int(code), national)
            if digits.startswith("0", national):  # "+358 (0) 40 …": a trunk 0 typed as well
                _add_national(found, digits, ends, int(code), national + 1)
            return


def _add_national(
    found: list[tuple[int, str]],
    digits: str,
    ends: list[int],
    country: int,
    start: int,
    *,
    first_end: int = 0,
) -> None:
    """The national numbers of the country from start to a group's end (first_end at the
    earliest), of a length its numbers may have."""
    numbers = _country(country)
    if not numbers.lengths:
        return
    low = bisect.bisect_left(ends, max(start + numbers.shortest, first_end))
    high = bisect.bisect_right(ends, start + numbers.longest)
    for index in range(low, high):
        if ends[index] - start in numbers.lengths:
            found.append((country, digits[start : ends[index]]))


def _is_personal(country: int, national: str) -> bool:
    """Whether a national number is valid, and of a kind a person has, in the country."""
    numbers = _country(country)
    if numbers.general.fullmatch(national) is None:
        return False  # valid in none of its regions (one look, however many regions)
    for pattern in numbers.patterns:
        match = pattern.fullmatch(national)
        # The first type (in phonenumbers' order) that fits decides: its group is the one
        # matched (the metadata's own patterns capture nothing).
        if match is not None and (match.lastgroup or "").startswith("personal"):
            return True
    return False


@dataclass(frozen=True, slots=True)
class _CountryNumbers:
    """What a country calling code's numbers look like: their possible national lengths, and
    per region one pattern of its general shape and its number types, in the order
    phonenumbers decides a type, each a named group ("personal…" or "other…")."""

    lengths: frozenset[int]
    shortest: int
    longest: int
    general: re.Pattern[str]
    patterns: tuple[re.Pattern[str], ...]


@functools.cache
def _country(country: int) -> _CountryNumbers:
    """A country calling code's numbers, read from phonenumbers' metadata once per process."""
    lengths: set[int] = set()
    generals, patterns = [], []
    for region in COUNTRY_CODE_TO_REGION_CODE.get(country, ()):
        metadata = (
            PhoneMetadata.metadata_for_nongeo_region(country)
            if region == "001"
            else PhoneMetadata.metadata_for_region(region)
        )
        if metadata is None or metadata.general_desc is None:
            continue
        general = _shape(metadata.general_desc)
        if general is None:
            continue
        lengths.update(metadata.general_desc.possible_length or ())
        types = [
            f"(?P<{'personal' if personal else 'other'}{index}>{shape})"
            for index, (name, personal) in enumerate(_TYPES_IN_ORDER)
            if (shape := _shape(getattr(metadata, name))) is not None
        ]
        if types:
            generals.append(f"(?:{general})")
            patterns.append(re.compile(f"(?={general}$)(?:{'|'.join(types)})"))
    general_pattern = re.compile("|".join(generals) or "(?!)")
    return _CountryNumbers(
        frozenset(lengths),
        min(lengths, default=0),
        max(lengths, default=0),
        general_pattern,
        tuple(patterns),
    )


def _shape(description: PhoneNumberDesc | None) -> str | None:
    """A number description as one pattern: one of its possible lengths, then its digits."""
    if description is None or not description.national_number_pattern:
        return None
    pattern = f"(?:{description.national_number_pattern})"
    lengths = description.possible_length or ()
    if not lengths:
        return pattern
    return f"(?=(?:{'|'.join(f'[0-9]{{{n}}}' for n in lengths)})$){pattern}"
