"""How one step of the issuing form runs: load the draft, check, store, then reply.

Each answer is stored (with the next step and a new form version) in the update's one write
transaction, committed before the bot replies, so a crash loses nothing that was answered.
A refused answer stores nothing: the issuer gets the reason and the same question again.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.constants import MessageLimit
from telegram.error import BadRequest
from telegram.ext import ConversationHandler

from bot import drafting
from bot.access import handles, open_for, refuse
from bot.audience import only
from bot.barcodes import decode_card_code
from bot.context import BotContext
from bot.i18n import Translator
from bot.rules.validity import today
from handlers import callbacks
from handlers.issuing.form import CONVERSATION, Form, Step
from handlers.issuing.questions import ask
from handlers.issuing.summary import summary
from storage import drafts, people, scopes
from storage.models import Role

ISSUERS = only(Role.ISSUER)
END = ConversationHandler.END
State = Step | int | None


class Reask(Exception):
    """The answer was refused: tell why and ask the same question again."""

    def __init__(self, reason: str) -> None:
        super().__init__("answer refused")  # never the answer itself: it must not be logged
        self.reason = reason


@dataclass
class Finished:
    """The form ends here with a last message (the draft is deleted)."""

    text: str
    markup: InlineKeyboardMarkup | None = None


@dataclass
class Turn:
    """One answer being handled: who, the form, the step it answers, and the context."""

    update: Update
    context: BotContext
    form: Form
    step: Step
    unit_ids: set[int]
    # Said before the next question (for example why the form went back a step).
    notes: list[str] = field(default_factory=list)
    # The issuer's units by name, read (before the transaction ends) when a question lists them.
    units: list[tuple[int, str]] | None = None
    # Units (with their rules) read already in this update, so that they are not read twice.
    known_units: list[scopes.IssuingUnit] = field(default_factory=list)

    async def read_for(self, step: Step) -> None:
        """Read what the question of `step` shows, while the update's transaction is open.

        The question is sent after the commit, when the database is no longer at hand.
        """
        if step is Step.CHOOSING_UNIT and self.units is None:
            found = await scopes.issuing_units(self.context.session, self.unit_ids)
            self.units = [(unit.id, unit.name) for unit in found]

    @property
    def t(self) -> Translator:
        """The issuer's translator."""
        return self.context.t

    def today(self) -> date:
        """Today in the bot's time zone."""
        return today(self.context.settings.zone)


Outcome = Step | Finished
StepFunction = Callable[[Turn, str], Coroutine[Any, Any, Outcome]]


def expired_text(context: BotContext) -> str:
    """What an issuer reads when their untouched form was deleted."""
    hours = context.settings.draft_max_age_hours
    return context.t.ngettext(
        "Your unfinished card form was deleted because it was not touched for {hours} hour. "
        "Nothing was stored. Start again with /issue.",
        "Your unfinished card form was deleted because it was not touched for {hours} hours. "
        "Nothing was stored. Start again with /issue.",
        hours,
    ).format(hours=hours)


async def begin(update: Update, context: BotContext) -> Turn | None:
    """Load the person's form for this update; tell them and return None if it is gone."""
    # Read with the person by bot.access (handlers here are declared with draft=CONVERSATION).
    # Updates of one person are handled one at a time, so no row lock is needed.
    draft = context.draft
    if draft is None or draft.step == drafts.EXPIRED:
        if draft is not None:
            await drafting.end(update, context, CONVERSATION)
        await context.commit()
        text = (
            expired_text(context)
            if draft is not None
            else context.t.gettext("This form is no longer open. Start a new one with /issue.")
        )
        if update.callback_query:
            await update.callback_query.answer()
        if update.effective_chat:
            await context.bot.send_message(update.effective_chat.id, text)
        return None
    person = context.person
    unit_ids = people.unit_ids(person) if person else set()
    return Turn(update, context, Form.from_answers(draft.answers), Step(draft.step), unit_ids)


async def answered_before(turn: Turn) -> bool:
    """Whether this update was stored already (delivered again after a restart).

    If so, nothing is stored again: the issuer just sees the current question once more.
    """
    if turn.update.update_id > turn.form.last_update_id:
        return False
    await turn.read_for(turn.step)
    await turn.context.rollback()
    await reply_with_question(turn, turn.step)
    return True


async def question(turn: Turn, step: Step) -> tuple[str, InlineKeyboardMarkup | None]:
    """The question of a step (with any notes first) and its buttons."""
    context = turn.context
    await turn.read_for(step)
    text, markup = ask(context.t, turn.form, step, turn.units or [])
    if step is Step.CONFIRMING:
        text = summary(context.t, turn.form, turn.today())
    if turn.notes:
        text = "\n\n".join([*turn.notes, text])
    return text, markup


async def reply_with_question(turn: Turn, step: Step) -> None:
    """Send the question of a step as a new message."""
    chat = turn.update.effective_chat
    if chat is None:
        return
    text, markup = await question(turn, step)
    await turn.context.bot.send_message(chat.id, text, reply_markup=markup)


async def finish(
    turn: Turn, outcome: Outcome, *, pressed: str | None = None, in_place: bool = False
) -> State:
    """Store the outcome, commit, then reply: the next question or the last message.

    With `in_place`, a pressed question of the form turns into the next question (see
    ask_in_place); the summary and the last message always come as new messages.
    """
    update, context, form = turn.update, turn.context, turn.form
    if isinstance(outcome, Finished):
        await drafting.end(update, context, CONVERSATION)
    else:
        if outcome is Step.CONFIRMING:
            form.editing = False
        form.version += 1
        form.last_update_id = update.update_id
        await turn.read_for(outcome)
        await drafting.save_step(update, context, CONVERSATION, outcome, form.answers())
    await context.commit()
    # Only now, with the answer safe, does the issuer hear back.
    query = update.callback_query
    if query is not None:
        await query.answer()
        if (
            in_place
            and not isinstance(outcome, Finished)
            and outcome is not Step.CONFIRMING
            and await ask_in_place(turn, query, pressed, outcome)
        ):
            return outcome
        await show_choice(query, pressed)
    if isinstance(outcome, Finished):
        if update.effective_chat:
            await context.bot.send_message(
                update.effective_chat.id, outcome.text, reply_markup=outcome.markup
            )
        return END
    await reply_with_question(turn, outcome)
    return outcome


async def ask_in_place(turn: Turn, query: CallbackQuery, pressed: str | None, step: Step) -> bool:
    """Turn the pressed question into the next one; False if that message cannot take it.

    The message keeps every question answered in it, each followed by the choice, and only
    the newest question has buttons: one Telegram call instead of an edit and a new message.
    """
    message = query.message
    if not isinstance(message, Message) or not message.text:
        return False
    asked, markup = await question(turn, step)
    text = f"{_with_choice(message.text, pressed)}\n\n{asked}"
    if _utf16_length(text) > MessageLimit.MAX_TEXT_LENGTH:
        return False
    try:
        await message.edit_text(text, reply_markup=markup)
    except BadRequest:
        return False  # the message changed or went meanwhile: the question comes anew
    return True


async def show_choice(query: CallbackQuery, pressed: str | None) -> None:
    """Show the choice in place of the pressed message's buttons."""
    message = query.message
    if not isinstance(message, Message) or not message.text:
        return
    # If the message changed meanwhile, the answer is stored all the same.
    with contextlib.suppress(BadRequest):
        await message.edit_text(_with_choice(message.text, pressed))


def _with_choice(text: str, pressed: str | None) -> str:
    return f"{text}\n\n→ {pressed}" if pressed else text


def _utf16_length(text: str) -> int:
    # Telegram counts a message's length in UTF-16 code units.
    return len(text.encode("utf-16-le")) // 2


async def refuse_answer(turn: Turn, reask: Reask) -> State:
    """Store nothing; say why and ask the same question again."""
    await turn.read_for(turn.step)
    await turn.context.rollback()
    if turn.update.callback_query:
        await turn.update.callback_query.answer()
    turn.notes.append(reask.reason)
    await reply_with_question(turn, turn.step)
    return None


def pressed_label(query: CallbackQuery) -> str | None:
    """The label of the button that was pressed."""
    message = query.message
    if not isinstance(message, Message) or message.reply_markup is None:
        return None
    for row in message.reply_markup.inline_keyboard:
        for button in row:
            if button.callback_data == query.data:
                return button.text
    return None


def typed(function: StepFunction) -> Callable[[Update, BotContext], Coroutine[Any, Any, State]]:
    """A handler for a typed answer."""

    @handles(ISSUERS, writes=True, draft=CONVERSATION)
    async def on_text(update: Update, context: BotContext) -> State:
        turn = await begin(update, context)
        if turn is None:
            return END
        if await answered_before(turn):
            return None
        text = update.effective_message.text if update.effective_message else None
        try:
            outcome = await function(turn, text or "")
        except Reask as reask:
            return await refuse_answer(turn, reask)
        return await finish(turn, outcome)

    on_text.__qualname__ = f"typed({function.__qualname__})"
    return on_text


def pressed(function: StepFunction) -> Callable[[Update, BotContext], Coroutine[Any, Any, State]]:
    """A handler for a button of the form; a button of an older message changes nothing."""

    @handles(ISSUERS, writes=True, draft=CONVERSATION)
    async def on_button(update: Update, context: BotContext) -> State:
        query = update.callback_query
        if query is None or query.data is None:
            return None
        turn = await begin(update, context)
        if turn is None:
            return END
        version, _action, *rest = [*callbacks.parts(callbacks.ISSUE, query.data), ""]
        if version != str(turn.form.version):
            await context.rollback()
            await query.answer(context.t.gettext("This button has expired."), show_alert=True)
            return None
        try:
            outcome = await function(turn, rest[0])
        except Reask as reask:
            return await refuse_answer(turn, reask)
        return await finish(turn, outcome, pressed=pressed_label(query), in_place=True)

    on_button.__qualname__ = f"pressed({function.__qualname__})"
    return on_button


def photographed(
    function: StepFunction,
) -> Callable[[Update, BotContext], Coroutine[Any, Any, State]]:
    """A handler for a photo of a card's code: decoded in memory, deleted from the chat."""

    @handles(ISSUERS)
    async def on_photo(update: Update, context: BotContext) -> State:
        message = update.effective_message
        if message is None or not message.photo:
            return None
        # The download is a network round trip: fetch and decode between transactions.
        await context.commit()
        picture = await (await message.photo[-1].get_file()).download_as_bytearray()
        decoded = await asyncio.to_thread(decode_card_code, bytes(picture))
        del picture  # never stored
        with contextlib.suppress(BadRequest):  # already gone
            await message.delete()
        # The answer's own transaction: the issuer and the form as they are now.
        await open_for(update, context, writes=True, draft=CONVERSATION)
        if not ISSUERS.admits(context.person):
            await context.rollback()
            await refuse(update, context)
            return END
        turn = await begin(update, context)
        if turn is None:
            return END
        if await answered_before(turn):
            return None
        if decoded is None:
            return await refuse_answer(
                turn,
                Reask(
                    context.t.gettext(
                        "I could not read a code in the photo. Type the number, or send a "
                        "sharper photo of the QR code or barcode."
                    )
                ),
            )
        try:
            outcome = await function(turn, decoded)
        except Reask as reask:
            return await refuse_answer(turn, reask)
        return await finish(turn, outcome)

    on_photo.__qualname__ = f"photographed({function.__qualname__})"
    return on_photo
