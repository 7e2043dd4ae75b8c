"""Values the deployment learns at run time (the bot's username for invitation links)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Setting

BOT_USERNAME = "bot_username"


async def get(session: AsyncSession, key: str) -> str | None:
    """A stored value, if any."""
    return await session.scalar(select(Setting.value).where(Setting.key == key))


async def put(session: AsyncSession, key: str, value: str) -> None:
    """Store a value, replacing the old one."""
    found = await session.get(Setting, key)
    if found is None:
        session.add(Setting(key=key, value=value))
    else:
        found.value = value
