"""The Bot API emulator: the Telegram model served over HTTP on the loopback interface.

One model, two doors: this server only translates HTTP into model calls, exactly at Telegram's
addresses (`/bot<token>/<method>`, `/file/bot<token>/<file_path>`), so the real bot with its
real HTTP transport can talk to it. Faults of the network itself (a dropped connection, a slow
answer) live here; faults of Telegram (429, 5xx, 403) are the model's `fail_next`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import mimetypes
import socket
from collections.abc import Awaitable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, TypeVar

from tornado.httpserver import HTTPServer
from tornado.httputil import HTTPServerRequest
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

from bot.sandbox.errors import BotApiError, bad_request
from bot.sandbox.telegram_model import TelegramModel

log = logging.getLogger(__name__)

LOOPBACK = "127.0.0.1"
_GET_UPDATES = "getupdates"
_T = TypeVar("_T")


@dataclass
class NetworkFault:
    """A broken network on demand: the next `remaining` requests of a method, dropped, slow,
    or held until the test lets them through."""

    method: str | None  # lower-case method name; None matches any method
    remaining: int
    delay: float | None  # seconds to wait before answering; None drops the connection
    release: asyncio.Event | None = None  # set: the held request is answered
    chat_id: int | None = None  # only requests to this chat (None: any)


class _Closed(Exception):
    """The server stopped, or the client went away, while a request was waiting."""


class EmulatorServer:
    """Serve a TelegramModel over HTTP: `async with EmulatorServer(model) as server: ...`."""

    def __init__(self, model: TelegramModel, *, port: int = 0) -> None:
        self.model = model
        self.requested_port = port
        self.port = 0
        # API requests being answered right now, long polls excluded: the bot is busy.
        self.in_flight = 0
        self.requests_served = 0
        # How many requests the network faults hit, for tests to wait on.
        self.dropped = 0
        self.delayed = 0
        self.holding = 0  # requests waiting right now for their release
        self._faults: list[NetworkFault] = []
        self._http: HTTPServer | None = None
        self._closing = asyncio.Event()

    @property
    def token(self) -> str | None:
        """The only token the emulator accepts (any, when the model has none)."""
        return self.model.token

    @property
    def base_url(self) -> str:
        """The bot's API base URL (KAIKUBOT_API_BASE_URL): the token and method follow."""
        return f"http://{LOOPBACK}:{self.port}/bot"

    @property
    def file_base_url(self) -> str:
        """Where files are downloaded from: the file path follows the token."""
        return f"http://{LOOPBACK}:{self.port}/file/bot"

    async def start(self) -> None:
        """Listen on the loopback interface; port 0 takes a free port, reported in `port`."""
        if self._http is not None:
            raise RuntimeError("the emulator is running already")
        sockets = bind_sockets(self.requested_port, LOOPBACK, family=socket.AF_INET)
        application = Application(
            [
                (r"/bot([^/]*)/([^/]+)", _ApiHandler, {"server": self}),
                (r"/file/bot([^/]*)/(.+)", _FileHandler, {"server": self}),
            ],
            default_handler_class=_NotFoundHandler,
            default_handler_args={"server": self},
            # Tornado's access log would write every URL, and the URL holds the token.
            log_function=lambda handler: None,
        )
        self._closing.clear()
        self._http = HTTPServer(application, max_body_size=64 * 1024 * 1024)
        self._http.add_sockets(sockets)
        self.port = int(sockets[0].getsockname()[1])
        log.info("Bot API emulator listening on %s:%s", LOOPBACK, self.port)

    async def stop(self) -> None:
        """End waiting long polls, stop listening and close every connection."""
        if self._http is None:
            return
        self._closing.set()
        self._http.stop()
        await self._http.close_all_connections()
        self._http = None

    async def __aenter__(self) -> EmulatorServer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    # -- network faults --------------------------------------------------------------------------

    def drop_next(self, count: int = 1, *, method: str | None = None) -> None:
        """Close the connection of the next `count` API requests (of `method`) unanswered."""
        self._faults.append(NetworkFault(_lower(method), count, None))

    def delay_next(self, seconds: float, count: int = 1, *, method: str | None = None) -> None:
        """Answer the next `count` API requests (of `method`) only after `seconds`."""
        self._faults.append(NetworkFault(_lower(method), count, seconds))

    def hold_next(
        self, method: str, count: int = 1, *, chat_id: int | None = None
    ) -> asyncio.Event:
        """Keep the next `count` requests of `method` (to `chat_id`) waiting, as a Telegram
        that is slow would, until the returned event is set."""
        release = asyncio.Event()
        self._faults.append(NetworkFault(_lower(method), count, None, release, chat_id))
        return release

    def take_network_fault(self, method: str, chat_id: object = None) -> NetworkFault | None:
        """Return the network fault the next request of `method` is to suffer, if any."""
        for fault in self._faults:
            if fault.chat_id is not None and str(fault.chat_id) != str(chat_id):
                continue
            if fault.method in (None, method.lower()):
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    async def until_closed(self, awaitable: Awaitable[_T], gone: asyncio.Event) -> _T:
        """Await `awaitable` unless the server stops or the client leaves first (_Closed)."""
        work = asyncio.ensure_future(awaitable)
        stopping = asyncio.ensure_future(self._closing.wait())
        leaving = asyncio.ensure_future(gone.wait())
        try:
            await asyncio.wait({work, stopping, leaving}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in (stopping, leaving):
                waiter.cancel()
        if not work.done():
            work.cancel()
            raise _Closed
        return work.result()


def _lower(method: str | None) -> str | None:
    return None if method is None else method.lower()


class _EmulatorHandler(RequestHandler):
    """What both routes share: the server, Telegram's JSON answers and client departure."""

    server: EmulatorServer

    def initialize(self, server: EmulatorServer) -> None:
        self.server = server
        self.gone = asyncio.Event()

    def on_connection_close(self) -> None:
        self.gone.set()

    def answer(self, body: dict[str, Any], status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body, ensure_ascii=False))

    def answer_error(self, error: BotApiError) -> None:
        self.answer(error.to_json(), error.error_code)

    def drop(self) -> None:
        """Close the connection without a word, as a broken network does."""
        connection = self.request.connection
        stream = getattr(connection, "stream", None)
        if stream is not None:
            stream.close()


class _ApiHandler(_EmulatorHandler):
    """`/bot<token>/<method>`: GET or POST, parameters in the query, a form, multipart or JSON."""

    async def get(self, token: str, method: str) -> None:
        await self._call(token, method)

    async def post(self, token: str, method: str) -> None:
        await self._call(token, method)

    async def _call(self, token: str, method: str) -> None:
        long_poll = method.lower() == _GET_UPDATES
        if not long_poll:
            self.server.in_flight += 1
        try:
            await self._answer_call(token, method)
        except _Closed:
            self.drop()
        finally:
            if not long_poll:
                self.server.in_flight -= 1
            self.server.requests_served += 1

    async def _answer_call(self, token: str, method: str) -> None:
        try:
            params, files = _request_parameters(self.request)
        except BotApiError as error:
            self.answer_error(error)
            return
        fault = self.server.take_network_fault(method, params.get("chat_id"))
        if fault is not None and fault.release is not None:
            self.server.holding += 1
            try:
                await self.server.until_closed(fault.release.wait(), self.gone)
            finally:
                self.server.holding -= 1
        elif fault is not None and fault.delay is None:
            self.server.dropped += 1
            self.drop()
            return
        elif fault is not None and fault.delay is not None:
            self.server.delayed += 1
            await self.server.until_closed(asyncio.sleep(fault.delay), self.gone)
        try:
            self.server.model.check_token(token)
            result = await self.server.until_closed(
                self.server.model.handle_async(method, params, files), self.gone
            )
        except BotApiError as error:
            self.answer_error(error)
            return
        except _Closed:
            raise
        except Exception:
            # A bug in the model must show as Telegram's own failure, not hang the bot.
            log.exception("the Telegram model failed on %s", method)
            self.answer_error(BotApiError(500, "Internal Server Error"))
            return
        self.answer({"ok": True, "result": result})


class _FileHandler(_EmulatorHandler):
    """`/file/bot<token>/<file_path>`: the bytes of a file that getFile described."""

    async def get(self, token: str, file_path: str) -> None:
        try:
            self.server.model.check_token(token)
            data = self.server.model.file_bytes(file_path)
        except BotApiError as error:
            self.answer_error(error)
            return
        mime_type, _ = mimetypes.guess_type(file_path)
        self.set_header("Content-Type", mime_type or "application/octet-stream")
        self.finish(data)


class _NotFoundHandler(_EmulatorHandler):
    """Any other address: Telegram's 404 envelope."""

    def prepare(self) -> None:
        self.answer_error(BotApiError(404, "Not Found"))


def _request_parameters(
    request: HTTPServerRequest,
) -> tuple[dict[str, Any], dict[str, tuple[str, bytes]]]:
    """Merge the query string with a form, multipart or JSON body; uploads apart."""
    params: dict[str, Any] = {
        name: _text(values[-1]) for name, values in request.query_arguments.items()
    }
    content_type = request.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type == "application/json" and request.body.strip():
        try:
            body = json.loads(request.body)
        except ValueError:
            raise bad_request("can't parse JSON object") from None
        if not isinstance(body, dict):
            raise bad_request("can't parse JSON object")
        params.update(body)
    else:
        # Tornado parses urlencoded and multipart bodies itself.
        for name, values in request.body_arguments.items():
            params[name] = _text(values[-1])
    files = {
        name: (uploads[-1].filename or name, uploads[-1].body)
        for name, uploads in request.files.items()
        if uploads
    }
    return params, files


def _text(value: bytes) -> str:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        raise bad_request("strings must be encoded in UTF-8") from None
