"""Guideline answers: /ask, free text from a registered person, /guide, and their buttons.

The search is bot.guideline's; this module turns its answer into a reply in the reader's
language, counts the question (keeping its text only for low scores and 👎, storage.guideline),
and commits before it talks to Telegram.
"""

from __future__ import annotations

import contextlib
import inspect

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.access import handles
from bot.audience import ANYONE, PEOPLE
from bot.context import BotContext
from bot.editing import edit_pressed
from bot.forms import deleted
from bot.guideline.guide import current_guide
from bot.rules.privacy import find_identifying
from handlers import callbacks, fallback
from handlers.guideline_views import (
    AREAS,
    areas_keyboard,
    entry_keyboard,
    entry_text,
    refusal,
    topic_button,
    unsure_keyboard,
    unsure_text,
    whom_to_ask,
    without_votes,
)
from storage import guideline

# The catch-all's own answer, unchanged, for a stranger's text (see answer_text).
answer_stranger = inspect.unwrap(fallback.unknown_message)


async def answer_question(message: Message, context: BotContext, question: str) -> None:
    """Search, count the question, commit, then reply with the answer or the best guesses."""
    t, person = context.t, context.person
    if person is None:
        return
    kind = find_identifying(question)
    if kind is not None:
        await context.commit()  # refused before any search: the question is not stored
        text = refusal(t, kind)
        with contextlib.suppress(TelegramError):  # older than 48 hours, or already gone
            if await message.delete():
                text = "\n\n".join([text, deleted(t)])
        await message.reply_text(text, do_quote=False)
        return
    guide = current_guide()
    reader = t.language
    answer = guide.ask(question, reader)
    best = answer.hits[0].topic if answer.hits else None
    stored = await guideline.record_question(
        context.session,
        person=person,
        language=answer.question_language,
        topic=best,
        score=answer.score,
        sure=answer.sure,
        text=question,
    )
    advisers = None if answer.sure else await guideline.advisers(context.session, person)
    await context.commit()
    if advisers is None and best is not None:
        entry = guide.entry(reader, best)
        await message.reply_text(
            entry_text(entry, full=False),
            reply_markup=entry_keyboard(t, guide, entry, question_id=stored.id, full=False),
            do_quote=True,
        )
        return
    await message.reply_text(
        unsure_text(t, answer, advisers or guideline.Advisers([], [])),
        reply_markup=unsure_keyboard(guide, answer, reader, stored.id),
        do_quote=True,
    )


@handles(PEOPLE, writes=True)
async def ask(update: Update, context: BotContext) -> None:
    """Answer /ask QUESTION; without a question, say how to ask."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    question = message.text.partition(" ")[2].strip()
    if not question:
        await context.commit()  # nothing of the question to store
        await message.reply_text(
            context.t.gettext(
                "Write your question after /ask, for example: /ask How long is the card valid? "
                "You can also just type the question, or browse the topics with /guide."
            )
        )
        return
    await answer_question(message, context, question)


@handles(ANYONE, writes=True)
async def answer_text(update: Update, context: BotContext) -> None:
    """Answer what a registered person types when no form waits for it; strangers as before."""
    message = update.effective_message
    if context.person is None or message is None or not message.text:
        # Strangers get the catch-all's answer, whatever it grows into.
        await answer_stranger(update, context)
        return
    await answer_question(message, context, message.text.strip())


@handles(PEOPLE)
async def browse(update: Update, context: BotContext) -> None:
    """Show the topic areas of the guidelines as buttons."""
    message = update.effective_message
    await context.rollback()
    if message is not None:
        await message.reply_text(
            context.t.gettext("Choose a topic:"), reply_markup=areas_keyboard(context.t)
        )


@handles(PEOPLE)
async def browse_area(update: Update, context: BotContext) -> None:
    """Show an area's entries as buttons (or the areas again)."""
    query = update.callback_query
    await context.rollback()
    if query is None or query.data is None:
        return
    t = context.t
    area = next(iter(callbacks.parts(callbacks.GUIDE_AREA, query.data)), None)
    await query.answer()
    if area not in AREAS:
        await edit_pressed(query, t.gettext("Choose a topic:"), areas_keyboard(t))
        return
    guide = current_guide()
    entries = [
        guide.entry(t.language, topic) for topic in guide.topics if topic.split(".")[0] == area
    ]
    back = InlineKeyboardButton(
        t.gettext("« All topics"), callback_data=callbacks.data(callbacks.GUIDE_AREA)
    )
    await edit_pressed(
        query,
        t.gettext(AREAS[area]),
        InlineKeyboardMarkup([[topic_button(entry)] for entry in entries] + [[back]]),
    )


@handles(PEOPLE)
async def show_topic(update: Update, context: BotContext) -> None:
    """Send one entry, in the reader's language."""
    query = update.callback_query
    await context.rollback()
    if query is None or query.data is None or query.message is None:
        return
    guide = current_guide()
    topic = next(iter(callbacks.parts(callbacks.GUIDE_TOPIC, query.data)), "")
    await query.answer()
    if topic not in guide.entries[context.t.language]:
        await context.bot.send_message(
            query.message.chat.id, context.t.gettext("This button has expired.")
        )
        return
    entry = guide.entry(context.t.language, topic)
    await context.bot.send_message(
        query.message.chat.id,
        entry_text(entry, full=False),
        reply_markup=entry_keyboard(context.t, guide, entry, question_id=None, full=False),
    )


@handles(PEOPLE)
async def show_more(update: Update, context: BotContext) -> None:
    """Show the rest of an entry in the same message."""
    query = update.callback_query
    await context.rollback()
    if query is None or query.data is None:
        return
    guide = current_guide()
    topic, _, raw_id = callbacks.SEPARATOR.join(
        callbacks.parts(callbacks.GUIDE_MORE, query.data)
    ).rpartition(callbacks.SEPARATOR)
    await query.answer()
    if topic not in guide.entries[context.t.language]:
        return
    entry = guide.entry(context.t.language, topic)
    question_id = callbacks.identifier(raw_id) or None
    await edit_pressed(
        query,
        entry_text(entry, full=True),
        entry_keyboard(context.t, guide, entry, question_id=question_id, full=True),
    )


@handles(PEOPLE, writes=True)
async def vote(update: Update, context: BotContext) -> None:
    """Store 👍 or 👎 on the person's own answer; 👎 keeps the question for the coordinators."""
    query = update.callback_query
    person, t = context.person, context.t
    if query is None or query.data is None or person is None:
        return
    raw_id, _, choice = callbacks.SEPARATOR.join(
        callbacks.parts(callbacks.GUIDE_VOTE, query.data)
    ).partition(callbacks.SEPARATOR)
    question = asked_question(query.message)
    question_id = callbacks.identifier(raw_id)
    rated = question_id > 0 and choice in (guideline.UP, guideline.DOWN)
    rated = rated and await guideline.rate(
        context.session, question_id=question_id, person=person, vote=choice, text=question
    )
    if not rated:
        await context.rollback()  # not their question (or gone): nothing changes
        await query.answer(t.gettext("This button has expired."), show_alert=True)
        return
    advisers = (
        await guideline.advisers(context.session, person) if choice == guideline.DOWN else None
    )
    await context.commit()
    await query.answer(t.gettext("Thank you for the feedback!"))
    if isinstance(query.message, Message) and query.message.reply_markup is not None:
        await query.edit_message_reply_markup(without_votes(query.message.reply_markup))
    if advisers is not None and query.message is not None:
        await context.bot.send_message(
            query.message.chat.id,
            t.gettext(
                "Thank you. I keep your question so that the coordinators can improve the answer."
            )
            + "\n\n"
            + whom_to_ask(t, advisers),
        )


def asked_question(message: object) -> str | None:
    """The question an answer replied to, unless it holds something that must not be stored."""
    if not isinstance(message, Message) or message.reply_to_message is None:
        return None
    text = message.reply_to_message.text or ""
    if text.startswith("/"):
        text = text.partition(" ")[2]
    text = text.strip()
    if not text or find_identifying(text) is not None:
        return None
    return text


def build() -> list[BaseHandler[Update, BotContext, object]]:
    """The guideline handlers; the free-text one must come after every conversation."""
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("ask", ask, filters=private),
        CommandHandler("guide", browse, filters=private),
        CallbackQueryHandler(browse_area, pattern=callbacks.pattern(callbacks.GUIDE_AREA)),
        CallbackQueryHandler(show_topic, pattern=callbacks.pattern(callbacks.GUIDE_TOPIC)),
        CallbackQueryHandler(show_more, pattern=callbacks.pattern(callbacks.GUIDE_MORE)),
        CallbackQueryHandler(vote, pattern=callbacks.pattern(callbacks.GUIDE_VOTE)),
        MessageHandler(
            filters.TEXT & ~filters.COMMAND & private & ~filters.UpdateType.EDITED, answer_text
        ),
    ]
