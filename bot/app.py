"""build_application: the one factory that the command line, the sandbox and the tests use."""

from __future__ import annotations

import gc
import logging
from typing import Any

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults, ExtBot
from telegram.request import BaseRequest, HTTPXRequest

import handlers
from bot import i18n, jobs, menu
from bot.context import BotContext, KaikuApplication, Services
from bot.errors import on_error
from bot.flood import ReplyRetries
from bot.guideline.guide import current_guide
from bot.incoming import SkipUnreadableUpdates
from bot.outbox import OutboxCourier
from bot.settings import Settings
from bot.updates import MAX_CONCURRENT_UPDATES, PerChatUpdateProcessor
from storage import deployment
from storage.db import Database

log = logging.getLogger(__name__)

# Long polling: how long one getUpdates call waits for news (seconds).
POLL_TIMEOUT = 30
# Every update handled side by side may be waiting on a reply at once, and the jobs (the
# outbox) send too: one connection each, so that a slow Telegram never makes a reply wait for
# a free connection ("Pool timeout").
CONNECTIONS = MAX_CONCURRENT_UPDATES + 8


def build_application(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    database: Database | None = None,
) -> KaikuApplication:
    """Build the whole bot: transport, database, handlers and jobs."""
    i18n.check_catalogs()
    database = database or Database.from_url(settings.effective_database_url)
    courier = OutboxCourier(database, settings.default_language)
    services = Services(settings, database, courier)
    if request is None:
        request = HTTPXRequest(connection_pool_size=CONNECTIONS)
        get_updates_request = get_updates_request or HTTPXRequest(
            connection_pool_size=1, read_timeout=POLL_TIMEOUT + 10
        )
    bot: ExtBot[Any] = ExtBot(
        settings.require_token(),
        base_url=settings.api_base_url,
        base_file_url=settings.file_base_url,
        request=request,
        get_updates_request=SkipUnreadableUpdates(get_updates_request or request),
        # Jobs run at the hours people chose in the bot's time zone.
        defaults=Defaults(tzinfo=settings.zone),
        # A reply refused with 429 waits out retry_after and is sent again.
        rate_limiter=ReplyRetries(),
    )
    builder = (
        ApplicationBuilder()
        .application_class(KaikuApplication, {"services": services})
        .bot(bot)
        .context_types(ContextTypes(context=BotContext))
        # A person's updates are handled one at a time, in order; different people's side by
        # side (a form's draft is read and written by its person's updates only).
        .concurrent_updates(PerChatUpdateProcessor())
        .post_init(start_up_for_good)
        .post_shutdown(_shut_down)
    )
    application = builder.build()
    assert isinstance(application, KaikuApplication)  # application_class guarantees it
    handlers.register(application)
    application.add_error_handler(on_error)
    jobs.schedule(application)
    return application


async def start_up(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Learn the bot's username for invitation links and set the strangers' menu.

    PTB calls this under run_polling; tests and the sandbox call it themselves.
    """
    if not isinstance(application, KaikuApplication):
        return
    services = application.services
    async with services.database.write() as session:
        await deployment.put(session, deployment.BOT_USERNAME, application.bot.username)
        await session.commit()
    await menu.set_default_menu(application.bot, services.settings.default_language)
    # The guideline answers are loaded now (once per process; again only when a file changes),
    # so that a broken entries file stops the start, not a question.
    current_guide()
    log.info("started as @%s", application.bot.username)


async def start_up_for_good(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """start_up, then freeze what starting made (PTB calls this under run_polling)."""
    await start_up(application)
    freeze_startup_objects()


def freeze_startup_objects() -> None:
    """Leave everything made so far out of all future full garbage collections.

    What the bot made while starting (modules, catalogs, phone-number metadata, mappers, some
    150,000 objects) lives as long as the bot. A full collection walking them all paused the
    bot for ~50 ms here, a wait for every reply then in flight (see bench/issuing.py).
    """
    gc.collect()
    gc.freeze()


async def _shut_down(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Release the database's connections when the bot stops, and unfreeze what starting made
    (so that the interpreter's last collection frees it: extension modules check)."""
    if isinstance(application, KaikuApplication):
        await application.services.database.dispose()
    gc.unfreeze()


ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
