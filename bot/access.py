"""Who may do what, decided in one place before any handler runs.

Every handler is declared with `@handles(...)`: which people may use it and whether it writes.
The wrapper opens the update's one transaction, loads the person and their roles with one
query, picks the reader's language, and refuses, changing nothing, when the person may not.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Coroutine
from contextvars import ContextVar
from typing import Any, TypeVar

from telegram import Update
from telegram.constants import CallbackQueryLimit, ChatType
from telegram.error import TelegramError

from bot.audience import Audience
from bot.context import BotContext
from bot.i18n import Translator, choose_language, translator
from bot.strangers import refusal_text
from storage import people
from storage.models import Person

R = TypeVar("R")
Callback = Callable[[Update, BotContext], Coroutine[Any, Any, R]]


# The reader's translator for the update being handled. PTB's error handler gets a fresh
# context but runs in the same task, so it finds the language here (keyed by update id, so a
# value left by an earlier update is never used).
_UPDATE_TRANSLATOR: ContextVar[tuple[int, Translator] | None] = ContextVar(
    "update_translator", default=None
)


def translator_for(update: object, default_language: str) -> Translator:
    """The translator chosen for this update, else Telegram's language, else the default."""
    if not isinstance(update, Update):
        return translator(default_language)
    remembered = _UPDATE_TRANSLATOR.get()
    if remembered is not None and remembered[0] == update.update_id:
        return remembered[1]
    user = update.effective_user
    return translator(choose_language(None, user.language_code if user else None, default_language))


def current_person(found: Person | None) -> Person | None:
    """A person counts only while active and holding a role; otherwise they are a stranger."""
    if found is None or not found.active or not found.roles:
        return None
    return found


def handles(
    audience: Audience, *, writes: bool = False, with_draft: bool = False
) -> Callable[[Callback[R]], Callback[R | None]]:
    """Declare who may use a handler and open the update's transaction; refusals change nothing.

    The handler reads, decides and writes in that transaction, then calls context.commit()
    before it talks to Telegram; whatever it left open is rolled back when it returns. With
    `with_draft`, the person's open form (their draft) is read by the same query as the person
    (context.draft). The bot works in private chats only: elsewhere nothing runs.
    """

    def decorate(callback: Callback[R]) -> Callback[R | None]:
        @functools.wraps(callback)
        async def wrapper(update: Update, context: BotContext) -> R | None:
            if not in_private_chat(update):
                if update.callback_query is not None:
                    with contextlib.suppress(TelegramError):
                        await update.callback_query.answer()
                return None
            try:
                await open_for(update, context, writes=writes, with_draft=with_draft)
                if not audience.admits(context.person):
                    await refuse(update, context)
                    return None
                return await callback(update, context)
            finally:
                await context.rollback()  # whatever the handler did not commit

        return wrapper

    return decorate


def in_private_chat(update: Update) -> bool:
    """Whether the update comes from a private chat (or has no chat, as a job's has not)."""
    chat = update.effective_chat
    return chat is None or chat.type == ChatType.PRIVATE


async def open_for(
    update: Update, context: BotContext, *, writes: bool, with_draft: bool = False
) -> None:
    """Open the update's transaction and read who is writing (and their draft), with the
    reader's translator."""
    user = update.effective_user
    session = await context.begin(writes=writes)
    found = None
    context.draft = None
    if user is not None and with_draft:
        chat_id = update.effective_chat.id if update.effective_chat else user.id
        found, context.draft = await people.with_draft(session, user.id, chat_id=chat_id)
    elif user is not None:
        found = await people.by_telegram_id(session, user.id)
    if writes and found is not None and user is not None:
        people.note_message(found, user.language_code)
    context.person = current_person(found)
    context.former = found is not None and context.person is None
    context.t = translator(
        choose_language(
            found.language if found else None,
            user.language_code if user else None,
            context.settings.default_language,
        )
    )
    _UPDATE_TRANSLATOR.set((update.update_id, context.t))


async def refuse(update: Update, context: BotContext) -> None:
    """Tell a stranger what the bot is, or a person that this is not part of their role.

    A refusal stores nothing: the update's transaction ends before the person is told.
    """
    await context.rollback()
    t = context.t
    if context.person is None:
        text = refusal_text(t, former=context.former)
    else:
        text = t.gettext("Sorry, that is not part of your role. /help shows what you can do.")
    query = update.callback_query
    if query is not None and len(text) <= CallbackQueryLimit.ANSWER_CALLBACK_QUERY_TEXT_LENGTH:
        await query.answer(text, show_alert=True)
        return
    if query is not None:
        await query.answer()  # an alert takes 200 characters at most: the text comes below
    if update.effective_chat:
        await context.bot.send_message(update.effective_chat.id, text)
