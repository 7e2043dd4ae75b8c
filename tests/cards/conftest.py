"""People of Espoo's network who issue, see and change cards, and helpers to reach an issuance."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.context import KaikuApplication
from storage.models import AuditEvent, Issuance, Role
from tests.support.network import Network, add_person
from tests.support.simulator import SimulatedUser, TelegramSimulator


async def person(
    sim: TelegramSimulator, app: KaikuApplication, name: str, *roles: tuple[Role, int]
) -> SimulatedUser:
    user = await sim.user(name, language_code="en")
    await add_person(app.services.database, user.id, name, *roles)
    return user


@pytest.fixture
async def ilona(sim: TelegramSimulator, app: KaikuApplication, espoo: Network) -> SimulatedUser:
    """Issues cards at the family centre."""
    return await person(sim, app, "Ilona", (Role.ISSUER, espoo.units["family"]))


@pytest.fixture
async def kaisa(sim: TelegramSimulator, app: KaikuApplication, espoo: Network) -> SimulatedUser:
    """Ilona's colleague at the family centre."""
    return await person(sim, app, "Kaisa", (Role.ISSUER, espoo.units["family"]))


@pytest.fixture
async def hanna(sim: TelegramSimulator, app: KaikuApplication, espoo: Network) -> SimulatedUser:
    """Issues cards at the Red Cross helpline (another organisation in Espoo)."""
    return await person(sim, app, "Hanna", (Role.ISSUER, espoo.units["helpline"]))


@pytest.fixture
async def cecilia(sim: TelegramSimulator, app: KaikuApplication, espoo: Network) -> SimulatedUser:
    """The contact person of Social services (family centre and youth station)."""
    return await person(sim, app, "Cecilia", (Role.CONTACT, espoo.organisations["social"]))


@pytest.fixture
async def olli(sim: TelegramSimulator, app: KaikuApplication, espoo: Network) -> SimulatedUser:
    """Coordinates Espoo."""
    return await person(sim, app, "Olli", (Role.COORDINATOR, espoo.localities["espoo"]))


def card_buttons(user: SimulatedUser) -> list[str]:
    """The issuances the latest list shows (their buttons)."""
    return [label for label in user.buttons() if " · " in label]


async def open_card(user: SimulatedUser, number: str) -> None:
    """Open the card's issuance from /cards."""
    await user.send("/cards")
    label = next((b for b in card_buttons(user) if f" · {number} · " in b), None)
    assert label is not None, f"{number} is not listed: {user.buttons()}"
    await user.click(label)


async def age_issuances(app: KaikuApplication, days: int) -> None:
    """Move every issuance `days` into the past."""
    async with app.services.database.write() as session:
        for issuance in await session.scalars(select(Issuance)):
            issuance.issued_on -= timedelta(days=days)
        await session.commit()


async def audit_events(app: KaikuApplication, action: str) -> list[AuditEvent]:
    """The audit log's events of one action, oldest first."""
    async with app.services.database.read() as session:
        return list(
            await session.scalars(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            )
        )
