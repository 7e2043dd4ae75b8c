"""The tables: the Kaikukortti network, the people in it, their roles, drafts and the audit log."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.sql import text
from sqlalchemy.types import TypeDecorator

from storage.names import name_key

# Stable constraint names, so that migrations can refer to them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current moment in UTC (the only zone the database holds)."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A moment stored in UTC and read back as an aware datetime on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous: pass an aware one")
        utc = value.astimezone(UTC)
        # SQLite drops offsets silently, so it gets the naive UTC moment.
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base with the naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON,
        list[str]: JSON,
    }


class Role(enum.StrEnum):
    """What a person does in the Kaikukortti network."""

    ISSUER = "issuer"
    CONTACT = "contact"
    COORDINATOR = "coordinator"


class Locality(Base):
    """A municipality or wellbeing services county that runs Kaikukortti."""

    __tablename__ = "locality"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # Normalised example card numbers; a number is accepted when it has the shape of one.
    card_number_examples: Mapped[list[str]] = mapped_column(default=list)
    validity_months: Mapped[int] = mapped_column(Integer, default=12)
    pilot_end_date: Mapped[date | None] = mapped_column(Date)
    # Postal codes of the network municipalities: "00100" or a range "00100-00990".
    postal_codes: Mapped[list[str]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisations: Mapped[list[Organisation]] = relationship(back_populates="locality")

    __table_args__ = (CheckConstraint("validity_months BETWEEN 1 AND 60", name="validity"),)


def _name_key_of_row(context: DefaultExecutionContext) -> str:
    """A new row's name key, from the name it is inserted with (storage.names): for inserts
    that give only the name (bulk ones, as bench/ makes); storage.network sets it itself."""
    parameters = context.get_current_parameters()  # type: ignore[no-untyped-call]
    return name_key(str(parameters["name"]))


class Organisation(Base):
    """An organisation in the network whose units issue cards."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    locality_id: Mapped[int] = mapped_column(ForeignKey("locality.id"))
    name: Mapped[str] = mapped_column(String(200))
    # The name case-folded (storage.names): unique within the locality, whatever the case.
    name_key: Mapped[str] = mapped_column(String(200), default=_name_key_of_row)
    kind: Mapped[str] = mapped_column(String(100), default="")
    # The commitment to the national guideline, the precondition for issuing: its date, and
    # who recorded it (a person's name, or storage.network.RECORDED_AT_UPGRADE).
    committed_on: Mapped[date | None] = mapped_column(Date)
    commitment_recorded_by: Mapped[str | None] = mapped_column(String(200))
    guideline_url: Mapped[str | None] = mapped_column(String(500))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    locality: Mapped[Locality] = relationship(back_populates="organisations")
    units: Mapped[list[Unit]] = relationship(back_populates="organisation")

    __table_args__ = (UniqueConstraint("locality_id", "name_key"),)


class Unit(Base):
    """A unit of an organisation; issuers belong to units."""

    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    name: Mapped[str] = mapped_column(String(200))
    # The name case-folded (storage.names): unique within the organisation, whatever the case.
    name_key: Mapped[str] = mapped_column(String(200), default=_name_key_of_row)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="units")

    __table_args__ = (UniqueConstraint("organisation_id", "name_key"),)


class Person(Base):
    """Someone who uses the bot: staff, a contact person or a coordinator (never a client)."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    # None until the person picks one; then it wins over Telegram's language_code.
    language: Mapped[str | None] = mapped_column(String(8))
    # Telegram's language_code as last seen, for messages the bot sends on its own initiative.
    telegram_language: Mapped[str | None] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when Telegram says the person blocked the bot; cleared when they write again.
    blocked_bot_at: Mapped[datetime | None]

    roles: Mapped[list[RoleAssignment]] = relationship(
        back_populates="person", cascade="all, delete-orphan", lazy="selectin"
    )


class RoleAssignment(Base):
    """One role of one person, scoped to a unit, an organisation or a locality."""

    __tablename__ = "role_assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
    )
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    locality_id: Mapped[int | None] = mapped_column(ForeignKey("locality.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship(back_populates="roles")

    __table_args__ = (
        # Each role has exactly the scope it needs: issuer → unit, contact → organisation,
        # coordinator → locality.
        CheckConstraint(
            "(role = 'issuer' AND unit_id IS NOT NULL AND organisation_id IS NULL"
            " AND locality_id IS NULL)"
            " OR (role = 'contact' AND organisation_id IS NOT NULL AND unit_id IS NULL"
            " AND locality_id IS NULL)"
            " OR (role = 'coordinator' AND locality_id IS NOT NULL AND unit_id IS NULL"
            " AND organisation_id IS NULL)",
            name="scope",
        ),
        UniqueConstraint(
            "person_id",
            "role",
            "unit_id",
            "organisation_id",
            "locality_id",
            name="uq_role_assignment_scope",
        ),
    )


class Draft(Base):
    """The stored state of one unfinished conversation: its step and the answers so far.

    The one source of truth for a conversation: each step updates it before the bot replies,
    and a restarted bot restores the conversation's state from it.
    """

    __tablename__ = "draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation: Mapped[str] = mapped_column(String(50))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    user_id: Mapped[int] = mapped_column(BigInteger)
    step: Mapped[str] = mapped_column(String(50))
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (UniqueConstraint("conversation", "chat_id", "user_id"),)


class AuditEvent(Base):
    """A change a person made: who, when, what, and the fields before and after."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    # None for changes made from the command line by whoever runs the server.
    actor_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    action: Mapped[str] = mapped_column(String(50))
    entity: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[int | None] = mapped_column(BigInteger)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    __table_args__ = (
        Index("ix_audit_event_entity", "entity", "entity_id"),
        # The summaries look for role changes of a period among every card's event.
        Index("ix_audit_event_action", "action", "at"),
    )


class Invitation(Base):
    """A one-time invitation into a role; only a hash of its code is kept."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
    )
    # Every invitation belongs to a locality; issuer and contact invitations also name
    # their unit or organisation.
    locality_id: Mapped[int] = mapped_column(ForeignKey("locality.id"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    revoked_at: Mapped[datetime | None]
    # A handover: redeeming it also ends this contact person's role in the organisation.
    handover_from_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    # A handover offered to one of the organisation's issuers (accepted with /takeover).
    offered_to_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))

    __table_args__ = (Index("ix_invitation_locality", "locality_id", "created_at"),)


class JoinLink(Base):
    """A link many people of one unit use to join it as issuers; only a hash of its code is
    kept. Each use takes one of its `cap` places."""

    __tablename__ = "join_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    cap: Mapped[int] = mapped_column(Integer)
    uses: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[datetime]
    # Admitted at the first tap, or each use waits for a contact person or a coordinator.
    admit_at_once: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    __table_args__ = (CheckConstraint("uses <= cap", name="uses_within_cap"),)


class JoinRequest(Base):
    """Someone who used a join link and waits for (or got) a decision. They have no Person
    row until they are admitted, so their Telegram id and name are kept here."""

    __tablename__ = "join_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    join_link_id: Mapped[int] = mapped_column(ForeignKey("join_link.id"))
    telegram_id: Mapped[int] = mapped_column(BigInteger)
    display_name: Mapped[str] = mapped_column(String(200))
    telegram_language: Mapped[str | None] = mapped_column(String(16))
    # pending, approved or declined: the first decision wins (an UPDATE … WHERE pending).
    state: Mapped[str] = mapped_column(String(16), default="pending")
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("join_link_id", "telegram_id"),
        Index("ix_join_request_state", "state"),
    )


class ContactDetails(Base):
    """A person's own work details (staff, never clients), and which of them colleagues see."""

    __tablename__ = "contact_details"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    title: Mapped[str | None] = mapped_column(String(200))
    # E.164 ("+358401234567"), as phonenumbers normalises it.
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    # The details colleagues may see: "title", "phone", "email".
    shared: Mapped[list[str]] = mapped_column(default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class FailedRedemption(Base):
    """A wrong invitation code someone sent; too many in an hour lock them out for a while."""

    __tablename__ = "failed_redemption"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_failed_redemption_telegram_id", "telegram_id", "at"),)


class OutboxStatus(enum.StrEnum):
    """Where a message the bot sends on its own initiative stands."""

    PENDING = "pending"
    SENT = "sent"
    BLOCKED = "blocked"  # the person blocked the bot: never retried
    FAILED = "failed"  # gave up after too many attempts


class OutboxMessage(Base):
    """A message the bot sends on its own initiative, stored until Telegram accepts it."""

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    # "message" sends `text`; "commands" refreshes the person's command menu.
    kind: Mapped[str] = mapped_column(String(20), default="message")
    text: Mapped[str] = mapped_column(Text, default="")
    # Inline buttons under the text, as rows of [label, callback data] (none for most).
    buttons: Mapped[list[Any] | None] = mapped_column(JSON)
    status: Mapped[OutboxStatus] = mapped_column(
        Enum(
            OutboxStatus,
            native_enum=False,
            length=10,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=OutboxStatus.PENDING,
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (Index("ix_outbox_message_due", "status", "next_attempt_at"),)


class Setting(Base):
    """A value the deployment learns at run time, such as the bot's username."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(String(500))


class IssuanceKind(enum.StrEnum):
    """Why a card was handed out."""

    NEW = "new"
    RENEWAL = "renewal"
    REPLACEMENT = "replacement"


class Card(Base):
    """A physical card, known by the number printed on it ("X": a mobile-only card)."""

    __tablename__ = "card"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when the card is replaced after being lost: its number stays taken for good.
    deactivated_at: Mapped[datetime | None]
    # Set when the card's only issuances were voided as mistakes: the card never existed, and
    # its number is free again (the row stays, for its voided issuances and the audit log).
    voided_at: Mapped[datetime | None]

    issuances: Mapped[list[Issuance]] = relationship(
        back_populates="card", order_by="Issuance.id", foreign_keys="Issuance.card_id"
    )

    __table_args__ = (
        # A number belongs to one card for good, even after it was lost and replaced: the
        # printed card is still out there. Only a mistaken issuance, once voided, gives its
        # number back, by voiding its card row. "X" cards are exempt (there is no number).
        Index(
            "uq_card_number",
            "number",
            unique=True,
            sqlite_where=text("number != 'X' AND voided_at IS NULL"),
            postgresql_where=text("number != 'X' AND voided_at IS NULL"),
        ),
    )


class Issuance(Base):
    """One handing-out of a card, with the anonymous background data of the form.

    Never a client's name, identity code, birth date, address, phone or e-mail.
    """

    __tablename__ = "issuance"

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("card.id"))
    kind: Mapped[IssuanceKind] = mapped_column(
        Enum(
            IssuanceKind,
            native_enum=False,
            length=12,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    # A renewal or replacement of a number the bot had never seen (issued before the bot).
    previously_unknown: Mapped[bool] = mapped_column(default=False)
    replaces_card_id: Mapped[int | None] = mapped_column(ForeignKey("card.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    issuer_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    issued_on: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    birth_year: Mapped[int] = mapped_column(Integer)
    postal_code: Mapped[str] = mapped_column(String(5))
    children: Mapped[int] = mapped_column(Integer)
    gender: Mapped[str | None] = mapped_column(String(20))
    life_situation: Mapped[str | None] = mapped_column(String(40))
    wellbeing: Mapped[int | None] = mapped_column(Integer)
    mobile_card: Mapped[bool | None]
    # The form's own id: a second "Confirm" of the same form cannot store it twice.
    form_id: Mapped[str] = mapped_column(String(36), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    voided_at: Mapped[datetime | None]

    card: Mapped[Card] = relationship(back_populates="issuances", foreign_keys=[card_id])

    __table_args__ = (
        Index("ix_issuance_unit", "unit_id", "issued_on"),
        Index("ix_issuance_card", "card_id"),
        # The summaries count a period's issuances from this index alone, never reading the
        # table (storage.summaries): every column they look at is in it. On SQLite it took a
        # year's summary of 1,000,000 issuances from ~2 s to ~0.2 s (bench/summary.py).
        Index(
            "ix_issuance_summary",
            "unit_id",
            "issued_on",
            "kind",
            "birth_year",
            "gender",
            "life_situation",
            "wellbeing",
            "mobile_card",
            "children",
            "voided_at",
        ),
        # Cards about to expire.
        Index("ix_issuance_valid_until", "valid_until"),
        CheckConstraint("children BETWEEN 0 AND 30", name="children"),
        CheckConstraint("wellbeing IS NULL OR wellbeing BETWEEN 1 AND 5", name="wellbeing"),
    )


class GuidelineQuestion(Base):
    """One question put to the guideline answers: always counted, its text kept only when useful.

    The text is kept when the answer scored below the "sure" threshold or the person pressed 👎,
    so that coordinators can improve the entries; any other question is a count, not a text.
    """

    __tablename__ = "guideline_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    asked_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Who asked, so that only they can rate the answer (a staff member, never a client).
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    # The question's language, and the topic key of the best entry (None: nothing matched).
    language: Mapped[str] = mapped_column(String(8))
    topic: Mapped[str | None] = mapped_column(String(100))
    score: Mapped[float] = mapped_column(Float)
    sure: Mapped[bool]
    question: Mapped[str | None] = mapped_column(Text)
    # "up" or "down" once the person rated the answer.
    vote: Mapped[str | None] = mapped_column(String(4))

    __table_args__ = (
        CheckConstraint("vote IS NULL OR vote IN ('up', 'down')", name="vote"),
        Index("ix_guideline_question_asked_at", "asked_at"),
    )


class SummaryFrequency(enum.StrEnum):
    """How often a coordinator receives the locality's summary on their own."""

    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


class SummarySchedule(Base):
    """When a coordinator receives the summary on their own, and which period went last."""

    __tablename__ = "summary_schedule"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), unique=True)
    frequency: Mapped[SummaryFrequency] = mapped_column(
        Enum(
            SummaryFrequency,
            native_enum=False,
            length=10,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    # Weekly: 0 = Monday … 6 = Sunday, as datetime.weekday() counts (not as PTB's run_daily).
    weekday: Mapped[int | None] = mapped_column(Integer)
    # Monthly: 1–28, a day every month has.
    day_of_month: Mapped[int | None] = mapped_column(Integer)
    # The hour of the day, in the bot's time zone.
    hour: Mapped[int] = mapped_column(Integer)
    # Slots before this moment are not owed: a new or changed schedule starts with its next one.
    starts_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The period the last summary covered; a slot whose period is this one was sent already.
    last_period_start: Mapped[date | None] = mapped_column(Date)
    last_period_end: Mapped[date | None] = mapped_column(Date)

    __table_args__ = (
        CheckConstraint("hour BETWEEN 0 AND 23", name="hour"),
        CheckConstraint(
            "(frequency = 'daily' AND weekday IS NULL AND day_of_month IS NULL)"
            " OR (frequency = 'weekly' AND weekday BETWEEN 0 AND 6 AND day_of_month IS NULL)"
            " OR (frequency = 'monthly' AND day_of_month BETWEEN 1 AND 28 AND weekday IS NULL)",
            name="slot",
        ),
    )
