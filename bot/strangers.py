"""What the bot tells someone it does not serve: a stranger what the bot is, a former member
(deactivated, or every role withdrawn) that their access has ended."""

from __future__ import annotations

from bot.i18n import Translator


def refusal_text(t: Translator, *, former: bool) -> str:
    """The refusal for someone without access (short enough for a button's alert)."""
    if former:
        return t.gettext(
            "Your access to Kaikubot has ended. If you still need it, ask your coordinator for "
            "a new invitation."
        )
    return t.gettext(
        "Hello! I am Kaikubot, the assistant of the staff who issue Kaikukortti, the culture "
        "card. I can only help people who have been invited: ask your organisation's "
        "Kaikukortti contact person or your local coordinator for an invitation link."
    )
