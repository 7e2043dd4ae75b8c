"""Voiding an issuance made by mistake: a reason from buttons or typed (client data refused),
the number freed or the earlier validity and the lost card restored, the audit log kept."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.context import KaikuApplication
from storage import cards, summaries
from storage.models import Issuance
from tests.cards.conftest import audit_events, open_card
from tests.issuing.conftest import cards_stored, issuances, issue_new_card, open_form
from tests.support.simulator import SimulatedUser


async def void_from_cards(user: SimulatedUser, number: str, reason: str) -> None:
    await open_card(user, number)
    await user.click("Void")
    await user.click(reason)


async def test_voiding_a_new_card_frees_its_number_for_a_new_card(
    ilona: SimulatedUser, app: KaikuApplication
) -> None:
    await issue_new_card(ilona, "KK123456")
    await void_from_cards(ilona, "KK123456", "Wrong card number")
    summary = ilona.last_reply().text
    assert "Reason: Wrong card number" in summary
    assert "Number KK123456 can be issued anew." in summary
    (stored,) = await issuances(app)
    assert stored.voided_at is None  # nothing before Confirm
    await ilona.click("Confirm")
    assert ilona.last_reply().text.startswith("The issuance of card KK123456 is voided.")
    assert "Number KK123456 is free again." in ilona.last_reply().text

    (voided,) = await issuances(app)
    assert voided.voided_at is not None
    (event,) = await audit_events(app, "void")
    assert event.entity_id == voided.id
    assert event.after is not None
    assert event.after["reason"] == "wrong_number"
    async with app.services.database.read() as session:
        counted = await session.scalars(select(Issuance.id).where(summaries.counted()))
        assert list(counted) == []

    await issue_new_card(ilona, "KK123456")
    assert ilona.last_reply().text.startswith("Card KK123456 is recorded.")
    # The voided one is still listed, marked.
    await ilona.send("/cards")
    assert sum("(voided)" in label for label in ilona.buttons()) == 1


async def test_a_typed_reason_is_refused_while_it_carries_client_data(
    ilona: SimulatedUser, app: KaikuApplication
) -> None:
    await issue_new_card(ilona, "KK123456")
    await void_from_cards(ilona, "KK123456", "Other (type it)")
    refused = {
        "client 010185-123A asked": "a personal identity code",
        "call her on 040 123 4567": "a phone number",
        "wrote to maija@example.fi": "an e-mail address",
        "born 1.1.1985": "a date of birth",
    }
    for text, reason in refused.items():
        await ilona.send(text)
        assert f"looks like {reason}" in ilona.last_reply().text
    await ilona.send("issued at the wrong desk")
    assert "Reason: issued at the wrong desk" in ilona.last_reply().text
    await ilona.click("Confirm")
    (event,) = await audit_events(app, "void")
    assert event.after is not None
    assert event.after["typed_reason"] == "issued at the wrong desk"
    async with app.services.database.read() as session:
        stored = " ".join(map(str, (await session.execute(select(Issuance))).all()))
    for text in refused:
        assert text not in stored


async def test_voiding_a_renewal_restores_the_earlier_validity(
    ilona: SimulatedUser, app: KaikuApplication
) -> None:
    await issue_new_card(ilona, "KK123456")
    async with app.services.database.write() as session:
        (first,) = await session.scalars(select(Issuance))
        first.issued_on -= timedelta(days=400)
        first.valid_until = first.issued_on + timedelta(days=364)
        earlier = first.valid_until
        await session.commit()
    await open_form(ilona, "Renewal")
    await ilona.send("KK123456")
    await ilona.click("Skip")
    await ilona.click("Confirm")
    assert ilona.last_reply().text.startswith("Card KK123456 is recorded.")

    await void_from_cards(ilona, "KK123456", "Wrong kind of issuance")
    assert "goes back to what it was before this renewal" in ilona.last_reply().text
    await ilona.click("Confirm")
    _first, renewal = await issuances(app)
    assert renewal.voided_at is not None
    (card,) = await cards_stored(app)
    assert card.voided_at is None
    assert "Card KK123456 is valid until" in ilona.last_reply().text
    async with app.services.database.read() as session:
        found = await cards.find(session, "KK123456")
    assert found is not None
    assert found.last is not None
    assert found.last.valid_until == earlier


async def test_voiding_a_replacement_restores_the_lost_card_and_frees_the_new_number(
    olli: SimulatedUser, ilona: SimulatedUser, app: KaikuApplication
) -> None:
    await issue_new_card(ilona, "KK123456")
    await open_form(ilona, "Replacement of a lost card")
    await ilona.send("KK123456")
    await ilona.send("KK654321")
    await ilona.click("Confirm")

    await void_from_cards(olli, "KK654321", "The card was not handed out")
    assert "The lost card KK123456 is in use again" in olli.last_reply().text
    await olli.click("Confirm")
    text = olli.last_reply().text
    assert "Lost card KK123456 is in use again." in text
    assert "Number KK654321 is free again." in text
    lost, new = await cards_stored(app)
    assert lost.deactivated_at is None
    assert new.voided_at is not None
    await issue_new_card(ilona, "KK654321")
    assert ilona.last_reply().text.startswith("Card KK654321 is recorded.")
