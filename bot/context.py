"""The typed application and per-update context that every handler receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram.ext import Application, CallbackContext, JobQueue

from bot.i18n import Translator, translator
from bot.outbox import OutboxCourier
from bot.replies import KaikuBot
from bot.settings import Settings
from storage.db import Database
from storage.drafts import Expected
from storage.models import Draft, Person
from storage.people import Held

AnyDict = dict[Any, Any]


@dataclass(frozen=True, slots=True)
class Services:
    """What the whole application shares: its settings and its database."""

    settings: Settings
    database: Database
    courier: OutboxCourier
    # The people and drafts held from their last step (see bot.access, storage.people).
    held: Held = field(default_factory=Held)


class KaikuApplication(Application[KaikuBot, "BotContext", AnyDict, AnyDict, AnyDict, Any]):
    """The PTB application with our services attached."""

    def __init__(self, *, services: Services, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.services = services


class BotContext(CallbackContext[KaikuBot, AnyDict, AnyDict, AnyDict]):
    """Per-update context: settings, database, the reader's translator, the person and session."""

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
        # Set by bot.access before a handler runs: who is writing, and this update's session.
        self.person: Person | None = None
        # Whether the sender had access once (deactivated, or every role withdrawn).
        self.former = False
        # The person's draft, when the handler asked bot.access to read it with the person.
        self.draft: Draft | None = None
        # Set when bot.access did not read the person and draft but used them as the bot last
        # knew them: storing the step checks that they are unchanged (see bot.drafting).
        self.expected: Expected | None = None
        self._session: AsyncSession | None = None

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
        """This update's database session (opened by bot.access for the handler)."""
        if self._session is None:
            raise RuntimeError("no session: declare the handler with bot.access.handles")
        return self._session

    @session.setter
    def session(self, value: AsyncSession | None) -> None:
        self._session = value

    @property
    def jobs(self) -> JobQueue[Any]:
        """The job queue (always present: the job-queue extra is a dependency)."""
        queue = self.job_queue
        if queue is None:
            raise RuntimeError("the job queue is missing: install python-telegram-bot[job-queue]")
        return queue
