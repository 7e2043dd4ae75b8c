"""Every feature's handlers, registered in one visible order."""

from __future__ import annotations

from bot.context import KaikuApplication
from bot.forms.handlers import FormEngine
from handlers import (
    basics,
    cards,
    contacts,
    fallback,
    guideline,
    handover,
    invitations,
    joining,
    me,
    network_listing,
    summaries,
)
from handlers.contact import CONTACT
from handlers.correcting import CORRECTING
from handlers.forgetting import FORGETTING
from handlers.handover import HANDOVER
from handlers.invitation_list import INVITATION_LIST
from handlers.inviting import INVITING
from handlers.issuing import ISSUING
from handlers.joining import JOINING
from handlers.organisation_people import ORGANISATION_PEOPLE
from handlers.orgs import ORGS
from handlers.practice import PRACTICE
from handlers.settings import SETTING
from handlers.summary_forms import RANGE, SCHEDULING
from handlers.voiding import VOIDING

# Group -1 runs first for every update; a form that takes an update stops it there.
FORMS_GROUP = -1


def register(application: KaikuApplication) -> None:
    """Add every handler; within a group the first that matches an update wins."""
    # The forms (step-by-step conversations) first: their answers, buttons and /cancel win
    # over everything else; text no form waits for goes on to the handlers below.
    forms = FormEngine(
        [
            ISSUING,
            INVITING,
            INVITATION_LIST,
            JOINING,
            CORRECTING,
            VOIDING,
            PRACTICE,
            RANGE,
            SCHEDULING,
            SETTING,
            ORGS,
            CONTACT,
            HANDOVER,
            ORGANISATION_PEOPLE,
            FORGETTING,
        ]
    )
    application.add_handlers(forms.handlers(), group=FORMS_GROUP)
    # /start with a code must come before the plain /start greeting.
    application.add_handlers(invitations.build())
    application.add_handlers(basics.build())
    application.add_handlers(me.build())
    application.add_handlers(summaries.build())
    application.add_handlers(contacts.build())
    application.add_handlers(network_listing.build())
    application.add_handlers(handover.build())
    application.add_handlers(joining.build())
    application.add_handlers(cards.build())
    # Guideline answers take a registered person's free text, so they come after every
    # conversation (a form waiting for an answer wins) and just before the catch-all.
    application.add_handlers(guideline.build())
    # Last: anything else a person writes gets a pointer to /help instead of silence.
    application.add_handlers(fallback.build())
