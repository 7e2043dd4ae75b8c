"""The summary before confirming, and what the issuer reads once the card is stored."""

from __future__ import annotations

from datetime import date

from bot.context import BotContext
from bot.forms import Turn
from bot.i18n import Translator
from handlers.issuing.form import IssueAnswers, Step, validity_end
from handlers.issuing.questions import gender_label, kind_label, life_situation_label, yes_no_label
from storage import cards
from storage.cards import MOBILE_ONLY
from storage.models import IssuanceKind


def summary(t: Translator, form: IssueAnswers, today: date) -> str:
    """Every answer, for the issuer to check before confirming."""
    not_answered = t.gettext("not answered")
    lines = [
        t.gettext("Please check the answers:"),
        "",
        t.gettext("Unit: {unit}").format(unit=form.unit_name),
        t.gettext("Type: {kind}").format(kind=kind_label(t, form.kind)),
    ]
    if form.kind == IssuanceKind.REPLACEMENT:
        lines.append(t.gettext("Lost card: {number}").format(number=form.old_number))
    lines += [
        t.gettext("Card number: {number}").format(number=form.number),
        t.gettext("Year of birth: {year}").format(year=form.birth_year),
        postal_code_line(t, form),
        t.gettext("Children under 18: {count}").format(count=form.children),
        t.gettext("Gender: {gender}").format(gender=gender_label(t, form.gender)),
        t.gettext("Life situation: {situation}").format(
            situation=life_situation_label(t, form.life_situation)
        ),
        t.gettext("Cultural wellbeing: {score}").format(
            score=form.wellbeing if form.wellbeing is not None else not_answered
        ),
        t.gettext("Mobile card: {answer}").format(answer=yes_no_label(t, form.mobile_card)),
        "",
        t.gettext("Valid until: {date}").format(date=t.date(validity_end(form, today))),
    ]
    return "\n".join(lines)


def postal_code_line(t: Translator, form: IssueAnswers) -> str:
    """The postal code, marked when it is outside the network."""
    if form.postal_outside_network:
        return t.gettext("Postal code: {code} (outside the network)").format(code=form.postal_code)
    return t.gettext("Postal code: {code}").format(code=form.postal_code)


def recorded(t: Translator, number: str, until: date) -> str:
    """The confirmation, what to tell the client, and the register reminder."""
    if number == MOBILE_ONLY:
        headline = t.gettext("The mobile-only card (X) is recorded. It is valid until {date}.")
    else:
        headline = t.gettext("Card {number} is recorded. It is valid until {date}.")
    return "\n".join(
        [
            headline.format(number=number, date=t.date(until)),
            "",
            t.gettext("Tell the client:"),
            t.gettext("• The card is personal: it must not be lent or given to anyone."),
            t.gettext(
                "• Tickets are picked up at the venue's own ticket office, not from web shops. "
                "The venue may ask for an ID."
            ),
            t.gettext(
                "• Their own children and grandchildren under 18 get free tickets to the same "
                "event, and an assistant always gets in free."
            ),
            t.gettext("• The card works in every Kaikukortti municipality in Finland."),
            "",
            t.gettext(
                "Recording the card here does not register it: register it in the national "
                "Kaikukortti register (Kaikukanta) before the client uses it."
            ),
        ]
    )


def editable(turn: Turn[IssueAnswers]) -> list[tuple[str, str]]:
    """The answers "Edit an answer" offers, each with the question that asks it again.

    Every answer but the unit and the kind, which decide what else the form asks: to change
    those, start over. A renewal's number is looked up again, a lost card's too.
    """
    t, kind = turn.t, turn.answers.kind
    fields = [
        (t.gettext("Year of birth"), Step.AWAITING_BIRTH_YEAR),
        (t.gettext("Postal code"), Step.AWAITING_POSTAL_CODE),
        (t.gettext("Children under 18"), Step.CHOOSING_CHILDREN),
        (t.gettext("Gender"), Step.CHOOSING_GENDER),
        (t.gettext("Life situation"), Step.CHOOSING_LIFE_SITUATION),
        (t.gettext("Cultural wellbeing"), Step.CHOOSING_WELLBEING),
        (t.gettext("Mobile card"), Step.CHOOSING_MOBILE_CARD),
    ]
    numbers = [(t.gettext("Card number"), Step.AWAITING_NUMBER)]
    if kind == IssuanceKind.REPLACEMENT:
        numbers = [
            (t.gettext("Lost card's number"), Step.AWAITING_OLD_NUMBER),
            (t.gettext("New card's number"), Step.AWAITING_NUMBER),
        ]
    fields = numbers + fields
    return [(label, str(step)) for label, step in fields]


async def show_summary(turn: Turn[IssueAnswers]) -> str:
    """Every answer, for the issuer to check before confirming."""
    return summary(turn.t, turn.answers, turn.today())


async def stored_result(context: BotContext, form_id: str) -> str | None:
    """What a confirmed form stored, told again (a Confirm pressed after it ended)."""
    stored = await cards.stored_by_form(context.session, form_id)
    if stored is None:
        return None
    number, until = stored
    return recorded(context.t, number, until)
