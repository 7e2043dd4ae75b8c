"""What each answer of the issuing form does: check it, store it in the form, pick the next step.

Every function takes the turn and the answer (typed text, decoded code or a button's value),
returns the next step (or Finished), and raises Reask with a translated reason to refuse.
"""

from __future__ import annotations

import contextlib

from bot.replies import Button
from bot.rules.background import (
    AnswerError,
    Gender,
    LifeSituation,
    Reason,
    in_network,
    parse_birth_year,
    parse_children,
    parse_postal_code,
)
from bot.rules.card_numbers import (
    MOBILE_ONLY,
    CardNumberFormatError,
    check_typed_card_number,
    describe_formats,
)
from bot.rules.privacy import IdentifyingInputError, IdentifyingKind
from handlers import callbacks
from handlers.issuing.engine import Finished, Outcome, Reask, Turn
from handlers.issuing.form import EDITABLE, Step
from handlers.issuing.summary import recorded, validity_end
from storage import audit, cards, drafts, scopes
from storage.cards import (
    CardDeactivated,
    CardError,
    CardExpired,
    CardNumberTaken,
    background_of,
)
from storage.models import IssuanceKind

KINDS = {kind.value: kind for kind in IssuanceKind}


def identifying_reason(turn: Turn, kind: IdentifyingKind) -> str:
    """Why text that identifies a client is refused."""
    t = turn.t
    if kind is IdentifyingKind.PERSONAL_IDENTITY_CODE:
        return t.gettext(
            "That looks like a personal identity code. I never store those: please type only "
            "what was asked."
        )
    if kind is IdentifyingKind.PHONE_NUMBER:
        return t.gettext(
            "That looks like a phone number. I never store clients' contact details: please "
            "type only what was asked."
        )
    return t.gettext(
        "That looks like an e-mail address. I never store clients' contact details: please "
        "type only what was asked."
    )


def answer_reason(turn: Turn, reason: Reason) -> str:
    """Why a background answer is refused."""
    t = turn.t
    identifying = {
        Reason.PERSONAL_IDENTITY_CODE: IdentifyingKind.PERSONAL_IDENTITY_CODE,
        Reason.PHONE_NUMBER: IdentifyingKind.PHONE_NUMBER,
        Reason.EMAIL_ADDRESS: IdentifyingKind.EMAIL_ADDRESS,
    }
    if reason in identifying:
        return identifying_reason(turn, identifying[reason])
    youngest = turn.today().year - 16
    texts = {
        Reason.BIRTH_DATE_NOT_ALLOWED: t.gettext(
            "Only the year of birth is recorded, never the full date. Type just the year, for "
            "example 1985."
        ),
        Reason.NOT_A_YEAR: t.gettext("Type the year of birth as four digits, for example 1985."),
        Reason.TOO_YOUNG: t.gettext(
            "The client must be 16 or turn 16 this year, so the year of birth can be {year} at "
            "the latest."
        ).format(year=youngest),
        Reason.TOO_OLD: t.gettext(
            "That year would make the client older than 110. Please check the year of birth."
        ),
        Reason.NOT_A_POSTAL_CODE: t.gettext("A postal code has five digits, for example 00100."),
        Reason.NOT_A_COUNT: t.gettext("Type the number in digits, for example 7."),
        Reason.TOO_MANY_CHILDREN: t.gettext("The number can be at most 30."),
    }
    return texts.get(reason, t.gettext("Please check the answer."))


def card_number(turn: Turn, text: str) -> str:
    """The typed or decoded card number, normalised, or Reask."""
    try:
        return check_typed_card_number(text, turn.form.card_examples)
    except IdentifyingInputError as refused:
        raise Reask(identifying_reason(turn, refused.kind)) from None
    except CardNumberFormatError:
        examples = turn.form.card_examples
        shape = describe_formats(examples, turn.t)
        if not examples:
            raise Reask(
                turn.t.gettext("That is not a card number: card numbers are {shape}.").format(
                    shape=shape
                )
            ) from None
        raise Reask(
            turn.t.gettext(
                "That is not a card number of your locality: they are {shape}, for example "
                "{example}."
            ).format(shape=shape, example=", ".join(examples))
        ) from None


async def choose_unit(turn: Turn, value: str) -> Outcome:
    """Take the unit (one of the issuer's own) and its locality's rules."""
    unit_id = int(value) if value.isdigit() else 0
    if unit_id not in turn.unit_ids:
        raise Reask(turn.t.gettext("Please choose one of your units."))
    known = [unit for unit in turn.known_units if unit.id == unit_id]
    (unit,) = known or await scopes.issuing_units(turn.context.session, {unit_id})
    form = turn.form
    form.unit_id, form.unit_name = unit.id, unit.name
    form.card_examples, form.postal_codes = unit.card_examples, unit.postal_codes
    form.validity_months = unit.validity_months
    form.pilot_end = unit.pilot_end.isoformat() if unit.pilot_end else None
    return form.go(turn.step, Step.CHECKING_ELIGIBILITY)


async def confirm_eligibility(turn: Turn, _value: str) -> Outcome:
    """All four conditions apply: ask what kind of card this is."""
    return turn.form.go(turn.step, Step.CHOOSING_KIND)


async def refuse_eligibility(turn: Turn, _value: str) -> Outcome:
    """The client is not eligible: end, storing nothing."""
    return Finished(
        turn.t.gettext(
            "Then a card cannot be issued: all four conditions must apply. Nothing was stored. "
            "If the client's situation changes, they are welcome back."
        )
    )


async def choose_kind(turn: Turn, value: str) -> Outcome:
    """Store the kind of issuance and ask for the (old) card number."""
    if value not in KINDS:
        raise Reask(turn.t.gettext("Please choose one of the buttons."))
    form = turn.form
    form.kind = value
    if value == IssuanceKind.REPLACEMENT:
        return form.go(turn.step, Step.AWAITING_OLD_NUMBER)
    return form.go(turn.step, Step.AWAITING_NUMBER)


async def store_old_number(turn: Turn, text: str) -> Outcome:
    """Store the lost card's number; carry its answers over when it is known."""
    number = card_number(turn, text)
    if number == MOBILE_ONLY:
        raise Reask(
            turn.t.gettext(
                "A mobile-only card has no number to replace. Type the lost card's number."
            )
        )
    found = await cards.find(turn.context.session, number)
    await refuse_unusable(turn, number, found)
    form = turn.form
    form.old_number = number
    form.carried_over = False
    if found is not None and found.last is not None:
        form.carry_over(background_of(found.last))
    return form.go(turn.step, Step.AWAITING_NUMBER)


async def refuse_unusable(turn: Turn, number: str, found: cards.Found | None) -> None:
    """Refuse a card to renew or replace that another unit issued or that was deactivated."""
    if found is not None and not found.issued_by(turn.unit_ids):
        raise Reask(
            turn.t.gettext(
                "Card {number} was issued by another unit. Renewals and replacements are made "
                "by the unit that issued it."
            ).format(number=number)
        )
    if found is None and await cards.is_deactivated(turn.context.session, number):
        raise Reask(deactivated(turn, number))


async def store_number(turn: Turn, text: str) -> Outcome:
    """Check the card number for the kind of issuance and move on."""
    number = card_number(turn, text)
    form, session = turn.form, turn.context.session
    if form.kind == IssuanceKind.RENEWAL:
        if number == MOBILE_ONLY:
            raise Reask(
                turn.t.gettext(
                    "A mobile-only card cannot be looked up. Type the number of the card to renew."
                )
            )
        found = await cards.find(session, number)
        await refuse_unusable(turn, number, found)
        form.number = number
        if found is not None and found.last is not None:
            form.carry_over(background_of(found.last))
            return form.go(turn.step, Step.CHOOSING_WELLBEING)
        form.carried_over = False
        return form.go(turn.step, Step.AWAITING_BIRTH_YEAR)
    if number != MOBILE_ONLY:
        if number == form.old_number:
            raise Reask(turn.t.gettext("The new card needs a number of its own."))
        try:
            await cards.check_new_number(session, number, turn.today())
        except CardExpired:
            if form.kind == IssuanceKind.NEW:
                form.number = number
                return form.go(turn.step, Step.OFFERING_RENEWAL)
            raise Reask(taken(turn, number)) from None
        except CardNumberTaken:
            raise Reask(taken(turn, number)) from None
        except CardDeactivated:
            raise Reask(deactivated(turn, number)) from None
    form.number = number
    if form.editing or (form.kind == IssuanceKind.REPLACEMENT and form.carried_over):
        return form.go(turn.step, Step.CONFIRMING)
    return form.go(turn.step, Step.AWAITING_BIRTH_YEAR)


def deactivated(turn: Turn, number: str) -> str:
    """Why a lost and replaced card's number is used for nothing (our rule: see the README)."""
    return turn.t.gettext(
        "Card {number} was reported lost and replaced, so its number is never used again. "
        "Please check the number on the card."
    ).format(number=number)


def taken(turn: Turn, number: str) -> str:
    """Why a number cannot be used for a new card."""
    return turn.t.gettext(
        "Card number {number} is already in use. Please check the number on the card."
    ).format(number=number)


async def choose_mobile_only(turn: Turn, _value: str) -> Outcome:
    """The client wants only a mobile card: the number is X."""
    return await store_number(turn, MOBILE_ONLY)


async def renew_instead(turn: Turn, _value: str) -> Outcome:
    """Turn a "new card" on an expired card's number into its renewal."""
    form = turn.form
    found = await cards.find(turn.context.session, form.number or "")
    await refuse_unusable(turn, form.number or "", found)
    form.kind = IssuanceKind.RENEWAL
    if found is not None and found.last is not None:
        form.carry_over(background_of(found.last))
        return form.go(turn.step, Step.CHOOSING_WELLBEING)
    return form.go(turn.step, Step.AWAITING_BIRTH_YEAR)


async def reenter_number(turn: Turn, _value: str) -> Outcome:
    """Ask for the card number again."""
    turn.form.number = None
    return Step.AWAITING_NUMBER


async def store_birth_year(turn: Turn, text: str) -> Outcome:
    """Store the year of birth (only the year)."""
    try:
        turn.form.birth_year = parse_birth_year(text, turn.today())
    except AnswerError as refused:
        raise Reask(answer_reason(turn, refused.reason)) from None
    return turn.form.go(turn.step, turn.form.after_background(Step.AWAITING_BIRTH_YEAR))


async def store_postal_code(turn: Turn, text: str) -> Outcome:
    """Store the postal code; one outside the network is confirmed first."""
    try:
        code = parse_postal_code(text)
    except AnswerError as refused:
        raise Reask(answer_reason(turn, refused.reason)) from None
    form = turn.form
    form.postal_code = code
    form.postal_outside_network = bool(form.postal_codes) and not in_network(
        code, form.postal_codes
    )
    if form.postal_outside_network:
        return form.go(turn.step, Step.CONFIRMING_POSTAL_CODE)
    return form.go(turn.step, form.after_background(Step.AWAITING_POSTAL_CODE))


async def keep_postal_code(turn: Turn, _value: str) -> Outcome:
    """Keep a postal code outside the network."""
    return turn.form.go(turn.step, turn.form.after_background(Step.AWAITING_POSTAL_CODE))


async def reenter_postal_code(turn: Turn, _value: str) -> Outcome:
    """Ask for the postal code again."""
    return Step.AWAITING_POSTAL_CODE


async def store_children(turn: Turn, value: str) -> Outcome:
    """Store the number of children (a button, or digits typed instead)."""
    try:
        turn.form.children = parse_children(value)
    except AnswerError as refused:
        raise Reask(answer_reason(turn, refused.reason)) from None
    return turn.form.go(turn.step, turn.form.after_background(Step.CHOOSING_CHILDREN))


async def ask_children_count(turn: Turn, _value: str) -> Outcome:
    """More than five: ask for the number."""
    return turn.form.go(turn.step, Step.AWAITING_CHILDREN_COUNT)


async def store_gender(turn: Turn, value: str) -> Outcome:
    """Store the gender, or nothing when skipped."""
    turn.form.gender = value if value in set(Gender) else None
    return turn.form.go(turn.step, turn.form.after_background(Step.CHOOSING_GENDER))


async def store_life_situation(turn: Turn, value: str) -> Outcome:
    """Store the life situation, or nothing when skipped."""
    turn.form.life_situation = value if value in set(LifeSituation) else None
    return turn.form.go(turn.step, turn.form.after_background(Step.CHOOSING_LIFE_SITUATION))


async def store_wellbeing(turn: Turn, value: str) -> Outcome:
    """Store the wellbeing score, or nothing when skipped."""
    turn.form.wellbeing = int(value) if value in {"1", "2", "3", "4", "5"} else None
    return turn.form.go(turn.step, turn.form.after_background(Step.CHOOSING_WELLBEING))


async def store_mobile_card(turn: Turn, value: str) -> Outcome:
    """Store whether the client wants the mobile card, or nothing when skipped."""
    turn.form.mobile_card = {"yes": True, "no": False}.get(value)
    return turn.form.go(turn.step, turn.form.after_background(Step.CHOOSING_MOBILE_CARD))


async def skip(turn: Turn, _value: str) -> Outcome:
    """Leave a voluntary question unanswered."""
    step = turn.step
    if step is Step.CHOOSING_GENDER:
        return await store_gender(turn, "")
    if step is Step.CHOOSING_LIFE_SITUATION:
        return await store_life_situation(turn, "")
    if step is Step.CHOOSING_WELLBEING:
        return await store_wellbeing(turn, "")
    return await store_mobile_card(turn, "")


async def choose_field(turn: Turn, value: str) -> Outcome:
    """Answer one question again, then come back to the summary."""
    if value not in EDITABLE:
        raise Reask(turn.t.gettext("Please choose one of the buttons."))
    turn.form.editing = True
    return EDITABLE[value]


async def edit(turn: Turn, _value: str) -> Outcome:
    """Offer the answers that can be changed."""
    return Step.CHOOSING_FIELD


async def show_summary(turn: Turn, _value: str) -> Outcome:
    """Back to the summary."""
    return Step.CONFIRMING


async def go_back(turn: Turn, _value: str) -> Outcome:
    """Return to the previous question (or the summary while editing)."""
    if turn.form.editing:
        return Step.CONFIRMING
    return turn.form.back(turn.step)


async def cancel(turn: Turn, _value: str) -> Outcome:
    """Drop the form."""
    return Finished(turn.t.gettext("Cancelled. Nothing was stored."))


async def confirm(turn: Turn, _value: str) -> Outcome:
    """Store the issuance exactly once and tell the issuer what to do next."""
    form, context = turn.form, turn.context
    session, person = context.session, context.person
    if form.kind is None or form.number is None or form.unit_id is None or person is None:
        raise Reask(turn.t.gettext("Please check the answers."))
    issued_on = turn.today()
    until = validity_end(form, issued_on)
    # Unread (bot.access held the issuer and form), nothing is looked up that the number's
    # own step checked, and no savepoint is taken: the draft's deletion at the end stores it
    # all only if the issuer and form are unchanged, and any refusal here is a moment's race
    # that the step, read afresh and rolled back, settles carefully below.
    careful = context.expected is None
    try:
        # A savepoint: a refused number leaves the rest of the transaction usable.
        async with session.begin_nested() if careful else contextlib.nullcontext():
            issuance = await cards.record(
                session,
                kind=IssuanceKind(form.kind),
                number=form.number,
                old_number=form.old_number,
                unit_id=form.unit_id,
                unit_ids=turn.unit_ids,
                issuer_id=person.id,
                issued_on=issued_on,
                valid_until=until,
                background=form.background(),
                form_id=form.form_id,
                checked=not careful,
            )
    except CardError as error:
        if not careful:
            raise drafts.ReadRequired from None
        return refused_card(turn, error)
    audit.record(
        session,
        actor=person,
        action="issue",
        entity="issuance",
        entity_id=issuance.id,
        # Never the background data: only what identifies the record itself.
        after={"kind": form.kind, "card_id": issuance.card_id, "unit_id": form.unit_id},
    )
    again = [[Button(turn.t.gettext("Issue another card"), callbacks.ISSUE_AGAIN)]]
    return Finished(recorded(turn.t, form.number, until), again)


def refused_card(turn: Turn, error: CardError) -> Outcome:
    """The confirmed form cannot be stored (checked carefully): say why."""
    if isinstance(error, cards.FormAlreadyStored):
        return Finished(turn.t.gettext("This card is already recorded."))
    if isinstance(error, CardDeactivated):
        # Replaced after being lost since its step: that number is used for nothing now.
        turn.notes.append(deactivated(turn, error.number))
        if error.number == turn.form.old_number:
            return Step.AWAITING_OLD_NUMBER
        turn.form.editing = turn.form.kind == IssuanceKind.NEW
        return Step.AWAITING_NUMBER
    # Someone recorded the same number a moment ago: ask for the number again.
    turn.notes.append(
        turn.t.gettext(
            "Card number {number} was recorded by someone else a moment ago. Please check "
            "the number on the card."
        ).format(number=turn.form.number)
    )
    turn.form.editing = turn.form.kind == IssuanceKind.NEW
    return Step.AWAITING_NUMBER
