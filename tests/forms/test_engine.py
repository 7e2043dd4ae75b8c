"""The form engine, on a small form declared here: every feature every form gets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import build_application, start_up
from bot.audience import PEOPLE
from bot.context import KaikuApplication
from bot.forms import Choice, Finished, Form, FormAnswers, Outcome, Question, Refusal, Step, Turn
from bot.forms.engine import CONFIRMING
from bot.forms.handlers import FormEngine
from bot.i18n import Translator
from bot.sandbox.telegram_model import TelegramModel
from bot.settings import Settings
from handlers.inviting import INVITING
from handlers.issuing import ISSUING
from storage.models import Draft, Role
from tests.support.fake_transport import FakeTelegramRequest
from tests.support.network import Network, add_person
from tests.support.simulator import SimulatedUser, TelegramSimulator, png_image

# The one stored "record" of the pet form (a form that confirms writes it here).
STORED: dict[str, Any] = {}
# Whether the person may still fill the form (a test takes it away mid-form).
IN_SCOPE = {"yes": True}


@dataclass
class PetAnswers(FormAnswers):
    name: str | None = None
    kind: str | None = None
    photo: str | None = None


PetTurn = Turn[PetAnswers]


async def start(turn: PetTurn) -> Outcome:
    """From empty, or from the stored pet opened on one of its answers ("petfix:<step>")."""
    if not turn.argument:
        return "NAME"
    if turn.argument not in ("NAME", "KIND") or not STORED:
        raise Refusal("There is no such pet answer.")
    turn.answers = PetAnswers.from_dict(STORED)
    turn.progress.editing = True
    return turn.argument


async def ask_name(turn: PetTurn) -> Question:
    return Question("Name?")


async def take_name(turn: PetTurn, text: str) -> Outcome:
    """Take the name (no digits)."""
    if any(character.isdigit() for character in text):
        raise Refusal("No digits, please.")
    turn.answers.name = text
    return turn.go(CONFIRMING if turn.editing else "KIND")


async def ask_kind(turn: PetTurn) -> Question:
    return Question("Kind?", [[Choice("Cat", "kind", "cat"), Choice("Dog", "kind", "dog")]])


async def take_kind(turn: PetTurn, value: str) -> Outcome:
    """Take the kind."""
    if value not in ("cat", "dog"):
        raise Refusal("Cats and dogs only.")
    turn.answers.kind = value
    return turn.go(CONFIRMING if turn.editing else "PHOTO")


async def ask_photo(turn: PetTurn) -> Question:
    return Question("Photo?", [[Choice("No photo", "none")]])


async def take_photo(turn: PetTurn, text: str) -> Outcome:
    """Take what the photo says."""
    turn.answers.photo = text or None
    return turn.go(CONFIRMING)


async def summary(turn: PetTurn) -> str:
    answers = turn.answers
    return f"Pet: {answers.name}, {answers.kind}, photo {answers.photo}"


async def confirm(turn: PetTurn) -> Outcome:
    STORED.clear()
    STORED.update(turn.answers.to_dict())
    return Finished(f"Stored {turn.answers.name}.")


def out_of_scope(turn: PetTurn) -> str | None:
    return None if IN_SCOPE["yes"] else "You may no longer keep pets."


def title(t: Translator) -> str:
    return "Pet form"


PETS: Form[PetAnswers] = Form(
    name="pet",
    command="pet",
    entry_buttons=("petfix",),
    audience=PEOPLE,
    answers=PetAnswers,
    title=title,
    start=start,
    steps={
        "NAME": Step(ask_name, typed=take_name),
        "KIND": Step(ask_kind, pressed={"kind": take_kind}),
        "PHOTO": Step(ask_photo, photo=take_photo, pressed={"none": take_photo}),
    },
    summary=summary,
    confirm=confirm,
    editable=lambda turn: [("Name", "NAME"), ("Kind", "KIND")],
    out_of_scope=out_of_scope,
    read_photo=lambda data: f"{len(data)} bytes",
)


@pytest.fixture(autouse=True)
def fresh_records() -> None:
    STORED.clear()
    IN_SCOPE["yes"] = True


@pytest.fixture
def pets(app: KaikuApplication) -> KaikuApplication:
    """The application with the pet form beside the real ones, ahead of them."""
    app.add_handlers(FormEngine([PETS, ISSUING, INVITING]).handlers(), group=-2)
    return app


@pytest.fixture
async def owner(sim: TelegramSimulator, pets: KaikuApplication, espoo: Network) -> SimulatedUser:
    """An issuer and coordinator of Espoo, who speaks English."""
    user = await sim.user("Olga", language_code="en")
    await add_person(
        pets.services.database,
        user.id,
        "Olga",
        (Role.ISSUER, espoo.units["family"]),
        (Role.COORDINATOR, espoo.localities["espoo"]),
    )
    return user


async def drafts_of(app: KaikuApplication) -> list[tuple[str, str]]:
    async with app.services.database.read() as session:
        return [(d.conversation, d.step) for d in await session.scalars(select(Draft))]


def newest_question(user: SimulatedUser) -> str:
    """The question at the end of the latest message (pressed questions stack up in one)."""
    return user.last_reply().text.rsplit("\n\n", 1)[-1]


async def test_a_form_is_filled_stored_step_by_step_and_confirmed(
    owner: SimulatedUser, pets: KaikuApplication, sim: TelegramSimulator
) -> None:
    await owner.send("/pet")
    assert owner.last_reply().text == "Name?"
    assert owner.buttons() == ["Cancel"]
    await owner.send("Misse")
    assert await drafts_of(pets) == [("pet", "KIND")]  # stored before the reply
    await owner.click("Cat")
    assert newest_question(owner) == "Photo?"
    assert owner.buttons() == ["No photo", "« Back", "Cancel"]
    await owner.send_photo(png_image(8, 8))
    assert owner.last_reply().text.startswith("Pet: Misse, cat, photo ")
    assert owner.buttons() == ["Confirm", "Edit an answer", "Cancel"]
    await owner.click("Confirm")

    assert owner.last_reply().text == "Stored Misse."
    assert STORED["name"] == "Misse"
    assert await drafts_of(pets) == []
    assert sim.errors == []


async def test_a_refused_answer_gets_its_reason_and_the_question_again_and_stores_nothing(
    owner: SimulatedUser, pets: KaikuApplication
) -> None:
    await owner.send("/pet")
    await owner.send("R2D2")

    assert owner.last_reply().text == "No digits, please.\n\nName?"
    assert await drafts_of(pets) == [("pet", "NAME")]


async def test_back_cancel_and_slash_cancel(owner: SimulatedUser, pets: KaikuApplication) -> None:
    await owner.send("/pet")
    await owner.send("Misse")
    await owner.click("« Back")
    assert newest_question(owner) == "Name?"
    await owner.send("Musti")
    await owner.click("Cancel")
    assert owner.last_reply().text == "Cancelled. Nothing was stored."
    assert await drafts_of(pets) == []

    await owner.send("/pet")
    await owner.send("/cancel")
    assert owner.last_reply().text == "Cancelled. Nothing was stored."
    assert await drafts_of(pets) == []


async def test_an_answer_is_changed_from_the_summary(owner: SimulatedUser) -> None:
    await owner.send("/pet")
    await owner.send("Misse")
    await owner.click("Cat")
    await owner.click("No photo")
    await owner.click("Edit an answer")
    await owner.click("Name")
    assert newest_question(owner) == "Name?"
    await owner.send("Mirri")
    assert owner.last_reply().text.startswith("Pet: Mirri, cat, photo None")
    await owner.click("Confirm")

    assert STORED["name"] == "Mirri"


async def test_a_button_of_an_older_question_has_expired(
    owner: SimulatedUser, pets: KaikuApplication, telegram: TelegramModel
) -> None:
    await owner.send("/pet")
    await owner.send("Misse")
    question = owner.last_reply()
    cat = question.button("Cat")
    assert cat is not None
    await owner.click("Dog")  # the question turns into the next one, with new buttons
    # The kind question's "Cat", pressed late (a second phone, a slow network):
    await owner.simulator.process(
        telegram.user_clicks_data(owner.id, question.message_id, cat["callback_data"])
    )

    assert owner.callback_answers()[-1].text == "This button has expired."
    assert await drafts_of(pets) == [("pet", "PHOTO")]


async def test_a_form_goes_on_in_a_new_application_after_a_restart(
    owner: SimulatedUser, pets: KaikuApplication, settings: Settings, telegram: TelegramModel
) -> None:
    await owner.send("/pet")
    await owner.send("Misse")

    # The first application is abandoned (as a crash would); a new one reads the same database.
    second = build_application(settings, request=FakeTelegramRequest(telegram))
    second.add_handlers(FormEngine([PETS, ISSUING, INVITING]).handlers(), group=-2)
    await second.initialize()
    await start_up(second)
    try:
        person = SimulatedUser(TelegramSimulator(telegram, second), owner.id, owner.first_name)
        await person.click("Dog")
        await person.click("No photo")
        await person.click("Confirm")
    finally:
        await second.shutdown()
        await second.services.database.dispose()

    assert STORED == {"name": "Misse", "kind": "dog", "photo": None}


async def test_an_answer_delivered_again_counts_once_whatever_its_update_id(
    owner: SimulatedUser, pets: KaikuApplication, telegram: TelegramModel
) -> None:
    await owner.send("/pet")
    # Telegram starts update ids anew (after a week without updates, or an emulator restart):
    # a lower id than before is a new update all the same.
    telegram.updates._next_id = 1
    misse = telegram.user_sends_text(owner.id, "Misse")
    await owner.simulator.process(misse)
    assert await drafts_of(pets) == [("pet", "KIND")]

    # The same message delivered again (the bot died before confirming it) counts once.
    await owner.simulator.process(misse)
    assert await drafts_of(pets) == [("pet", "KIND")]
    assert newest_question(owner) == "Kind?"


async def test_a_form_out_of_the_persons_scope_ends_at_the_next_step(
    owner: SimulatedUser, pets: KaikuApplication
) -> None:
    await owner.send("/pet")
    await owner.send("Misse")
    IN_SCOPE["yes"] = False
    await owner.click("Cat")

    assert owner.last_reply().text == "You may no longer keep pets."
    assert await drafts_of(pets) == []


async def test_a_form_that_starts_from_a_stored_record_opens_on_the_chosen_answer(
    owner: SimulatedUser, pets: KaikuApplication, telegram: TelegramModel
) -> None:
    STORED.update({"name": "Misse", "kind": "cat", "photo": None})
    await owner.send("/help")
    await owner.simulator.process(
        telegram.user_clicks_data(owner.id, owner.last_reply().message_id, "petfix:KIND")
    )
    assert newest_question(owner) == "Kind?"
    await owner.click("Dog")
    assert owner.last_reply().text == "Pet: Misse, dog, photo None"
    await owner.click("Confirm")

    assert STORED == {"name": "Misse", "kind": "dog", "photo": None}


async def test_a_photo_where_none_is_asked_for_gets_a_second_chance(owner: SimulatedUser) -> None:
    await owner.send("/pet")
    await owner.send_photo(png_image(8, 8))

    assert owner.last_reply().text == (
        "I can read a photo only when a question asks for one.\n\nName?"
    )


async def test_starting_another_form_asks_whether_to_go_on_or_discard(
    owner: SimulatedUser, pets: KaikuApplication, sim: TelegramSimulator
) -> None:
    await owner.send("/pet")
    await owner.send("Misse")
    await owner.send("/invite")
    assert newest_question(owner).startswith("You have an unfinished form: Pet form.")
    await owner.click("Go on with it")
    assert newest_question(owner) == "Kind?"
    assert await drafts_of(pets) == [("pet", "KIND")]

    await owner.send("/issue")
    await owner.click("Discard it and start anew")
    assert newest_question(owner).startswith("Check that all four apply to the client:")
    assert await drafts_of(pets) == [("iss", "CHECKING_ELIGIBILITY")]
    assert sim.errors == []


async def test_starting_the_same_form_again_asks_too(
    owner: SimulatedUser, pets: KaikuApplication
) -> None:
    await owner.send("/pet")
    await owner.send("Misse")
    await owner.send("/pet")
    await owner.click("Discard it and start anew")

    assert newest_question(owner) == "Name?"
    assert await drafts_of(pets) == [("pet", "NAME")]


async def test_cancel_on_the_summary_asks_before_discarding(
    owner: SimulatedUser, pets: KaikuApplication
) -> None:
    await owner.send("/pet")
    await owner.send("Misse")
    await owner.click("Cat")
    await owner.click("No photo")
    await owner.click("Cancel")
    assert newest_question(owner) == "Discard this form? Nothing of it will be stored."
    await owner.click("Discard it")

    assert owner.last_reply().text == "Cancelled. Nothing was stored."
    assert STORED == {}
