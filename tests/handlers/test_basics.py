"""/start, /help, /language, /cancel and the catch-all, as people see them."""

from __future__ import annotations

import asyncio

import pytest

from bot.context import KaikuApplication
from bot.i18n import translator
from bot.sandbox.telegram_model import TelegramModel
from storage import people
from storage.models import Role
from tests.support.network import Network, add_person
from tests.support.simulator import TelegramSimulator


async def test_a_stranger_gets_a_polite_explanation_and_nothing_else(
    sim: TelegramSimulator, app: KaikuApplication
) -> None:
    stranger = await sim.user("Sanna", language_code="en")

    for text in ("/start", "/help", "/me", "/language", "hello?", "/issue"):
        await stranger.send(text)
        assert "invitation" in stranger.last_reply().text
        assert stranger.buttons() == []

    async with app.services.database.read() as session:
        assert await people.by_telegram_id(session, stranger.id) is None


async def test_help_speaks_finnish_by_default_for_a_finnish_telegram(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    issuer = await sim.user("Ilona", language_code="fi")
    await add_person(
        app.services.database, issuer.id, "Ilona", (Role.ISSUER, espoo.units["family"])
    )

    await issuer.send("/help")

    assert issuer.last_reply().text.startswith("Näin voin auttaa sinua:")


async def test_telegram_language_is_used_until_a_person_chooses(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    issuer = await sim.user("Iris", language_code="sv-FI")
    await add_person(app.services.database, issuer.id, "Iris", (Role.ISSUER, espoo.units["family"]))

    await issuer.send("/help")
    assert issuer.last_reply().text.startswith("Så här kan jag hjälpa dig:")

    await issuer.send("/language")
    assert issuer.buttons() == ["suomi", "svenska", "English"]
    await issuer.click("English")
    assert issuer.last_reply().text == "From now on I will use English."

    await issuer.send("/help")
    assert issuer.last_reply().text.startswith("Here is what I can do for you:")


async def test_an_unknown_telegram_language_falls_back_to_the_default(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    issuer = await sim.user("Ingrid", language_code="de")
    await add_person(
        app.services.database, issuer.id, "Ingrid", (Role.ISSUER, espoo.units["family"])
    )

    await issuer.send("/help")

    assert issuer.last_reply().text.startswith("Näin voin auttaa sinua:")


async def test_the_stored_language_wins_over_telegram(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    issuer = await sim.user("Ida", language_code="en")
    await add_person(
        app.services.database, issuer.id, "Ida", (Role.ISSUER, espoo.units["family"]), language="sv"
    )

    await issuer.send("/help")

    assert issuer.last_reply().text.startswith("Så här kan jag hjälpa dig:")


async def test_several_people_at_once_each_get_their_own_answer(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    languages = ["fi", "sv", "en"] * 4
    users = [await sim.user(f"Person {i}", language_code=code) for i, code in enumerate(languages)]
    for user in users:
        await add_person(
            app.services.database, user.id, user.first_name, (Role.ISSUER, espoo.units["youth"])
        )

    await asyncio.gather(*(user.send("/start") for user in users))

    for user, code in zip(users, languages, strict=True):
        greeting = {"fi": "Hei", "sv": "Hej", "en": "Hello"}[code]
        assert user.last_reply().text.startswith(f"{greeting}, {user.first_name}!")
        assert len(user.replies_since_last_action()) == 1


async def test_cancel_with_nothing_under_way_says_so(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    issuer = await sim.user("Iiris", language_code="en")
    await add_person(
        app.services.database, issuer.id, "Iiris", (Role.ISSUER, espoo.units["family"])
    )

    await issuer.send("/cancel")

    assert issuer.last_reply().text == "There is nothing to cancel."


async def test_text_nobody_expects_gets_a_pointer_to_help_not_silence(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    issuer = await sim.user("Inka", language_code="en")
    await add_person(app.services.database, issuer.id, "Inka", (Role.ISSUER, espoo.units["family"]))

    await issuer.send("what is this?")

    # Free text is a question for the guideline answers (handlers/guideline.py); one that
    # matches nothing gets a pointer to the topics and to whom to ask.
    assert issuer.last_reply().text.startswith("I found nothing on that. /guide lists every topic.")


ENDED = (
    "Your access to Kaikubot has ended. If you still need it, ask your coordinator for a new "
    "invitation."
)


@pytest.mark.parametrize("typed", ["/help", "/start", "/issue", "hello"])
async def test_a_deactivated_person_hears_that_their_access_has_ended(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network, typed: str
) -> None:
    former = await sim.user("Fanny", language_code="en")
    await add_person(
        app.services.database,
        former.id,
        "Fanny",
        (Role.ISSUER, espoo.units["family"]),
        active=False,
    )

    await former.send(typed)

    assert former.last_reply().text == ENDED


async def test_a_person_whose_roles_were_all_withdrawn_hears_that_their_access_has_ended(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    former = await sim.user("Fredrik", language_code="sv")
    await add_person(app.services.database, former.id, "Fredrik")

    await former.send("/help")

    assert former.last_reply().text == translator("sv").gettext(ENDED) != ENDED


async def test_a_deactivated_persons_button_press_gets_the_same_answer(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network, telegram: TelegramModel
) -> None:
    former = await sim.user("Fanny", language_code="en")
    await add_person(
        app.services.database, former.id, "Fanny", (Role.ISSUER, espoo.units["family"])
    )
    await former.send("/help")
    message = former.last_reply().message_id
    await add_person_inactive(app, former.id)

    await sim.process(telegram.user_clicks_data(former.id, message, "language:fi"))

    assert former.callback_answers()[-1].text == ENDED


async def add_person_inactive(app: KaikuApplication, telegram_id: int) -> None:
    async with app.services.database.write() as session:
        person = await people.by_telegram_id(session, telegram_id)
        assert person is not None
        people.set_active(session, person, active=False, actor=None)
        await session.commit()


async def test_choosing_a_language_also_translates_the_command_menu(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network, telegram: TelegramModel
) -> None:
    issuer = await sim.user("Irma", language_code="fi")
    await add_person(app.services.database, issuer.id, "Irma", (Role.ISSUER, espoo.units["family"]))

    await issuer.send("/language")
    await issuer.click("svenska")
    await app.services.courier.deliver_due(app.bot)

    menu = {
        entry["command"]: entry["description"] for entry in telegram.commands_seen_by(issuer.id)
    }
    assert menu["issue"] == "Dela ut ett Kaikukort"
