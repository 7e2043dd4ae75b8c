"""Questions put to the guideline answers, their ratings, and whom a person can ask instead."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import people
from storage.models import GuidelineQuestion, Organisation, Person, Role, RoleAssignment, Unit

UP, DOWN = "up", "down"


@dataclass(frozen=True, slots=True)
class Advisers:
    """The people a staff member can ask: their organisations' contact persons, coordinators."""

    contact_persons: list[str]
    coordinators: list[str]


async def record_question(
    session: AsyncSession,
    *,
    person: Person,
    language: str,
    topic: str | None,
    score: float,
    sure: bool,
    text: str,
) -> GuidelineQuestion:
    """Count a question; keep its text only when the answer was not sure."""
    question = GuidelineQuestion(
        person_id=person.id,
        language=language,
        topic=topic,
        score=score,
        sure=sure,
        question=None if sure else text,
    )
    session.add(question)
    await session.flush()
    return question


async def rate(
    session: AsyncSession, *, question_id: int, person: Person, vote: str, text: str | None
) -> bool:
    """Store a person's 👍 or 👎 on their own question (👎 keeps its text); False if not theirs."""
    if vote not in (UP, DOWN):
        raise ValueError(f"unknown vote {vote!r}")
    values: dict[str, object] = {"vote": vote}
    if vote == DOWN and text:
        values["question"] = text
    result = await session.execute(
        update(GuidelineQuestion)
        .where(GuidelineQuestion.id == question_id, GuidelineQuestion.person_id == person.id)
        .values(**values)
    )
    return bool(getattr(result, "rowcount", 0))


async def advisers(session: AsyncSession, person: Person) -> Advisers:
    """The contact persons of the person's organisations and their localities' coordinators."""
    organisation_ids = set(people.organisation_ids(person))
    unit_ids = people.unit_ids(person)
    if unit_ids:
        found = await session.scalars(select(Unit.organisation_id).where(Unit.id.in_(unit_ids)))
        organisation_ids.update(found)
    locality_ids = set(people.locality_ids(person))
    if organisation_ids:
        found = await session.scalars(
            select(Organisation.locality_id).where(Organisation.id.in_(organisation_ids))
        )
        locality_ids.update(found)
    return Advisers(
        contact_persons=await _names(
            session, person, Role.CONTACT, RoleAssignment.organisation_id.in_(organisation_ids)
        ),
        coordinators=await _names(
            session, person, Role.COORDINATOR, RoleAssignment.locality_id.in_(locality_ids)
        ),
    )


async def _names(
    session: AsyncSession, person: Person, role: Role, scope: ColumnElement[bool]
) -> list[str]:
    result = await session.scalars(
        select(Person.display_name)
        .join(RoleAssignment, RoleAssignment.person_id == Person.id)
        .where(RoleAssignment.role == role, scope, Person.active, Person.id != person.id)
        .distinct()
        .order_by(Person.display_name)
    )
    return list(result)
