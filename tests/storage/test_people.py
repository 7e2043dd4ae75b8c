"""A form's step reads its person afresh every time, and reuses the objects of the last step."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, update

from storage import drafts, people
from storage.db import Database
from storage.models import Person, Role
from tests.support.network import add_person, build_network

PERSON = 7001


async def step(database: Database, held: people.Held) -> tuple[Any, Any, int]:
    """One step's read; returns the person, the draft and how many statements it took."""
    statements: list[str] = []

    def count(*_args: Any) -> None:
        statements.append("statement")

    event.listen(database.engine.sync_engine, "before_cursor_execute", count)
    try:
        async with database.write() as session:
            person, draft = await people.with_draft(
                session, PERSON, chat_id=PERSON, conversation="form", held=held
            )
            await session.commit()
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", count)
    return person, draft, len(statements)


@pytest.fixture
def held() -> people.Held:
    return people.Held()


@pytest.fixture
async def issuer(database: Database) -> int:
    network = await build_network(database)
    person_id = await add_person(database, PERSON, "Ilona", (Role.ISSUER, network.units["family"]))
    async with database.write() as session:
        await drafts.save(session, "form", PERSON, PERSON, step="A", answers={"n": 1})
        await session.commit()
    return person_id


async def test_an_unchanged_person_is_read_in_one_statement_into_the_same_objects(
    database: Database, issuer: int, held: people.Held
) -> None:
    first, first_draft, _ = await step(database, held)
    second, second_draft, statements = await step(database, held)

    assert statements == 1
    assert second is first
    assert second_draft is first_draft
    assert second.id == issuer
    assert [role.role for role in second.roles] == [Role.ISSUER]
    assert second_draft is not None
    assert second_draft.answers == {"n": 1}


async def test_the_draft_is_always_as_its_row_now_reads(
    database: Database, issuer: int, held: people.Held
) -> None:
    await step(database, held)
    async with database.write() as session:
        await drafts.save(session, "form", PERSON, PERSON, step="B", answers={"n": 2})
        await session.commit()

    _person, draft, _ = await step(database, held)

    assert draft is not None
    assert (draft.step, draft.answers) == ("B", {"n": 2})


async def test_a_change_to_the_person_or_their_roles_is_seen_at_once(
    database: Database, issuer: int, held: people.Held
) -> None:
    before, _draft, _ = await step(database, held)
    async with database.write() as session:  # as the command line would, in another process
        person = await people.by_telegram_id(session, PERSON)
        assert person is not None
        await people.withdraw_roles(session, person, actor=None)
        await session.execute(update(Person).where(Person.id == issuer).values(active=False))
        await session.commit()

    after, _draft, _ = await step(database, held)

    assert after is not before
    assert not after.active
    assert after.roles == []
    assert people.unit_ids(before)
    assert not people.unit_ids(after)


async def test_objects_expired_by_a_rollback_are_loaded_again(
    database: Database, issuer: int, held: people.Held
) -> None:
    async with database.write() as session:
        loaded, _draft = await people.with_draft(
            session, PERSON, chat_id=PERSON, conversation="form", held=held
        )
        assert loaded is not None
        await session.rollback()  # expires what this session loaded

    person, _draft, _ = await step(database, held)

    assert person is not None
    assert person.active
    assert person.roles


async def test_what_a_message_tells_about_a_kept_person_is_stored(
    database: Database, issuer: int, held: people.Held
) -> None:
    await step(database, held)
    kept, _draft, _ = await step(database, held)
    async with database.write() as session:
        person, _draft = await people.with_draft(
            session, PERSON, chat_id=PERSON, conversation="form", held=held
        )
        assert person is kept
        people.note_message(session, person, "sv")
        await session.commit()

    async with database.read() as session:
        stored = await people.by_telegram_id(session, PERSON)
    assert stored is not None
    assert stored.telegram_language == "sv"


async def version(database: Database, person_id: int) -> int:
    async with database.read() as session:
        person = await people.by_id(session, person_id)
    assert person is not None
    return person.version


async def test_the_database_bumps_the_version_on_any_change_to_a_person_or_their_roles(
    database: Database, issuer: int
) -> None:
    versions = [await version(database, issuer)]
    async with database.write() as session:  # a change to the row itself
        await session.execute(update(Person).where(Person.id == issuer).values(language="sv"))
        await session.commit()
    versions.append(await version(database, issuer))
    async with database.write() as session:  # a role granted
        person = await people.by_id(session, issuer)
        assert person is not None
        people.grant(session, person, Role.COORDINATOR, locality_id=1)
        await session.commit()
    versions.append(await version(database, issuer))
    async with database.write() as session:  # roles withdrawn
        person = await people.by_id(session, issuer)
        assert person is not None
        await people.withdraw_roles(session, person, actor=None)
        await session.commit()
    versions.append(await version(database, issuer))

    assert versions == sorted(set(versions))  # each change a new, higher version


async def held_step(database: Database, held: people.Held, *, next_step: str) -> None:
    """Store a step from what the bot holds, unread, as a form's optimistic step does."""
    await step(database, held)
    kept = held.kept(PERSON, chat_id=PERSON, conversation="form")
    assert kept is not None
    person, draft = kept
    expected = drafts.Expected(person.id, person.version, draft.updated_at)
    async with database.write() as session:
        await drafts.save(
            session,
            "form",
            PERSON,
            PERSON,
            step=next_step,
            answers={"n": 2},
            existing=draft,
            commit=True,
            expected=expected,
        )


async def test_a_held_step_is_stored_while_nothing_changed(
    database: Database, issuer: int, held: people.Held
) -> None:
    await held_step(database, held, next_step="B")

    async with database.read() as session:
        stored = await drafts.get(session, "form", PERSON, PERSON)
    assert stored is not None
    assert (stored.step, stored.answers) == ("B", {"n": 2})


async def test_a_held_step_stores_nothing_once_the_person_or_the_draft_changed(
    database: Database, issuer: int, held: people.Held
) -> None:
    await step(database, held)
    kept = held.kept(PERSON, chat_id=PERSON, conversation="form")
    assert kept is not None
    person, draft = kept
    expected = drafts.Expected(person.id, person.version, draft.updated_at)
    async with database.write() as session:  # meanwhile, elsewhere: the role is withdrawn
        loaded = await people.by_telegram_id(session, PERSON)
        assert loaded is not None
        await people.withdraw_roles(session, loaded, actor=None)
        await session.commit()

    with pytest.raises(drafts.NotAsExpected):
        async with database.write() as session:
            await drafts.save(
                session,
                "form",
                PERSON,
                PERSON,
                step="B",
                answers={"n": 2},
                existing=draft,
                commit=True,
                expected=expected,
            )

    async with database.read() as session:
        stored = await drafts.get(session, "form", PERSON, PERSON)
    assert stored is not None
    assert (stored.step, stored.answers) == ("A", {"n": 1})
