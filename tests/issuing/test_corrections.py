"""What issue 16 found: renewals made knowingly, every answer correctable before Confirm, what
the bot read shown, no offer that is always refused, and no card stored after a pilot ended."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import zxingcpp
from babel.dates import format_date
from sqlalchemy import select

from bot.context import KaikuApplication
from bot.rules.validity import valid_until
from storage.models import Issuance, IssuanceKind, Locality, Role
from tests.issuing.conftest import (
    cards_stored,
    current_question,
    issuances,
    issue_new_card,
    open_form,
)
from tests.support.network import Network, add_person
from tests.support.simulator import SimulatedUser
from tests.test_barcodes import encoded, render


def english(day: date) -> str:
    """A date as the English reader reads it."""
    return format_date(day, "long", locale="en")


async def set_valid_until(app: KaikuApplication, days_from_today: int) -> date:
    """Make every stored card valid for so many more days; the new last day."""
    until = date.today() + timedelta(days=days_from_today)
    async with app.services.database.write() as session:
        for issuance in await session.scalars(select(Issuance)):
            issuance.valid_until = until
        await session.commit()
    return until


async def set_pilot_end(app: KaikuApplication, espoo: Network, end: date | None) -> None:
    async with app.services.database.write() as session:
        locality = await session.get(Locality, espoo.localities["espoo"])
        assert locality is not None
        locality.pilot_end_date = end
        await session.commit()


# -- 3. a still-valid card is renewed knowingly ----------------------------------------------


async def test_renewing_a_card_valid_for_months_asks_first_and_names_both_dates(
    issuer: SimulatedUser, app: KaikuApplication
) -> None:
    await issue_new_card(issuer, "KK123456")
    current = await set_valid_until(app, 90)
    await open_form(issuer, "Renewal")
    await issuer.send("KK123456")

    renewed = valid_until(date.today(), 12, None)
    assert issuer.last_reply().text == (
        f"Card KK123456 is still valid until {english(current)}. Renew it anyway? The renewed "
        f"card will be valid until {english(renewed)}."
    )
    assert issuer.buttons() == ["Renew it anyway", "Type another number", "« Back", "Cancel"]
    await issuer.click("Renew it anyway")
    await issuer.click("5")
    await issuer.click("Confirm")

    _, renewal = await issuances(app)
    assert renewal.kind is IssuanceKind.RENEWAL
    assert renewal.valid_until == renewed


async def test_a_renewal_not_wanted_after_all_stores_nothing(
    issuer: SimulatedUser, app: KaikuApplication
) -> None:
    await issue_new_card(issuer, "KK123456")
    await set_valid_until(app, 31)
    await open_form(issuer, "Renewal")
    await issuer.send("KK123456")
    await issuer.click("Type another number")
    assert current_question(issuer).startswith("Type the number of the card to renew")
    await issuer.click("Cancel")

    assert len(await issuances(app)) == 1


@pytest.mark.parametrize("days_left", [-1, 0, 30])
async def test_a_card_expired_or_about_to_expire_is_renewed_without_asking(
    issuer: SimulatedUser, app: KaikuApplication, days_left: int
) -> None:
    await issue_new_card(issuer, "KK123456")
    await set_valid_until(app, days_left)
    await open_form(issuer, "Renewal")
    await issuer.send("KK123456")

    assert issuer.last_reply().text.startswith("How does the client rate their cultural")


# -- 6. every answer can be corrected before Confirm -----------------------------------------

BACKGROUND = [
    "Year of birth",
    "Postal code",
    "Children under 18",
    "Gender",
    "Life situation",
    "Cultural wellbeing",
    "Mobile card",
]
BACK_TO_SUMMARY = ["« Back to the summary"]


async def replacement_at_summary(issuer: SimulatedUser) -> None:
    await issue_new_card(issuer, "KK100100")
    await open_form(issuer, "Replacement of a lost card")
    await issuer.send("KK100100")
    await issuer.send("KK200200")


async def renewal_at_summary(issuer: SimulatedUser, app: KaikuApplication) -> None:
    await issue_new_card(issuer, "KK100100")
    await set_valid_until(app, -1)
    await open_form(issuer, "Renewal")
    await issuer.send("KK100100")
    await issuer.click("Skip")


async def test_edit_offers_the_card_number_and_every_background_answer_of_a_new_card(
    issuer: SimulatedUser,
) -> None:
    await issue_new_card(issuer, confirm=False)
    await issuer.click("Edit an answer")
    assert issuer.buttons() == ["Card number", *BACKGROUND, *BACK_TO_SUMMARY]


async def test_edit_offers_both_numbers_of_a_replacement(issuer: SimulatedUser) -> None:
    await replacement_at_summary(issuer)
    await issuer.click("Edit an answer")
    assert issuer.buttons() == [
        "Lost card's number",
        "New card's number",
        *BACKGROUND,
        *BACK_TO_SUMMARY,
    ]


async def test_edit_offers_the_number_of_the_card_to_renew(
    issuer: SimulatedUser, app: KaikuApplication
) -> None:
    await renewal_at_summary(issuer, app)
    await issuer.click("Edit an answer")
    assert issuer.buttons() == ["Card number", *BACKGROUND, *BACK_TO_SUMMARY]


async def test_a_replacements_new_number_is_corrected_before_confirm(
    issuer: SimulatedUser, app: KaikuApplication
) -> None:
    await replacement_at_summary(issuer)
    await issuer.click("Edit an answer")
    await issuer.click("New card's number")
    await issuer.send("KK300300")
    assert "Card number: KK300300" in issuer.last_reply().text
    await issuer.click("Confirm")

    numbers = sorted(card.number for card in await cards_stored(app))
    assert numbers == ["KK100100", "KK300300"]


async def test_a_lost_cards_number_is_corrected_before_confirm(
    issuer: SimulatedUser, app: KaikuApplication
) -> None:
    await issue_new_card(issuer, "KK400400", birth_year="1970")
    await replacement_at_summary(issuer)
    await issuer.click("Edit an answer")
    await issuer.click("Lost card's number")
    await issuer.send("KK400400")
    summary = issuer.last_reply().text
    assert "Lost card: KK400400" in summary
    assert "Year of birth: 1970" in summary  # the answers of the card really lost
    await issuer.click("Confirm")

    replacement = (await issuances(app))[-1]
    assert replacement.kind is IssuanceKind.REPLACEMENT
    assert replacement.birth_year == 1970
    assert {card.number: card.deactivated_at is not None for card in await cards_stored(app)} == {
        "KK400400": True,
        "KK100100": False,
        "KK200200": False,
    }


async def test_a_lost_cards_number_cannot_become_the_new_cards_number(
    issuer: SimulatedUser,
) -> None:
    await replacement_at_summary(issuer)
    await issuer.click("Edit an answer")
    await issuer.click("Lost card's number")
    await issuer.send("KK200200")
    assert issuer.last_reply().text.startswith("The new card needs a number of its own.")


async def test_a_renewals_number_is_corrected_and_looked_up_again(
    issuer: SimulatedUser, app: KaikuApplication
) -> None:
    await issue_new_card(issuer, "KK400400", birth_year="1970")
    await renewal_at_summary(issuer, app)
    await issuer.click("Edit an answer")
    await issuer.click("Card number")
    await issuer.send("KK400400")
    summary = issuer.last_reply().text
    assert summary.startswith("Please check the answers:")
    assert "Card number: KK400400" in summary
    assert "Year of birth: 1970" in summary
    await issuer.click("Confirm")

    renewal = (await issuances(app))[-1]
    assert renewal.kind is IssuanceKind.RENEWAL
    assert renewal.birth_year == 1970


# -- 7. what the bot read is shown; nothing is offered that is always refused ----------------


async def test_a_number_read_from_a_photo_is_echoed_with_the_next_question(
    issuer: SimulatedUser,
) -> None:
    await open_form(issuer)
    await issuer.send_photo(encoded(render("KK123456", zxingcpp.BarcodeFormat.QRCode), "PNG"))

    text = issuer.last_reply().text
    assert text.startswith("Read from the photo: KK123456\n\nThe client's year of birth?")


async def test_the_lost_cards_question_asks_for_no_photo_and_takes_none(
    issuer: SimulatedUser,
) -> None:
    await open_form(issuer, "Replacement of a lost card")
    assert current_question(issuer) == "Type the number of the lost card."
    await issuer.send_photo(encoded(render("KK123456", zxingcpp.BarcodeFormat.QRCode), "PNG"))
    assert issuer.last_reply().text.startswith(
        "I can read a photo only when a question asks for one."
    )


async def test_a_renewal_does_not_offer_mobile_only(issuer: SimulatedUser) -> None:
    await open_form(issuer, "Renewal")
    assert "Mobile card only (X)" not in issuer.buttons()
    await issuer.send("/cancel")
    await open_form(issuer, "Replacement of a lost card")
    await issuer.send("KK999999")
    assert "Mobile card only (X)" in issuer.buttons()


# -- a pilot that has ended stores no card ---------------------------------------------------


async def test_a_form_is_refused_once_the_pilot_has_ended_naming_the_coordinator(
    issuer: SimulatedUser, app: KaikuApplication, espoo: Network
) -> None:
    await add_person(
        app.services.database, 4242, "Kalle", (Role.COORDINATOR, espoo.localities["espoo"])
    )
    await set_pilot_end(app, espoo, date.today() - timedelta(days=1))
    await issuer.send("/issue")

    text = issuer.last_reply().text
    assert text.startswith("The pilot of your locality ended on")
    assert "(Kalle)" in text
    assert await issuances(app) == []


async def test_a_pilot_that_ends_while_the_form_is_open_stores_no_expired_card(
    issuer: SimulatedUser, app: KaikuApplication, espoo: Network
) -> None:
    await set_pilot_end(app, espoo, date.today() + timedelta(days=10))
    await issue_new_card(issuer, confirm=False)
    await set_pilot_end(app, espoo, date.today() - timedelta(days=1))
    await issuer.click("Confirm")

    text = issuer.last_reply().text
    assert text.startswith("The pilot of your locality ended on")
    assert "ask your local coordinator" in text
    assert await issuances(app) == []


async def test_a_pilot_ending_today_still_issues_cards_valid_for_today(
    issuer: SimulatedUser, app: KaikuApplication, espoo: Network
) -> None:
    await set_pilot_end(app, espoo, date.today())
    await issue_new_card(issuer)

    (stored,) = await issuances(app)
    assert stored.valid_until == date.today()
