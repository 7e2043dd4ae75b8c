"""The summary in words: anonymity applied, Babel's formats, split between lines."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.i18n import translator
from bot.summaries.render import render, split
from storage import summaries
from storage.db import Database
from storage.summaries import Figures
from tests.summaries.fixture import NOVEMBER, TODAY, seed


async def november(database: Database) -> Figures:
    seeded = await seed(database)
    async with database.read() as session:
        return await summaries.compute(
            session,
            seeded.network.localities["espoo"],
            NOVEMBER,
            today=TODAY,
            zone=ZoneInfo("Europe/Helsinki"),
        )


async def test_the_summary_shows_counts_shares_and_changes_that_may_be_shown(
    sqlite_database: Database,
) -> None:
    lines = render(await november(sqlite_database), translator("en")).splitlines()

    assert lines[:2] == [
        "Kaikukortti summary: Espoo",
        "Nov 1\u2009–\u200930, 2026, compared with Oct 2\u2009–\u200931, 2026",
    ]
    for expected in (
        "Cards issued: 16 (+6, +60% on the previous period)",
        "• New card: 10 (+4, +67% on the previous period)",
        "Red Cross: 6",
        "• Helpline: 6",
        "• Library desk: 0",
        "• 16–29: 6 (38%)",
        "• Woman: 8 (50%)",
        "• Man: 5 (31%)",
        "• Rehabilitation or sick leave: 0",
        "• No: 8 (50%)",
        "Holders with minor children: 5 (31%); 9 children in all",
        "Cards expiring in the next 30 days: 6",
        "• Sports club: Gym",
        "Contact-person changes: 2",
        # Staff's questions, not card holders: shown as counted, 1–4 included.
        "Guideline questions asked: 5",
        "• marked 👎: 2",
        "• answered with low confidence: 2",
        "Notices that could not be delivered: 2",
    ):
        assert expected in lines


async def test_small_counts_are_hidden_and_so_is_the_next_smallest_of_their_sum(
    sqlite_database: Database,
) -> None:
    lines = render(await november(sqlite_database), translator("en")).splitlines()

    # Kinds: replacement 1 is small; renewal 5 is the next smallest, else 1 = 16 - 10 - 5.
    assert "• Replacement of a lost card: < 5" in lines
    assert "• Renewal: ≥ 5" in lines
    # Units: Youth station 3 is small; Family centre 7 goes too, else 3 = 10 - 7.
    assert "• Youth station: < 5" in lines
    assert "• Family centre: ≥ 5" in lines
    assert "Social services: 10" in lines
    # Mobile card: 3 not answered; 5 yes goes too (no share for it), the 8 stays.
    assert "• Yes: ≥ 5" in lines
    assert "• not answered: < 5" in lines
    # No share or change of a hidden count; the previous period's renewals (2) are hidden,
    # so no change is shown for them either.
    assert not [line for line in lines if ("< 5" in line or "≥ 5" in line) and "(" in line]
    assert lines[-1].startswith("< 5 and ≥ 5 stand for numbers hidden")


async def test_finnish_and_swedish_write_their_own_numbers_and_dates(
    sqlite_database: Database,
) -> None:
    figures = await november(sqlite_database)

    finnish = render(figures, translator("fi"))
    swedish = render(figures, translator("sv"))

    assert "1.–30.11.2026" in finnish or "1.–30. marraskuuta 2026" in finnish
    assert "+60\u00a0%" in finnish
    assert "+60\u00a0%" in swedish
    assert "nov" in swedish


def test_a_long_summary_is_split_between_lines_under_the_limit() -> None:
    lines = [f"• Unit number {index}: {index * 7}" for index in range(600)]
    text = "\n".join(lines)

    messages = split(text)

    assert len(messages) > 1
    assert all(len(message) <= 4096 for message in messages)
    assert [line for message in messages for line in message.split("\n")] == lines


def test_a_split_message_never_starts_or_ends_with_blank_lines() -> None:
    text = "\n".join(["a" * 2000, "", "b" * 2000, "", "c" * 2000])

    assert split(text) == ["a" * 2000 + "\n\n" + "b" * 2000, "c" * 2000]


def test_a_line_longer_than_a_message_is_cut_where_it_must_be() -> None:
    messages = split("start\n" + "x" * 5000 + "\nend", limit=4096)

    assert messages == ["start", "x" * 4096, "x" * 904 + "\nend"]
