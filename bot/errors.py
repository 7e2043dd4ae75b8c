"""The one error handler: log what broke (no token, no typed text), tell the person."""

from __future__ import annotations

import contextlib
import logging
import traceback

from telegram import Update
from telegram.error import RetryAfter, TelegramError

from bot.access import translator_for
from bot.context import BotContext

log = logging.getLogger(__name__)


def describe(error: BaseException, secrets: list[str]) -> str:
    """The traceback with the given secrets (token, what the person typed) blanked out."""
    text = "".join(traceback.format_exception(error))
    for secret in sorted(filter(None, secrets), key=len, reverse=True):
        text = text.replace(secret, "[redacted]")
    return text


async def on_error(update: object, context: BotContext) -> None:
    """Log the failure without secrets and tell the person, in their language."""
    error = context.error
    if error is None:
        return
    secrets = [context.bot.token]
    message = update.effective_message if isinstance(update, Update) else None
    if message is not None:
        secrets += [message.text or "", message.caption or ""]
    if isinstance(update, Update) and update.callback_query and update.callback_query.data:
        secrets.append(update.callback_query.data)
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("update %s failed:\n%s", update_id, describe(error, secrets))
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if isinstance(error, RetryAfter):
        # Telegram's flood limit refused even the retries (bot.flood): an apology would be
        # refused too, and would only prolong the wait.
        return
    # Whatever the handler had not committed was rolled back and the conversation kept its
    # previous step, so the person can simply answer again.
    t = translator_for(update, context.settings.default_language)
    text = t.gettext(
        "Sorry, something went wrong on my side. Nothing you answered earlier is lost: please "
        "try again, or send /cancel to start over."
    )
    if update.callback_query:
        with contextlib.suppress(TelegramError):  # answered already, before the failure
            await update.callback_query.answer()
    try:
        await context.bot.send_message(update.effective_chat.id, text)
    except Exception:  # the transport itself may be what failed
        log.warning("could not tell chat about the failure", exc_info=False)
