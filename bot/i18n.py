"""Per-update translators: gettext catalogs under locales/ and Babel formatting for the reader."""

from __future__ import annotations

import gettext as gettext_module
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

from babel import Locale, negotiate_locale
from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_decimal
from babel.support import Translations

from bot.settings import SUPPORTED_LANGUAGES

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"
# English is the source language: a missing English catalog means "use the msgids".
CATALOG_REQUIRED = ("fi", "sv")


class CatalogMissingError(RuntimeError):
    """A compiled catalog is missing, so the bot would silently answer in English."""


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Mark a string for extraction; it is translated later, where the reader is known."""
    return message


@cache
def _translations(language: str) -> gettext_module.NullTranslations:
    mo = LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if not mo.exists():
        if language in CATALOG_REQUIRED:
            raise CatalogMissingError(f"{mo} is missing: compile the catalogs with `make catalogs`")
        return gettext_module.NullTranslations()
    with mo.open("rb") as handle:
        return Translations(handle, domain=DOMAIN)


def check_catalogs() -> None:
    """Fail at start-up, not mid-conversation, when a compiled catalog is missing."""
    for language in SUPPORTED_LANGUAGES:
        _translations(language)


def negotiate(telegram_code: str | None) -> str | None:
    """The supported language closest to Telegram's `language_code`, if any."""
    if not telegram_code:
        return None  # pitfall: negotiate_locale([None], ...) raises
    found = negotiate_locale([telegram_code.replace("-", "_")], SUPPORTED_LANGUAGES, sep="_")
    return found.lower() if found else None


def choose_language(stored: str | None, telegram_code: str | None, default: str) -> str:
    """The person's stored choice, else Telegram's language negotiated, else the default."""
    if stored in SUPPORTED_LANGUAGES:
        return stored
    return negotiate(telegram_code) or default


@dataclass(frozen=True, slots=True)
class Translator:
    """Translates and formats for one reader; made per update, never installed globally."""

    language: str

    @property
    def _catalog(self) -> gettext_module.NullTranslations:
        return _translations(self.language)

    @property
    def locale(self) -> Locale:
        """The reader's Babel locale."""
        return Locale.parse(self.language)

    def gettext(self, message: str) -> str:
        """Translate a message."""
        return self._catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        """Translate a message whose form depends on a count."""
        return self._catalog.ngettext(singular, plural, count)

    def date(self, value: date, form: str = "long") -> str:
        """A date as the reader writes it."""
        return format_date(value, format=form, locale=self.locale)

    def moment(self, value: datetime, form: str = "medium") -> str:
        """A moment as the reader writes it (convert to the bot's time zone first)."""
        return format_datetime(value, format=form, locale=self.locale)

    def time(self, value: datetime, form: str = "short") -> str:
        """A time of day as the reader writes it (convert to the bot's time zone first)."""
        return format_time(value, format=form, locale=self.locale)

    def number(self, value: int | float | Decimal) -> str:
        """A number as the reader writes it (fi and sv group with a no-break space)."""
        return format_decimal(value, locale=self.locale)


@cache
def translator(language: str) -> Translator:
    """The shared translator for a language."""
    return Translator(language)
