"""Telegram's flood limit (429 Too Many Requests): a reply waits out retry_after and goes again.

python-telegram-bot's AIORateLimiter does the waiting, and while it waits it holds back every
other request of the bot (getUpdates excepted), as Telegram asks. It throttles nothing: the bot
talks in private chats only, which have no group limit, and the outbox paces its own sending.

The outbox retries a 429 itself, recording each attempt and when the next one is due, so a
message survives a restart; its requests pass the limiter untouched (`caller_retries`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Coroutine, Iterator
from contextvars import ContextVar
from typing import Any

from telegram.ext import AIORateLimiter

JSONDict = dict[str, Any]
# How many times a reply refused with 429 is sent again after waiting (then it is given up).
REPLY_RETRIES = 2

_caller_retries: ContextVar[bool] = ContextVar("kaikubot_caller_retries", default=False)


@contextlib.contextmanager
def caller_retries() -> Iterator[None]:
    """Within this block a 429 reaches the caller at once: the caller retries it."""
    token = _caller_retries.set(True)
    try:
        yield
    finally:
        _caller_retries.reset(token)


class ReplyRetries(AIORateLimiter):
    """Wait out a 429 and send the request again, up to REPLY_RETRIES times; never throttle."""

    def __init__(self, max_retries: int = REPLY_RETRIES) -> None:
        # A rate of 0 switches that limiter off (see AIORateLimiter.__init__).
        super().__init__(
            overall_max_rate=0,
            overall_time_period=0,
            group_max_rate=0,
            group_time_period=0,
            max_retries=max_retries,
        )

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        """Send the request; retry it after a 429 unless the caller retries it itself."""
        if _caller_retries.get():
            return await callback(*args, **kwargs)
        return await super().process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )
