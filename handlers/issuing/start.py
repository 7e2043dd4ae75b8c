"""Starting, cancelling and the catch-alls of the issuing form."""

from __future__ import annotations

from telegram import Update

from bot import drafting
from bot.access import handles
from bot.context import BotContext
from handlers.issuing.engine import (
    END,
    ISSUERS,
    State,
    Turn,
    begin,
    expired_text,
    finish,
    reply_with_question,
)
from handlers.issuing.form import CONVERSATION, Form, Step
from handlers.issuing.steps import choose_unit
from storage import drafts, people, scopes


@handles(ISSUERS, writes=True, draft=CONVERSATION)
async def start_form(update: Update, context: BotContext) -> State:
    """Start a new form: pick the unit, or check eligibility when there is only one."""
    person = context.person
    unit_ids = people.unit_ids(person) if person else set()
    previous = context.draft
    notes = [expired_text(context)] if previous and previous.step == drafts.EXPIRED else []
    units = await scopes.issuing_units(context.session, unit_ids)
    if not units:
        await context.rollback()
        if update.effective_message:
            await update.effective_message.reply_text(
                context.t.gettext(
                    "None of your units can issue cards right now. Please ask your coordinator."
                )
            )
        return END
    turn = Turn(update, context, Form(), Step.CHOOSING_UNIT, unit_ids, notes, known_units=units)
    step = Step.CHOOSING_UNIT
    if len(units) == 1:
        step = await choose_unit(turn, str(units[0].id))  # type: ignore[assignment]
        turn.form.trail.clear()  # there is no unit question to go back to
    return await finish(turn, step, pressed=context.t.gettext("Issue another card"))


@handles(ISSUERS, writes=True, draft=CONVERSATION)
async def cancel_form(update: Update, context: BotContext) -> int:
    """Drop the form; nothing is stored."""
    await drafting.end(update, context, CONVERSATION)
    await context.commit()
    if update.effective_message:
        await update.effective_message.reply_text(
            context.t.gettext("Cancelled. Nothing was stored.")
        )
    return END


@handles(ISSUERS, writes=True, draft=CONVERSATION)
async def stale_button(update: Update, context: BotContext) -> State:
    """A button of an earlier question: it changes nothing."""
    turn = await begin(update, context)
    if turn is None:
        return END
    await context.rollback()
    if update.callback_query:
        await update.callback_query.answer(
            context.t.gettext("This button has expired."), show_alert=True
        )
    return None


@handles(ISSUERS, writes=True, draft=CONVERSATION)
async def not_expected(update: Update, context: BotContext) -> State:
    """Input the current question does not take: say so and ask it again."""
    turn = await begin(update, context)
    if turn is None:
        return END
    await turn.read_for(turn.step)
    await context.rollback()
    message = update.effective_message
    if message is not None and message.photo:
        turn.notes.append(
            context.t.gettext("I can read a photo only when I ask for a card number.")
        )
    else:
        turn.notes.append(context.t.gettext("Please answer with the buttons below."))
    await reply_with_question(turn, turn.step)
    return None
