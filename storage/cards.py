"""Cards and their issuances: looking a number up, and recording a confirmed form."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date, datetime

from sqlalchemy import and_, bindparam, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Card, Issuance, IssuanceKind, utcnow

MOBILE_ONLY = "X"


class CardError(Exception):
    """A confirmed form cannot be stored as it is; the subclass says why."""


class CardNumberTaken(CardError):
    """Another card already has this number."""


class CardExpired(CardError):
    """The number belongs to an expired card: it should be renewed, not issued as new."""


class CardOfAnotherUnit(CardError):
    """The card was issued by a unit the issuer does not belong to."""


class CardDeactivated(CardError):
    """The card was replaced after being lost: its number is never issued or renewed again."""

    def __init__(self, number: str) -> None:
        super().__init__(number)
        self.number = number


class FormAlreadyStored(CardError):
    """This very form was confirmed before (a double tap on Confirm)."""


@dataclass(frozen=True, slots=True)
class Found:
    """A card looked up by number, with its latest issuance."""

    card: Card
    last: Issuance | None

    @property
    def deactivated(self) -> bool:
        """Whether the card was replaced after being lost."""
        return self.card.deactivated_at is not None

    def expired(self, today: date) -> bool:
        """Whether the card's validity has run out."""
        return self.last is None or self.last.valid_until < today

    def issued_by(self, unit_ids: set[int]) -> bool:
        """Whether one of these units issued the card."""
        return self.last is not None and self.last.unit_id in unit_ids


@dataclass(frozen=True, slots=True)
class Background:
    """The anonymous background data of a form."""

    birth_year: int
    postal_code: str
    children: int
    gender: str | None = None
    life_situation: str | None = None
    wellbeing: int | None = None
    mobile_card: bool | None = None


BACKGROUND_FIELDS = tuple(field.name for field in fields(Background))


def background_of(issuance: Issuance) -> Background:
    """The background answers of an earlier issuance (renewals and replacements reuse them)."""
    return Background(**{name: getattr(issuance, name) for name in BACKGROUND_FIELDS})


# The card with a number and its latest issuance in one query: a number belongs to one card
# for good (the unique index), deactivated or not, unless its card was voided as a mistake;
# "X" is never looked up.
_CARD_BY_NUMBER = (
    select(Card, Issuance)
    .outerjoin(Issuance, and_(Issuance.card_id == Card.id, Issuance.voided_at.is_(None)))
    .where(Card.number == bindparam("number"), Card.voided_at.is_(None))
    .order_by(Issuance.id.desc())
    .limit(1)
)
_FORM_STORED = select(Issuance.id).where(Issuance.form_id == bindparam("form_id"))


async def lookup(session: AsyncSession, number: str) -> Found | None:
    """The card with this number, in use, expired or deactivated, if any."""
    if number == MOBILE_ONLY:
        return None  # mobile-only cards have no number to look up
    row = (await session.execute(_CARD_BY_NUMBER, {"number": number})).first()
    return Found(row[0], row[1]) if row else None


async def find(session: AsyncSession, number: str) -> Found | None:
    """The card in use (or expired, but not deactivated) with this number, if any."""
    found = await lookup(session, number)
    return None if found is None or found.deactivated else found


async def stored_by_form(session: AsyncSession, form_id: str) -> tuple[str, date] | None:
    """The card number and valid-until date a confirmed form stored, if it was stored."""
    row = (
        await session.execute(
            select(Card.number, Issuance.valid_until)
            .join(Issuance, Issuance.card_id == Card.id)
            .where(Issuance.form_id == form_id)
        )
    ).first()
    return (row[0], row[1]) if row else None


async def is_deactivated(session: AsyncSession, number: str) -> bool:
    """Whether the number belongs to a card replaced after being lost."""
    found = await lookup(session, number)
    return found is not None and found.deactivated


async def check_new_number(session: AsyncSession, number: str, today: date) -> None:
    """Raise when a number cannot be issued as a new card: every number is issued once."""
    found = await lookup(session, number)
    if found is None:
        return
    if found.deactivated:
        raise CardDeactivated(number)
    if found.expired(today):
        raise CardExpired
    raise CardNumberTaken


@dataclass(frozen=True, slots=True)
class Recorded:
    """A stored issuance: its id and its card's."""

    id: int
    card_id: int


# On the tables: the ORM's bulk machinery has nothing to add to one row.
_CARD_TABLE = Card.metadata.tables[Card.__tablename__]
_ISSUANCE_TABLE = Issuance.metadata.tables[Issuance.__tablename__]
_INSERT_CARD = insert(_CARD_TABLE).returning(_CARD_TABLE.c.id)
_INSERT_ISSUANCE = insert(_ISSUANCE_TABLE).returning(_ISSUANCE_TABLE.c.id)


async def record(
    session: AsyncSession,
    *,
    kind: IssuanceKind,
    number: str,
    old_number: str | None,
    unit_id: int,
    unit_ids: set[int],
    issuer_id: int,
    issued_on: date,
    valid_until: date,
    background: Background,
    form_id: str,
) -> Recorded:
    """Store a confirmed form as an issuance, in the caller's transaction, or raise CardError.

    Two issuers confirming one number at the same moment are told apart by the unique index:
    the second gets CardNumberTaken after its failed statement, so call this in a savepoint.
    """
    try:
        card, replaces_id, previously_unknown = await _card_for(
            session, kind, number, old_number, unit_ids, issued_on
        )
    except CardError:
        # A form stored before is always refused: by these lookups (its card is in use under
        # its number) or by the issuance's unique form_id below. So whether it was stored is
        # asked only then, not on every Confirm. Nothing was written yet: the session is usable.
        if await session.scalar(_FORM_STORED, {"form_id": form_id}):
            raise FormAlreadyStored from None
        raise
    if session.dirty:
        await session.flush()  # the lost card's end, so that a refusal below finds it written
    card_id = card.id if card is not None else await _new_card(session, number)
    values = {
        "card_id": card_id,
        "kind": kind,
        "previously_unknown": previously_unknown,
        "replaces_card_id": replaces_id,
        "unit_id": unit_id,
        "issuer_id": issuer_id,
        "issued_on": issued_on,
        "valid_until": valid_until,
        "form_id": form_id,
        **asdict(background),
    }
    try:
        issuance_id = (await session.execute(_INSERT_ISSUANCE, values)).scalar_one()
    except IntegrityError as error:
        # Two issuers confirming one number at the same moment: the unique index decides.
        raise FormAlreadyStored if "form_id" in str(error.orig) else CardNumberTaken from None
    return Recorded(issuance_id, card_id)


async def _card_for(
    session: AsyncSession,
    kind: IssuanceKind,
    number: str,
    old_number: str | None,
    unit_ids: set[int],
    issued_on: date,
) -> tuple[Card | None, int | None, bool]:
    """Check the numbers: the card to issue (None: a new one), the id of the card replaced, and
    whether the card was unknown before. Raises CardError; writes nothing but the lost card's
    end (a lost card the bot never saw is stored as ended, so that its number stays taken)."""
    if kind is IssuanceKind.NEW:
        await check_new_number(session, number, issued_on)
        return None, None, False
    if kind is IssuanceKind.RENEWAL:
        found = await lookup(session, number)
        if found is None:
            return None, None, True
        if found.deactivated:
            raise CardDeactivated(number)
        if not found.issued_by(unit_ids):
            raise CardOfAnotherUnit
        return found.card, None, False
    old = await lookup(session, old_number or "")
    if old is not None and old.deactivated:
        raise CardDeactivated(old.card.number)
    if old is not None and not old.issued_by(unit_ids):
        raise CardOfAnotherUnit
    await check_new_number(session, number, issued_on)
    if old is not None:
        old.card.deactivated_at = utcnow()
        return None, old.card.id, False
    if not old_number or old_number == MOBILE_ONLY:
        return None, None, True
    return None, await _new_card(session, old_number, deactivated_at=utcnow()), True


async def _new_card(
    session: AsyncSession, number: str, *, deactivated_at: datetime | None = None
) -> int:
    values = {"number": number, "deactivated_at": deactivated_at}
    try:
        return int((await session.execute(_INSERT_CARD, values)).scalar_one())
    except IntegrityError:
        raise CardNumberTaken from None
