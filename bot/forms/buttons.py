"""A form's buttons: callback data "<form>:<version>:<action>[:<value>]", made and parsed here.

Anything that does not parse (forged, truncated, from an older format) is no button of an
open form: the engine answers that it has expired.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from telegram import InlineKeyboardButton

SEPARATOR = ":"
_PRESSED = re.compile(
    r"^(?P<form>[a-z]+):(?P<version>\d{1,9}):(?P<action>[a-z_]+)(?::(?P<value>.*))?$"
)


@dataclass(frozen=True)
class Pressed:
    """A form's button as pressed: which form, which version of it, what action and value."""

    form: str
    version: int
    action: str
    value: str


def data(form: str, version: int, action: str, value: str | int | None = None) -> str:
    """The callback data of a form's button."""
    parts = [form, str(version), action]
    if value is not None:
        parts.append(str(value))
    payload = SEPARATOR.join(parts)
    if len(payload.encode()) > 64:
        raise ValueError(f"callback data over 64 bytes: {payload!r}")
    return payload


def button(
    form: str, version: int, label: str, action: str, value: str | int | None = None
) -> InlineKeyboardButton:
    """A form's button."""
    return InlineKeyboardButton(label, callback_data=data(form, version, action, value))


def parse(payload: str | None) -> Pressed | None:
    """The pressed button, or None when the data is not a form's button."""
    found = _PRESSED.match(payload or "")
    if found is None:
        return None
    return Pressed(found["form"], int(found["version"]), found["action"], found["value"] or "")


def pattern(form: str) -> re.Pattern[str]:
    """What the callback data of every button of a form starts with."""
    return re.compile(rf"^{re.escape(form)}{SEPARATOR}")
