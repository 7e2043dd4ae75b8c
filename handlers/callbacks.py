"""Callback data has one home: the prefixes, the patterns built from them, one parser."""

from __future__ import annotations

import re

# Payloads are language-independent ("language:sv"), never button labels; ≤ 64 bytes.
LANGUAGE = "language"
INVITE_ROLE = "invite:role"
INVITE_ORG = "invite:org"
INVITE_UNIT = "invite:unit"
# The issuing form: "iss:<form version>:<action>[:<value>]"; the version retires old buttons.
ISSUE = "iss"
ISSUE_AGAIN = "issue:again"
# A coordinator's summary: "summary:<preset period>".
SUMMARY = "summary"

# Every prefix in use (the authorization matrix test checks each has a row).
PREFIXES = (LANGUAGE, INVITE_ROLE, INVITE_ORG, INVITE_UNIT, ISSUE, ISSUE_AGAIN, SUMMARY)
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
