"""An organisation left without a contact person by the command line's doing is noticed: its
coordinators are alerted at once, and `kaikubot org list` marks it."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from bot import logs
from bot.cli import main
from bot.context import KaikuApplication
from bot.settings import Settings
from storage.models import Role
from tests.support.network import Network, add_person
from tests.support.simulator import TelegramSimulator


@pytest.fixture(autouse=True)
def command_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, settings: Settings) -> None:
    """The command line on the application's database, with no stray environment."""
    for key in list(os.environ):
        if key.startswith("KAIKUBOT_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(logs, "configure", lambda level, secrets: None)
    monkeypatch.setenv("KAIKUBOT_DATABASE_URL", settings.effective_database_url)


def kaikubot(capsys: pytest.CaptureFixture[str], *argv: str) -> list[str]:
    capsys.readouterr()
    assert main(list(argv)) == 0
    return capsys.readouterr().out.splitlines()


async def test_deactivating_the_last_contact_person_alerts_the_coordinators_and_org_list_marks_it(
    sim: TelegramSimulator,
    app: KaikuApplication,
    espoo: Network,
    capsys: pytest.CaptureFixture[str],
) -> None:
    database = app.services.database
    kaisa = await sim.user("Kaisa", language_code="en")
    await add_person(
        database, kaisa.id, "Kaisa", (Role.COORDINATOR, espoo.localities["espoo"]), language="en"
    )
    kalle = await add_person(database, 801, "Kalle", (Role.CONTACT, espoo.organisations["social"]))
    await add_person(database, 802, "Riku", (Role.CONTACT, espoo.organisations["red_cross"]))

    listed = await asyncio.to_thread(kaikubot, capsys, "org", "list", "--locality", "Espoo")
    assert listed == [
        "Organisations of Espoo:",
        f"  #{espoo.organisations['red_cross']} Red Cross: 1 unit; contact: Riku",
        f"  #{espoo.organisations['social']} Social services: 2 units; contact: Kalle",
    ]

    out = await asyncio.to_thread(
        kaikubot, capsys, "person", "deactivate", str(kalle), "--locality", "Espoo"
    )
    assert out == [
        f"Deactivated #{kalle} Kalle: their access ended.",
        "Social services has no contact person now: its coordinators were alerted.",
    ]
    await app.services.courier.deliver_due(app.bot)
    assert kaisa.last_reply().text == (
        "Social services has no contact person any more. Every organisation in the network "
        "must have one: invite a new contact person with /invite."
    )

    listed = await asyncio.to_thread(kaikubot, capsys, "org", "list", "--locality", "Espoo")
    assert listed[-1] == (
        f"  #{espoo.organisations['social']} Social services: 2 units; NO CONTACT PERSON"
    )
