"""Issuing a card: the step-by-step form as one ConversationHandler.

Each state lists what it accepts: `typed` answers, `pressed` buttons (by action) and
`photographed` card codes; the step functions live in handlers/issuing/steps.py.
"""

from __future__ import annotations

import re
import warnings

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.context import BotContext
from handlers import callbacks
from handlers.issuing import steps
from handlers.issuing.engine import StepFunction, photographed, pressed, typed
from handlers.issuing.form import CONVERSATION, Step
from handlers.issuing.start import cancel_form, not_expected, stale_button, start_form

TEXT = filters.TEXT & ~filters.COMMAND
PHOTO = filters.PHOTO
Handler = BaseHandler[Update, BotContext, object]


def on_text(function: StepFunction) -> Handler:
    """A typed answer."""
    return MessageHandler(TEXT, typed(function))


def on_photo(function: StepFunction) -> Handler:
    """A photo of the card's code."""
    return MessageHandler(PHOTO, photographed(function))


def on_button(action: str, function: StepFunction) -> Handler:
    """A button of the form with this action."""
    pattern = re.compile(rf"^{callbacks.ISSUE}:\d+:{re.escape(action)}(?::|$)")
    return CallbackQueryHandler(pressed(function), pattern=pattern)


BACK = on_button("back", steps.go_back)


def issuing_form() -> ConversationHandler[BotContext]:
    """The issuing form, restored from drafts after a restart."""
    return ConversationHandler(
        entry_points=[
            CommandHandler("issue", start_form, filters=filters.ChatType.PRIVATE),
            CallbackQueryHandler(start_form, pattern=f"^{re.escape(callbacks.ISSUE_AGAIN)}$"),
        ],
        states={
            Step.CHOOSING_UNIT: [on_button("unit", steps.choose_unit), BACK],
            Step.CHECKING_ELIGIBILITY: [
                on_button("eligible", steps.confirm_eligibility),
                on_button("ineligible", steps.refuse_eligibility),
                BACK,
            ],
            Step.CHOOSING_KIND: [on_button("kind", steps.choose_kind), BACK],
            Step.AWAITING_OLD_NUMBER: [
                on_text(steps.store_old_number),
                on_photo(steps.store_old_number),
                BACK,
            ],
            Step.AWAITING_NUMBER: [
                on_text(steps.store_number),
                on_photo(steps.store_number),
                on_button("mobile_only", steps.choose_mobile_only),
                BACK,
            ],
            Step.OFFERING_RENEWAL: [
                on_button("renew", steps.renew_instead),
                on_button("reenter", steps.reenter_number),
                BACK,
            ],
            Step.AWAITING_BIRTH_YEAR: [on_text(steps.store_birth_year), BACK],
            Step.AWAITING_POSTAL_CODE: [on_text(steps.store_postal_code), BACK],
            Step.CONFIRMING_POSTAL_CODE: [
                on_button("anyway", steps.keep_postal_code),
                on_button("reenter", steps.reenter_postal_code),
                BACK,
            ],
            Step.CHOOSING_CHILDREN: [
                on_button("children", steps.store_children),
                on_button("more", steps.ask_children_count),
                on_text(steps.store_children),
                BACK,
            ],
            Step.AWAITING_CHILDREN_COUNT: [on_text(steps.store_children), BACK],
            Step.CHOOSING_GENDER: [
                on_button("gender", steps.store_gender),
                on_button("skip", steps.skip),
                BACK,
            ],
            Step.CHOOSING_LIFE_SITUATION: [
                on_button("life", steps.store_life_situation),
                on_button("skip", steps.skip),
                BACK,
            ],
            Step.CHOOSING_WELLBEING: [
                on_button("wellbeing", steps.store_wellbeing),
                on_button("skip", steps.skip),
                BACK,
            ],
            Step.CHOOSING_MOBILE_CARD: [
                on_button("mobile", steps.store_mobile_card),
                on_button("skip", steps.skip),
                BACK,
            ],
            Step.CONFIRMING: [
                on_button("confirm", steps.confirm),
                on_button("edit", steps.edit),
                on_button("cancel", steps.cancel),
            ],
            Step.CHOOSING_FIELD: [
                on_button("field", steps.choose_field),
                on_button("summary", steps.show_summary),
            ],
            # Nothing is accepted: the fallbacks tell the issuer their form was deleted.
            Step.EXPIRED: [],
        },
        fallbacks=[
            CommandHandler("cancel", cancel_form),
            CallbackQueryHandler(stale_button, pattern=f"^{callbacks.ISSUE}:"),
            MessageHandler((TEXT | PHOTO) & filters.ChatType.PRIVATE, not_expected),
        ],
        name=CONVERSATION,
        persistent=True,
        allow_reentry=True,
    )


def build() -> list[Handler]:
    """The issuing handlers."""
    with warnings.catch_warnings():
        # A text-and-buttons form is deliberately per_message=False; PTB warns about that.
        warnings.filterwarnings("ignore", "If 'per_message=False'", PTBUserWarning)
        return [issuing_form()]
