"""/summary: a coordinator's locality at a glance, for a period chosen with a button.

"Custom range…" and "Schedule…" open the forms of handlers.summary_forms.
"""

from __future__ import annotations

from datetime import datetime

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.access import handles
from bot.audience import only
from bot.context import BotContext
from bot.i18n import Translator
from bot.summaries.periods import Preset, preset_period
from bot.summaries.render import render, split
from handlers import callbacks
from storage import scopes, summaries
from storage.models import Role
from storage.summaries import Figures, Period

COORDINATORS = only(Role.COORDINATOR)


def preset_label(t: Translator, preset: Preset) -> str:
    """A preset period's button label."""
    labels = {
        Preset.THIS_WEEK: t.gettext("This week"),
        Preset.LAST_WEEK: t.gettext("Last week"),
        Preset.THIS_MONTH: t.gettext("This month"),
        Preset.LAST_MONTH: t.gettext("Last month"),
        Preset.THIS_YEAR: t.gettext("This year"),
    }
    return labels[preset]


def period_keyboard(t: Translator) -> InlineKeyboardMarkup:
    """The preset periods, two to a row and this year on its own; then a typed period and
    the schedule."""
    button = {
        preset: InlineKeyboardButton(
            preset_label(t, preset), callback_data=callbacks.data(callbacks.SUMMARY, preset)
        )
        for preset in Preset
    }
    return InlineKeyboardMarkup(
        [
            [button[Preset.THIS_WEEK], button[Preset.LAST_WEEK]],
            [button[Preset.THIS_MONTH], button[Preset.LAST_MONTH]],
            [button[Preset.THIS_YEAR]],
            [
                InlineKeyboardButton(
                    t.gettext("Custom range…"), callback_data=callbacks.SUMMARY_RANGE
                ),
                InlineKeyboardButton(
                    t.gettext("Schedule…"), callback_data=callbacks.SUMMARY_SCHEDULE
                ),
            ],
        ]
    )


async def send_summary(bot: Bot, chat_id: int, figures: Figures, t: Translator) -> None:
    """The summary in as many messages as it needs; the period buttons go with the last, so
    another period is one tap away. Call it holding no database connection."""
    messages = split(render(figures, t))
    for index, text in enumerate(messages):
        markup = period_keyboard(t) if index == len(messages) - 1 else None
        await bot.send_message(chat_id, text, reply_markup=markup)


async def count_and_send(
    context: BotContext, chat_id: int, locality_id: int, period: Period
) -> None:
    """Count a period in a read-only session of its own, then send the summary."""
    zone = context.settings.zone
    today = datetime.now(zone).date()
    async with context.db.read() as session:
        figures = await summaries.compute(session, locality_id, period, today=today, zone=zone)
    await send_summary(context.bot, chat_id, figures, context.t)


@handles(COORDINATORS)
async def ask_summary_period(update: Update, context: BotContext) -> None:
    """Offer the periods a summary can cover."""
    await context.rollback()  # read nothing more: the session ends before Telegram
    if update.effective_message:
        await update.effective_message.reply_text(
            context.t.gettext("Which period do you want a summary of?"),
            reply_markup=period_keyboard(context.t),
        )


@handles(COORDINATORS)
async def show_summary(update: Update, context: BotContext) -> None:
    """Count the chosen period in the coordinator's own locality and show the summary."""
    query, t = update.callback_query, context.t
    locality_id = scopes.coordinated_locality(context.person)
    if query is None or query.data is None or locality_id is None:
        return
    values = callbacks.parts(callbacks.SUMMARY, query.data)
    if not values or values[0] not in set(Preset):
        await context.rollback()
        await query.answer(t.gettext("This button has expired."), show_alert=True)
        return
    zone = context.settings.zone
    today = datetime.now(zone).date()
    period = preset_period(Preset(values[0]), today)
    figures = await summaries.compute(context.session, locality_id, period, today=today, zone=zone)
    await context.rollback()  # a read: nothing to keep, and no connection held
    await query.answer()
    chat_id = update.effective_chat.id if update.effective_chat else query.from_user.id
    await send_summary(context.bot, chat_id, figures, t)


def build() -> list[BaseHandler[Update, BotContext, object]]:
    """The /summary command and its period buttons."""
    return [
        CommandHandler("summary", ask_summary_period, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(show_summary, pattern=callbacks.pattern(callbacks.SUMMARY)),
    ]
