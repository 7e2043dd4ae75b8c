"""What the bot says to anything no other handler took: never silence."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from bot.access import handles, refuse
from bot.audience import ANYONE
from bot.context import BotContext


@handles(ANYONE)
async def unknown_message(update: Update, context: BotContext) -> None:
    """Point a person to /help; explain the bot to a stranger."""
    if context.person is None or update.effective_message is None:
        await refuse(update, context)
        return
    await context.commit()
    await update.effective_message.reply_text(
        context.t.gettext("I did not understand that. /help shows what I can do.")
    )


@handles(ANYONE)
async def expired_button(update: Update, context: BotContext) -> None:
    """Answer a button whose conversation is over: it changes nothing."""
    await context.commit()
    if update.callback_query:
        await update.callback_query.answer(
            context.t.gettext("This button has expired."), show_alert=True
        )


def build() -> list[BaseHandler[Update, BotContext, object]]:
    """The catch-all handlers."""
    return [
        MessageHandler(filters.ChatType.PRIVATE & ~filters.UpdateType.EDITED, unknown_message),
        CallbackQueryHandler(expired_button),
    ]
