"""What each answer of the issuing form does: check it, store it in the answers, pick the next
step.

Every function takes the turn and the answer (typed text, decoded code or a button's value),
returns the next step (or Finished), and raises Refusal with a translated reason to refuse.
"""

from __future__ import annotations

from datetime import date, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.forms import Finished, Outcome, Refusal
from bot.rules.background import (
    MAXIMUM_CHILDREN,
    MORE_THAN_BUTTONS,
    AnswerError,
    Gender,
    LifeSituation,
    Reason,
    birth_year_bounds,
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
from bot.rules.validity import check_pilot_end
from handlers import callbacks
from handlers.callbacks import identifier
from handlers.issuing.form import Step, validity_end
from handlers.issuing.questions import IssueTurn
from handlers.issuing.summary import recorded
from storage import audit, cards, guideline, people, scopes
from storage.cards import (
    CardDeactivated,
    CardError,
    CardExpired,
    CardNumberTaken,
    background_of,
)
from storage.models import IssuanceKind

KINDS = {kind.value: kind for kind in IssuanceKind}
# A renewal of a card valid for longer than this is confirmed first: it gives up the days left.
EARLY_RENEWAL = timedelta(days=30)


def identifying_reason(turn: IssueTurn, kind: IdentifyingKind) -> str:
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


# Refused answers that carry something identifying a client: deleted from the chat too.
IDENTIFYING_REASONS = {
    Reason.PERSONAL_IDENTITY_CODE,
    Reason.PHONE_NUMBER,
    Reason.EMAIL_ADDRESS,
    Reason.BIRTH_DATE_NOT_ALLOWED,
}


def refusal(turn: IssueTurn, reason: Reason) -> Refusal:
    """A background answer refused, deleted from the chat when it identifies a client."""
    return Refusal(answer_reason(turn, reason), delete=reason in IDENTIFYING_REASONS)


def answer_reason(turn: IssueTurn, reason: Reason) -> str:
    """Why a background answer is refused."""
    t = turn.t
    identifying = {
        Reason.PERSONAL_IDENTITY_CODE: IdentifyingKind.PERSONAL_IDENTITY_CODE,
        Reason.PHONE_NUMBER: IdentifyingKind.PHONE_NUMBER,
        Reason.EMAIL_ADDRESS: IdentifyingKind.EMAIL_ADDRESS,
    }
    if reason in identifying:
        return identifying_reason(turn, identifying[reason])
    earliest, latest = birth_year_bounds(turn.today())
    texts = {
        Reason.BIRTH_DATE_NOT_ALLOWED: t.gettext(
            "Only the year of birth is recorded, never the full date. Type just the year, for "
            "example 1985."
        ),
        Reason.NOT_A_YEAR: t.gettext("Type the year of birth as four digits, for example 1985."),
        Reason.TOO_YOUNG: t.gettext(
            "The client must be 16 or turn 16 this year, so the year of birth can be {year} at "
            "the latest."
        ).format(year=latest),
        Reason.TOO_OLD: t.gettext(
            "That year would make the client older than 110. The year of birth can be {year} "
            "at the earliest."
        ).format(year=earliest),
        Reason.NOT_A_POSTAL_CODE: t.gettext("A postal code has five digits, for example 00100."),
        Reason.NOT_A_COUNT: t.gettext("Type the number in digits, for example 7."),
        Reason.TOO_MANY_CHILDREN: t.gettext("The number can be at most {most}.").format(
            most=MAXIMUM_CHILDREN
        ),
        Reason.TOO_FEW_CHILDREN: t.gettext(
            "You chose “More than 5”: type a number from {least} to {most}, or go back to "
            "choose a smaller one."
        ).format(least=MORE_THAN_BUTTONS, most=MAXIMUM_CHILDREN),
    }
    return texts.get(reason, t.gettext("Please check the answer."))


def card_number(turn: IssueTurn, text: str) -> str:
    """The typed or decoded card number, normalised, or Refusal."""
    try:
        return check_typed_card_number(text, turn.answers.card_examples)
    except IdentifyingInputError as refused:
        raise Refusal(identifying_reason(turn, refused.kind), delete=True) from None
    except CardNumberFormatError:
        examples = turn.answers.card_examples
        shape = describe_formats(examples, turn.t)
        if not examples:
            raise Refusal(
                turn.t.gettext("That is not a card number: card numbers are {shape}.").format(
                    shape=shape
                )
            ) from None
        raise Refusal(
            turn.t.gettext(
                "That is not a card number of your locality: they are {shape}, for example "
                "{example}."
            ).format(shape=shape, example=", ".join(examples))
        ) from None


def unit_ids(turn: IssueTurn) -> set[int]:
    """The units the issuer issues cards for, as their roles are now."""
    return people.unit_ids(turn.person) if turn.person else set()


async def start(turn: IssueTurn) -> Outcome:
    """Pick the unit, or check eligibility when the issuer has only one."""
    found = await scopes.issuing_units(turn.context.session, unit_ids(turn))
    units = [unit for unit in found if unit.committed]
    if not units:
        if found:
            return Finished(not_committed(turn, found[0]))
        return Finished(
            turn.t.gettext(
                "None of your units can issue cards right now. Please ask your coordinator."
            )
        )
    if len(units) == 1:
        ended = await pilot_ended(turn, units[0].pilot_end)
        if ended is not None:
            return Finished(ended)
        take_unit(turn, units[0])
        return Step.CHECKING_ELIGIBILITY
    return Step.CHOOSING_UNIT


async def choose_unit(turn: IssueTurn, value: str) -> Outcome:
    """Take the unit (one of the issuer's own) and its locality's rules."""
    found = await scopes.issuing_units(turn.context.session, unit_ids(turn) & {identifier(value)})
    if not found:
        raise Refusal(turn.t.gettext("Please choose one of your units."))
    if not found[0].committed:
        raise Refusal(not_committed(turn, found[0]))
    ended = await pilot_ended(turn, found[0].pilot_end)
    if ended is not None:
        raise Refusal(ended)
    take_unit(turn, found[0])
    return turn.go(Step.CHECKING_ELIGIBILITY)


async def pilot_ended(turn: IssueTurn, pilot_end: date | None) -> str | None:
    """Why no card can be issued when the locality's pilot has ended: it would be stored
    expired. None while the pilot goes on (or there is none)."""
    if pilot_end is None:
        return None
    try:
        check_pilot_end(pilot_end, turn.today())
    except ValueError:
        pass
    else:
        return None
    t = turn.t
    names = []
    if turn.person is not None:
        names = (await guideline.advisers(turn.context.session, turn.person)).coordinators
    if not names:
        return t.gettext(
            "The pilot of your locality ended on {date}: a card issued now would already "
            "have expired, so none can be issued. Nothing was stored. Please ask your local "
            "coordinator to set a new end date for the pilot."
        ).format(date=t.date(pilot_end))
    return t.gettext(
        "The pilot of your locality ended on {date}: a card issued now would already have "
        "expired, so none can be issued. Nothing was stored. Please ask your coordinator "
        "({coordinators}) to set a new end date for the pilot."
    ).format(date=t.date(pilot_end), coordinators=", ".join(names))


def not_committed(turn: IssueTurn, unit: scopes.IssuingUnit) -> str:
    """Why a unit whose organisation has not committed to the national guideline cannot issue."""
    return turn.t.gettext(
        "{organisation} has no recorded commitment to the national Kaikukortti guideline, "
        "and committing to it is the precondition for issuing cards. Nothing was stored. "
        "Please ask your coordinator to record the commitment."
    ).format(organisation=unit.organisation)


def no_longer_issuing(turn: IssueTurn) -> str:
    """Why a form's unit, taken out of the network meanwhile, stores no card."""
    return turn.t.gettext(
        "{unit} is no longer in the Kaikukortti network, so no card can be issued for it. "
        "Nothing was stored."
    ).format(unit=turn.answers.unit_name)


def take_unit(turn: IssueTurn, unit: scopes.IssuingUnit) -> None:
    """Take the unit and its locality's rules."""
    form = turn.answers
    form.unit_id, form.unit_name = unit.id, unit.name
    form.card_examples, form.postal_codes = unit.card_examples, unit.postal_codes
    form.validity_months = unit.validity_months
    form.pilot_end = unit.pilot_end.isoformat() if unit.pilot_end else None


def out_of_scope(turn: IssueTurn) -> str | None:
    """The form's unit must be one the issuer still issues for, at every step."""
    unit_id = turn.answers.unit_id
    if unit_id is None or unit_id in unit_ids(turn):
        return None
    return turn.t.gettext(
        "You no longer issue cards for {unit}, so this form was discarded. Nothing was "
        "stored. /issue starts a new one."
    ).format(unit=turn.answers.unit_name)


def after_background(turn: IssueTurn, answered: Step) -> Step:
    """The next question after a background answer, or the summary."""
    return turn.answers.after_background(answered, editing=turn.editing)


async def confirm_eligibility(turn: IssueTurn, _value: str) -> Outcome:
    """All four conditions apply: ask what kind of card this is."""
    return turn.go(Step.CHOOSING_KIND)


async def refuse_eligibility(turn: IssueTurn, _value: str) -> Outcome:
    """The client is not eligible: end, storing nothing."""
    return Finished(
        turn.t.gettext(
            "Then a card cannot be issued: all four conditions must apply. Nothing was stored. "
            "If the client's situation changes, they are welcome back."
        )
    )


async def choose_kind(turn: IssueTurn, value: str) -> Outcome:
    """Store the kind of issuance and ask for the (old) card number."""
    if value not in KINDS:
        raise Refusal(turn.t.gettext("Please choose one of the buttons."))
    form = turn.answers
    form.kind = value
    if value == IssuanceKind.REPLACEMENT:
        return turn.go(Step.AWAITING_OLD_NUMBER)
    return turn.go(Step.AWAITING_NUMBER)


async def store_old_number(turn: IssueTurn, text: str) -> Outcome:
    """Store the lost card's number; carry its answers over when it is known."""
    number = card_number(turn, text)
    if number == MOBILE_ONLY:
        raise Refusal(
            turn.t.gettext(
                "A mobile-only card has no number to replace. Type the lost card's number."
            )
        )
    form = turn.answers
    if number == form.number:
        raise Refusal(turn.t.gettext("The new card needs a number of its own."))
    found = await cards.find(turn.context.session, number)
    await refuse_unusable(turn, number, found)
    form.old_number = number
    form.carried_over = False
    if found is not None and found.last is not None:
        form.carry_over(background_of(found.last))
    if turn.editing:
        return Step.CONFIRMING
    return turn.go(Step.AWAITING_NUMBER)


async def refuse_unusable(turn: IssueTurn, number: str, found: cards.Found | None) -> None:
    """Refuse a card to renew or replace that another unit issued or that was deactivated."""
    if found is not None and not found.issued_by(unit_ids(turn)):
        raise Refusal(
            turn.t.gettext(
                "Card {number} was issued by another unit. Renewals and replacements are made "
                "by the unit that issued it."
            ).format(number=number)
        )
    if found is None and await cards.is_deactivated(turn.context.session, number):
        raise Refusal(deactivated(turn, number))


async def store_number(turn: IssueTurn, text: str) -> Outcome:
    """Check the card number for the kind of issuance and move on."""
    number = card_number(turn, text)
    form, session = turn.answers, turn.context.session
    if form.kind == IssuanceKind.RENEWAL:
        if number == MOBILE_ONLY:
            raise Refusal(
                turn.t.gettext(
                    "A mobile-only card cannot be looked up. Type the number of the card to renew."
                )
            )
        found = await cards.find(session, number)
        await refuse_unusable(turn, number, found)
        form.number = number
        form.renewing_valid_until = None
        if found is not None and found.last is not None:
            form.carry_over(background_of(found.last))
            if found.last.valid_until > turn.today() + EARLY_RENEWAL:
                form.renewing_valid_until = found.last.valid_until.isoformat()
                return turn.go(Step.CONFIRMING_EARLY_RENEWAL)
        else:
            form.carried_over = False
        return turn.go(renewal_next(turn))
    if number != MOBILE_ONLY:
        if number == form.old_number:
            raise Refusal(turn.t.gettext("The new card needs a number of its own."))
        try:
            await cards.check_new_number(session, number, turn.today())
        except CardExpired:
            if form.kind == IssuanceKind.NEW:
                form.number = number
                return turn.go(Step.OFFERING_RENEWAL)
            raise Refusal(taken(turn, number)) from None
        except CardNumberTaken:
            raise Refusal(taken(turn, number)) from None
        except CardDeactivated:
            raise Refusal(deactivated(turn, number)) from None
    form.number = number
    if turn.editing or (form.kind == IssuanceKind.REPLACEMENT and form.carried_over):
        return turn.go(Step.CONFIRMING)
    return turn.go(Step.AWAITING_BIRTH_YEAR)


def renewal_next(turn: IssueTurn) -> Step:
    """After a renewal's number: the summary while editing, else the questions still open."""
    if turn.editing:
        return Step.CONFIRMING
    return Step.CHOOSING_WELLBEING if turn.answers.carried_over else Step.AWAITING_BIRTH_YEAR


async def renew_early(turn: IssueTurn, _value: str) -> Outcome:
    """Renew a card that is still valid for a while: the issuer knows and wants it."""
    return turn.go(renewal_next(turn))


async def read_number(turn: IssueTurn, decoded: str) -> Outcome:
    """Take the number read from a photo, and say what was read."""
    outcome = await store_number(turn, decoded)
    turn.notes.append(
        turn.t.gettext("Read from the photo: {number}").format(number=turn.answers.number)
    )
    return outcome


def deactivated(turn: IssueTurn, number: str) -> str:
    """Why a lost and replaced card's number is used for nothing (our rule: see the README)."""
    return turn.t.gettext(
        "Card {number} was reported lost and replaced, so its number is never used again. "
        "Please check the number on the card."
    ).format(number=number)


def taken(turn: IssueTurn, number: str) -> str:
    """Why a number cannot be used for a new card."""
    return turn.t.gettext(
        "Card number {number} is already in use. Please check the number on the card."
    ).format(number=number)


async def choose_mobile_only(turn: IssueTurn, _value: str) -> Outcome:
    """The client wants only a mobile card: the number is X."""
    return await store_number(turn, MOBILE_ONLY)


async def renew_instead(turn: IssueTurn, _value: str) -> Outcome:
    """Turn a "new card" on an expired card's number into its renewal."""
    form = turn.answers
    found = await cards.find(turn.context.session, form.number or "")
    await refuse_unusable(turn, form.number or "", found)
    form.kind = IssuanceKind.RENEWAL
    if found is not None and found.last is not None:
        form.carry_over(background_of(found.last))
        return turn.go(Step.CHOOSING_WELLBEING)
    return turn.go(Step.AWAITING_BIRTH_YEAR)


async def reenter_number(turn: IssueTurn, _value: str) -> Outcome:
    """Ask for the card number again."""
    turn.answers.number = None
    return Step.AWAITING_NUMBER


async def store_birth_year(turn: IssueTurn, text: str) -> Outcome:
    """Store the year of birth (only the year)."""
    try:
        turn.answers.birth_year = parse_birth_year(text, turn.today())
    except AnswerError as refused:
        raise refusal(turn, refused.reason) from None
    return turn.go(after_background(turn, Step.AWAITING_BIRTH_YEAR))


async def store_postal_code(turn: IssueTurn, text: str) -> Outcome:
    """Store the postal code; one outside the network is confirmed first."""
    try:
        code = parse_postal_code(text)
    except AnswerError as refused:
        raise refusal(turn, refused.reason) from None
    form = turn.answers
    form.postal_code = code
    form.postal_outside_network = bool(form.postal_codes) and not in_network(
        code, form.postal_codes
    )
    if form.postal_outside_network:
        return turn.go(Step.CONFIRMING_POSTAL_CODE)
    return turn.go(after_background(turn, Step.AWAITING_POSTAL_CODE))


async def keep_postal_code(turn: IssueTurn, _value: str) -> Outcome:
    """Keep a postal code outside the network."""
    return turn.go(after_background(turn, Step.AWAITING_POSTAL_CODE))


async def reenter_postal_code(turn: IssueTurn, _value: str) -> Outcome:
    """Ask for the postal code again."""
    return Step.AWAITING_POSTAL_CODE


async def store_children(turn: IssueTurn, value: str) -> Outcome:
    """Store the number of children (a button, or digits typed instead)."""
    try:
        turn.answers.children = parse_children(value)
    except AnswerError as refused:
        raise refusal(turn, refused.reason) from None
    return turn.go(after_background(turn, Step.CHOOSING_CHILDREN))


async def ask_children_count(turn: IssueTurn, _value: str) -> Outcome:
    """More than five: ask for the number."""
    return turn.go(Step.AWAITING_CHILDREN_COUNT)


async def store_children_count(turn: IssueTurn, text: str) -> Outcome:
    """Store the number typed after "More than 5": 6 to 30."""
    try:
        turn.answers.children = parse_children(text, minimum=MORE_THAN_BUTTONS)
    except AnswerError as refused:
        raise refusal(turn, refused.reason) from None
    return turn.go(after_background(turn, Step.CHOOSING_CHILDREN))


async def store_gender(turn: IssueTurn, value: str) -> Outcome:
    """Store the gender, or nothing when skipped."""
    turn.answers.gender = value if value in set(Gender) else None
    return turn.go(after_background(turn, Step.CHOOSING_GENDER))


async def store_life_situation(turn: IssueTurn, value: str) -> Outcome:
    """Store the life situation, or nothing when skipped."""
    turn.answers.life_situation = value if value in set(LifeSituation) else None
    return turn.go(after_background(turn, Step.CHOOSING_LIFE_SITUATION))


async def store_wellbeing(turn: IssueTurn, value: str) -> Outcome:
    """Store the wellbeing score, or nothing when skipped."""
    turn.answers.wellbeing = int(value) if value in {"1", "2", "3", "4", "5"} else None
    return turn.go(after_background(turn, Step.CHOOSING_WELLBEING))


async def store_mobile_card(turn: IssueTurn, value: str) -> Outcome:
    """Store whether the client wants the mobile card, or nothing when skipped."""
    turn.answers.mobile_card = {"yes": True, "no": False}.get(value)
    return turn.go(after_background(turn, Step.CHOOSING_MOBILE_CARD))


async def skip(turn: IssueTurn, _value: str) -> Outcome:
    """Leave a voluntary question unanswered."""
    step = turn.step
    if step == Step.CHOOSING_GENDER:
        return await store_gender(turn, "")
    if step == Step.CHOOSING_LIFE_SITUATION:
        return await store_life_situation(turn, "")
    if step == Step.CHOOSING_WELLBEING:
        return await store_wellbeing(turn, "")
    return await store_mobile_card(turn, "")


async def confirm(turn: IssueTurn) -> Outcome:
    """Store the issuance exactly once and tell the issuer what to do next."""
    form, context = turn.answers, turn.context
    session, person = context.session, context.person
    if form.kind is None or form.number is None or form.unit_id is None or person is None:
        raise Refusal(turn.t.gettext("Please check the answers."))
    # The unit and the locality's rules as they are now: while the form was open, the unit
    # may have been taken out of the network, or a pilot may have ended.
    units = await scopes.issuing_units(session, {form.unit_id})
    if not units:
        return Finished(no_longer_issuing(turn))
    if not units[0].committed:
        return Finished(not_committed(turn, units[0]))
    take_unit(turn, units[0])
    ended = await pilot_ended(turn, units[0].pilot_end)
    if ended is not None:
        return Finished(ended)
    issued_on = turn.today()
    until = validity_end(form, issued_on)
    try:
        # A savepoint: a refused number leaves the rest of the transaction usable.
        async with session.begin_nested():
            issuance = await cards.record(
                session,
                kind=IssuanceKind(form.kind),
                number=form.number,
                old_number=form.old_number,
                unit_id=form.unit_id,
                unit_ids=unit_ids(turn),
                issuer_id=person.id,
                issued_on=issued_on,
                valid_until=until,
                background=form.background(),
                form_id=turn.progress.form_id,
            )
    except CardError as error:
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
    again = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    turn.t.gettext("Issue another card"), callback_data=callbacks.ISSUE_AGAIN
                )
            ]
        ]
    )
    return Finished(recorded(turn.t, form.number, until), again)


def refused_card(turn: IssueTurn, error: CardError) -> Outcome:
    """The confirmed form cannot be stored: say why."""
    if isinstance(error, cards.FormAlreadyStored):
        return Finished(turn.t.gettext("This card is already recorded."))
    if isinstance(error, CardDeactivated):
        # Replaced after being lost since its step: that number is used for nothing now.
        turn.notes.append(deactivated(turn, error.number))
        if error.number == turn.answers.old_number:
            return Step.AWAITING_OLD_NUMBER
        turn.progress.editing = turn.answers.kind == IssuanceKind.NEW
        return Step.AWAITING_NUMBER
    # Someone recorded the same number a moment ago: ask for the number again.
    turn.notes.append(
        turn.t.gettext(
            "Card number {number} was recorded by someone else a moment ago. Please check "
            "the number on the card."
        ).format(number=turn.answers.number)
    )
    turn.progress.editing = turn.answers.kind == IssuanceKind.NEW
    return Step.AWAITING_NUMBER
