"""Updates python-telegram-bot cannot read are skipped, not fetched again forever.

An update PTB fails to parse (a poll in an older Bot API shape, as an older self-hosted Bot
API server sends) makes PTB log the whole batch at CRITICAL, a person's text included, and
fetch the same batch again and again. This request layer, used for getUpdates only, hands PTB
such an update as an empty one with the same id: PTB moves past it, no handler matches it, and
only its id and kind are logged.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from telegram import Update
from telegram.request import BaseRequest, RequestData

log = logging.getLogger(__name__)


class SkipUnreadableUpdates(BaseRequest):
    """A request layer that passes everything through to another, except unreadable updates."""

    def __init__(self, inner: BaseRequest) -> None:
        self._inner = inner

    @property
    def read_timeout(self) -> float | None:
        """The inner layer's read timeout (PTB adds getUpdates' long-poll timeout to it)."""
        return self._inner.read_timeout

    async def initialize(self) -> None:
        """Initialise the inner layer."""
        await self._inner.initialize()

    async def shutdown(self) -> None:
        """Shut the inner layer down."""
        await self._inner.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Make the request; in getUpdates' answer, empty every update that cannot be read."""
        code, payload = await self._inner.do_request(
            url,
            method,
            request_data,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
        )
        if code != 200 or not url.endswith("/getUpdates"):
            return code, payload
        return code, readable_only(payload)


def readable_only(payload: bytes) -> bytes:
    """getUpdates' answer with each update PTB cannot read replaced by its bare id."""
    try:
        body = json.loads(payload)
        updates = body["result"]
    except (ValueError, KeyError, TypeError):
        return payload  # not a batch of updates: PTB reports it as it would anyway
    if not isinstance(updates, list):
        return payload
    changed = False
    for position, update in enumerate(updates):
        if not isinstance(update, dict) or _readable(update):
            continue
        update_id = update.get("update_id")
        kinds = ", ".join(sorted(str(key) for key in update if key != "update_id")) or "nothing"
        # Never the content: it may hold what a person typed.
        log.warning("skipped update %s (%s): python-telegram-bot cannot read it", update_id, kinds)
        updates[position] = {"update_id": update_id}
        changed = True
    return json.dumps(body).encode() if changed else payload


def _readable(update: dict[str, Any]) -> bool:
    try:
        Update.de_json(update, None)
    except Exception:
        return False
    return True
