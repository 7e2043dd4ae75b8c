"""/me: a person's roles and everything the bot stores about them."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, filters

from bot.access import handles
from bot.audience import PEOPLE
from bot.context import BotContext
from handlers.contact import detail_name
from handlers.contact_notices import detail_lines
from handlers.wording import role_with_scope
from storage import contact_details, scopes


@handles(PEOPLE)
async def show_me(update: Update, context: BotContext) -> None:
    """Show the person's roles and the data the bot keeps about them."""
    person, t = context.person, context.t
    if person is None or update.effective_message is None:
        return
    roles = await scopes.describe(context.session, person.roles)
    details = await contact_details.of(context.session, person)
    await context.commit()
    language = t.locale.get_display_name(person.language) if person.language else None
    lines = [
        t.gettext("Your roles:"),
        *(f"• {role_with_scope(t, described)}" for described in roles),
        "",
        t.gettext("What I store about you:"),
        t.gettext("• name: {name}").format(name=person.display_name),
        t.gettext("• Telegram user id: {id}").format(id=person.telegram_id),
        t.gettext("• language: {language}").format(
            language=language or t.gettext("not chosen (Telegram's setting is used)")
        ),
        t.gettext("• with Kaikubot since {date}").format(
            date=t.date(person.created_at.astimezone(context.settings.zone).date())
        ),
        *(f"• {line}" for line in detail_lines(t, details, ("title", "phone", "email"))),
        "• "
        + t.gettext("Colleagues see: {details}").format(
            details=", ".join([t.gettext("name"), *(detail_name(t, d) for d in details.shared)])
        ),
        "",
        t.gettext(
            "/contact changes your work details; /forgetme removes your name and contact "
            "details and ends your roles."
        ),
        "",
        t.gettext(
            "I never store the names, identity codes, birth dates, addresses, phone numbers "
            "or e-mail addresses of your clients."
        ),
    ]
    await update.effective_message.reply_text("\n".join(lines))


def build() -> list[BaseHandler[Update, BotContext, object]]:
    """The /me handler."""
    return [CommandHandler("me", show_me, filters=filters.ChatType.PRIVATE)]
