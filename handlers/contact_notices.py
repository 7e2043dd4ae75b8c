"""What coordinators, contact persons and successors hear on the bot's own initiative about
contact persons: each in their own language, through the outbox."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import BotContext
from bot.i18n import Translator, choose_language, translator
from bot.rules.staff_details import international
from storage import contact_details, outbox
from storage.contact_details import Details
from storage.models import Organisation, Person


def reader(context: BotContext, person: Person) -> Translator:
    """The translator of someone the bot writes to on its own."""
    return translator(
        choose_language(
            person.language, person.telegram_language, context.settings.default_language
        )
    )


def detail_lines(
    t: Translator,
    details: Details,
    fields: tuple[str, ...] | list[str] = ("name", "title", "phone", "email"),
    *,
    show_empty: bool = False,
) -> list[str]:
    """Details as lines ("Phone: +358 40 1234567"): those of `fields` that are set, or all of
    them with "(none)" for the empty ones."""
    none = t.gettext("(none)")
    lines = []
    if "name" in fields:
        lines.append(t.gettext("Name: {value}").format(value=details.name))
    if "title" in fields and (details.title or show_empty):
        lines.append(t.gettext("Title: {value}").format(value=details.title or none))
    if "phone" in fields and (details.phone or show_empty):
        phone = international(details.phone) if details.phone else none
        lines.append(t.gettext("Phone: {value}").format(value=phone))
    if "email" in fields and (details.email or show_empty):
        lines.append(t.gettext("E-mail: {value}").format(value=details.email or none))
    return lines


async def tell_coordinators(
    context: BotContext,
    session: AsyncSession,
    organisation: Organisation,
    write: Callable[[Translator], str],
) -> None:
    """Queue one message (`write` makes it) to each coordinator of the organisation's
    locality, in their language."""
    for coordinator in await contact_details.coordinators(session, organisation.locality_id):
        t = reader(context, coordinator)
        outbox.enqueue(session, coordinator.telegram_id, write(t))
