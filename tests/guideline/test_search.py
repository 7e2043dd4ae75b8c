"""The search finds entries across inflection, compounds, missing ä/ö, typos and languages."""

from __future__ import annotations

import pytest

from bot.guideline.guide import current_guide


def best(question: str, reader: str) -> str:
    answer = current_guide().ask(question, reader)
    assert answer.hits, question
    return answer.hits[0].topic


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        # Inflected forms and compounds.
        ("Saako kortinhaltija ottaa lapsenlapsensa mukaan näytökseen?", "tickets.children"),
        ("Onko kortinmyöntäjän pakko kertoa kortista jokaiselle?", "eligibility.not_discretionary"),
        ("Mitä tehdään kadonneelle kortille?", "card.lost"),
        # No ä or ö, as typed on a phone.
        ("Tarviiko asiakkaan nayttaa tulotodistus?", "eligibility.income_proof"),
        ("kuinka kauan kortti on voimassa", "card.validity"),
        # Typos.
        ("Pääseeko avustja ilmaiseksi?", "tickets.assistant"),
        ("Kuinka kauan kortti on voimasa?", "card.validity"),
        ("Kuinka pitkä voimassaoloaika kortilla on?", "card.validity"),
    ],
)
def test_finnish_questions_find_their_entries(question: str, topic: str) -> None:
    assert best(question, "fi") == topic


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("Får barnbarnen följa med på konserten?", "tickets.children"),
        ("Kortet har gatt ut, hur fornyar jag det?", "card.renewal"),
        ("Maste klienten visa legitimation i biljettkassan?", "tickets.id_check"),
        ("Vilka uppgifter ar obligatoriska i formularet?", "form.required_fields"),
        # A synonym of two words, and an ending the stemmer leaves ("ungar|na").
        ("Kortet har löpt ut, vad gör jag nu?", "card.renewal"),
        ("Får man ta med ungarna?", "tickets.children"),
    ],
)
def test_swedish_questions_find_their_entries(question: str, topic: str) -> None:
    assert best(question, "sv") == topic


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("Can the client's grandkids get free tickets too?", "tickets.children"),
        ("The client lost her card, what now?", "card.lost"),
        ("Do I have to see a payslip first?", "eligibility.income_proof"),
        ("Does the card work in the swimming pool?", "tickets.sports"),
    ],
)
def test_english_questions_find_their_entries(question: str, topic: str) -> None:
    assert best(question, "en") == topic


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Kuinka kauan kortti on voimassa?", "fi"),
        ("Hur länge gäller kortet?", "sv"),
        ("How long is the card valid?", "en"),
    ],
)
@pytest.mark.parametrize("reader", ["fi", "sv", "en"])
def test_the_question_language_is_told_from_its_words(
    question: str, language: str, reader: str
) -> None:
    answer = current_guide().ask(question, reader)

    assert answer.question_language == language
    assert answer.hits[0].topic == "card.validity"
    assert answer.sure


def test_a_question_about_nothing_in_the_guidelines_is_not_sure() -> None:
    answer = current_guide().ask("Mikä on Suomen pääkaupunki?", "fi")

    assert not answer.sure


@pytest.mark.parametrize(
    ("question", "reader", "topic"),
    [
        # What stop words say, as an entry's keyword phrase, over stop words in between.
        ("He is not one of our clients, can he have a card?", "en", "eligibility.client_of_unit"),
        (
            "Hon är inte längre klient hos oss, kan hon få kortet?",
            "sv",
            "eligibility.client_of_unit",
        ),
        (
            "Sukulainen ei ole meidän asiakas, voiko hänelle antaa kortin?",
            "fi",
            "eligibility.client_of_unit",
        ),
        ("who gets the card", "en", "eligibility.who"),
        ("kuka saa kortin", "fi", "eligibility.who"),
        # A synonym is taken whole, not split ("henkilö|kunta" is staff, not a municipality).
        ("Pitääkö henkilökunnalle järjestää koulutusta?", "fi", "org.training"),
        # A definite ending the Swedish stemmer leaves on a short noun.
        ("Gäller kortet på gymmet?", "sv", "tickets.sports"),
    ],
)
def test_phrases_synonyms_and_endings_find_their_entries(
    question: str, reader: str, topic: str
) -> None:
    assert best(question, reader) == topic


def test_a_question_mostly_about_something_else_is_not_sure() -> None:
    answer = current_guide().ask("What is the weather in Oulu tomorrow?", "en")

    assert not answer.sure
