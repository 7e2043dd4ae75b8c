"""Read the code printed on a Kaikukortti from a photo, in memory and never via the disk."""

from __future__ import annotations

import io
from collections.abc import Iterator

import zxingcpp
from PIL import Image, ImageOps, UnidentifiedImageError

# Kaikukortti cards carry a QR code or a Code 39 barcode; the other two are cheap to allow
# and cover cards a locality may print with a different generator.
_FORMATS = zxingcpp.BarcodeFormats(
    [
        zxingcpp.BarcodeFormat.QRCode,
        zxingcpp.BarcodeFormat.Code39,
        zxingcpp.BarcodeFormat.Code128,
        zxingcpp.BarcodeFormat.DataMatrix,
    ]
)
# Telegram's largest photo is 2560 px on the long side; larger only makes decoding slower.
_LONGEST_SIDE = 2048
# A file sent as a document can be anything; refuse to decompress absurd pixel counts.
_MOST_PIXELS = 50_000_000


def decode_card_code(image: bytes) -> str | None:
    """The text of the first QR code or barcode found in a JPEG/PNG image, or None."""
    picture = _open_grey(image)
    if picture is None:
        return None
    for variant, binarizer in _attempts(picture):
        for barcode in zxingcpp.read_barcodes(variant, formats=_FORMATS, binarizer=binarizer):
            if barcode.text:
                return barcode.text
    return None


def _open_grey(image: bytes) -> Image.Image | None:
    """The image in greyscale, upright and at most _LONGEST_SIDE, or None if it is no image."""
    try:
        with Image.open(io.BytesIO(image)) as opened:
            # For JPEG this decodes at a reduced scale straight away, which is much cheaper.
            opened.draft("L", (_LONGEST_SIDE, _LONGEST_SIDE))
            if opened.width * opened.height > _MOST_PIXELS:
                return None
            picture = ImageOps.exif_transpose(opened).convert("L")
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError):
        return None
    picture.thumbnail((_LONGEST_SIDE, _LONGEST_SIDE))
    return picture


def _attempts(picture: Image.Image) -> Iterator[tuple[Image.Image, zxingcpp.Binarizer]]:
    """The image variants to try, cheapest and likeliest first, made only when needed."""
    yield picture, zxingcpp.Binarizer.LocalAverage
    # Uneven light (a phone's shadow across the card) suits a global threshold better.
    yield picture, zxingcpp.Binarizer.GlobalHistogram
    yield ImageOps.autocontrast(picture, cutoff=2), zxingcpp.Binarizer.FixedThreshold
