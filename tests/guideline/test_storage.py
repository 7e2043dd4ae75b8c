"""Questions counted, texts kept only when useful, ratings by the asker only: on both backends."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage import guideline, people
from storage.db import Database
from storage.models import GuidelineQuestion, Role
from tests.support.network import add_person, build_network

pytestmark = pytest.mark.postgres


async def test_a_sure_answer_is_counted_and_a_thumbs_down_keeps_its_text(
    database: Database,
) -> None:
    network = await build_network(database)
    asker = await add_person(database, 1, "Ilona", (Role.ISSUER, network.units["family"]))
    other = await add_person(database, 2, "Ian", (Role.ISSUER, network.units["family"]))

    async with database.write() as session:
        ilona = await people.by_id(session, asker)
        assert ilona is not None
        sure = await guideline.record_question(
            session,
            person=ilona,
            language="fi",
            topic="card.validity",
            score=0.8,
            sure=True,
            text="Kauanko kortti on voimassa?",
        )
        unsure = await guideline.record_question(
            session,
            person=ilona,
            language="fi",
            topic="org.training",
            score=0.1,
            sure=False,
            text="Milloin on palaveri?",
        )
        await session.commit()
    async with database.write() as session:
        ian = await people.by_id(session, other)
        ilona = await people.by_id(session, asker)
        assert ian is not None
        assert ilona is not None
        assert not await guideline.rate(
            session, question_id=sure.id, person=ian, vote=guideline.DOWN, text="x"
        )
        assert await guideline.rate(
            session,
            question_id=sure.id,
            person=ilona,
            vote=guideline.DOWN,
            text="Kauanko kortti on voimassa?",
        )
        assert await guideline.rate(
            session, question_id=unsure.id, person=ilona, vote=guideline.UP, text=None
        )
        await session.commit()

    async with database.read() as session:
        rows = (
            await session.scalars(select(GuidelineQuestion).order_by(GuidelineQuestion.id))
        ).all()
    assert [(r.topic, r.sure, r.vote, r.question) for r in rows] == [
        ("card.validity", True, "down", "Kauanko kortti on voimassa?"),
        ("org.training", False, "up", "Milloin on palaveri?"),
    ]


async def test_advisers_are_the_contact_persons_and_coordinators_of_ones_own_network(
    database: Database,
) -> None:
    network = await build_network(database)
    asker = await add_person(database, 1, "Ilona", (Role.ISSUER, network.units["family"]))
    await add_person(database, 2, "Cecilia", (Role.CONTACT, network.organisations["social"]))
    await add_person(database, 3, "Rolf", (Role.CONTACT, network.organisations["red_cross"]))
    await add_person(database, 4, "Kalle", (Role.COORDINATOR, network.localities["espoo"]))
    await add_person(database, 5, "Vera", (Role.COORDINATOR, network.localities["vantaa"]))
    await add_person(
        database, 6, "Gone", (Role.CONTACT, network.organisations["social"]), active=False
    )

    async with database.read() as session:
        ilona = await people.by_id(session, asker)
        assert ilona is not None
        found = await guideline.advisers(session, ilona)

    assert found == guideline.Advisers(contact_persons=["Cecilia"], coordinators=["Kalle"])
