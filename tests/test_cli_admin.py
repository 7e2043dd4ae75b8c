"""The command-line administration: `kaikubot init`, `locality set`, `org add`, `unit add`,
`invite`, `invite list`, `invite revoke`, `person list` and `person deactivate`, run in-process
as the console script runs them, against a database file of their own or the bot's."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import logs
from bot.cli import EXIT_CONFIG, main
from bot.context import KaikuApplication
from bot.sandbox.telegram_model import TelegramModel
from bot.settings import Settings
from storage import deployment, invitations, localities, migrate, people
from storage.db import Database, create_engine
from storage.models import (
    AuditEvent,
    Base,
    Invitation,
    Locality,
    Organisation,
    OutboxMessage,
    OutboxStatus,
    Role,
    Unit,
    utcnow,
)
from tests.support.network import Network, add_person
from tests.support.simulator import TelegramSimulator

T = TypeVar("T")
M = TypeVar("M", bound=Base)

START = re.compile(r"^  or send the bot: /start (\S+)$")
LINK = re.compile(r"^  https://t\.me/(\S+)\?start=(\S+)$")


@dataclass(frozen=True)
class Outcome:
    """What one `kaikubot ...` run returned and printed."""

    status: int
    out: list[str]
    err: list[str]

    def code(self) -> str:
        """The invitation code in the printed `/start <code>` line."""
        found = [match[1] for line in self.out if (match := START.match(line))]
        assert len(found) == 1, self.out
        return found[0]


Kaikubot = Callable[..., Outcome]

# Today where the bot is (the default time zone), and a pilot end that stays in the future
# whenever the tests run (one in the past is refused).
TODAY = datetime.now(ZoneInfo("Europe/Helsinki")).date()
PILOT_END = (TODAY + timedelta(days=400)).isoformat()


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key in list(os.environ):
        if key.startswith("KAIKUBOT_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)  # no stray .env
    # main() sets up the logging of the whole process, which would take pytest's capture away.
    monkeypatch.setattr(logs, "configure", lambda level, secrets: None)


@pytest.fixture
def url(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """A database file that does not exist yet, in a directory that does not exist yet."""
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'data' / 'kaikubot.db'}"
    monkeypatch.setenv("KAIKUBOT_DATABASE_URL", database_url)
    return database_url


@pytest.fixture
def bot_database(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> str:
    """Point the command line at the running application's database."""
    monkeypatch.setenv("KAIKUBOT_DATABASE_URL", settings.effective_database_url)
    return settings.effective_database_url


@pytest.fixture
def kaikubot(capsys: pytest.CaptureFixture[str]) -> Kaikubot:
    """Run `kaikubot ARGS...` and return its exit status and printed lines."""

    def run(*argv: str) -> Outcome:
        capsys.readouterr()
        status = main(list(argv))
        printed = capsys.readouterr()
        return Outcome(status, printed.out.splitlines(), printed.err.splitlines())

    return run


def refused(outcome: Outcome, reason: str) -> bool:
    """Exit status 2, nothing on stdout, and exactly one line on stderr that gives the reason."""
    return (
        outcome.status == EXIT_CONFIG
        and outcome.out == []
        and len(outcome.err) == 1
        and outcome.err[0].startswith("kaikubot: ")
        and reason in outcome.err[0]
    )


def in_database(url: str, query: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run one query on the database file (from a plain test: the command line owns no loop)."""

    async def run() -> T:
        database = Database.from_url(url)
        try:
            async with database.write() as session:
                result = await query(session)
                await session.commit()
                return result
        finally:
            await database.dispose()

    return asyncio.run(run())


def schema_is_current(url: str) -> bool:
    async def check() -> bool:
        engine = create_engine(url)
        try:
            return await migrate.is_current(engine)
        finally:
            await engine.dispose()

    return asyncio.run(check())


def rows(url: str, model: type[M]) -> list[M]:
    async def query(session: AsyncSession) -> list[M]:
        return list(await session.scalars(select(model).order_by(model.id)))  # type: ignore[attr-defined]

    return in_database(url, query)


def audit_trail(url: str) -> list[tuple[str, str, dict[str, Any] | None, dict[str, Any] | None]]:
    return [(e.action, e.entity, e.before, e.after) for e in rows(url, AuditEvent)]


@pytest.fixture
def espoo_cli(url: str, kaikubot: Kaikubot) -> str:
    """Espoo made with the command line: Social services with its Family centre."""
    assert kaikubot("init", "--locality", "Espoo", "--card-example", "KK123456").status == 0
    assert kaikubot("org", "add", "Social services", "--kind", "social services").status == 0
    assert kaikubot("unit", "add", "Social services/Family centre").status == 0
    return url


# --- init -----------------------------------------------------------------------------------


def test_init_creates_the_database_and_a_locality_with_normalised_settings(
    url: str, kaikubot: Kaikubot, tmp_path: Path
) -> None:
    outcome = kaikubot(
        "init",
        "--locality",
        "Espoo",
        "--card-example",
        "kk 123-456",
        "--postal-codes",
        " 02100-02999, 00100,00100 ",
        "--pilot-end",
        PILOT_END,
        "--validity-months",
        "12",
    )

    assert outcome.status == 0, outcome.err
    assert (tmp_path / "data" / "kaikubot.db").exists()
    assert schema_is_current(url)
    (espoo,) = rows(url, Locality)
    assert espoo.name == "Espoo"
    assert espoo.card_number_examples == ["KK123456"]
    assert espoo.postal_codes == ["02100-02999", "00100"]
    assert espoo.pilot_end_date.isoformat() == PILOT_END  # type: ignore[union-attr]
    assert espoo.validity_months == 12
    (invitation,) = rows(url, Invitation)
    assert (invitation.role, invitation.locality_id) == (Role.COORDINATOR, espoo.id)
    assert outcome.out[0] == "Created locality Espoo."
    # Shown in KAIKUBOT_TIMEZONE (Europe/Helsinki by default), as the chat shows it.
    expires = invitation.expires_at.astimezone(ZoneInfo("Europe/Helsinki"))
    assert outcome.out[1] == (
        f"One-time coordinator invitation #{invitation.id} "
        f"(expires {expires:%Y-%m-%d %H:%M} Europe/Helsinki):"
    )
    # Without the bot's username (the bot has never run) only the /start form can be given.
    assert len(outcome.out) == 3
    assert invitation.code_hash == invitations.hash_code(outcome.code())


def test_init_prints_the_telegram_link_once_the_bot_has_stored_its_username(
    url: str, kaikubot: Kaikubot
) -> None:
    async def bot_has_run(session: AsyncSession) -> None:
        await deployment.put(session, deployment.BOT_USERNAME, "kaikubot_espoo_bot")

    assert kaikubot("db", "upgrade").status == 0
    in_database(url, bot_has_run)

    outcome = kaikubot("init", "--locality", "Espoo")

    assert outcome.status == 0, outcome.err
    link = LINK.match(outcome.out[2])
    assert link is not None, outcome.out
    assert link[1] == "kaikubot_espoo_bot"
    assert link[2] == outcome.code()
    assert len(outcome.out) == 4


def test_init_of_an_existing_locality_exits_2_with_one_line_and_invites_nobody(
    espoo_cli: str, kaikubot: Kaikubot
) -> None:
    outcome = kaikubot("init", "--locality", "Espoo", "--validity-months", "6")

    assert refused(outcome, "locality 'Espoo' exists already")
    assert len(rows(espoo_cli, Invitation)) == 1
    assert rows(espoo_cli, Locality)[0].validity_months == 12


async def test_the_coordinator_invitation_from_init_makes_its_redeemer_coordinator(
    bot_database: str, kaikubot: Kaikubot, sim: TelegramSimulator, app: KaikuApplication
) -> None:
    outcome = await asyncio.to_thread(kaikubot, "init", "--locality", "Kauniainen")
    # The running bot stored its username, so the link form is printed too.
    assert any(LINK.match(line) for line in outcome.out)
    kaija = await sim.user("Kaija", language_code="en")

    await kaija.send(f"/start {outcome.code()}")

    assert kaija.last_reply().text.startswith(
        "Welcome, Kaija! You are now coordinator of Kauniainen."
    )


# --- locality set ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "value", "problem"),
    [
        ("--card-example", "ab", "--card-example: example card number 'ab' is not 4-16"),
        ("--postal-codes", "123", "--postal-codes: '123' is neither a 5-digit postal code"),
        ("--postal-codes", "02999-02100", "--postal-codes: postal code range '02999-02100' ends"),
        ("--validity-months", "99", "--validity-months must be between 1 and 60"),
        ("--validity-months", "0", "--validity-months must be between 1 and 60"),
        ("--pilot-end", "31.5.2027", "--pilot-end must be a date like 2027-05-31, not '31.5.2027'"),
    ],
)
def test_a_bad_locality_setting_exits_2_naming_the_problem_and_changes_nothing(
    espoo_cli: str, kaikubot: Kaikubot, option: str, value: str, problem: str
) -> None:
    before = [settings_of(locality) for locality in rows(espoo_cli, Locality)]
    trail = audit_trail(espoo_cli)

    outcome = kaikubot("locality", "set", option, value)

    assert refused(outcome, problem), outcome.err
    assert [settings_of(locality) for locality in rows(espoo_cli, Locality)] == before
    assert audit_trail(espoo_cli) == trail


YESTERDAY = (TODAY - timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        (["--pilot-end", YESTERDAY], f"--pilot-end: {YESTERDAY} is in the past"),
        (["--pilot-end", "2020-01-31"], "--pilot-end: 2020-01-31 is in the past"),
        (
            ["--card-example", "010190-123A"],
            "--card-example: an example card number must not look like a personal identity code",
        ),
        (
            ["--card-example", "0401234567"],
            "--card-example: an example card number must not look like a phone number",
        ),
        (["--card-example", ""], "--card-example: an example card number cannot be empty"),
        (["--card-example", " - "], "--card-example: an example card number cannot be empty"),
        (
            ["--card-example", "KK123456", "--card-example", "AB1234", "--card-example", "123456"],
            "--card-example: give one or two example card numbers, not 3",
        ),
    ],
)
@pytest.mark.parametrize("command", [["init", "--locality", "Vantaa"], ["locality", "set"]])
def test_settings_that_make_nonsense_cards_are_refused_and_change_nothing(
    espoo_cli: str, kaikubot: Kaikubot, command: list[str], options: list[str], problem: str
) -> None:
    before = [settings_of(locality) for locality in rows(espoo_cli, Locality)]
    trail = audit_trail(espoo_cli)

    outcome = kaikubot(*command, *options)

    assert refused(outcome, problem), outcome.err
    assert "010190-123A" not in " ".join(outcome.err)
    assert [settings_of(locality) for locality in rows(espoo_cli, Locality)] == before
    assert audit_trail(espoo_cli) == trail
    assert len(rows(espoo_cli, Invitation)) == 1


def test_a_pilot_ending_today_is_accepted(espoo_cli: str, kaikubot: Kaikubot) -> None:
    outcome = kaikubot("locality", "set", "--pilot-end", TODAY.isoformat())

    assert outcome.status == 0, outcome.err
    assert f"  pilot end date: {TODAY.isoformat()}" in outcome.out


def settings_of(locality: Locality) -> tuple[Any, ...]:
    return tuple(getattr(locality, field) for field in localities.FIELDS)


def test_locality_set_changes_the_given_settings_and_audits_only_what_changed(
    espoo_cli: str, kaikubot: Kaikubot
) -> None:
    outcome = kaikubot("locality", "set", "--postal-codes", "02100-02999", "--validity-months", "6")

    assert outcome.status == 0, outcome.err
    assert outcome.out == [
        "Espoo:",
        "  card number examples: KK123456",
        "  network postal codes: 02100-02999",
        "  pilot end date: (none)",
        "  validity: 6 months",
    ]
    assert audit_trail(espoo_cli)[-1] == (
        "configure",
        "locality",
        {"postal_codes": [], "validity_months": 12},
        {"postal_codes": ["02100-02999"], "validity_months": 6},
    )

    kaikubot("locality", "set", "--pilot-end", PILOT_END)
    outcome = kaikubot("locality", "set", "--no-pilot-end")

    assert "  pilot end date: (none)" in outcome.out
    assert audit_trail(espoo_cli)[-1][2:] == (
        {"pilot_end_date": PILOT_END},
        {"pilot_end_date": None},
    )


def test_locality_set_without_any_option_exits_2(espoo_cli: str, kaikubot: Kaikubot) -> None:
    assert refused(kaikubot("locality", "set"), "nothing to change")


# --- which locality -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ("org", "add", "Library"),
        ("unit", "add", "Social services/Youth station"),
        ("invite", "--role", "coordinator"),
        ("invite", "list"),
        ("invite", "revoke", "1"),
        ("person", "list"),
        ("person", "deactivate", "1"),
        ("locality", "set", "--validity-months", "6"),
    ],
)
def test_with_several_localities_every_command_must_name_an_existing_one(
    espoo_cli: str, kaikubot: Kaikubot, command: tuple[str, ...]
) -> None:
    assert kaikubot("init", "--locality", "Vantaa").status == 0
    trail = audit_trail(espoo_cli)

    assert refused(kaikubot(*command), "there are several localities: name one with --locality")
    assert refused(kaikubot(*command, "--locality", "Turku"), "no locality called 'Turku'")
    assert audit_trail(espoo_cli) == trail


def test_without_any_locality_the_commands_point_to_init(url: str, kaikubot: Kaikubot) -> None:
    outcome = kaikubot("org", "add", "Library")

    assert refused(outcome, "there is no locality yet: create one with `kaikubot init")
    assert rows(url, Organisation) == []


# --- organisations and units ----------------------------------------------------------------


def test_organisations_and_units_are_added_to_the_named_locality(
    espoo_cli: str, kaikubot: Kaikubot
) -> None:
    kaikubot("init", "--locality", "Vantaa")

    org = kaikubot("org", "add", "Airport clinic", "--locality", "Vantaa")
    unit = kaikubot("unit", "add", "Airport clinic/Gate 1", "--locality", "Vantaa")

    espoo, vantaa = rows(espoo_cli, Locality)
    social, airport = rows(espoo_cli, Organisation)
    family, gate = rows(espoo_cli, Unit)
    assert org.out == [
        f"Added organisation #{airport.id} Airport clinic to Vantaa.",
        "Its commitment to the national guideline is not recorded: its units cannot issue "
        "cards until a coordinator records it (/orgs) or it is added with --committed-on.",
    ]
    assert airport.committed_on is None
    assert unit.out == [f"Added unit #{gate.id} Airport clinic/Gate 1."]
    assert (social.locality_id, social.kind) == (espoo.id, "social services")
    assert (airport.locality_id, airport.kind) == (vantaa.id, "")
    assert (family.organisation_id, gate.organisation_id) == (social.id, airport.id)
    # Espoo's organisation is not Vantaa's, even under the same name.
    assert refused(
        kaikubot("unit", "add", "Social services/Gate 2", "--locality", "Vantaa"),
        "no organisation 'Social services' in Vantaa",
    )


def test_org_add_records_the_commitment_to_the_national_guideline(
    espoo_cli: str, kaikubot: Kaikubot
) -> None:
    added = kaikubot(
        "org", "add", "Red Cross", "--committed-on", "2025-03-01", "--confirmed-by", "Aino Aalto"
    )

    _social, red_cross = rows(espoo_cli, Organisation)
    assert added.out == [
        f"Added organisation #{red_cross.id} Red Cross to Espoo. Committed to the national "
        "guideline on 2025-03-01."
    ]
    assert (red_cross.committed_on, red_cross.commitment_recorded_by) == (
        date(2025, 3, 1),
        "Aino Aalto",
    )
    assert audit_trail(espoo_cli)[-1] == (
        "record_commitment",
        "organisation",
        {"committed_on": None},
        {"committed_on": "2025-03-01", "recorded_by": "Aino Aalto"},
    )


@pytest.mark.parametrize(
    ("command", "problem"),
    [
        (("org", "add", "Library", "--committed-on", "1.3.2025"), "--committed-on must be a date"),
        (("org", "add", "Library", "--committed-on", "2999-01-01"), "cannot be in the future"),
        (("org", "add", "Library", "--confirmed-by", "Aino"), "--confirmed-by needs"),
        (("org", "add", "Social services"), "'Social services' is already in Espoo"),
        (("unit", "add", "Social services"), "give the unit as ORGANISATION/UNIT"),
        (("unit", "add", "Social services/"), "give the unit as ORGANISATION/UNIT"),
        (("unit", "add", "/Family centre"), "give the unit as ORGANISATION/UNIT"),
        (("unit", "add", "Library/Main"), "no organisation 'Library' in Espoo"),
        (
            ("unit", "add", "Social services/FAMILY CENTRE "),
            "'FAMILY CENTRE' is already in Social services (names are unique whatever their case)",
        ),
        (("unit", "add", "--org", "Social services", "  "), "a name cannot be empty"),
        (("org", "add", " SOCIAL services"), "'SOCIAL services' is already in Espoo"),
        (("org", "add", ""), "a name cannot be empty"),
    ],
)
def test_a_bad_organisation_or_unit_exits_2_with_one_clear_line(
    espoo_cli: str, kaikubot: Kaikubot, command: tuple[str, ...], problem: str
) -> None:
    trail = audit_trail(espoo_cli)

    assert refused(kaikubot(*command), problem)
    assert len(rows(espoo_cli, Organisation)) == 1
    assert len(rows(espoo_cli, Unit)) == 1
    assert audit_trail(espoo_cli) == trail


def test_a_slash_in_a_name_works_with_org_and_the_old_form_where_it_reads_one_way(
    espoo_cli: str, kaikubot: Kaikubot
) -> None:
    assert kaikubot("org", "add", "Sosiaali/terveys").status == 0
    assert kaikubot("org", "add", "Sosiaali").status == 0
    social, slashed, plain = rows(espoo_cli, Organisation)

    added = kaikubot("unit", "add", "--org", "Sosiaali/terveys", "Neuvola/perhe")
    by_id = kaikubot("unit", "add", "--org", f"#{plain.id}", "terveys/Neuvola")
    # "Sosiaali/terveys/Perhe" reads as Sosiaali + "terveys/Perhe" or Sosiaali/terveys + Perhe.
    ambiguous = kaikubot("unit", "add", "Sosiaali/terveys/Perhe")
    one_way = kaikubot("unit", "add", "social SERVICES/Youth/station")

    _family, neuvola, terveys, youth = rows(espoo_cli, Unit)
    assert added.out == [f"Added unit #{neuvola.id} Sosiaali/terveys/Neuvola/perhe."]
    assert (neuvola.organisation_id, neuvola.name) == (slashed.id, "Neuvola/perhe")
    assert (terveys.organisation_id, terveys.name) == (plain.id, "terveys/Neuvola")
    assert by_id.status == 0
    assert refused(ambiguous, "can be read in more than one way: name the organisation with --org")
    assert (youth.organisation_id, youth.name) == (social.id, "Youth/station")
    assert one_way.status == 0
    # An issuer invitation names its unit the same ways.
    invited = kaikubot(
        "invite", "--role", "issuer", "--org", "sosiaali/TERVEYS", "--unit", "neuvola/perhe"
    )
    assert invited.status == 0, invited.err
    assert rows(espoo_cli, Invitation)[-1].unit_id == neuvola.id
    assert kaikubot("invite", "--role", "issuer", "--unit", f"#{terveys.id}").status == 0
    assert rows(espoo_cli, Invitation)[-1].unit_id == terveys.id


# --- invitations ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "described", "scope"),
    [
        (
            ("--role", "issuer", "--unit", "Social services/Family centre"),
            "issuer at Social services/Family centre",
            {"unit": "Family centre", "organisation": "Social services"},
        ),
        (
            ("--role", "contact", "--org", "Social services"),
            "contact person of Social services",
            {"unit": None, "organisation": "Social services"},
        ),
        (("--role", "coordinator"), "coordinator of Espoo", {"unit": None, "organisation": None}),
    ],
)
def test_an_invitation_is_created_for_its_role_and_scope(
    espoo_cli: str,
    kaikubot: Kaikubot,
    options: tuple[str, ...],
    described: str,
    scope: dict[str, str | None],
) -> None:
    outcome = kaikubot("invite", *options)

    assert outcome.status == 0, outcome.err
    invitation = rows(espoo_cli, Invitation)[-1]
    assert re.fullmatch(
        rf"One-time invitation #{invitation.id} for {described} \(expires .* Europe/Helsinki\):",
        outcome.out[0],
    )
    assert invitation.code_hash == invitations.hash_code(outcome.code())
    assert invitation.role is Role(options[1])
    (family,) = rows(espoo_cli, Unit)
    (social,) = rows(espoo_cli, Organisation)
    assert invitation.unit_id == (family.id if scope["unit"] else None)
    assert invitation.organisation_id == (social.id if scope["organisation"] else None)
    assert invitation.locality_id == rows(espoo_cli, Locality)[0].id
    assert audit_trail(espoo_cli)[-1][:2] == ("invite", "invitation")


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ((), "give the role: kaikubot invite --role issuer|contact|coordinator"),
        (("--role", "issuer"), "an issuer invitation needs --unit ORGANISATION/UNIT"),
        (("--role", "issuer", "--unit", "Family centre"), "give the unit as ORGANISATION/UNIT"),
        (("--role", "issuer", "--unit", "Social services/Gate 1"), "no unit 'Social services/"),
        (("--role", "contact"), "a contact person invitation needs --org ORGANISATION"),
        (("--role", "contact", "--org", "Library"), "no organisation 'Library' in Espoo"),
    ],
)
def test_an_invitation_without_its_scope_exits_2(
    espoo_cli: str, kaikubot: Kaikubot, options: tuple[str, ...], problem: str
) -> None:
    assert refused(kaikubot("invite", *options), problem)
    assert len(rows(espoo_cli, Invitation)) == 1  # the one from init


def test_invite_list_shows_each_invitation_open_used_revoked_or_expired(
    espoo_cli: str, kaikubot: Kaikubot
) -> None:
    used = kaikubot("invite", "--role", "issuer", "--unit", "Social services/Family centre")
    kaikubot("invite", "--role", "contact", "--org", "Social services")
    kaikubot("invite", "--role", "coordinator")
    first, issuer, contact, coordinator = (i.id for i in rows(espoo_cli, Invitation))

    async def use_and_expire(session: AsyncSession) -> None:
        await invitations.redeem(session, used.code(), telegram_id=501, display_name="Ilmari")
        expiring = await session.get(Invitation, first)
        assert expiring is not None
        expiring.expires_at = utcnow() - timedelta(minutes=1)

    in_database(espoo_cli, use_and_expire)
    assert kaikubot("invite", "revoke", str(contact)).out == [f"Revoked invitation #{contact}."]

    outcome = kaikubot("invite", "list")

    assert outcome.status == 0
    assert outcome.out[0] == "Invitations of Espoo:"
    states = {
        int(match[1]): (match[2], match[3])
        for line in outcome.out[1:]
        if (match := re.match(r"  #(\d+) (.+): (\w+) \(created ", line))
    }
    assert states == {
        coordinator: ("coordinator of Espoo", "open"),
        contact: ("contact person of Social services", "revoked"),
        issuer: ("issuer at Social services/Family centre", "used"),
        first: ("coordinator of Espoo", "expired"),
    }
    # Newest first.
    assert list(states) == [coordinator, contact, issuer, first]


def test_an_invitation_that_is_used_or_revoked_cannot_be_revoked(
    espoo_cli: str, kaikubot: Kaikubot
) -> None:
    (invitation,) = rows(espoo_cli, Invitation)
    assert kaikubot("invite", "revoke", str(invitation.id)).status == 0

    assert refused(
        kaikubot("invite", "revoke", str(invitation.id)),
        f"no unused invitation #{invitation.id} in Espoo",
    )
    assert refused(kaikubot("invite", "revoke", "999"), "no unused invitation #999 in Espoo")
    assert refused(kaikubot("invite", "revoke"), "give the invitation's number")


async def test_a_revoked_invitation_can_no_longer_be_redeemed(
    bot_database: str,
    kaikubot: Kaikubot,
    app: KaikuApplication,
    sim: TelegramSimulator,
    espoo: Network,
) -> None:
    created = await asyncio.to_thread(
        kaikubot, "invite", "--role", "issuer", "--unit", "Social services/Family centre",
        "--locality", "Espoo",
    )  # fmt: skip
    async with app.services.database.read() as session:
        (invitation,) = await session.scalars(select(Invitation))
    # Vantaa cannot revoke Espoo's invitation.
    assert refused(
        await asyncio.to_thread(
            kaikubot, "invite", "revoke", str(invitation.id), "--locality", "Vantaa"
        ),
        f"no unused invitation #{invitation.id} in Vantaa",
    )

    revoked = await asyncio.to_thread(
        kaikubot, "invite", "revoke", str(invitation.id), "--locality", "Espoo"
    )
    assert revoked.status == 0
    niina = await sim.user("Niina", language_code="en")
    await niina.send(f"/start {created.code()}")

    assert niina.last_reply().text.startswith("This invitation has been withdrawn.")
    async with app.services.database.read() as session:
        assert await people.by_telegram_id(session, niina.id) is None
        event = (await session.scalars(select(AuditEvent).order_by(AuditEvent.id))).all()[-1]
    assert (event.action, event.entity, event.entity_id) == ("revoke", "invitation", invitation.id)
    assert event.before == {"revoked_at": None}
    assert event.after is not None
    assert event.after["revoked_at"]


# --- people ---------------------------------------------------------------------------------


async def test_person_list_shows_the_people_of_a_locality_with_their_roles_and_state(
    bot_database: str, kaikubot: Kaikubot, app: KaikuApplication, espoo: Network
) -> None:
    database = app.services.database
    ilona = await add_person(database, 601, "Ilona", (Role.ISSUER, espoo.units["family"]))
    kalle = await add_person(
        database,
        602,
        "Kalle",
        (Role.CONTACT, espoo.organisations["red_cross"]),
        (Role.ISSUER, espoo.units["helpline"]),
    )
    anna = await add_person(
        database, 603, "Anna", (Role.COORDINATOR, espoo.localities["espoo"]), active=False
    )
    await add_person(database, 604, "Veera", (Role.COORDINATOR, espoo.localities["vantaa"]))

    outcome = await asyncio.to_thread(kaikubot, "person", "list", "--locality", "Espoo")

    assert outcome.status == 0, outcome.err
    assert outcome.out == [
        "People of Espoo:",
        f"  #{anna} Anna (deactivated): coordinator of Espoo",
        f"  #{ilona} Ilona (active): issuer at Social services/Family centre",
        f"  #{kalle} Kalle (active): issuer at Red Cross/Helpline, contact person of Red Cross",
    ]


async def test_deactivating_a_person_ends_their_access_at_once_and_removes_their_menu(
    bot_database: str,
    kaikubot: Kaikubot,
    app: KaikuApplication,
    sim: TelegramSimulator,
    espoo: Network,
    telegram: TelegramModel,
) -> None:
    created = await asyncio.to_thread(
        kaikubot, "invite", "--role", "coordinator", "--locality", "Espoo"
    )
    kaisa = await sim.user("Kaisa", language_code="en")
    await kaisa.send(f"/start {created.code()}")
    await app.services.courier.deliver_due(app.bot)
    assert [c["command"] for c in telegram.commands_seen_by(kaisa.id)] == [
        "help",
        "cards",
        "practice",
        "invite",
        "invitations",
        "summary",
        "range",
        "schedule",
        "settings",
        "orgs",
        "network",
        "ask",
        "guide",
        "contacts",
        "contact",
        "joinlink",
        "me",
        "language",
        "cancel",
    ]
    async with app.services.database.read() as session:
        person = await people.by_telegram_id(session, kaisa.id)
    assert person is not None

    outcome = await asyncio.to_thread(
        kaikubot, "person", "deactivate", str(person.id), "--locality", "Espoo"
    )

    assert outcome.status == 0, outcome.err
    assert outcome.out == [f"Deactivated #{person.id} Kaisa: their access ended."]
    # At once: before any menu refresh reaches Telegram, the next message is told so.
    await kaisa.send("/invite")
    assert kaisa.last_reply().text.startswith("Your access to Kaikubot has ended.")
    assert kaisa.buttons() == []
    async with app.services.database.read() as session:
        queued = (await session.scalars(select(OutboxMessage))).all()[-1]
        event = (await session.scalars(select(AuditEvent).order_by(AuditEvent.id))).all()[-1]
    assert (queued.chat_id, queued.kind, queued.status) == (
        kaisa.id,
        "commands",
        OutboxStatus.PENDING,
    )
    assert (event.action, event.entity, event.entity_id) == ("deactivate", "person", person.id)
    assert (event.before, event.after, event.actor_person_id) == (
        {"active": True},
        {"active": False},
        None,
    )

    await app.services.courier.deliver_due(app.bot)

    # The chat's own menu is gone: Telegram shows the strangers' default one.
    assert telegram.commands_seen_by(kaisa.id) == [
        {"command": "help", "description": "What I can do for you"}
    ]


async def test_only_an_active_person_of_the_locality_can_be_deactivated(
    bot_database: str, kaikubot: Kaikubot, app: KaikuApplication, espoo: Network
) -> None:
    database = app.services.database
    veera = await add_person(database, 701, "Veera", (Role.ISSUER, espoo.units["gate"]))
    former = await add_person(
        database, 702, "Fanny", (Role.ISSUER, espoo.units["family"]), active=False
    )

    for person_id, locality, problem in [
        (veera, "Espoo", f"no person #{veera} in Espoo"),
        (999, "Espoo", "no person #999 in Espoo"),
        (former, "Espoo", f"#{former} Fanny is already deactivated"),
    ]:
        outcome = await asyncio.to_thread(
            kaikubot, "person", "deactivate", str(person_id), "--locality", locality
        )
        assert refused(outcome, problem), outcome.err

    async with database.read() as session:
        assert (await people.by_id(session, veera)).active  # type: ignore[union-attr]
        assert (await session.scalars(select(OutboxMessage))).all() == []


# --- the audit log --------------------------------------------------------------------------


def test_every_change_made_from_the_command_line_is_in_the_audit_log(
    url: str, kaikubot: Kaikubot
) -> None:
    kaikubot("init", "--locality", "Espoo", "--card-example", "KK123456")
    kaikubot("locality", "set", "--validity-months", "6")
    kaikubot("org", "add", "Social services")
    kaikubot("unit", "add", "Social services/Family centre")
    kaikubot("invite", "--role", "issuer", "--unit", "Social services/Family centre")
    kaikubot("invite", "revoke", "2")
    kaikubot("invite", "list")  # reading changes nothing
    kaikubot("person", "list")

    (espoo,) = rows(url, Locality)
    (social,) = rows(url, Organisation)
    (family,) = rows(url, Unit)
    trail = rows(url, AuditEvent)
    assert {event.actor_person_id for event in trail} == {None}
    assert [(e.action, e.entity, e.entity_id) for e in trail] == [
        ("add", "locality", espoo.id),
        ("configure", "locality", espoo.id),
        ("invite", "invitation", 1),
        ("configure", "locality", espoo.id),
        ("add", "organisation", social.id),
        ("add", "unit", family.id),
        ("invite", "invitation", 2),
        ("revoke", "invitation", 2),
    ]
    assert (trail[1].before, trail[1].after) == (
        {"card_number_examples": []},
        {"card_number_examples": ["KK123456"]},
    )
    assert (trail[3].before, trail[3].after) == ({"validity_months": 12}, {"validity_months": 6})
    assert trail[4].after == {"locality_id": espoo.id, "name": "Social services", "kind": ""}
    assert trail[5].after == {"organisation_id": social.id, "name": "Family centre"}
    assert trail[6].after is not None
    assert (trail[6].after["role"], trail[6].after["unit_id"]) == ("issuer", family.id)
    assert trail[7].before == {"revoked_at": None}


def test_a_pilot_end_and_no_pilot_end_together_are_refused(
    espoo_cli: str, kaikubot: Kaikubot
) -> None:
    outcome = kaikubot("locality", "set", "--pilot-end", PILOT_END, "--no-pilot-end")

    assert refused(outcome, "--no-pilot-end")


# --- listing, renaming and deactivating the network -----------------------------------------


def test_org_list_unit_list_and_locality_show_print_the_network(
    espoo_cli: str, kaikubot: Kaikubot
) -> None:
    kaikubot("org", "add", "Red Cross")
    kaikubot("unit", "add", "Social services/Youth station")
    social, red_cross = rows(espoo_cli, Organisation)
    family, youth = rows(espoo_cli, Unit)

    assert kaikubot("org", "list").out == [
        "Organisations of Espoo:",
        f"  #{red_cross.id} Red Cross: 0 units; NO CONTACT PERSON",
        f"  #{social.id} Social services (social services): 2 units; NO CONTACT PERSON",
    ]
    assert kaikubot("unit", "list").out == [
        "Units of Espoo:",
        f"  #{family.id} Social services/Family centre",
        f"  #{youth.id} Social services/Youth station",
    ]
    assert kaikubot("unit", "list", "--org", "Red Cross").out == ["No units."]
    assert kaikubot("locality", "show").out == [
        "Espoo:",
        "  card number examples: KK123456",
        "  network postal codes: (not set)",
        "  pilot end date: (none)",
        "  validity: 12 months",
    ]
    assert refused(kaikubot("unit", "list", "--org", "Library"), "no organisation 'Library'")


def test_renames_keep_names_unique_whatever_their_case_and_are_audited(
    espoo_cli: str, kaikubot: Kaikubot
) -> None:
    kaikubot("org", "add", "Red Cross")
    kaikubot("unit", "add", "Social services/Youth station")
    social, _ = rows(espoo_cli, Organisation)
    family, _ = rows(espoo_cli, Unit)

    assert refused(kaikubot("org", "rename", "Social services", "red cross"), "'red cross' is")
    assert refused(kaikubot("org", "rename", "Social services", " "), "a name cannot be empty")
    assert refused(
        kaikubot("unit", "rename", "Social services/Family centre", "YOUTH STATION"),
        "'YOUTH STATION' is already in Social services",
    )
    renamed = kaikubot("org", "rename", f"#{social.id}", "Sosiaali/terveys")
    unit = kaikubot("unit", "rename", "--org", "sosiaali/terveys", "family centre", "Perhekeskus")

    assert renamed.out == [
        f"Renamed organisation #{social.id} Social services to Sosiaali/terveys."
    ]
    assert unit.out == [f"Renamed unit #{family.id} Sosiaali/terveys/Family centre to Perhekeskus."]
    assert [(e[0], e[1], e[2], e[3]) for e in audit_trail(espoo_cli)[-2:]] == [
        ("rename", "organisation", {"name": "Social services"}, {"name": "Sosiaali/terveys"}),
        ("rename", "unit", {"name": "Family centre"}, {"name": "Perhekeskus"}),
    ]


def test_a_deactivated_organisation_takes_its_units_out_and_takes_no_invitations(
    espoo_cli: str, kaikubot: Kaikubot
) -> None:
    kaikubot("unit", "add", "Social services/Youth station")
    (social,) = rows(espoo_cli, Organisation)

    outcome = kaikubot("org", "deactivate", "Social services")

    assert outcome.out == [
        f"Deactivated organisation #{social.id} Social services and its 2 units: nobody can "
        "issue cards for them or be invited into them; what was issued stays."
    ]
    assert [unit.active for unit in rows(espoo_cli, Unit)] == [False, False]
    assert kaikubot("org", "list").out[1].endswith(": 0 units, deactivated; NO CONTACT PERSON")
    assert kaikubot("unit", "list").out[1].endswith("Family centre (deactivated)")
    assert refused(kaikubot("org", "deactivate", "Social services"), "is already deactivated")
    assert refused(
        kaikubot("invite", "--role", "issuer", "--unit", "Social services/Family centre"),
        "Social services/Family centre is deactivated",
    )
    assert refused(
        kaikubot("invite", "--role", "contact", "--org", "Social services"),
        "Social services is deactivated",
    )
    assert audit_trail(espoo_cli)[-1][:2] == ("deactivate", "organisation")


def test_a_deactivated_unit_is_no_longer_chosen(espoo_cli: str, kaikubot: Kaikubot) -> None:
    (family,) = rows(espoo_cli, Unit)

    outcome = kaikubot("unit", "deactivate", f"#{family.id}")

    assert outcome.out == [
        f"Deactivated unit #{family.id} Family centre: nobody can issue cards for it or be "
        "invited into it; what was issued stays."
    ]
    assert rows(espoo_cli, Unit)[0].active is False
    assert refused(kaikubot("unit", "deactivate", "Social services/Family centre"), "already")


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        (
            ("--role", "coordinator", "--org", "Social services"),
            "--org is not used for a coordinator",
        ),
        (
            ("--role", "coordinator", "--unit", "Social services/Family centre"),
            "--unit is not used",
        ),
        (
            ("--role", "contact", "--org", "Social services", "--unit", "Family centre"),
            "--unit is not used for a contact person invitation",
        ),
        (("list", "--role", "issuer"), "--role is not used by `kaikubot invite list`"),
        (
            ("revoke", "1", "--org", "Social services"),
            "--org is not used by `kaikubot invite revoke`",
        ),
        (("list", "3"), "ID is not used by `kaikubot invite list`"),
        (("7", "--role", "coordinator"), "invalid choice"),
    ],
)
def test_every_flag_an_invite_command_accepts_is_used_or_refused(
    espoo_cli: str, kaikubot: Kaikubot, options: tuple[str, ...], problem: str
) -> None:
    if problem == "invalid choice":  # argparse refuses it itself (exit 2, its own usage lines)
        with pytest.raises(SystemExit):
            kaikubot("invite", *options)
        return
    assert refused(kaikubot("invite", *options), problem)
    assert len(rows(espoo_cli, Invitation)) == 1  # the one from init


async def test_reactivating_a_person_gives_back_their_roles_and_menu(
    bot_database: str,
    kaikubot: Kaikubot,
    app: KaikuApplication,
    sim: TelegramSimulator,
    espoo: Network,
    telegram: TelegramModel,
) -> None:
    fanny = await sim.user("Fanny", language_code="en")
    former = await add_person(
        app.services.database, fanny.id, "Fanny", (Role.ISSUER, espoo.units["family"]), active=False
    )

    outcome = await asyncio.to_thread(
        kaikubot, "person", "reactivate", str(former), "--locality", "Espoo"
    )
    again = await asyncio.to_thread(
        kaikubot, "person", "reactivate", str(former), "--locality", "Espoo"
    )

    assert outcome.out == [f"Reactivated #{former} Fanny: issuer at Social services/Family centre."]
    assert refused(again, f"#{former} Fanny is active already")
    await app.services.courier.deliver_due(app.bot)
    assert [c["command"] for c in telegram.commands_seen_by(fanny.id)][:2] == ["help", "issue"]
    await fanny.send("/issue")
    assert not fanny.last_reply().text.startswith("Your access to Kaikubot has ended.")
    trail = await asyncio.to_thread(audit_trail, bot_database)
    assert trail[-1][:4] == (
        "activate",
        "person",
        {"active": False},
        {"active": True},
    )


async def test_a_code_lockout_is_listed_and_lifted(
    bot_database: str, kaikubot: Kaikubot, app: KaikuApplication, sim: TelegramSimulator
) -> None:
    guesser = await sim.user("Guesser", language_code="en")
    for _ in range(invitations.MAX_FAILURES):
        await guesser.send("/start " + "A" * 22)

    listed = await asyncio.to_thread(kaikubot, "invite", "lockouts")
    lifted = await asyncio.to_thread(kaikubot, "invite", "unlock", str(guesser.id))
    again = await asyncio.to_thread(kaikubot, "invite", "unlock", str(guesser.id))

    assert listed.out[0] == "Locked out for wrong invitation codes:"
    assert re.fullmatch(
        rf"  Telegram user {guesser.id} until \d{{4}}-\d\d-\d\d \d\d:\d\d Europe/Helsinki",
        listed.out[1],
    )
    assert lifted.out == [f"Telegram user {guesser.id} may send an invitation code again."]
    assert refused(again, f"Telegram user {guesser.id} is not locked out")
    assert (await asyncio.to_thread(kaikubot, "invite", "lockouts")).out == [
        "Nobody is locked out."
    ]
    trail = await asyncio.to_thread(audit_trail, bot_database)
    assert trail[-1][:2] == ("lift_lockout", "failed_redemption")


def test_moments_are_printed_in_the_bots_time_zone(
    espoo_cli: str, kaikubot: Kaikubot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KAIKUBOT_TIMEZONE", "America/New_York")

    outcome = kaikubot("invite", "--role", "coordinator")

    invitation = rows(espoo_cli, Invitation)[-1]
    expires = invitation.expires_at.astimezone(ZoneInfo("America/New_York"))
    assert outcome.out[0] == (
        f"One-time invitation #{invitation.id} for coordinator of Espoo "
        f"(expires {expires:%Y-%m-%d %H:%M} America/New_York):"
    )
