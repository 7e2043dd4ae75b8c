"""The typed application and per-update context that every handler receives."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram.ext import Application, CallbackContext, ExtBot, JobQueue

from bot.i18n import Translator, translator
from bot.outbox import OutboxCourier
from bot.settings import Settings
from storage.db import Database
from storage.models import Draft, Person

AnyDict = dict[Any, Any]
Bot = ExtBot[Any]


@dataclass(frozen=True, slots=True)
class Services:
    """What the whole application shares: its settings and its database."""

    settings: Settings
    database: Database
    courier: OutboxCourier


class KaikuApplication(Application[Bot, "BotContext", AnyDict, AnyDict, AnyDict, Any]):
    """The PTB application with our services attached."""

    def __init__(self, *, services: Services, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.services = services


class BotContext(CallbackContext[Bot, AnyDict, AnyDict, AnyDict]):
    """Per-update context: settings, database, the reader's translator, the person and the
    update's one transaction."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application, chat_id=chat_id, user_id=user_id)
        if not isinstance(application, KaikuApplication):
            raise TypeError("BotContext needs a KaikuApplication (use bot.app.build_application)")
        self.services = application.services
        self.t: Translator = translator(self.services.settings.default_language)
        # Set by bot.access before a handler runs: who is writing.
        self.person: Person | None = None
        # Whether the sender had access once (deactivated, or every role withdrawn).
        self.former = False
        # The person's draft, when the handler asked bot.access to read it with the person.
        self.draft: Draft | None = None
        self._session: AsyncSession | None = None
        self._transaction: contextlib.AsyncExitStack | None = None

    @property
    def settings(self) -> Settings:
        """The bot's settings."""
        return self.services.settings

    @property
    def db(self) -> Database:
        """The bot's database."""
        return self.services.database

    @property
    def session(self) -> AsyncSession:
        """This update's database session, until the handler commits."""
        if self._session is None:
            raise RuntimeError(
                "no open transaction: declare the handler with bot.access.handles, and touch "
                "the database only before context.commit()"
            )
        return self._session

    async def begin(self, *, writes: bool) -> AsyncSession:
        """Open the update's transaction (bot.access does, before the handler runs)."""
        await self.rollback()  # at most one at a time
        transaction = contextlib.AsyncExitStack()
        database = self.db
        self._session = await transaction.enter_async_context(
            database.write() if writes else database.read()
        )
        self._transaction = transaction
        return self._session

    async def commit(self) -> None:
        """Commit the update's work and give its connection back: only then may the handler
        talk to Telegram (a reply can take seconds; nobody else should wait for it)."""
        session, transaction = self._session, self._transaction
        self._session = self._transaction = None
        if session is None or transaction is None:
            return
        async with transaction:
            await session.commit()

    async def rollback(self) -> None:
        """End the update's transaction storing nothing, and give its connection back."""
        transaction = self._transaction
        self._session = self._transaction = None
        if transaction is not None:
            await transaction.aclose()  # closing the session rolls back

    @property
    def jobs(self) -> JobQueue[Any]:
        """The job queue (always present: the job-queue extra is a dependency)."""
        queue = self.job_queue
        if queue is None:
            raise RuntimeError("the job queue is missing: install python-telegram-bot[job-queue]")
        return queue
