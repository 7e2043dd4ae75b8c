"""Fixtures for guideline answers: people of the test network who ask questions."""

from __future__ import annotations

import pytest

from bot.context import KaikuApplication
from storage.models import Role
from tests.support.network import Network, add_person
from tests.support.simulator import SimulatedUser, TelegramSimulator


async def person(
    sim: TelegramSimulator,
    app: KaikuApplication,
    name: str,
    role: tuple[Role, int],
    language: str,
) -> SimulatedUser:
    """A person of the network with one role who speaks the given language."""
    user = await sim.user(name, language_code=language)
    await add_person(app.services.database, user.id, name, role)
    return user


@pytest.fixture
async def ilona(sim: TelegramSimulator, app: KaikuApplication, espoo: Network) -> SimulatedUser:
    """An issuer at Espoo's family centre who reads Finnish."""
    return await person(sim, app, "Ilona", (Role.ISSUER, espoo.units["family"]), "fi")


@pytest.fixture
async def ingrid(sim: TelegramSimulator, app: KaikuApplication, espoo: Network) -> SimulatedUser:
    """An issuer at Espoo's youth station who reads Swedish."""
    return await person(sim, app, "Ingrid", (Role.ISSUER, espoo.units["youth"]), "sv")


@pytest.fixture
async def ian(sim: TelegramSimulator, app: KaikuApplication, espoo: Network) -> SimulatedUser:
    """An issuer at the Red Cross helpline who reads English."""
    return await person(sim, app, "Ian", (Role.ISSUER, espoo.units["helpline"]), "en")
