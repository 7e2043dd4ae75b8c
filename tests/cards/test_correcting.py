"""Correcting an issuance: one background answer asked again with the form's own checks; the
audit log names the fields, never the answers."""

from __future__ import annotations

from bot.context import KaikuApplication
from tests.cards.conftest import age_issuances, audit_events, open_card
from tests.issuing.conftest import issuances, issue_new_card
from tests.support.simulator import SimulatedUser


async def test_an_issuer_corrects_the_year_of_birth(
    ilona: SimulatedUser, app: KaikuApplication
) -> None:
    await issue_new_card(ilona, "KK123456")
    await open_card(ilona, "KK123456")
    await ilona.click("Correct")
    assert "Which answer do you want to change?" in ilona.last_reply().text
    assert "Card number" not in ilona.buttons()
    await ilona.click("Year of birth")
    await ilona.send("2030")  # the form's own validation
    assert "can be" in ilona.last_reply().text
    await ilona.send("1986")
    summary = ilona.last_reply().text
    assert "Correcting card KK123456" in summary
    assert "Year of birth: 1985 → 1986" in summary
    (stored,) = await issuances(app)
    assert stored.birth_year == 1985  # nothing before Confirm
    await ilona.click("Confirm")
    assert ilona.last_reply().text == "The issuance of card KK123456 is corrected."
    (stored,) = await issuances(app)
    assert stored.birth_year == 1986
    (event,) = await audit_events(app, "correct")
    assert event.entity_id == stored.id
    assert event.after == {"fields": ["birth_year"]}
    assert "1986" not in str(event.before) + str(event.after)


async def test_a_correction_refuses_a_phone_number_and_can_be_cancelled(
    ilona: SimulatedUser, app: KaikuApplication
) -> None:
    await issue_new_card(ilona, "KK123456")
    await open_card(ilona, "KK123456")
    await ilona.click("Correct")
    await ilona.click("Postal code")
    await ilona.send("040 123 4567")
    assert "looks like a phone number" in ilona.last_reply().text
    await ilona.send("02200")
    await ilona.click("Cancel")
    await ilona.click("Discard it")
    (stored,) = await issuances(app)
    assert stored.postal_code == "02150"
    assert await audit_events(app, "correct") == []


async def test_a_coordinator_corrects_an_old_issuance_an_issuer_no_longer_can(
    ilona: SimulatedUser, olli: SimulatedUser, app: KaikuApplication
) -> None:
    await issue_new_card(ilona, "KK123456")
    await open_card(ilona, "KK123456")
    message = ilona.last_reply().message_id
    await age_issuances(app, 8)
    await ilona.click_on(message, "Correct")
    assert ilona.last_reply().text.startswith("You cannot change this issuance")

    await open_card(olli, "KK123456")
    await olli.click("Correct")
    await olli.click("Gender")
    await olli.click("Man")
    await olli.click("Confirm")
    (stored,) = await issuances(app)
    assert stored.gender == "man"
    (event,) = await audit_events(app, "correct")
    assert event.after == {"fields": ["gender"]}


async def test_a_correction_asks_the_background_questions_as_the_issuing_form_does(
    ilona: SimulatedUser, app: KaikuApplication
) -> None:
    # The same steps (handlers.issuing.BACKGROUND_STEPS): "More than 5" still means more than 5.
    await issue_new_card(ilona, "KK123456")
    await open_card(ilona, "KK123456")
    await ilona.click("Correct")
    await ilona.click("Children under 18")
    await ilona.click("More than 5")
    await ilona.send("3")
    assert ilona.last_reply().text.startswith("You chose “More than 5”: type a number from 6 to 30")
    await ilona.send("7")
    await ilona.click("Confirm")

    (stored,) = await issuances(app)
    assert stored.children == 7
