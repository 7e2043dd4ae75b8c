"""A photo of the card's code fills in the number; the photo is deleted, never stored."""

from __future__ import annotations

import zxingcpp
from sqlalchemy import select

from bot.context import KaikuApplication
from bot.sandbox.telegram_model import TelegramModel
from storage.models import Base
from tests.issuing.conftest import issuances, open_form
from tests.support.simulator import SimulatedUser, png_image
from tests.test_barcodes import encoded, photo_of, render


async def test_a_photo_of_a_qr_code_gives_the_number_and_is_deleted(
    issuer: SimulatedUser, app: KaikuApplication, telegram: TelegramModel
) -> None:
    await open_form(issuer)
    picture = photo_of(render("KK123456", zxingcpp.BarcodeFormat.QRCode), (900, 700), angle=4)
    await issuer.send_photo(encoded(picture, "JPEG", quality=85))

    assert issuer.last_reply().text.startswith(
        "Read from the photo: KK123456\n\nThe client's year of birth?"
    )
    photos = [m for m in telegram.chat(issuer.id) if m.photo and not m.from_bot]
    assert [m.deleted for m in photos] == [True]
    async with app.services.database.read() as session:
        for table in Base.metadata.sorted_tables:
            rows = [tuple(row) for row in await session.execute(select(table))]
            assert "photo" not in repr(rows).lower()


async def test_a_code_39_barcode_works_for_the_replacement_card_too(
    issuer: SimulatedUser, app: KaikuApplication
) -> None:
    await open_form(issuer, "Replacement of a lost card")
    await issuer.send("KK100200")  # typed: the lost card is lost
    picture = render("KK100300", zxingcpp.BarcodeFormat.Code39)
    await issuer.send_photo(encoded(picture, "PNG"))
    assert issuer.last_reply().text.startswith("Read from the photo: KK100300")


async def test_a_photo_without_a_code_gets_a_second_chance(
    issuer: SimulatedUser, app: KaikuApplication, telegram: TelegramModel
) -> None:
    await open_form(issuer)
    await issuer.send_photo(png_image(200, 120))

    assert issuer.last_reply().text.startswith("I could not read a code in the photo.")
    assert issuer.last_reply().text.endswith("choose X.")
    await issuer.send("KK123456")
    assert issuer.last_reply().text.startswith("The client's year of birth?")
    assert await issuances(app) == []
