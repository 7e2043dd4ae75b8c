"""Telegram's command menu: a default one for strangers, and one per person for their roles."""

from __future__ import annotations

from telegram import BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from telegram.ext import ExtBot

from bot.commands import commands_for
from bot.i18n import choose_language, translator
from bot.settings import SUPPORTED_LANGUAGES
from storage.models import Person


def bot_commands(person: Person | None, language: str) -> list[BotCommand]:
    """The menu entries for a person (None: a stranger) in a language."""
    t = translator(language)
    return [
        BotCommand(command.name, t.gettext(command.description)) for command in commands_for(person)
    ]


async def set_default_menu(bot: ExtBot[None], default_language: str) -> None:
    """The menu strangers see, in each language Telegram may ask for."""
    await bot.set_my_commands(bot_commands(None, default_language), scope=BotCommandScopeDefault())
    for language in SUPPORTED_LANGUAGES:
        await bot.set_my_commands(
            bot_commands(None, language), scope=BotCommandScopeDefault(), language_code=language
        )


async def set_person_menu(
    bot: ExtBot[None], chat_id: int, person: Person | None, default_language: str
) -> None:
    """Set one chat's menu to the commands of the person's roles, in their language."""
    if person is None or not person.active or not person.roles:
        await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id))
        return
    language = choose_language(person.language, person.telegram_language, default_language)
    await bot.set_my_commands(bot_commands(person, language), scope=BotCommandScopeChat(chat_id))
