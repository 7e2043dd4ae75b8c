"""A summary of a typed period: "Custom range…" on /summary, or /range with the dates."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from bot.context import KaikuApplication
from bot.settings import Settings
from storage.models import Draft, Role
from tests.conftest import make_settings
from tests.summaries.fixture import seed
from tests.support.network import add_person
from tests.support.simulator import SimulatedUser, TelegramSimulator

TODAY = date(2026, 12, 6)

# (language, the button, November typed as the reader writes it, the summary's first line,
# its cards-issued line)
LANGUAGES = [
    (
        "en",
        "Custom range…",
        "1 November 2026 - 30 November 2026",
        "Kaikukortti summary: Espoo",
        "Cards issued: 16 (+6, +60% on the previous period)",
    ),
    (
        "fi",
        "Muu aikaväli…",
        "1.11.–30.11.2026",
        "Kaikukortti-yhteenveto: Espoo",
        "Kortteja myönnetty: 16 (+6, +60\u00a0% edelliseen jaksoon verrattuna)",
    ),
    (
        "sv",
        "Annan period…",
        "1/11 2026 – 30/11 2026",
        "Kaikukortti-sammanfattning: Espoo",
        "Utfärdade kort: 16 (+6, +60\u00a0% jämfört med föregående period)",
    ),
]


@pytest.fixture
def settings(database_url: str) -> Settings:
    """The application on each backend."""
    return make_settings(database_url)


@pytest.fixture(autouse=True)
def today(monkeypatch: pytest.MonkeyPatch) -> None:
    """The forms see 6 December 2026 as today, whenever the tests run."""
    monkeypatch.setattr("bot.forms.engine.today", lambda zone: TODAY)


async def drafts_of(app: KaikuApplication) -> list[tuple[str, str]]:
    async with app.services.database.read() as session:
        return [(d.conversation, d.step) for d in await session.scalars(select(Draft))]


async def coordinator(
    sim: TelegramSimulator, app: KaikuApplication, language: str
) -> SimulatedUser:
    kaisa = await sim.user("Kaisa", language_code=language)
    await seed(app.services.database, coordinator_telegram_id=kaisa.id)
    return kaisa


@pytest.mark.parametrize(("language", "button", "typed", "title", "issued"), LANGUAGES)
async def test_a_period_typed_in_the_readers_format_gets_its_summary(
    sim: TelegramSimulator,
    app: KaikuApplication,
    language: str,
    button: str,
    typed: str,
    title: str,
    issued: str,
) -> None:
    kaisa = await coordinator(sim, app, language)
    await kaisa.send("/summary")
    await kaisa.click(button)
    assert await drafts_of(app) == [("range", "TYPING_PERIOD")]
    await kaisa.send(typed)

    counting, summary = kaisa.replies_since_last_action()
    assert "2026" in counting.text
    lines = summary.text.splitlines()
    assert lines[0] == title
    assert issued in lines
    assert len(kaisa.buttons()) == 7  # another period is one tap away
    assert await drafts_of(app) == []
    assert not sim.errors


async def test_the_question_shows_an_example_in_the_readers_format(
    sim: TelegramSimulator, app: KaikuApplication
) -> None:
    kaisa = await coordinator(sim, app, "fi")
    await kaisa.send("/range")

    assert kaisa.last_reply().text.endswith("1.11.2026–30.11.2026")


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("31 May 2026 - 1 March 2026", "The period ends before it starts."),
        ("1 November 2026 - 31 December 2026", "The period goes beyond today"),
        ("1 January 2020 - 30 November 2026", "A summary covers at most 5 years."),
        ("30 February 2026 - 1 March 2026", "One of the dates does not exist."),
        ("since the spring", "I could not read the dates in that."),
    ],
)
async def test_a_period_that_cannot_be_summarised_gets_its_reason_and_a_second_chance(
    sim: TelegramSimulator, app: KaikuApplication, typed: str, reason: str
) -> None:
    kaisa = await coordinator(sim, app, "en")
    await kaisa.send("/range")
    question = kaisa.last_reply().text
    assert question.endswith("for example Nov 1, 2026 – Nov 30, 2026")

    await kaisa.send(typed)
    refusal = kaisa.last_reply().text
    assert refusal.startswith(reason)
    assert refusal.endswith(question)
    assert await drafts_of(app) == [("range", "TYPING_PERIOD")]

    await kaisa.send("2026-11-01 - 2026-11-30")
    assert kaisa.last_reply().text.startswith("Kaikukortti summary: Espoo")
    assert await drafts_of(app) == []


async def test_a_period_after_the_command_is_summarised_at_once(
    sim: TelegramSimulator, app: KaikuApplication
) -> None:
    kaisa = await coordinator(sim, app, "en")
    await kaisa.send("/range 11/1/2026-11/30/2026")

    counting, summary = kaisa.replies_since_last_action()
    assert counting.text == "Counting the summary of Nov 1\u2009–\u200930, 2026…"
    assert "Cards issued: 16 (+6, +60% on the previous period)" in summary.text.splitlines()
    assert await drafts_of(app) == []


async def test_a_period_typed_with_a_phone_number_is_refused_and_not_stored(
    sim: TelegramSimulator, app: KaikuApplication
) -> None:
    kaisa = await coordinator(sim, app, "en")
    await kaisa.send("/range")
    await kaisa.send("1.11.2026-30.11.2026 call 040 123 4567")

    assert kaisa.last_reply().text.startswith("Type only the dates, nothing else.")
    async with app.services.database.read() as session:
        (draft,) = await session.scalars(select(Draft))
    assert "4567" not in str(draft.answers)


async def test_a_coordinator_of_another_locality_counts_their_own(
    sim: TelegramSimulator, app: KaikuApplication
) -> None:
    vera = await sim.user("Vera", language_code="en")
    seeded = await seed(app.services.database)
    await add_person(
        app.services.database,
        vera.id,
        "Vera",
        (Role.COORDINATOR, seeded.network.localities["vantaa"]),
    )
    await vera.send("/range 1.11.2026-30.11.2026")

    summary = vera.last_reply().text
    assert summary.startswith("Kaikukortti summary: Vantaa")
    assert "Cards issued: < 5" in summary.splitlines()  # the one card at the gate
