"""The bot's commands, in menu order, with who may use each."""

from __future__ import annotations

from dataclasses import dataclass

from bot.audience import ANYONE, PEOPLE, Audience, only
from bot.i18n import N_
from storage.models import Person, Role


@dataclass(frozen=True, slots=True)
class Command:
    """A slash command as /help and Telegram's command menu show it."""

    name: str
    description: str  # an msgid, translated for each reader
    audience: Audience


COMMANDS: tuple[Command, ...] = (
    Command("help", N_("What I can do for you"), ANYONE),
    Command("issue", N_("Issue a Kaikukortti card"), only(Role.ISSUER)),
    Command("cards", N_("Cards issued lately: correct or void an issuance"), PEOPLE),
    Command("practice", N_("Practise the card form: nothing is stored"), PEOPLE),
    Command("invite", N_("Invite someone into a role"), only(Role.COORDINATOR)),
    Command("invitations", N_("Open invitations: revoke one"), only(Role.COORDINATOR)),
    Command("summary", N_("Summary of the cards issued in your locality"), only(Role.COORDINATOR)),
    Command("range", N_("Summary of the days you type"), only(Role.COORDINATOR)),
    Command("schedule", N_("When you get the summary without asking"), only(Role.COORDINATOR)),
    Command(
        "settings",
        N_("Your network's card format, validity and postal codes"),
        only(Role.COORDINATOR),
    ),
    Command("orgs", N_("Your network's organisations and units"), only(Role.COORDINATOR)),
    Command(
        "network",
        N_("The committed organisations and units, for brochures and the website"),
        only(Role.COORDINATOR),
    ),
    Command("ask", N_("Ask about the Kaikukortti guidelines in your own words"), PEOPLE),
    Command("guide", N_("Browse the Kaikukortti guidelines by topic"), PEOPLE),
    Command("contacts", N_("Whom to ask: contact persons and coordinators"), PEOPLE),
    Command("contact", N_("Your work details and what colleagues see"), PEOPLE),
    Command("people", N_("Your organisation's units, issuers and invitations"), only(Role.CONTACT)),
    Command(
        "joinlink",
        N_("One link through which a unit's staff join"),
        only(Role.CONTACT, Role.COORDINATOR),
    ),
    Command("handover", N_("Leaving the contact person role: hand it over"), only(Role.CONTACT)),
    Command("me", N_("Your roles and what I store about you"), PEOPLE),
    Command("language", N_("Choose the language: suomi, svenska, English"), PEOPLE),
    Command("cancel", N_("Stop what we are doing"), PEOPLE),
)


def commands_for(person: Person | None) -> list[Command]:
    """The commands this person may use (a stranger sees only /help)."""
    return [command for command in COMMANDS if command.audience.admits(person)]
