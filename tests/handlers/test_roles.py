"""Roles and their scopes across two localities: /help, the command menu, /me, whom a
coordinator may invite, and whom `kaikubot person list` shows."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from sqlalchemy import select

from bot import logs
from bot.cli import main
from bot.context import KaikuApplication
from bot.i18n import translator
from bot.sandbox.telegram_model import TelegramModel
from bot.settings import Settings
from storage import invitations, people
from storage.models import AuditEvent, Invitation, Role, utcnow
from tests.support.network import Network, add_person
from tests.support.simulator import TelegramSimulator

# Each command's description (its msgid), as /help and the menu show it once translated.
DESCRIPTIONS = {
    "help": "What I can do for you",
    "issue": "Issue a Kaikukortti card",
    "cards": "Cards issued lately: correct or void an issuance",
    "practice": "Practise the card form: nothing is stored",
    "invite": "Invite someone into a role",
    "invitations": "Open invitations: revoke one",
    "joinlink": "One link through which a unit's staff join",
    "ask": "Ask about the Kaikukortti guidelines in your own words",
    "guide": "Browse the Kaikukortti guidelines by topic",
    "summary": "Summary of the cards issued in your locality",
    "range": "Summary of the days you type",
    "schedule": "When you get the summary without asking",
    "contacts": "Whom to ask: contact persons and coordinators",
    "contact": "Your work details and what colleagues see",
    "handover": "Leaving the contact person role: hand it over",
    "people": "Your organisation's units, issuers and invitations",
    "settings": "Your network's card format, validity and postal codes",
    "orgs": "Your network's organisations and units",
    "network": "The committed organisations and units, for brochures and the website",
    "me": "Your roles and what I store about you",
    "language": "Choose the language: suomi, svenska, English",
    "cancel": "Stop what we are doing",
}
# The heading of /help in each language: proof that the reader's language was chosen.
HEADINGS = {
    "en": "Here is what I can do for you:",
    "fi": "Näin voin auttaa sinua:",
    "sv": "Så här kan jag hjälpa dig:",
}
STRANGER = {
    "en": "Hello! I am Kaikubot, the assistant of the staff who issue Kaikukortti",
    "fi": "Hei! Olen Kaikubot, Kaikukorttia myöntävän henkilöstön avustaja.",
    "sv": "Hej! Jag är Kaikubot, assistent för personalen som delar ut Kaikukortet",
}
# Exactly the commands of each role, in menu order.
ISSUERS = [
    "help",
    "issue",
    "cards",
    "practice",
    "ask",
    "guide",
    "contacts",
    "contact",
    "me",
    "language",
    "cancel",
]
CONTACTS = [
    "help",
    "cards",
    "practice",
    "ask",
    "guide",
    "contacts",
    "contact",
    "people",
    "joinlink",
    "handover",
    "me",
    "language",
    "cancel",
]
COORDINATORS = [
    "help",
    "cards",
    "practice",
    "invite",
    "invitations",
    "summary",
    "range",
    "schedule",
    "settings",
    "orgs",
    "network",
    "ask",
    "guide",
    "contacts",
    "contact",
    "joinlink",
    "me",
    "language",
    "cancel",
]


def described(language: str, command: str) -> str:
    return translator(language).gettext(DESCRIPTIONS[command])


def menu(language: str, commands: list[str]) -> list[dict[str, str]]:
    """A command menu as Telegram stores it."""
    return [{"command": c, "description": described(language, c)} for c in commands]


def help_text(language: str, commands: list[str]) -> str:
    lines = [f"/{c} — {described(language, c)}" for c in commands]
    return "\n".join([HEADINGS[language], "", *lines])


def scope_of(role: Role, espoo: Network) -> int:
    return {
        Role.ISSUER: espoo.units["family"],
        Role.CONTACT: espoo.organisations["social"],
        Role.COORDINATOR: espoo.localities["espoo"],
    }[role]


async def invitation_code(
    app: KaikuApplication, role: Role, locality: int, scope: int | None = None
) -> str:
    """A fresh invitation into a role (scope: the unit or organisation it needs)."""
    where = {Role.ISSUER: "unit_id", Role.CONTACT: "organisation_id"}
    async with app.services.database.write() as session:
        _, code = await invitations.create(
            session,
            role=role,
            locality_id=locality,
            **({where[role]: scope} if role in where else {}),
        )
        await session.commit()
    return code


async def delivered(app: KaikuApplication) -> None:
    """Let the outbox job run (menus are refreshed from the outbox)."""
    await app.services.courier.deliver_due(app.bot)


async def run_cli(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, settings: Settings, *argv: str
) -> int:
    """Run `kaikubot ARGS...` on the application's database, as an administrator would."""
    for key in list(os.environ):
        if key.startswith("KAIKUBOT_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("KAIKUBOT_DATABASE_URL", settings.effective_database_url)
    monkeypatch.chdir(tmp_path)  # no stray .env
    # main() sets up the logging of the whole process, which would take pytest's capture away.
    monkeypatch.setattr(logs, "configure", lambda level, secrets: None)
    # The command line runs its own event loop, so it gets a thread of its own.
    return await asyncio.to_thread(main, list(argv))


# --- /help and the menu ---------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
@pytest.mark.parametrize(
    ("role", "commands"),
    [(Role.ISSUER, ISSUERS), (Role.CONTACT, CONTACTS), (Role.COORDINATOR, COORDINATORS)],
)
async def test_help_lists_exactly_the_commands_of_the_role_in_the_readers_language(
    sim: TelegramSimulator,
    app: KaikuApplication,
    espoo: Network,
    role: Role,
    commands: list[str],
    language: str,
) -> None:
    person = await sim.user("Pia", language_code=language)
    await add_person(app.services.database, person.id, "Pia", (role, scope_of(role, espoo)))

    await person.send("/help")

    assert person.last_reply().text == help_text(language, commands)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
async def test_a_stranger_is_offered_only_help_which_explains_the_bot(
    sim: TelegramSimulator, telegram: TelegramModel, language: str
) -> None:
    stranger = await sim.user("Sami", language_code=language)

    await stranger.send("/help")

    assert stranger.last_reply().text.startswith(STRANGER[language])
    assert telegram.commands_seen_by(stranger.id) == menu(language, ["help"])


@pytest.mark.parametrize(
    ("telegram_language", "role", "commands"),
    [
        ("sv", Role.ISSUER, ISSUERS),
        ("en", Role.CONTACT, CONTACTS),
        ("fi", Role.COORDINATOR, COORDINATORS),
        ("de", Role.COORDINATOR, COORDINATORS),  # an unsupported language: the default, Finnish
    ],
)
async def test_redeeming_an_invitation_sets_the_chats_menu_in_the_persons_language(
    sim: TelegramSimulator,
    app: KaikuApplication,
    espoo: Network,
    telegram: TelegramModel,
    telegram_language: str,
    role: Role,
    commands: list[str],
) -> None:
    scope = None if role is Role.COORDINATOR else scope_of(role, espoo)
    code = await invitation_code(app, role, espoo.localities["espoo"], scope)
    newcomer = await sim.user("Nelli", language_code=telegram_language)
    language = telegram_language if telegram_language in HEADINGS else "fi"

    await newcomer.send(f"/start {code}")
    await delivered(app)

    assert telegram.commands_for({"type": "chat", "chat_id": newcomer.id}) == menu(
        language, commands
    )
    assert telegram.commands_seen_by(newcomer.id) == menu(language, commands)


async def test_the_menu_follows_the_roles_as_they_are_gained_and_taken_away(
    sim: TelegramSimulator,
    app: KaikuApplication,
    espoo: Network,
    telegram: TelegramModel,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    espoo_id = espoo.localities["espoo"]
    ilona = await sim.user("Ilona", language_code="en")
    await ilona.send(
        f"/start {await invitation_code(app, Role.ISSUER, espoo_id, espoo.units['family'])}"
    )
    await delivered(app)
    assert telegram.commands_seen_by(ilona.id) == menu("en", ISSUERS)

    # She becomes a coordinator too: /invite and the summaries' commands appear.
    await ilona.send(f"/start {await invitation_code(app, Role.COORDINATOR, espoo_id)}")
    await delivered(app)
    assert telegram.commands_seen_by(ilona.id) == menu("en", ["help", "issue", *COORDINATORS[1:]])

    # Deactivated from the command line: the strangers' menu.
    async with app.services.database.read() as session:
        person = await people.by_telegram_id(session, ilona.id)
    assert person is not None
    status = await run_cli(
        monkeypatch,
        tmp_path,
        settings,
        "person",
        "deactivate",
        str(person.id),
        "--locality",
        "Espoo",
    )
    assert status == 0
    await delivered(app)
    assert telegram.commands_seen_by(ilona.id) == menu("en", ["help"])


async def test_a_deactivated_person_invited_again_gets_only_the_new_role(
    sim: TelegramSimulator,
    app: KaikuApplication,
    espoo: Network,
    telegram: TelegramModel,
) -> None:
    """Deactivation ends every role: a later invitation must not bring the old ones back."""
    former = await sim.user("Fanny", language_code="en")
    await add_person(
        app.services.database,
        former.id,
        "Fanny",
        (Role.COORDINATOR, espoo.localities["espoo"]),
        (Role.ISSUER, espoo.units["family"]),
        active=False,
    )
    code = await invitation_code(app, Role.ISSUER, espoo.localities["vantaa"], espoo.units["gate"])

    await former.send(f"/start {code}")
    await delivered(app)

    assert former.last_reply().text.startswith(
        "Welcome, Fanny! You are now card issuer at Gate 1 (Airport clinic)."
    )
    assert telegram.commands_seen_by(former.id) == menu("en", ISSUERS)
    await former.send("/invite")
    assert former.last_reply().text.startswith("Sorry, that is not part of your role.")
    async with app.services.database.read() as session:
        person = await people.by_telegram_id(session, former.id)
        (withdrawn,) = await session.scalars(
            select(AuditEvent).where(AuditEvent.action == "withdraw_roles")
        )
    assert person is not None
    assert person.active
    assert [(a.role, a.unit_id) for a in person.roles] == [(Role.ISSUER, espoo.units["gate"])]
    # The old roles are gone, and the audit log says which they were.
    assert (withdrawn.action, withdrawn.entity_id) == ("withdraw_roles", person.id)
    assert withdrawn.before is not None
    assert {r["role"] for r in withdrawn.before["roles"]} == {"coordinator", "issuer"}


async def test_the_same_role_can_be_given_back_to_a_deactivated_person(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    former = await sim.user("Fanny", language_code="en")
    await add_person(
        app.services.database,
        former.id,
        "Fanny",
        (Role.ISSUER, espoo.units["family"]),
        active=False,
    )
    code = await invitation_code(app, Role.ISSUER, espoo.localities["espoo"], espoo.units["family"])

    await former.send(f"/start {code}")

    assert former.last_reply().text.startswith("Welcome, Fanny!")
    async with app.services.database.read() as session:
        person = await people.by_telegram_id(session, former.id)
    assert person is not None
    assert person.active
    assert [(a.role, a.unit_id) for a in person.roles] == [(Role.ISSUER, espoo.units["family"])]


# --- /me ------------------------------------------------------------------------------------


async def test_me_shows_every_role_and_what_is_stored_and_nobody_elses(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    database = app.services.database
    ilona = await sim.user("Ilona", language_code="en")
    veera = await sim.user("Veera", language_code="en")
    await add_person(
        database,
        ilona.id,
        "Ilona",
        (Role.ISSUER, espoo.units["family"]),
        (Role.CONTACT, espoo.organisations["red_cross"]),
        (Role.COORDINATOR, espoo.localities["vantaa"]),
        language="en",
    )
    await add_person(database, veera.id, "Veera", (Role.ISSUER, espoo.units["gate"]))
    today = translator("en").date(utcnow().astimezone(app.services.settings.zone).date())

    await ilona.send("/me")
    await veera.send("/me")

    privacy = (
        "I never store the names, identity codes, birth dates, addresses, phone numbers or "
        "e-mail addresses of your clients."
    )
    own_data = (
        "/contact changes your work details; /forgetme removes your name and contact "
        "details and ends your roles."
    )
    assert ilona.last_reply().text.splitlines() == [
        "Your roles:",
        "• card issuer at Family centre (Social services)",
        "• contact person of Red Cross",
        "• coordinator of Vantaa",
        "",
        "What I store about you:",
        "• name: Ilona",
        f"• Telegram user id: {ilona.id}",
        "• language: English",
        f"• with Kaikubot since {today}",
        "• Colleagues see: name",
        "",
        own_data,
        "",
        privacy,
    ]
    assert veera.last_reply().text.splitlines() == [
        "Your roles:",
        "• card issuer at Gate 1 (Airport clinic)",
        "",
        "What I store about you:",
        "• name: Veera",
        f"• Telegram user id: {veera.id}",
        "• language: not chosen (Telegram's setting is used)",
        f"• with Kaikubot since {today}",
        "• Colleagues see: name",
        "",
        own_data,
        "",
        privacy,
    ]


# --- whom a coordinator may invite ----------------------------------------------------------


@pytest.mark.parametrize(
    ("locality", "organisations", "organisation", "units"),
    [
        ("vantaa", ["Airport clinic"], "Airport clinic", ["Gate 1"]),
        ("espoo", ["Red Cross", "Social services"], "Red Cross", ["Helpline"]),
    ],
)
async def test_a_coordinator_sees_only_their_own_localitys_organisations_and_units(
    sim: TelegramSimulator,
    app: KaikuApplication,
    espoo: Network,
    locality: str,
    organisations: list[str],
    organisation: str,
    units: list[str],
) -> None:
    coordinator = await sim.user("Kaisa", language_code="en")
    # An issuer's unit elsewhere does not widen what a coordinator may invite into.
    elsewhere = espoo.units["gate"] if locality == "espoo" else espoo.units["family"]
    await add_person(
        app.services.database,
        coordinator.id,
        "Kaisa",
        (Role.COORDINATOR, espoo.localities[locality]),
        (Role.ISSUER, elsewhere),
    )

    await coordinator.send("/invite")
    await coordinator.click("contact person")
    assert coordinator.last_reply().text.endswith("Which organisation?")
    assert coordinator.buttons() == [*organisations, "« Back", "Cancel"]

    await coordinator.click("« Back")
    await coordinator.click("card issuer")
    assert coordinator.buttons() == [*organisations, "« Back", "Cancel"]
    await coordinator.click(organisation)
    assert coordinator.buttons() == [*units, "« Back", "Cancel"]
    await coordinator.click(units[0])
    await coordinator.click("English")

    assert f"card issuer at {units[0]} ({organisation})" in coordinator.last_reply().text
    async with app.services.database.read() as session:
        (invitation,) = await session.scalars(select(Invitation))
    assert invitation.locality_id == espoo.localities[locality]


# --- the command line's people list ---------------------------------------------------------


async def test_person_list_of_vantaa_shows_only_vantaas_people_and_roles(
    app: KaikuApplication,
    espoo: Network,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    database = app.services.database
    await add_person(database, 801, "Eero", (Role.ISSUER, espoo.units["family"]))
    await add_person(database, 802, "Elsa", (Role.COORDINATOR, espoo.localities["espoo"]))
    veera = await add_person(database, 803, "Veera", (Role.ISSUER, espoo.units["gate"]))
    # Someone with roles in both localities is listed, but with Vantaa's role only.
    kaisa = await add_person(
        database,
        804,
        "Kaisa",
        (Role.CONTACT, espoo.organisations["social"]),
        (Role.COORDINATOR, espoo.localities["vantaa"]),
    )
    capsys.readouterr()

    status = await run_cli(
        monkeypatch, tmp_path, settings, "person", "list", "--locality", "Vantaa"
    )

    assert status == 0
    assert capsys.readouterr().out.splitlines() == [
        "People of Vantaa:",
        f"  #{kaisa} Kaisa (active): coordinator of Vantaa",
        f"  #{veera} Veera (active): issuer at Airport clinic/Gate 1",
    ]
