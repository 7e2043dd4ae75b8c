"""The summary before confirming, and what the issuer reads once the card is stored."""

from __future__ import annotations

from datetime import date

from bot.i18n import Translator
from bot.rules.validity import valid_until
from handlers.issuing.form import Form
from handlers.issuing.questions import gender_label, kind_label, life_situation_label, yes_no_label
from storage.cards import MOBILE_ONLY
from storage.models import IssuanceKind


def validity_end(form: Form, issued_on: date) -> date:
    """The last valid day of a card issued today under the locality's rules."""
    pilot_end = date.fromisoformat(form.pilot_end) if form.pilot_end else None
    return valid_until(issued_on, form.validity_months, pilot_end)


def summary(t: Translator, form: Form, today: date) -> str:
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
        t.gettext("Postal code: {code}").format(code=form.postal_code)
        + (f" ({t.gettext('outside the network')})" if form.postal_outside_network else ""),
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
                "Remember to register the card in the national Kaikukortti register before the "
                "client uses it."
            ),
        ]
    )
