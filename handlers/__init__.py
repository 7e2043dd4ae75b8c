"""Every feature's handlers, registered in one visible order."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler

from bot.context import BotContext, KaikuApplication
from handlers import basics, fallback

Handlers = list[BaseHandler[Update, BotContext, object]]


def register(application: KaikuApplication) -> None:
    """Add every handler; within a group the first that matches an update wins."""
    # Conversations come first, so that their own /cancel and answers win over the basics.
    application.add_handlers(basics.build())
    # Last: anything else a person writes gets a pointer to /help instead of silence.
    application.add_handlers(fallback.build())
