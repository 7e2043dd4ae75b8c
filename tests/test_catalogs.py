"""The fi and sv catalogs are complete, current and really used."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR, Translator

ROOT = Path(__file__).resolve().parent.parent
TRANSLATED = ("fi", "sv")
KEYWORDS = {"gettext": None, "ngettext": (1, 2), "N_": None}
PLACEHOLDER = re.compile(r"\{(\w*)\}")


def catalog(language: str) -> Catalog:
    with (LOCALES_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return read_po(source, locale=language)


def template() -> Catalog:
    with (LOCALES_DIR / "messages.pot").open("rb") as source:
        return read_po(source)


def messages(language: str) -> list[Message]:
    return [message for message in catalog(language) if message.id]


def forms(value: str | tuple[str, ...] | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def code_msgids() -> set[str]:
    found: set[str] = set()
    for package in ("bot", "handlers", "storage"):
        for _, _, message, _, _ in extract_from_dir(
            ROOT / package, keywords=KEYWORDS, comment_tags=()
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def msgid(message: Message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def test_the_template_holds_exactly_the_messages_in_the_code() -> None:
    in_template = {msgid(message) for message in template() if message.id}
    assert in_template == code_msgids(), "run `make update-catalogs` and translate"


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_catalog_holds_exactly_the_template_messages(language: str) -> None:
    in_template = {msgid(message) for message in template() if message.id}
    assert {msgid(message) for message in messages(language)} == in_template


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated_and_none_is_fuzzy(language: str) -> None:
    untranslated = [
        msgid(message)
        for message in messages(language)
        if message.fuzzy or not all(form.strip() for form in forms(message.string))
    ]
    assert untranslated == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_translation_keeps_the_placeholders_of_its_msgid(language: str) -> None:
    mismatched = []
    for message in messages(language):
        expected = {name for source in forms(message.id) for name in PLACEHOLDER.findall(source)}
        for form in forms(message.string):
            if set(PLACEHOLDER.findall(form)) != expected:
                mismatched.append((msgid(message), form))
    assert mismatched == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_compiled_catalog_is_what_the_bot_answers_with(language: str) -> None:
    # A missing or stale .mo silently falls back to English; this catches it.
    translator = Translator(language)
    for message in messages(language):
        if isinstance(message.id, str):
            assert translator.gettext(message.id) == message.string
        else:
            singular, plural = message.id
            assert translator.ngettext(singular, plural, 1) == message.string[0]
            assert translator.ngettext(singular, plural, 5) == message.string[1]


@pytest.mark.parametrize("language", TRANSLATED)
def test_finnish_and_swedish_do_not_read_as_english(language: str) -> None:
    same_as_english = [
        msgid(message)
        for message in messages(language)
        if forms(message.string) == forms(message.id) and len(msgid(message)) > 12
    ]
    assert same_as_english == []
