"""Fixtures for the issuing form: an issuer of one unit, and helpers that fill the form."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.context import KaikuApplication
from storage.models import Card, Issuance, Role
from tests.support.network import Network, add_person
from tests.support.simulator import SimulatedUser, TelegramSimulator

Fill = Callable[..., Awaitable[None]]


@pytest.fixture
async def issuer(sim: TelegramSimulator, app: KaikuApplication, espoo: Network) -> SimulatedUser:
    """Ilona, who issues cards at Espoo's family centre and speaks English."""
    user = await sim.user("Ilona", language_code="en")
    await add_person(app.services.database, user.id, "Ilona", (Role.ISSUER, espoo.units["family"]))
    return user


async def open_form(user: SimulatedUser, kind: str = "New card") -> None:
    """Start a form, confirm eligibility and choose the kind ("New card", "Renewal", …)."""
    await user.send("/issue")
    await user.click("All four apply")
    await user.click(kind)


async def issue_new_card(
    user: SimulatedUser,
    number: str = "KK123456",
    *,
    birth_year: str = "1985",
    postal_code: str = "02150",
    children: str = "2",
    confirm: bool = True,
) -> None:
    """Fill a new-card form with one choice for each voluntary question."""
    await open_form(user)
    await user.send(number)
    await user.send(birth_year)
    await user.send(postal_code)
    await user.click(children)
    await user.click("Woman")
    await user.click("Student")
    await user.click("4")
    await user.click("Yes")
    if confirm:
        await user.click("Confirm")


# How a pressed question shows the choice made (handlers.issuing.engine).
CHOICE = "\n\n→ "


def current_question(user: SimulatedUser) -> str:
    """The question the issuer is answering now: the latest message after its last choice.

    A pressed question of the form turns into the next one, so one message holds a run of
    answered questions, each followed by "→ choice", and the newest question last.
    """
    text = user.last_reply().text
    if CHOICE not in text:
        return text
    return text.rsplit(CHOICE, 1)[1].split("\n\n", 1)[1]


# What a client answers, as an issuer would read it to the form: the start of each question,
# and the answer (the label of a button the question shows, or else text to type).
NEW_CARD_CLIENT = {
    "Check that all four apply": "All four apply",
    "Is this a new card": "New card",
    "Type the card number": "KK123456",
    "The client's year of birth?": "1985",
    "The postal code of the client's home?": "02150",
    "How many children": "2",
    "The client's gender": "Woman",
    "The client's life situation": "Student",
    "How does the client rate their cultural wellbeing": "4",
    "Does the client want the mobile card?": "Yes",
    "Please check the answers:": "Confirm",
}


async def issue_reading_each_question(
    user: SimulatedUser, client: dict[str, str], *, until: str
) -> int:
    """Start a form and answer whatever the bot asks from the client's answers, as an issuer
    reads each question and answers it, until a reply starts with `until`; return how many
    messages and taps it took (/issue included)."""
    await user.send("/issue")
    interactions = 1
    while not (question := current_question(user)).startswith(until):
        answer = next((a for start, a in client.items() if question.startswith(start)), None)
        assert answer is not None, f"the client has no answer to: {question!r}"
        if answer in user.buttons():
            await user.click(answer)
        else:
            await user.send(answer)
        interactions += 1
        assert interactions < 40, "the form never ends"
    return interactions


async def issuances(app: KaikuApplication) -> list[Issuance]:
    """Every stored issuance, oldest first."""
    async with app.services.database.read() as session:
        return list(
            await session.scalars(
                select(Issuance).options(selectinload(Issuance.card)).order_by(Issuance.id)
            )
        )


async def cards_stored(app: KaikuApplication) -> list[Card]:
    """Every stored card, oldest first."""
    async with app.services.database.read() as session:
        return list(await session.scalars(select(Card).order_by(Card.id)))
