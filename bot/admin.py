"""The command-line administration of the network: localities, organisations, units,
invitations and people. Each function runs in one write transaction and returns the lines
to print; a refusal raises AdminError with the reason."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

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
from storage.models import Locality, Role, SummaryFrequency, SummarySchedule
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
            f"(expires {invitation.expires_at:%Y-%m-%d %H:%M} UTC):",
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
        lines = [
            f"{locality.name}:",
            "  card number examples: "
            + (", ".join(locality.card_number_examples) or "(any 4-16 letters and digits)"),
            f"  network postal codes: {', '.join(locality.postal_codes) or '(not set)'}",
            f"  pilot end date: {locality.pilot_end_date or '(none)'}",
            f"  validity: {locality.validity_months} months",
        ]
        await session.commit()
    return lines


async def add_organisation(database: Database, arguments: argparse.Namespace) -> list[str]:
    """Add an organisation to a locality's network."""
    async with database.write() as session:
        locality = await _locality(session, arguments.locality)
        if await localities.organisation_by_name(session, locality.id, arguments.name):
            raise AdminError(f"{arguments.name!r} is already in {locality.name}")
        organisation = await network.add_organisation(
            session, locality=locality, name=arguments.name, kind=arguments.kind or ""
        )
        await session.commit()
    return [f"Added organisation #{organisation.id} {organisation.name} to {locality.name}."]


def _split_unit_path(path: str) -> tuple[str, str]:
    organisation, separator, unit = path.partition("/")
    if not separator or not organisation.strip() or not unit.strip():
        raise AdminError(f"give the unit as ORGANISATION/UNIT, not {path!r}")
    return organisation.strip(), unit.strip()


async def add_unit(database: Database, arguments: argparse.Namespace) -> list[str]:
    """Add a unit to an organisation."""
    organisation_name, unit_name = _split_unit_path(arguments.path)
    async with database.write() as session:
        locality = await _locality(session, arguments.locality)
        organisation = await localities.organisation_by_name(
            session, locality.id, organisation_name
        )
        if organisation is None:
            raise AdminError(f"no organisation {organisation_name!r} in {locality.name}")
        if await localities.unit_by_names(session, locality.id, organisation_name, unit_name):
            raise AdminError(f"{organisation_name}/{unit_name} exists already")
        unit = await network.add_unit(session, organisation=organisation, name=unit_name)
        await session.commit()
    return [f"Added unit #{unit.id} {organisation_name}/{unit_name}."]


async def invite(database: Database, arguments: argparse.Namespace) -> list[str]:
    """Create a one-time invitation into a role and print it."""
    role = Role(arguments.role)
    async with database.write() as session:
        locality = await _locality(session, arguments.locality)
        unit_id: int | None = None
        organisation_id: int | None = None
        if role is Role.ISSUER:
            if not arguments.unit:
                raise AdminError("an issuer invitation needs --unit ORGANISATION/UNIT")
            unit = await localities.unit_by_names(
                session, locality.id, *_split_unit_path(arguments.unit)
            )
            if unit is None:
                raise AdminError(f"no unit {arguments.unit!r} in {locality.name}")
            unit_id, organisation_id = unit.id, unit.organisation_id
        elif role is Role.CONTACT:
            if not arguments.org:
                raise AdminError("a contact person invitation needs --org ORGANISATION")
            organisation = await localities.organisation_by_name(
                session, locality.id, arguments.org
            )
            if organisation is None:
                raise AdminError(f"no organisation {arguments.org!r} in {locality.name}")
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
            f"(expires {invitation.expires_at:%Y-%m-%d %H:%M} UTC):",
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
                f" (created {invitation.created_at:%Y-%m-%d}, expires"
                f" {invitation.expires_at:%Y-%m-%d})"
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


async def list_organisations(database: Database, arguments: argparse.Namespace) -> list[str]:
    """List a locality's organisations with their contact persons; mark those without one."""
    async with database.read() as session:
        locality = await _locality(session, arguments.locality)
        found = await scopes.organisations_of(session, locality.id)
        lines = [f"Organisations of {locality.name}:"] if found else ["No organisations yet."]
        for organisation in found:
            contacts = await contact_details.contact_persons(session, organisation.id)
            names = ", ".join(p.display_name for p in contacts)
            state = f"contact: {names}" if names else "NO CONTACT PERSON"
            lines.append(f"  #{organisation.id} {organisation.name}: {state}")
    return lines


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
