"""What the benchmarks share: a fresh database, the fake Telegram, and the anchor bots."""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy import update as sql_update
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot.sandbox.telegram_model import TelegramModel
from bot.settings import Settings
from storage import migrate
from storage.db import Database
from storage.models import Person
from tests.support.fake_transport import FakeTelegramRequest
from tests.support.simulator import SimulatedUser

TOKEN = "123456:BENCHMARK"


@dataclass
class Figures:
    """What one measured run did."""

    name: str
    updates: int
    seconds: float
    latencies: list[float]

    @property
    def per_second(self) -> float:
        return self.updates / self.seconds

    @property
    def p99_ms(self) -> float:
        return statistics.quantiles(self.latencies, n=100)[98] * 1000 if self.latencies else 0.0


async def fresh_database(directory: Path) -> str:
    """A migrated SQLite file database; returns its URL."""
    url = f"sqlite+aiosqlite:///{directory / 'bench.db'}"
    database = Database.from_url(url)
    await migrate.upgrade(database.engine)
    await database.dispose()
    return url


def settings_for(url: str) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None, token=TOKEN, database_url=url, api_base_url="http://127.0.0.1:9/bot"
    )


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The bare anchor: answer every message with its text."""
    if update.effective_message and update.effective_message.text:
        await update.effective_message.reply_text(update.effective_message.text)


def echo_with_read(database: Database) -> Callable[[Update, Any], Awaitable[None]]:
    """The database anchor: one SQLAlchemy read transaction, then the echo."""

    async def handler(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        async with database.read() as session:
            await session.scalar(
                select(Person).where(Person.telegram_id == (user.id if user else 0))
            )
        await echo(update, context)

    return handler


def echo_with_write(database: Database) -> Callable[[Update, Any], Awaitable[None]]:
    """The crash-safe anchor: one SQLAlchemy write transaction, then the echo."""

    async def handler(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user_id = update.effective_user.id if update.effective_user else 0
        async with database.write() as session:
            await session.execute(
                sql_update(Person)
                .where(Person.telegram_id == user_id)
                .values(display_name=Person.display_name)
            )
            await session.commit()
        await echo(update, context)

    return handler


def anchor_application(
    model: TelegramModel, handler: Callable[..., Awaitable[None]]
) -> Application[Any, Any, Any, Any, Any, Any]:
    """A plain python-telegram-bot application on the same fake transport."""
    application = (
        ApplicationBuilder()
        .token(TOKEN)
        .request(FakeTelegramRequest(model))
        .get_updates_request(FakeTelegramRequest(model))
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT, handler))
    return application


async def drive(
    name: str,
    users: list[SimulatedUser],
    script: Callable[[SimulatedUser], list[str]],
    rounds: int,
) -> Figures:
    """Every user sends their script `rounds` times, closed loop, all users at once."""
    latencies: list[float] = []

    async def one(user: SimulatedUser) -> None:
        for _ in range(rounds):
            for text in script(user):
                started = time.perf_counter()
                await user.send(text)
                latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(one(user) for user in users))
    seconds = time.perf_counter() - started
    return Figures(name, len(latencies), seconds, latencies)


def temporary_directory() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="kaikubot-bench-")


def report(figures: list[Figures], reference: Figures) -> None:
    """Print each run with its ratio to the reference anchor."""
    for run in figures:
        ratio = run.per_second / reference.per_second
        print(
            f"{run.name:<34} {run.per_second:>9,.0f} updates/s   p99 {run.p99_ms:6.2f} ms"
            f"   {ratio:6.0%} of {reference.name}"
        )
