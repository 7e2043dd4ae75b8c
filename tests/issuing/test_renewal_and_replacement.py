"""Renewals and lost-card replacements: pre-filled from the card's last issuance."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.context import KaikuApplication
from storage.models import Issuance, IssuanceKind, Role
from tests.issuing.conftest import (
    NEW_CARD_CLIENT,
    cards_stored,
    issuances,
    issue_new_card,
    issue_reading_each_question,
    open_form,
)
from tests.support.network import Network, add_person
from tests.support.simulator import SimulatedUser, TelegramSimulator


async def expire_all(app: KaikuApplication) -> None:
    async with app.services.database.write() as session:
        for issuance in await session.scalars(select(Issuance)):
            issuance.valid_until = issuance.issued_on - timedelta(days=1)
        await session.commit()


async def test_an_unchanged_renewal_takes_at_most_six_interactions(
    issuer: SimulatedUser, app: KaikuApplication
) -> None:
    await issue_new_card(issuer, "KK123456")
    await expire_all(app)
    renewing = NEW_CARD_CLIENT | {
        "Is this a new card": "Renewal",
        "Type the number of the card to renew": "KK123456",
        "How does the client rate their cultural wellbeing": "5",
    }
    interactions = await issue_reading_each_question(
        issuer, renewing, until="Card KK123456 is recorded."
    )

    first, renewal = await issuances(app)
    assert renewal.kind is IssuanceKind.RENEWAL
    assert renewal.card_id == first.card_id
    assert not renewal.previously_unknown
    assert (renewal.birth_year, renewal.postal_code, renewal.children) == (1985, "02150", 2)
    assert (renewal.gender, renewal.life_situation, renewal.mobile_card) == (
        "woman",
        "student",
        True,
    )
    assert renewal.wellbeing == 5  # asked again
    assert interactions <= 6


async def test_new_on_an_expired_number_offers_a_renewal_instead(
    issuer: SimulatedUser, app: KaikuApplication
) -> None:
    await issue_new_card(issuer, "KK123456")
    await expire_all(app)
    await open_form(issuer)
    await issuer.send("KK123456")
    assert issuer.last_reply().text == "Card KK123456 has expired. Do you want to renew it?"
    await issuer.click("Renew it")
    await issuer.click("Skip")
    await issuer.click("Confirm")

    _, renewal = await issuances(app)
    assert renewal.kind is IssuanceKind.RENEWAL
    assert renewal.wellbeing is None
    assert len(await cards_stored(app)) == 1


async def test_a_renewal_of_a_number_never_seen_goes_through_the_whole_form(
    issuer: SimulatedUser, app: KaikuApplication
) -> None:
    await open_form(issuer, "Renewal")
    await issuer.send("KK999999")
    assert issuer.last_reply().text.startswith("The client's year of birth?")
    for answer in ("1960", "02100"):
        await issuer.send(answer)
    for label in ("0", "Man", "Pensioner", "3", "No", "Confirm"):
        await issuer.click(label)

    (renewal,) = await issuances(app)
    assert renewal.kind is IssuanceKind.RENEWAL
    assert renewal.previously_unknown


async def test_a_card_of_another_unit_is_renewed_there_not_here(
    issuer: SimulatedUser, sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    other = await sim.user("Olli", language_code="en")
    await add_person(app.services.database, other.id, "Olli", (Role.ISSUER, espoo.units["youth"]))
    await issue_new_card(other, "KK123456")

    await open_form(issuer, "Renewal")
    await issuer.send("KK123456")

    assert issuer.last_reply().text.startswith("Card KK123456 was issued by another unit.")


async def test_a_replacement_deactivates_the_lost_card_and_carries_its_answers_over(
    issuer: SimulatedUser, app: KaikuApplication
) -> None:
    await issue_new_card(issuer, "KK123456")
    await open_form(issuer, "Replacement of a lost card")
    await issuer.send("KK123456")
    await issuer.send("KK654321")
    summary = issuer.last_reply().text
    assert "Lost card: KK123456" in summary
    assert "Year of birth: 1985" in summary
    await issuer.click("Confirm")

    lost, new = await cards_stored(app)
    assert lost.deactivated_at is not None
    assert new.number == "KK654321"
    first, replacement = await issuances(app)
    assert replacement.kind is IssuanceKind.REPLACEMENT
    assert replacement.replaces_card_id == lost.id
    assert (replacement.birth_year, replacement.children) == (first.birth_year, first.children)

    # The replaced card cannot be renewed.
    await open_form(issuer, "Renewal")
    await issuer.send("KK123456")
    assert issuer.last_reply().text.startswith("Card KK123456 was reported lost and replaced")


async def test_a_replacement_of_an_unknown_card_asks_everything(
    issuer: SimulatedUser, app: KaikuApplication
) -> None:
    await open_form(issuer, "Replacement of a lost card")
    await issuer.send("KK000001")
    await issuer.send("KK000002")
    assert issuer.last_reply().text.startswith("The client's year of birth?")
    for answer in ("2001", "02100"):
        await issuer.send(answer)
    for label in ("1", "Skip", "Skip", "Skip", "Skip", "Confirm"):
        await issuer.click(label)

    (replacement,) = await issuances(app)
    assert replacement.previously_unknown
    assert replacement.card.number == "KK000002"


async def test_the_new_card_of_a_replacement_cannot_reuse_the_lost_number(
    issuer: SimulatedUser, app: KaikuApplication
) -> None:
    await open_form(issuer, "Replacement of a lost card")
    await issuer.send("KK000001")
    await issuer.send("KK000001")

    assert issuer.last_reply().text.startswith("The new card needs a number of its own.")


async def test_a_lost_cards_number_is_never_issued_again_as_a_new_card(
    issuer: SimulatedUser, app: KaikuApplication
) -> None:
    await issue_new_card(issuer, "KK123456")
    await open_form(issuer, "Replacement of a lost card")
    await issuer.send("KK123456")
    await issuer.send("KK654321")
    await issuer.click("Confirm")

    await open_form(issuer)
    await issuer.send("KK123456")

    assert issuer.last_reply().text.startswith(
        "Card KK123456 was reported lost and replaced, so its number is never used again. "
        "Please check the number on the card."
    )
    assert [card.number for card in await cards_stored(app)] == ["KK123456", "KK654321"]


async def test_a_lost_card_the_bot_never_saw_cannot_be_issued_renewed_or_replaced_again(
    issuer: SimulatedUser, app: KaikuApplication
) -> None:
    await open_form(issuer, "Replacement of a lost card")
    await issuer.send("KK000001")
    await issuer.send("KK000002")
    for answer in ("2001", "02100"):
        await issuer.send(answer)
    for label in ("1", "Skip", "Skip", "Skip", "Skip", "Confirm"):
        await issuer.click(label)

    for kind in ("New card", "Renewal", "Replacement of a lost card"):
        await issuer.send("/cancel")
        await open_form(issuer, kind)
        await issuer.send("KK000001")
        assert issuer.last_reply().text.startswith(
            "Card KK000001 was reported lost and replaced"
        ), kind
    (replacement,) = await issuances(app)
    assert replacement.replaces_card_id is not None
    assert [card.number for card in await cards_stored(app)] == ["KK000001", "KK000002"]


async def test_a_renewal_confirmed_after_a_colleague_replaced_the_card_is_refused(
    issuer: SimulatedUser, sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    colleague = await sim.user("Olli", language_code="en")
    await add_person(
        app.services.database, colleague.id, "Olli", (Role.ISSUER, espoo.units["family"])
    )
    await issue_new_card(issuer, "KK123456")
    await open_form(issuer, "Renewal")
    await issuer.send("KK123456")
    await issuer.click("Renew it anyway")  # still valid for months
    await issuer.click("5")  # the summary, waiting for Confirm
    await open_form(colleague, "Replacement of a lost card")
    await colleague.send("KK123456")
    await colleague.send("KK654321")
    await colleague.click("Confirm")

    await issuer.click("Confirm")

    assert "Card KK123456 was reported lost and replaced" in issuer.last_reply().text
    kinds = [issuance.kind for issuance in await issuances(app)]
    assert kinds == [IssuanceKind.NEW, IssuanceKind.REPLACEMENT]
