"""The command-line administration of the network: localities, organisations, units,
invitations and people. Each function runs in one write transaction and returns the lines
to print; a refusal raises AdminError with the reason."""

from __future__ import annotations

import argparse
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.empty_posts import alert_if_empty
from bot.rules.background import normalise_postal_entries
from bot.rules.card_numbers import normalise_examples
from bot.rules.validity import check_pilot_end, check_validity_months, today
from storage import (
    contact_details,
    deployment,
    invitations,
    localities,
    network,
    outbox,
    people,
    scopes,
    summary_schedules,
)
from storage.db import Database
from storage.models import (
    Locality,
    Organisation,
    Person,
    Role,
    SummaryFrequency,
    SummarySchedule,
    Unit,
)
from storage.names import LONGEST_NAME
from storage.scopes import RoleDescription


class AdminError(Exception):
    """A command-line request that cannot be done; the message says why."""


def add_locality_options(parser: argparse.ArgumentParser) -> None:
    """The options that set a locality's rules (init and `locality set`)."""
    parser.add_argument(
        "--card-example",
        action="append",
        dest="card_examples",
        metavar="NUMBER",
        help="an example card number that defines the accepted format (give one or two): "
        "letters shared by every example are fixed (KK in KK123456), other runs are any "
        "letters or digits of that length",
    )
    parser.add_argument(
        "--postal-codes",
        metavar="LIST",
        help="the network's postal codes, comma-separated; ranges allowed: 00100-00990,02100",
    )
    parser.add_argument("--pilot-end", metavar="YYYY-MM-DD", help="the pilot's last day")
    parser.add_argument("--no-pilot-end", action="store_true", help="remove the pilot end date")
    parser.add_argument(
        "--validity-months", type=int, metavar="N", help="how long a card is valid (default 12)"
    )


def _locality_changes(arguments: argparse.Namespace) -> dict[str, Any]:
    """The settings given, checked by the rules the chat's settings share (bot.rules)."""
    changes: dict[str, Any] = {}
    # Each refusal names its option: the person may have given several at once.
    if arguments.card_examples:
        try:
            changes["card_number_examples"] = normalise_examples(arguments.card_examples)
        except ValueError as error:
            raise AdminError(f"--card-example: {error}") from None
    if arguments.postal_codes is not None:
        entries = [part for part in arguments.postal_codes.split(",") if part.strip()]
        try:
            changes["postal_codes"] = normalise_postal_entries(entries)
        except ValueError as error:
            raise AdminError(f"--postal-codes: {error}") from None
    if arguments.pilot_end and arguments.no_pilot_end:
        raise AdminError("give either --pilot-end or --no-pilot-end, not both")
    if arguments.pilot_end:
        try:
            pilot_end = date.fromisoformat(arguments.pilot_end)
        except ValueError:
            raise AdminError(
                f"--pilot-end must be a date like 2027-05-31, not {arguments.pilot_end!r}"
            ) from None
        try:
            check_pilot_end(pilot_end, today(arguments.zone))
        except ValueError as error:
            raise AdminError(f"--pilot-end: {error}") from None
        changes["pilot_end_date"] = pilot_end
    if arguments.no_pilot_end:
        changes["clear_pilot_end"] = True
    if arguments.validity_months is not None:
        try:
            check_validity_months(arguments.validity_months)
        except ValueError as error:
            raise AdminError(f"--validity-months {error}") from None
        changes["validity_months"] = arguments.validity_months
    return changes


async def _locality(session: AsyncSession, name: str | None) -> Locality:
    """The named locality, or the only one when no name is given."""
    if name:
        found = await network.locality_by_name(session, name)
        if found is None:
            raise AdminError(f"no locality called {name!r}: create it with `kaikubot init`")
        return found
    every = await localities.all_localities(session)
    if len(every) == 1:
        return every[0]
    if not every:
        raise AdminError(
            "there is no locality yet: create one with `kaikubot init --locality NAME`"
        )
    raise AdminError("there are several localities: name one with --locality")


async def _invitation_lines(session: AsyncSession, code: str) -> list[str]:
    username = await deployment.get(session, deployment.BOT_USERNAME)
    lines = []
    if username:
        lines.append(f"  https://t.me/{username}?start={code}")
    lines.append(f"  or send the bot: /start {code}")
    return lines


def _describe(described: RoleDescription) -> str:
    if described.role is Role.ISSUER:
        return f"issuer at {described.organisation}/{described.unit}"
    if described.role is Role.CONTACT:
        return f"contact person of {described.organisation}"
    return f"coordinator of {described.locality}"


def _local(moment: datetime, zone: ZoneInfo) -> str:
    """A moment as the bot's chat shows it: in KAIKUBOT_TIMEZONE."""
    return f"{moment.astimezone(zone):%Y-%m-%d %H:%M} {zone.key}"


def _local_day(moment: datetime, zone: ZoneInfo) -> str:
    """A moment's day in KAIKUBOT_TIMEZONE."""
    return f"{moment.astimezone(zone):%Y-%m-%d}"


def _name_refused(error: network.NameRefused, parent: str) -> AdminError:
    """The command line's words for a name storage refused."""
    if isinstance(error, network.EmptyName):
        return AdminError("a name cannot be empty")
    if isinstance(error, network.NameTooLong):
        return AdminError(f"a name can be at most {LONGEST_NAME} characters long")
    return AdminError(
        f"{error.name!r} is already in {parent} (names are unique whatever their case)"
    )


def _refuse_options(arguments: argparse.Namespace, why: str, *names: str) -> None:
    """Every option a command accepts is used or refused: refuse the given ones if set."""
    for name in names:
        if getattr(arguments, name, None):
            option = "--" + name.replace("_", "-")
            raise AdminError(f"{option} {why}")


def _identifier(reference: str) -> int | None:
    """The id in "12" or "#12", else None."""
    plain = reference.strip().removeprefix("#")
    return int(plain) if plain.isascii() and plain.isdigit() and len(plain) <= 9 else None


async def _organisation(session: AsyncSession, locality: Locality, reference: str) -> Organisation:
    """The locality's organisation by name (whatever its case), else by id ("12" or "#12")."""
    found = await localities.organisation_by_name(session, locality.id, reference)
    number = _identifier(reference)
    if found is None and number is not None:
        found = await localities.organisation_by_id(session, locality.id, number)
    if found is None:
        raise AdminError(f"no organisation {reference!r} in {locality.name}")
    return found


async def _parent(session: AsyncSession, locality: Locality, unit: Unit) -> Organisation:
    """A unit's organisation."""
    found = await localities.organisation_by_id(session, locality.id, unit.organisation_id)
    if found is None:
        raise AdminError(f"unit #{unit.id} has no organisation in {locality.name}")
    return found


def _splits(path: str) -> list[tuple[str, str]]:
    """Every way to read "ORGANISATION/UNIT" when names may hold "/" themselves."""
    found = []
    for index, character in enumerate(path):
        if character == "/":
            organisation, unit = path[:index].strip(), path[index + 1 :].strip()
            if organisation and unit:
                found.append((organisation, unit))
    return found


PATH_HELP = "give the unit as ORGANISATION/UNIT, or name the organisation with --org"


async def _parent_and_name(
    session: AsyncSession, locality: Locality, path: str, organisation: str | None
) -> tuple[Organisation, str]:
    """A new unit's organisation and name: `--org ORG NAME`, or "ORG/NAME" when only one of
    the ways to read it names an organisation."""
    if organisation:
        return await _organisation(session, locality, organisation), path
    readings = _splits(path)
    if not readings:
        raise AdminError(f"{PATH_HELP}, not {path!r}")
    found = []
    for organisation_name, unit_name in readings:
        parent = await localities.organisation_by_name(session, locality.id, organisation_name)
        if parent is not None:
            found.append((parent, unit_name))
    if not found:
        raise AdminError(f"no organisation {readings[0][0]!r} in {locality.name}")
    if len(found) > 1:
        raise AdminError(
            f"{path!r} can be read in more than one way: name the organisation with --org"
        )
    return found[0]


async def _unit(
    session: AsyncSession, locality: Locality, reference: str, organisation: str | None
) -> Unit:
    """An existing unit: `--org ORG UNIT` (name or id), "ORG/UNIT" when unambiguous, or an id."""
    if organisation:
        parent = await _organisation(session, locality, organisation)
        found = await network.unit_named(session, parent.id, reference)
        number = _identifier(reference)
        if found is None and number is not None:
            by_id = await localities.unit_by_id(session, locality.id, number)
            found = by_id if by_id is not None and by_id.organisation_id == parent.id else None
        if found is None:
            raise AdminError(f"no unit {reference!r} in {parent.name}")
        return found
    number = _identifier(reference)
    if number is not None:
        by_id = await localities.unit_by_id(session, locality.id, number)
        if by_id is None:
            raise AdminError(f"no unit #{number} in {locality.name}")
        return by_id
    readings = _splits(reference)
    if not readings:
        raise AdminError(f"{PATH_HELP}, not {reference!r}")
    matches = []
    for organisation_name, unit_name in readings:
        unit = await localities.unit_by_names(session, locality.id, organisation_name, unit_name)
        if unit is not None:
            matches.append(unit)
    if not matches:
        raise AdminError(f"no unit {reference!r} in {locality.name}")
    if len(matches) > 1:
        raise AdminError(
            f"{reference!r} can be read in more than one way: name the organisation with --org"
        )
    return matches[0]


def _settings_lines(locality: Locality) -> list[str]:
    return [
        f"{locality.name}:",
        "  card number examples: "
        + (", ".join(locality.card_number_examples) or "(any 4-16 letters and digits)"),
        f"  network postal codes: {', '.join(locality.postal_codes) or '(not set)'}",
        f"  pilot end date: {locality.pilot_end_date or '(none)'}",
        f"  validity: {locality.validity_months} months",
    ]


async def init(database: Database, arguments: argparse.Namespace) -> list[str]:
    """Create a locality and print a one-time coordinator invitation."""
    changes = _locality_changes(arguments)
    async with database.write() as session:
        if await network.locality_by_name(session, arguments.locality):
            raise AdminError(
                f"locality {arguments.locality!r} exists already: invite another coordinator "
                "with `kaikubot invite --role coordinator`"
            )
        locality = await network.add_locality(session, name=arguments.locality)
        localities.configure(session, locality, actor=None, **changes)
        invitation, code = await invitations.create(
            session, role=Role.COORDINATOR, locality_id=locality.id
        )
        lines = [
            f"Created locality {locality.name}.",
            f"One-time coordinator invitation #{invitation.id} "
            f"(expires {_local(invitation.expires_at, arguments.zone)}):",
            *await _invitation_lines(session, code),
        ]
        await session.commit()
    return lines


async def configure_locality(database: Database, arguments: argparse.Namespace) -> list[str]:
    """Change a locality's card-number format, postal codes, pilot end or validity."""
    changes = _locality_changes(arguments)
    if not changes:
        raise AdminError("nothing to change: give at least one option (see --help)")
    async with database.write() as session:
        locality = await _locality(session, arguments.locality)
        localities.configure(session, locality, actor=None, **changes)
        lines = _settings_lines(locality)
        await session.commit()
    return lines


async def show_locality(database: Database, arguments: argparse.Namespace) -> list[str]:
    """Print a locality's settings."""
    async with database.read() as session:
        return _settings_lines(await _locality(session, arguments.locality))


async def add_organisation(database: Database, arguments: argparse.Namespace) -> list[str]:
    """Add an organisation to a locality's network."""
    async with database.write() as session:
        locality = await _locality(session, arguments.locality)
        committed_on = _commitment_date(arguments)
        try:
            organisation = await network.add_organisation(
                session,
                locality=locality,
                name=arguments.name,
                kind=arguments.kind or "",
                committed_on=committed_on,
                commitment_recorded_by=arguments.confirmed_by or COMMAND_LINE,
            )
        except network.NameRefused as error:
            raise _name_refused(error, locality.name) from None
        await session.commit()
    added = f"Added organisation #{organisation.id} {organisation.name} to {locality.name}."
    if committed_on is None:
        return [
            added,
            "Its commitment to the national guideline is not recorded: its units cannot issue "
            "cards until a coordinator records it (/orgs) or it is added with --committed-on.",
        ]
    return [f"{added} Committed to the national guideline on {committed_on.isoformat()}."]


# Who recorded a commitment given on the command line without --confirmed-by.
COMMAND_LINE = "command line"


def _commitment_date(arguments: argparse.Namespace) -> date | None:
    """The --committed-on date, refused when it is no date or lies ahead."""
    typed = arguments.committed_on
    if typed is None:
        if arguments.confirmed_by is not None:
            raise AdminError("--confirmed-by needs --committed-on")
        return None
    try:
        committed_on = date.fromisoformat(typed)
    except ValueError:
        raise AdminError(f"--committed-on must be a date like 2025-05-31, not {typed!r}") from None
    if committed_on > today(arguments.zone):
        raise AdminError("--committed-on cannot be in the future")
    return committed_on


async def list_organisations(database: Database, arguments: argparse.Namespace) -> list[str]:
    """List a locality's organisations with their active units and contact persons; mark
    those without one."""
    async with database.read() as session:
        locality = await _locality(session, arguments.locality)
        found = await localities.organisations(session, locality.id)
        lines = [f"Organisations of {locality.name}:"] if found else ["No organisations."]
        for organisation, units in found:
            kind = f" ({organisation.kind})" if organisation.kind else ""
            count = f"{units} unit" if units == 1 else f"{units} units"
            state = "" if organisation.active else ", deactivated"
            contacts = await contact_details.contact_persons(session, organisation.id)
            names = ", ".join(person.display_name for person in contacts)
            contact = f"contact: {names}" if names else "NO CONTACT PERSON"
            lines.append(
                f"  #{organisation.id} {organisation.name}{kind}: {count}{state}; {contact}"
            )
    return lines


async def rename_organisation(database: Database, arguments: argparse.Namespace) -> list[str]:
    """Give an organisation a new name."""
    async with database.write() as session:
        locality = await _locality(session, arguments.locality)
        organisation = await _organisation(session, locality, arguments.organisation)
        before = organisation.name
        try:
            await network.rename_organisation(session, organisation, arguments.name, actor=None)
        except network.NameRefused as error:
            raise _name_refused(error, locality.name) from None
        await session.commit()
    return [f"Renamed organisation #{organisation.id} {before} to {organisation.name}."]


async def deactivate_organisation(database: Database, arguments: argparse.Namespace) -> list[str]:
    """Take an organisation and its units out of the network."""
    async with database.write() as session:
        locality = await _locality(session, arguments.locality)
        organisation = await _organisation(session, locality, arguments.organisation)
        if not organisation.active:
            raise AdminError(f"#{organisation.id} {organisation.name} is already deactivated")
        units = await network.deactivate_organisation(session, organisation, actor=None)
        await session.commit()
    count = "1 unit" if len(units) == 1 else f"{len(units)} units"
    return [
        f"Deactivated organisation #{organisation.id} {organisation.name} and its {count}: "
        "nobody can issue cards for them or be invited into them; what was issued stays."
    ]


async def add_unit(database: Database, arguments: argparse.Namespace) -> list[str]:
    """Add a unit to an organisation."""
    async with database.write() as session:
        locality = await _locality(session, arguments.locality)
        organisation, name = await _parent_and_name(
            session, locality, arguments.path, arguments.org
        )
        try:
            unit = await network.add_unit(session, organisation=organisation, name=name)
        except network.NameRefused as error:
            raise _name_refused(error, organisation.name) from None
        await session.commit()
    return [f"Added unit #{unit.id} {organisation.name}/{unit.name}."]


async def list_units(database: Database, arguments: argparse.Namespace) -> list[str]:
    """List a locality's units (or one organisation's)."""
    async with database.read() as session:
        locality = await _locality(session, arguments.locality)
        organisation_id = None
        if arguments.org:
            organisation_id = (await _organisation(session, locality, arguments.org)).id
        found = await localities.units(session, locality.id, organisation_id)
    lines = [f"Units of {locality.name}:"] if found else ["No units."]
    for unit, organisation in found:
        state = "" if unit.active and organisation.active else " (deactivated)"
        lines.append(f"  #{unit.id} {organisation.name}/{unit.name}{state}")
    return lines


async def rename_unit(database: Database, arguments: argparse.Namespace) -> list[str]:
    """Give a unit a new name."""
    async with database.write() as session:
        locality = await _locality(session, arguments.locality)
        unit = await _unit(session, locality, arguments.unit, arguments.org)
        organisation = await _parent(session, locality, unit)
        before = unit.name
        try:
            await network.rename_unit(session, unit, arguments.name, actor=None)
        except network.NameRefused as error:
            raise _name_refused(error, organisation.name) from None
        await session.commit()
    return [f"Renamed unit #{unit.id} {organisation.name}/{before} to {unit.name}."]


async def deactivate_unit(database: Database, arguments: argparse.Namespace) -> list[str]:
    """Take a unit out of the network."""
    async with database.write() as session:
        locality = await _locality(session, arguments.locality)
        unit = await _unit(session, locality, arguments.unit, arguments.org)
        if not unit.active:
            raise AdminError(f"unit #{unit.id} {unit.name} is already deactivated")
        network.deactivate_unit(session, unit, actor=None)
        await session.commit()
    return [
        f"Deactivated unit #{unit.id} {unit.name}: nobody can issue cards for it or be "
        "invited into it; what was issued stays."
    ]


async def invite(database: Database, arguments: argparse.Namespace) -> list[str]:
    """Create a one-time invitation into a role and print it."""
    role = Role(arguments.role)
    if role is Role.COORDINATOR:
        _refuse_options(arguments, "is not used for a coordinator invitation", "org", "unit")
    if role is Role.CONTACT:
        _refuse_options(arguments, "is not used for a contact person invitation", "unit")
    async with database.write() as session:
        locality = await _locality(session, arguments.locality)
        unit_id: int | None = None
        organisation_id: int | None = None
        if role is Role.ISSUER:
            if not arguments.unit:
                raise AdminError("an issuer invitation needs --unit ORGANISATION/UNIT")
            unit = await _unit(session, locality, arguments.unit, arguments.org)
            organisation = await _parent(session, locality, unit)
            if not unit.active or not organisation.active:
                raise AdminError(f"{organisation.name}/{unit.name} is deactivated")
            unit_id, organisation_id = unit.id, unit.organisation_id
        elif role is Role.CONTACT:
            if not arguments.org:
                raise AdminError("a contact person invitation needs --org ORGANISATION")
            organisation = await _organisation(session, locality, arguments.org)
            if not organisation.active:
                raise AdminError(f"{organisation.name} is deactivated")
            organisation_id = organisation.id
        invitation, code = await invitations.create(
            session,
            role=role,
            locality_id=locality.id,
            organisation_id=organisation_id,
            unit_id=unit_id,
        )
        described = await scopes.describe_invitation(session, invitation)
        lines = [
            f"One-time invitation #{invitation.id} for {_describe(described)} "
            f"(expires {_local(invitation.expires_at, arguments.zone)}):",
            *await _invitation_lines(session, code),
        ]
        await session.commit()
    return lines


async def list_invitations(database: Database, arguments: argparse.Namespace) -> list[str]:
    """List a locality's invitations with their state."""
    async with database.read() as session:
        locality = await _locality(session, arguments.locality)
        found = await invitations.of_locality(session, locality.id)
        lines = [f"Invitations of {locality.name}:"] if found else ["No invitations."]
        for invitation in found:
            described = await scopes.describe_invitation(session, invitation)
            lines.append(
                f"  #{invitation.id} {_describe(described)}: {invitations.state(invitation)}"
                f" (created {_local_day(invitation.created_at, arguments.zone)}, expires"
                f" {_local_day(invitation.expires_at, arguments.zone)})"
            )
    return lines


async def revoke_invitation(database: Database, arguments: argparse.Namespace) -> list[str]:
    """Revoke an unused invitation."""
    async with database.write() as session:
        locality = await _locality(session, arguments.locality)
        revoked = await invitations.revoke(session, arguments.id, locality_id=locality.id)
        if revoked is None:
            raise AdminError(f"no unused invitation #{arguments.id} in {locality.name}")
        await session.commit()
    return [f"Revoked invitation #{arguments.id}."]


async def list_people(database: Database, arguments: argparse.Namespace) -> list[str]:
    """List the people with a role in a locality."""
    async with database.read() as session:
        locality = await _locality(session, arguments.locality)
        found = await people.of_locality(session, locality.id)
        lines = [f"People of {locality.name}:"] if found else ["Nobody yet."]
        for person in found:
            # Only this locality's roles: their roles elsewhere are another locality's business.
            described = await scopes.describe(session, person.roles)
            roles = ", ".join(_describe(d) for d in described if d.locality == locality.name)
            state = "active" if person.active else "deactivated"
            lines.append(f"  #{person.id} {person.display_name} ({state}): {roles}")
    return lines


async def deactivate_person(database: Database, arguments: argparse.Namespace) -> list[str]:
    """End a person's access at once."""
    async with database.write() as session:
        locality = await _locality(session, arguments.locality)
        person = await people.by_id(session, arguments.id)
        in_locality = {p.id for p in await people.of_locality(session, locality.id)}
        if person is None or person.id not in in_locality:
            raise AdminError(f"no person #{arguments.id} in {locality.name}")
        if not person.active:
            raise AdminError(f"#{person.id} {person.display_name} is already deactivated")
        people.set_active(session, person, active=False, actor=None)
        # Their command menu goes back to the strangers' one.
        outbox.enqueue(session, person.telegram_id, "", kind=outbox.COMMANDS)
        emptied = await alert_if_empty(
            session,
            people.organisation_ids(person),
            default_language=getattr(arguments, "default_language", "fi"),
        )
        await session.commit()
    lines = [f"Deactivated #{person.id} {person.display_name}: their access ended."]
    lines += [
        f"{organisation.name} has no contact person now: its coordinators were alerted."
        for organisation in emptied
    ]
    return lines


async def reactivate_person(database: Database, arguments: argparse.Namespace) -> list[str]:
    """Give a deactivated person their access back, with the roles they had."""
    async with database.write() as session:
        locality = await _locality(session, arguments.locality)
        person = await _person_of(session, locality, arguments.id)
        if person.active:
            raise AdminError(f"#{person.id} {person.display_name} is active already")
        people.set_active(session, person, active=True, actor=None)
        # Their command menu becomes their roles' again.
        outbox.enqueue(session, person.telegram_id, "", kind=outbox.COMMANDS)
        described = await scopes.describe(session, person.roles)
        await session.commit()
    roles = ", ".join(_describe(d) for d in described) or "no role"
    return [f"Reactivated #{person.id} {person.display_name}: {roles}."]


async def _person_of(session: AsyncSession, locality: Locality, person_id: int) -> Person:
    person = await people.by_id(session, person_id)
    in_locality = {p.id for p in await people.of_locality(session, locality.id)}
    if person is None or person.id not in in_locality:
        raise AdminError(f"no person #{person_id} in {locality.name}")
    return person


async def list_lockouts(database: Database, arguments: argparse.Namespace) -> list[str]:
    """List who is locked out for sending wrong invitation codes."""
    async with database.read() as session:
        found = await invitations.lockouts(session)
    lines = ["Locked out for wrong invitation codes:"] if found else ["Nobody is locked out."]
    lines += [
        f"  Telegram user {telegram_id} until {_local(until, arguments.zone)}"
        for telegram_id, until in found
    ]
    return lines


async def lift_lockout(database: Database, arguments: argparse.Namespace) -> list[str]:
    """Let someone locked out for wrong codes try again at once."""
    async with database.write() as session:
        if not await invitations.lift_lockout(session, arguments.id, actor=None):
            raise AdminError(f"Telegram user {arguments.id} is not locked out")
        await session.commit()
    return [f"Telegram user {arguments.id} may send an invitation code again."]


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def describe_schedule(schedule: SummarySchedule | None) -> str:
    """A summary schedule in a few words."""
    if schedule is None:
        return "no scheduled summary"
    at = f"at {schedule.hour:02}:00"
    if schedule.frequency is SummaryFrequency.WEEKLY and schedule.weekday is not None:
        return f"weekly on {WEEKDAYS[schedule.weekday].title()}s {at} (the 7 days before)"
    if schedule.frequency is SummaryFrequency.MONTHLY:
        return f"monthly on day {schedule.day_of_month} {at} (the calendar month before)"
    return f"daily {at} (the day before)"


async def schedule_summary(database: Database, arguments: argparse.Namespace) -> list[str]:
    """Choose when a coordinator receives the locality's summary (or end it)."""
    frequency = None if arguments.frequency == "none" else SummaryFrequency(arguments.frequency)
    weekday = WEEKDAYS.index(arguments.weekday) if arguments.weekday else None
    if frequency is SummaryFrequency.WEEKLY and weekday is None:
        raise AdminError("a weekly summary needs --weekday (monday … sunday)")
    if frequency is SummaryFrequency.MONTHLY and arguments.day is None:
        raise AdminError("a monthly summary needs --day (1-28)")
    if arguments.day is not None and not 1 <= arguments.day <= 28:
        raise AdminError("--day must be between 1 and 28 (a day every month has)")
    if not 0 <= arguments.hour <= 23:
        raise AdminError("--hour must be between 0 and 23")
    async with database.write() as session:
        locality = await _locality(session, arguments.locality)
        person = await people.by_id(session, arguments.id)
        if person is None or locality.id not in people.locality_ids(person):
            raise AdminError(f"no coordinator #{arguments.id} in {locality.name}")
        schedule = await summary_schedules.choose(
            session,
            person,
            frequency,
            hour=arguments.hour,
            weekday=weekday,
            day_of_month=arguments.day,
            actor=None,
        )
        await session.commit()
    return [f"#{person.id} {person.display_name}: {describe_schedule(schedule)}."]


async def list_summary_schedules(database: Database, arguments: argparse.Namespace) -> list[str]:
    """List the scheduled summaries of a locality's coordinators."""
    async with database.read() as session:
        locality = await _locality(session, arguments.locality)
        coordinators = [
            person
            for person in await people.of_locality(session, locality.id)
            if locality.id in people.locality_ids(person)
        ]
        lines = [f"Scheduled summaries in {locality.name}:"] if coordinators else []
        for person in coordinators:
            schedule = await summary_schedules.of_person(session, person.id)
            lines.append(f"  #{person.id} {person.display_name}: {describe_schedule(schedule)}")
    return lines or ["No coordinators."]
