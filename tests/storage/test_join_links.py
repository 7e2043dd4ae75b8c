"""Join links: cap, expiry, admission, the first decision wins, lockouts; on both backends."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select

from storage import forgetting, invitations, join_links, people
from storage.db import Database
from storage.invitations import RedemptionRefused
from storage.join_links import JoinError, JoinRefused
from storage.models import AuditEvent, JoinLink, JoinRequest, Role, utcnow
from tests.support.network import Network, add_person, build_network


@pytest.fixture
async def espoo(database: Database) -> Network:
    return await build_network(database)


async def new_link(
    database: Database, espoo: Network, *, cap: int = 3, at_once: bool = False
) -> str:
    maker = await add_person(database, 1, "Kalle", (Role.CONTACT, espoo.organisations["social"]))
    async with database.write() as session:
        person = await people.by_id(session, maker)
        assert person is not None
        _link, code = await join_links.create(
            session,
            unit_id=espoo.units["family"],
            cap=cap,
            days=7,
            admit_at_once=at_once,
            created_by=person,
        )
        await session.commit()
    return code


async def use(database: Database, code: str, telegram_id: int) -> join_links.Joined:
    async with database.write() as session:
        try:
            joined = await join_links.use(
                session, code, telegram_id=telegram_id, display_name=f"P{telegram_id}"
            )
        finally:
            # As the handler does: a wrong code is counted even though it is refused.
            await session.commit()
    return joined


async def refusal(database: Database, code: str, telegram_id: int) -> object:
    with pytest.raises(JoinError) as refused:
        await use(database, code, telegram_id)
    return refused.value.reason


async def test_a_join_code_is_not_an_invitation_code_and_is_stored_only_hashed(
    database: Database, espoo: Network
) -> None:
    code = await new_link(database, espoo)
    assert join_links.looks_like_code(code)
    assert not invitations.looks_like_code(code)
    async with database.read() as session:
        (link,) = await session.scalars(select(JoinLink))
    assert code not in link.code_hash


async def test_a_link_made_to_admit_at_once_makes_issuers_until_the_cap(
    database: Database, espoo: Network
) -> None:
    code = await new_link(database, espoo, cap=2, at_once=True)
    first = await use(database, code, 101)
    await use(database, code, 102)

    assert await refusal(database, code, 103) is JoinRefused.FULL
    assert await refusal(database, code, 101) is RedemptionRefused.ALREADY_HELD
    assert first.person is not None
    async with database.read() as session:
        joined = await people.by_telegram_id(session, 101)
        assert await people.by_telegram_id(session, 103) is None
    assert joined is not None
    assert people.holds(joined, Role.ISSUER, unit_id=espoo.units["family"])


async def test_concurrent_uses_never_pass_the_cap(database: Database, espoo: Network) -> None:
    code = await new_link(database, espoo, cap=3, at_once=False)

    outcomes = await asyncio.gather(
        *(use(database, code, 200 + n) for n in range(6)), return_exceptions=True
    )

    assert sum(isinstance(o, join_links.Joined) for o in outcomes) == 3
    assert all(
        isinstance(o, JoinError) and o.reason is JoinRefused.FULL
        for o in outcomes
        if not isinstance(o, join_links.Joined)
    )
    async with database.read() as session:
        (link,) = await session.scalars(select(JoinLink))
    assert link.uses == 3


async def test_an_expired_link_is_refused_and_a_wrong_code_counts_towards_the_lockout(
    database: Database, espoo: Network
) -> None:
    code = await new_link(database, espoo)
    async with database.write() as session:
        (link,) = await session.scalars(select(JoinLink))
        link.expires_at = utcnow() - timedelta(seconds=1)
        await session.commit()
    assert await refusal(database, code, 300) is RedemptionRefused.EXPIRED

    for _ in range(invitations.MAX_FAILURES):
        assert await refusal(database, "J-" + "x" * 22, 301) is RedemptionRefused.UNKNOWN
    assert await refusal(database, code, 301) is RedemptionRefused.LOCKED_OUT


async def test_the_first_decision_wins_and_the_second_learns_who_made_it(
    database: Database, espoo: Network
) -> None:
    code = await new_link(database, espoo)
    joined = await use(database, code, 400)
    assert joined.request is not None
    coordinator = await add_person(
        database, 2, "Kaisa", (Role.COORDINATOR, espoo.localities["espoo"])
    )
    assert await refusal(database, code, 400) is JoinRefused.WAITING

    async with database.write() as session:
        found = await join_links.request_with_scope(session, joined.request.id)
        assert found is not None
        request, unit, organisation = found
        kalle = await people.by_telegram_id(session, 1)
        kaisa = await people.by_id(session, coordinator)
        assert kalle is not None
        assert kaisa is not None
        assert join_links.may_decide(kalle, organisation)
        assert join_links.may_decide(kaisa, organisation)
        assert {p.id for p in await join_links.approvers(session, organisation)} == {
            kalle.id,
            kaisa.id,
        }
        first = await join_links.decide(session, request, unit, approve=False, decider=kalle)
        second = await join_links.decide(session, request, unit, approve=True, decider=kaisa)
        await session.commit()

    assert first.decided_now
    assert not second.decided_now
    assert second.decider is not None
    assert second.decider.display_name == "Kalle"
    assert await refusal(database, code, 400) is JoinRefused.DECLINED
    async with database.read() as session:
        stored = await session.get(JoinRequest, joined.request.id)
        assert await people.by_telegram_id(session, 400) is None
        actions = list(await session.scalars(select(AuditEvent.action)))
    assert stored is not None
    assert stored.state == "declined"
    assert actions.count("decline") == 1
    assert "approve" not in actions


async def test_a_forgotten_persons_join_requests_go_with_their_name(
    database: Database, espoo: Network
) -> None:
    code = await new_link(database, espoo)
    someone = await add_person(database, 500, "Sanna", (Role.ISSUER, espoo.units["helpline"]))
    await use(database, code, 500)

    async with database.write() as session:
        person = await people.by_id(session, someone)
        assert person is not None
        await forgetting.forget(session, person)
        await session.commit()

    async with database.read() as session:
        left = list(await session.scalars(select(JoinRequest)))
        names = [str(event.after) for event in await session.scalars(select(AuditEvent))]
    assert left == []
    assert not any("P500" in name for name in names)


async def test_a_stopped_link_lets_no_one_in_and_only_its_localitys_coordinator_stops_it(
    database: Database, espoo: Network
) -> None:
    code = await new_link(database, espoo)
    async with database.write() as session:
        ((link, unit, _organisation),) = await join_links.open_of_locality(
            session, espoo.localities["espoo"]
        )
        assert unit.id == espoo.units["family"]
        assert await join_links.open_of_locality(session, espoo.localities["vantaa"]) == []
        assert (
            await join_links.stop(
                session, link.id, locality_id=espoo.localities["vantaa"], actor=None
            )
            is None
        )
        stopped = await join_links.stop(
            session, link.id, locality_id=espoo.localities["espoo"], actor=None
        )
        await session.commit()

    assert stopped is not None
    assert await refusal(database, code, 600) is RedemptionRefused.REVOKED
    async with database.read() as session:
        assert await join_links.open_of_locality(session, espoo.localities["espoo"]) == []
