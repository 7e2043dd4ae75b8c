"""The knowledge base: every topic in every language, loaded once, reloaded when it changes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.guideline import guide as guide_module
from bot.guideline.entries import KnowledgeBaseError, entries_path, load_all
from bot.guideline.guide import Guide, MissingEntryError, current_guide
from bot.i18n import LOCALES_DIR
from bot.settings import SUPPORTED_LANGUAGES

# The topic keys of ../shared/domain.md ("Guideline topics").
TOPICS = [
    "eligibility.who",
    "eligibility.income_proof",
    "eligibility.not_discretionary",
    "eligibility.age",
    "eligibility.residence",
    "eligibility.client_of_unit",
    "card.validity",
    "card.renewal",
    "card.personal",
    "card.lost",
    "card.mobile",
    "card.number",
    "card.data_changes",
    "card.community",
    "card.other_municipalities",
    "tickets.children",
    "tickets.assistant",
    "tickets.how_to_get",
    "tickets.id_check",
    "tickets.limits",
    "tickets.courses",
    "tickets.sports",
    "form.required_fields",
    "form.optional_fields",
    "form.never_record",
    "form.register_first",
    "form.paper_fallback",
    "privacy.register_owner",
    "privacy.statistics",
    "org.contact_person",
    "org.contact_change",
    "org.training",
    "org.internal_guidelines",
    "org.commitment",
    "org.new_issuer",
    "roles.coordinators",
    "roles.kaikukeskus",
    "venues.not_paid",
    "materials.brochures",
    "client.what_to_tell",
]
# Topics on which the brief has no firm fact: the entry must send staff to ask locally.
UNCONFIRMED = ("card.lost", "form.paper_fallback", "privacy.register_owner", "materials.brochures")
WHOM_TO_ASK = {"fi": "koordinaattori", "sv": "koordinator", "en": "coordinator"}
# A phone screen: the first answer fits in a few sentences, the rest goes behind "More".
LONGEST_ANSWER = 420


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_every_topic_has_an_entry_in_every_language(language: str) -> None:
    entries = load_all(LOCALES_DIR)[language]

    assert sorted(entries) == sorted(TOPICS)
    for entry in entries.values():
        assert len(entry.answer) <= LONGEST_ANSWER, entry.topic
        assert all(topic in entries for topic in entry.related), entry.topic
        assert entry.topic not in entry.related


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
@pytest.mark.parametrize("topic", UNCONFIRMED)
def test_an_unconfirmed_answer_names_whom_to_ask(language: str, topic: str) -> None:
    entry = load_all(LOCALES_DIR)[language][topic]

    assert WHOM_TO_ASK[language] in f"{entry.answer} {entry.more}".lower()


def test_the_guide_is_built_once_and_again_only_when_a_file_changes(tmp_path: Path) -> None:
    locales = tmp_path / "locales"
    for language in SUPPORTED_LANGUAGES:
        shutil.copytree(LOCALES_DIR / language, locales / language, ignore=_catalogs)

    first = current_guide(locales)
    assert current_guide(locales) is first

    path = entries_path(locales, "en")
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "How long is the card valid?", "How many months is the card valid?"
        ),
        encoding="utf-8",
    )
    rebuilt = current_guide(locales)

    assert rebuilt is not first
    assert rebuilt.entry("en", "card.validity").title == "How many months is the card valid?"
    guide_module.current_guide()  # leave the process's guide on the real files


def _catalogs(directory: str, names: list[str]) -> list[str]:
    return [name for name in names if name == "LC_MESSAGES"]


def test_an_entry_missing_in_one_language_stops_the_load(tmp_path: Path) -> None:
    entries = load_all(LOCALES_DIR)
    del entries["sv"]["card.lost"]

    with pytest.raises(MissingEntryError, match=r"card\.lost"):
        Guide(entries, LOCALES_DIR)


def test_a_malformed_entry_names_its_file_and_place(tmp_path: Path) -> None:
    locales = tmp_path / "locales"
    for language in SUPPORTED_LANGUAGES:
        shutil.copytree(LOCALES_DIR / language, locales / language, ignore=_catalogs)
    path = entries_path(locales, "fi")
    path.write_text('[[entry]]\ntopic = "card.lost"\ntitle = "Kadonnut"\n', encoding="utf-8")

    with pytest.raises(KnowledgeBaseError, match=r"guideline.toml, entry 1: missing answer"):
        load_all(locales)
