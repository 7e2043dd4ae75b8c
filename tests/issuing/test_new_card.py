"""Issuing a new card, start to finish, as an issuer with a client in front of them."""

from __future__ import annotations

import pytest

from bot.context import KaikuApplication
from bot.i18n import Translator
from bot.rules.validity import today, valid_until
from storage.models import IssuanceKind, Role
from tests.issuing.conftest import (
    NEW_CARD_CLIENT,
    issuances,
    issue_new_card,
    issue_reading_each_question,
)
from tests.support.network import Network, add_person
from tests.support.simulator import SimulatedUser, TelegramSimulator


async def test_a_new_card_is_stored_with_its_background_data(
    issuer: SimulatedUser, app: KaikuApplication, espoo: Network
) -> None:
    await issue_new_card(issuer, "kk 123-456")

    (stored,) = await issuances(app)
    assert stored.kind is IssuanceKind.NEW
    assert stored.unit_id == espoo.units["family"]
    assert (stored.birth_year, stored.postal_code, stored.children) == (1985, "02150", 2)
    assert (stored.gender, stored.life_situation, stored.wellbeing) == ("woman", "student", 4)
    assert stored.mobile_card is True
    assert stored.issued_on == today(app.services.settings.zone)
    assert stored.valid_until == valid_until(stored.issued_on, 12, None)
    reply = issuer.last_reply().text
    assert reply.startswith("Card KK123456 is recorded. It is valid until ")
    assert "register it in the national Kaikukortti register" in reply
    assert issuer.buttons() == ["Issue another card"]


async def test_a_new_card_takes_at_most_twelve_interactions(
    issuer: SimulatedUser, app: KaikuApplication
) -> None:
    interactions = await issue_reading_each_question(
        issuer, NEW_CARD_CLIENT, until="Card KK123456 is recorded."
    )

    (stored,) = await issuances(app)
    assert (stored.birth_year, stored.postal_code, stored.wellbeing) == (1985, "02150", 4)
    assert interactions <= 12


@pytest.mark.parametrize(
    ("language", "eligible", "new_card", "woman", "student", "yes", "confirm", "recorded"),
    [
        (
            "fi",
            "Kaikki neljä täyttyvät",
            "Uusi kortti",
            "Nainen",
            "Opiskelija",
            "Kyllä",
            "Vahvista",
            "Kortti KK123456 on kirjattu Kaikubottiin.",
        ),
        (
            "sv",
            "Alla fyra uppfylls",
            "Nytt kort",
            "Kvinna",
            "Studerande",
            "Ja",
            "Bekräfta",
            "Kort KK123456 är sparat i Kaikubot.",
        ),
    ],
)
async def test_the_form_speaks_finnish_and_swedish(
    sim: TelegramSimulator,
    app: KaikuApplication,
    espoo: Network,
    language: str,
    eligible: str,
    new_card: str,
    woman: str,
    student: str,
    yes: str,
    confirm: str,
    recorded: str,
) -> None:
    user = await sim.user("Kielitaitoinen", language_code=language)
    await add_person(app.services.database, user.id, "K", (Role.ISSUER, espoo.units["family"]))

    await user.send("/issue")
    await user.click(eligible)
    await user.click(new_card)
    await user.send("KK123456")
    await user.send("1990")
    await user.send("02150")
    await user.click("0")
    await user.click(woman)
    await user.click(student)
    await user.click("3")
    await user.click(yes)
    summary = user.last_reply().text
    await user.click(confirm)

    assert recorded in user.last_reply().text
    (stored,) = await issuances(app)
    assert Translator(language).date(stored.valid_until) in summary


async def test_not_eligible_ends_the_form_and_stores_nothing(
    issuer: SimulatedUser, app: KaikuApplication
) -> None:
    await issuer.send("/issue")
    await issuer.click("Not eligible")

    assert issuer.last_reply().text.startswith("Then a card cannot be issued")
    assert await issuances(app) == []
    await issuer.send("1985")
    assert issuer.last_reply().text.startswith("I found nothing on that.")  # not the form


async def test_an_issuer_of_several_units_chooses_the_unit_first(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    user = await sim.user("Monitoiminen", language_code="en")
    await add_person(
        app.services.database,
        user.id,
        "M",
        (Role.ISSUER, espoo.units["family"]),
        (Role.ISSUER, espoo.units["helpline"]),
    )
    await user.send("/issue")
    assert user.buttons() == ["Family centre", "Helpline", "Cancel"]
    await user.click("Helpline")
    await user.click("All four apply")
    await user.click("« Back")
    assert user.last_reply().button_labels()[:1] == ["All four apply"]
    await user.click("All four apply")
    await user.click("New card")
    await user.send("KK765432")
    for answer in ("1970", "02200"):
        await user.send(answer)
    for label in ("0", "Skip", "Skip", "Skip", "Skip", "Confirm"):
        await user.click(label)

    (stored,) = await issuances(app)
    assert stored.unit_id == espoo.units["helpline"]
    assert (stored.gender, stored.life_situation, stored.wellbeing, stored.mobile_card) == (
        None,
        None,
        None,
        None,
    )


async def test_a_mobile_only_card_is_recorded_as_x_and_never_blocks_another(
    issuer: SimulatedUser, app: KaikuApplication
) -> None:
    await issue_new_card(issuer, "X")
    await issue_new_card(issuer, "x")

    assert [i.card.number for i in await issuances(app)] == ["X", "X"]
    assert issuer.last_reply().text.startswith("The mobile-only card (X) is recorded.")


async def test_issue_another_starts_a_fresh_form(
    issuer: SimulatedUser, app: KaikuApplication
) -> None:
    await issue_new_card(issuer, "KK111111")
    await issuer.click("Issue another card")
    await issuer.click("All four apply")
    await issuer.click("New card")
    await issuer.send("KK222222")

    assert issuer.last_reply().text.startswith("The client's year of birth?")
