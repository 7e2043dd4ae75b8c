"""/invite: a coordinator invites someone into a role, declared on the form engine.

The role, then (for a contact person or an issuer) the organisation and the unit, each a button
of what the coordinator's own locality holds; last the language of the invitation text (the
invited person's; the coordinator's by default). A coordinator invitation is confirmed first.
The invitation's one-time link is the form's last message, to be forwarded.
"""

from __future__ import annotations

from dataclasses import dataclass

from babel import Locale

from bot.audience import only
from bot.forms import Choice, Finished, Form, FormAnswers, Outcome, Question, Refusal, Step, Turn
from bot.i18n import Translator, translator
from bot.settings import SUPPORTED_LANGUAGES
from handlers import callbacks
from handlers.callbacks import identifier
from handlers.orgs import gone
from handlers.wording import role_name, role_with_scope
from storage import deployment, invitations, scopes
from storage.models import Role

ROLES = (Role.ISSUER, Role.CONTACT, Role.COORDINATOR)


@dataclass
class InviteAnswers(FormAnswers):
    """Whom to invite, into what."""

    locality_id: int | None = None
    role: str | None = None
    organisation_id: int | None = None
    unit_id: int | None = None
    language: str | None = None


InviteTurn = Turn[InviteAnswers]

CHOOSING_ROLE = "CHOOSING_ROLE"
CHOOSING_ORGANISATION = "CHOOSING_ORGANISATION"
CHOOSING_UNIT = "CHOOSING_UNIT"
CHOOSING_LANGUAGE = "CHOOSING_LANGUAGE"
CONFIRMING = "CONFIRMING"


def invitation_link(username: str | None, code: str) -> str:
    """The t.me deep link when the bot's username is known, else an empty string."""
    return f"https://t.me/{username}?start={code}" if username else ""


def code_lines(t: Translator, username: str | None, code: str) -> list[str]:
    """The lines that pass a code on: the deep link (when the bot's username is known), and
    the `/start` command to send instead."""
    link = invitation_link(username, code)
    command = t.gettext("Or send me: {command}").format(command=f"/start {code}")
    return [link, command] if link else [command]


async def start(turn: InviteTurn) -> Outcome:
    """Invitations go into the coordinator's own locality."""
    turn.answers.locality_id = scopes.coordinated_locality(turn.person)
    return CHOOSING_ROLE


def out_of_scope(turn: InviteTurn) -> str | None:
    """The coordinator must still coordinate the locality, at every step."""
    if turn.answers.locality_id == scopes.coordinated_locality(turn.person):
        return None
    return turn.t.gettext("You no longer coordinate this network, so nothing was created.")


async def ask_role(turn: InviteTurn) -> Question:
    """Whom to invite."""
    t = turn.t
    return Question(
        t.gettext("Whom do you want to invite? Choose their role."),
        [[Choice(role_name(t, role), "role", role)] for role in ROLES],
    )


async def choose_role(turn: InviteTurn, value: str) -> Outcome:
    """Take the role; a coordinator invitation is confirmed first."""
    if value not in {role.value for role in ROLES}:
        raise Refusal(turn.t.gettext("Please choose one of the buttons."))
    turn.answers.role = value
    if value == Role.COORDINATOR:
        return turn.go(CHOOSING_LANGUAGE)
    if not await scopes.organisations_of(turn.context.session, turn.answers.locality_id or 0):
        return Finished(
            turn.t.gettext(
                "There are no organisations in your network yet. Add one first with /orgs."
            )
        )
    return turn.go(CHOOSING_ORGANISATION)


async def ask_organisation(turn: InviteTurn) -> Question:
    """Which of the locality's organisations."""
    found = await scopes.organisations_of(turn.context.session, turn.answers.locality_id or 0)
    return Question(
        turn.t.gettext("Which organisation?"),
        [[Choice(organisation.name, "org", organisation.id)] for organisation in found],
    )


async def choose_organisation(turn: InviteTurn, value: str) -> Outcome:
    """Take the organisation: a contact person's invitation is made; an issuer needs a unit."""
    session, answers = turn.context.session, turn.answers
    organisation = await scopes.organisation_in_locality(
        session, identifier(value), answers.locality_id or 0
    )
    if organisation is None:
        # Deactivated since the question was asked, or never the locality's: say so plainly.
        raise Refusal(gone(turn.t))
    answers.organisation_id = organisation.id
    if answers.role == Role.CONTACT:
        return turn.go(CHOOSING_LANGUAGE)
    if not await scopes.units_of(session, organisation.id):
        return Finished(
            turn.t.gettext("{organisation} has no units yet. Add one first with /orgs.").format(
                organisation=organisation.name
            )
        )
    return turn.go(CHOOSING_UNIT)


async def ask_unit(turn: InviteTurn) -> Question:
    """Which of the organisation's units."""
    found = await scopes.units_of(turn.context.session, turn.answers.organisation_id or 0)
    return Question(
        turn.t.gettext("Which unit?"), [[Choice(unit.name, "unit", unit.id)] for unit in found]
    )


async def choose_unit(turn: InviteTurn, value: str) -> Outcome:
    """Take the unit."""
    answers = turn.answers
    unit = await scopes.unit_in_locality(
        turn.context.session, identifier(value), answers.locality_id or 0
    )
    if unit is None or unit.organisation_id != answers.organisation_id:
        raise Refusal(gone(turn.t))
    answers.unit_id = unit.id
    return turn.go(CHOOSING_LANGUAGE)


async def ask_language(turn: InviteTurn) -> Question:
    """The language of the invitation text; the coordinator's own comes first."""
    own = turn.t.language
    ordered = [own, *(code for code in SUPPORTED_LANGUAGES if code != own)]
    return Question(
        turn.t.gettext("In which language should the invitation text be?"),
        [
            [Choice(Locale.parse(code).get_display_name(code) or code, "lang", code)]
            for code in ordered
        ],
    )


async def choose_language(turn: InviteTurn, value: str) -> Outcome:
    """Take the language: a coordinator invitation is confirmed first, the others are made."""
    if value not in SUPPORTED_LANGUAGES:
        raise Refusal(turn.t.gettext("Please choose one of the buttons."))
    turn.answers.language = value
    if turn.answers.role == Role.COORDINATOR:
        return turn.go(CONFIRMING)
    return await create(turn)


async def summary(turn: InviteTurn) -> str:
    """What a coordinator invitation gives, before it is made."""
    return turn.t.gettext(
        "Invite a new coordinator of your network? They will be able to invite people into "
        "every role and receive the network's summaries."
    )


async def confirm(turn: InviteTurn) -> Outcome:
    """Make the confirmed invitation."""
    return await create(turn)


async def create(turn: InviteTurn) -> Outcome:
    """Create the invitation; its link is the last message, to forward, in the chosen
    language."""
    session, answers = turn.context.session, turn.answers
    t = translator(answers.language) if answers.language in SUPPORTED_LANGUAGES else turn.t
    if answers.role is None or answers.locality_id is None:
        raise Refusal(turn.t.gettext("Please choose one of the buttons."))
    invitation, code = await invitations.create(
        session,
        role=Role(answers.role),
        locality_id=answers.locality_id,
        organisation_id=answers.organisation_id,
        unit_id=answers.unit_id,
        created_by=turn.person,
    )
    username = await deployment.get(session, deployment.BOT_USERNAME)
    described = await scopes.describe_invitation(session, invitation)
    expires = invitation.expires_at.astimezone(turn.context.settings.zone).date()
    lines = [
        t.gettext(
            "Here is an invitation to become {role}. Forward this message to the person: the "
            "link works once and expires on {date}."
        ).format(role=role_with_scope(t, described), date=t.date(expires)),
        "",
    ]
    lines += code_lines(t, username, code)
    return Finished("\n".join(lines))


def title(t: Translator) -> str:
    """The form's name as coordinators read it."""
    return t.gettext("Invitation")


INVITING: Form[InviteAnswers] = Form(
    name=callbacks.INVITE,
    command="invite",
    audience=only(Role.COORDINATOR),
    answers=InviteAnswers,
    title=title,
    start=start,
    steps={
        CHOOSING_ROLE: Step(ask_role, pressed={"role": choose_role}),
        CHOOSING_ORGANISATION: Step(ask_organisation, pressed={"org": choose_organisation}),
        CHOOSING_UNIT: Step(ask_unit, pressed={"unit": choose_unit}),
        CHOOSING_LANGUAGE: Step(ask_language, pressed={"lang": choose_language}),
    },
    summary=summary,
    confirm=confirm,
    editable=lambda turn: [],
    out_of_scope=out_of_scope,
)
