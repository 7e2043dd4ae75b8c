"""A PTB request layer that talks to the in-memory Telegram model instead of the network.

It carries exactly what HTTP would: the method from the URL, every parameter as the string PTB
would form-encode, uploads as multipart parts, and an answer as status code plus JSON body. So
PTB's own error mapping (BadRequest, Forbidden, RetryAfter, NetworkError, ...) runs unchanged.
"""

import json
import re
from collections.abc import Callable
from typing import IO, Any
from urllib.parse import unquote, urlsplit

from telegram._utils.types import ODVInput
from telegram.request import BaseRequest, RequestData

from bot.sandbox.telegram_model import BotApiError, TelegramModel

# .../bot<token>/<method> for API calls; .../file/bot<token>/<file_path> for downloads.
_API_PATH = re.compile(r"/bot(?P<token>[^/]*)/(?P<method>[^/]+)$")
_FILE_PATH = re.compile(r"/file/bot(?P<token>[^/]*)/(?P<path>.+)$")


class FakeTelegramRequest(BaseRequest):
    """Hand to ApplicationBuilder().request(...) and .get_updates_request(...)."""

    __slots__ = ("_initialized", "_read_timeout", "before_call", "model")

    def __init__(self, model: TelegramModel, *, read_timeout: float | None = 5.0) -> None:
        self.model = model
        self._read_timeout = read_timeout
        self._initialized = False
        # Called with each API method's name before it reaches the model (see the app fixture).
        self.before_call: Callable[[str], None] | None = None

    @property
    def read_timeout(self) -> float | None:
        """Return the default read timeout, which PTB adds to getUpdates' timeout."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Nothing to open; remember that PTB asked."""
        self._initialized = True

    async def shutdown(self) -> None:
        """Nothing to close."""
        self._initialized = False

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Answer one HTTP request from the model: status code and body."""
        del read_timeout, write_timeout, connect_timeout, pool_timeout  # nothing can stall here
        path = unquote(urlsplit(url).path)
        try:
            if method == "GET":
                return 200, self._download(path)
            return 200, await self._call(path, request_data)
        except BotApiError as error:
            return error.error_code, json.dumps(error.to_json()).encode()

    async def _call(self, path: str, request_data: RequestData | None) -> bytes:
        match = _API_PATH.search(path)
        if match is None:
            raise BotApiError(404, "Not Found")
        self.model.check_token(match["token"])
        if self.before_call is not None:
            self.before_call(match["method"])
        params = request_data.json_parameters if request_data else {}
        files = _uploads(request_data) if request_data and request_data.contains_files else None
        result = await self.model.handle_async(match["method"], params, files)
        return json.dumps({"ok": True, "result": result}).encode()

    def _download(self, path: str) -> bytes:
        match = _FILE_PATH.search(path)
        if match is None:
            raise BotApiError(404, "Not Found")
        self.model.check_token(match["token"])
        return self.model.file_bytes(match["path"])


def _uploads(request_data: RequestData) -> dict[str, tuple[str, bytes]]:
    """Read the multipart parts PTB would upload into (filename, bytes) pairs."""
    uploads: dict[str, tuple[str, bytes]] = {}
    for name, part in request_data.multipart_data.items():
        filename, content = part[0], part[1]
        uploads[name] = (filename or name, _read(content))
    return uploads


def _read(content: bytes | IO[bytes] | Any) -> bytes:
    if isinstance(content, bytes):
        return content
    if isinstance(content, str):
        return content.encode()
    data = content.read()
    return data if isinstance(data, bytes) else str(data).encode()
