"""What the issuing form asks at each step, and the buttons it offers (translated)."""

from __future__ import annotations

from datetime import date

from bot.forms import Choice, Question, Turn
from bot.i18n import Translator
from bot.rules.background import (
    MAXIMUM_CHILDREN,
    MORE_THAN_BUTTONS,
    Gender,
    LifeSituation,
    birth_year_bounds,
)
from handlers.issuing.form import IssueAnswers, validity_end
from storage import people, scopes
from storage.models import IssuanceKind

IssueTurn = Turn[IssueAnswers]


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


def skip(t: Translator) -> list[Choice]:
    """The row that leaves a voluntary question unanswered."""
    return [Choice(t.gettext("Skip"), "skip")]


async def ask_unit(turn: IssueTurn) -> Question:
    """Which of the issuer's units."""
    unit_ids = people.unit_ids(turn.person) if turn.person else set()
    units = await scopes.issuing_units(turn.context.session, unit_ids)
    return Question(
        turn.t.gettext("Which unit are you issuing the card for?"),
        [[Choice(unit.name, "unit", unit.id)] for unit in units if unit.committed],
    )


async def ask_eligibility(turn: IssueTurn) -> Question:
    """The four conditions."""
    t = turn.t
    text = "\n".join(
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
    return Question(
        text,
        [
            [Choice(t.gettext("All four apply"), "eligible")],
            [Choice(t.gettext("Not eligible"), "ineligible")],
        ],
    )


async def ask_kind(turn: IssueTurn) -> Question:
    """New, renewal or replacement."""
    t = turn.t
    return Question(
        t.gettext("Is this a new card, a renewal, or a replacement for a lost card?"),
        [[Choice(kind_label(t, kind), "kind", kind)] for kind in IssuanceKind],
    )


async def ask_old_number(turn: IssueTurn) -> Question:
    """The lost card's number (typed: the card itself is lost)."""
    return Question(turn.t.gettext("Type the number of the lost card."))


async def ask_number(turn: IssueTurn) -> Question:
    """The card's number."""
    t, answers = turn.t, turn.answers
    example = answers.card_examples[0] if answers.card_examples else "KK123456"
    mobile_only = [[Choice(t.gettext("Mobile card only (X)"), "mobile_only")]]
    if answers.kind == IssuanceKind.RENEWAL:
        # A renewal looks the card up by its number: a mobile-only card has none to renew.
        mobile_only = []
        text = t.gettext(
            "Type the number of the card to renew (for example {example}), or send a photo of "
            "its QR code or barcode."
        )
    elif answers.kind == IssuanceKind.REPLACEMENT:
        text = t.gettext(
            "Type the number of the new card (for example {example}), or send a photo of its "
            "QR code or barcode."
        )
    else:
        text = t.gettext(
            "Type the card number (for example {example}), or send a photo of the card's QR "
            "code or barcode. If the client wants only a mobile card, choose X."
        )
    return Question(text.format(example=example), mobile_only)


async def ask_renewal(turn: IssueTurn) -> Question:
    """A new card on an expired card's number: renew it instead?"""
    t = turn.t
    return Question(
        t.gettext("Card {number} has expired. Do you want to renew it?").format(
            number=turn.answers.number
        ),
        [
            [Choice(t.gettext("Renew it"), "renew")],
            [Choice(t.gettext("Type another number"), "reenter")],
        ],
    )


async def ask_early_renewal(turn: IssueTurn) -> Question:
    """A card still valid for a while: renew it anyway?"""
    t, answers = turn.t, turn.answers
    current = date.fromisoformat(answers.renewing_valid_until or turn.today().isoformat())
    return Question(
        t.gettext(
            "Card {number} is still valid until {current}. Renew it anyway? The renewed card "
            "will be valid until {renewed}."
        ).format(
            number=answers.number,
            current=t.date(current),
            renewed=t.date(validity_end(answers, turn.today())),
        ),
        [
            [Choice(t.gettext("Renew it anyway"), "renew")],
            [Choice(t.gettext("Type another number"), "reenter")],
        ],
    )


async def ask_birth_year(turn: IssueTurn) -> Question:
    """The year of birth."""
    earliest, latest = birth_year_bounds(turn.today())
    return Question(
        turn.t.gettext(
            "The client's year of birth? Four digits, from {earliest} to {latest}: only the "
            "year, never the full date."
        ).format(earliest=earliest, latest=latest)
    )


async def ask_postal_code(turn: IssueTurn) -> Question:
    """The postal code."""
    return Question(turn.t.gettext("The postal code of the client's home? Five digits."))


async def ask_postal_code_again(turn: IssueTurn) -> Question:
    """A postal code outside the network: keep it?"""
    t = turn.t
    return Question(
        t.gettext(
            "Postal code {code} is not among the network's municipalities. The client should "
            "live in the network. Is the code right?"
        ).format(code=turn.answers.postal_code),
        [
            [Choice(t.gettext("Use it anyway"), "anyway")],
            [Choice(t.gettext("Type it again"), "reenter")],
        ],
    )


async def ask_children(turn: IssueTurn) -> Question:
    """How many children."""
    t = turn.t
    return Question(
        t.gettext(
            "How many children or grandchildren under 18 of their own or in their household "
            "does the client have?"
        ),
        [
            [Choice(str(count), "children", count) for count in range(6)],
            [Choice(t.gettext("More than 5"), "more")],
        ],
    )


async def ask_children_count(turn: IssueTurn) -> Question:
    """More than five: how many."""
    text = turn.t.gettext("Type the number of children or grandchildren, from {least} to {most}.")
    return Question(text.format(least=MORE_THAN_BUTTONS, most=MAXIMUM_CHILDREN))


async def ask_gender(turn: IssueTurn) -> Question:
    """The gender (voluntary)."""
    t = turn.t
    return Question(
        t.gettext("The client's gender (voluntary)?"),
        [[Choice(gender_label(t, g), "gender", g)] for g in Gender] + [skip(t)],
    )


async def ask_life_situation(turn: IssueTurn) -> Question:
    """The life situation (voluntary)."""
    t = turn.t
    return Question(
        t.gettext("The client's life situation (voluntary)?"),
        [[Choice(life_situation_label(t, s), "life", s)] for s in LifeSituation] + [skip(t)],
    )


async def ask_wellbeing(turn: IssueTurn) -> Question:
    """The cultural wellbeing score (voluntary)."""
    t = turn.t
    return Question(
        t.gettext(
            "How does the client rate their cultural wellbeing, from 1 (poor) to 5 (very "
            "good)? Voluntary."
        ),
        [[Choice(str(score), "wellbeing", score) for score in range(1, 6)], skip(t)],
    )


async def ask_mobile_card(turn: IssueTurn) -> Question:
    """Whether the client wants the mobile card (voluntary)."""
    t = turn.t
    return Question(
        t.gettext(
            "Does the client want the mobile card? Their e-mail address is entered only in the "
            "national service, never here."
        ),
        [
            [Choice(t.gettext("Yes"), "mobile", "yes"), Choice(t.gettext("No"), "mobile", "no")],
            skip(t),
        ],
    )
