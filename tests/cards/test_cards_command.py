"""/cards: each role sees its own scope, newest first, paged; a card is found by its number."""

from __future__ import annotations

from bot.context import KaikuApplication
from storage.models import Role
from tests.cards.conftest import age_issuances, card_buttons, open_card
from tests.issuing.conftest import issue_new_card
from tests.support.network import Network, add_person
from tests.support.simulator import SimulatedUser, TelegramSimulator


async def test_each_role_sees_the_issuances_of_its_scope(
    ilona: SimulatedUser,
    kaisa: SimulatedUser,
    hanna: SimulatedUser,
    cecilia: SimulatedUser,
    olli: SimulatedUser,
) -> None:
    await issue_new_card(ilona, "KK000001")
    await issue_new_card(kaisa, "KK000002")
    await issue_new_card(hanna, "KK000003")

    def numbers(user: SimulatedUser) -> list[str]:
        return [label.split(" · ")[1] for label in card_buttons(user)]

    await kaisa.send("/cards")
    assert numbers(kaisa) == ["KK000002", "KK000001"]  # colleagues' too
    await hanna.send("/cards")
    assert numbers(hanna) == ["KK000003"]
    await cecilia.send("/cards")
    assert numbers(cecilia) == ["KK000002", "KK000001"]
    await olli.send("/cards")
    assert numbers(olli) == ["KK000003", "KK000002", "KK000001"]


async def test_the_list_pages_and_finds_a_card_by_number(
    ilona: SimulatedUser, app: KaikuApplication
) -> None:
    for n in range(1, 11):
        await issue_new_card(ilona, f"KK0000{n:02}")
    await ilona.send("/cards")
    assert "10 issuances in the last 30 days" in ilona.last_reply().text
    assert len(card_buttons(ilona)) == 8
    await ilona.click("Older »")
    assert [label.split(" · ")[1] for label in card_buttons(ilona)] == ["KK000002", "KK000001"]
    await ilona.click("« Newer")
    assert len(card_buttons(ilona)) == 8

    await age_issuances(app, 31)
    await ilona.send("/cards")
    assert ilona.last_reply().text.startswith("No cards were issued in the last 30 days")
    await ilona.send("/cards kk000007")
    assert ilona.last_reply().text.startswith("Issuances of card KK000007")
    assert [label.split(" · ")[1] for label in card_buttons(ilona)] == ["KK000007"]


async def test_a_contact_person_sees_an_issuance_and_can_change_nothing(
    ilona: SimulatedUser, cecilia: SimulatedUser
) -> None:
    await issue_new_card(ilona, "KK123456")
    await open_card(cecilia, "KK123456")
    assert "Year of birth: 1985" in cecilia.last_reply().text
    assert "Correct" not in cecilia.buttons()
    assert "Void" not in cecilia.buttons()
    await cecilia.send("/void")
    assert cecilia.last_reply().text.startswith("Sorry, that is not part of your role.")


async def test_issuers_change_for_seven_days_and_coordinators_at_any_time(
    ilona: SimulatedUser, olli: SimulatedUser, hanna: SimulatedUser, app: KaikuApplication
) -> None:
    await issue_new_card(ilona, "KK123456")
    await open_card(ilona, "KK123456")
    assert {"Correct", "Void"} <= set(ilona.buttons())

    await age_issuances(app, 7)
    await open_card(ilona, "KK123456")
    assert {"Correct", "Void"} <= set(ilona.buttons())

    await age_issuances(app, 1)
    await open_card(ilona, "KK123456")
    assert "Correct" not in ilona.buttons()
    assert "please ask your coordinator" in ilona.last_reply().text
    await open_card(olli, "KK123456")
    assert {"Correct", "Void"} <= set(olli.buttons())
    # An old button of the issuer's no longer opens the form.
    await ilona.click_on(ilona.last_reply().message_id, "« Back to the list")
    await hanna.send("/cards")
    assert card_buttons(hanna) == []


async def test_finnish_and_swedish_readers_get_it_in_their_language(
    ilona: SimulatedUser, sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    await issue_new_card(ilona, "KK123456")
    for language, heading, correct, void, banner in (
        ("fi", "1 myöntö viimeisten 30 päivän ajalta", "Korjaa", "Mitätöi", "🎓 HARJOITUS"),
        ("sv", "1 utdelning de senaste 30 dagarna", "Rätta", "Makulera", "🎓 ÖVNING"),
    ):
        reader = await sim.user(f"Reader-{language}", language_code=language)
        await add_person(
            app.services.database,
            reader.id,
            reader.first_name,
            (Role.ISSUER, espoo.units["family"]),
        )
        await reader.send("/cards")
        assert reader.last_reply().text.startswith(heading)
        await open_card(reader, "KK123456")
        assert {correct, void} <= set(reader.buttons())
        await reader.send("/practice")
        assert reader.last_reply().text.startswith(banner)
