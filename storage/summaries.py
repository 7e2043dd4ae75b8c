"""The figures of a locality's summary, counted by the database in a read-only session.

Every function reads; none writes. The caller opens the session with `database.read()`, so a
summary never holds the writer, however long the locality's history.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.guideline import DOWN
from storage.models import (
    AuditEvent,
    Card,
    GuidelineQuestion,
    Issuance,
    IssuanceKind,
    Locality,
    Organisation,
    OutboxMessage,
    OutboxStatus,
    Person,
    Role,
    RoleAssignment,
    Unit,
)
from storage.outbox import MESSAGE

EXPIRING_DAYS = 30
IDLE_DAYS = 60


@dataclass(frozen=True, slots=True)
class Period:
    """A run of whole days, both ends included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("a period ends on or after its start")

    @property
    def days(self) -> int:
        """How many days the period has."""
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same number of days just before this one."""
        end = self.start - timedelta(days=1)
        return Period(end - timedelta(days=self.days - 1), end)


class AgeGroup(StrEnum):
    """Age groups by the age the holder turns in the year of issue."""

    FROM_16 = "16-29"  # a client turning 16 in the year of issue is here too
    FROM_30 = "30-44"
    FROM_45 = "45-64"
    FROM_65 = "65+"


# The answers of the form's voluntary questions, as stored (bot.rules.background owns their
# meaning; None: not answered).
GENDERS = ("woman", "man", "other", "undisclosed")
LIFE_SITUATIONS = (
    "unemployed",
    "pensioner",
    "student",
    "rehabilitation_or_sick_leave",
    "low_income_employed",
    "family_carer",
    "other",
    "undisclosed",
)
WELLBEING_SCORES = (1, 2, 3, 4, 5)


def counted(issuance: Any = Issuance) -> ColumnElement[bool]:
    """The issuances a summary counts (of the entity or an alias of it): never voided ones.

    Practice (/practice) never stores an issuance, so it has nothing to leave out here. This
    is the one place that decides which issuances count, for every figure of the summary. A
    column this condition reads belongs in ix_issuance_summary too, or counting a period
    reads the table.
    """
    condition: ColumnElement[bool] = issuance.voided_at.is_(None)
    return condition


@dataclass(frozen=True, slots=True)
class UnitCount:
    """A unit of the locality and the cards it issued in the period."""

    id: int
    name: str
    issued: int


@dataclass(frozen=True, slots=True)
class OrganisationCount:
    """An organisation of the locality, the cards its units issued, unit by unit."""

    id: int
    name: str
    issued: int
    units: list[UnitCount]


@dataclass(frozen=True, slots=True)
class GuidelineFigures:
    """Guideline questions asked, thumbs down and answered with low confidence."""

    asked: int
    thumbs_down: int
    low_confidence: int


@dataclass
class Figures:
    """Everything a summary shows, before anonymity rules and wording."""

    locality: str
    period: Period
    today: date
    kinds: dict[IssuanceKind, int]
    previous_kinds: dict[IssuanceKind, int]
    organisations: list[OrganisationCount]
    ages: dict[AgeGroup, int]
    genders: dict[str | None, int]
    life_situations: dict[str | None, int]
    wellbeing: dict[int | None, int]
    mobile: dict[bool | None, int]
    with_children: int
    children: int
    expiring: int
    idle_units: list[tuple[str, str]]
    without_contact: list[str]
    contact_changes: dict[str, int]
    undelivered: int
    # None when not counted (a summary made without them).
    guideline: GuidelineFigures | None = None
    previous: Period = field(init=False)

    def __post_init__(self) -> None:
        self.previous = self.period.previous()

    @property
    def issued(self) -> int:
        """Every counted issuance of the period."""
        return sum(self.kinds.values())

    @property
    def previously_issued(self) -> int:
        """Every counted issuance of the previous period."""
        return sum(self.previous_kinds.values())


async def compute(
    session: AsyncSession, locality_id: int, period: Period, *, today: date, zone: ZoneInfo
) -> Figures:
    """All the figures of a locality's summary for a period ("today" for what is coming)."""
    locality = await session.scalar(select(Locality.name).where(Locality.id == locality_id))
    if locality is None:
        raise LookupError(f"no locality {locality_id}")
    units = await _units(session, locality_id)
    current = await _issuance_totals(session, locality_id, period)
    previous_kinds = await _kinds(session, locality_id, period.previous())
    organisations = _organisation_counts(units, current.by_unit)
    return Figures(
        locality=locality,
        period=period,
        today=today,
        kinds=current.kinds,
        previous_kinds=previous_kinds,
        organisations=organisations,
        ages=current.ages,
        genders=current.genders,
        life_situations=current.life_situations,
        wellbeing=current.wellbeing,
        mobile=current.mobile,
        with_children=current.with_children,
        children=current.children,
        expiring=await _expiring(session, locality_id, today),
        idle_units=await _idle_units(session, locality_id, today),
        without_contact=await _without_contact(session, locality_id),
        contact_changes=await _contact_changes(session, locality_id, period, zone),
        undelivered=await _undelivered(session, locality_id, period, zone),
        guideline=await guideline_figures(session, locality_id, period, zone),
    )


async def guideline_figures(
    session: AsyncSession, locality_id: int, period: Period, zone: ZoneInfo
) -> GuidelineFigures:
    """The period's guideline questions of the locality's people: asked, 👎, and answered with
    low confidence (the answer was not sure).

    These count staff's questions, not card holders, and none is a breakdown of the cards: they
    are shown as counted (a rare 👎 is what a coordinator most needs to see).
    """
    statement = select(
        func.count(),
        _count_where(GuidelineQuestion.vote == DOWN, "thumbs_down"),
        _count_where(GuidelineQuestion.sure.is_(False), "low_confidence"),
    ).where(
        GuidelineQuestion.person_id.in_(_locality_people(locality_id)),
        GuidelineQuestion.asked_at >= _start_of(period.start, zone),
        GuidelineQuestion.asked_at < _start_of(period.end + timedelta(days=1), zone),
    )
    asked, thumbs_down, low_confidence = (await session.execute(statement)).one()
    return GuidelineFigures(int(asked or 0), int(thumbs_down or 0), int(low_confidence or 0))


@dataclass(frozen=True, slots=True)
class _UnitRow:
    id: int
    name: str
    organisation_id: int
    organisation: str
    active: bool  # the unit and its organisation


async def _units(session: AsyncSession, locality_id: int) -> list[_UnitRow]:
    rows = await session.execute(
        select(
            Unit.id,
            Unit.name,
            Organisation.id,
            Organisation.name,
            and_(Unit.active, Organisation.active),
        )
        .join(Organisation, Unit.organisation_id == Organisation.id)
        .where(Organisation.locality_id == locality_id)
        .order_by(Organisation.name, Unit.name)
    )
    return [_UnitRow(*row) for row in rows]


def _organisation_counts(units: list[_UnitRow], by_unit: dict[int, int]) -> list[OrganisationCount]:
    """Organisations with their units; inactive ones only when they issued cards."""
    grouped: dict[int, tuple[str, list[UnitCount]]] = {}
    for unit in units:
        issued = by_unit.get(unit.id, 0)
        if unit.active or issued:
            _, listed = grouped.setdefault(unit.organisation_id, (unit.organisation, []))
            listed.append(UnitCount(unit.id, unit.name, issued))
    return [
        OrganisationCount(organisation_id, name, sum(u.issued for u in listed), listed)
        for organisation_id, (name, listed) in grouped.items()
    ]


@dataclass
class _Totals:
    kinds: dict[IssuanceKind, int] = field(default_factory=lambda: dict.fromkeys(IssuanceKind, 0))
    by_unit: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    ages: dict[AgeGroup, int] = field(default_factory=lambda: dict.fromkeys(AgeGroup, 0))
    genders: dict[str | None, int] = field(
        default_factory=lambda: dict.fromkeys([*GENDERS, None], 0)
    )
    life_situations: dict[str | None, int] = field(
        default_factory=lambda: dict.fromkeys([*LIFE_SITUATIONS, None], 0)
    )
    wellbeing: dict[int | None, int] = field(
        default_factory=lambda: dict.fromkeys([*WELLBEING_SCORES, None], 0)
    )
    mobile: dict[bool | None, int] = field(
        default_factory=lambda: dict.fromkeys([True, False, None], 0)
    )
    with_children: int = 0
    children: int = 0


def _count_where(condition: ColumnElement[bool], label: str) -> Any:
    return func.sum(case((condition, 1), else_=0)).label(label)


def _answer_counts(
    column: Any, values: tuple[Any, ...], prefix: str
) -> list[tuple[Any, ColumnElement[Any]]]:
    """One summed column per answer, and one for "not answered"."""
    counts = [
        (value, _count_where(column == value, f"{prefix}_{i}")) for i, value in enumerate(values)
    ]
    counts.append((None, _count_where(column.is_(None), f"{prefix}_none")))
    return counts


async def _issuance_totals(session: AsyncSession, locality_id: int, period: Period) -> _Totals:
    """The period's issuances, every breakdown counted in one pass over them (per year).

    One row per unit and kind; each breakdown is a sum of conditions, so the database reads
    each issuance once (from ix_issuance_summary alone), however many figures come of it.
    A period across New Year is counted a year at a time: within a year, the age a holder
    turns is a comparison of the birth year with constants.
    """
    totals = _Totals()
    for part in _by_year(period):
        year = part.start.year
        ages = [
            (AgeGroup.FROM_65, _count_where(Issuance.birth_year <= year - 65, "age_65")),
            (
                AgeGroup.FROM_45,
                _count_where(Issuance.birth_year.between(year - 64, year - 45), "age_45"),
            ),
            (
                AgeGroup.FROM_30,
                _count_where(Issuance.birth_year.between(year - 44, year - 30), "age_30"),
            ),
            (AgeGroup.FROM_16, _count_where(Issuance.birth_year > year - 30, "age_16")),
        ]
        genders = _answer_counts(Issuance.gender, GENDERS, "gender")
        situations = _answer_counts(Issuance.life_situation, LIFE_SITUATIONS, "life")
        wellbeing = _answer_counts(Issuance.wellbeing, WELLBEING_SCORES, "wellbeing")
        mobile = [
            (True, _count_where(Issuance.mobile_card.is_(True), "mobile_yes")),
            (False, _count_where(Issuance.mobile_card.is_(False), "mobile_no")),
            (None, _count_where(Issuance.mobile_card.is_(None), "mobile_none")),
        ]
        breakdowns = [ages, genders, situations, wellbeing, mobile]
        statement = (
            select(
                Issuance.unit_id,
                Issuance.kind,
                func.count().label("issued"),
                *(column for breakdown in breakdowns for _, column in breakdown),
                _count_where(Issuance.children > 0, "with_children"),
                func.sum(Issuance.children).label("children"),
            )
            .where(_issued_in(locality_id, part))
            .group_by(Issuance.unit_id, Issuance.kind)
        )
        for row in (await session.execute(statement)).mappings():
            issued = int(row["issued"])
            totals.kinds[IssuanceKind(row["kind"])] += issued
            totals.by_unit[int(row["unit_id"])] += issued
            _add(totals.ages, ages, row)
            _add(totals.genders, genders, row)
            _add(totals.life_situations, situations, row)
            _add(totals.wellbeing, wellbeing, row)
            _add(totals.mobile, mobile, row)
            totals.with_children += int(row["with_children"] or 0)
            totals.children += int(row["children"] or 0)
    return totals


async def _kinds(
    session: AsyncSession, locality_id: int, period: Period
) -> dict[IssuanceKind, int]:
    """The period's issuances by kind (for the previous period: only its change is shown)."""
    kinds = dict.fromkeys(IssuanceKind, 0)
    rows = await session.execute(
        select(Issuance.kind, func.count())
        .where(_issued_in(locality_id, period))
        .group_by(Issuance.kind)
    )
    for kind, count in rows:
        kinds[IssuanceKind(kind)] += int(count)
    return kinds


def _issued_in(locality_id: int, period: Period) -> ColumnElement[bool]:
    """Counted issuances of the locality's units within the period."""
    return and_(
        Issuance.unit_id.in_(_locality_units(locality_id)),
        Issuance.issued_on.between(period.start, period.end),
        counted(),
    )


def _by_year(period: Period) -> list[Period]:
    """The period cut at every New Year."""
    parts = []
    start = period.start
    while start.year < period.end.year:
        parts.append(Period(start, date(start.year, 12, 31)))
        start = date(start.year + 1, 1, 1)
    parts.append(Period(start, period.end))
    return parts


def _add(target: dict[Any, int], counts: list[tuple[Any, Any]], row: Any) -> None:
    for value, column in counts:
        target[value] += int(row[column.name] or 0)


def _locality_units(locality_id: int) -> Any:
    return (
        select(Unit.id)
        .join(Organisation, Unit.organisation_id == Organisation.id)
        .where(Organisation.locality_id == locality_id)
        .scalar_subquery()
    )


async def _expiring(session: AsyncSession, locality_id: int, today: date) -> int:
    """Cards whose validity ends within the next 30 days and that were not renewed or replaced."""
    later = aliased(Issuance)
    renewed = exists().where(
        later.card_id == Issuance.card_id, later.id > Issuance.id, counted(later)
    )
    # Asked as "not among the few deactivated cards" rather than joined with every card in use:
    # PostgreSQL then skips hashing the whole card table (~200 ms to ~80 ms, bench/summary.py).
    deactivated = exists().where(Card.id == Issuance.card_id, Card.deactivated_at.is_not(None))
    statement = select(func.count()).where(
        Issuance.valid_until.between(today, today + timedelta(days=EXPIRING_DAYS)),
        Issuance.unit_id.in_(_locality_units(locality_id)),
        counted(),
        ~deactivated,
        ~renewed,
    )
    return int(await session.scalar(statement) or 0)


async def _idle_units(
    session: AsyncSession, locality_id: int, today: date
) -> list[tuple[str, str]]:
    """Active units that issued no card in the last 60 days, as (organisation, unit)."""
    recent = exists().where(
        Issuance.unit_id == Unit.id,
        Issuance.issued_on > today - timedelta(days=IDLE_DAYS),
        Issuance.issued_on <= today,
        counted(),
    )
    rows = await session.execute(
        select(Organisation.name, Unit.name)
        .join(Organisation, Unit.organisation_id == Organisation.id)
        .where(
            Organisation.locality_id == locality_id,
            Organisation.active,
            Unit.active,
            ~recent,
        )
        .order_by(Organisation.name, Unit.name)
    )
    return [(organisation, unit) for organisation, unit in rows]


async def _without_contact(session: AsyncSession, locality_id: int) -> list[str]:
    """Active organisations with no active contact person, by name."""
    has_contact = exists().where(
        RoleAssignment.organisation_id == Organisation.id,
        RoleAssignment.role == Role.CONTACT,
        RoleAssignment.person_id == Person.id,
        Person.active,
    )
    return list(
        await session.scalars(
            select(Organisation.name)
            .where(Organisation.locality_id == locality_id, Organisation.active, ~has_contact)
            .order_by(Organisation.name)
        )
    )


# The audit log's actions that give or take roles (storage.people).
GRANT = "grant"
WITHDRAW = "withdraw_roles"


async def _contact_changes(
    session: AsyncSession, locality_id: int, period: Period, zone: ZoneInfo
) -> dict[str, int]:
    """Contact-person roles given or taken in the period, per organisation name."""
    rows = await session.execute(
        select(AuditEvent.action, AuditEvent.before, AuditEvent.after).where(
            AuditEvent.action.in_((GRANT, WITHDRAW)),
            AuditEvent.at >= _start_of(period.start, zone),
            AuditEvent.at < _start_of(period.end + timedelta(days=1), zone),
        )
    )
    changed: dict[int, int] = defaultdict(int)
    for action, before, after in rows:
        # The roles are JSON in the log, alike on both backends only once read.
        roles = [after] if action == GRANT else list((before or {}).get("roles", []))
        for role in roles:
            if role and role.get("role") == Role.CONTACT.value and role.get("organisation_id"):
                changed[int(role["organisation_id"])] += 1
    if not changed:
        return {}
    names = await session.execute(
        select(Organisation.id, Organisation.name).where(
            Organisation.id.in_(changed), Organisation.locality_id == locality_id
        )
    )
    return {
        name: changed[organisation_id]
        for organisation_id, name in sorted(names, key=lambda row: row[1])
    }


def _locality_people(locality_id: int) -> Any:
    """Everyone with a role in the locality now: its coordinators, its organisations' contact
    persons and its units' issuers."""
    in_locality = or_(
        RoleAssignment.locality_id == locality_id,
        RoleAssignment.organisation_id.in_(
            select(Organisation.id).where(Organisation.locality_id == locality_id)
        ),
        RoleAssignment.unit_id.in_(_locality_units(locality_id)),
    )
    return select(RoleAssignment.person_id).where(in_locality)


async def _undelivered(
    session: AsyncSession, locality_id: int, period: Period, zone: ZoneInfo
) -> int:
    """Notices of the period to the locality's people that Telegram never took."""
    people = select(Person.telegram_id).where(Person.id.in_(_locality_people(locality_id)))
    statement = select(func.count()).where(
        OutboxMessage.kind == MESSAGE,
        OutboxMessage.status.in_((OutboxStatus.BLOCKED, OutboxStatus.FAILED)),
        and_(
            OutboxMessage.created_at >= _start_of(period.start, zone),
            OutboxMessage.created_at < _start_of(period.end + timedelta(days=1), zone),
        ),
        OutboxMessage.chat_id.in_(people),
    )
    return int(await session.scalar(statement) or 0)


def _start_of(day: date, zone: ZoneInfo) -> datetime:
    """The first moment of a day in the zone."""
    return datetime.combine(day, time(), tzinfo=zone)
