"""/invitations: a coordinator sees the locality's open invitations and join links, and
revokes one invitation or stops one link.

Declared on the form engine: the listing is the first question, each invitation with a Revoke
button and each join link with a Stop button; either is confirmed, then stored and audited
(storage.invitations.revoke, storage.join_links.stop).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.audience import only
from bot.forms import Choice, Finished, Form, FormAnswers, Outcome, Question, Refusal, Step, Turn
from bot.forms.engine import CONFIRMING
from bot.i18n import Translator
from handlers import callbacks
from handlers.callbacks import identifier
from handlers.wording import role_with_scope
from storage import invitations, join_links, people, scopes
from storage.models import Invitation, JoinLink, Organisation, Role, Unit

CHOOSING_INVITATION = "CHOOSING_INVITATION"
REVOKE, STOP = "revoke", "stop"
# A message and a keyboard stay readable: the newest invitations are shown, the rest counted.
SHOWN = 20


@dataclass
class InvitationListAnswers(FormAnswers):
    """Whose locality, and which invitation to revoke or join link to stop."""

    locality_id: int | None = None
    invitation_id: int | None = None
    link_id: int | None = None


ListTurn = Turn[InvitationListAnswers]


async def open_invitations(turn: ListTurn) -> list[Invitation]:
    """The locality's open invitations, newest first."""
    found = await invitations.of_locality(turn.context.session, turn.answers.locality_id or 0)
    return [invitation for invitation in found if invitations.state(invitation) == "open"]


async def open_links(turn: ListTurn) -> list[tuple[JoinLink, Unit, Organisation]]:
    """The locality's join links that still let people in, newest first."""
    return await join_links.open_of_locality(turn.context.session, turn.answers.locality_id or 0)


async def start(turn: ListTurn) -> Outcome:
    """The coordinator's own locality; nothing open, nothing to ask."""
    turn.answers.locality_id = scopes.coordinated_locality(turn.person)
    if not await open_invitations(turn) and not await open_links(turn):
        return Finished(
            turn.t.gettext(
                "Your network has no open invitations. /invite makes one; used, expired and "
                "revoked invitations are listed by the command line: kaikubot invite list"
            )
        )
    return CHOOSING_INVITATION


def out_of_scope(turn: ListTurn) -> str | None:
    """The coordinator must still coordinate the locality, at every step."""
    if turn.answers.locality_id == scopes.coordinated_locality(turn.person):
        return None
    return turn.t.gettext("You no longer coordinate this network, so nothing was changed.")


async def line(turn: ListTurn, invitation: Invitation) -> str:
    """One invitation as the listing shows it: number, role, expiry and who made it."""
    t, session = turn.t, turn.context.session
    described = await scopes.describe_invitation(session, invitation)
    expires = t.date(invitation.expires_at.astimezone(turn.context.settings.zone).date())
    maker = await people.by_id(session, invitation.created_by_id or 0)
    if maker is None:
        return t.gettext("• #{number}: {role}, expires on {date}").format(
            number=invitation.id, role=role_with_scope(t, described), date=expires
        )
    return t.gettext("• #{number}: {role}, expires on {date}, made by {name}").format(
        number=invitation.id,
        role=role_with_scope(t, described),
        date=expires,
        name=maker.display_name,
    )


async def ask_invitation(turn: ListTurn) -> Question:
    """The open invitations and join links, each with its Revoke or Stop button."""
    t = turn.t
    pending = await open_invitations(turn)
    shown = pending[:SHOWN]
    lines = [t.gettext("Open invitations of your network:")] if shown else []
    lines += [await line(turn, invitation) for invitation in shown]
    if len(pending) > len(shown):
        more = len(pending) - len(shown)
        lines.append(
            t.ngettext(
                "…and {count} older one: kaikubot invite list shows every invitation.",
                "…and {count} older ones: kaikubot invite list shows every invitation.",
                more,
            ).format(count=t.number(more))
        )
    rows = [
        [Choice(t.gettext("Revoke #{number}").format(number=i.id), REVOKE, i.id)] for i in shown
    ]
    links = (await open_links(turn))[:SHOWN]
    if links:
        lines += [*([""] if lines else []), t.gettext("Open join links:")]
    zone = turn.context.settings.zone
    for link, unit, organisation in links:
        lines.append(
            t.gettext(
                "• link #{number}: {unit} ({organisation}), used {uses} of {cap}, expires on {date}"
            ).format(
                number=link.id,
                unit=unit.name,
                organisation=organisation.name,
                uses=t.number(link.uses),
                cap=t.number(link.cap),
                date=t.date(link.expires_at.astimezone(zone).date()),
            )
        )
        rows.append(
            [Choice(t.gettext("Stop link #{number}").format(number=link.id), STOP, link.id)]
        )
    return Question("\n".join(lines), rows)


async def choose_revoke(turn: ListTurn, value: str) -> Outcome:
    """Revoke an open invitation (confirmed first)."""
    chosen = identifier(value)
    if chosen not in {invitation.id for invitation in await open_invitations(turn)}:
        raise Refusal(turn.t.gettext("Please choose one of the buttons."))
    turn.answers.invitation_id, turn.answers.link_id = chosen, None
    return turn.go(CONFIRMING)


async def choose_stop(turn: ListTurn, value: str) -> Outcome:
    """Stop an open join link (confirmed first)."""
    chosen = identifier(value)
    if chosen not in {link.id for link, _, _ in await open_links(turn)}:
        raise Refusal(turn.t.gettext("Please choose one of the buttons."))
    turn.answers.invitation_id, turn.answers.link_id = None, chosen
    return turn.go(CONFIRMING)


async def summary(turn: ListTurn) -> str:
    """What Confirm will do."""
    if turn.answers.link_id is not None:
        return turn.t.gettext(
            "Stop join link #{number}? No one can use it any more; requests already made can "
            "still be decided."
        ).format(number=turn.answers.link_id)
    return turn.t.gettext(
        "Revoke invitation #{number}? Its link stops working; whoever has it is told it was "
        "withdrawn if they try it."
    ).format(number=turn.answers.invitation_id)


async def confirm(turn: ListTurn) -> Outcome:
    """Revoke the invitation, unless it was used, revoked or expired meanwhile."""
    t, answers = turn.t, turn.answers
    if answers.link_id is not None:
        stopped = await join_links.stop(
            turn.context.session,
            answers.link_id,
            locality_id=answers.locality_id or 0,
            actor=turn.person,
        )
        if stopped is None:
            return Finished(t.gettext("That join link no longer works: nothing to stop."))
        return Finished(
            t.gettext("Join link #{number} was stopped.").format(number=answers.link_id)
        )
    if answers.invitation_id not in {i.id for i in await open_invitations(turn)}:
        return Finished(t.gettext("That invitation is no longer open: nothing to revoke."))
    await invitations.revoke(
        turn.context.session,
        answers.invitation_id or 0,
        locality_id=answers.locality_id or 0,
        actor=turn.person,
    )
    return Finished(
        t.gettext("Invitation #{number} was revoked.").format(number=answers.invitation_id)
    )


def title(t: Translator) -> str:
    """The form's name as coordinators read it."""
    return t.gettext("Open invitations")


INVITATION_LIST: Form[InvitationListAnswers] = Form(
    name=callbacks.INVITATIONS,
    command="invitations",
    audience=only(Role.COORDINATOR),
    answers=InvitationListAnswers,
    title=title,
    start=start,
    steps={
        CHOOSING_INVITATION: Step(
            ask_invitation, pressed={REVOKE: choose_revoke, STOP: choose_stop}
        ),
    },
    summary=summary,
    confirm=confirm,
    editable=lambda turn: [],
    out_of_scope=out_of_scope,
)
