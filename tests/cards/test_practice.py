"""/practice: the whole issuing form under a banner; nothing but its draft is ever written."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.context import KaikuApplication
from storage.models import Base
from tests.issuing.conftest import issue_new_card
from tests.support.simulator import SimulatedUser

BANNER = "🎓 PRACTICE — nothing is stored"


async def snapshot(app: KaikuApplication) -> dict[str, list[tuple[Any, ...]]]:
    """Every table but the drafts."""
    async with app.services.database.read() as session:
        return {
            table.name: [tuple(row) for row in await session.execute(select(table))]
            for table in Base.metadata.sorted_tables
            if table.name != "draft"
        }


async def practise(user: SimulatedUser, number: str) -> list[str]:
    """Fill the practice form; return every question the bot asked."""
    asked = []

    async def note() -> None:
        asked.append(user.last_reply().text.rsplit("\n\n→ ", 1)[-1])

    await user.send("/practice")
    await note()
    await user.click("All four apply")
    await note()
    await user.click("New card")
    await note()
    for typed in (number, "1985", "02150"):
        await user.send(typed)
        await note()
    for label in ("2", "Woman", "Student", "4", "Yes"):
        await user.click(label)
        await note()
    return asked


async def test_practice_leaves_no_trace_but_its_draft(
    ilona: SimulatedUser, app: KaikuApplication
) -> None:
    await issue_new_card(ilona, "KK123456")
    before = await snapshot(app)
    # A number in real use is no obstacle: practice never looks at real cards.
    asked = await practise(ilona, "KK123456")
    assert all(BANNER in question for question in asked), asked
    assert "Please check the answers:" in asked[-1]
    await ilona.click("Confirm")
    done = ilona.last_reply().text
    assert done.startswith(BANNER)
    assert "no card was recorded" in done
    assert await snapshot(app) == before


async def test_a_coordinator_practises_on_a_pretend_unit(
    olli: SimulatedUser, app: KaikuApplication
) -> None:
    await olli.send("/practice")  # a first message records Telegram's language
    await olli.click("Cancel")
    before = await snapshot(app)
    asked = await practise(olli, "KK000001")
    assert "Unit: Practice unit" in asked[-1]
    await olli.click("Confirm")
    assert "no card was recorded" in olli.last_reply().text
    assert await snapshot(app) == before


async def test_a_contact_person_may_practise_and_cancel(
    cecilia: SimulatedUser, app: KaikuApplication
) -> None:
    await cecilia.send("/practice")
    assert cecilia.last_reply().text.startswith(BANNER)
    before = await snapshot(app)  # with the language a first message records
    await cecilia.click("All four apply")
    await cecilia.click("Cancel")
    assert cecilia.last_reply().text.endswith("Cancelled. Nothing was stored.")
    assert await snapshot(app) == before


async def test_practice_renews_and_replaces_without_looking_at_real_cards(
    ilona: SimulatedUser, app: KaikuApplication
) -> None:
    await issue_new_card(ilona, "KK123456")  # valid: a real renewal would be refused
    before = await snapshot(app)
    await ilona.send("/practice")
    await ilona.click("All four apply")
    await ilona.click("Renewal")
    assert "Mobile card only (X)" not in ilona.buttons()  # a renewal has a number to renew
    await ilona.send("KK123456")
    assert BANNER in ilona.last_reply().text
    assert "year of birth" in ilona.last_reply().text
    await ilona.click("Cancel")

    await ilona.send("/practice")
    await ilona.click("All four apply")
    await ilona.click("Replacement of a lost card")
    await ilona.send("KK123456")
    await ilona.send("KK654321")
    assert "year of birth" in ilona.last_reply().text
    await ilona.click("Cancel")
    assert await snapshot(app) == before
