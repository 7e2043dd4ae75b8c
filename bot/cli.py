"""The `kaikubot` command line."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable, Sequence

from bot import admin, logs
from bot.sandbox import demo
from bot.settings import SUPPORTED_LANGUAGES, Settings, SettingsError, load_settings
from storage import migrate
from storage.db import Database, create_engine

EXIT_CONFIG = 2

AdminCommand = Callable[[Database, argparse.Namespace], Awaitable[list[str]]]


class CommandError(Exception):
    """A command could not do what was asked; the message says why (exit status 2)."""


def parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command."""
    root = argparse.ArgumentParser(prog="kaikubot", description="The Kaikukortti assistant bot.")
    commands = root.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="start the bot (needs KAIKUBOT_TOKEN)")
    sandbox = commands.add_parser(
        "sandbox", help="try the bot without Telegram: demo data and a chat in the terminal"
    )
    sandbox.add_argument(
        "--database",
        metavar="URL",
        default=demo.DEFAULT_DATABASE,
        help=f"the sandbox's own database (default {demo.DEFAULT_DATABASE})",
    )

    db = commands.add_parser("db", help="manage the database")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="apply every migration")
    revision = db_commands.add_parser("revision", help="write a migration from the models")
    revision.add_argument("-m", "--message", required=True)

    init = commands.add_parser("init", help="create the database and a locality")
    init.add_argument("--locality", required=True, metavar="NAME")
    admin.add_locality_options(init)
    init.set_defaults(admin=admin.init)

    locality = commands.add_parser("locality", help="a locality's rules")
    locality_commands = locality.add_subparsers(dest="locality_command", required=True)
    locality_set = locality_commands.add_parser("set", help="change a locality's rules")
    _locality_option(locality_set)
    admin.add_locality_options(locality_set)
    locality_set.set_defaults(admin=admin.configure_locality)
    locality_show = locality_commands.add_parser("show", help="print a locality's rules")
    _locality_option(locality_show)
    locality_show.set_defaults(admin=admin.show_locality)

    org = commands.add_parser("org", help="organisations")
    org_commands = org.add_subparsers(dest="org_command", required=True)
    org_add = org_commands.add_parser("add", help="add an organisation")
    org_add.add_argument("name", metavar="NAME")
    org_add.add_argument("--kind", help="e.g. social services, NGO")
    org_add.add_argument(
        "--committed-on",
        metavar="DATE",
        help="the day it committed to the national guideline (YYYY-MM-DD); without it, its "
        "units cannot issue until a coordinator records the commitment",
    )
    org_add.add_argument(
        "--confirmed-by", metavar="NAME", help="who confirmed the commitment (with --committed-on)"
    )
    _locality_option(org_add)
    org_add.set_defaults(admin=admin.add_organisation)
    org_list = org_commands.add_parser(
        "list", help="the organisations, marking those without a contact person"
    )
    _locality_option(org_list)
    org_list.set_defaults(admin=admin.list_organisations)
    org_rename = org_commands.add_parser("rename", help="give an organisation a new name")
    org_rename.add_argument("organisation", metavar="ORGANISATION", help="its name or #id")
    org_rename.add_argument("name", metavar="NEW_NAME")
    _locality_option(org_rename)
    org_rename.set_defaults(admin=admin.rename_organisation)
    org_deactivate = org_commands.add_parser(
        "deactivate", help="take an organisation and its units out of the network"
    )
    org_deactivate.add_argument("organisation", metavar="ORGANISATION", help="its name or #id")
    _locality_option(org_deactivate)
    org_deactivate.set_defaults(admin=admin.deactivate_organisation)

    unit = commands.add_parser("unit", help="units")
    unit_commands = unit.add_subparsers(dest="unit_command", required=True)
    unit_add = unit_commands.add_parser(
        "add",
        help='add a unit to an organisation: --org ORGANISATION UNIT (names may hold "/"), '
        "or ORGANISATION/UNIT where that reads only one way",
    )
    unit_add.add_argument("path", metavar="UNIT")
    _org_option(unit_add)
    _locality_option(unit_add)
    unit_add.set_defaults(admin=admin.add_unit)
    unit_list = unit_commands.add_parser("list", help="every unit (or one organisation's)")
    _org_option(unit_list)
    _locality_option(unit_list)
    unit_list.set_defaults(admin=admin.list_units)
    unit_rename = unit_commands.add_parser("rename", help="give a unit a new name")
    unit_rename.add_argument("unit", metavar="UNIT", help="ORGANISATION/UNIT, #id, or with --org")
    unit_rename.add_argument("name", metavar="NEW_NAME")
    _org_option(unit_rename)
    _locality_option(unit_rename)
    unit_rename.set_defaults(admin=admin.rename_unit)
    unit_deactivate = unit_commands.add_parser("deactivate", help="take a unit out of the network")
    unit_deactivate.add_argument(
        "unit", metavar="UNIT", help="ORGANISATION/UNIT, #id, or with --org"
    )
    _org_option(unit_deactivate)
    _locality_option(unit_deactivate)
    unit_deactivate.set_defaults(admin=admin.deactivate_unit)

    invite = commands.add_parser(
        "invite",
        help="create (or `list`, `revoke ID`) one-time invitations; `lockouts` lists who is "
        "locked out for wrong codes, `unlock TELEGRAM_ID` lets them try again",
    )
    invite.add_argument("action", nargs="?", choices=["list", "revoke", "lockouts", "unlock"])
    invite.add_argument("id", nargs="?", type=int, metavar="ID")
    invite.add_argument("--role", choices=["issuer", "contact", "coordinator"])
    invite.add_argument(
        "--unit", metavar="UNIT", help="ORGANISATION/UNIT, #id, or the unit's name with --org"
    )
    invite.add_argument("--org", metavar="ORGANISATION", help="its name or #id")
    _locality_option(invite)

    guideline = commands.add_parser("guideline", help="the guideline answers")
    guideline_commands = guideline.add_subparsers(dest="guideline_command", required=True)
    guideline_ask = guideline_commands.add_parser(
        "ask", help="print the three best entries for a question, as the bot finds them"
    )
    guideline_ask.add_argument("question", metavar="QUESTION")
    guideline_ask.add_argument(
        "--lang", choices=SUPPORTED_LANGUAGES, help="the reader's language (default: the bot's)"
    )

    person = commands.add_parser("person", help="people")
    person_commands = person.add_subparsers(dest="person_command", required=True)
    person_list = person_commands.add_parser("list", help="everyone with a role")
    _locality_option(person_list)
    person_list.set_defaults(admin=admin.list_people)
    person_deactivate = person_commands.add_parser("deactivate", help="end someone's access")
    person_deactivate.add_argument("id", type=int, metavar="ID")
    _locality_option(person_deactivate)
    person_deactivate.set_defaults(admin=admin.deactivate_person)
    person_reactivate = person_commands.add_parser(
        "reactivate", help="give someone their access back, with the roles they had"
    )
    person_reactivate.add_argument("id", type=int, metavar="ID")
    _locality_option(person_reactivate)
    person_reactivate.set_defaults(admin=admin.reactivate_person)

    summary = commands.add_parser("summary", help="coordinators' scheduled summaries")
    summary_commands = summary.add_subparsers(dest="summary_command", required=True)
    schedule = summary_commands.add_parser(
        "schedule",
        help="when a coordinator receives the summary (times in KAIKUBOT_TIMEZONE)",
    )
    schedule.add_argument("id", type=int, metavar="ID", help="the coordinator (see person list)")
    schedule.add_argument("frequency", choices=["daily", "weekly", "monthly", "none"])
    schedule.add_argument("--weekday", choices=admin.WEEKDAYS, help="weekly: the day")
    schedule.add_argument("--day", type=int, metavar="N", help="monthly: the day, 1-28")
    schedule.add_argument("--hour", type=int, default=8, metavar="H", help="0-23 (default 8)")
    _locality_option(schedule)
    schedule.set_defaults(admin=admin.schedule_summary)
    schedules = summary_commands.add_parser("list", help="every coordinator's schedule")
    _locality_option(schedules)
    schedules.set_defaults(admin=admin.list_summary_schedules)
    return root


def _locality_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--locality", metavar="NAME", help="the locality (may be left out when there is one)"
    )


def _org_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--org", metavar="ORGANISATION", help="the organisation: name or #id")


def _refuse(arguments: argparse.Namespace, action: str, *names: str) -> None:
    """Every option a command accepts is used or refused."""
    for name in names:
        if getattr(arguments, name) not in (None, False):
            shown = "ID" if name == "id" else f"--{name}"
            raise CommandError(f"{shown} is not used by `kaikubot invite {action}`")


def _invite_command(arguments: argparse.Namespace) -> AdminCommand:
    if arguments.action is not None:
        _refuse(arguments, arguments.action, "role", "unit", "org")
    if arguments.action == "list":
        _refuse(arguments, "list", "id")
        return admin.list_invitations
    if arguments.action == "revoke":
        if arguments.id is None:
            raise CommandError("give the invitation's number: kaikubot invite revoke ID")
        return admin.revoke_invitation
    if arguments.action == "lockouts":
        _refuse(arguments, "lockouts", "id", "locality")
        return admin.list_lockouts
    if arguments.action == "unlock":
        _refuse(arguments, "unlock", "locality")
        if arguments.id is None:
            raise CommandError("give the Telegram user id: kaikubot invite unlock TELEGRAM_ID")
        return admin.lift_lockout
    if arguments.id is not None:
        raise CommandError("ID is used only by `kaikubot invite revoke ID` and `unlock`")
    if arguments.role is None:
        raise CommandError("give the role: kaikubot invite --role issuer|contact|coordinator")
    return admin.invite


async def _administer(
    settings: Settings, command: AdminCommand, arguments: argparse.Namespace
) -> list[str]:
    arguments.zone = settings.zone  # where "today" is, for the settings' rules
    arguments.default_language = settings.default_language  # for alerts to coordinators
    database = Database.from_url(settings.effective_database_url)
    try:
        await migrate.upgrade(database.engine)
        return await command(database, arguments)
    finally:
        await database.dispose()


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


def ask_guideline(question: str, reader_language: str) -> list[str]:
    """The three best entries for a question, one line each: rank, topic key, score, title."""
    from bot.guideline.guide import current_guide  # the search libraries only when asked
    from bot.rules.privacy import find_identifying

    kind = find_identifying(question)
    if kind is not None:
        raise CommandError(
            f"the question seems to contain a {kind.value.replace('_', ' ')}: ask without it"
        )
    guide = current_guide()
    answer = guide.ask(question, reader_language)
    if not answer.hits:
        return ["No entry matches the question."]
    return [
        f"{rank}. {hit.topic}  {hit.score:.2f}  {guide.entry(reader_language, hit.topic).title}"
        for rank, hit in enumerate(answer.hits, start=1)
    ]


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
        if arguments.command == "sandbox":
            from bot.sandbox import console  # the emulator's web server is needed only here

            return console.main(arguments.database)
        settings = load_settings()
        if arguments.command == "run":
            run(settings)
            return 0
        logs.configure("WARNING", [])
        if arguments.command == "db" and arguments.db_command == "upgrade":
            asyncio.run(_upgrade(settings))
            print("The database is up to date.")
        elif arguments.command == "db" and arguments.db_command == "revision":
            asyncio.run(_revision(settings, arguments.message))
        elif arguments.command == "guideline":
            reader = arguments.lang or settings.default_language
            for line in ask_guideline(arguments.question, reader):
                print(line)
        else:
            command = (
                _invite_command(arguments) if arguments.command == "invite" else arguments.admin
            )
            for line in asyncio.run(_administer(settings, command, arguments)):
                print(line)
    except (SettingsError, CommandError, admin.AdminError) as error:
        print(f"kaikubot: {error}", file=sys.stderr)
        return EXIT_CONFIG
    return 0


if __name__ == "__main__":
    sys.exit(main())
