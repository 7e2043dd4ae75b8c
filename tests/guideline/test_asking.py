"""Asking through the bot: /ask, free text, answers in the reader's language, 👍 / 👎, privacy."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.context import KaikuApplication
from bot.guideline.guide import current_guide
from storage.models import GuidelineQuestion, Role
from tests.guideline.conftest import person
from tests.issuing.conftest import open_form
from tests.support.network import Network
from tests.support.simulator import SimulatedUser, TelegramSimulator


def title(language: str, topic: str) -> str:
    return current_guide().entry(language, topic).title


async def stored(app: KaikuApplication) -> list[GuidelineQuestion]:
    async with app.services.database.read() as session:
        return list(await session.scalars(select(GuidelineQuestion).order_by(GuidelineQuestion.id)))


async def test_each_language_asks_and_reads_in_its_own(
    ilona: SimulatedUser, ingrid: SimulatedUser, ian: SimulatedUser, app: KaikuApplication
) -> None:
    await asyncio.gather(
        ilona.send("/ask Voiko kortin uusia toisessa yksikössä?"),
        ingrid.send("/ask Behöver klienten visa något inkomstintyg?"),
        ian.send("/ask Can her 16-year-old daughter come along to the concert for free?"),
    )

    assert ilona.last_reply().text.startswith(title("fi", "card.renewal"))
    assert ingrid.last_reply().text.startswith(title("sv", "eligibility.income_proof"))
    assert ian.last_reply().text.startswith(title("en", "tickets.children"))
    assert [q.question for q in await stored(app)] == [None, None, None]  # counted, not kept


async def test_free_text_is_answered_in_the_readers_language_whatever_it_was_typed_in(
    ilona: SimulatedUser, app: KaikuApplication
) -> None:
    await ilona.send("How long is the card valid?")

    reply = ilona.last_reply()
    assert reply.text.startswith("Kuinka kauan kortti on voimassa?")
    assert "12 kuukautta" in reply.text
    assert reply.reply_to_message_id is not None  # the answer quotes the question
    assert reply.button_labels() == [
        f"📘 {title('fi', 'card.renewal')}",
        f"📘 {title('fi', 'card.number')}",
        "👍",
        "👎",
    ]
    [question] = await stored(app)
    assert (question.language, question.topic, question.sure) == ("en", "card.validity", True)
    assert question.question is None


async def test_more_shows_the_rest_and_related_entries_open(ian: SimulatedUser) -> None:
    await ian.send("/ask where is the number on the card")
    assert ian.buttons()[0] == "More"

    await ian.click("More")
    assert 'Special numbers: "X"' in ian.last_reply().text
    assert "More" not in ian.buttons()

    await ian.click(f"📘 {title('en', 'card.mobile')}")
    assert ian.last_reply().text.startswith(title("en", "card.mobile"))


async def test_thumbs_down_keeps_the_question_for_the_coordinators(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network, ian: SimulatedUser
) -> None:
    await person(sim, app, "Cecilia", (Role.CONTACT, espoo.organisations["red_cross"]), "en")
    await person(sim, app, "Kalle", (Role.COORDINATOR, espoo.localities["espoo"]), "en")
    await ian.send("Does an interpreter pay for a ticket?")
    await ian.click("👍")
    assert ian.last_callback_answer() is not None
    assert "👍" not in ian.buttons()

    await ian.send("/ask can the client's dog come to the museum")
    await ian.click("👎")

    assert "Cecilia" in ian.last_reply().text
    assert "Kalle" in ian.last_reply().text
    first, second = await stored(app)
    assert (first.vote, first.question) == ("up", None)
    assert (second.vote, second.question) == ("down", "can the client's dog come to the museum")


async def test_a_vote_on_someone_elses_answer_changes_nothing(
    ilona: SimulatedUser, ian: SimulatedUser, app: KaikuApplication
) -> None:
    await ilona.send("Kuinka kauan kortti on voimassa?")
    [question] = await stored(app)

    await ian.send("/help")
    forged = f"guide:vote:{question.id}:down"
    await ian.simulator.process(
        ian.model.user_clicks_data(ian.id, ian.last_reply().message_id, forged)
    )

    assert [answer.text for answer in ian.callback_answers()] == ["This button has expired."]
    [unchanged] = await stored(app)
    assert (unchanged.vote, unchanged.question) == (None, None)


async def test_a_low_score_says_so_names_whom_to_ask_and_keeps_the_question(
    sim: TelegramSimulator, app: KaikuApplication, espoo: Network, ilona: SimulatedUser
) -> None:
    await person(sim, app, "Kalle", (Role.COORDINATOR, espoo.localities["espoo"]), "fi")

    await ilona.send("Milloin on seuraava tiimipalaveri?")

    reply = ilona.last_reply()
    assert reply.text.startswith("En ole varma, ymmärsinkö oikein.")
    assert "koordinaattorilta (Kalle)" in reply.text
    assert "yhteyshenkilöltäsi (ei vielä Kaikubotissa)" in reply.text
    assert reply.button_labels()[-2:] == ["👍", "👎"]
    [question] = await stored(app)
    assert question.sure is False
    assert question.question == "Milloin on seuraava tiimipalaveri?"


async def test_a_question_with_identifying_data_is_refused_before_search_or_storage(
    ilona: SimulatedUser, ian: SimulatedUser, app: KaikuApplication
) -> None:
    await ilona.send("Asiakkaan hetu on 010190-123A, saako hän kortin?")
    assert ilona.last_reply().text.startswith("Kysymyksessäsi näyttää olevan henkilötunnus.")
    await ian.send("/ask can I send the card to anna.virtanen@example.com?")
    assert "e-mail address" in ian.last_reply().text
    await ian.send("/ask her number is 040 123 4567, can she get a card?")
    assert "phone number" in ian.last_reply().text

    assert await stored(app) == []


async def test_ask_without_a_question_says_how(ian: SimulatedUser, app: KaikuApplication) -> None:
    await ian.send("/ask")

    assert ian.last_reply().text.startswith("Write your question after /ask")
    assert await stored(app) == []


async def test_guide_browses_the_topics_by_buttons(ingrid: SimulatedUser) -> None:
    await ingrid.send("/guide")
    assert ingrid.last_reply().text == "Välj ett ämne:"

    await ingrid.click("Biljetter och kurser")
    assert f"📘 {title('sv', 'tickets.assistant')}" in ingrid.buttons()
    await ingrid.click(f"📘 {title('sv', 'tickets.assistant')}")
    assert "tolk" in ingrid.last_reply().text

    await ingrid.click_on(ingrid.last_reply().message_id - 1, "« Alla ämnen")
    assert ingrid.last_reply().text.startswith(title("sv", "tickets.assistant"))


async def test_a_stranger_still_gets_only_the_invitation_explanation(
    sim: TelegramSimulator, app: KaikuApplication
) -> None:
    stranger = await sim.user("Sanna", language_code="en")

    for text in ("How long is the card valid?", "/ask How long is the card valid?", "/guide"):
        await stranger.send(text)
        assert "invitation" in stranger.last_reply().text
        assert stranger.buttons() == []
    assert await stored(app) == []


async def test_an_open_form_takes_the_text_not_the_guideline(
    ian: SimulatedUser, app: KaikuApplication
) -> None:
    await open_form(ian)

    await ian.send("How long is the card valid?")

    assert not ian.last_reply().text.startswith(title("en", "card.validity"))
    assert await stored(app) == []
