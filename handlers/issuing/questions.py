"""What the issuing form asks at each step, and the buttons it offers (translated)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import Translator
from bot.rules.background import Gender, LifeSituation
from handlers import callbacks
from handlers.issuing.form import Form, Step
from storage.models import IssuanceKind

Keyboard = list[list[InlineKeyboardButton]]


def button(
    form: Form, label: str, action: str, value: str | int | None = None
) -> InlineKeyboardButton:
    """A form button whose data carries the form's version."""
    parts: list[str | int] = [form.version, action]
    if value is not None:
        parts.append(value)
    return InlineKeyboardButton(label, callback_data=callbacks.data(callbacks.ISSUE, *parts))


def kind_label(t: Translator, kind: str | None) -> str:
    """The name of an issuance kind."""
    if kind == IssuanceKind.RENEWAL:
        return t.gettext("Renewal")
    if kind == IssuanceKind.REPLACEMENT:
        return t.gettext("Replacement of a lost card")
    return t.gettext("New card")


def gender_label(t: Translator, value: str | None) -> str:
    """The label of a gender answer."""
    labels = {
        Gender.WOMAN: t.gettext("Woman"),
        Gender.MAN: t.gettext("Man"),
        Gender.OTHER: t.gettext("Other"),
        Gender.UNDISCLOSED: t.gettext("Prefers not to say"),
    }
    return labels.get(Gender(value), "") if value in set(Gender) else t.gettext("not answered")


def life_situation_label(t: Translator, value: str | None) -> str:
    """The label of a life-situation answer."""
    labels = {
        LifeSituation.UNEMPLOYED: t.gettext("Unemployed"),
        LifeSituation.PENSIONER: t.gettext("Pensioner"),
        LifeSituation.STUDENT: t.gettext("Student"),
        LifeSituation.REHABILITATION_OR_SICK_LEAVE: t.gettext("Rehabilitation or sick leave"),
        LifeSituation.LOW_INCOME_EMPLOYED: t.gettext("Low-income employed"),
        LifeSituation.FAMILY_CARER: t.gettext("Family carer"),
        LifeSituation.OTHER: t.gettext("Other"),
        LifeSituation.UNDISCLOSED: t.gettext("Prefers not to say"),
    }
    if value not in set(LifeSituation):
        return t.gettext("not answered")
    return labels[LifeSituation(value)]


def yes_no_label(t: Translator, value: bool | None) -> str:
    """Yes, no, or not answered."""
    if value is None:
        return t.gettext("not answered")
    return t.gettext("Yes") if value else t.gettext("No")


def field_label(t: Translator, name: str) -> str:
    """The name of an editable field."""
    return {
        "number": t.gettext("Card number"),
        "birth_year": t.gettext("Year of birth"),
        "postal_code": t.gettext("Postal code"),
        "children": t.gettext("Children under 18"),
        "gender": t.gettext("Gender"),
        "life_situation": t.gettext("Life situation"),
        "wellbeing": t.gettext("Cultural wellbeing"),
        "mobile_card": t.gettext("Mobile card"),
    }[name]


def back_row(t: Translator, form: Form) -> Keyboard:
    """The "Back" button, where there is a step to go back to."""
    return [[button(form, t.gettext("« Back"), "back")]] if form.trail else []


def ask(
    t: Translator, form: Form, step: Step, units: list[tuple[int, str]]
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The question for a step and its buttons."""
    text, rows = _question(t, form, step, units)
    if step not in (Step.CONFIRMING, Step.CHOOSING_FIELD):
        rows = rows + back_row(t, form)
    return text, InlineKeyboardMarkup(rows) if rows else None


def _question(
    t: Translator, form: Form, step: Step, units: list[tuple[int, str]]
) -> tuple[str, Keyboard]:
    if step is Step.CHOOSING_UNIT:
        return t.gettext("Which unit are you issuing the card for?"), [
            [button(form, name, "unit", unit_id)] for unit_id, name in units
        ]
    if step is Step.CHECKING_ELIGIBILITY:
        return _eligibility(t), [
            [button(form, t.gettext("All four apply"), "eligible")],
            [button(form, t.gettext("Not eligible"), "ineligible")],
        ]
    if step is Step.CHOOSING_KIND:
        return t.gettext("Is this a new card, a renewal, or a replacement for a lost card?"), [
            [button(form, kind_label(t, kind), "kind", kind)] for kind in IssuanceKind
        ]
    if step is Step.AWAITING_OLD_NUMBER:
        return t.gettext(
            "Type the number of the lost card, or send a photo of its QR code or barcode."
        ), []
    if step is Step.AWAITING_NUMBER:
        return _number_question(t, form), [
            [button(form, t.gettext("Mobile card only (X)"), "mobile_only")]
        ]
    if step is Step.OFFERING_RENEWAL:
        return t.gettext("Card {number} has expired. Do you want to renew it?").format(
            number=form.number
        ), [
            [button(form, t.gettext("Renew it"), "renew")],
            [button(form, t.gettext("Type another number"), "reenter")],
        ]
    if step is Step.AWAITING_BIRTH_YEAR:
        return t.gettext(
            "The client's year of birth? Four digits, for example 1985: only the year, never "
            "the full date."
        ), []
    if step is Step.AWAITING_POSTAL_CODE:
        return t.gettext("The postal code of the client's home? Five digits."), []
    if step is Step.CONFIRMING_POSTAL_CODE:
        return t.gettext(
            "Postal code {code} is not among the network's municipalities. The client should "
            "live in the network. Is the code right?"
        ).format(code=form.postal_code), [
            [button(form, t.gettext("Use it anyway"), "anyway")],
            [button(form, t.gettext("Type it again"), "reenter")],
        ]
    if step is Step.CHOOSING_CHILDREN:
        return t.gettext(
            "How many children or grandchildren under 18 of their own or in their household "
            "does the client have?"
        ), [
            [button(form, str(count), "children", count) for count in range(6)],
            [button(form, t.gettext("More than 5"), "more")],
        ]
    if step is Step.AWAITING_CHILDREN_COUNT:
        return t.gettext("Type the number of children or grandchildren (at most 30)."), []
    if step is Step.CHOOSING_GENDER:
        return t.gettext("The client's gender (voluntary)?"), [
            [button(form, gender_label(t, g), "gender", g)] for g in Gender
        ] + [[button(form, t.gettext("Skip"), "skip")]]
    if step is Step.CHOOSING_LIFE_SITUATION:
        return t.gettext("The client's life situation (voluntary)?"), [
            [button(form, life_situation_label(t, s), "life", s)] for s in LifeSituation
        ] + [[button(form, t.gettext("Skip"), "skip")]]
    if step is Step.CHOOSING_WELLBEING:
        return t.gettext(
            "How does the client rate their cultural wellbeing, from 1 (poor) to 5 (very "
            "good)? Voluntary."
        ), [
            [button(form, str(score), "wellbeing", score) for score in range(1, 6)],
            [button(form, t.gettext("Skip"), "skip")],
        ]
    if step is Step.CHOOSING_MOBILE_CARD:
        return t.gettext(
            "Does the client want the mobile card? Their e-mail address is entered only in the "
            "national service, never here."
        ), [
            [
                button(form, t.gettext("Yes"), "mobile", "yes"),
                button(form, t.gettext("No"), "mobile", "no"),
            ],
            [button(form, t.gettext("Skip"), "skip")],
        ]
    if step is Step.CONFIRMING:
        # The text is the summary (handlers.issuing.summary); these are its buttons.
        return "", [
            [button(form, t.gettext("Confirm"), "confirm")],
            [button(form, t.gettext("Edit an answer"), "edit")],
            [button(form, t.gettext("Cancel"), "cancel")],
        ]
    if step is Step.CHOOSING_FIELD:
        rows = [[button(form, field_label(t, name), "field", name)] for name in _editable(form)]
        return t.gettext("Which answer do you want to change?"), [
            *rows,
            [button(form, t.gettext("« Back to the summary"), "summary")],
        ]
    raise ValueError(f"no question for {step}")


def _editable(form: Form) -> list[str]:
    # A renewal's number identifies the card being renewed; change it by starting over.
    names = ["birth_year", "postal_code", "children", "gender", "life_situation", "wellbeing"]
    names.append("mobile_card")
    if form.kind == IssuanceKind.NEW:
        names.insert(0, "number")
    return names


def _eligibility(t: Translator) -> str:
    return "\n".join(
        [
            t.gettext("Check that all four apply to the client:"),
            t.gettext("1. They are a client of your unit or organisation."),
            t.gettext("2. They are 16 or older, or turn 16 this year."),
            t.gettext("3. They live in a municipality of the Kaikukortti network."),
            t.gettext(
                "4. Their financial situation prevents them from paying for culture. No proof "
                "of income is needed."
            ),
        ]
    )


def _number_question(t: Translator, form: Form) -> str:
    example = form.card_examples[0] if form.card_examples else "KK123456"
    if form.kind == IssuanceKind.RENEWAL:
        return t.gettext(
            "Type the number of the card to renew (for example {example}), or send a photo of "
            "its QR code or barcode."
        ).format(example=example)
    if form.kind == IssuanceKind.REPLACEMENT:
        return t.gettext(
            "Type the number of the new card (for example {example}), or send a photo of its "
            "QR code or barcode."
        ).format(example=example)
    return t.gettext(
        "Type the card number (for example {example}), or send a photo of the card's QR code "
        "or barcode. If the client wants only a mobile card, choose X."
    ).format(example=example)
