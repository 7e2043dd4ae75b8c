"""Every bad answer at every step: a translated reason, the same question, nothing stored."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import select

from bot import logs
from bot.context import KaikuApplication
from bot.sandbox.telegram_model import TelegramModel
from storage.models import Draft
from tests.issuing.conftest import current_question, issuances, issue_new_card, open_form
from tests.support.simulator import SimulatedUser

Reach = Callable[[SimulatedUser], Awaitable[None]]
THIS_YEAR_MINUS_10 = "2016"
DELETED = "I deleted your message from this chat so that it is not kept here."


async def to_number(user: SimulatedUser) -> None:
    await open_form(user)


async def to_old_number(user: SimulatedUser) -> None:
    await open_form(user, "Replacement of a lost card")


async def to_birth_year(user: SimulatedUser) -> None:
    await to_number(user)
    await user.send("KK555555")


async def to_postal_code(user: SimulatedUser) -> None:
    await to_birth_year(user)
    await user.send("1980")


async def to_children_count(user: SimulatedUser) -> None:
    await to_postal_code(user)
    await user.send("02150")
    await user.click("More than 5")


async def to_children(user: SimulatedUser) -> None:
    await to_postal_code(user)
    await user.send("02150")


async def to_gender(user: SimulatedUser) -> None:
    await to_children(user)
    await user.click("1")


PIC = "That looks like a personal identity code."
PHONE = "That looks like a phone number."
EMAIL = "That looks like an e-mail address."
# Espoo's example is KK123456: the letters are fixed, the digits are any six.
NOT_OURS = (
    "That is not a card number of your locality: they are KK and 6 digits, for example KK123456."
)

CASES = [
    # step, what the issuer types, what the reason starts with
    (to_number, "010190-123A", PIC),
    (to_number, "KK 010190A123B", PIC),
    (to_number, "040 123 4567", PHONE),
    (to_number, "+358 40 1234567", PHONE),
    (to_number, "maija.meikalainen@example.fi", EMAIL),
    (to_number, "12", NOT_OURS),
    (to_number, "KK12345", NOT_OURS),
    (to_number, "123456KK", NOT_OURS),
    (to_number, "AB123456", NOT_OURS),
    (to_old_number, "kl 654321", NOT_OURS),
    (to_old_number, "X", "A mobile-only card has no number to replace."),
    (to_old_number, "0401234567", PHONE),
    (to_birth_year, "85", "Type the year of birth as four digits"),
    (to_birth_year, "nineteen", "Type the year of birth as four digits"),
    (to_birth_year, "1.2.1985", "Only the year of birth is recorded"),
    (to_birth_year, "010285-123X", "Only the year of birth is recorded"),
    (to_birth_year, THIS_YEAR_MINUS_10, "The client must be 16 or turn 16 this year"),
    (to_birth_year, "1900", "That year would make the client older than 110."),
    (to_birth_year, "050 765 4321", PHONE),
    (to_postal_code, "0215", "A postal code has five digits"),
    (to_postal_code, "Espoo", "A postal code has five digits"),
    (to_postal_code, "ville@example.com", EMAIL),
    (to_postal_code, "+358401234567", PHONE),
    (to_postal_code, "131052-308T", PIC),
    (to_children_count, "many", "Type the number in digits"),
    (to_children_count, "31", "The number can be at most 30."),
    (to_children_count, "-1", "Type the number in digits"),
    # "More than 5" means more than 5: its typed number has the bounds the question states.
    (to_children_count, "3", "You chose “More than 5”: type a number from 6 to 30"),
    (to_children_count, "0", "You chose “More than 5”: type a number from 6 to 30"),
    (to_children_count, "5", "You chose “More than 5”: type a number from 6 to 30"),
    (to_children, "31", "The number can be at most 30."),
    (to_children, "lots", "Type the number in digits"),
    (to_gender, "woman", "Please answer with the buttons below."),
]


async def stored_drafts(app: KaikuApplication) -> list[tuple[str, dict[str, object]]]:
    async with app.services.database.read() as session:
        return [(d.step, d.answers) for d in await session.scalars(select(Draft))]


@pytest.mark.parametrize(
    ("reach", "typed", "reason"),
    [pytest.param(*case, id=f"{case[0].__name__}:{case[1]}") for case in CASES],
)
async def test_a_bad_answer_is_refused_with_a_reason_and_asked_again(
    issuer: SimulatedUser,
    app: KaikuApplication,
    telegram: TelegramModel,
    caplog: pytest.LogCaptureFixture,
    reach: Reach,
    typed: str,
    reason: str,
) -> None:
    await reach(issuer)
    question = current_question(issuer)
    before = await stored_drafts(app)

    logs.quiet_libraries()  # as `kaikubot run` configures logging
    with caplog.at_level(logging.DEBUG):
        await issuer.send(typed)

    (reply,) = issuer.replies_since_last_action()
    assert reply.text.startswith(reason)
    assert reply.text.endswith(question)  # the same question again
    assert await stored_drafts(app) == before
    if len(typed) >= 6:  # shorter ones occur in ordinary text (e.g. "85" in "1985")
        assert typed not in caplog.text
    assert await issuances(app) == []
    # What identifies a client is deleted from the chat too, and the issuer is told so.
    identifying = reason in (PIC, PHONE, EMAIL) or reason.startswith("Only the year of birth")
    sent = [m for m in telegram.chat(issuer.id) if not m.from_bot and m.text == typed]
    assert [m.deleted for m in sent] == [identifying]
    assert (DELETED in reply.text) == identifying


async def test_a_number_already_in_use_is_refused_for_a_new_card(
    issuer: SimulatedUser, app: KaikuApplication
) -> None:
    await issue_new_card(issuer, "KK123456")
    await to_number(issuer)
    await issuer.send("KK123456")

    assert issuer.last_reply().text.startswith("Card number KK123456 is already in use.")
    assert len(await issuances(app)) == 1


async def test_a_photo_where_no_photo_is_asked_for_gets_a_second_chance(
    issuer: SimulatedUser, app: KaikuApplication
) -> None:
    from tests.support.simulator import png_image

    await to_birth_year(issuer)
    await issuer.send_photo(png_image(40, 40))

    assert issuer.last_reply().text.startswith(
        "I can read a photo only when a question asks for one."
    )
