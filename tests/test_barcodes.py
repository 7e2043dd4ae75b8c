"""Card codes are read from photos as Telegram delivers them: JPEG or PNG bytes in memory."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image, ImageFilter

from bot.barcodes import decode_card_code


def render(text: str, barcode_format: zxingcpp.BarcodeFormat, scale: int = 4) -> Image.Image:
    """A clean greyscale image of the code, with its quiet zone."""
    barcode = zxingcpp.create_barcode(text, barcode_format)
    return Image.fromarray(barcode.to_image(scale=scale)).convert("L")


def encoded(picture: Image.Image, image_format: str, **options: int) -> bytes:
    """The picture as file bytes, as a photo upload would carry them."""
    buffer = io.BytesIO()
    picture.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def photo_of(code: Image.Image, size: tuple[int, int], *, angle: float = 0) -> Image.Image:
    """The code pasted onto a larger noisy grey background, slightly tilted and blurred."""
    background = Image.effect_noise(size, 40).point(lambda value: value // 2 + 70)
    card = Image.new("L", (code.width + 80, code.height + 80), 235)
    card.paste(code, (40, 40))
    card = card.rotate(angle, expand=True, fillcolor=110)
    background.paste(card, ((size[0] - card.width) // 2, (size[1] - card.height) // 3))
    return background.filter(ImageFilter.GaussianBlur(1))


@pytest.mark.parametrize(
    ("text", "barcode_format"),
    [
        ("KK123456", zxingcpp.BarcodeFormat.QRCode),
        ("KK123456", zxingcpp.BarcodeFormat.Code39),
        ("AB-1234-5678", zxingcpp.BarcodeFormat.Code39),
        ("kk123456", zxingcpp.BarcodeFormat.Code128),
        ("12345678", zxingcpp.BarcodeFormat.DataMatrix),
    ],
)
@pytest.mark.parametrize("image_format", ["PNG", "JPEG"])
def test_a_clean_code_is_read_as_its_raw_text(
    text: str, barcode_format: zxingcpp.BarcodeFormat, image_format: str
) -> None:
    image = encoded(render(text, barcode_format), image_format)
    assert decode_card_code(image) == text


@pytest.mark.parametrize(
    ("text", "barcode_format"),
    [
        ("KK123456", zxingcpp.BarcodeFormat.QRCode),
        ("KK123456", zxingcpp.BarcodeFormat.Code39),
    ],
)
@pytest.mark.parametrize("angle", [0, 4, 90, 180])
def test_a_photo_of_a_card_on_a_noisy_background_is_read(
    text: str, barcode_format: zxingcpp.BarcodeFormat, angle: float
) -> None:
    photo = photo_of(render(text, barcode_format, scale=3), (1280, 960), angle=angle)
    assert decode_card_code(encoded(photo, "JPEG", quality=70)) == text


def test_a_photo_larger_than_telegram_sends_is_scaled_down_and_read() -> None:
    photo = photo_of(render("KK654321", zxingcpp.BarcodeFormat.QRCode, scale=16), (4000, 3000))
    assert decode_card_code(encoded(photo, "JPEG", quality=85)) == "KK654321"


def test_a_barely_visible_code_is_read_with_a_fallback_threshold() -> None:
    # Bars and spaces differ by about 20 grey levels: the default binariser alone misses this.
    code = render("KK123456", zxingcpp.BarcodeFormat.Code39, scale=3).point(
        lambda value: 90 + value // 12
    )
    photo = Image.new("L", (900, 600), 100)
    photo.paste(code, (100, 200))
    assert decode_card_code(encoded(photo, "JPEG", quality=80)) == "KK123456"


@pytest.mark.parametrize(
    "image",
    [
        encoded(Image.effect_noise((640, 480), 60), "JPEG"),
        encoded(Image.new("RGB", (300, 200), "white"), "PNG"),
        b"",
        b"not an image at all",
        encoded(Image.new("L", (300, 200), 255), "PNG")[:60],
    ],
    ids=["noise", "blank", "empty", "text", "truncated"],
)
def test_an_image_without_a_readable_code_gives_none(image: bytes) -> None:
    assert decode_card_code(image) is None
