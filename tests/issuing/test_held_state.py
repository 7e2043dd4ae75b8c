"""A step goes on from the person and form the bot holds; the statement storing it checks them.

The bot keeps each issuer and their form as it last read or wrote them. A step that stores an
answer reads nothing: its one statement stores the answer only if the person (their row and
roles, any change bumping person.version) and the form are still as held. Otherwise, and for
every step that stores nothing, the step starts again from a fresh read.
"""

from __future__ import annotations

from typing import Any

import aiosqlite
import pytest
from sqlalchemy import event, select

from bot.context import KaikuApplication
from storage import people
from storage.models import AuditEvent, Draft, Role
from tests.issuing.conftest import (
    cards_stored,
    current_question,
    issuances,
    issue_new_card,
    open_form,
)
from tests.support.network import Network, add_person
from tests.support.simulator import SimulatedUser, TelegramSimulator

# What a person whose access ended (deactivated, or every role withdrawn) is told.
ENDED = "Your access to Kaikubot has ended."


async def stored_form(app: KaikuApplication) -> Draft:
    async with app.services.database.read() as session:
        (draft,) = await session.scalars(select(Draft))
    return draft


async def audit_events(app: KaikuApplication) -> list[AuditEvent]:
    async with app.services.database.read() as session:
        return list(await session.scalars(select(AuditEvent).where(AuditEvent.action == "issue")))


class Statements:
    """The SQL statements the application sends, by their first word."""

    def __init__(self, app: KaikuApplication) -> None:
        self.engine = app.services.database.engine.sync_engine
        self.seen: list[str] = []

    def __enter__(self) -> list[str]:
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self.seen

    def __exit__(self, *_exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._count)

    def _count(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        self.seen.append(statement.split()[0])


async def change_person(app: KaikuApplication, user: SimulatedUser, change: str) -> None:
    """Change the issuer in a session of its own, as the command line does."""
    async with app.services.database.write() as session:
        person = await people.by_telegram_id(session, user.id)
        assert person is not None
        if change == "deactivate":
            people.set_active(session, person, active=False, actor=None)
        else:
            await people.withdraw_roles(session, person, actor=None)
        await session.commit()


@pytest.mark.parametrize("step", ["eligibility", "birth year"])
async def test_a_step_of_a_held_form_is_one_statement_in_one_thread_hop(
    issuer: SimulatedUser, app: KaikuApplication, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    # The bot's first message from Ilona stores her Telegram language (a change to her row,
    # so the next step reads her afresh); the form's first step stores the draft it holds.
    await issuer.send("/issue")
    await issuer.send("/cancel")
    await issuer.send("/issue")
    if step == "birth year":
        await issuer.click("All four apply")
        await issuer.click("New card")
        await issuer.send("KK123456")
    hops: list[str] = []
    original = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hops.append(getattr(fn, "__name__", repr(fn)))
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    with Statements(app) as statements:
        if step == "birth year":
            await issuer.send("1985")
        else:
            await issuer.click("All four apply")

    assert statements == ["UPDATE"]  # with its BEGIN and its COMMIT
    assert hops == ["_run_statement"]
    if step == "birth year":
        assert issuer.last_reply().text.startswith("The postal code of the client's home?")
        assert (await stored_form(app)).answers["birth_year"] == 1985
    else:
        assert (await stored_form(app)).step == "CHOOSING_KIND"


@pytest.mark.parametrize("change", ["deactivate", "withdraw roles"])
@pytest.mark.parametrize("answer", ["1985", "not a year"])
async def test_an_issuer_changed_meanwhile_is_refused_and_nothing_is_stored(
    issuer: SimulatedUser, app: KaikuApplication, change: str, answer: str
) -> None:
    await open_form(issuer)
    await issuer.send("KK123456")
    before = await stored_form(app)
    await change_person(app, issuer, change)

    await issuer.send(answer)

    assert issuer.last_reply().text.startswith(ENDED)
    after = await stored_form(app)
    assert (after.step, after.answers) == (before.step, before.answers)


async def test_a_button_pressed_after_the_issuer_was_deactivated_is_refused(
    issuer: SimulatedUser, app: KaikuApplication
) -> None:
    await open_form(issuer)
    await issuer.send("KK123456")
    await issuer.send("1985")
    await issuer.send("02150")
    await change_person(app, issuer, "deactivate")

    await issuer.click("2")

    assert (issuer.callback_answers()[-1].text or "").startswith(ENDED)
    assert (await stored_form(app)).answers["children"] is None


async def test_a_form_changed_elsewhere_is_read_again_before_the_step_goes_on(
    issuer: SimulatedUser, app: KaikuApplication
) -> None:
    await open_form(issuer)
    await issuer.send("KK123456")
    # Another writer (here: by hand) changes an answer the bot holds.
    async with app.services.database.write() as session:
        (draft,) = await session.scalars(select(Draft))
        draft.answers = {**draft.answers, "number": "KK999999"}
        await session.commit()

    await issuer.send("1985")

    form = await stored_form(app)
    assert form.step == "AWAITING_POSTAL_CODE"
    assert (form.answers["number"], form.answers["birth_year"]) == ("KK999999", 1985)


async def test_confirming_a_held_form_stores_it_without_reading_or_a_savepoint(
    issuer: SimulatedUser, app: KaikuApplication
) -> None:
    await issue_new_card(issuer, confirm=False)

    with Statements(app) as statements:
        await issuer.click("Confirm")

    # Card, issuance, audit event; the draft's deletion checks the issuer and form, and commits.
    assert statements == ["INSERT", "INSERT", "INSERT", "DELETE"]
    assert issuer.last_reply().text.startswith("Card KK123456 is recorded.")
    assert [issuance.card.number for issuance in await issuances(app)] == ["KK123456"]
    assert len(await audit_events(app)) == 1


@pytest.mark.parametrize("change", ["deactivate", "withdraw roles"])
async def test_a_confirm_after_the_issuer_changed_stores_nothing(
    issuer: SimulatedUser, app: KaikuApplication, change: str
) -> None:
    await issue_new_card(issuer, confirm=False)
    await change_person(app, issuer, change)

    await issuer.click("Confirm")

    assert (issuer.callback_answers()[-1].text or "").startswith(ENDED)
    assert (await cards_stored(app), await issuances(app), await audit_events(app)) == ([], [], [])
    assert (await stored_form(app)).step == "CONFIRMING"


async def test_a_number_taken_after_its_step_is_refused_at_confirm_and_asked_again(
    issuer: SimulatedUser, app: KaikuApplication, sim: TelegramSimulator, espoo: Network
) -> None:
    other = await sim.user("Toka", language_code="en")
    other_id = await add_person(
        app.services.database, other.id, "Toka", (Role.ISSUER, espoo.units["helpline"])
    )
    await issue_new_card(issuer, confirm=False)
    await issue_new_card(other, confirm=False)
    await other.click("Confirm")

    # Ilona's number was free at its step; her Confirm finds it taken, stores nothing of it
    # and, read afresh, asks for the number again.
    await issuer.click("Confirm")

    assert current_question(issuer).startswith(
        "Card number KK123456 was recorded by someone else a moment ago."
    )
    assert [issuance.issuer_id for issuance in await issuances(app)] == [other_id]
    assert len(await cards_stored(app)) == 1
    assert len(await audit_events(app)) == 1
    assert (await stored_form(app)).step == "AWAITING_NUMBER"
    assert sim.errors == []
