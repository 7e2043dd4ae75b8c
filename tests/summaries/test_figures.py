"""The summary's figures, counted by the database, against the hand-counted fixture."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from storage import summaries
from storage.db import Database
from storage.models import IssuanceKind
from storage.summaries import AgeGroup, Figures, GuidelineFigures, Period
from tests.summaries.fixture import NOVEMBER, TODAY, issue, seed

HELSINKI = ZoneInfo("Europe/Helsinki")


async def november(database: Database) -> Figures:
    seeded = await seed(database)
    async with database.read() as session:
        return await summaries.compute(
            session, seeded.network.localities["espoo"], NOVEMBER, today=TODAY, zone=HELSINKI
        )


async def test_issuances_of_the_period_and_the_previous_one_are_counted_by_kind(
    database: Database,
) -> None:
    figures = await november(database)

    assert figures.kinds == {
        IssuanceKind.NEW: 10,
        IssuanceKind.RENEWAL: 5,
        IssuanceKind.REPLACEMENT: 1,
    }
    assert figures.previous.start.isoformat() == "2026-10-02"
    assert figures.previous_kinds == {
        IssuanceKind.NEW: 6,
        IssuanceKind.RENEWAL: 2,
        IssuanceKind.REPLACEMENT: 2,
    }


async def test_each_organisation_and_unit_has_its_count(database: Database) -> None:
    figures = await november(database)

    found = {
        organisation.name: (organisation.issued, {u.name: u.issued for u in organisation.units})
        for organisation in figures.organisations
    }
    assert found == {
        "Red Cross": (6, {"Helpline": 6, "Library desk": 0}),  # the closed desk is left out
        "Social services": (10, {"Family centre": 7, "Youth station": 3}),
        "Sports club": (0, {"Gym": 0}),
    }


async def test_the_breakdowns_count_every_answer(database: Database) -> None:
    figures = await november(database)

    assert figures.ages == {
        AgeGroup.FROM_16: 6,
        AgeGroup.FROM_30: 3,
        AgeGroup.FROM_45: 4,
        AgeGroup.FROM_65: 3,
    }
    assert figures.genders == {"woman": 8, "man": 5, "other": 1, "undisclosed": 1, None: 1}
    assert figures.life_situations == {
        "unemployed": 4,
        "pensioner": 3,
        "student": 4,
        "rehabilitation_or_sick_leave": 0,
        "low_income_employed": 1,
        "family_carer": 1,
        "other": 1,
        "undisclosed": 1,
        None: 1,
    }
    assert figures.wellbeing == {1: 1, 2: 2, 3: 4, 4: 4, 5: 1, None: 4}
    assert figures.mobile == {True: 5, False: 8, None: 3}
    assert (figures.with_children, figures.children) == (5, 9)


async def test_the_network_figures_need_the_coordinators_attention(database: Database) -> None:
    figures = await november(database)

    assert figures.expiring == 6
    assert figures.idle_units == [("Red Cross", "Library desk"), ("Sports club", "Gym")]
    assert figures.without_contact == ["Red Cross", "Sports club"]
    assert figures.contact_changes == {"Red Cross": 1, "Social services": 1}
    assert figures.undelivered == 2
    # Staff's questions, by Helsinki's days, of the locality's people only.
    assert figures.guideline == GuidelineFigures(asked=5, thumbs_down=2, low_confidence=2)


async def test_ages_are_turned_in_each_issuances_own_year_across_new_year(
    database: Database,
) -> None:
    seeded = await seed(database)
    units = seeded.network.units
    # (issued on, birth year) → the age turned that year
    cases = [
        (date(2025, 12, 31), 2009),  # 16 in 2025: 16–29
        (date(2025, 12, 31), 1996),  # 29 in 2025: 16–29
        (date(2026, 1, 1), 1996),  # 30 in 2026: 30–44
        (date(2025, 12, 30), 1961),  # 64 in 2025: 45–64
        (date(2026, 1, 2), 1961),  # 65 in 2026: 65+
        (date(2026, 1, 4), 1981),  # 45 in 2026: 45–64
    ]
    async with database.write() as session:
        for issued_on, birth_year in cases:
            await issue(
                session, units["youth"], seeded.issuer_id, "new", issued_on, birth_year=birth_year
            )
        await session.commit()

    async with database.read() as session:
        figures = await summaries.compute(
            session,
            seeded.network.localities["espoo"],
            Period(date(2025, 12, 29), date(2026, 1, 4)),
            today=TODAY,
            zone=HELSINKI,
        )

    assert figures.ages == {
        AgeGroup.FROM_16: 2,
        AgeGroup.FROM_30: 1,
        AgeGroup.FROM_45: 2,
        AgeGroup.FROM_65: 1,
    }
    assert figures.issued == 6
