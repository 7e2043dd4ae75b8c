"""When the bot has finished answering an update: the sandbox console waits for this to print.

The bot runs in the console's own event loop, so "finished" can be decided from the inside
instead of guessed from silence: the update was fetched (the next getUpdates offset confirmed
it), the Application marked it done after its handlers ran, and nothing it set off is still
going: no job due or running (the outbox is a job), no task the Application started, and no
Bot API request in flight at the emulator.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from apscheduler.events import (  # type: ignore[import-untyped]
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_SUBMITTED,
    JobEvent,
)

from bot.context import KaikuApplication
from bot.sandbox.server import EmulatorServer

# How often the conditions are looked at while waiting (seconds); the wait itself is bounded.
_POLL = 0.01


class Quiescence:
    """Tells when the bot has done everything an update made it do."""

    def __init__(self, server: EmulatorServer, application: KaikuApplication) -> None:
        self.server = server
        self.application = application
        self._running_jobs = 0
        queue = application.job_queue
        if queue is None:
            raise RuntimeError("the job queue is missing: install python-telegram-bot[job-queue]")
        queue.scheduler.add_listener(
            self._count_job, EVENT_JOB_SUBMITTED | EVENT_JOB_EXECUTED | EVENT_JOB_ERROR
        )

    def _count_job(self, event: JobEvent) -> None:
        self._running_jobs += 1 if event.code == EVENT_JOB_SUBMITTED else -1

    async def wait(self, update_id: int, timeout: float) -> bool:  # noqa: ASYNC109
        """Wait until the bot is done with the update; False when timeout came first."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        if not await _poll(lambda: not self._pending(update_id), deadline):
            return False
        try:
            # The Application marks an update done once its handlers have run.
            await asyncio.wait_for(
                self.application.update_queue.join(), max(deadline - loop.time(), 0)
            )
        except TimeoutError:
            return False
        return await _poll(self._idle, deadline)

    def _pending(self, update_id: int) -> bool:
        return any(u["update_id"] == update_id for u in self.server.model.updates.pending)

    def _idle(self) -> bool:
        return (
            self.server.in_flight == 0
            and self._running_jobs <= 0
            and not self._jobs_due()
            and not _application_tasks()
            and self.application.update_queue.empty()
            and not self.server.model.updates.pending
        )

    def _jobs_due(self) -> bool:
        queue = self.application.job_queue
        if queue is None:
            return False
        now = datetime.now(UTC)
        return any(job.next_t is not None and job.next_t <= now for job in queue.jobs())


async def _poll(condition: Callable[[], bool], deadline: float) -> bool:
    loop = asyncio.get_running_loop()
    while not condition():
        if loop.time() >= deadline:
            return False
        await asyncio.sleep(_POLL)
    return True


def _application_tasks() -> list[asyncio.Task[Any]]:
    # Application.create_task wraps every coroutine in this method (handlers with block=False,
    # error handlers); long-lived tasks (polling, the update fetcher) are not wrapped.
    return [
        task
        for task in asyncio.all_tasks()
        if not task.done()
        and getattr(task.get_coro(), "__qualname__", "").endswith("__create_task_callback")
    ]
