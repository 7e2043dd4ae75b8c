"""/people: a contact person manages their organisation's people, declared on the form engine.

The overview lists the organisation's units and issuers and its open invitations; from it the
contact person invites an issuer into one of its units (a one-time link, as /invite makes),
removes an issuer's roles in this organisation (their roles elsewhere, and their cards, stay),
or withdraws an open invitation.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.audience import only
from bot.forms import Choice, Finished, Form, FormAnswers, Outcome, Question, Refusal, Step, Turn
from bot.forms.engine import CONFIRMING
from bot.i18n import Translator
from handlers import callbacks
from handlers.callbacks import identifier
from handlers.contact_notices import reader
from handlers.contact_organisation import (
    organisation_choices,
    out_of_scope,
    start_at,
    take_organisation,
)
from handlers.inviting import code_lines
from storage import contact_details, deployment, invitations, organisation_people, outbox, people
from storage.models import Organisation, Role

CHOOSING_ORGANISATION = "CHOOSING_ORGANISATION"
CHOOSING_ACTION = "CHOOSING_ACTION"
CHOOSING_UNIT = "CHOOSING_UNIT"
REMOVE, REVOKE = "remove", "revoke"


@dataclass
class PeopleAnswers(FormAnswers):
    """Which organisation, what to do, and to whom."""

    organisation_id: int | None = None
    action: str | None = None
    target_id: int | None = None


PeopleTurn = Turn[PeopleAnswers]


async def start(turn: PeopleTurn) -> Outcome:
    """One organisation opens its overview; several ask which first."""
    return start_at(turn, CHOOSING_ACTION, CHOOSING_ORGANISATION)


async def _organisation(turn: PeopleTurn) -> Organisation:
    found = await contact_details.organisation(
        turn.context.session, turn.answers.organisation_id or 0
    )
    if found is None:
        raise Refusal(turn.t.gettext("Please choose one of the buttons."))
    return found


async def ask_organisation(turn: PeopleTurn) -> Question:
    """Which organisation's people."""
    return await organisation_choices(turn, turn.t.gettext("Which organisation?"))


async def choose_organisation(turn: PeopleTurn, value: str) -> Outcome:
    """Take the organisation."""
    return take_organisation(turn, value, CHOOSING_ACTION)


async def ask_action(turn: PeopleTurn) -> Question:
    """The overview, with what can be done."""
    t, session = turn.t, turn.context.session
    organisation = await _organisation(turn)
    units = await organisation_people.units_with_issuers(session, organisation.id)
    pending = await organisation_people.open_invitations(session, organisation.id)
    unit_names = {unit.id: unit.name for unit, _issuers in units}
    lines = [t.gettext("The people of {organisation}:").format(organisation=organisation.name)]
    rows: list[list[Choice]] = []
    removable: dict[int, str] = {}
    for unit, issuers in units:
        names = ", ".join(p.display_name for p in issuers) or t.gettext("no issuers yet")
        lines.append(f"• {unit.name}: {names}")
        removable.update({p.id: p.display_name for p in issuers})
    if pending:
        lines += ["", t.gettext("Open invitations:")]
    zone = turn.context.settings.zone
    for invitation in pending:
        expires = t.date(invitation.expires_at.astimezone(zone).date())
        lines.append(
            t.gettext("• #{number} to {unit}, expires on {date}").format(
                number=invitation.id, unit=unit_names.get(invitation.unit_id or 0, ""), date=expires
            )
        )
    if units:
        rows.append([Choice(t.gettext("Invite an issuer"), "invite")])
    rows += [
        [Choice(t.gettext("Remove: {name}").format(name=name), REMOVE, person_id)]
        for person_id, name in removable.items()
    ]
    rows += [
        [Choice(t.gettext("Withdraw invitation #{number}").format(number=i.id), REVOKE, i.id)]
        for i in pending
    ]
    if not units:
        lines += ["", t.gettext("It has no units yet: your coordinator adds them.")]
    return Question("\n".join(lines), rows)


async def choose_invite(turn: PeopleTurn, _value: str) -> Outcome:
    """Invite an issuer: into which unit."""
    return turn.go(CHOOSING_UNIT)


async def choose_remove(turn: PeopleTurn, value: str) -> Outcome:
    """Remove an issuer (confirmed first)."""
    chosen = identifier(value)
    units = await organisation_people.units_with_issuers(
        turn.context.session, turn.answers.organisation_id or 0
    )
    if chosen not in {p.id for _unit, issuers in units for p in issuers}:
        raise Refusal(turn.t.gettext("Please choose one of the buttons."))
    turn.answers.action, turn.answers.target_id = REMOVE, chosen
    return turn.go(CONFIRMING)


async def choose_revoke(turn: PeopleTurn, value: str) -> Outcome:
    """Withdraw an open invitation (confirmed first)."""
    chosen = identifier(value)
    pending = await organisation_people.open_invitations(
        turn.context.session, turn.answers.organisation_id or 0
    )
    if chosen not in {i.id for i in pending}:
        raise Refusal(turn.t.gettext("Please choose one of the buttons."))
    turn.answers.action, turn.answers.target_id = REVOKE, chosen
    return turn.go(CONFIRMING)


async def ask_unit(turn: PeopleTurn) -> Question:
    """Which unit the new issuer joins."""
    units = await organisation_people.units_with_issuers(
        turn.context.session, turn.answers.organisation_id or 0
    )
    return Question(
        turn.t.gettext("Which unit?"), [[Choice(unit.name, "unit", unit.id)] for unit, _ in units]
    )


async def choose_unit(turn: PeopleTurn, value: str) -> Outcome:
    """Make the issuer's invitation; its link is the last message, to forward."""
    t, context, person = turn.t, turn.context, turn.person
    assert person is not None
    session = context.session
    organisation = await _organisation(turn)
    units = await organisation_people.units_with_issuers(session, organisation.id)
    unit = next((u for u, _ in units if u.id == identifier(value)), None)
    if unit is None:
        raise Refusal(t.gettext("Please choose one of the buttons."))
    invitation, code = await invitations.create(
        session,
        role=Role.ISSUER,
        locality_id=organisation.locality_id,
        organisation_id=organisation.id,
        unit_id=unit.id,
        created_by=person,
    )
    username = await deployment.get(session, deployment.BOT_USERNAME)
    expires = invitation.expires_at.astimezone(context.settings.zone).date()
    lines = [
        t.gettext(
            "Here is an invitation to become a card issuer at {unit}. Forward this message to "
            "the person: the link works once and expires on {date}."
        ).format(unit=unit.name, date=t.date(expires)),
        "",
    ]
    lines += code_lines(t, username, code)
    return Finished("\n".join(lines))


async def summary(turn: PeopleTurn) -> str:
    """What Confirm will do."""
    t, session, answers = turn.t, turn.context.session, turn.answers
    organisation = await _organisation(turn)
    if answers.action == REMOVE:
        issuer = await people.by_id(session, answers.target_id or 0)
        return t.gettext(
            "Remove {name} as card issuer in {organisation}? Their roles elsewhere stay, and "
            "so do the cards they issued."
        ).format(name=issuer.display_name if issuer else "", organisation=organisation.name)
    return t.gettext("Withdraw invitation #{number}? Its link stops working.").format(
        number=answers.target_id
    )


async def confirm(turn: PeopleTurn) -> Outcome:
    """Remove the issuer, or withdraw the invitation."""
    t, context, answers, person = turn.t, turn.context, turn.answers, turn.person
    assert person is not None
    session = context.session
    organisation = await _organisation(turn)
    if answers.action == REVOKE:
        pending = await organisation_people.open_invitations(session, organisation.id)
        if answers.target_id not in {i.id for i in pending}:
            return Finished(t.gettext("That invitation is no longer open: nothing to withdraw."))
        await invitations.revoke(
            session, answers.target_id or 0, locality_id=organisation.locality_id, actor=person
        )
        return Finished(
            t.gettext("Invitation #{number} was withdrawn.").format(number=answers.target_id)
        )
    issuer = await people.by_id(session, answers.target_id or 0)
    left = (
        await organisation_people.remove_issuer(session, issuer, organisation.id, actor=person)
        if issuer is not None
        else []
    )
    if issuer is None or not left:
        return Finished(t.gettext("They are no longer an issuer there: nothing to remove."))
    told = reader(context, issuer)
    outbox.enqueue(
        session,
        issuer.telegram_id,
        told.gettext("Your role as card issuer in {organisation} has ended.").format(
            organisation=organisation.name
        ),
    )
    outbox.enqueue(session, issuer.telegram_id, "", kind=outbox.COMMANDS)
    return Finished(
        t.gettext("{name} is no longer a card issuer in {organisation}.").format(
            name=issuer.display_name, organisation=organisation.name
        ),
        queued=True,
    )


def title(t: Translator) -> str:
    """The form's name as contact persons read it."""
    return t.gettext("Your organisation's people")


ORGANISATION_PEOPLE: Form[PeopleAnswers] = Form(
    name=callbacks.PEOPLE,
    command="people",
    audience=only(Role.CONTACT),
    answers=PeopleAnswers,
    title=title,
    start=start,
    steps={
        CHOOSING_ORGANISATION: Step(ask_organisation, pressed={"org": choose_organisation}),
        CHOOSING_ACTION: Step(
            ask_action,
            pressed={"invite": choose_invite, REMOVE: choose_remove, REVOKE: choose_revoke},
        ),
        CHOOSING_UNIT: Step(ask_unit, pressed={"unit": choose_unit}),
    },
    summary=summary,
    confirm=confirm,
    editable=lambda turn: [],
    out_of_scope=out_of_scope,
)
