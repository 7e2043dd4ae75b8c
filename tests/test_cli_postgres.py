"""The command line and the bot work on PostgreSQL with the same migrations."""

from __future__ import annotations

import asyncio

import pytest

from bot import logs
from bot.cli import main
from storage import network
from storage.db import Database


async def test_init_and_administration_work_on_postgresql(
    postgresql_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KAIKUBOT_DATABASE_URL", postgresql_url)
    monkeypatch.setattr(logs, "configure", lambda level, secrets: None)

    for command in (
        ["init", "--locality", "Tampere", "--card-example", "KK123456"],
        ["org", "add", "Sosiaalipalvelut"],
        ["unit", "add", "Sosiaalipalvelut/Perhekeskus"],
        ["invite", "--role", "issuer", "--unit", "Sosiaalipalvelut/Perhekeskus"],
    ):
        assert await asyncio.to_thread(main, command) == 0, capsys.readouterr().err

    assert "/start " in capsys.readouterr().out
    database = Database.from_url(postgresql_url)
    try:
        async with database.read() as session:
            locality = await network.locality_by_name(session, "Tampere")
        assert locality is not None
        assert locality.card_number_examples == ["KK123456"]
    finally:
        await database.dispose()
