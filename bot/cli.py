"""The `kaikubot` command line."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from bot import logs
from bot.settings import Settings, SettingsError, load_settings
from storage import migrate
from storage.db import create_engine

EXIT_CONFIG = 2


class CommandError(Exception):
    """A command could not do what was asked; the message says why (exit status 2)."""


def parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command."""
    root = argparse.ArgumentParser(prog="kaikubot", description="The Kaikukortti assistant bot.")
    commands = root.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="start the bot (needs KAIKUBOT_TOKEN)")
    db = commands.add_parser("db", help="manage the database")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="apply every migration")
    revision = db_commands.add_parser("revision", help="write a migration from the models")
    revision.add_argument("-m", "--message", required=True)
    return root


async def _upgrade(settings: Settings) -> None:
    engine = create_engine(settings.effective_database_url)
    try:
        await migrate.upgrade(engine)
    finally:
        await engine.dispose()


async def _revision(settings: Settings, message: str) -> None:
    engine = create_engine(settings.effective_database_url)
    try:
        await migrate.upgrade(engine)
        await migrate.autogenerate(engine, message)
    finally:
        await engine.dispose()


async def _require_current_schema(settings: Settings) -> None:
    engine = create_engine(settings.effective_database_url)
    try:
        current = await migrate.is_current(engine)
    finally:
        await engine.dispose()
    if not current:
        raise CommandError("the database is not up to date: run `kaikubot db upgrade` first")


def run(settings: Settings) -> None:
    """Start polling Telegram until interrupted."""
    from bot.app import ALLOWED_UPDATES, build_application

    token = settings.require_token()
    logs.configure(settings.log_level, [token])
    asyncio.run(_require_current_schema(settings))
    application = build_application(settings)
    application.run_polling(allowed_updates=ALLOWED_UPDATES, close_loop=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `kaikubot` console script."""
    arguments = parser().parse_args(argv)
    try:
        settings = load_settings()
        if arguments.command == "run":
            run(settings)
        elif arguments.command == "db" and arguments.db_command == "upgrade":
            logs.configure(settings.log_level, [])
            asyncio.run(_upgrade(settings))
            print("database is up to date")
        elif arguments.command == "db" and arguments.db_command == "revision":
            logs.configure(settings.log_level, [])
            asyncio.run(_revision(settings, arguments.message))
    except (SettingsError, CommandError) as error:
        print(f"kaikubot: {error}", file=sys.stderr)
        return EXIT_CONFIG
    return 0


if __name__ == "__main__":
    sys.exit(main())
