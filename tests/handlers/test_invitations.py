"""Invitations: coordinators create them in chat, anyone redeems one exactly once."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.context import KaikuApplication
from bot.sandbox.telegram_model import TelegramModel
from storage import invitations, people
from storage.models import (
    AuditEvent,
    FailedRedemption,
    Invitation,
    Organisation,
    Role,
    Unit,
    utcnow,
)
from tests.support.network import Network, add_person
from tests.support.simulator import SimulatedUser, TelegramSimulator

CODE = re.compile(r"/start (\S+)")


def code_in(user: SimulatedUser) -> str:
    found = CODE.search(user.last_reply().text)
    assert found, user.last_reply().text
    return found.group(1)


async def coordinator(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> SimulatedUser:
    person = await sim.user("Kaisa", language_code="en")
    await add_person(
        app.services.database, person.id, "Kaisa", (Role.COORDINATOR, espoo.localities["espoo"])
    )
    return person


async def new_invitation(app: KaikuApplication, espoo: Network, **changes: object) -> str:
    async with app.services.database.write() as session:
        invitation, code = await invitations.create(
            session,
            role=Role.ISSUER,
            locality_id=espoo.localities["espoo"],
            unit_id=espoo.units["family"],
        )
        for name, value in changes.items():
            setattr(invitation, name, value)
        await session.commit()
    return code


async def test_a_coordinator_invites_an_issuer_who_joins_and_the_coordinator_is_told(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network, telegram: TelegramModel
) -> None:
    kaisa = await coordinator(sim, app, espoo)
    await kaisa.send("/invite")
    await kaisa.click("card issuer")
    assert kaisa.buttons() == ["Red Cross", "Social services", "« Back", "Cancel"]
    await kaisa.click("Social services")
    assert kaisa.buttons() == ["Family centre", "Youth station", "« Back", "Cancel"]
    await kaisa.click("Family centre")
    assert kaisa.buttons() == ["English", "suomi", "svenska", "« Back", "Cancel"]
    await kaisa.click("English")
    reply = kaisa.last_reply().text
    assert "https://t.me/kaikubot_sandbox_bot?start=" in reply
    assert "card issuer at Family centre (Social services)" in reply

    newcomer = await sim.user("Niina", language_code="en")
    await newcomer.send(f"/start {code_in(kaisa)}")

    assert newcomer.last_reply().text.startswith(
        "Welcome, Niina! You are now card issuer at Family centre (Social services)."
    )
    await app.services.courier.deliver_due(app.bot)
    assert kaisa.last_reply().text == (
        "Niina accepted your invitation and is now card issuer at Family centre (Social services)."
    )
    menu = [entry["command"] for entry in telegram.commands_seen_by(newcomer.id)]
    assert menu == [
        "help",
        "issue",
        "cards",
        "practice",
        "ask",
        "guide",
        "contacts",
        "contact",
        "me",
        "language",
        "cancel",
    ]


async def test_the_invitation_text_is_in_the_language_the_coordinator_chooses(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    kaisa = await coordinator(sim, app, espoo)
    await kaisa.send("/invite")
    await kaisa.click("contact person")
    await kaisa.click("Social services")
    await kaisa.click("svenska")

    reply = kaisa.last_reply().text
    assert reply.startswith("Här är en inbjudan")
    assert "Eller skicka till mig: /start " in reply
    newcomer = await sim.user("Sven", language_code="sv")
    await newcomer.send(f"/start {code_in(kaisa)}")
    assert newcomer.last_reply().text.startswith("Välkommen, Sven!")


async def test_a_coordinator_invitation_is_confirmed_after_its_language(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    kaisa = await coordinator(sim, app, espoo)
    await kaisa.send("/invite")
    await kaisa.click("coordinator")
    await kaisa.click("suomi")
    assert kaisa.buttons()[0] == "Confirm"
    await kaisa.click("Confirm")

    assert kaisa.last_reply().text.startswith("Tässä on kutsu")
    async with app.services.database.read() as session:
        (invitation,) = await session.scalars(select(Invitation))
    assert invitation.role is Role.COORDINATOR


async def test_an_invitation_works_only_once(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    code = await new_invitation(app, espoo)
    first, second = (
        await sim.user("Eka", language_code="en"),
        await sim.user("Toka", language_code="en"),
    )

    await first.send(f"/start {code}")
    await second.send(f"/start {code}")

    assert first.last_reply().text.startswith("Welcome, Eka!")
    assert second.last_reply().text.startswith("This invitation has already been used.")
    async with app.services.database.read() as session:
        assert await people.by_telegram_id(session, second.id) is None


async def test_an_expired_invitation_is_refused(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    code = await new_invitation(app, espoo, expires_at=utcnow() - timedelta(seconds=1))
    late = await sim.user("Myöhä", language_code="en")

    await late.send(f"/start {code}")

    assert late.last_reply().text.startswith("This invitation has expired.")


async def test_a_revoked_invitation_is_refused(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    code = await new_invitation(app, espoo)
    async with app.services.database.write() as session:
        invitation = await session.scalar(select(Invitation))
        assert invitation is not None
        await invitations.revoke(session, invitation.id, locality_id=espoo.localities["espoo"])
        await session.commit()
    person = await sim.user("Peruttu", language_code="en")

    await person.send(f"/start {code}")

    assert person.last_reply().text.startswith("This invitation has been withdrawn.")


@pytest.mark.parametrize("taken_out", [Unit, Organisation])
async def test_an_invitation_into_a_unit_or_organisation_taken_out_of_the_network_is_refused(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network, taken_out: type[Unit]
) -> None:
    code = await new_invitation(app, espoo, organisation_id=espoo.organisations["social"])
    async with app.services.database.write() as session:
        scope_id = espoo.units["family"] if taken_out is Unit else espoo.organisations["social"]
        scope = await session.get(taken_out, scope_id)
        assert scope is not None
        scope.active = False
        await session.commit()
    late = await sim.user("Myöhä", language_code="en")

    await late.send(f"/start {code}")

    assert late.last_reply().text.startswith(
        "This invitation is into a unit or organisation that is no longer in the Kaikukortti "
        "network"
    )
    async with app.services.database.read() as session:
        assert await people.by_telegram_id(session, late.id) is None
        assert await session.scalar(select(FailedRedemption)) is None


async def test_five_wrong_codes_lock_a_person_out_even_for_a_valid_code(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    code = await new_invitation(app, espoo)
    guesser = await sim.user("Arvaaja", language_code="en")

    for _ in range(5):
        await guesser.send(f"/start {wrong_code()}")
        assert guesser.last_reply().text.startswith("I do not recognise this invitation code.")
    await guesser.send(f"/start {code}")

    assert guesser.last_reply().text.startswith("Too many wrong invitation codes.")
    async with app.services.database.write() as session:
        assert await people.by_telegram_id(session, guesser.id) is None
        # An hour later the lock is gone and the valid code still works.
        for failure in await session.scalars(select(FailedRedemption)):
            failure.at -= timedelta(hours=1)
        await session.commit()
    await guesser.send(f"/start {code}")
    assert guesser.last_reply().text.startswith("Welcome, Arvaaja!")


async def test_codes_are_stored_only_as_hashes(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    code = await new_invitation(app, espoo)
    async with app.services.database.read() as session:
        stored = await session.scalar(select(Invitation.code_hash))
        events = list(await session.scalars(select(AuditEvent)))
    assert stored == invitations.hash_code(code)
    assert code not in str(stored)
    assert all(code not in str(event.after) for event in events)
    assert len(code) >= 22  # 128 random bits


async def test_an_issuer_cannot_invite(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    issuer = await sim.user("Ilkka", language_code="en")
    await add_person(
        app.services.database, issuer.id, "Ilkka", (Role.ISSUER, espoo.units["family"])
    )

    await issuer.send("/invite")

    assert issuer.last_reply().text == (
        "Sorry, that is not part of your role. /help shows what you can do."
    )


def version_of(user: SimulatedUser) -> str:
    """The form version the buttons of the person's latest question carry."""
    data = user.last_reply().reply_markup["inline_keyboard"][0][0]["callback_data"]  # type: ignore[index]
    return str(data.split(":")[1])


@pytest.mark.parametrize("forged", ["org:{airport}", "unit:{gate}", "unit:²", "unit:" + "9" * 20])
async def test_a_coordinator_cannot_invite_into_another_locality_with_a_forged_button(
    sim: TelegramSimulator,
    app: KaikuApplication,
    espoo: Network,
    telegram: TelegramModel,
    forged: str,
) -> None:
    kaisa = await coordinator(sim, app, espoo)
    await kaisa.send("/invite")
    await kaisa.click("card issuer")
    if forged.startswith("unit"):
        await kaisa.click("Social services")
    menu = kaisa.last_reply()
    # A button for Vantaa's organisation or unit, or no id at all, as a modified client sends.
    action = forged.format(airport=espoo.organisations["airport"], gate=espoo.units["gate"])
    await sim.process(
        telegram.user_clicks_data(kaisa.id, menu.message_id, f"inv:{version_of(kaisa)}:{action}")
    )

    assert kaisa.last_reply().text.startswith(
        "That organisation or unit is no longer in your network (it was deactivated or is not "
        "yours). Nothing was changed."
    )
    assert sim.errors == []
    async with app.services.database.read() as session:
        assert list(await session.scalars(select(Invitation))) == []


async def test_a_unit_deactivated_between_the_question_and_its_button_is_answered_plainly(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    kaisa = await coordinator(sim, app, espoo)
    await kaisa.send("/invite")
    await kaisa.click("card issuer")
    await kaisa.click("Social services")
    async with app.services.database.write() as session:
        family = await session.get(Unit, espoo.units["family"])
        assert family is not None
        family.active = False
        await session.commit()

    await kaisa.click("Family centre")

    assert kaisa.last_reply().text.startswith(
        "That organisation or unit is no longer in your network"
    )
    assert kaisa.buttons()[:1] == ["Youth station"]
    assert sim.errors == []
    async with app.services.database.read() as session:
        assert list(await session.scalars(select(Invitation))) == []


def wrong_code() -> str:
    """A code of the right shape that no invitation has."""
    return secrets.token_urlsafe(invitations.CODE_BYTES)


@pytest.mark.parametrize(
    "typed",
    [
        "{code}",
        "  {code} ",
        "https://t.me/kaikubot_sandbox_bot?start={code}",
        "t.me/kaikubot_sandbox_bot?start={code}",
        "/start https://t.me/kaikubot_sandbox_bot?start={code}",
    ],
)
async def test_a_bare_code_or_a_pasted_link_is_redeemed_like_start(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network, typed: str
) -> None:
    code = await new_invitation(app, espoo)
    newcomer = await sim.user("Niina", language_code="en")

    await newcomer.send(typed.format(code=code))

    assert newcomer.last_reply().text.startswith(
        "Welcome, Niina! You are now card issuer at Family centre (Social services)."
    )


async def test_a_bare_wrong_code_is_refused_and_counted(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    guesser = await sim.user("Arvaaja", language_code="en")

    await guesser.send(wrong_code())
    await guesser.send(f"https://t.me/kaikubot_sandbox_bot?start={wrong_code()}")

    assert guesser.last_reply().text.startswith("I do not recognise this invitation code.")
    async with app.services.database.read() as session:
        assert len(list(await session.scalars(select(FailedRedemption)))) == 2


async def test_only_text_shaped_like_a_code_or_link_counts_toward_the_lockout(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    code = await new_invitation(app, espoo)
    person = await sim.user("Utelias", language_code="en")

    for attempt in range(10):
        await person.send(f"hello, how do I join? ({attempt})")
        await person.send(f"/start join-me-{attempt}")
        assert person.last_reply().text.startswith("I do not recognise this invitation code.")
    await person.send(f"/start {code}")

    assert person.last_reply().text.startswith("Welcome, Utelias!")
    async with app.services.database.read() as session:
        assert list(await session.scalars(select(FailedRedemption))) == []


async def test_a_deactivated_person_may_join_again_with_a_bare_code(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network
) -> None:
    former = await sim.user("Fanny", language_code="en")
    await add_person(
        app.services.database, former.id, "Fanny", (Role.ISSUER, espoo.units["youth"]), active=False
    )
    code = await new_invitation(app, espoo)

    await former.send("hello")
    assert former.last_reply().text.startswith("Your access to Kaikubot has ended.")
    await former.send(code)

    assert former.last_reply().text.startswith("Welcome, Fanny! You are now card issuer")
