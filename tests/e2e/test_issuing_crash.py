"""The issuing form survives SIGKILL at every step: the real `kaikubot` process is killed and
started again after each answer the issuer was answered on, and the form goes on where it was.

Every answer is stored with the form's next step before the bot replies (handlers/issuing/
engine.py), so a reply the issuer has seen means the answer is safe. The tests kill the bot only
once Telegram has forgotten the update (see BotProcess.crash_and_restart) and check the database
itself at the end: one issuance, with every answer.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.forms import Turn
from bot.forms.progress import Progress
from bot.i18n import Translator
from bot.sandbox.telegram_model import ChatMessage
from handlers.issuing import ISSUING
from handlers.issuing.form import IssueAnswers, Step, validity_end
from handlers.issuing.summary import recorded
from storage.db import Database
from storage.models import Card, Issuance, IssuanceKind
from tests.e2e.conftest import BotProcess, Person, invitation_code

pytestmark = pytest.mark.e2e

CARD_EXAMPLE = "KK123456"
UNIT = "Social services/Family centre"
# Between an answered question and the next one in the same message: the choice shown.
ANSWERED = re.compile(r"\n\n→ [^\n]*\n\n")


@dataclass(frozen=True)
class Answer:
    """One thing the issuer does: types text or presses a button; and what the bot asks next."""

    text: str
    pressed: bool
    then: Step

    async def give(self, issuer: Person) -> ChatMessage:
        """Give the answer; return the bot's reply."""
        return await (issuer.choose(self.text) if self.pressed else issuer.send(self.text))


def typed(text: str, then: Step) -> Answer:
    return Answer(text, pressed=False, then=then)


def pressed(label: str, then: Step) -> Answer:
    return Answer(label, pressed=True, then=then)


async def asks(reply: str, t: Translator, step: Step, kind: IssuanceKind) -> bool:
    """Whether the reply's newest question is the form's question at this step, with no note.

    A question may come as a message of its own or below the answered ones in the pressed
    message, each of those followed by its "→ choice".
    """
    newest = ANSWERED.split(reply)[-1]
    if step is Step.CONFIRMING:
        return newest.startswith(t.gettext("Please check the answers:"))
    # The form's own question, asked of answers of this kind (these questions read nothing but
    # the date, for the birth year's bounds).
    answers = IssueAnswers(kind=kind, card_examples=[CARD_EXAMPLE])
    reader = SimpleNamespace(t=t, settings=SimpleNamespace(zone=ZoneInfo("Europe/Helsinki")))
    turn = Turn(None, reader, ISSUING, Progress(), answers, step)  # type: ignore[arg-type]
    if step is Step.CONFIRMING_EARLY_RENEWAL:
        # The card being renewed here was issued today: it is valid as long as its renewal.
        answers.number = CARD_EXAMPLE
        answers.renewing_valid_until = validity_end(answers, turn.today()).isoformat()
    return newest == (await ISSUING.steps[step].ask(turn)).text


def new_card(t: Translator) -> list[Answer]:
    """A new card with every question answered, up to the summary."""
    return [
        typed("/issue", Step.CHECKING_ELIGIBILITY),
        pressed(t.gettext("All four apply"), Step.CHOOSING_KIND),
        pressed(t.gettext("New card"), Step.AWAITING_NUMBER),
        typed("KK123456", Step.AWAITING_BIRTH_YEAR),
        typed("1985", Step.AWAITING_POSTAL_CODE),
        typed("00150", Step.CHOOSING_CHILDREN),
        pressed("2", Step.CHOOSING_GENDER),
        pressed(t.gettext("Woman"), Step.CHOOSING_LIFE_SITUATION),
        pressed(t.gettext("Student"), Step.CHOOSING_WELLBEING),
        pressed("4", Step.CHOOSING_MOBILE_CARD),
        pressed(t.gettext("Yes"), Step.CONFIRMING),
    ]


async def fill(
    bot: BotProcess,
    issuer: Person,
    t: Translator,
    kind: IssuanceKind,
    answers: list[Answer],
    *,
    kill: bool,
) -> None:
    """Give the answers in order, each getting the right question; SIGKILL after each if kill."""
    earlier = {message.message_id for message in issuer.messages()}
    replies: set[int] = set()
    for number, answer in enumerate(answers, start=1):
        reply = await answer.give(issuer)
        assert await asks(reply.text, t, answer.then, kind), (
            f"answer {number} ({answer.text!r}, after {bot.starts - 1} restarts) got:\n{reply.text}"
        )
        replies.add(reply.message_id)
        if kill:
            await bot.crash_and_restart()
    # Nothing but the replies: no apology, no question asked twice, no stale button's alert.
    assert {m.message_id for m in issuer.messages()} - earlier == replies
    assert not [q for q in issuer.model.callback_queries.values() if q.answer and q.answer.text]


async def confirm(issuer: Person, t: Translator) -> str:
    """Press "Confirm"; return the bot's reply."""
    return (await issuer.choose(t.gettext("Confirm"))).text


@pytest.fixture
async def database(kaikubot: BotProcess) -> AsyncIterator[Database]:
    """The bot's own SQLite file, opened by the test to look at what was stored."""
    database = Database.from_url(kaikubot.database_url)
    yield database
    await database.dispose()


async def stored_issuances(database: Database) -> list[Issuance]:
    """Every issuance in the bot's database, oldest first, with its card."""
    async with database.read() as session:
        found = await session.scalars(
            select(Issuance).options(selectinload(Issuance.card)).order_by(Issuance.id)
        )
        return list(found)


async def stored_card(database: Database, card_id: int) -> Card:
    async with database.read() as session:
        card = await session.get(Card, card_id)
    assert card is not None
    return card


async def invited_issuer(kaikubot: BotProcess, language: str) -> Person:
    """Set the network up from the command line, start the bot, and let an issuer join."""
    await kaikubot.command(
        "init", "--locality", "Testila",
        "--card-example", CARD_EXAMPLE, "--postal-codes", "00100-00990",
    )  # fmt: skip
    await kaikubot.command("org", "add", UNIT.split("/")[0], "--committed-on", "2025-01-02")
    await kaikubot.command("unit", "add", UNIT)
    code = invitation_code(await kaikubot.command("invite", "--role", "issuer", "--unit", UNIT))
    await kaikubot.start()
    issuer = Person(kaikubot, kaikubot.server.model.add_user("Ilona", language_code=language))
    await issuer.send(f"/start {code}")
    return issuer


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
async def test_a_new_card_survives_sigkill_after_every_answer(
    kaikubot: BotProcess, database: Database, language: str
) -> None:
    issuer = await invited_issuer(kaikubot, language)
    t = Translator(language)

    await fill(kaikubot, issuer, t, IssuanceKind.NEW, new_card(t), kill=True)
    reply = await confirm(issuer, t)

    (issuance,) = await stored_issuances(database)
    assert issuance.kind is IssuanceKind.NEW
    assert issuance.card.number == "KK123456"
    assert (issuance.birth_year, issuance.postal_code, issuance.children) == (1985, "00150", 2)
    assert (issuance.gender, issuance.life_situation) == ("woman", "student")
    assert (issuance.wellbeing, issuance.mobile_card) == (4, True)
    assert reply == recorded(t, "KK123456", issuance.valid_until)
    assert issuer.messages()[-1].text == reply
    assert kaikubot.starts == 1 + len(new_card(t))
    assert kaikubot.server.model.unknown_methods == []


async def test_a_renewal_survives_sigkill_after_every_answer(
    kaikubot: BotProcess, database: Database
) -> None:
    issuer = await invited_issuer(kaikubot, "en")
    t = Translator("en")
    await fill(kaikubot, issuer, t, IssuanceKind.NEW, new_card(t), kill=False)
    await confirm(issuer, t)

    renewal = [
        typed("/issue", Step.CHECKING_ELIGIBILITY),
        pressed("All four apply", Step.CHOOSING_KIND),
        pressed("Renewal", Step.AWAITING_NUMBER),
        typed("KK123456", Step.CONFIRMING_EARLY_RENEWAL),  # valid for a year still
        pressed("Renew it anyway", Step.CHOOSING_WELLBEING),  # the rest is carried over
        pressed("5", Step.CONFIRMING),
    ]
    await fill(kaikubot, issuer, t, IssuanceKind.RENEWAL, renewal, kill=True)
    reply = await confirm(issuer, t)

    first, renewed = await stored_issuances(database)
    assert renewed.kind is IssuanceKind.RENEWAL
    assert renewed.card_id == first.card_id
    assert (renewed.birth_year, renewed.postal_code, renewed.children) == (1985, "00150", 2)
    assert (renewed.gender, renewed.life_situation) == ("woman", "student")
    assert (renewed.wellbeing, renewed.mobile_card) == (5, True)
    assert reply == recorded(t, "KK123456", renewed.valid_until)
    assert kaikubot.starts == 1 + len(renewal)


async def test_a_replacement_survives_sigkill_after_every_answer(
    kaikubot: BotProcess, database: Database
) -> None:
    issuer = await invited_issuer(kaikubot, "en")
    t = Translator("en")
    await fill(kaikubot, issuer, t, IssuanceKind.NEW, new_card(t), kill=False)
    await confirm(issuer, t)

    replacement = [
        typed("/issue", Step.CHECKING_ELIGIBILITY),
        pressed("All four apply", Step.CHOOSING_KIND),
        pressed("Replacement of a lost card", Step.AWAITING_OLD_NUMBER),
        typed("KK123456", Step.AWAITING_NUMBER),
        typed("KK654321", Step.CONFIRMING),  # the answers are carried over from the lost card
    ]
    await fill(kaikubot, issuer, t, IssuanceKind.REPLACEMENT, replacement, kill=True)
    reply = await confirm(issuer, t)

    lost, replaced = await stored_issuances(database)
    assert replaced.kind is IssuanceKind.REPLACEMENT
    assert replaced.card.number == "KK654321"
    assert replaced.replaces_card_id == lost.card_id
    assert (await stored_card(database, lost.card_id)).deactivated_at is not None
    assert (replaced.birth_year, replaced.postal_code, replaced.children) == (1985, "00150", 2)
    assert (replaced.gender, replaced.life_situation) == ("woman", "student")
    assert (replaced.wellbeing, replaced.mobile_card) == (4, True)
    assert reply == recorded(t, "KK654321", replaced.valid_until)
    assert kaikubot.starts == 1 + len(replacement)
