"""Join links: one link with a cap and an expiry through which a unit's staff join it as
issuers, admitted at once or each after one approver's tap."""

from __future__ import annotations

import enum
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import audit, contact_details, people
from storage.invitations import (
    CODE_BYTES,
    RedemptionRefused,
    hash_code,
    locked_out_until,
)
from storage.models import (
    FailedRedemption,
    JoinLink,
    JoinRequest,
    Organisation,
    Person,
    Role,
    Unit,
    utcnow,
)

# Join codes start with "J-", so they are never taken for (or counted as) an invitation code.
PREFIX = "J-"
_CODE_SHAPE = re.compile(r"J-[A-Za-z0-9_\-]{22}")
MAX_CAP = 200
MAX_DAYS = 30
PENDING, APPROVED, DECLINED = "pending", "approved", "declined"


class JoinRefused(enum.StrEnum):
    """Why a join code let no one in, beyond an invitation's reasons."""

    FULL = "full"
    WAITING = "waiting"
    DECLINED = "declined"


class JoinError(Exception):
    """A join code was refused; `reason` says why."""

    def __init__(self, reason: RedemptionRefused | JoinRefused) -> None:
        super().__init__(reason.value)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Joined:
    """What using a join link did: admitted `person`, or made a pending `request`."""

    link: JoinLink
    unit: Unit
    organisation: Organisation
    person: Person | None = None
    request: JoinRequest | None = None


@dataclass(frozen=True, slots=True)
class Decided:
    """A request's decision: whether this tap made it, and by whom it was made."""

    request: JoinRequest
    decided_now: bool
    decider: Person | None
    person: Person | None = None


def looks_like_code(text: str) -> bool:
    """Whether the text has the shape of a join code ("J-" and 22 URL-safe characters)."""
    return _CODE_SHAPE.fullmatch(text.strip()) is not None


async def create(
    session: AsyncSession,
    *,
    unit_id: int,
    cap: int,
    days: int,
    admit_at_once: bool,
    created_by: Person,
) -> tuple[JoinLink, str]:
    """Create a join link; returns it and its code, which is shown once and never stored."""
    code = PREFIX + secrets.token_urlsafe(CODE_BYTES)
    link = JoinLink(
        code_hash=hash_code(code),
        unit_id=unit_id,
        cap=cap,
        uses=0,
        expires_at=utcnow() + timedelta(days=days),
        admit_at_once=admit_at_once,
        created_by_id=created_by.id,
    )
    session.add(link)
    await session.flush()
    audit.record(
        session,
        actor=created_by,
        action="create",
        entity="join_link",
        entity_id=link.id,
        after={
            "unit_id": unit_id,
            "cap": cap,
            "expires_at": link.expires_at.isoformat(),
            "admit_at_once": admit_at_once,
        },
    )
    return link, code


async def units_for(session: AsyncSession, person: Person) -> list[tuple[Unit, Organisation]]:
    """The active units a person may make join links for: their coordinated localities' and
    their own organisations' (as contact person), by organisation and unit name."""
    localities = {a.locality_id for a in person.roles if a.role is Role.COORDINATOR}
    organisations = people.organisation_ids(person)
    rows = await session.execute(
        select(Unit, Organisation)
        .join(Organisation, Unit.organisation_id == Organisation.id)
        .where(
            Unit.active,
            Organisation.active,
            Organisation.locality_id.in_(localities) | Organisation.id.in_(organisations),
        )
        .order_by(Organisation.name, Unit.name)
    )
    return [(unit, organisation) for unit, organisation in rows]


async def approvers(session: AsyncSession, organisation: Organisation) -> list[Person]:
    """Who decides on a request: the organisation's contact persons and the locality's
    coordinators (each once)."""
    found = await contact_details.contact_persons(session, organisation.id)
    found += await contact_details.coordinators(session, organisation.locality_id)
    unique = {person.id: person for person in found if person.active}
    return list(unique.values())


def may_decide(person: Person, organisation: Organisation) -> bool:
    """Whether the person is the organisation's contact person or the locality's coordinator
    (who make its join links and decide on their requests)."""
    return in_scope(person, organisation.id, organisation.locality_id)


def in_scope(person: Person, organisation_id: int, locality_id: int) -> bool:
    """Whether the person is contact person of the organisation or coordinator of the
    locality."""
    return any(
        (a.role is Role.CONTACT and a.organisation_id == organisation_id)
        or (a.role is Role.COORDINATOR and a.locality_id == locality_id)
        for a in person.roles
    )


async def use(
    session: AsyncSession,
    code: str,
    *,
    telegram_id: int,
    display_name: str,
    telegram_language: str | None = None,
) -> Joined:
    """Use a join link: admit the sender or make their pending request, or raise JoinError
    (a wrong code counts towards the same lockout as a wrong invitation code)."""
    if await locked_out_until(session, telegram_id) is not None:
        raise JoinError(RedemptionRefused.LOCKED_OUT)
    link = await session.scalar(
        select(JoinLink).where(JoinLink.code_hash == hash_code(code)).with_for_update()
    )
    if link is None or not looks_like_code(code):
        session.add(FailedRedemption(telegram_id=telegram_id))
        raise JoinError(RedemptionRefused.UNKNOWN)
    if link.revoked_at is not None:
        raise JoinError(RedemptionRefused.REVOKED)
    if link.expires_at <= utcnow():
        raise JoinError(RedemptionRefused.EXPIRED)
    unit = await session.get_one(Unit, link.unit_id)
    organisation = await session.get_one(Organisation, unit.organisation_id)
    person = await people.by_telegram_id(session, telegram_id)
    if person is not None and person.active and people.holds(person, Role.ISSUER, unit_id=unit.id):
        raise JoinError(RedemptionRefused.ALREADY_HELD)
    earlier = await session.scalar(
        select(JoinRequest).where(
            JoinRequest.join_link_id == link.id, JoinRequest.telegram_id == telegram_id
        )
    )
    if earlier is not None and earlier.state == PENDING:
        raise JoinError(JoinRefused.WAITING)
    if earlier is not None and earlier.state == DECLINED:
        raise JoinError(JoinRefused.DECLINED)
    # One place per person, taken atomically: two people using the last place at once
    # cannot both get it.
    taken = await session.execute(
        update(JoinLink)
        .where(JoinLink.id == link.id, JoinLink.uses < JoinLink.cap)
        .values(uses=JoinLink.uses + 1)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        raise JoinError(JoinRefused.FULL)
    await session.refresh(link)
    if link.admit_at_once:
        admitted = await _admit(
            session,
            telegram_id=telegram_id,
            display_name=display_name,
            telegram_language=telegram_language,
            unit_id=unit.id,
            actor=None,
        )
        audit.record(
            session,
            actor=admitted,
            action="join",
            entity="join_link",
            entity_id=link.id,
            after={"person_id": admitted.id},
        )
        return Joined(link=link, unit=unit, organisation=organisation, person=admitted)
    request = earlier or JoinRequest(join_link_id=link.id, telegram_id=telegram_id)
    request.display_name = display_name[:200]
    request.telegram_language = telegram_language[:16] if telegram_language else None
    request.state = PENDING
    session.add(request)
    await session.flush()
    audit.record(
        session,
        actor=person,
        action="request",
        entity="join_request",
        entity_id=request.id,
        after={"join_link_id": link.id},
    )
    return Joined(link=link, unit=unit, organisation=organisation, request=request)


async def _admit(
    session: AsyncSession,
    *,
    telegram_id: int,
    display_name: str,
    telegram_language: str | None,
    unit_id: int,
    actor: Person | None,
) -> Person:
    """Make the person an issuer of the unit (added, or given back their access, as an
    invitation would)."""
    person = await people.by_telegram_id(session, telegram_id)
    if person is None:
        person = await people.add(
            session, telegram_id=telegram_id, display_name=display_name, actor=actor
        )
    people.note_message(person, telegram_language)
    if not person.active:
        # As with an invitation: access given back brings only this role, not the old ones.
        await people.withdraw_roles(session, person, actor=actor or person)
        people.set_active(session, person, active=True, actor=actor or person)
    if not people.holds(person, Role.ISSUER, unit_id=unit_id):
        people.grant(session, person, Role.ISSUER, unit_id=unit_id, actor=actor or person)
    return person


async def request_with_scope(
    session: AsyncSession, request_id: int
) -> tuple[JoinRequest, Unit, Organisation] | None:
    """A join request with the unit and organisation its link is for."""
    request = await session.get(JoinRequest, request_id)
    if request is None:
        return None
    link = await session.get_one(JoinLink, request.join_link_id)
    unit = await session.get_one(Unit, link.unit_id)
    organisation = await session.get_one(Organisation, unit.organisation_id)
    return request, unit, organisation


async def decide(
    session: AsyncSession, request: JoinRequest, unit: Unit, *, approve: bool, decider: Person
) -> Decided:
    """Approve or decline a pending request; the first tap decides (an UPDATE that only a
    pending request matches), a later one learns who decided."""
    decided = await session.execute(
        update(JoinRequest)
        .where(JoinRequest.id == request.id, JoinRequest.state == PENDING)
        .values(
            state=APPROVED if approve else DECLINED,
            decided_by_id=decider.id,
            decided_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    await session.refresh(request)
    if decided.rowcount != 1:  # type: ignore[attr-defined]
        earlier = await people.by_id(session, request.decided_by_id or 0)
        return Decided(request=request, decided_now=False, decider=earlier)
    admitted = None
    if approve:
        admitted = await _admit(
            session,
            telegram_id=request.telegram_id,
            display_name=request.display_name,
            telegram_language=request.telegram_language,
            unit_id=unit.id,
            actor=decider,
        )
        request.person_id = admitted.id
    audit.record(
        session,
        actor=decider,
        action="approve" if approve else "decline",
        entity="join_request",
        entity_id=request.id,
        before={"state": PENDING},
        after={"state": request.state},
    )
    return Decided(request=request, decided_now=True, decider=decider, person=admitted)


async def forget(session: AsyncSession, telegram_id: int) -> None:
    """Remove a forgotten person's join requests (their name and Telegram id are in them)."""
    await session.execute(delete(JoinRequest).where(JoinRequest.telegram_id == telegram_id))


async def open_of_locality(
    session: AsyncSession, locality_id: int
) -> list[tuple[JoinLink, Unit, Organisation]]:
    """A locality's join links that still let people in (not stopped, expired or full),
    newest first, each with its unit and organisation."""
    rows = await session.execute(
        select(JoinLink, Unit, Organisation)
        .join(Unit, JoinLink.unit_id == Unit.id)
        .join(Organisation, Unit.organisation_id == Organisation.id)
        .where(
            Organisation.locality_id == locality_id,
            JoinLink.revoked_at.is_(None),
            JoinLink.expires_at > utcnow(),
            JoinLink.uses < JoinLink.cap,
        )
        .order_by(JoinLink.id.desc())
    )
    return [(link, unit, organisation) for link, unit, organisation in rows]


async def stop(
    session: AsyncSession, link_id: int, *, locality_id: int, actor: Person | None
) -> JoinLink | None:
    """Stop one of the locality's open join links (requests already made stay to be decided);
    None if there is no such open link."""
    found = {link.id: link for link, _, _ in await open_of_locality(session, locality_id)}
    link = found.get(link_id)
    if link is None:
        return None
    link.revoked_at = utcnow()
    audit.record(
        session,
        actor=actor,
        action="revoke",
        entity="join_link",
        entity_id=link.id,
        before={"revoked_at": None},
        after={"revoked_at": link.revoked_at.isoformat()},
    )
    return link
