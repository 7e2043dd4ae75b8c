"""Every feature's handlers, registered in one visible order."""

from __future__ import annotations

from bot.context import KaikuApplication
from handlers import basics, fallback, invitations, issuing, me, summaries


def register(application: KaikuApplication) -> None:
    """Add every handler; within a group the first that matches an update wins."""
    # Conversations come first, so that their own /cancel and answers win over the basics.
    application.add_handlers(issuing.build())
    # /start with a code must come before the plain /start greeting.
    application.add_handlers(invitations.build())
    application.add_handlers(basics.build())
    application.add_handlers(me.build())
    application.add_handlers(summaries.build())
    # Last: anything else a person writes gets a pointer to /help instead of silence.
    application.add_handlers(fallback.build())
