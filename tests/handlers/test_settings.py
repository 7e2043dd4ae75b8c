"""/settings: a coordinator changes the locality's settings in chat; the others are told."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from bot.context import KaikuApplication
from storage import localities
from storage.models import AuditEvent, Locality, Role
from tests.support.network import Network, add_person
from tests.support.simulator import SimulatedUser, TelegramSimulator


async def coordinator(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network, name: str, language: str
) -> SimulatedUser:
    user = await sim.user(name, language_code=language)
    await add_person(
        app.services.database, user.id, name, (Role.COORDINATOR, espoo.localities["espoo"])
    )
    return user


async def stored_espoo(app: KaikuApplication, espoo: Network) -> Locality:
    async with app.services.database.read() as session:
        locality = await localities.by_id(session, espoo.localities["espoo"])
        assert locality is not None
        return locality


async def test_the_first_step_lists_the_settings_with_their_stored_values(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    kaisa = await coordinator(sim, app, espoo, "Kaisa", "en")

    await kaisa.send("/settings")

    assert kaisa.last_reply().text == "Which setting of your network do you want to change?"
    assert kaisa.buttons() == [
        "Card number format: KK123456 (KK and 6 digits)",
        "Validity of a card: 12 months",
        "End of the pilot: no end date",
        "Network postal codes: 02100-02999",
        "Cancel",
    ]


async def test_a_changed_card_format_is_shown_old_to_new_stored_audited_and_told_to_others(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    kaisa = await coordinator(sim, app, espoo, "Kaisa", "en")
    matti = await coordinator(sim, app, espoo, "Matti", "fi")
    other = await sim.user("Vera", language_code="en")
    await add_person(
        app.services.database, other.id, "Vera", (Role.COORDINATOR, espoo.localities["vantaa"])
    )

    await kaisa.send("/settings")
    await kaisa.click("Card number format: KK123456 (KK and 6 digits)")
    assert "Now: KK123456 (KK and 6 digits)" in kaisa.last_reply().text
    await kaisa.send("KK123456, ab 1234 5678")

    summary = kaisa.last_reply().text
    assert summary == (
        "Change these settings of your network?\n\n"
        "Card number format: KK123456 (KK and 6 digits) → KK123456, AB12345678 "
        "(KK and 6 digits or AB and 8 digits)"
    )
    await kaisa.click("Confirm")

    assert kaisa.last_reply().text.startswith("Saved. The other coordinators")
    assert (await stored_espoo(app, espoo)).card_number_examples == ["KK123456", "AB12345678"]
    async with app.services.database.read() as session:
        event = await session.scalar(
            select(AuditEvent).where(
                AuditEvent.entity == "locality", AuditEvent.action == "configure"
            )
        )
    assert event is not None
    assert event.before == {"card_number_examples": ["KK123456"]}
    assert event.after == {"card_number_examples": ["KK123456", "AB12345678"]}

    await app.services.courier.deliver_due(app.bot)
    told = matti.last_reply().text
    assert told.startswith("Kaisa muutti alueen Espoo asetuksia:")
    assert "KK ja 6 numeroa" in told
    assert other.replies_since_last_action() == []
    assert kaisa.last_reply().text.startswith("Saved.")


async def test_a_setting_named_with_the_command_opens_at_once_and_refuses_bad_answers(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    kaisa = await coordinator(sim, app, espoo, "Kaisa", "en")

    await kaisa.send("/settings validity")
    assert kaisa.last_reply().text.startswith("How many months is a new card valid?")
    await kaisa.send("0")
    assert kaisa.last_reply().text.startswith("Please type a number of months from 1 to 60.")
    await kaisa.click("24")
    assert kaisa.last_reply().text.endswith("Validity of a card: 12 months → 24 months")
    await kaisa.click("Confirm")

    # Nobody else coordinates Espoo: nobody to tell.
    assert kaisa.last_reply().text == "Saved.\n\nValidity of a card: 12 months → 24 months"

    assert (await stored_espoo(app, espoo)).validity_months == 24


async def test_a_pilot_end_in_the_past_is_refused_and_a_future_one_stored(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    kaisa = await coordinator(sim, app, espoo, "Kaisa", "en")
    yesterday = date.today() - timedelta(days=2)
    ahead = date.today() + timedelta(days=200)

    await kaisa.send("/settings pilot")
    await kaisa.send(f"{yesterday.day}.{yesterday.month}.{yesterday.year}")
    assert "is in the past" in kaisa.last_reply().text
    await kaisa.send("soon")
    assert kaisa.last_reply().text.startswith("Please type a date, for example")
    await kaisa.send(ahead.isoformat())
    await kaisa.click("Confirm")

    assert (await stored_espoo(app, espoo)).pilot_end_date == ahead


async def test_postal_codes_are_pasted_as_a_list_with_ranges(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    kaisa = await coordinator(sim, app, espoo, "Kaisa", "en")

    await kaisa.send("/settings postal")
    await kaisa.send("02100 – 02999\n02700, 02999-02100")
    assert "A range must not end before it starts" in kaisa.last_reply().text
    await kaisa.send("02100 – 02999\n02700; 00100-00190")
    await kaisa.click("Confirm")

    assert (await stored_espoo(app, espoo)).postal_codes == ["02100-02999", "02700", "00100-00190"]


async def test_identifying_text_is_refused_and_nothing_is_stored(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    kaisa = await coordinator(sim, app, espoo, "Kaisa", "en")

    await kaisa.send("/settings card")
    await kaisa.send("131052-308T")

    assert kaisa.last_reply().text.startswith("That looks like a personal identity code.")
    assert (await stored_espoo(app, espoo)).card_number_examples == ["KK123456"]


async def test_several_settings_change_in_one_form_and_cancel_stores_nothing(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    kaisa = await coordinator(sim, app, espoo, "Kaisa", "sv")

    await kaisa.send("/settings validity")
    await kaisa.send("6")
    await kaisa.click("Ändra ett svar")
    await kaisa.click("Pilotens slut")
    await kaisa.click("Inget slutdatum för piloten")
    await kaisa.click("Ändra ett svar")
    await kaisa.click("Pilotens slut")
    await kaisa.send("1.1.2000")
    assert "har redan passerat" in kaisa.last_reply().text
    await kaisa.click("Avbryt")

    assert (await stored_espoo(app, espoo)).validity_months == 12


async def test_an_issuer_cannot_open_the_settings(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    ilona = await sim.user("Ilona", language_code="en")
    await add_person(app.services.database, ilona.id, "Ilona", (Role.ISSUER, espoo.units["family"]))

    await ilona.send("/settings")

    assert ilona.last_reply().text.startswith("Sorry, that is not part of your role.")


async def test_a_phone_number_among_postal_codes_is_refused_as_one(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    kaisa = await coordinator(sim, app, espoo, "Kaisa", "en")

    await kaisa.send("/settings postal")
    await kaisa.send("02100-02999, 040 123 4567")

    assert kaisa.last_reply().text.startswith("That looks like a phone number.")
    assert (await stored_espoo(app, espoo)).postal_codes == ["02100-02999"]
