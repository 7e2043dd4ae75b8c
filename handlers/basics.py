"""The basics everyone meets: /start, /help, /language and /cancel outside a conversation."""

from __future__ import annotations

from babel import Locale
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.access import handles, refuse
from bot.audience import ANYONE, PEOPLE
from bot.commands import commands_for
from bot.context import BotContext
from bot.editing import edit_pressed
from bot.i18n import Translator, translator
from bot.jobs import kick_outbox
from bot.settings import SUPPORTED_LANGUAGES
from handlers import callbacks
from storage import outbox, people

PRIVATE = filters.ChatType.PRIVATE


def help_text(context: BotContext) -> str:
    """The commands this person may use, each with its description."""
    t = context.t
    lines = [t.gettext("Here is what I can do for you:"), ""]
    lines += [
        f"/{command.name} — {t.gettext(command.description)}"
        for command in commands_for(context.person)
    ]
    return "\n".join(lines)


def language_keyboard() -> InlineKeyboardMarkup:
    """One button per language, each labelled in its own language."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    Locale.parse(code).get_display_name(code) or code,
                    callback_data=callbacks.data(callbacks.LANGUAGE, code),
                )
            ]
            for code in SUPPORTED_LANGUAGES
        ]
    )


@handles(ANYONE)
async def start(update: Update, context: BotContext) -> None:
    """Greet a person with what they can do; explain the bot to a stranger."""
    if context.person is None or update.effective_message is None:
        await refuse(update, context)
        return
    greeting = context.t.gettext("Hello, {name}!").format(name=context.person.display_name)
    await context.commit()
    await update.effective_message.reply_text(f"{greeting}\n\n{help_text(context)}")


@handles(ANYONE)
async def show_help(update: Update, context: BotContext) -> None:
    """List the commands of the person's roles."""
    if context.person is None or update.effective_message is None:
        await refuse(update, context)
        return
    await context.commit()
    await update.effective_message.reply_text(help_text(context))


@handles(PEOPLE)
async def ask_language(update: Update, context: BotContext) -> None:
    """Offer the three languages as buttons."""
    await context.commit()
    if update.effective_message:
        await update.effective_message.reply_text(
            context.t.gettext("Which language should I use with you?"),
            reply_markup=language_keyboard(),
        )


@handles(PEOPLE, writes=True)
async def choose_language(update: Update, context: BotContext) -> None:
    """Store the chosen language and confirm in it."""
    query = update.callback_query
    person = context.person
    if query is None or query.data is None or person is None:
        return
    (code,) = callbacks.parts(callbacks.LANGUAGE, query.data)[:1] or [""]
    if code not in SUPPORTED_LANGUAGES:
        await context.rollback()
        await query.answer()
        return
    people.set_language(context.session, person, code)
    # The command menu follows the language too.
    outbox.enqueue(context.session, person.telegram_id, "", kind=outbox.COMMANDS)
    await context.commit()
    kick_outbox(context)
    context.t = translator(code)
    await query.answer()
    await edit_pressed(query, confirmation(context.t))


def confirmation(t: Translator) -> str:
    """The confirmation of a language choice, in the chosen language."""
    name = t.locale.get_display_name(t.language) or t.language
    return t.gettext("From now on I will use {language}.").format(language=name)


@handles(PEOPLE)
async def cancel_nothing(update: Update, context: BotContext) -> None:
    """Say that nothing is under way (conversations handle /cancel themselves)."""
    await context.commit()
    if update.effective_message:
        await update.effective_message.reply_text(context.t.gettext("There is nothing to cancel."))


def build() -> list[BaseHandler[Update, BotContext, object]]:
    """The basic handlers."""
    return [
        CommandHandler("start", start, filters=PRIVATE),
        CommandHandler("help", show_help, filters=PRIVATE),
        CommandHandler("language", ask_language, filters=PRIVATE),
        CallbackQueryHandler(choose_language, pattern=callbacks.pattern(callbacks.LANGUAGE)),
        CommandHandler("cancel", cancel_nothing, filters=PRIVATE),
    ]
