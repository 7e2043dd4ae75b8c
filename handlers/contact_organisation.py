"""What the contact person's forms share: which of their organisations the form is about (the
forms' answers have an `organisation_id`).

A contact person of one organisation goes straight on; of several, they choose. The choice is
checked at every step against their roles as they are now.
"""

from __future__ import annotations

from typing import Any

from bot.forms import Choice, Outcome, Question, Refusal, Turn
from handlers.callbacks import identifier
from storage import contact_details, people


def mine(turn: Turn[Any]) -> list[int]:
    """The organisations the person is the contact person of now."""
    return sorted(people.organisation_ids(turn.person)) if turn.person else []


def start_at(turn: Turn[Any], following: str, choosing: str) -> Outcome:
    """One organisation: go on to `following`; several: ask which (`choosing`)."""
    organisations = mine(turn)
    if len(organisations) == 1:
        turn.answers.organisation_id = organisations[0]
        return following
    return choosing


def out_of_scope(turn: Turn[Any]) -> str | None:
    """The person must still be the organisation's contact person, at every step."""
    chosen = turn.answers.organisation_id
    if chosen is None or chosen in mine(turn):
        return None
    return turn.t.gettext("You are no longer the contact person there, so nothing was changed.")


async def organisation_choices(turn: Turn[Any], question: str) -> Question:
    """The person's organisations as buttons, under the question."""
    rows = []
    for organisation_id in mine(turn):
        organisation = await contact_details.organisation(turn.context.session, organisation_id)
        if organisation is not None:
            rows.append([Choice(organisation.name, "org", organisation.id)])
    return Question(question, rows)


def take_organisation(turn: Turn[Any], value: str, following: str) -> Outcome:
    """Take the chosen organisation (one of the person's own) and go on to `following`."""
    chosen = identifier(value)
    if chosen not in mine(turn):
        raise Refusal(turn.t.gettext("Please choose one of the buttons."))
    turn.answers.organisation_id = chosen
    return turn.go(following)
