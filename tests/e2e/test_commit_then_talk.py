"""Nobody waits for another person's Telegram round trip: the real `kaikubot` process commits
each update before it talks to Telegram, so a reply Telegram holds up for one person keeps
nobody else's answer out of the database."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.db import Database
from storage.models import Draft, Role
from tests.e2e.conftest import WAIT, BotProcess, Person
from tests.support.network import add_person, build_network

pytestmark = pytest.mark.e2e

ELIGIBILITY = "Check that all four apply to the client:"


async def draft_of(database: Database, person: Person) -> str | None:
    """The step of the person's issuing form, as stored."""
    async with database.read() as session:
        return await session.scalar(select(Draft.step).where(Draft.user_id == person.id))


async def test_a_reply_held_up_for_one_person_keeps_nobody_elses_answer_waiting(
    kaikubot: BotProcess, bot_database: Database
) -> None:
    espoo = await build_network(bot_database)
    anna = Person(kaikubot, kaikubot.server.model.add_user("Anna", language_code="en"))
    bertil = Person(kaikubot, kaikubot.server.model.add_user("Bertil", language_code="en"))
    await add_person(
        bot_database, bertil.id, "Bertil", (Role.ISSUER, espoo.units["family"]), language="en"
    )
    await kaikubot.start()

    # Anna, not invited, tries /issue (a handler that may write), and Telegram takes its time
    # with her answer: it is held until the test lets it through.
    release = kaikubot.server.hold_next("sendMessage", chat_id=anna.id)
    kaikubot.server.model.user_sends_text(anna.id, "/issue")
    await kaikubot.wait_for(lambda: kaikubot.server.holding == 1, WAIT, "Anna's reply held")

    # Meanwhile Bertil's answer is stored and answered.
    reply = await bertil.send("/issue")
    assert reply.text.startswith(ELIGIBILITY)
    assert await draft_of(bot_database, bertil) == "CHECKING_ELIGIBILITY"
    assert kaikubot.server.holding == 1  # Anna's reply is still on its way
    assert anna.messages() == []

    release.set()
    await kaikubot.wait_for(lambda: bool(anna.messages()), WAIT, "Anna's reply")
    assert anna.messages()[0].text.startswith("Hello! I am Kaikubot")
