"""/cards: the issuances of the last 30 days in a person's scope, paged, searchable by card
number; each opens to Correct and Void where the rules allow (handlers/correcting.py)."""

from __future__ import annotations

from datetime import timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.access import handles
from bot.audience import PEOPLE
from bot.context import BotContext
from bot.editing import edit_pressed
from bot.i18n import Translator
from bot.rules.changes import ISSUER_DAYS, may_change
from bot.rules.validity import today
from handlers import callbacks
from handlers.issuing.questions import (
    gender_label,
    kind_label,
    life_situation_label,
    yes_no_label,
)
from storage import issuances
from storage.issuances import Detail, Listed

# How far back the list reaches, and how many issuances a page shows.
DAYS = 30
PAGE = 8


def listed_label(t: Translator, listed: Listed) -> str:
    """An issuance's button in the list."""
    label = f"{t.date(listed.issued_on, 'short')} · {listed.number} · {kind_label(t, listed.kind)}"
    if listed.voided:
        return t.gettext("{issuance} (voided)").format(issuance=label)
    return label


def list_text(t: Translator, total: int, offset: int, number: str | None) -> str:
    """The heading of a page of the list."""
    if number is not None:
        if not total:
            return t.gettext("No issuances of card {number} that you can see.").format(
                number=number
            )
        return t.gettext("Issuances of card {number}, newest first:").format(number=number)
    if not total:
        return t.gettext("No cards were issued in the last 30 days in your scope.")
    shown = t.ngettext(
        "{total} issuance in the last 30 days, newest first ({first}–{last}).",
        "{total} issuances in the last 30 days, newest first ({first}–{last}).",
        total,
    ).format(total=total, first=offset + 1, last=min(offset + PAGE, total))
    search = t.gettext("To find a card, send /cards and its number, for example /cards KK123456.")
    return f"{shown}\n\n{search}"


def list_keyboard(
    t: Translator, page: list[Listed], total: int, offset: int
) -> InlineKeyboardMarkup | None:
    """A button per issuance, then the pages before and after."""
    rows = [
        [
            InlineKeyboardButton(
                listed_label(t, listed),
                callback_data=callbacks.data(callbacks.CARDS_OPEN, listed.id),
            )
        ]
        for listed in page
    ]
    paging = []
    if offset > 0:
        paging.append(
            InlineKeyboardButton(
                t.gettext("« Newer"),
                callback_data=callbacks.data(callbacks.CARDS_PAGE, max(offset - PAGE, 0)),
            )
        )
    if offset + PAGE < total:
        paging.append(
            InlineKeyboardButton(
                t.gettext("Older »"),
                callback_data=callbacks.data(callbacks.CARDS_PAGE, offset + PAGE),
            )
        )
    if paging:
        rows.append(paging)
    return InlineKeyboardMarkup(rows) if rows else None


async def page_of(
    context: BotContext, offset: int, number: str | None = None
) -> tuple[str, InlineKeyboardMarkup | None]:
    """A page of the list as the person may see it (read in the update's transaction)."""
    t = context.t
    scope = issuances.scope_of(context.person)
    since = None if number else today(context.settings.zone) - timedelta(days=DAYS)
    page, total = await issuances.recent(
        context.session, scope, since=since, number=number, offset=offset, limit=PAGE
    )
    return list_text(t, total, offset, number), list_keyboard(t, page, total, offset)


@handles(PEOPLE)
async def list_cards(update: Update, context: BotContext) -> None:
    """Show the latest issuances in the person's scope, or those of one card number."""
    typed = "".join(context.args or []).upper()
    # Only the card number is looked for; the text is never stored or logged.
    number = typed[:20] if typed else None
    text, markup = await page_of(context, 0, number)
    await context.rollback()  # a read: nothing to keep
    if update.effective_message is not None:
        await update.effective_message.reply_text(text, reply_markup=markup)


@handles(PEOPLE)
async def turn_page(update: Update, context: BotContext) -> None:
    """Show another page of the list in place."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    values = callbacks.parts(callbacks.CARDS_PAGE, query.data)
    offset = callbacks.identifier(values[0]) if values else 0
    text, markup = await page_of(context, offset)
    await context.rollback()
    await query.answer()
    await edit_pressed(query, text, markup)


def detail_text(t: Translator, found: Detail) -> str:
    """An issuance as it was stored."""
    issuance = found.issuance
    not_answered = t.gettext("not answered")
    lines = [
        t.gettext("Card number: {number}").format(number=found.number),
        t.gettext("Type: {kind}").format(kind=kind_label(t, issuance.kind)),
        t.gettext("Unit: {unit}").format(unit=found.unit_name),
        t.gettext("Issued on: {date}").format(date=t.date(issuance.issued_on)),
        t.gettext("Valid until: {date}").format(date=t.date(issuance.valid_until)),
        "",
        t.gettext("Year of birth: {year}").format(year=issuance.birth_year),
        t.gettext("Postal code: {code}").format(code=issuance.postal_code),
        t.gettext("Children under 18: {count}").format(count=issuance.children),
        t.gettext("Gender: {gender}").format(gender=gender_label(t, issuance.gender)),
        t.gettext("Life situation: {situation}").format(
            situation=life_situation_label(t, issuance.life_situation)
        ),
        t.gettext("Cultural wellbeing: {score}").format(
            score=issuance.wellbeing if issuance.wellbeing is not None else not_answered
        ),
        t.gettext("Mobile card: {answer}").format(answer=yes_no_label(t, issuance.mobile_card)),
    ]
    if found.voided:
        lines += ["", t.gettext("This issuance was voided. It is not counted anywhere.")]
    return "\n".join(lines)


def detail_keyboard(t: Translator, found: Detail, changeable: bool) -> InlineKeyboardMarkup:
    """Correct and Void where the rules allow, and the way back to the list."""
    rows = []
    if changeable:
        issuance_id = found.issuance.id
        rows.append(
            [
                InlineKeyboardButton(
                    t.gettext("Correct"),
                    callback_data=callbacks.data(callbacks.FIX_START, issuance_id),
                ),
                InlineKeyboardButton(
                    t.gettext("Void"),
                    callback_data=callbacks.data(callbacks.VOID_START, issuance_id),
                ),
            ]
        )
    rows.append(
        [
            InlineKeyboardButton(
                t.gettext("« Back to the list"),
                callback_data=callbacks.data(callbacks.CARDS_PAGE, 0),
            )
        ]
    )
    return InlineKeyboardMarkup(rows)


@handles(PEOPLE)
async def open_issuance(update: Update, context: BotContext) -> None:
    """Show one issuance of the person's scope, with what they may do with it."""
    query, t = update.callback_query, context.t
    if query is None or query.data is None:
        return
    values = callbacks.parts(callbacks.CARDS_OPEN, query.data)
    issuance_id = callbacks.identifier(values[0]) if values else 0
    scope = issuances.scope_of(context.person)
    found = await issuances.detail(context.session, issuance_id, scope)
    await context.rollback()
    if found is None:
        await query.answer(t.gettext("This button has expired."), show_alert=True)
        return
    changeable = may_change(scope, found, today(context.settings.zone))
    text = detail_text(t, found)
    if not changeable and not found.voided and found.issuance.unit_id in scope.unit_ids:
        text += "\n\n" + t.ngettext(
            "Issuers can correct or void an issuance for {days} day after the issue date. "
            "After that, please ask your coordinator.",
            "Issuers can correct or void an issuance for {days} days after the issue date. "
            "After that, please ask your coordinator.",
            ISSUER_DAYS,
        ).format(days=ISSUER_DAYS)
    await query.answer()
    await edit_pressed(query, text, detail_keyboard(t, found, changeable))


def build() -> list[BaseHandler[Update, BotContext, object]]:
    """The /cards command, its pages and its issuances."""
    return [
        CommandHandler("cards", list_cards, filters=filters.ChatType.PRIVATE),
        CallbackQueryHandler(turn_page, pattern=callbacks.pattern(callbacks.CARDS_PAGE)),
        CallbackQueryHandler(open_issuance, pattern=callbacks.pattern(callbacks.CARDS_OPEN)),
    ]
