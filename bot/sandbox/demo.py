"""The sandbox's demo data: a clearly marked locality, its network and the people who play it.

Each persona is both a person in Telegram (the model, with a fixed user id) and, when they
have a role, a person in the sandbox database, so that a restart finds the same people.
Seeding is idempotent: what exists already is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from bot.rules.background import normalise_postal_entries
from bot.rules.card_numbers import normalise_examples
from bot.sandbox.telegram_model import TelegramModel
from storage import localities, network, people, summary_schedules
from storage.db import Database
from storage.models import Locality, Person, Role, SummaryFrequency

# Never the real KAIKUBOT_DATABASE_URL: the sandbox keeps its data apart.
DEFAULT_DATABASE = "sqlite+aiosqlite:///sandbox.db"
LOCALITY = "Demo locality (sandbox)"
CARD_EXAMPLE = "KK123456"
POSTAL_CODES = "00100-00990"
# Organisation → its units; the first organisation has the demo contact person.
ORGANISATIONS = {
    "Demo social services (sandbox)": ("Demo family centre", "Demo youth station"),
    "Demo association (sandbox)": ("Demo helpline",),
}


@dataclass(frozen=True)
class Persona:
    """Someone the sandbox user can act as."""

    telegram_id: int
    first_name: str
    display_name: str
    language_code: str
    role: Role | None
    organisation: str = ""
    unit: str = ""

    def describe(self) -> str:
        """The persona's part in the demo, in one phrase."""
        if self.role is Role.COORDINATOR:
            return f"coordinator of {LOCALITY}"
        if self.role is Role.CONTACT:
            return f"contact person of {self.organisation}"
        if self.role is Role.ISSUER:
            return f"issuer at {self.organisation} / {self.unit}"
        return "no role yet: redeem an invitation with /start CODE"


_SOCIAL, _ASSOCIATION = ORGANISATIONS
# The demo coordinator's summary comes every Monday at 8 (the bot's time zone).
SUMMARY_WEEKDAY = 0
SUMMARY_HOUR = 8
# The first persona is the one the sandbox starts as.
PERSONAS = (
    Persona(990_001, "Kaisa", "Demo coordinator Kaisa", "en", Role.COORDINATOR),
    Persona(990_002, "Kalle", "Demo contact person Kalle", "fi", Role.CONTACT, _SOCIAL),
    Persona(990_003, "Iida", "Demo issuer Iida", "sv", Role.ISSUER, _SOCIAL, "Demo family centre"),
    Persona(
        990_004, "Ilkka", "Demo issuer Ilkka", "fi", Role.ISSUER, _ASSOCIATION, "Demo helpline"
    ),
    Persona(990_005, "Noora", "Demo newcomer Noora", "en", None),
)


def add_personas(model: TelegramModel) -> None:
    """Put every persona into Telegram, with the same user id every time."""
    for persona in PERSONAS:
        model.add_user(
            persona.first_name,
            last_name="(demo)",
            language_code=persona.language_code,
            user_id=persona.telegram_id,
        )


async def seed(database: Database) -> bool:
    """Create whatever part of the demo data is missing; True when anything was created."""
    async with database.write() as session:
        created = False
        locality = await network.locality_by_name(session, LOCALITY)
        if locality is None:
            locality = await _create_network(session)
            created = True
        for persona in PERSONAS:
            if persona.role is None or await people.by_telegram_id(session, persona.telegram_id):
                continue
            await _add_person(session, locality, persona)
            created = True
        await session.commit()
    return created


async def _create_network(session: AsyncSession) -> Locality:
    locality = await network.add_locality(session, name=LOCALITY)
    localities.configure(
        session,
        locality,
        actor=None,
        card_number_examples=normalise_examples([CARD_EXAMPLE]),
        postal_codes=normalise_postal_entries([POSTAL_CODES]),
    )
    for name, units in ORGANISATIONS.items():
        organisation = await network.add_organisation(
            session,
            locality=locality,
            name=name,
            kind="demo",
            # The demo's organisations have committed to the national guideline: they issue.
            committed_on=date.today(),
            commitment_recorded_by="demo",
        )
        for unit in units:
            await network.add_unit(session, organisation=organisation, name=unit)
    return locality


async def _add_person(session: AsyncSession, locality: Locality, persona: Persona) -> None:
    person = await people.add(
        session, telegram_id=persona.telegram_id, display_name=persona.display_name
    )
    if persona.role is Role.COORDINATOR:
        people.grant(session, person, Role.COORDINATOR, locality_id=locality.id)
        await _schedule_summary(session, person)
        return
    if persona.role is Role.CONTACT:
        organisation = await localities.organisation_by_name(
            session, locality.id, persona.organisation
        )
        if organisation is None:
            raise LookupError(f"the demo organisation {persona.organisation!r} is missing")
        people.grant(session, person, Role.CONTACT, organisation_id=organisation.id)
        return
    unit = await localities.unit_by_names(session, locality.id, persona.organisation, persona.unit)
    if unit is None:
        raise LookupError(f"the demo unit {persona.unit!r} is missing")
    people.grant(session, person, Role.ISSUER, unit_id=unit.id)


async def _schedule_summary(session: AsyncSession, coordinator: Person) -> None:
    await session.flush()  # the coordinator's id
    await summary_schedules.choose(
        session,
        coordinator,
        SummaryFrequency.WEEKLY,
        weekday=SUMMARY_WEEKDAY,
        hour=SUMMARY_HOUR,
        actor=None,
    )
