"""Who may do what, decided in one place before any handler runs.

Every handler is declared with `@handles(...)`: which people may use it and whether it writes.
The wrapper opens the update's one database session, loads the person and their roles with
one query, picks the reader's language, and refuses, changing nothing, when the person may not.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from contextvars import ContextVar
from typing import Any, TypeVar

from telegram import Update
from telegram.constants import CallbackQueryLimit

from bot.audience import Audience
from bot.context import BotContext
from bot.i18n import Translator, choose_language, translator
from bot.strangers import refusal_text
from storage import drafts, people
from storage.models import Draft, Person

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
    audience: Audience, *, writes: bool = False, draft: str | None = None, optimistic: bool = False
) -> Callable[[Callback[R]], Callback[R | None]]:
    """Declare who may use a handler and open its session; refusals change nothing.

    With `draft`, the person's draft of that conversation is read by the same query as the
    person (context.draft): a form's step costs one statement less.

    With `optimistic` too, a step of a person whose draft the bot holds as it last wrote it
    reads nothing: the statement that stores the step stores it only if the person and the
    draft are unchanged (context.expected, see bot.drafting), and the step starts again with
    a fresh read if they are not. A step that stores nothing reads them after all.
    """

    def decorate(callback: Callback[R]) -> Callback[R | None]:
        @functools.wraps(callback)
        async def wrapper(update: Update, context: BotContext) -> R | None:
            user = update.effective_user
            if optimistic and writes and draft is not None and user is not None:
                held = _held(update, context, draft)
                if held is not None:
                    try:
                        return await _handle(update, context, held)
                    except drafts.ReadRequired as required:
                        if isinstance(required, drafts.NotAsExpected):
                            context.services.held.forget(user.id)  # out of date
            return await _handle(update, context, None)  # reading the person (and draft)

        async def _handle(
            update: Update, context: BotContext, held: tuple[Person, Draft] | None
        ) -> R | None:
            user = update.effective_user
            database = context.db
            async with database.write() if writes else database.read() as session:
                found = None
                context.draft = None
                context.expected = None
                if held is not None:
                    found, context.draft = held
                    context.expected = drafts.Expected(
                        found.id, found.version, context.draft.updated_at
                    )
                elif user is not None and draft is not None:
                    chat_id = update.effective_chat.id if update.effective_chat else user.id
                    found, context.draft = await people.with_draft(
                        session,
                        user.id,
                        chat_id=chat_id,
                        conversation=draft,
                        held=context.services.held,
                    )
                elif user is not None:
                    found = await people.by_telegram_id(session, user.id)
                person = current_person(found)
                context.former = found is not None and person is None
                if writes and found is not None and user is not None:
                    people.note_message(session, found, user.language_code)
                context.person = person
                context.session = session
                context.t = translator(
                    choose_language(
                        found.language if found else None,
                        user.language_code if user else None,
                        context.settings.default_language,
                    )
                )
                _UPDATE_TRANSLATOR.set((update.update_id, context.t))
                try:
                    if not audience.admits(person):
                        await refuse(update, context)
                        return None
                    return await callback(update, context)
                finally:
                    context.session = None
                    context.expected = None

        return wrapper

    return decorate


def _held(update: Update, context: BotContext, conversation: str) -> tuple[Person, Draft] | None:
    """The person and draft as the bot last knew them, if a step may go on from them unread:
    a current person whom this message tells nothing new, and a draft under way."""
    user, chat = update.effective_user, update.effective_chat
    if user is None:
        return None
    chat_id = chat.id if chat else user.id
    held = context.services.held.kept(user.id, chat_id=chat_id, conversation=conversation)
    if held is None:
        return None
    person, draft = held
    if current_person(person) is None or draft.step == drafts.EXPIRED:
        return None
    if people.has_news(person, user.language_code):
        return None  # what the message tells is stored with a fresh read
    return held


async def refuse(update: Update, context: BotContext) -> None:
    """Tell a stranger what the bot is, or a person that this is not part of their role."""
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
