"""The authorization matrix: every command and button prefix × every kind of person.

The table below is the intended matrix (the README shows the same). The test reads the
commands and callback prefixes from the application's registered handlers, so a new command
or button without a row here fails until someone decides who may use it.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler

from bot.context import KaikuApplication
from bot.sandbox.telegram_model import TelegramModel
from handlers import callbacks
from storage.models import Base, Role
from tests.support.network import Network, add_person
from tests.support.simulator import SimulatedUser, TelegramSimulator

PERSONAS = ("stranger", "issuer", "contact", "coordinator", "deactivated", "other_coordinator")
Y, N = "allowed", "refused"

# command or callback prefix → outcome per persona, in the order of PERSONAS.
MATRIX: dict[str, tuple[str, ...]] = {
    "/start": (N, Y, Y, Y, N, Y),
    "/help": (N, Y, Y, Y, N, Y),
    "/language": (N, Y, Y, Y, N, Y),
    "/cancel": (N, Y, Y, Y, N, Y),
    "/me": (N, Y, Y, Y, N, Y),
    "/invite": (N, N, N, Y, N, Y),
    "/invitations": (N, N, N, Y, N, Y),
    "/issue": (N, Y, N, N, N, N),
    "/settings": (N, N, N, Y, N, Y),
    "language": (N, Y, Y, Y, N, Y),
    # A form's button with no form under way has expired, for everyone. (Whom a form's
    # answers may name, its scope, is checked at every step: tests/forms, tests/handlers.)
    "iss": (N, N, N, N, N, N),
    "inv": (N, N, N, N, N, N),
    "invlist": (N, N, N, N, N, N),
    "set": (N, N, N, N, N, N),
    "issue:again": (N, Y, N, N, N, N),
    # Guideline answers: everyone with a role; a vote on no question of one's own is expired.
    "/ask": (N, Y, Y, Y, N, Y),
    "/guide": (N, Y, Y, Y, N, Y),
    "guide:area": (N, Y, Y, Y, N, Y),
    "guide:topic": (N, Y, Y, Y, N, Y),
    "guide:more": (N, Y, Y, Y, N, Y),
    "guide:vote": (N, N, N, N, N, N),
    # Everyone with a role keeps their own work details and sees whom to ask; only a contact
    # person hands the role over; an offered role is answered by whoever it was offered to.
    "/contact": (N, Y, Y, Y, N, Y),
    "/contacts": (N, Y, Y, Y, N, Y),
    "/handover": (N, N, Y, N, N, N),
    "/people": (N, N, Y, N, N, N),
    # Join links: made by contact persons and coordinators; a decision on a request that is
    # not within one's scope (or does not exist) has expired.
    "/joinlink": (N, N, Y, Y, N, Y),
    "joinlink": (N, N, N, N, N, N),
    "joinreq": (N, N, N, N, N, N),
    # Anyone may ask to be forgotten (the last holder of a post is told to hand it over).
    "/forgetme": (N, Y, Y, Y, N, Y),
    "forget": (N, N, N, N, N, N),
    "/takeover": (N, Y, Y, Y, N, Y),
    "contact": (N, N, N, N, N, N),
    "handover": (N, N, N, N, N, N),
    "people": (N, N, N, N, N, N),
    # An offer that is not one's own (or no longer open) has expired.
    "takeover": (N, N, N, N, N, N),
    # Each coordinator gets their own locality's summary.
    "/summary": (N, N, N, Y, N, Y),
    "summary": (N, N, N, Y, N, Y),
    # A typed period and the schedule are forms: started by coordinators only; their
    # buttons with no form of them open have expired.
    "/range": (N, N, N, Y, N, Y),
    "/schedule": (N, N, N, Y, N, Y),
    "summary:range": (N, N, N, Y, N, Y),
    "summary:schedule": (N, N, N, Y, N, Y),
    "range": (N, N, N, N, N, N),
    "sched": (N, N, N, N, N, N),
    # Issuances after issuing: everyone with a role lists their scope's; issuers and
    # coordinators correct and void (which issuance, and until when: tests/cards). An
    # issuance outside one's scope does not open: its button has expired.
    "/cards": (N, Y, Y, Y, N, Y),
    "cards:page": (N, Y, Y, Y, N, Y),
    "cards:open": (N, N, N, N, N, N),
    "/correct": (N, Y, N, Y, N, Y),
    "cards:fix": (N, Y, N, Y, N, Y),
    "/void": (N, Y, N, Y, N, Y),
    "cards:void": (N, Y, N, Y, N, Y),
    "fix": (N, N, N, N, N, N),
    "void": (N, N, N, N, N, N),
    # Practice stores nothing: everyone with a role may practise.
    "/practice": (N, Y, Y, Y, N, Y),
    "prac": (N, N, N, N, N, N),
    # Coordinators run their own locality's organisations and units (the organisation or
    # unit a button names is checked against the locality at every step: tests/handlers).
    "/orgs": (N, N, N, Y, N, Y),
    "org": (N, N, N, N, N, N),
    "/network": (N, N, N, Y, N, Y),
}

# A realistic payload for each callback prefix ({org} and {unit} are Espoo's).
PAYLOADS = {
    "language": "language:en",
    "iss": "iss:0:kind:new",
    "inv": "inv:1:unit:{unit}",
    "invlist": "invlist:1:revoke:1",
    "joinlink": "joinlink:1:unit:{unit}",
    "joinreq": "joinreq:approve:999999",
    "set": "set:1:setting:validity",
    "issue:again": "issue:again",
    "guide:area": "guide:area:card",
    "guide:topic": "guide:topic:card.validity",
    "guide:more": "guide:more:card.renewal:0",
    "guide:vote": "guide:vote:999999:up",
    "summary": "summary:this_month",
    "summary:range": "summary:range",
    "summary:schedule": "summary:schedule",
    "range": "range:1:cancel",
    "sched": "sched:1:often:daily",
    "contact": "contact:1:share:phone",
    "handover": "handover:1:link",
    "people": "people:1:invite",
    "forget": "forget:1:confirm:0",
    "takeover": "takeover:accept:999999",
    "cards:page": "cards:page:0",
    "cards:open": "cards:open:999999",
    "cards:fix": "cards:fix:999999",
    "cards:void": "cards:void:999999",
    "fix": "fix:0:field:AWAITING_BIRTH_YEAR",
    "void": "void:0:reason:twice",
    "org": "org:1:org:{org}",
    "prac": "prac:0:kind:new",
}

REFUSALS = (
    "Hello! I am Kaikubot, the assistant of the staff who issue Kaikukortti",
    "Your access to Kaikubot has ended.",
    "Sorry, that is not part of your role.",
    "This button has expired.",
)


def prefix_of(pattern: str) -> str:
    """The longest known callback prefix a handler's pattern matches."""
    plain = pattern.lstrip("^").replace("\\", "")
    known = [
        p for p in callbacks.PREFIXES if plain == p or plain.startswith((f"{p}:", f"{p}$", f"{p}("))
    ]
    assert known, f"pattern {pattern!r} uses no prefix of handlers/callbacks.py"
    return max(known, key=len)


def registered(application: KaikuApplication) -> tuple[set[str], set[str]]:
    """Every command and callback prefix the application answers."""
    commands: set[str] = set()
    prefixes: set[str] = set()

    def visit(handler: BaseHandler[Any, Any, Any]) -> None:
        if isinstance(handler, ConversationHandler):
            for inner in [*handler.entry_points, *handler.fallbacks]:
                visit(inner)
            for handlers in handler.states.values():
                for inner in handlers:
                    visit(inner)
        elif isinstance(handler, CommandHandler):
            commands.update(f"/{command}" for command in handler.commands)
        elif isinstance(handler, CallbackQueryHandler) and isinstance(handler.pattern, re.Pattern):
            prefixes.add(prefix_of(handler.pattern.pattern))

    for group in application.handlers.values():
        for handler in group:
            visit(handler)
    return commands, prefixes


def test_every_registered_command_and_button_has_a_row(app: KaikuApplication) -> None:
    commands, prefixes = registered(app)
    assert commands | prefixes == set(MATRIX)
    assert prefixes <= set(PAYLOADS)


async def snapshot(app: KaikuApplication) -> dict[str, list[tuple[Any, ...]]]:
    async with app.services.database.read() as session:
        return {
            table.name: [tuple(row) for row in await session.execute(select(table))]
            for table in Base.metadata.sorted_tables
        }


async def persona(
    kind: str, sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> SimulatedUser:
    user = await sim.user(kind.title(), language_code="en")
    database = app.services.database
    roles = {
        "issuer": [(Role.ISSUER, espoo.units["family"])],
        "contact": [(Role.CONTACT, espoo.organisations["social"])],
        "coordinator": [(Role.COORDINATOR, espoo.localities["espoo"])],
        "deactivated": [(Role.COORDINATOR, espoo.localities["espoo"])],
        "other_coordinator": [(Role.COORDINATOR, espoo.localities["vantaa"])],
    }.get(kind)
    if roles:
        await add_person(database, user.id, user.first_name, *roles, active=kind != "deactivated")
    return user


def refused(user: SimulatedUser, clicked: bool) -> bool:
    answers = user.callback_answers()
    if clicked and answers and (answers[-1].text or "").startswith(REFUSALS):
        return True
    replies = user.replies_since_last_action()
    return any(reply.text.startswith(REFUSALS) for reply in replies)


CASES = [
    pytest.param(action, kind, outcome, id=f"{action}-{kind}")
    for action, outcomes in MATRIX.items()
    for kind, outcome in zip(PERSONAS, outcomes, strict=True)
]


@pytest.mark.parametrize(("action", "kind", "expected"), CASES)
async def test_each_person_is_allowed_or_refused_as_intended(
    action: str,
    kind: str,
    expected: str,
    sim: TelegramSimulator,
    app: KaikuApplication,
    espoo: Network,
    telegram: TelegramModel,
) -> None:
    user = await persona(kind, sim, app, espoo)
    clicked = not action.startswith("/")
    if clicked:
        await user.send("/help")  # any message of the bot's to attach the button to
        target = user.last_reply().message_id
        data = PAYLOADS[action].format(
            org=espoo.organisations["social"], unit=espoo.units["family"]
        )
        before = await snapshot(app)
        await sim.process(telegram.user_clicks_data(user.id, target, data))
    else:
        before = await snapshot(app)
        await user.send(action)

    outcome = N if refused(user, clicked) else Y
    assert outcome == expected
    if outcome == N:
        assert await snapshot(app) == before, "a refusal changed the database"
