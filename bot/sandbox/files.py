"""Files held by the model: what people and the bot upload, found by file_id or file_path."""

import mimetypes
import struct
from dataclasses import dataclass
from typing import Any

from bot.sandbox.errors import BotApiError, bad_request

# Telegram's limits: bots upload at most 50 MB and download at most 20 MB through getFile.
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
_DEFAULT_PHOTO_SIZE = (800, 600)


@dataclass
class StoredFile:
    """One file with the identifiers Telegram gives it."""

    file_id: str
    file_unique_id: str
    file_path: str
    kind: str  # "photo" or "document"
    data: bytes
    file_name: str | None = None
    mime_type: str | None = None
    width: int = 0
    height: int = 0

    @property
    def file_size(self) -> int:
        """Return the size in bytes."""
        return len(self.data)

    def photo_size(self) -> dict[str, Any]:
        """Return the PhotoSize object of a photo."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.file_size,
            "width": self.width,
            "height": self.height,
        }

    def document(self) -> dict[str, Any]:
        """Return the Document object of a document."""
        document: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.file_size,
        }
        if self.file_name is not None:
            document["file_name"] = self.file_name
        if self.mime_type is not None:
            document["mime_type"] = self.mime_type
        return document

    def file_object(self) -> dict[str, Any]:
        """Return the File object getFile answers with."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.file_size,
            "file_path": self.file_path,
        }


class FileStore:
    """Every file the model knows, by file_id and by file_path."""

    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}

    def add_photo(self, data: bytes, *, strict: bool) -> StoredFile:
        """Store an image; strict (the bot uploading) rejects bytes that are no image."""
        size = image_size(data)
        if size is None:
            if strict:
                raise bad_request("IMAGE_PROCESS_FAILED")
            size = _DEFAULT_PHOTO_SIZE
        return self._add("photo", data, suffix=".jpg", width=size[0], height=size[1])

    def add_document(self, data: bytes, file_name: str, mime_type: str | None) -> StoredFile:
        """Store a document under its name and MIME type."""
        guessed = mime_type or mimetypes.guess_type(file_name)[0] or "application/octet-stream"
        suffix = "." + file_name.rsplit(".", 1)[1] if "." in file_name else ""
        return self._add("document", data, suffix=suffix, file_name=file_name, mime_type=guessed)

    def _add(self, kind: str, data: bytes, *, suffix: str, **extra: Any) -> StoredFile:
        if len(data) > MAX_UPLOAD_BYTES:
            raise BotApiError(413, "Request Entity Too Large")
        if not data:
            raise bad_request("file must be non-empty")
        number = len(self._by_id) + 1
        folder = "photos" if kind == "photo" else "documents"
        stored = StoredFile(
            file_id=f"SBX{kind[0].upper()}{number:08d}AAQ",
            file_unique_id=f"SBXU{number:08d}",
            file_path=f"{folder}/file_{number}{suffix}",
            kind=kind,
            data=data,
            **extra,
        )
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored

    def get(self, file_id: str) -> StoredFile:
        """Return a file by file_id, or Telegram's error for an unknown one."""
        stored = self._by_id.get(file_id.strip())
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        return stored

    def by_path(self, file_path: str) -> StoredFile:
        """Return a file by the file_path getFile gave, or the file server's 404."""
        stored = self._by_path.get(file_path.lstrip("/"))
        if stored is None:
            raise BotApiError(404, "Not Found")
        return stored


def image_size(data: bytes) -> tuple[int, int] | None:
    """Return (width, height) of a PNG, GIF, JPEG or WebP image, or None for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """Walk the JPEG segments to the first start-of-frame marker."""
    pos = 2
    while pos + 9 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            return int(width), int(height)
        pos += 2 + length
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8X" and len(data) >= 30:
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return width, height
    if chunk == b"VP8 " and len(data) >= 30:
        width, height = struct.unpack("<HH", data[26:30])
        return int(width) & 0x3FFF, int(height) & 0x3FFF
    if chunk == b"VP8L" and len(data) >= 25:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None
