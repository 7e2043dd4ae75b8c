"""People are read with their roles and their draft in one query, always as they are now."""

from __future__ import annotations

import pytest

from storage import drafts, people
from storage.db import Database
from storage.models import Role
from tests.support.network import add_person, build_network

PERSON = 7001


@pytest.fixture
async def issuer(database: Database) -> int:
    network = await build_network(database)
    person_id = await add_person(database, PERSON, "Ilona", (Role.ISSUER, network.units["family"]))
    async with database.write() as session:
        await drafts.save(session, "form", PERSON, PERSON, step="A", answers={"n": 1})
        await session.commit()
    return person_id


async def test_a_person_comes_with_their_roles_and_their_draft_in_the_chat(
    database: Database, issuer: int
) -> None:
    async with database.read() as session:
        person, draft = await people.with_draft(session, PERSON, chat_id=PERSON)
        _same, none = await people.with_draft(session, PERSON, chat_id=PERSON + 1)
    assert person is not None
    assert person.id == issuer
    assert [role.role for role in person.roles] == [Role.ISSUER]
    assert draft is not None
    assert (draft.step, draft.answers) == ("A", {"n": 1})
    assert none is None


async def test_a_change_to_the_person_or_their_roles_is_seen_at_once(
    database: Database, issuer: int
) -> None:
    async with database.write() as session:
        person = await people.by_id(session, issuer)
        assert person is not None
        await people.withdraw_roles(session, person, actor=None)
        await session.commit()
    async with database.read() as session:
        person, _draft = await people.with_draft(session, PERSON, chat_id=PERSON)
    assert person is not None
    assert person.roles == []


async def test_a_stranger_has_neither_person_nor_draft(database: Database, issuer: int) -> None:
    async with database.read() as session:
        assert await people.with_draft(session, 1, chat_id=1) == (None, None)


async def test_what_a_message_tells_about_a_person_is_stored(
    database: Database, issuer: int
) -> None:
    async with database.write() as session:
        person = await people.by_telegram_id(session, PERSON)
        assert person is not None
        people.mark_blocked(person, blocked=True)
        await session.commit()
    async with database.write() as session:
        person = await people.by_telegram_id(session, PERSON)
        assert person is not None
        people.note_message(person, "sv")
        await session.commit()

    async with database.read() as session:
        stored = await people.by_telegram_id(session, PERSON)
    assert stored is not None
    assert stored.telegram_language == "sv"
    assert stored.blocked_bot_at is None  # they wrote, so they have not blocked the bot
