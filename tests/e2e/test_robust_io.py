"""What the outside world sends or fails to send does not stop the real `kaikubot` process:
an update it cannot read, and a Telegram slow to answer many people at once."""

from __future__ import annotations

import pytest

from storage.db import Database
from tests.e2e.conftest import WAIT, BotProcess, Person

pytestmark = pytest.mark.e2e

GREETING = "Hello! I am Kaikubot"
SECRET = "131052-308T"


async def test_an_update_the_bot_cannot_read_is_skipped_without_its_content_in_the_log(
    kaikubot: BotProcess, bot_database: Database
) -> None:
    model = kaikubot.server.model
    await kaikubot.start()
    person = Person(kaikubot, model.add_user("Aino", language_code="en"))
    # A message with a poll in an older Bot API shape (required fields missing), as an older
    # self-hosted Bot API server sends, holding what a person typed.
    chat = {"id": person.id, "type": "private", "first_name": "Aino"}
    sender = {"id": person.id, "is_bot": False, "first_name": "Aino"}
    poll = {"id": "77", "question": f"client {SECRET}"}
    unreadable = model.updates.push(
        {"message": {"message_id": 1, "date": 0, "chat": chat, "from": sender, "poll": poll}}
    )

    reply = await person.send("hello")  # the bot went on past it

    assert reply.text.startswith(GREETING)
    log = kaikubot.log()
    assert f"skipped update {unreadable['update_id']} (message)" in log
    assert SECRET not in log
    assert "CRITICAL" not in log
    assert model.updates.pending == []  # confirmed, not fetched again and again


async def test_many_people_waiting_on_a_slow_telegram_at_once_all_get_their_answers(
    kaikubot: BotProcess, bot_database: Database
) -> None:
    model = kaikubot.server.model
    await kaikubot.start()
    people = [Person(kaikubot, model.add_user(f"P{n}", language_code="en")) for n in range(24)]
    release = kaikubot.server.hold_next("sendMessage", count=len(people))

    for person in people:
        model.user_sends_text(person.id, "hello")
    # Every answer is on its way at once, each on a connection of its own.
    await kaikubot.wait_for(
        lambda: kaikubot.server.holding == len(people), WAIT, "every answer held at once"
    )
    release.set()

    for person in people:
        await kaikubot.wait_for(lambda p=person: bool(p.messages()), WAIT, "an answer")  # type: ignore[misc]
        assert person.messages()[0].text.startswith(GREETING)
    assert "Pool timeout" not in kaikubot.log()
