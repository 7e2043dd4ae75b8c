"""What the form engine does right for every form, shown on the real issuing and /invite forms:
each of these went wrong before the engine."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.context import KaikuApplication
from bot.sandbox.errors import BotApiError
from bot.sandbox.telegram_model import TelegramModel
from storage import people
from storage.models import Draft, Invitation, Issuance, Role
from tests.issuing.conftest import issue_new_card, open_form
from tests.support.network import Network, add_person
from tests.support.simulator import SimulatedUser, TelegramSimulator


@pytest.fixture
async def issuer(sim: TelegramSimulator, app: KaikuApplication, espoo: Network) -> SimulatedUser:
    """Ilona, who issues cards at Espoo's family centre and speaks English."""
    user = await sim.user("Ilona", language_code="en")
    await add_person(app.services.database, user.id, "Ilona", (Role.ISSUER, espoo.units["family"]))
    return user


async def stored_issuances(app: KaikuApplication) -> list[Issuance]:
    async with app.services.database.read() as session:
        return list(await session.scalars(select(Issuance)))


async def test_typed_answers_count_after_telegram_starts_update_ids_anew(
    issuer: SimulatedUser, app: KaikuApplication, telegram: TelegramModel
) -> None:
    await open_form(issuer)
    await issuer.send("KK123456")
    telegram.updates._next_id = 1  # a week without updates, or the emulator restarted

    await issuer.send("1985")

    assert issuer.last_reply().text.startswith("The postal code of the client's home?")


async def test_confirm_checks_the_issuers_units_as_they_are_now(
    issuer: SimulatedUser, app: KaikuApplication, espoo: Network
) -> None:
    await issue_new_card(issuer, confirm=False)
    # Meanwhile the issuer moved: deactivated, then invited into another organisation's unit.
    async with app.services.database.write() as session:
        person = await people.by_telegram_id(session, issuer.id)
        assert person is not None
        await people.withdraw_roles(session, person, actor=None)
        people.grant(session, person, Role.ISSUER, unit_id=espoo.units["helpline"])
        await session.commit()

    await issuer.click("Confirm")

    assert issuer.last_reply().text.startswith("You no longer issue cards for Family centre")
    assert await stored_issuances(app) == []
    async with app.services.database.read() as session:
        assert list(await session.scalars(select(Draft))) == []


async def test_a_confirm_pressed_again_after_the_card_was_stored_says_what_was_stored(
    issuer: SimulatedUser, app: KaikuApplication, telegram: TelegramModel
) -> None:
    await issue_new_card(issuer, confirm=False)
    summary = issuer.last_reply()
    confirm = summary.button("Confirm")
    assert confirm is not None
    # The card is stored, but its reply never arrives (the bot died, or Telegram failed).
    telegram.fail_next("sendMessage", BotApiError(502, "Bad Gateway"), count=2)  # and apology
    await issuer.click("Confirm")
    assert len(await stored_issuances(app)) == 1

    await issuer.simulator.process(
        telegram.user_clicks_data(issuer.id, summary.message_id, confirm["callback_data"])
    )

    assert issuer.last_reply().text.startswith("Card KK123456 is recorded. It is valid until ")
    assert len(await stored_issuances(app)) == 1


async def test_a_double_tap_on_a_button_that_edits_its_message_is_no_error(
    issuer: SimulatedUser, sim: TelegramSimulator, telegram: TelegramModel
) -> None:
    await issuer.send("/language")
    question = issuer.last_reply()
    english = question.button("English")
    assert english is not None
    await issuer.click("English")
    # The second tap of a double tap: the same edit again ("Message is not modified").
    await sim.process(
        telegram.user_clicks_data(issuer.id, question.message_id, english["callback_data"])
    )

    assert issuer.last_reply().text == "From now on I will use English."
    assert sim.errors == []


@pytest.mark.parametrize(
    "forged",
    [
        "invite:role:admin",
        "invite:unit:²",
        "iss:{version}:unit:²",
        "iss:{version}:unit:" + "9" * 20,
        "iss:{version}:kind:" + "x" * 40,
        "iss:{version}:nothing_of_the_kind",
        "iss:99999999999:kind:new",
        "iss:x:kind:new",
        "inv:{version}:role:admin",
    ],
)
async def test_forged_button_data_is_an_expired_button_or_a_second_chance(
    sim: TelegramSimulator,
    app: KaikuApplication,
    espoo: Network,
    telegram: TelegramModel,
    forged: str,
) -> None:
    both = await sim.user("Bo", language_code="en")
    await add_person(
        app.services.database,
        both.id,
        "Bo",
        (Role.ISSUER, espoo.units["family"]),
        (Role.ISSUER, espoo.units["helpline"]),
        (Role.COORDINATOR, espoo.localities["espoo"]),
    )
    await both.send("/invite" if forged.startswith("inv") else "/issue")
    question = both.last_reply()
    version = question.reply_markup["inline_keyboard"][0][0]["callback_data"].split(":")[1]  # type: ignore[index]

    await sim.process(
        telegram.user_clicks_data(both.id, question.message_id, forged.format(version=version))
    )

    assert sim.errors == []
    answered = both.callback_answers()[-1].text or ""
    asked_again = both.last_reply().text.startswith(
        ("Please choose one of the buttons.", "Please choose one of your units.")
    )
    assert answered == "This button has expired." or asked_again
    async with app.services.database.read() as session:
        assert list(await session.scalars(select(Invitation))) == []


async def test_a_button_pressed_in_a_group_starts_nothing(
    issuer: SimulatedUser, app: KaikuApplication, sim: TelegramSimulator, telegram: TelegramModel
) -> None:
    await issue_new_card(issuer)
    recorded = issuer.last_reply()
    again = recorded.button("Issue another card")
    assert again is not None
    update = telegram.user_clicks_data(issuer.id, recorded.message_id, again["callback_data"])
    # The same button, as Telegram would send it from a group the message was forwarded to.
    update["callback_query"]["message"]["chat"] = {"id": -100123, "type": "group", "title": "G"}

    await sim.process(update)

    assert sim.errors == []
    async with app.services.database.read() as session:
        assert list(await session.scalars(select(Draft))) == []
