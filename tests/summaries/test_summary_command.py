"""/summary: a coordinator picks a period and reads their own locality's summary."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy.pool import Pool

from bot.app import build_application
from bot.context import KaikuApplication
from bot.sandbox.telegram_model import TelegramModel
from bot.settings import Settings
from bot.summaries.periods import Preset, preset_period
from storage.models import Role
from tests.summaries.fixture import seed
from tests.support.fake_transport import FakeTelegramRequest
from tests.support.network import add_person
from tests.support.simulator import TelegramSimulator

# (language, the period buttons, the summary's first line, "cards issued")
LANGUAGES = [
    ("en", "This month", "Kaikukortti summary: Espoo", "Cards issued: "),
    ("fi", "Tämä kuukausi", "Kaikukortti-yhteenveto: Espoo", "Kortteja myönnetty: "),
    ("sv", "Den här månaden", "Kaikukortti-sammanfattning: Espoo", "Utfärdade kort: "),
]


@pytest.mark.parametrize(("language", "button", "title", "issued"), LANGUAGES)
async def test_a_coordinator_gets_the_summary_of_a_chosen_period_in_their_language(
    sim: TelegramSimulator,
    app: KaikuApplication,
    language: str,
    button: str,
    title: str,
    issued: str,
) -> None:
    kaisa = await sim.user("Kaisa", language_code=language)
    await seed(app.services.database, coordinator_telegram_id=kaisa.id)

    await kaisa.send("/summary")
    assert len(kaisa.buttons()) == 7  # five periods, a typed one and the schedule
    await kaisa.click(button)

    (summary,) = kaisa.replies_since_last_action()
    lines = summary.text.splitlines()
    assert lines[0] == title
    assert any(line.startswith(issued) for line in lines)
    assert len(kaisa.buttons()) == 7  # another period is one tap away
    assert not sim.errors


async def test_the_summary_counts_the_chosen_period(
    sim: TelegramSimulator, app: KaikuApplication
) -> None:
    kaisa = await sim.user("Kaisa", language_code="en")
    await seed(app.services.database, coordinator_telegram_id=kaisa.id)
    today = datetime.now(app.services.settings.zone).date()
    period = preset_period(Preset.THIS_YEAR, today)

    await kaisa.send("/summary")
    await kaisa.click("This year")

    text = kaisa.last_reply().text
    assert f"{today.year}" in text.splitlines()[1]
    assert period.start.year == today.year


async def test_a_coordinator_sees_only_their_own_locality(
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

    await vera.send("/summary")
    await vera.click("Last month")

    text = vera.last_reply().text
    assert text.startswith("Kaikukortti summary: Vantaa")
    for espoo_name in ("Social services", "Red Cross", "Family centre", "Helpline"):
        assert espoo_name not in text


async def test_issuers_and_contact_people_have_no_summary(
    sim: TelegramSimulator, app: KaikuApplication
) -> None:
    iris = await sim.user("Iris", language_code="en")
    seeded = await seed(app.services.database)
    await add_person(
        app.services.database, iris.id, "Iris", (Role.ISSUER, seeded.network.units["family"])
    )

    await iris.send("/summary")

    assert iris.last_reply().text.startswith("Sorry, that is not part of your role.")


class PoolWatchingRequest(FakeTelegramRequest):
    """The fake Telegram, noting how many database connections are out at each call."""

    __slots__ = ("checked_out", "pool")

    def __init__(self, model: TelegramModel) -> None:
        super().__init__(model)
        self.pool: Pool | None = None
        self.checked_out: list[tuple[str, int]] = []

    async def do_request(
        self, url: str, method: str, *args: Any, **kwargs: Any
    ) -> tuple[int, bytes]:
        if self.pool is not None:
            self.checked_out.append((url.rsplit("/", 1)[-1], self.pool.checkedout()))
        return await super().do_request(url, method, *args, **kwargs)


async def test_no_database_connection_is_held_while_telegram_is_called(
    settings: Settings, telegram: TelegramModel
) -> None:
    request = PoolWatchingRequest(telegram)
    application = build_application(settings, request=request)
    await application.initialize()
    try:
        request.pool = application.services.database.engine.pool
        sim = TelegramSimulator(telegram, application)
        kaisa = await sim.user("Kaisa", language_code="en")
        await seed(application.services.database, coordinator_telegram_id=kaisa.id)

        await kaisa.send("/summary")
        await kaisa.click("This year")

        called = {method for method, _ in request.checked_out}
        assert {"sendMessage", "answerCallbackQuery"} <= called
        assert [out for _, out in request.checked_out] == [0] * len(request.checked_out)
    finally:
        await application.shutdown()
        await application.services.database.dispose()
