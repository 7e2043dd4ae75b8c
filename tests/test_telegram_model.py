"""The in-memory Telegram model: Telegram's limits, texts, updates and files, by both doors."""

import asyncio
import io
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
)
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, NetworkError, RetryAfter

from bot.sandbox.telegram_model import BotApiError, TelegramModel
from tests.support.fake_transport import FakeTelegramRequest
from tests.support.simulator import png_image

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)


@pytest.fixture
def model() -> TelegramModel:
    return TelegramModel()


@pytest.fixture
def aino(model: TelegramModel) -> int:
    return model.add_user("Aino", username="aino")


@pytest.fixture
async def bot(model: TelegramModel) -> AsyncIterator[Bot]:
    """A real PTB Bot whose requests go to the model as HTTP would carry them."""
    transport = FakeTelegramRequest(model)
    async with Bot("123:ABC", request=transport, get_updates_request=transport) as real_bot:
        yield real_bot


def send(model: TelegramModel, chat_id: int, text: str, **params: Any) -> Any:
    """Call sendMessage the way PTB does over HTTP: every value a string."""
    wire = {"chat_id": str(chat_id), "text": text}
    for name, value in params.items():
        wire[name] = value if isinstance(value, str) else json.dumps(value)
    return model.handle("sendMessage", wire)


def error_of(call: Any) -> BotApiError:
    with pytest.raises(BotApiError) as caught:
        call()
    return caught.value


# -- messages and their limits -------------------------------------------------------------------


def test_a_sent_message_comes_back_as_telegram_returns_it(model: TelegramModel, aino: int) -> None:
    result = send(model, aino, "Hei")

    assert result["message_id"] == 1
    assert result["from"] == {
        "id": 7000000001,
        "is_bot": True,
        "first_name": "Kaikubot",
        "username": "kaikubot_sandbox_bot",
    }
    assert result["chat"] == {
        "id": aino,
        "first_name": "Aino",
        "username": "aino",
        "type": "private",
    }
    assert isinstance(result["date"], int)
    assert result["text"] == "Hei"
    assert "entities" not in result
    assert "reply_markup" not in result


@pytest.mark.parametrize("text", ["", "   \n "])
def test_an_empty_text_is_refused(model: TelegramModel, aino: int, text: str) -> None:
    error = error_of(lambda: send(model, aino, text))

    assert (error.error_code, error.description) == (400, "Bad Request: message text is empty")
    assert model.chat(aino) == []


def test_4096_characters_pass_and_4097_are_too_long(model: TelegramModel, aino: int) -> None:
    send(model, aino, "x" * 4096)
    error = error_of(lambda: send(model, aino, "x" * 4097))

    assert error.description == "Bad Request: message is too long"


def test_html_is_measured_by_what_the_person_reads(model: TelegramModel, aino: int) -> None:
    send(model, aino, "<b>" + "x" * 4095 + "</b>&amp;", parse_mode="HTML")
    error = error_of(lambda: send(model, aino, "<i>" + "&lt;" * 4097 + "</i>", parse_mode="HTML"))

    message = model.chat(aino)[-1]
    assert len(message.text) == 4096
    assert message.text.endswith("x&")
    assert message.html.startswith("<b>x")
    assert error.description == "Bad Request: message is too long"


def test_html_becomes_plain_text_and_entities(model: TelegramModel, aino: int) -> None:
    html = (
        '<b>Hei</b> <a href="https://kaikukortti.fi">linkki</a> <tg-spoiler>salaisuus</tg-spoiler> '
        '<pre><code class="language-python">x = 1</code></pre> <span class="tg-spoiler">s</span>'
        " <blockquote expandable>lainaus</blockquote> 😀<u>a</u> &quot;&#65;&#x42;&gt;"
    )
    result = send(model, aino, html, parse_mode="HTML")

    assert result["text"] == 'Hei linkki salaisuus x = 1 s lainaus 😀a "AB>'
    assert result["entities"] == [
        {"type": "bold", "offset": 0, "length": 3},
        {"type": "text_link", "offset": 4, "length": 6, "url": "https://kaikukortti.fi"},
        {"type": "spoiler", "offset": 11, "length": 9},
        {"type": "pre", "offset": 21, "length": 5, "language": "python"},
        {"type": "spoiler", "offset": 27, "length": 1},
        {"type": "expandable_blockquote", "offset": 29, "length": 7},
        # The emoji takes two UTF-16 code units, so the underline starts at 39, not 38.
        {"type": "underline", "offset": 39, "length": 1},
    ]


@pytest.mark.parametrize(
    ("html", "detail"),
    [
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<br>", 'Unsupported start tag "br" at byte offset 0'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("ä <b", "Unclosed start tag at byte offset 3"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("<a href=x/>y</a>", "Unexpected end of name token at byte offset 8"),
    ],
)
def test_malformed_html_is_refused_in_telegram_words(
    model: TelegramModel, aino: int, html: str, detail: str
) -> None:
    error = error_of(lambda: send(model, aino, html, parse_mode="HTML"))

    assert error.description == f"Bad Request: can't parse entities: {detail}"


def test_a_caption_holds_1024_characters(model: TelegramModel, aino: int) -> None:
    params = {"chat_id": str(aino), "caption": "x" * 1025}
    error = error_of(
        lambda: model.handle("sendPhoto", params, {"photo": ("a.png", png_image(4, 3))})
    )

    assert error.description == "Bad Request: message caption is too long"


# -- keyboards ------------------------------------------------------------------------------------


def test_callback_data_holds_64_bytes(model: TelegramModel, aino: int) -> None:
    def markup(data: str) -> dict[str, Any]:
        return {"inline_keyboard": [[{"text": "OK", "callback_data": data}]]}

    send(model, aino, "64 bytes", reply_markup=markup("x" * 64))
    too_long = error_of(lambda: send(model, aino, "65", reply_markup=markup("x" * 65)))
    # Bytes, not characters: 33 × "ä" is 66 bytes.
    multibyte = error_of(lambda: send(model, aino, "66", reply_markup=markup("ä" * 33)))

    assert too_long.description == multibyte.description == "Bad Request: BUTTON_DATA_INVALID"


@pytest.mark.parametrize(
    ("markup", "detail"),
    [
        ("{not json", "can't parse reply keyboard markup JSON object"),
        ('"text"', "object expected as reply markup"),
        (
            {"inline_keyboard": [{"text": "x", "callback_data": "x"}]},
            'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays',
        ),
        (
            {"inline_keyboard": [[{"text": "x"}]]},
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
        ),
        (
            {"inline_keyboard": [[{"callback_data": "x"}]]},
            "can't parse inline keyboard button: Can't find field \"text\"",
        ),
        (
            {"inline_keyboard": [[{"text": "x", "callback_data": "x", "url": "https://a.fi"}]]},
            "can't parse inline keyboard button: exactly one of the optional fields must be "
            "used, not url, callback_data",
        ),
        (
            {"inline_keyboard": [[{"text": "x", "url": "ftp://a.fi"}]]},
            "inline keyboard button URL 'ftp://a.fi' is invalid: Unsupported URL protocol",
        ),
        (
            {"keyboard": [["Yes"]], "resize_keyboard": "yes"},
            'field "resize_keyboard" of the ReplyKeyboardMarkup must be of the type Boolean',
        ),
    ],
)
def test_invalid_markup_is_refused(
    model: TelegramModel, aino: int, markup: object, detail: str
) -> None:
    error = error_of(lambda: send(model, aino, "Valitse", reply_markup=markup))

    assert error.description == f"Bad Request: {detail}"


KEYBOARD = {
    "keyboard": [["Kyllä", {"text": "Ei"}]],
    "resize_keyboard": True,
    "is_persistent": False,
    "input_field_placeholder": "Vastaa",
}


def test_reply_keyboards_stay_in_the_client_until_removed(model: TelegramModel, aino: int) -> None:
    result = send(model, aino, "Jatketaanko?", reply_markup=KEYBOARD)
    model.user_sends_text(aino, "Kyllä")
    shown = model.reply_keyboard(aino)
    send(model, aino, "Selvä", reply_markup={"remove_keyboard": True})
    force = {"force_reply": True, "input_field_placeholder": "Nimi"}
    send(model, aino, "Nimesi?", reply_markup=force)

    assert "reply_markup" not in result  # a Message only ever carries an inline keyboard
    assert shown is not None
    assert shown["keyboard"] == [[{"text": "Kyllä"}, {"text": "Ei"}]]
    assert model.reply_keyboard(aino) is None
    assert model.chat(aino)[-1].reply_markup == force


def test_a_one_time_keyboard_hides_once_used(model: TelegramModel, aino: int) -> None:
    send(model, aino, "Jatketaanko?", reply_markup={**KEYBOARD, "one_time_keyboard": True})
    model.user_sends_text(aino, "Jotain muuta")
    still_shown = model.reply_keyboard(aino)

    model.user_sends_text(aino, "Ei")

    assert still_shown is not None
    assert model.reply_keyboard(aino) is None


# -- edits and deletions --------------------------------------------------------------------------


def test_editing_to_the_same_text_and_markup_is_not_a_modification(
    model: TelegramModel, aino: int
) -> None:
    markup = {"inline_keyboard": [[{"text": "OK", "callback_data": "ok"}]]}
    send(model, aino, "<b>Hei</b>", parse_mode="HTML", reply_markup=markup)
    edit = {"chat_id": str(aino), "message_id": "1", "text": "<b>Hei</b>", "parse_mode": "HTML"}

    same = error_of(
        lambda: model.handle("editMessageText", {**edit, "reply_markup": json.dumps(markup)})
    )
    # Leaving the keyboard out of an edit removes it, which is a modification.
    result = model.handle("editMessageText", edit)

    assert same.description == NOT_MODIFIED
    assert "reply_markup" not in result
    assert isinstance(result["edit_date"], int)
    message = model.chat(aino)[0]
    assert (message.edited, message.text, message.reply_markup) == (True, "Hei", None)


def test_a_reply_keyboard_is_not_part_of_the_message_to_edit(
    model: TelegramModel, aino: int
) -> None:
    send(model, aino, "Jatketaanko?", reply_markup=KEYBOARD)

    error = error_of(
        lambda: model.handle(
            "editMessageText", {"chat_id": aino, "message_id": 1, "text": "Jatketaanko?"}
        )
    )

    assert error.description == NOT_MODIFIED


def test_edits_change_the_message_in_place_and_keep_history(
    model: TelegramModel, aino: int
) -> None:
    send(model, aino, "Yksi")
    model.handle("editMessageText", {"chat_id": aino, "message_id": 1, "text": "Kaksi"})

    (message,) = model.chat(aino)
    assert message.text == "Kaksi"
    assert message.history == ["Yksi"]


def test_missing_messages_cannot_be_edited_or_deleted(model: TelegramModel, aino: int) -> None:
    send(model, aino, "Hei")
    model.handle("deleteMessage", {"chat_id": str(aino), "message_id": "1"})

    edit = error_of(
        lambda: model.handle("editMessageText", {"chat_id": aino, "message_id": 1, "text": "x"})
    )
    delete = error_of(lambda: model.handle("deleteMessage", {"chat_id": aino, "message_id": 1}))
    never = error_of(
        lambda: model.handle("editMessageText", {"chat_id": aino, "message_id": 9, "text": "x"})
    )

    assert edit.description == never.description == "Bad Request: message to edit not found"
    assert delete.description == "Bad Request: message to delete not found"
    assert model.chat(aino)[0].deleted


def test_a_reply_carries_the_message_it_answers(model: TelegramModel, aino: int) -> None:
    model.user_sends_text(aino, "Kysymys")

    result = send(model, aino, "Vastaus", reply_parameters={"message_id": 1})

    assert result["reply_to_message"]["text"] == "Kysymys"
    assert result["reply_to_message"]["from"]["id"] == aino


# -- chats and people -----------------------------------------------------------------------------


def test_an_unknown_chat_is_not_found(model: TelegramModel) -> None:
    error = error_of(lambda: send(model, 424242, "Hei"))

    assert error.description == "Bad Request: chat not found"


def test_a_person_who_blocked_the_bot_cannot_be_written_to(model: TelegramModel, aino: int) -> None:
    model.block_bot(aino)
    blocked = error_of(lambda: send(model, aino, "Hei"))
    model.unblock_bot(aino)

    assert (blocked.error_code, blocked.description) == (
        403,
        "Forbidden: bot was blocked by the user",
    )
    assert send(model, aino, "Hei")["text"] == "Hei"
    assert model.blocked == set()


def test_a_person_who_never_opened_the_bot_cannot_be_written_to_first(model: TelegramModel) -> None:
    stranger = model.add_user("Bo", started=False)

    error = error_of(lambda: send(model, stranger, "Hei"))

    assert (error.error_code, error.description) == (
        403,
        "Forbidden: bot can't initiate conversation with a user",
    )


def test_a_command_from_a_person_carries_its_bot_command_entity(
    model: TelegramModel, aino: int
) -> None:
    update = model.user_sends_text(aino, "/start ref_7")

    message = update["message"]
    assert message["from"]["language_code"] == "fi"
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]


def test_a_click_on_a_button_the_message_lacks_is_a_test_error(
    model: TelegramModel, aino: int
) -> None:
    markup = {"inline_keyboard": [[{"text": "OK", "callback_data": "ok"}]]}
    send(model, aino, "Valitse", reply_markup=markup)

    update = model.user_clicks(aino, 1, "ok")
    with pytest.raises(ValueError, match="has no button with callback_data 'nope'"):
        model.user_clicks(aino, 1, "nope")

    query = update["callback_query"]
    assert query["data"] == "ok"
    assert query["message"]["reply_markup"] == markup
    assert query["from"]["id"] == aino


def test_a_forged_click_carries_any_data(model: TelegramModel, aino: int) -> None:
    send(
        model,
        aino,
        "Valitse",
        reply_markup={"inline_keyboard": [[{"text": "OK", "callback_data": "ok"}]]},
    )

    update = model.user_clicks_data(aino, 1, "admin:delete_everything")

    assert update["callback_query"]["data"] == "admin:delete_everything"


def test_a_button_press_is_answered_once(model: TelegramModel, aino: int) -> None:
    send(
        model,
        aino,
        "Valitse",
        reply_markup={"inline_keyboard": [[{"text": "OK", "callback_data": "ok"}]]},
    )
    query_id = model.user_clicks(aino, 1, "ok")["callback_query"]["id"]
    answer = {"callback_query_id": query_id, "text": "Vanhentunut", "show_alert": "true"}

    model.handle("answerCallbackQuery", answer)
    again = error_of(lambda: model.handle("answerCallbackQuery", answer))

    recorded = model.callback_queries[query_id].answer
    assert recorded is not None
    assert (recorded.text, recorded.show_alert) == ("Vanhentunut", True)
    assert again.description == (
        "Bad Request: query is too old and response timeout expired or query ID is invalid"
    )


# -- the Bot API surface --------------------------------------------------------------------------


def test_method_names_are_case_insensitive_and_recorded_canonically(
    model: TelegramModel, aino: int
) -> None:
    model.handle("SENDMESSAGE", {"chat_id": aino, "text": "Hei", "disable_notification": "true"})

    call = model.calls[-1]
    assert call.method == "sendMessage"
    assert call.params == {"chat_id": aino, "text": "Hei", "disable_notification": True}


def test_an_unknown_method_fails_loudly(model: TelegramModel) -> None:
    error = error_of(lambda: model.handle("sendSticker", {"chat_id": "1", "sticker": "x"}))

    assert (error.error_code, error.description) == (404, "Not Found")
    assert model.unknown_methods == ["sendSticker"]


def test_an_error_has_telegrams_envelope() -> None:
    assert BotApiError.too_many_requests(3).to_json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 3",
        "parameters": {"retry_after": 3},
    }
    assert "parameters" not in BotApiError(400, "Bad Request: chat not found").to_json()


async def test_commands_are_kept_per_scope_and_language(model: TelegramModel, bot: Bot) -> None:
    aino = model.add_user("Aino", language_code="fi")
    bo = model.add_user("Bo", language_code="sv")
    await bot.set_my_commands([BotCommand("start", "Start")])
    await bot.set_my_commands(
        [BotCommand("aloita", "Aloita")],
        scope=BotCommandScopeAllPrivateChats(),
        language_code="fi",
    )

    finnish = await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats(), language_code="fi")

    assert [c.command for c in finnish] == ["aloita"]
    assert await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats()) == ()
    assert model.commands_for(None, None) == [{"command": "start", "description": "Start"}]
    assert model.commands_seen_by(aino) == [{"command": "aloita", "description": "Aloita"}]
    assert model.commands_seen_by(bo) == [{"command": "start", "description": "Start"}]


async def test_profile_texts_and_menu_button(model: TelegramModel, bot: Bot) -> None:
    await bot.set_my_description("Kaikukortin apuri", language_code="fi")
    await bot.set_my_short_description("Apuri")

    assert (await bot.get_my_description(language_code="fi")).description == "Kaikukortin apuri"
    assert (await bot.get_my_short_description(language_code="fi")).short_description == "Apuri"
    assert (await bot.get_my_name()).name == "Kaikubot"
    assert (await bot.get_chat_menu_button()).type == "commands"


# -- updates --------------------------------------------------------------------------------------


def test_an_offset_confirms_the_updates_below_it(model: TelegramModel, aino: int) -> None:
    first = model.user_sends_text(aino, "yksi")["update_id"]
    second = model.user_sends_text(aino, "kaksi")["update_id"]

    everything = model.handle("getUpdates", {})
    after_first = model.handle("getUpdates", {"offset": str(second)})
    after_both = model.handle("getUpdates", {"offset": str(second + 1)})

    assert [u["update_id"] for u in everything] == [first, second]
    assert [u["message"]["text"] for u in after_first] == ["kaksi"]
    assert after_both == []
    assert model.updates.pending == []


async def test_a_long_poll_wakes_when_a_person_writes(model: TelegramModel, aino: int) -> None:
    poll = asyncio.create_task(model.get_updates(offset=None, timeout=30))
    for _ in range(3):
        await asyncio.sleep(0)  # let the poll reach its wait; no time passes
    assert not poll.done()

    model.user_sends_text(aino, "Hei")
    updates = await asyncio.wait_for(poll, timeout=5)

    assert [u["message"]["text"] for u in updates] == ["Hei"]


async def test_a_long_poll_with_nothing_to_say_returns_empty(model: TelegramModel) -> None:
    assert await asyncio.wait_for(model.get_updates(offset=None, timeout=0.01), timeout=5) == []


async def test_a_second_poll_ends_the_first_with_a_conflict(model: TelegramModel, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=30))
    for _ in range(5):
        await asyncio.sleep(0)

    second = await asyncio.wait_for(bot.get_updates(timeout=0), timeout=5)

    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await asyncio.wait_for(first, timeout=5)
    assert second == ()


def test_dropping_pending_updates_forgets_them(model: TelegramModel, aino: int) -> None:
    model.user_sends_text(aino, "Hei")

    model.handle("deleteWebhook", {"drop_pending_updates": "true"})

    assert model.handle("getUpdates", {}) == []


# -- files ----------------------------------------------------------------------------------------


async def test_a_photo_from_a_person_downloads_through_ptb(
    model: TelegramModel, aino: int, bot: Bot
) -> None:
    image = png_image(640, 480)
    update = model.user_sends_photo(aino, image, caption="Kortti")
    (size,) = update["message"]["photo"]

    file = await bot.get_file(size["file_id"])
    downloaded = await file.download_as_bytearray()

    assert (size["width"], size["height"], size["file_size"]) == (640, 480, len(image))
    assert update["message"]["caption"] == "Kortti"
    assert file.file_path is not None
    assert file.file_path.startswith("https://api.telegram.org/file/bot123:ABC/photos/")
    assert bytes(downloaded) == image


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "GIF", "WEBP"])
def test_a_photo_has_the_size_of_its_image(
    model: TelegramModel, aino: int, image_format: str
) -> None:
    image_module = pytest.importorskip("PIL.Image")
    buffer = io.BytesIO()
    image_module.new("RGB", (123, 45)).save(buffer, format=image_format)

    (size,) = model.user_sends_photo(aino, buffer.getvalue())["message"]["photo"]

    assert (size["width"], size["height"]) == (123, 45)


async def test_a_document_the_bot_uploads_can_be_read_back(
    model: TelegramModel, aino: int, bot: Bot
) -> None:
    sent = await bot.send_document(aino, document=b"nimi;kortti\n", filename="raportti.csv")

    message = model.bot_messages(aino)[-1]
    assert message.kind == "document"
    assert message.file_id is not None
    assert model.file(message.file_id).data == b"nimi;kortti\n"
    assert sent.document is not None
    assert (sent.document.file_name, sent.document.mime_type) == ("raportti.csv", "text/csv")
    again = await bot.send_document(aino, document=sent.document.file_id)
    assert again.document is not None
    assert again.document.file_id == sent.document.file_id


async def test_the_bot_can_only_send_images_as_photos(
    model: TelegramModel, aino: int, bot: Bot
) -> None:
    photo = await bot.send_photo(
        aino, photo=png_image(90, 60), caption="<i>Kuva</i>", parse_mode="HTML"
    )

    with pytest.raises(BadRequest, match="Image_process_failed"):
        await bot.send_photo(aino, photo=b"not an image")
    assert (photo.photo[-1].width, photo.photo[-1].height) == (90, 60)
    assert photo.caption == "Kuva"
    assert model.chat(aino)[-1].text == "Kuva"


# -- through a real PTB Bot: PTB's own exceptions ------------------------------------------------


async def test_ptb_raises_its_real_exceptions(model: TelegramModel, aino: int, bot: Bot) -> None:
    model.block_bot(aino)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(aino, "Hei")
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(1, "Hei")
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(aino, "")
    with pytest.raises(InvalidToken, match="Not Found"):
        await bot.send_sticker(aino, sticker="CAACAgIAAxkBAAE")
    assert model.unknown_methods == ["sendSticker"]


# PTB's own RetryAfter constructor warns that retry_after will become a timedelta.
@pytest.mark.filterwarnings("ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning")
async def test_injected_flood_control_becomes_retry_after(
    model: TelegramModel, aino: int, bot: Bot
) -> None:
    model.fail_next("sendMessage", BotApiError.too_many_requests(7), count=2)

    for _ in range(2):
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(aino, "Hei")
        assert caught.value.retry_after == 7
    await bot.send_message(aino, "Hei")

    assert [c.method for c in model.calls[-3:]] == ["sendMessage"] * 3
    assert [c.error is None for c in model.calls[-3:]] == [False, False, True]


async def test_an_injected_server_error_becomes_network_error(
    model: TelegramModel, aino: int, bot: Bot
) -> None:
    model.fail_next(None, BotApiError(502, "Bad Gateway"))

    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.get_me()
    assert (await bot.send_message(aino, "Hei")).text == "Hei"


async def test_a_wrong_token_is_unauthorized() -> None:
    model = TelegramModel(token="123:ABC")
    aino = model.add_user("Aino")
    with pytest.raises(InvalidToken, match="rejected by the server"):
        async with Bot("999:XYZ", request=FakeTelegramRequest(model)):
            pass
    async with Bot("123:ABC", request=FakeTelegramRequest(model)) as right:
        assert (await right.send_message(aino, "Hei")).text == "Hei"


async def test_inline_keyboards_from_ptb_reach_the_model(
    model: TelegramModel, aino: int, bot: Bot
) -> None:
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Kyllä", callback_data="yes"),
                InlineKeyboardButton("Ei", callback_data="no"),
            ]
        ]
    )

    sent = await bot.send_message(aino, "Jatketaanko?", reply_markup=markup)

    assert sent.reply_markup == markup
    assert model.chat(aino)[-1].button_labels() == ["Kyllä", "Ei"]
