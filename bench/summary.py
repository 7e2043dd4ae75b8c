"""How long a coordinator's summary takes to count on a locality with a long history.

Seeds one locality of 50 organisations and 300 units with 1,000,000 issuances over five years
(ten times every card ever issued in Finland) with realistic shares of kinds, ages and
answers, an audit event for each (as the issuing form writes), people with roles and an
outbox; then times the figures of a monthly summary (last month) and of this year's, as
storage.summaries counts them in a read-only session. Bar: < 1 s each on SQLite.

The seed is deterministic and its SQLite file is cached under data/bench/ by seed version,
so a rerun starts timing at once. With KAIKUBOT_BENCH_POSTGRES_URL (or
KAIKUBOT_TEST_POSTGRES_URL) set, the same is seeded (once, into a schema named by the seed
version) and timed on PostgreSQL.

Run: make bench   (or: .venv/bin/python -m bench.summary [--issuances N] [--rounds N])
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
from sqlalchemy import func, insert, select
from sqlalchemy.engine.url import make_url
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.summaries.periods import Preset, preset_period
from storage import migrate, summaries
from storage.db import Database
from storage.models import (
    AuditEvent,
    Card,
    Issuance,
    Locality,
    Organisation,
    OutboxMessage,
    OutboxStatus,
    Person,
    RoleAssignment,
    Unit,
)
from storage.summaries import GENDERS, LIFE_SITUATIONS

# Change when the seeded data changes: the cached databases are keyed by it.
SEED_VERSION = 2
SEED = 20261201
ORGANISATIONS = 50
UNITS_PER_ORGANISATION = 6
ISSUANCES = 1_000_000
YEARS = 5
# The seed's "today": the periods are measured as seen on this day, whatever the date.
TODAY = date(2026, 11, 30)
ZONE = ZoneInfo("Europe/Helsinki")
BAR_SECONDS = 1.0
BATCH = 20_000
CACHE = Path("data") / "bench"
SEEDED_TABLES = ("issuance", "card", "audit_event", "outbox_message", "role_assignment", "person")

# Shares, roughly as the national register's statistics suggest.
KINDS = (("new", 0.58), ("renewal", 0.37), ("replacement", 0.05))
# Ages turned in the year of issue: many young adults and pensioners.
AGE_BANDS = (((16, 29), 0.30), ((30, 44), 0.25), ((45, 64), 0.28), ((65, 95), 0.17))
GENDER_SHARES = (0.55, 0.35, 0.03, 0.04)  # woman, man, other, undisclosed; the rest unanswered
LIFE_SHARES = (0.30, 0.22, 0.15, 0.10, 0.06, 0.03, 0.04, 0.03)  # in LIFE_SITUATIONS order


def pick(generator: random.Random, shares: tuple[tuple[Any, float], ...]) -> Any:
    point, total = generator.random(), 0.0
    for value, share in shares:
        total += share
        if point < total:
            return value
    return shares[-1][0]


def answer(generator: random.Random, values: tuple[Any, ...], shares: tuple[float, ...]) -> Any:
    """One of the values by its share; None (not answered) with what is left over."""
    point, total = generator.random(), 0.0
    for value, share in zip(values, shares, strict=True):
        total += share
        if point < total:
            return value
    return None


def issuance_rows(
    generator: random.Random, count: int, unit_ids: list[int], issuer_ids: list[int]
) -> list[dict[str, Any]]:
    """The issuances, in the order they were issued (ids follow dates, as they do)."""
    first = TODAY - timedelta(days=365 * YEARS)
    days = (TODAY - first).days
    # Units differ: some issue many cards, some few (a long tail).
    weights = [generator.paretovariate(1.5) for _ in unit_ids]
    units = generator.choices(unit_ids, weights, k=count)
    offsets = sorted(generator.randrange(days + 1) for _ in range(count))
    rows = []
    cards_issued = 0
    for index in range(count):
        issued_on = first + timedelta(days=offsets[index])
        kind = pick(generator, KINDS) if cards_issued else "new"
        replaces = None
        if kind == "renewal":
            card_id = generator.randint(1, cards_issued)
        else:
            if kind == "replacement":
                replaces = generator.randint(1, cards_issued)  # a lost card, now deactivated
            cards_issued += 1
            card_id = cards_issued
        low, high = pick(generator, AGE_BANDS)
        answered = generator.random() < 0.6
        rows.append(
            {
                "card_id": card_id,
                "kind": kind,
                "replaces_card_id": replaces,
                "previously_unknown": False,
                "unit_id": units[index],
                "issuer_id": issuer_ids[units[index] % len(issuer_ids)],
                "issued_on": issued_on,
                "valid_until": issued_on + timedelta(days=364),
                "birth_year": issued_on.year - generator.randint(low, high),
                "postal_code": f"00{generator.randrange(100, 990):03}",
                "children": generator.choice((0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3)),
                "gender": answer(generator, GENDERS, GENDER_SHARES),
                "life_situation": answer(generator, LIFE_SITUATIONS, LIFE_SHARES),
                "wellbeing": generator.randint(1, 5) if answered else None,
                "mobile_card": generator.choice((True, False, False, None)),
                "form_id": f"bench-{index}",
                "created_at": datetime.combine(issued_on, datetime.min.time(), tzinfo=UTC),
            }
        )
    return rows


async def insert_batches(
    connection: AsyncConnection, table: Any, rows: list[dict[str, Any]]
) -> None:
    """Core executemany in batches: no ORM objects, one round trip per batch."""
    for start in range(0, len(rows), BATCH):
        await connection.execute(insert(table), rows[start : start + BATCH])


async def seed(database: Database, count: int) -> int:
    """Create the locality and its history; returns the locality's id."""
    generator = random.Random(SEED)
    async with database.engine.begin() as connection:
        locality_id = (
            await connection.execute(
                insert(Locality)
                .values(name="Bench locality", card_number_examples=[], postal_codes=[])
                .returning(Locality.id)
            )
        ).scalar_one()
        await connection.execute(
            insert(Organisation),
            [
                {"locality_id": locality_id, "name": f"Organisation {o:02}", "kind": "bench"}
                for o in range(ORGANISATIONS)
            ],
        )
        organisation_ids = list(
            await connection.scalars(select(Organisation.id).order_by(Organisation.id))
        )
        await connection.execute(
            insert(Unit),
            [
                {"organisation_id": organisation_id, "name": f"Unit {u}"}
                for organisation_id in organisation_ids
                for u in range(UNITS_PER_ORGANISATION)
            ],
        )
        unit_ids = list(await connection.scalars(select(Unit.id).order_by(Unit.id)))
        await connection.execute(
            insert(Person),
            [{"telegram_id": 10_000 + i, "display_name": f"Person {i}"} for i in range(360)],
        )
        person_ids = list(await connection.scalars(select(Person.id).order_by(Person.id)))
        issuer_ids = person_ids[: len(unit_ids)]
        roles = [
            {"person_id": person, "role": "issuer", "unit_id": unit}
            for person, unit in zip(issuer_ids, unit_ids, strict=True)
        ]
        # Most organisations have a contact person; a few have none.
        contacts = person_ids[len(unit_ids) : len(unit_ids) + ORGANISATIONS - 3]
        roles += [
            {"person_id": person, "role": "contact", "organisation_id": organisation}
            for person, organisation in zip(contacts, organisation_ids, strict=False)
        ]
        roles.append(
            {"person_id": person_ids[-1], "role": "coordinator", "locality_id": locality_id}
        )
        # executemany wants the same keys in every row.
        scopes = {"unit_id": None, "organisation_id": None, "locality_id": None}
        await connection.execute(insert(RoleAssignment), [{**scopes, **role} for role in roles])

        rows = issuance_rows(generator, count, unit_ids, issuer_ids)
        cards = max(row["card_id"] for row in rows)
        lost = {
            row["replaces_card_id"]: row["created_at"] for row in rows if row["replaces_card_id"]
        }
        await insert_batches(
            connection,
            Card,
            [
                {
                    "number": f"KK{n:07}",
                    "created_at": datetime(2021, 1, 1, tzinfo=UTC),
                    "deactivated_at": lost.get(n + 1),
                }
                for n in range(cards)
            ],
        )
        await insert_batches(connection, Issuance, rows)
        # The issuing form writes an audit event for every card: the log is as long.
        await insert_batches(
            connection,
            AuditEvent,
            [
                {
                    "at": row["created_at"],
                    "actor_person_id": row["issuer_id"],
                    "action": "issue",
                    "entity": "issuance",
                    "entity_id": index + 1,
                    "after": {"kind": row["kind"], "unit_id": row["unit_id"]},
                }
                for index, row in enumerate(rows)
            ],
        )
        await insert_batches(
            connection,
            OutboxMessage,
            [
                {
                    "chat_id": 10_000 + generator.randrange(360),
                    "text": "notice",
                    "status": OutboxStatus.FAILED
                    if generator.random() < 0.02
                    else OutboxStatus.SENT,
                    "created_at": datetime.combine(
                        TODAY - timedelta(days=generator.randrange(365 * YEARS)),
                        datetime.min.time(),
                        tzinfo=UTC,
                    ),
                }
                for _ in range(count // 20)
            ],
        )
    return int(locality_id)


async def seeded_sqlite(count: int) -> tuple[Database, int, float]:
    """The cached SQLite database (seeded now if missing); returns it, the locality and the
    seconds seeding took (0 when cached)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"summary-v{SEED_VERSION}-{count}.db"
    ready = path.with_suffix(".ready")
    database = Database.from_url(f"sqlite+aiosqlite:///{path}")
    if ready.exists():
        if not await migrate.is_current(database.engine):
            await upgrade_and_analyze(database)  # the cache follows new migrations (indexes)
        return database, int(ready.read_text()), 0.0
    await database.dispose()
    for leftover in CACHE.glob(f"{path.name}*"):
        leftover.unlink()
    database = Database.from_url(f"sqlite+aiosqlite:///{path}")
    await migrate.upgrade(database.engine)
    started = time.perf_counter()
    locality_id = await seed(database, count)
    await upgrade_and_analyze(database)
    ready.write_text(str(locality_id))
    return database, locality_id, time.perf_counter() - started


async def upgrade_and_analyze(database: Database) -> None:
    """Apply new migrations, then let the planner learn the tables (as after a bulk load)."""
    await migrate.upgrade(database.engine)
    async with database.engine.begin() as connection:
        await connection.exec_driver_sql("ANALYZE")


def postgres_server() -> str | None:
    return (
        os.environ.get("KAIKUBOT_BENCH_POSTGRES_URL")
        or os.environ.get("KAIKUBOT_TEST_POSTGRES_URL")
        or None
    )


async def seeded_postgres(server: str, count: int) -> tuple[Database, int, float]:
    """A schema of its own, seeded once per seed version and size."""
    schema = f"kaikubot_bench_summary_v{SEED_VERSION}_{count}"
    dsn = make_url(server).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn)
    try:
        exists = await connection.fetchval(
            "SELECT count(*) FROM information_schema.tables"
            " WHERE table_schema = $1 AND table_name = 'bench_ready'",
            schema,
        )
        if not exists:
            await connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            await connection.execute(f'CREATE SCHEMA "{schema}"')
    finally:
        await connection.close()
    url = make_url(server).update_query_dict({"search_path": schema})
    database = Database.from_url(url.render_as_string(hide_password=False))
    if exists and not await migrate.is_current(database.engine):
        await upgrade_and_analyze(database)
    await migrate.upgrade(database.engine)
    if exists:
        async with database.read() as session:
            locality_id = await session.scalar(select(func.min(Locality.id)))
        return database, int(locality_id or 0), 0.0
    started = time.perf_counter()
    locality_id = await seed(database, count)
    async with database.engine.begin() as connection:
        await connection.exec_driver_sql("CREATE TABLE bench_ready (locality_id int)")
    # VACUUM, not only ANALYZE: an index-only scan needs the visibility map a bulk load lacks
    # (autovacuum would build it a little later in a real deployment).
    async with database.engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.exec_driver_sql(f"VACUUM ANALYZE {', '.join(SEEDED_TABLES)}")
    return database, locality_id, time.perf_counter() - started


async def time_summary(
    database: Database, locality_id: int, preset: Preset, rounds: int
) -> list[float]:
    """Seconds each count of the preset's figures took, in a read-only session."""
    period = preset_period(preset, TODAY)
    seconds = []
    for _ in range(rounds):
        started = time.perf_counter()
        async with database.read() as session:
            figures = await summaries.compute(session, locality_id, period, today=TODAY, zone=ZONE)
        seconds.append(time.perf_counter() - started)
    assert figures.issued > 0
    return seconds


async def measure(
    name: str, database: Database, locality_id: int, seeded_in: float, rounds: int
) -> bool:
    async with database.read() as session:
        issued = await session.scalar(select(func.count()).select_from(Issuance))
    how = f"seeded in {seeded_in:.0f} s" if seeded_in else "cached seed"
    print(f"{name}: {issued:,} issuances ({how})")
    met = True
    for preset, label in (
        (Preset.LAST_MONTH, "monthly summary"),
        (Preset.THIS_YEAR, "this-year summary"),
    ):
        seconds = await time_summary(database, locality_id, preset, rounds)
        best, median = min(seconds), statistics.median(seconds)
        ok = median < BAR_SECONDS
        met = met and ok
        print(
            f"  {label:<18} first {seconds[0] * 1000:6.0f} ms   median {median * 1000:6.0f} ms"
            f"   best {best * 1000:6.0f} ms   {'<' if ok else '≥'} {BAR_SECONDS:.0f} s"
        )
    return met


async def main(count: int, rounds: int) -> bool:
    database, locality_id, seconds = await seeded_sqlite(count)
    try:
        met = await measure("SQLite", database, locality_id, seconds, rounds)
    finally:
        await database.dispose()
    server = postgres_server()
    if server is None:
        print("PostgreSQL: skipped (set KAIKUBOT_BENCH_POSTGRES_URL or KAIKUBOT_TEST_POSTGRES_URL)")
        return met
    database, locality_id, seconds = await seeded_postgres(server, count)
    try:
        await measure("PostgreSQL", database, locality_id, seconds, rounds)
    finally:
        await database.dispose()
    return met


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issuances", type=int, default=ISSUANCES)
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.issuances, arguments.rounds))
