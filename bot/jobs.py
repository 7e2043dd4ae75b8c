"""Background jobs: delivering the outbox and clearing abandoned drafts.

Jobs are not persisted by PTB; what they work on lives in the database, and they are
registered again, with stable names, every time the bot starts.
"""

from __future__ import annotations

from datetime import timedelta

from bot.context import BotContext, KaikuApplication
from bot.summaries import delivery
from storage import drafts
from storage.models import utcnow

OUTBOX_JOB = "outbox"
OUTBOX_NOW_JOB = "outbox-now"
DRAFTS_JOB = "stale-drafts"
OUTBOX_INTERVAL_SECONDS = 5
DRAFTS_INTERVAL_SECONDS = 15 * 60


async def deliver_outbox(context: BotContext) -> None:
    """Send whatever waits in the outbox."""
    await context.services.courier.deliver_due(context.bot)


# An expiry marker no one came back to read is forgotten after this long.
MARKER_LIFETIME = timedelta(days=30)


async def discard_stale_drafts(context: BotContext) -> None:
    """Empty drafts untouched for longer than the settings allow; the person is told later."""
    cutoff = utcnow() - timedelta(hours=context.settings.draft_max_age_hours)
    async with context.db.write() as session:
        await drafts.expire_older_than(session, cutoff)
        await drafts.forget_expired_before(session, utcnow() - MARKER_LIFETIME)
        await session.commit()


def kick_outbox(context: BotContext) -> None:
    """Deliver the outbox right away instead of at the next tick."""
    context.jobs.run_once(deliver_outbox, 0, name=OUTBOX_NOW_JOB)


def schedule(application: KaikuApplication) -> None:
    """Register the repeating jobs."""
    queue = application.job_queue
    if queue is None:
        raise RuntimeError("the job queue is missing: install python-telegram-bot[job-queue]")
    queue.run_repeating(
        deliver_outbox,
        interval=OUTBOX_INTERVAL_SECONDS,
        first=1,
        name=OUTBOX_JOB,
        job_kwargs={"max_instances": 1, "coalesce": True},
    )
    queue.run_repeating(
        discard_stale_drafts,
        interval=DRAFTS_INTERVAL_SECONDS,
        first=60,
        name=DRAFTS_JOB,
        job_kwargs={"max_instances": 1, "coalesce": True},
    )
    # Coordinators' scheduled summaries: one job per schedule, registered from the database.
    delivery.schedule_jobs(queue)
