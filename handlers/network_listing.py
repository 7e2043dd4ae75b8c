"""/network: the committed organisations and units of a coordinator's locality, for the local
brochure and website, as a message and as a CSV file."""

from __future__ import annotations

import csv
import html
import io

from telegram import Update
from telegram.constants import MessageLimit, ParseMode
from telegram.ext import BaseHandler, CommandHandler, filters

from bot.access import handles
from bot.audience import only
from bot.context import BotContext
from bot.i18n import Translator
from handlers.orgs import kind_label
from storage import localities, network, scopes
from storage.models import Organisation, Role, Unit

Listing = list[tuple[Organisation, list[Unit]]]
# A cell starting with one of these is a formula to a spreadsheet: names are text, always.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(text: str) -> str:
    """A name as a CSV cell that a spreadsheet shows as typed, never runs."""
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def listing_text(t: Translator, locality: str, listing: Listing) -> str:
    """The organisations and their units, as a message (HTML)."""
    if not listing:
        return html.escape(
            t.gettext(
                "No organisation of {locality} has a recorded commitment to the national "
                "guideline yet. /orgs records one."
            ).format(locality=locality)
        )
    heading = t.gettext("The Kaikukortti network of {locality}:").format(locality=locality)
    sections = [f"<b>{html.escape(heading)}</b>"]
    for organisation, units in listing:
        lines = [f"<b>{html.escape(organisation.name)}</b>"]
        lines.extend(f"  {html.escape(unit.name)}" for unit in units)
        sections.append("\n".join(lines))
    return "\n\n".join(sections)


def listing_csv(t: Translator, listing: Listing) -> bytes:
    """The organisations and their units as CSV: one row per unit (or per organisation
    without units), headings in the reader's language; UTF-8 with a BOM for spreadsheets."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(
        [
            t.gettext("Organisation"),
            t.gettext("Kind"),
            t.gettext("Unit"),
            t.gettext("Committed on"),
        ]
    )
    for organisation, units in listing:
        kind = kind_label(t, organisation.kind) if organisation.kind else ""
        committed = organisation.committed_on.isoformat() if organisation.committed_on else ""
        for unit_name in [unit.name for unit in units] or [""]:
            writer.writerow([cell(organisation.name), cell(kind), cell(unit_name), committed])
    return out.getvalue().encode("utf-8-sig")


@handles(only(Role.COORDINATOR))
async def show_network(update: Update, context: BotContext) -> None:
    """Send the locality's committed organisations and units, as a message and a CSV file."""
    t, message = context.t, update.effective_message
    if message is None:
        return
    locality = await localities.by_id(
        context.session, scopes.coordinated_locality(context.person) or 0
    )
    if locality is None:
        await context.rollback()
        return
    name = locality.name
    listing = await network.committed_network(context.session, locality.id)
    text = listing_text(t, name, listing)
    document = listing_csv(t, listing) if listing else None
    await context.rollback()  # nothing written
    # A long network comes whole in the file; the message says so rather than break.
    if len(text) > MessageLimit.MAX_TEXT_LENGTH:
        text = html.escape(t.gettext("The network is long: it is all in the file below."))
    await message.reply_text(text, parse_mode=ParseMode.HTML)
    if document is not None:
        await message.reply_document(document, filename=t.gettext("network.csv"), caption=name)


def build() -> list[BaseHandler[Update, BotContext, object]]:
    """The /network handler."""
    return [CommandHandler("network", show_network, filters=filters.ChatType.PRIVATE)]
