"""Join links in chat: made with /joinlink, used with /start, approved with one tap."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.context import KaikuApplication
from storage import handovers, people
from storage.models import AuditEvent, JoinLink, JoinRequest, Role
from tests.support.network import Network, add_person
from tests.support.simulator import SimulatedUser, TelegramSimulator

CODE = re.compile(r"/start (J-\S+)")


async def person(
    sim: TelegramSimulator, app: KaikuApplication, name: str, role: Role, scope: int
) -> SimulatedUser:
    user = await sim.user(name, language_code="en")
    await add_person(app.services.database, user.id, name, (role, scope), language="en")
    return user


async def make_link(maker: SimulatedUser, *, cap: str, at_once: bool) -> str:
    await maker.send("/joinlink")
    await maker.click("Family centre (Social services)")
    await maker.send(cap)
    await maker.click("7")
    await maker.click("Admit at once" if at_once else "Each waits for approval")
    await maker.click("Confirm")
    found = CODE.search(maker.last_reply().text)
    assert found, maker.last_reply().text
    return found.group(1)


async def test_a_request_is_decided_by_the_first_tap_and_the_others_see_who_decided(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    kalle = await person(sim, app, "Kalle", Role.CONTACT, espoo.organisations["social"])
    kaisa = await person(sim, app, "Kaisa", Role.COORDINATOR, espoo.localities["espoo"])
    code = await make_link(kalle, cap="3", at_once=False)
    assert "https://t.me/kaikubot_sandbox_bot?start=J-" in kalle.last_reply().text
    assert "3 people can use it" in kalle.last_reply().text

    niina = await sim.user("Niina", language_code="en")
    await niina.send(f"/start {code}")
    assert niina.last_reply().text.startswith("Thank you! I asked the Kaikukortti contact")
    await app.services.courier.deliver_due(app.bot)
    asked = "Niina asks to join Family centre (Social services) as card issuer"
    assert kalle.last_reply().text.startswith(asked)
    assert kaisa.last_reply().text.startswith(asked)
    assert kaisa.buttons() == ["Approve", "Decline"]

    await kaisa.click("Approve")
    await kalle.click("Decline")

    assert kaisa.last_reply().text.endswith("Niina was approved by Kaisa.")
    assert kalle.last_reply().text.endswith("Niina was approved by Kaisa.")
    await app.services.courier.deliver_due(app.bot)
    assert niina.last_reply().text.startswith("Welcome! You are now card issuer at Family centre")
    async with app.services.database.read() as session:
        joined = await people.by_telegram_id(session, niina.id)
        (request,) = await session.scalars(select(JoinRequest))
        decisions = list(
            await session.scalars(
                select(AuditEvent.action).where(AuditEvent.entity == "join_request")
            )
        )
    assert joined is not None
    assert people.holds(joined, Role.ISSUER, unit_id=espoo.units["family"])
    assert request.state == "approved"
    assert decisions == ["request", "approve"]
    assert sim.errors == []


async def test_a_declined_person_is_told_politely_and_cannot_ask_again(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    kalle = await person(sim, app, "Kalle", Role.CONTACT, espoo.organisations["social"])
    code = await make_link(kalle, cap="5", at_once=False)
    olli = await sim.user("Olli", language_code="fi")
    await olli.send(code)
    await app.services.courier.deliver_due(app.bot)

    await kalle.click("Decline")
    await app.services.courier.deliver_due(app.bot)

    assert kalle.last_reply().text.endswith("Olli was declined by Kalle.")
    assert olli.last_reply().text.startswith("Kiitos kiinnostuksestasi.")
    await olli.send(f"/start {code}")
    assert olli.last_reply().text.startswith("Pyyntöäsi liittyä tämän linkin kautta ei hyväksytty.")
    async with app.services.database.read() as session:
        assert await people.by_telegram_id(session, olli.id) is None


async def test_a_link_that_admits_at_once_stops_at_its_cap(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    kaisa = await person(sim, app, "Kaisa", Role.COORDINATOR, espoo.localities["espoo"])
    code = await make_link(kaisa, cap="1", at_once=True)

    first, second = (
        await sim.user("Eka", language_code="en"),
        await sim.user("Toka", language_code="en"),
    )
    await first.send(f"https://t.me/kaikubot_sandbox_bot?start={code}")
    await second.send(f"/start {code}")

    assert first.last_reply().text.startswith(
        "Welcome, Eka! You are now card issuer at Family centre (Social services)."
    )
    assert "/issue" in first.last_reply().text
    assert second.last_reply().text.startswith("This link has already been used as many times")
    async with app.services.database.read() as session:
        (link,) = await session.scalars(select(JoinLink))
    assert (link.uses, link.cap) == (1, 1)


async def test_a_contact_person_makes_links_only_for_their_own_organisations_units(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    kalle = await person(sim, app, "Kalle", Role.CONTACT, espoo.organisations["social"])

    await kalle.send("/joinlink")

    assert kalle.buttons() == [
        "Family centre (Social services)",
        "Youth station (Social services)",
        "Cancel",
    ]


async def test_a_bad_cap_is_refused_with_a_second_chance(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    kalle = await person(sim, app, "Kalle", Role.CONTACT, espoo.organisations["social"])
    await kalle.send("/joinlink")
    await kalle.click("Family centre (Social services)")

    await kalle.send("1000")
    assert kalle.last_reply().text.startswith("Please type a whole number from 1 to 200.")
    await kalle.send("12")
    assert "For how many days does the link work?" in kalle.last_reply().text


async def test_a_decision_outside_ones_scope_has_expired(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    kalle = await person(sim, app, "Kalle", Role.CONTACT, espoo.organisations["social"])
    other = await person(sim, app, "Vilma", Role.COORDINATOR, espoo.localities["vantaa"])
    code = await make_link(kalle, cap="2", at_once=False)
    niina = await sim.user("Niina", language_code="en")
    await niina.send(f"/start {code}")
    async with app.services.database.read() as session:
        (request,) = await session.scalars(select(JoinRequest))

    # A forged button (as a modified client sends) on a message Vilma really has.
    await other.send("/help")
    await sim.process(
        sim.model.user_clicks_data(
            other.id, other.last_reply().message_id, f"joinreq:approve:{request.id}"
        )
    )

    assert [answer.text for answer in other.callback_answers()] == ["This button has expired."]
    async with app.services.database.read() as session:
        still = await session.get(JoinRequest, request.id)
    assert still is not None
    assert still.state == "pending"


async def test_a_maker_who_loses_the_role_mid_form_makes_no_link(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    kalle = await sim.user("Kalle", language_code="en")
    await add_person(
        app.services.database,
        kalle.id,
        "Kalle",
        (Role.CONTACT, espoo.organisations["social"]),
        (Role.CONTACT, espoo.organisations["red_cross"]),
        language="en",
    )
    await kalle.send("/joinlink")
    await kalle.click("Family centre (Social services)")
    await kalle.send("4")
    await kalle.click("7")
    await kalle.click("Admit at once")
    async with app.services.database.write() as session:
        maker = await people.by_telegram_id(session, kalle.id)
        assert maker is not None
        await handovers.withdraw(
            session, maker, Role.CONTACT, organisation_id=espoo.organisations["social"], actor=None
        )
        await session.commit()

    await kalle.click("Confirm")

    assert "You may no longer make links for this unit" in kalle.last_reply().text
    async with app.services.database.read() as session:
        assert list(await session.scalars(select(JoinLink))) == []
