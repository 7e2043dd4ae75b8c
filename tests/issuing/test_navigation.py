"""Back, Edit, Cancel, old buttons and abandoned forms: nothing surprising, nothing lost."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.context import KaikuApplication
from bot.jobs import DRAFTS_JOB
from storage.models import Draft
from tests.issuing.conftest import current_question, issuances, issue_new_card, open_form
from tests.support.simulator import SimulatedUser


async def test_back_returns_to_each_earlier_question_in_turn(issuer: SimulatedUser) -> None:
    await open_form(issuer)
    await issuer.send("KK123456")
    await issuer.send("1985")
    assert issuer.last_reply().text.startswith("The postal code of the client's home?")

    expected = [
        "The client's year of birth?",
        "Type the card number",
        "Is this a new card, a renewal",
        "Check that all four apply",
    ]
    for question in expected:
        await issuer.click("« Back")
        assert current_question(issuer).startswith(question)


async def test_a_pressed_question_shows_the_choice_and_turns_into_the_next_question(
    issuer: SimulatedUser,
) -> None:
    await issuer.send("/issue")
    await issuer.click("All four apply")

    assert issuer.replies_since_last_action() == []  # the pressed message changed in place
    assert issuer.last_callback_answer() is not None
    text = issuer.last_reply().text
    assert text.startswith("Check that all four apply to the client:")
    assert "\n\n→ All four apply\n\nIs this a new card, a renewal" in text
    # Only the newest question has buttons: the answered one offers nothing any more.
    assert "All four apply" not in issuer.buttons()
    assert "New card" in issuer.buttons()

    await issuer.click("New card")
    assert current_question(issuer).startswith("Type the card number")
    await issuer.send("KK123456")
    # A typed answer is a message of its own, so the next question comes as a new message.
    (reply,) = issuer.replies_since_last_action()
    assert reply.text.startswith("The client's year of birth?")


async def test_a_question_that_would_grow_too_long_comes_as_a_new_message(
    issuer: SimulatedUser,
) -> None:
    await issuer.send("/issue")
    first = issuer.last_reply()
    presses = 0
    while issuer.last_reply().message_id == first.message_id:
        await issuer.click("« Back" if presses % 2 else "All four apply")
        presses += 1
        assert presses < 100

    # The long message keeps its questions and the last choice, without buttons.
    (long,) = [m for m in issuer.model.bot_messages(issuer.id) if m.message_id == first.message_id]
    assert len(long.text) <= 4096
    assert long.button_labels() == []
    assert long.text.endswith("\n\n→ " + ("« Back" if (presses - 1) % 2 else "All four apply"))
    # The next question starts a message of its own, with the buttons.
    assert "→" not in issuer.last_reply().text
    assert issuer.buttons()


async def test_edit_changes_one_answer_and_returns_to_the_summary(
    issuer: SimulatedUser, app: KaikuApplication
) -> None:
    await issue_new_card(issuer, confirm=False)
    await issuer.click("Edit an answer")
    assert "Postal code" in issuer.buttons()
    await issuer.click("Postal code")
    await issuer.send("02200")
    assert issuer.last_reply().text.startswith("Please check the answers:")
    assert "Postal code: 02200" in issuer.last_reply().text
    await issuer.click("Confirm")

    (stored,) = await issuances(app)
    assert stored.postal_code == "02200"
    assert stored.birth_year == 1985


async def test_a_postal_code_outside_the_network_is_confirmed_or_typed_again(
    issuer: SimulatedUser, app: KaikuApplication
) -> None:
    await open_form(issuer)
    await issuer.send("KK123456")
    await issuer.send("1985")
    await issuer.send("33100")
    assert issuer.last_reply().text.startswith("Postal code 33100 is not among the network's")
    await issuer.click("Type it again")
    await issuer.send("96100")
    await issuer.click("Use it anyway")
    for label in ("0", "Skip", "Skip", "Skip", "Skip"):
        await issuer.click(label)
    assert "Postal code: 96100 (outside the network)" in issuer.last_reply().text
    await issuer.click("Confirm")

    (stored,) = await issuances(app)
    assert stored.postal_code == "96100"


async def test_more_than_five_children_are_typed(
    issuer: SimulatedUser, app: KaikuApplication
) -> None:
    await open_form(issuer)
    await issuer.send("KK123456")
    await issuer.send("1985")
    await issuer.send("02150")
    await issuer.click("More than 5")
    await issuer.send("7")
    for label in ("Skip", "Skip", "Skip", "Skip", "Confirm"):
        await issuer.click(label)

    (stored,) = await issuances(app)
    assert stored.children == 7


async def test_cancel_anywhere_ends_the_form_and_stores_nothing(
    issuer: SimulatedUser, app: KaikuApplication
) -> None:
    await open_form(issuer)
    await issuer.send("KK123456")
    await issuer.send("/cancel")

    assert issuer.last_reply().text == "Cancelled. Nothing was stored."
    async with app.services.database.read() as session:
        assert list(await session.scalars(select(Draft))) == []
    await issuer.send("1985")
    assert issuer.last_reply().text.startswith("I found nothing on that.")  # not the form


async def test_cancel_on_the_summary_asks_once_and_stores_nothing(
    issuer: SimulatedUser, app: KaikuApplication
) -> None:
    await issue_new_card(issuer, confirm=False)
    await issuer.click("Cancel")
    assert issuer.last_reply().text.endswith("Discard this form? Nothing of it will be stored.")
    await issuer.click("« Back to the summary")
    assert issuer.last_reply().text.startswith("Please check the answers:")
    await issuer.click("Cancel")
    await issuer.click("Discard it")

    assert issuer.last_reply().text == "Cancelled. Nothing was stored."
    assert await issuances(app) == []


async def test_cancel_on_a_question_drops_the_form_at_once(
    issuer: SimulatedUser, app: KaikuApplication
) -> None:
    await open_form(issuer)
    await issuer.click("Cancel")

    assert issuer.last_reply().text == "Cancelled. Nothing was stored."
    await issuer.send("KK123456")  # no form waits for it any more
    assert issuer.last_reply().text.startswith("I found nothing on that.")
    async with app.services.database.read() as session:
        assert list(await session.scalars(select(Draft))) == []


async def test_a_button_from_an_old_message_has_expired_and_changes_nothing(
    issuer: SimulatedUser, app: KaikuApplication
) -> None:
    await open_form(issuer)
    number_question = issuer.last_reply()
    await issuer.send("KK123456")
    async with app.services.database.read() as session:
        before = [(d.step, d.answers) for d in await session.scalars(select(Draft))]

    # "Mobile card only (X)" on the card-number question, long after it was answered.
    await issuer.click_on(number_question.message_id, "Mobile card only (X)")

    assert issuer.last_callback_answer() is not None
    assert issuer.last_callback_answer().text == "This button has expired."  # type: ignore[union-attr]
    async with app.services.database.read() as session:
        assert [(d.step, d.answers) for d in await session.scalars(select(Draft))] == before


async def test_a_double_tap_on_confirm_stores_one_issuance(
    issuer: SimulatedUser, app: KaikuApplication
) -> None:
    await issue_new_card(issuer, confirm=False)
    summary = issuer.last_reply()
    data = summary.button("Confirm")
    assert data is not None
    first = issuer.model.user_clicks(issuer.id, summary.message_id, data["callback_data"])
    second = issuer.model.user_clicks_data(issuer.id, summary.message_id, data["callback_data"])
    await issuer.simulator.process(first)
    await issuer.simulator.process(second)

    assert len(await issuances(app)) == 1
    assert issuer.simulator.errors == []


async def test_a_form_untouched_for_a_day_is_deleted_and_the_issuer_told_next_time(
    issuer: SimulatedUser, app: KaikuApplication
) -> None:
    await open_form(issuer)
    await issuer.send("KK123456")
    await issuer.send("1985")
    async with app.services.database.write() as session:
        for draft in await session.scalars(select(Draft)):
            draft.updated_at -= timedelta(hours=25)
        await session.commit()

    (job,) = app.job_queue.get_jobs_by_name(DRAFTS_JOB)  # type: ignore[union-attr]
    await job.run(app)

    async with app.services.database.read() as session:
        (draft,) = await session.scalars(select(Draft))
    assert draft.answers == {}  # the answers are gone at once
    await issuer.send("02150")
    assert issuer.last_reply().text.startswith(
        "Your unfinished form was deleted because it was not touched for 24 hours."
    )
    await issuer.send("02150")
    assert issuer.last_reply().text.startswith("I found nothing on that.")  # not the form


async def test_an_answer_telegram_delivers_again_after_a_restart_counts_once(
    issuer: SimulatedUser, app: KaikuApplication
) -> None:
    await open_form(issuer)
    await issuer.send("KK123456")
    # The bot stored the birth year and replied, then died before confirming the update:
    # Telegram delivers the same update (same update_id) again.
    birth_year = issuer.model.user_sends_text(issuer.id, "1985")
    await issuer.simulator.process(birth_year)
    await issuer.simulator.process(birth_year)

    assert issuer.last_reply().text.startswith("The postal code of the client's home?")
    # The answer moved the form on once; the update delivered again only shows the current
    # question once more.
    asked = [m.text.split("?")[0] for m in issuer.replies_since_last_action()]
    assert asked == [
        "The client's year of birth",  # the answer to the card number, before it
        "The postal code of the client's home",
        "The postal code of the client's home",
    ]
    async with app.services.database.read() as session:
        (draft,) = await session.scalars(select(Draft))
    assert draft.step == "AWAITING_POSTAL_CODE"
    assert draft.answers["answers"]["postal_code"] is None
