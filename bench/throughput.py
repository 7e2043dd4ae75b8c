"""Updates per second for /help through the real application, beside two anchors.

Anchors, measured in the same run on the same fake Telegram: a bare python-telegram-bot echo
bot, and that echo bot doing one SQLAlchemy read transaction per update. Bar: /help ≥ 70% of
the one-read echo bot (who the person is, their roles and language cost one transaction).

Run: make bench   (or: .venv/bin/python -m bench.throughput [--people N] [--rounds N])
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from bench.common import (
    Figures,
    anchor_application,
    drive,
    echo,
    echo_with_read,
    fresh_database,
    report,
    settings_for,
    temporary_directory,
)
from bot.app import build_application, start_up
from bot.sandbox.telegram_model import TelegramModel
from storage.db import Database
from storage.models import Role
from tests.support.network import add_person, build_network
from tests.support.simulator import SimulatedUser, TelegramSimulator

BAR = 0.70


async def people(
    simulator: TelegramSimulator, database: Database, count: int, *, register: bool
) -> list[SimulatedUser]:
    network = await build_network(database) if register else None
    users = []
    for index in range(count):
        user = await simulator.user(f"Issuer {index}", language_code=("fi", "sv", "en")[index % 3])
        if network is not None:
            await add_person(
                database, user.id, user.first_name, (Role.ISSUER, network.units["family"])
            )
        users.append(user)
    return users


async def measure_anchor(
    name: str, directory: Path, count: int, rounds: int, *, with_read: bool
) -> Figures:
    url = await fresh_database(directory / name.replace(" ", "-"))
    database = Database.from_url(url)
    model = TelegramModel()
    application = anchor_application(model, echo_with_read(database) if with_read else echo)
    await application.initialize()
    simulator = TelegramSimulator(model, application)
    users = await people(simulator, database, count, register=True)
    await drive(name, users, lambda _: ["hello"], 5)  # warm-up
    figures = await drive(name, users, lambda _: ["hello"], rounds)
    await application.shutdown()
    await database.dispose()
    return figures


async def measure_help(directory: Path, count: int, rounds: int) -> Figures:
    url = await fresh_database(directory / "kaikubot")
    model = TelegramModel()
    from tests.support.fake_transport import FakeTelegramRequest

    application = build_application(settings_for(url), request=FakeTelegramRequest(model))
    await application.initialize()
    await start_up(application)
    simulator = TelegramSimulator(model, application)
    users = await people(simulator, application.services.database, count, register=True)
    await drive("kaikubot /help", users, lambda _: ["/help"], 5)
    figures = await drive("kaikubot /help", users, lambda _: ["/help"], rounds)
    await application.shutdown()
    await application.services.database.dispose()
    return figures


async def main(count: int, rounds: int) -> bool:
    with temporary_directory() as tmp:
        directory = Path(tmp)
        for sub in ("bare-echo", "echo-+-one-read", "kaikubot"):
            (directory / sub).mkdir()
        bare = await measure_anchor("bare echo", directory, count, rounds, with_read=False)
        read = await measure_anchor("echo + one read", directory, count, rounds, with_read=True)
        help_ = await measure_help(directory, count, rounds)
    print(f"{count} people, {rounds} updates each, SQLite file database, fake Telegram transport")
    report([bare, read, help_], read)
    ratio = help_.per_second / read.per_second
    verdict = "meets" if ratio >= BAR else "MISSES"
    print(f"/help is {ratio:.0%} of the one-read echo bot: {verdict} the bar of {BAR:.0%}")
    return ratio >= BAR


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=40)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.people, arguments.rounds))
