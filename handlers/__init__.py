"""Every feature's handlers, registered in one visible order."""

from __future__ import annotations

from bot.context import KaikuApplication
from handlers import basics, fallback, guideline, invitations, issuing, me


def register(application: KaikuApplication) -> None:
    """Add every handler; within a group the first that matches an update wins."""
    # Conversations come first, so that their own /cancel and answers win over the basics.
    application.add_handlers(issuing.build())
    # /start with a code must come before the plain /start greeting.
    application.add_handlers(invitations.build())
    application.add_handlers(basics.build())
    application.add_handlers(me.build())
    # Guideline answers take a registered person's free text, so they come after every
    # conversation (a form waiting for an answer wins) and just before the catch-all.
    application.add_handlers(guideline.build())
    # Last: anything else a person writes gets a pointer to /help instead of silence.
    application.add_handlers(fallback.build())
