"""The user simulator drives a real PTB Application through the in-memory Telegram."""

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.sandbox.telegram_model import TelegramModel
from tests.support.fake_transport import FakeTelegramRequest
from tests.support.simulator import TelegramSimulator, png_image

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet by name and offer two choices."""
    assert update.effective_user is not None
    assert update.message is not None
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Kyllä", callback_data="answer:yes")],
            [InlineKeyboardButton("Ei", callback_data="answer:no")],
            [InlineKeyboardButton("Vanha", callback_data="expired")],
            [InlineKeyboardButton("Ohje", url="https://kaikukortti.fi")],
        ]
    )
    await update.message.reply_html(
        f"Hei <b>{update.effective_user.first_name}</b>! Jatketaanko?", reply_markup=keyboard
    )


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Repeat the text, yielding to the loop first so that people's updates interleave."""
    assert update.message is not None
    assert update.message.text is not None
    await asyncio.sleep(0)
    await update.message.reply_text(f"Sanoit: {update.message.text}")


async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Record the choice in the message itself and drop the buttons."""
    query = update.callback_query
    assert query is not None
    assert query.data is not None
    await query.answer()
    await query.edit_message_text(f"Valitsit: {query.data.removeprefix('answer:')}")


async def expired(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Tell the person the button is too old, as an alert."""
    assert update.callback_query is not None
    await update.callback_query.answer("Painike on vanhentunut", show_alert=True)


async def photo_size(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Download the photo and tell its size in bytes."""
    assert update.message is not None
    file = await update.message.photo[-1].get_file()
    data = await file.download_as_bytearray()
    await update.message.reply_text(f"Kuva: {len(data)} tavua, {update.message.caption}")


async def document_name(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Download the document and send it back under a new name."""
    assert update.message is not None
    assert update.message.document is not None
    file = await update.message.document.get_file()
    data = await file.download_as_bytearray()
    await update.message.reply_document(bytes(data).upper(), filename="takaisin.txt")


async def crash(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Fail, so that the simulator has an error to record."""
    raise RuntimeError("rikki")


async def later(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer from a non-blocking handler, several loop turns later."""
    assert update.message is not None
    for _ in range(5):
        await asyncio.sleep(0)
    await update.message.reply_text("Myöhemmin")


@pytest.fixture
def model() -> TelegramModel:
    return TelegramModel()


@pytest.fixture
async def application(model: TelegramModel) -> AsyncIterator[AnyApplication]:
    app = (
        ApplicationBuilder()
        .token("123:ABC")
        .request(FakeTelegramRequest(model))
        .get_updates_request(FakeTelegramRequest(model))
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("crash", crash))
    app.add_handler(CommandHandler("later", later, block=False))
    app.add_handler(CallbackQueryHandler(answer, pattern=r"^answer:"))
    app.add_handler(CallbackQueryHandler(expired, pattern=r"^expired$"))
    app.add_handler(MessageHandler(filters.PHOTO, photo_size))
    app.add_handler(MessageHandler(filters.Document.ALL, document_name))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    await app.initialize()
    yield app
    await app.shutdown()


@pytest.fixture
def simulator(model: TelegramModel, application: AnyApplication) -> TelegramSimulator:
    return TelegramSimulator(model, application)


async def test_a_command_is_answered_with_html_and_buttons(simulator: TelegramSimulator) -> None:
    aino = await simulator.user("Aino")

    await aino.send("/start")

    reply = aino.last_reply()
    assert reply.text == "Hei Aino! Jatketaanko?"
    assert reply.html == "Hei <b>Aino</b>! Jatketaanko?"
    assert aino.buttons() == ["Kyllä", "Ei", "Vanha", "Ohje"]
    assert simulator.model.calls[0].method == "getMe"


async def test_several_people_at_once_each_see_their_own_replies(
    simulator: TelegramSimulator, model: TelegramModel
) -> None:
    people = [await simulator.user(name) for name in ("Aino", "Bo", "Cecilia", "Daniel", "Eeva")]

    await asyncio.gather(*(person.send(f"Olen {person.first_name}") for person in people))

    for person in people:
        assert [m.text for m in person.replies_since_last_action()] == [
            f"Sanoit: Olen {person.first_name}"
        ]
        assert [m.from_bot for m in model.chat(person.id)] == [False, True]
    assert model.updates.pending == []


async def test_people_stay_apart_when_the_bot_runs_updates_concurrently(
    model: TelegramModel,
) -> None:
    transport = FakeTelegramRequest(model)
    app = (
        ApplicationBuilder()
        .token("123:ABC")
        .request(transport)
        .get_updates_request(transport)
        .concurrent_updates(8)
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, echo))
    async with app:
        simulator = TelegramSimulator(model, app)
        people = [await simulator.user(f"Henkilö {n}") for n in range(8)]
        await asyncio.gather(*(person.send(f"numero {n}") for n, person in enumerate(people)))

    assert [p.last_reply().text for p in people] == [f"Sanoit: numero {n}" for n in range(8)]


async def test_a_click_by_label_runs_the_callback_and_edits_in_place(
    simulator: TelegramSimulator, model: TelegramModel
) -> None:
    aino = await simulator.user("Aino")
    await aino.send("/start")

    await aino.click("Kyllä")

    reply = aino.last_reply()
    assert reply.text == "Valitsit: yes"
    assert reply.edited
    assert reply.history == ["Hei Aino! Jatketaanko?"]
    assert aino.buttons() == []
    assert aino.replies_since_last_action() == []
    answer_shown = aino.last_callback_answer()
    assert answer_shown is not None
    assert answer_shown.text is None
    assert model.unanswered_callback_queries() == []


async def test_a_click_uses_the_latest_message_with_that_label(
    simulator: TelegramSimulator,
) -> None:
    aino = await simulator.user("Aino")
    await aino.send("/start")
    await aino.send("/start")

    await aino.click("Ei")

    first, second = aino.simulator.model.bot_messages(aino.id)
    assert first.text == "Hei Aino! Jatketaanko?"
    assert second.text == "Valitsit: no"


async def test_an_expired_button_shows_an_alert(simulator: TelegramSimulator) -> None:
    aino = await simulator.user("Aino")
    await aino.send("/start")

    await aino.click("Vanha")

    answer_shown = aino.last_callback_answer()
    assert answer_shown is not None
    assert (answer_shown.text, answer_shown.show_alert) == ("Painike on vanhentunut", True)
    assert [a.text for a in aino.callback_answers()] == ["Painike on vanhentunut"]


async def test_clicking_a_missing_label_lists_the_buttons_shown(
    simulator: TelegramSimulator,
) -> None:
    aino = await simulator.user("Aino")
    await aino.send("/start")

    with pytest.raises(AssertionError, match=r"no button 'Peruuta'.*'Kyllä', 'Ei'"):
        await aino.click("Peruuta")
    with pytest.raises(AssertionError, match="sends no callback"):
        await aino.click("Ohje")


async def test_clicks_of_several_people_stay_apart(simulator: TelegramSimulator) -> None:
    aino, bo = await simulator.user("Aino"), await simulator.user("Bo", language_code="sv")
    await asyncio.gather(aino.send("/start"), bo.send("/start"))

    await asyncio.gather(aino.click("Kyllä"), bo.click("Ei"))

    assert aino.last_reply().text == "Valitsit: yes"
    assert bo.last_reply().text == "Valitsit: no"


async def test_a_photo_is_downloaded_by_the_bot(simulator: TelegramSimulator) -> None:
    aino = await simulator.user("Aino")
    image = png_image(320, 200)

    await aino.send_photo(image, caption="Kortti")

    assert aino.last_reply().text == f"Kuva: {len(image)} tavua, Kortti"


async def test_a_document_goes_to_the_bot_and_back(
    simulator: TelegramSimulator, model: TelegramModel
) -> None:
    aino = await simulator.user("Aino")

    await aino.send_document(b"hei maailma", "viesti.txt", "text/plain")

    reply = aino.last_reply()
    assert reply.kind == "document"
    assert reply.document is not None
    assert reply.document["file_name"] == "takaisin.txt"
    assert reply.file_id is not None
    assert model.file(reply.file_id).data == b"HEI MAAILMA"


async def test_an_exception_in_a_handler_is_recorded(simulator: TelegramSimulator) -> None:
    aino = await simulator.user("Aino")

    await aino.send("/crash")

    assert [str(error) for error in simulator.errors] == ["rikki"]


async def test_a_non_blocking_handler_is_finished_when_send_returns(
    simulator: TelegramSimulator, application: AnyApplication
) -> None:
    aino = await simulator.user("Aino")
    # Application.create_task tracks (and awaits) tasks only while the application runs.
    await application.start()
    try:
        await aino.send("/later")
        # Checked before stop(), which would wait for the task anyway.
        assert aino.last_reply().text == "Myöhemmin"
    finally:
        await application.stop()


async def test_last_reply_without_any_reply_fails_clearly(simulator: TelegramSimulator) -> None:
    aino = await simulator.user("Aino")

    with pytest.raises(AssertionError, match="has not written to Aino"):
        aino.last_reply()


async def test_the_real_updater_long_polls_the_model(model: TelegramModel) -> None:
    transport = FakeTelegramRequest(model)
    app = (
        ApplicationBuilder()
        .token("123:ABC")
        .request(transport)
        .get_updates_request(FakeTelegramRequest(model))
        .build()
    )
    replied = asyncio.Event()

    async def pong(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        await update.message.reply_text("pong")
        replied.set()

    app.add_handler(MessageHandler(filters.TEXT, pong))
    aino = model.add_user("Aino")
    async with app:
        assert app.updater is not None
        await app.start()
        await app.updater.start_polling(timeout=30)
        model.user_sends_text(aino, "ping")
        await asyncio.wait_for(replied.wait(), timeout=5)
        await app.updater.stop()
        await app.stop()

    assert model.bot_messages(aino)[-1].text == "pong"
    assert model.updates.pending == []  # stopping confirmed the offset
    assert "deleteWebhook" in [call.method for call in model.calls]
