"""A hand-counted locality for the summaries: Espoo in November 2026, seen on 1 December.

Every figure the tests expect is counted by hand from the rows below (see the comments);
nothing here computes an expectation.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, update

from storage import network, outbox, people
from storage.db import Database
from storage.models import (
    AuditEvent,
    Card,
    GuidelineQuestion,
    Issuance,
    Locality,
    Organisation,
    OutboxMessage,
    OutboxStatus,
    Role,
)
from storage.summaries import Period
from tests.support.network import Network, build_network

NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))
TODAY = date(2026, 12, 1)

# (unit, kind, issued on, birth year, children, gender, life situation, wellbeing, mobile)
# Ages are turned in 2026: 2010 → 16 (16–29), 1990 → 36, 1960 → 66 …
NOVEMBER_ISSUANCES: list[tuple[Any, ...]] = [
    # Family centre: 7 (new 5, renewal 2)
    ("family", "new", 2, 2010, 0, "woman", "student", 4, True),  # 16
    ("family", "new", 3, 2000, 2, "woman", "unemployed", 3, False),  # 26
    ("family", "new", 5, 1990, 1, "man", "unemployed", None, None),  # 36
    ("family", "new", 10, 1985, 0, "woman", "low_income_employed", 2, False),  # 41
    ("family", "new", 20, 1960, 0, "man", "pensioner", 5, False),  # 66
    ("family", "renewal", 25, 1955, 0, "woman", "pensioner", 4, True),  # 71
    ("family", "renewal", 30, 1970, 3, None, None, None, None),  # 56
    # Youth station: 3 (new 3)
    ("youth", "new", 1, 2008, 0, "man", "student", 3, True),  # 18
    ("youth", "new", 15, 2009, 0, "other", "student", None, True),  # 17
    ("youth", "new", 16, 2007, 0, "woman", "student", 4, False),  # 19
    # Helpline: 6 (new 2, renewal 3, replacement 1)
    ("helpline", "new", 4, 1980, 1, "woman", "unemployed", 2, False),  # 46
    ("helpline", "new", 6, 1975, 0, "man", "unemployed", 3, False),  # 51
    ("helpline", "renewal", 7, 1950, 0, "woman", "pensioner", 3, False),  # 76
    ("helpline", "renewal", 8, 1965, 0, "undisclosed", "undisclosed", None, None),  # 61
    ("helpline", "renewal", 9, 1995, 2, "woman", "family_carer", 4, True),  # 31
    ("helpline", "replacement", 12, 1999, 0, "man", "other", 1, False),  # 27
]
# The previous period is 2–31 October (30 days): new 6, renewal 2, replacement 2.
OCTOBER_ISSUANCES: list[tuple[str, str, int]] = [
    ("family", "new", 2),
    ("family", "new", 10),
    ("family", "new", 20),
    ("family", "new", 31),
    ("helpline", "new", 5),
    ("helpline", "new", 15),
    ("helpline", "renewal", 6),
    ("helpline", "renewal", 16),
    ("helpline", "replacement", 7),
    ("helpline", "replacement", 17),
]


@dataclass
class Seeded:
    """The network, and the people the fixture made."""

    network: Network
    issuer_id: int
    coordinator_id: int
    coordinator_telegram_id: int


_numbers = itertools.count(100_000)


async def issue(
    session: Any,
    unit_id: int,
    issuer_id: int,
    kind: str,
    issued_on: date,
    *,
    birth_year: int = 1990,
    children: int = 0,
    gender: str | None = None,
    life_situation: str | None = None,
    wellbeing: int | None = None,
    mobile_card: bool | None = None,
    valid_until: date | None = None,
    card_id: int | None = None,
    voided: bool = False,
) -> int:
    """One issuance (of a new card unless `card_id`); returns its card's id."""
    if card_id is None:
        card_id = (
            await session.execute(
                insert(Card).values(number=f"KK{next(_numbers)}").returning(Card.id)
            )
        ).scalar_one()
    await session.execute(
        insert(Issuance).values(
            card_id=card_id,
            kind=kind,
            unit_id=unit_id,
            issuer_id=issuer_id,
            issued_on=issued_on,
            valid_until=valid_until or issued_on.replace(year=issued_on.year + 1),
            birth_year=birth_year,
            postal_code="02100",
            children=children,
            gender=gender,
            life_situation=life_situation,
            wellbeing=wellbeing,
            mobile_card=mobile_card,
            form_id=f"form-{next(_numbers)}",
            voided_at=datetime(2026, 11, 29, tzinfo=UTC) if voided else None,
        )
    )
    return int(card_id)


def _at(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=10)


async def seed(
    database: Database, coordinator_telegram_id: int = 7001, coordinator_language: str | None = None
) -> Seeded:
    """Espoo's network, its people, its cards, its audit log and its outbox."""
    built = await build_network(database)
    units = built.units
    async with database.write() as session:
        red_cross = await session.get(Organisation, built.organisations["red_cross"])
        espoo = await session.get(Locality, built.localities["espoo"])
        assert red_cross is not None
        assert espoo is not None
        library = await network.add_unit(session, organisation=red_cross, name="Library desk")
        closed = await network.add_unit(session, organisation=red_cross, name="Closed desk")
        closed.active = False
        sports = await network.add_organisation(session, locality=espoo, name="Sports club")
        gym = await network.add_unit(session, organisation=sports, name="Gym")
        units.update({"library": library.id, "closed": closed.id, "gym": gym.id})
        built.organisations["sports"] = sports.id

        issuer = await people.add(session, telegram_id=7002, display_name="Iris")
        people.grant(session, issuer, Role.ISSUER, unit_id=units["family"])
        coordinator = await people.add(
            session,
            telegram_id=coordinator_telegram_id,
            display_name="Kaisa",
            language=coordinator_language,
        )
        people.grant(session, coordinator, Role.COORDINATOR, locality_id=built.localities["espoo"])
        # Contact-person changes in November: Social services gets one (1), Red Cross's
        # leaves (1); an issuer role given meanwhile is no contact change.
        contact = await people.add(session, telegram_id=7003, display_name="Kalle")
        people.grant(session, contact, Role.CONTACT, organisation_id=built.organisations["social"])
        leaving = await people.add(session, telegram_id=7004, display_name="Leena")
        people.grant(
            session, leaving, Role.CONTACT, organisation_id=built.organisations["red_cross"]
        )
        await session.flush()
        await session.execute(update(AuditEvent).values(at=_at(date(2026, 10, 1))))
        await people.withdraw_roles(session, leaving, actor=None)
        people.grant(session, leaving, Role.ISSUER, unit_id=units["helpline"])
        newcomer = await people.add(session, telegram_id=7005, display_name="Noora")
        people.grant(session, newcomer, Role.CONTACT, organisation_id=built.organisations["social"])
        vantaa_contact = await people.add(session, telegram_id=7006, display_name="Ville")
        people.grant(
            session, vantaa_contact, Role.CONTACT, organisation_id=built.organisations["airport"]
        )
        await session.flush()
        await session.execute(
            update(AuditEvent)
            .where(AuditEvent.at > _at(date(2026, 10, 1)))
            .values(at=_at(date(2026, 11, 15)))
        )
        issuer_id, coordinator_id = issuer.id, coordinator.id
        newcomer_id, vantaa_contact_id = newcomer.id, vantaa_contact.id

        for unit, kind, day, *background in NOVEMBER_ISSUANCES:
            birth_year, children, gender, life, wellbeing, mobile = background
            await issue(
                session,
                units[unit],
                issuer_id,
                kind,
                date(2026, 11, day),
                birth_year=birth_year,
                children=children,
                gender=gender,
                life_situation=life,
                wellbeing=wellbeing,
                mobile_card=mobile,
            )
        for unit, kind, day in OCTOBER_ISSUANCES:
            await issue(session, units[unit], issuer_id, kind, date(2026, 10, day))
        # Never counted: voided, another locality's, and just outside both periods.
        await issue(session, units["family"], issuer_id, "new", date(2026, 11, 11), voided=True)
        await issue(session, units["gate"], issuer_id, "new", date(2026, 11, 11))
        await issue(session, units["family"], issuer_id, "new", date(2026, 10, 1))
        await issue(session, units["family"], issuer_id, "new", date(2026, 12, 1))

        # Expiring within 30 days of 1 December (by 31 December): six cards.
        last_year = date(2025, 12, 15)
        for _ in range(6):
            await issue(
                session,
                units["helpline"],
                issuer_id,
                "new",
                last_year,
                valid_until=date(2026, 12, 14),
            )
        # Not expiring: renewed since, replaced (deactivated), voided, already expired, later.
        renewed = await issue(
            session, units["helpline"], issuer_id, "new", last_year, valid_until=date(2026, 12, 14)
        )
        await issue(session, units["helpline"], issuer_id, "renewal", TODAY, card_id=renewed)
        replaced = await issue(
            session, units["helpline"], issuer_id, "new", last_year, valid_until=date(2026, 12, 14)
        )
        await session.execute(
            update(Card).where(Card.id == replaced).values(deactivated_at=_at(date(2026, 11, 3)))
        )
        await issue(
            session,
            units["helpline"],
            issuer_id,
            "new",
            last_year,
            valid_until=date(2026, 12, 14),
            voided=True,
        )
        await issue(
            session, units["family"], issuer_id, "new", last_year, valid_until=date(2026, 11, 30)
        )
        await issue(
            session, units["family"], issuer_id, "new", last_year, valid_until=date(2027, 1, 1)
        )
        await session.commit()

    async with database.write() as session:
        # Undelivered notices of November to Espoo's people: two. Not counted: delivered,
        # a menu update, October's, and Vantaa's.
        notices = [
            (7002, "message", OutboxStatus.FAILED, date(2026, 11, 10)),
            (coordinator_telegram_id, "message", OutboxStatus.BLOCKED, date(2026, 11, 12)),
            (7002, "message", OutboxStatus.SENT, date(2026, 11, 12)),
            (7002, outbox.COMMANDS, OutboxStatus.FAILED, date(2026, 11, 12)),
            (7002, "message", OutboxStatus.FAILED, date(2026, 10, 12)),
            (7006, "message", OutboxStatus.FAILED, date(2026, 11, 12)),
        ]
        for chat_id, kind, status, day in notices:
            session.add(
                OutboxMessage(
                    chat_id=chat_id, kind=kind, text="notice", status=status, created_at=_at(day)
                )
            )
        await session.commit()
    async with database.write() as session:
        # Guideline questions of Espoo's people in November (Helsinki time): asked 5, 👎 2,
        # answered with low confidence 2.
        counted_questions = [
            (issuer_id, datetime(2026, 11, 3, 10, tzinfo=UTC), True, "up"),
            (issuer_id, datetime(2026, 11, 10, 10, tzinfo=UTC), False, None),  # low
            (issuer_id, datetime(2026, 11, 20, 10, tzinfo=UTC), True, "down"),  # 👎
            (coordinator_id, datetime(2026, 11, 25, 10, tzinfo=UTC), False, "down"),  # both
            (newcomer_id, datetime(2026, 11, 30, 21, 30, tzinfo=UTC), True, None),  # 23.30
        ]
        # Not counted: 1 December 00.30 and 31 October 23.30 in Helsinki, Vantaa's contact
        # person's, and one whose person was deleted.
        others = [
            (issuer_id, datetime(2026, 11, 30, 22, 30, tzinfo=UTC), False, "down"),
            (issuer_id, datetime(2026, 10, 31, 21, 30, tzinfo=UTC), False, "down"),
            (vantaa_contact_id, datetime(2026, 11, 15, 10, tzinfo=UTC), False, "down"),
            (None, datetime(2026, 11, 15, 10, tzinfo=UTC), False, "down"),
        ]
        for person_id, asked_at, sure, vote in [*counted_questions, *others]:
            session.add(
                GuidelineQuestion(
                    person_id=person_id,
                    asked_at=asked_at,
                    language="fi",
                    topic="card.validity",
                    score=0.5 if sure else 0.1,
                    sure=sure,
                    question=None,
                    vote=vote,
                )
            )
        await session.commit()
    return Seeded(built, issuer_id, coordinator_id, coordinator_telegram_id)
