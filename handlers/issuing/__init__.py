"""Issuing a card: the issuing form, declared on the form engine (bot.forms).

Each step lists what it asks (handlers/issuing/questions.py) and what it takes: typed text,
a photo of the card's code, or buttons by action (handlers/issuing/steps.py).
"""

from __future__ import annotations

from bot.audience import only
from bot.barcodes import decode_card_code
from bot.forms import Form, Step
from bot.i18n import Translator
from handlers import callbacks
from handlers.issuing import questions as ask
from handlers.issuing import steps
from handlers.issuing.form import NAME, IssueAnswers
from handlers.issuing.form import Step as At
from handlers.issuing.summary import editable, show_summary, stored_result
from storage.models import Role


def title(t: Translator) -> str:
    """The form's name as issuers read it."""
    return t.gettext("Card form")


# The background questions, as the issuing form asks them and a correction asks them again
# (handlers/correcting.py).
BACKGROUND_STEPS: dict[str, Step[IssueAnswers]] = {
    At.AWAITING_BIRTH_YEAR: Step(ask.ask_birth_year, typed=steps.store_birth_year),
    At.AWAITING_POSTAL_CODE: Step(ask.ask_postal_code, typed=steps.store_postal_code),
    At.CONFIRMING_POSTAL_CODE: Step(
        ask.ask_postal_code_again,
        pressed={"anyway": steps.keep_postal_code, "reenter": steps.reenter_postal_code},
    ),
    At.CHOOSING_CHILDREN: Step(
        ask.ask_children,
        typed=steps.store_children,
        pressed={"children": steps.store_children, "more": steps.ask_children_count},
    ),
    At.AWAITING_CHILDREN_COUNT: Step(ask.ask_children_count, typed=steps.store_children_count),
    At.CHOOSING_GENDER: Step(
        ask.ask_gender, pressed={"gender": steps.store_gender, "skip": steps.skip}
    ),
    At.CHOOSING_LIFE_SITUATION: Step(
        ask.ask_life_situation,
        pressed={"life": steps.store_life_situation, "skip": steps.skip},
    ),
    At.CHOOSING_WELLBEING: Step(
        ask.ask_wellbeing, pressed={"wellbeing": steps.store_wellbeing, "skip": steps.skip}
    ),
    At.CHOOSING_MOBILE_CARD: Step(
        ask.ask_mobile_card, pressed={"mobile": steps.store_mobile_card, "skip": steps.skip}
    ),
}

ISSUING: Form[IssueAnswers] = Form(
    name=NAME,
    command="issue",
    entry_buttons=(callbacks.ISSUE_AGAIN,),
    read_photo=decode_card_code,
    audience=only(Role.ISSUER),
    answers=IssueAnswers,
    title=title,
    start=steps.start,
    steps={
        At.CHOOSING_UNIT: Step(ask.ask_unit, pressed={"unit": steps.choose_unit}),
        At.CHECKING_ELIGIBILITY: Step(
            ask.ask_eligibility,
            pressed={
                "eligible": steps.confirm_eligibility,
                "ineligible": steps.refuse_eligibility,
            },
        ),
        At.CHOOSING_KIND: Step(ask.ask_kind, pressed={"kind": steps.choose_kind}),
        # The lost card is lost: no photo of it is asked for.
        At.AWAITING_OLD_NUMBER: Step(ask.ask_old_number, typed=steps.store_old_number),
        At.AWAITING_NUMBER: Step(
            ask.ask_number,
            typed=steps.store_number,
            photo=steps.read_number,
            pressed={"mobile_only": steps.choose_mobile_only},
        ),
        At.OFFERING_RENEWAL: Step(
            ask.ask_renewal,
            pressed={"renew": steps.renew_instead, "reenter": steps.reenter_number},
        ),
        At.CONFIRMING_EARLY_RENEWAL: Step(
            ask.ask_early_renewal,
            pressed={"renew": steps.renew_early, "reenter": steps.reenter_number},
        ),
        **BACKGROUND_STEPS,
    },
    summary=show_summary,
    confirm=steps.confirm,
    editable=editable,
    out_of_scope=steps.out_of_scope,
    stored_result=stored_result,
)
