"""/contacts: whom to ask. The person's organisations' contact persons and their localities'
coordinators, with the details each chose to share (coordinators see every detail)."""

from __future__ import annotations

import html

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CommandHandler, filters

from bot.access import handles
from bot.audience import PEOPLE
from bot.context import BotContext
from bot.i18n import Translator
from handlers.contact_notices import detail_lines
from storage import contact_details, people
from storage.contact_details import Details
from storage.models import Person, Role, Unit


def _card(t: Translator, details: Details) -> str:
    lines = detail_lines(t, details)
    return "\n".join(f"  {html.escape(line)}" for line in lines)


@handles(PEOPLE)
async def show_contacts(update: Update, context: BotContext) -> None:
    """Show the contact persons and coordinators the person can turn to."""
    person, t, message = context.person, context.t, update.effective_message
    if person is None or message is None:
        return
    session = context.session
    coordinator = bool(people.locality_ids(person))
    organisation_ids = set(people.organisation_ids(person))
    for assignment in person.roles:
        if assignment.role is Role.ISSUER and assignment.unit_id:
            unit = await session.get(Unit, assignment.unit_id)
            if unit is not None:
                organisation_ids.add(unit.organisation_id)
    sections: list[str] = []
    locality_ids = set(people.locality_ids(person))
    for organisation_id in sorted(organisation_ids):
        organisation = await contact_details.organisation(session, organisation_id)
        if organisation is None or not organisation.active:
            continue
        locality_ids.add(organisation.locality_id)
        contacts = await contact_details.contact_persons(session, organisation_id)
        heading = t.gettext("Contact persons of {organisation}:").format(
            organisation=organisation.name
        )
        cards = await _cards(session, t, contacts, everything=coordinator)
        if not cards:
            cards = [t.gettext("  (none at the moment: your coordinator knows more)")]
        if organisation.guideline_url:
            cards.append(
                "  "
                + html.escape(
                    t.gettext("Internal instructions: {value}").format(
                        value=organisation.guideline_url
                    )
                )
            )
        sections.append("\n".join([f"<b>{html.escape(heading)}</b>", *cards]))
    for locality_id in sorted(locality_ids):
        coordinators = await contact_details.coordinators(session, locality_id)
        cards = await _cards(session, t, coordinators, everything=coordinator)
        if cards:
            heading = t.gettext("Coordinators of your locality:")
            sections.append("\n".join([f"<b>{html.escape(heading)}</b>", *cards]))
    await context.commit()
    if not sections:
        sections.append(html.escape(t.gettext("There is no one to show yet.")))
    await message.reply_text("\n\n".join(sections), parse_mode=ParseMode.HTML)


async def _cards(
    session: AsyncSession, t: Translator, persons: list[Person], *, everything: bool
) -> list[str]:
    """Each person's details: what they share, or everything for a coordinator."""
    details = await contact_details.details_of_many(session, persons)
    return [_card(t, details[p.id] if everything else details[p.id].visible()) for p in persons]


def build() -> list[BaseHandler[Update, BotContext, object]]:
    """The /contacts handler."""
    return [CommandHandler("contacts", show_contacts, filters=filters.ChatType.PRIVATE)]
