"""/invitations: a coordinator lists the locality's open invitations and revokes one."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.context import KaikuApplication
from storage import invitations, join_links, people
from storage.models import AuditEvent, Invitation, Role, utcnow
from tests.support.network import Network, add_person
from tests.support.simulator import SimulatedUser, TelegramSimulator


async def coordinator(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network, name: str, locality: str
) -> SimulatedUser:
    user = await sim.user(name, language_code="en")
    await add_person(
        app.services.database, user.id, name, (Role.COORDINATOR, espoo.localities[locality])
    )
    return user


async def invitation(
    app: KaikuApplication, espoo: Network, locality: str = "espoo", **changes: object
) -> tuple[int, str]:
    async with app.services.database.write() as session:
        made, code = await invitations.create(
            session,
            role=Role.ISSUER,
            locality_id=espoo.localities[locality],
            organisation_id=espoo.organisations["social"],
            unit_id=espoo.units["family"],
        )
        for name, value in changes.items():
            setattr(made, name, value)
        await session.commit()
    return made.id, code


async def test_a_coordinator_revokes_an_open_invitation_and_its_link_stops_working(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    kaisa = await coordinator(sim, app, espoo, "Kaisa", "espoo")
    number, code = await invitation(app, espoo)
    await invitation(app, espoo, used_at=utcnow())
    await invitation(app, espoo, expires_at=utcnow() - timedelta(minutes=1))
    await invitation(app, espoo, "vantaa")

    await kaisa.send("/invitations")
    listing = kaisa.last_reply().text
    assert listing.startswith("Open invitations of your network:")
    assert f"#{number}: card issuer at Family centre (Social services), expires on" in listing
    assert kaisa.buttons() == [f"Revoke #{number}", "Cancel"]

    await kaisa.click(f"Revoke #{number}")
    assert f"Revoke invitation #{number}?" in kaisa.last_reply().text
    await kaisa.click("Confirm")
    assert kaisa.last_reply().text.endswith(f"Invitation #{number} was revoked.")

    newcomer = await sim.user("Niina", language_code="en")
    await newcomer.send(f"/start {code}")
    assert newcomer.last_reply().text.startswith("This invitation has been withdrawn.")
    async with app.services.database.read() as session:
        revoked = await session.get(Invitation, number)
        (event,) = await session.scalars(select(AuditEvent).where(AuditEvent.action == "revoke"))
    assert revoked is not None
    assert revoked.revoked_at is not None
    assert (event.entity, event.entity_id) == ("invitation", number)


async def test_an_invitation_used_before_confirm_is_not_revoked(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    kaisa = await coordinator(sim, app, espoo, "Kaisa", "espoo")
    number, code = await invitation(app, espoo)
    await kaisa.send("/invitations")
    await kaisa.click(f"Revoke #{number}")

    newcomer = await sim.user("Niina", language_code="en")
    await newcomer.send(f"/start {code}")
    await kaisa.click("Confirm")

    assert kaisa.last_reply().text.endswith("That invitation is no longer open: nothing to revoke.")
    assert newcomer.last_reply().text.startswith("Welcome, Niina!")
    async with app.services.database.read() as session:
        used = await session.get(Invitation, number)
    assert used is not None
    assert used.revoked_at is None


async def test_another_localitys_invitation_cannot_be_revoked_with_a_forged_button(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    kaisa = await coordinator(sim, app, espoo, "Kaisa", "espoo")
    await invitation(app, espoo)
    theirs, _code = await invitation(app, espoo, "vantaa")
    await kaisa.send("/invitations")
    question = kaisa.last_reply()
    version = question.reply_markup["inline_keyboard"][0][0]["callback_data"].split(":")[1]  # type: ignore[index]

    await sim.process(
        sim.model.user_clicks_data(
            kaisa.id, question.message_id, f"invlist:{version}:revoke:{theirs}"
        )
    )

    assert kaisa.last_reply().text.startswith("Please choose one of the buttons.")
    async with app.services.database.read() as session:
        untouched = await session.get(Invitation, theirs)
    assert untouched is not None
    assert untouched.revoked_at is None
    assert sim.errors == []


async def test_no_open_invitations_says_so(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    kaisa = await coordinator(sim, app, espoo, "Kaisa", "espoo")
    await invitation(app, espoo, "vantaa")

    await kaisa.send("/invitations")

    assert kaisa.last_reply().text.startswith("Your network has no open invitations.")
    assert kaisa.buttons() == []


async def test_the_listing_is_in_finnish_for_a_finnish_coordinator(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    user = await sim.user("Kaija", language_code="fi")
    await add_person(
        app.services.database, user.id, "Kaija", (Role.COORDINATOR, espoo.localities["espoo"])
    )
    number, _code = await invitation(app, espoo)

    await user.send("/invitations")

    assert user.last_reply().text.startswith("Verkostosi avoimet kutsut:")
    assert user.buttons()[0] == f"Peru #{number}"


async def test_a_coordinator_stops_an_open_join_link(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    kaisa = await coordinator(sim, app, espoo, "Kaisa", "espoo")
    async with app.services.database.write() as session:
        maker = await people.by_telegram_id(session, kaisa.id)
        assert maker is not None
        link, code = await join_links.create(
            session,
            unit_id=espoo.units["family"],
            cap=30,
            days=7,
            admit_at_once=True,
            created_by=maker,
        )
        await session.commit()

    await kaisa.send("/invitations")
    listing = kaisa.last_reply().text
    assert listing.startswith("Open join links:")
    assert f"link #{link.id}: Family centre (Social services), used 0 of 30, expires on" in listing
    await kaisa.click(f"Stop link #{link.id}")
    assert f"Stop join link #{link.id}?" in kaisa.last_reply().text
    await kaisa.click("Confirm")

    assert kaisa.last_reply().text.endswith(f"Join link #{link.id} was stopped.")
    newcomer = await sim.user("Niina", language_code="en")
    await newcomer.send(f"/start {code}")
    assert newcomer.last_reply().text.startswith("This invitation has been withdrawn.")
