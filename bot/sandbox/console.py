"""`kaikubot sandbox`: the real bot, the emulator and demo data, with a chat in the terminal.

Everything runs in one process and one event loop: the emulator on a free loopback port, the
real Application polling it over HTTP with the real transport, and this console acting as the
personas. After each input the console waits until the bot is done (see quiescence) and prints
what changed, so a script piped into stdin gives the same transcript every time.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TextIO

from bot import logs
from bot.app import ALLOWED_UPDATES, build_application, start_up
from bot.context import KaikuApplication
from bot.sandbox import demo
from bot.sandbox.errors import RefusedByTelegram
from bot.sandbox.quiescence import Quiescence
from bot.sandbox.server import EmulatorServer
from bot.sandbox.telegram_model import TelegramModel
from bot.sandbox.transcript import Transcript
from bot.settings import Settings, SettingsError, load_settings
from storage import migrate
from storage.db import Database

# Not a Telegram token: the emulator accepts this one only, and it never leaves the machine.
SANDBOX_TOKEN = "1000000001:SANDBOX-local-only-not-a-Telegram-token"
LOG_FILE = "sandbox.log"
# How long the console waits for the bot to finish answering one input (seconds).
SETTLE_TIMEOUT = 30.0
# Long polling against the emulator; stopping ends a waiting poll at once anyway.
POLL_TIMEOUT = 10

BANNER = (
    "Kaikubot sandbox: the real bot with demo data, talking to a pretend Telegram on this "
    "computer (nothing reaches Telegram). Type to chat; a button's label, or else its number, "
    "presses it; /as NAME switches persona, /photo PATH sends an image, /say TEXT sends text "
    "as typed, /quit leaves."
)


def main(database_url: str) -> int:
    """Run the sandbox on the terminal until /quit or the end of input."""
    if not database_url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
        raise SettingsError(
            "--database must start with sqlite+aiosqlite:// or postgresql+asyncpg://"
        )
    try:
        asyncio.run(run(database_url, TerminalLines(sys.stdin), sys.stdout))
    except KeyboardInterrupt:
        print()
    return 0


async def run(database_url: str, lines: LineSource, out: TextIO) -> None:
    """Start the emulator and the bot, converse, and stop both cleanly."""
    model = TelegramModel(token=SANDBOX_TOKEN)
    demo.add_personas(model)
    async with EmulatorServer(model) as server:
        settings = load_settings(
            token=SANDBOX_TOKEN, database_url=database_url, api_base_url=server.base_url
        )
        log_path = _log_to_file(settings)
        database = Database.from_url(database_url)
        try:
            await migrate.upgrade(database.engine)
            await demo.seed(database)
            application = build_application(settings, database=database)
            async with _polling(application):
                console = Console(model, server, application, out)
                console.say(BANNER)
                console.say(f"Database: {database_url}; log: {log_path}.")
                console.say(console.whoami())
                await console.converse(lines)
        finally:
            await database.dispose()


def _log_to_file(settings: Settings) -> Path:
    """Send every log record (and warning) to a file, so the transcript stays clean."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    path = settings.data_dir / LOG_FILE
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(logs.RedactFilter([SANDBOX_TOKEN]))
    root = logging.getLogger()
    for old in root.handlers[:]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    logs.quiet_libraries()
    logging.captureWarnings(True)
    return path


@asynccontextmanager
async def _polling(application: KaikuApplication) -> AsyncIterator[None]:
    """Run the Application as run_polling would, without taking over the event loop."""
    await application.initialize()
    try:
        await start_up(application)  # PTB calls post_init only under run_polling
        await application.start()
        updater = application.updater
        if updater is None:
            raise RuntimeError("the application has no updater")
        await updater.start_polling(timeout=POLL_TIMEOUT, allowed_updates=ALLOWED_UPDATES)
        try:
            yield
        finally:
            await updater.stop()
            await application.stop()
    finally:
        await application.shutdown()


def _read_file(path: str) -> bytes:
    return Path(path).expanduser().read_bytes()


class LineSource:
    """Where the console's input comes from: one line at a time, None at the end."""

    interactive = False

    async def read(self, prompt: str) -> str | None:
        """Return the next line without its newline, or None at the end of input."""
        raise NotImplementedError


class TerminalLines(LineSource):
    """Lines from a terminal (with a prompt) or from a pipe (echoed by the console)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.interactive = stream.isatty()

    async def read(self, prompt: str) -> str | None:
        """Read in a daemon thread, so a pending read never keeps the process alive."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[str | None] = loop.create_future()

        def deliver(line: str | None) -> None:
            if not done.done():
                done.set_result(line)

        def work() -> None:
            line: str | None
            try:
                if self.interactive:
                    line = input(prompt)
                else:
                    raw = self.stream.readline()
                    line = raw.rstrip("\r\n") if raw else None
            except EOFError:
                line = None
            loop.call_soon_threadsafe(deliver, line)

        threading.Thread(target=work, name="sandbox-input", daemon=True).start()
        return await done


class Console:
    """The terminal chat: reads what the persona does, prints what the bot answered."""

    def __init__(
        self,
        model: TelegramModel,
        server: EmulatorServer,
        application: KaikuApplication,
        out: TextIO,
    ) -> None:
        self.model = model
        self.out = out
        self.quiescence = Quiescence(server, application)
        self.transcript = Transcript(model, {p.telegram_id: p.first_name for p in demo.PERSONAS})
        self.persona = demo.PERSONAS[0]

    def say(self, line: str) -> None:
        """Print one line of the console's own."""
        print(line, file=self.out, flush=True)

    def whoami(self) -> str:
        """Who the console acts as."""
        persona = self.persona
        return f"You are {persona.first_name}: {persona.display_name}, {persona.describe()}."

    async def converse(self, lines: LineSource) -> None:
        """Act on each line until /quit or the end of input."""
        while True:
            prompt = f"{self.persona.first_name}> "
            line = await lines.read(prompt)
            if line is None:
                if lines.interactive:
                    self.say("")
                return
            if not lines.interactive:
                self.say(prompt + line)
            text = line.strip()
            if text == "/quit":
                return
            if text:
                await self.act(text)

    async def act(self, text: str) -> None:
        """Carry out one input; what Telegram would refuse is refused, and the session goes on."""
        try:
            await self._act(text)
        except RefusedByTelegram as refused:
            self.say(f"telegram: {refused}")

    async def _act(self, text: str) -> None:
        command, _, rest = text.partition(" ")
        rest = rest.strip()
        if command == "/as":
            self._switch(rest)
        elif command == "/photo":
            await self._send_photo(rest)
        elif command == "/say" and rest:
            await self._deliver(self.model.user_sends_text(self.persona.telegram_id, rest))
        elif (number := self._button_chosen_by(text)) is not None:
            await self._press(number)
        else:
            await self._deliver(self.model.user_sends_text(self.persona.telegram_id, text))

    def _switch(self, name: str) -> None:
        if not name:
            self.say("Personas (/as NAME):")
            for persona in demo.PERSONAS:
                mark = "*" if persona == self.persona else " "
                self.say(
                    f" {mark} {persona.first_name:<6} {persona.display_name}, {persona.describe()}"
                )
            return
        wanted = name.casefold()
        found = [p for p in demo.PERSONAS if p.first_name.casefold() == wanted] or [
            p
            for p in demo.PERSONAS
            if wanted in p.display_name.casefold() or wanted in p.describe().casefold()
        ]
        if len(found) != 1:
            names = ", ".join(p.first_name for p in found) or "nobody"
            self.say(f"sandbox: {name!r} matches {names}; /as lists the personas.")
            return
        self.persona = found[0]
        self.say(self.whoami())
        self._print_news()  # what reached this persona while someone else was at the keyboard

    async def _send_photo(self, argument: str) -> None:
        path_text, _, caption = argument.partition(" ")
        if not path_text:
            self.say("sandbox: give the image's path: /photo PATH [caption]")
            return
        try:
            data = await asyncio.to_thread(_read_file, path_text)
        except OSError as error:
            self.say(f"sandbox: cannot read {path_text}: {error.strerror or error}")
            return
        update = self.model.user_sends_photo(
            self.persona.telegram_id, data, caption.strip() or None
        )
        await self._deliver(update)

    def _button_chosen_by(self, text: str) -> int | None:
        """The number of the button that typed text presses on the latest message with buttons.

        A label wins over a position: on a question whose buttons are `[1] 0  [2] 1 ...`, "1"
        presses the button labelled 1. None: the text is sent as a message.
        """
        found = self.transcript.buttons(self.persona.telegram_id)
        if found is None:
            return None
        labels = [str(button.get("text", "")) for button in found[1]]
        if text in labels:
            return labels.index(text) + 1
        if text.isdecimal() and 1 <= int(text) <= len(labels):
            return int(text)
        return None

    async def _press(self, number: int) -> None:
        found = self.transcript.buttons(self.persona.telegram_id)
        assert found is not None  # act() checked
        message_id, buttons = found
        button = buttons[number - 1]
        if "callback_data" not in button:
            target = button.get("url") or "something outside this chat"
            self.say(f"sandbox: [{number}] {button['text']} opens {target}; nothing to press here.")
            return
        persona = self.persona.telegram_id
        await self._deliver(self.model.user_clicks(persona, message_id, button["callback_data"]))

    async def _deliver(self, update: dict[str, Any]) -> None:
        finished = await self.quiescence.wait(update["update_id"], SETTLE_TIMEOUT)
        if not self._print_news():
            self.say("(no answer)")
        if not finished:
            self.say(
                f"sandbox: the bot is still busy after {SETTLE_TIMEOUT:.0f} s; what comes later "
                "shows after your next input."
            )

    def _print_news(self) -> bool:
        lines = self.transcript.news(self.persona.telegram_id)
        for line in lines:
            self.say(line)
        return bool(lines)
