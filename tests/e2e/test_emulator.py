"""The Bot API emulator over real HTTP: Telegram's addresses, encodings, errors and faults,
reached by PTB's own HTTPX transport and by plain HTTP requests."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from telegram import Bot
from telegram.error import InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.request import HTTPXRequest

from bot.outbox import retry_after
from bot.sandbox.errors import BotApiError
from bot.sandbox.server import EmulatorServer
from bot.sandbox.telegram_model import TelegramModel
from tests.e2e.conftest import E2E_TOKEN, wait_for
from tests.support.simulator import png_image


def real_bot(server: EmulatorServer, token: str = E2E_TOKEN, read_timeout: float = 5.0) -> Bot:
    """A PTB Bot with its real HTTP transport, pointed at the emulator."""
    return Bot(
        token,
        base_url=server.base_url,
        base_file_url=server.file_base_url,
        request=HTTPXRequest(read_timeout=read_timeout),
        get_updates_request=HTTPXRequest(read_timeout=read_timeout),
    )


@pytest.fixture
async def bot(emulator: EmulatorServer) -> AsyncIterator[Bot]:
    async with real_bot(emulator) as started:
        yield started


@pytest.fixture
def model(emulator: EmulatorServer) -> TelegramModel:
    return emulator.model


@pytest.fixture
def aino(model: TelegramModel) -> int:
    return model.add_user("Aino")


@pytest.fixture
async def http(emulator: EmulatorServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{emulator.port}") as client:
        yield client


async def test_the_emulator_listens_on_a_free_loopback_port(emulator: EmulatorServer) -> None:
    assert emulator.port > 0
    assert emulator.base_url == f"http://127.0.0.1:{emulator.port}/bot"


async def test_ptb_meets_the_bot_and_sends_through_http(
    bot: Bot, model: TelegramModel, aino: int
) -> None:
    assert bot.username == model.bot_username
    sent = await bot.send_message(aino, "<b>Hei</b>", parse_mode="HTML")
    assert sent.text == "Hei"
    assert model.bot_messages(aino)[-1].html == "<b>Hei</b>"


async def test_a_wrong_token_is_401_unauthorized(
    emulator: EmulatorServer, http: httpx.AsyncClient
) -> None:
    response = await http.get("/bot1:WRONG/getMe")
    assert response.status_code == 401
    assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    with pytest.raises(InvalidToken):
        async with real_bot(emulator, token="1:WRONG"):
            pass


async def test_parameters_arrive_as_query_form_or_json(
    http: httpx.AsyncClient, model: TelegramModel, aino: int
) -> None:
    url = f"/bot{E2E_TOKEN}/sendMessage"
    keyboard = {"inline_keyboard": [[{"text": "Kyllä", "callback_data": "yes"}]]}

    by_query = await http.get(url, params={"chat_id": aino, "text": "query"})
    by_form = await http.post(
        url, data={"chat_id": str(aino), "text": "form", "reply_markup": json.dumps(keyboard)}
    )
    by_json = await http.post(url, json={"chat_id": aino, "text": "json", "reply_markup": keyboard})

    for response in (by_query, by_form, by_json):
        assert response.status_code == 200
        assert response.json()["ok"] is True
    assert [m.text for m in model.bot_messages(aino)] == ["query", "form", "json"]
    assert [m.button_labels() for m in model.bot_messages(aino)] == [[], ["Kyllä"], ["Kyllä"]]


async def test_errors_come_in_telegrams_envelope_with_its_status(
    http: httpx.AsyncClient, aino: int
) -> None:
    url = f"/bot{E2E_TOKEN}/sendMessage"
    too_long = await http.post(url, data={"chat_id": str(aino), "text": "x" * 4097})
    unknown = await http.post(f"/bot{E2E_TOKEN}/sendTelepathy")
    elsewhere = await http.get("/favicon.ico")

    assert too_long.status_code == 400
    assert too_long.json() == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: message is too long",
    }
    assert (unknown.status_code, unknown.json()["description"]) == (404, "Not Found")
    assert (elsewhere.status_code, elsewhere.json()["description"]) == (404, "Not Found")


async def test_an_uploaded_photo_downloads_from_the_file_address(
    bot: Bot, model: TelegramModel, aino: int
) -> None:
    image = png_image(32, 24)

    sent = await bot.send_photo(aino, image, caption="Kuva")
    file = await bot.get_file(sent.photo[-1].file_id)
    downloaded = await file.download_as_bytearray()

    assert bytes(downloaded) == image
    assert model.bot_messages(aino)[-1].kind == "photo"
    assert file.file_path is not None
    assert "/file/bot" in file.file_path


async def test_get_updates_long_polls_until_a_person_writes(
    bot: Bot, model: TelegramModel, aino: int
) -> None:
    polling = asyncio.create_task(bot.get_updates(timeout=20))
    await wait_for(lambda: any(c.method == "getUpdates" for c in model.calls), what="the poll")
    assert not polling.done()

    model.user_sends_text(aino, "Hei")

    updates = await asyncio.wait_for(polling, 10)
    assert [u.message.text for u in updates if u.message] == ["Hei"]
    confirmed = await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)
    assert confirmed == ()
    assert model.updates.pending == []


async def test_429_and_5xx_from_the_model_reach_ptb(
    bot: Bot, model: TelegramModel, aino: int
) -> None:
    model.fail_next("sendMessage", BotApiError.too_many_requests(3))
    model.fail_next("getMe", BotApiError(502, "Bad Gateway"))

    with pytest.raises(RetryAfter) as flood:
        await bot.send_message(aino, "Hei")
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.get_me()

    assert retry_after(flood.value) == timedelta(seconds=3)
    assert (await bot.send_message(aino, "Hei taas")).text == "Hei taas"


async def test_a_dropped_connection_is_a_network_error_and_the_next_call_works(
    emulator: EmulatorServer, bot: Bot, aino: int
) -> None:
    emulator.drop_next(1, method="sendMessage")

    with pytest.raises(NetworkError):
        await bot.send_message(aino, "Lost")

    assert emulator.dropped == 1
    assert (await bot.send_message(aino, "Arrives")).text == "Arrives"
    assert [m.text for m in emulator.model.bot_messages(aino)] == ["Arrives"]


async def test_a_slow_answer_arrives_late_or_times_out(
    emulator: EmulatorServer, bot: Bot, aino: int
) -> None:
    emulator.delay_next(0.2, method="sendMessage")
    emulator.delay_next(30, method="sendMessage")
    loop = asyncio.get_running_loop()

    started = loop.time()
    assert (await bot.send_message(aino, "Slow")).text == "Slow"
    assert loop.time() - started >= 0.2
    async with real_bot(emulator, read_timeout=0.5) as impatient:
        with pytest.raises(TimedOut):
            await impatient.send_message(aino, "Too slow")

    assert emulator.delayed == 2
    # The client gave up before the delay ended: the model never saw that message.
    assert [m.text for m in emulator.model.bot_messages(aino)] == ["Slow"]


async def test_stopping_ends_a_waiting_long_poll(emulator: EmulatorServer, bot: Bot) -> None:
    polling = asyncio.create_task(bot.get_updates(timeout=30))
    await wait_for(
        lambda: any(c.method == "getUpdates" for c in emulator.model.calls), what="the poll"
    )

    await emulator.stop()

    with pytest.raises(NetworkError):
        await asyncio.wait_for(polling, 10)
