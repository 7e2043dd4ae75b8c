"""Callback data has one home: the prefixes, the patterns built from them, one parser."""

from __future__ import annotations

import re

# Payloads are language-independent ("language:sv"), never button labels; ≤ 64 bytes.
LANGUAGE = "language"
# The forms' buttons: "<form>:<form version>:<action>[:<value>]" (bot.forms.buttons); the
# version retires old buttons. Each form's name is its prefix.
ISSUE = "iss"
INVITE = "inv"
SETTINGS = "set"
ISSUE_AGAIN = "issue:again"
# A person's own work details, and a contact person handing their role over.
CONTACT = "contact"
HANDOVER = "handover"
# A coordinator's open invitations (/invitations), a form.
INVITATIONS = "invlist"
# Join links: the /joinlink form, and an approver's "joinreq:<approve|decline>:<request id>".
JOIN_LINK = "joinlink"
JOIN_REQUEST = "joinreq"
# A contact person managing their organisation's people.
PEOPLE = "people"
# /forgetme's confirmation.
FORGET = "forget"
# Taking over a contact person role offered to oneself: "takeover:<accept|decline>:<id>".
TAKEOVER = "takeover"
# Guideline answers: "guide:area[:<area>]", "guide:topic:<topic key>",
# "guide:more:<topic key>:<question id or 0>", "guide:vote:<question id>:<up|down>".
GUIDE_AREA = "guide:area"
GUIDE_TOPIC = "guide:topic"
GUIDE_MORE = "guide:more"
GUIDE_VOTE = "guide:vote"
# A coordinator's summary: "summary:<preset period>"; its buttons that open a form (a typed
# period, the schedule), and those forms' own buttons.
SUMMARY = "summary"
SUMMARY_RANGE = "summary:range"
SUMMARY_SCHEDULE = "summary:schedule"
RANGE = "range"
SCHEDULE = "sched"
# Issuances after issuing (/cards): "cards:page:<offset>", "cards:open:<issuance id>"; the
# correcting and voiding forms start from "cards:fix:<id>" and "cards:void:<id>".
CARDS_PAGE = "cards:page"
CARDS_OPEN = "cards:open"
FIX_START = "cards:fix"
VOID_START = "cards:void"
FIX = "fix"
VOID = "void"
# Practising the issuing form (/practice): nothing is stored.
PRACTICE = "prac"
# A coordinator's organisations and units (/orgs).
ORGS = "org"

# Every prefix in use (the authorization matrix test checks each has a row).
PREFIXES = (
    LANGUAGE,
    ISSUE,
    INVITE,
    SETTINGS,
    ISSUE_AGAIN,
    CONTACT,
    HANDOVER,
    PEOPLE,
    INVITATIONS,
    JOIN_LINK,
    JOIN_REQUEST,
    FORGET,
    TAKEOVER,
    GUIDE_AREA,
    GUIDE_TOPIC,
    GUIDE_MORE,
    GUIDE_VOTE,
    SUMMARY,
    SUMMARY_RANGE,
    SUMMARY_SCHEDULE,
    RANGE,
    SCHEDULE,
    CARDS_PAGE,
    CARDS_OPEN,
    FIX_START,
    VOID_START,
    FIX,
    VOID,
    PRACTICE,
    ORGS,
)
SEPARATOR = ":"


def data(prefix: str, *parts: str | int) -> str:
    """Build callback data from a prefix and its parts."""
    payload = SEPARATOR.join([prefix, *(str(part) for part in parts)])
    if len(payload.encode()) > 64:
        raise ValueError(f"callback data over 64 bytes: {payload!r}")
    return payload


def pattern(prefix: str) -> re.Pattern[str]:
    """The pattern that matches every payload of a prefix."""
    return re.compile(rf"^{re.escape(prefix)}(?:{SEPARATOR}|$)")


def parts(prefix: str, payload: str) -> list[str]:
    """The parts of a payload after its prefix (prefixes may contain the separator)."""
    rest = payload.removeprefix(prefix).removeprefix(SEPARATOR)
    return rest.split(SEPARATOR) if rest else []


_IDENTIFIER = re.compile(r"[0-9]{1,9}")


def identifier(value: str) -> int:
    """A button's database id, or 0 (which matches nothing) when the value is no id at all
    (forged, "²", or longer than any id)."""
    return int(value) if _IDENTIFIER.fullmatch(value) else 0
