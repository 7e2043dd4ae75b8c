"""An organisation must always have a contact person: when someone's doing leaves one without,
its coordinators are alerted at once, through the outbox, each in their own language."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import choose_language, translator
from storage import contact_details, outbox
from storage.models import Organisation


async def alert_if_empty(
    session: AsyncSession, organisation_ids: set[int], *, default_language: str
) -> list[Organisation]:
    """Queue an alert to the coordinators of each of these organisations that has no active
    contact person now; returns those organisations (call after the change is flushed)."""
    if not organisation_ids:
        return []
    await session.flush()
    emptied = []
    for organisation_id in sorted(organisation_ids):
        organisation = await contact_details.organisation(session, organisation_id)
        if organisation is None or not organisation.active:
            continue
        if await contact_details.contact_persons(session, organisation_id):
            continue
        emptied.append(organisation)
        for coordinator in await contact_details.coordinators(session, organisation.locality_id):
            t = translator(
                choose_language(
                    coordinator.language, coordinator.telegram_language, default_language
                )
            )
            text = t.gettext(
                "{organisation} has no contact person any more. Every organisation in the "
                "network must have one: invite a new contact person with /invite."
            ).format(organisation=organisation.name)
            outbox.enqueue(session, coordinator.telegram_id, text)
    return emptied
